// The live preview's frame (a Streamlit v1 component): it shows the document of email_preview.mail_document, as
// st.iframe did, but a run that changes only the mail sets the srcdoc of the mail's sandboxed frame in place
// instead of loading the whole document again. Chromium gives a sandboxed frame a process of its own; a rebuilt
// document ends that process and starts another, about 100 ms per keystroke on this machine.
(function () {
  "use strict";
  let outline = null;  // the document last loaded, without the mail

  function toStreamlit(type, data) {
    window.parent.postMessage(Object.assign({ isStreamlitMessage: true, apiVersion: 1, type: type }, data), "*");
  }

  function load(parsed) {
    document.replaceChild(document.adoptNode(parsed.documentElement), document.documentElement);
    // Scripts moved in from a parsed document do not run; the document's own (the console's fit) must, as in a
    // frame that loads it.
    for (const old of Array.from(document.querySelectorAll("script"))) {
      const script = document.createElement("script");
      script.textContent = old.textContent;
      old.replaceWith(script);
    }
  }

  function show(source) {
    const parsed = new DOMParser().parseFromString(source, "text/html");
    const mail = parsed.getElementById("mail");
    const srcdoc = mail.getAttribute("srcdoc");
    mail.removeAttribute("srcdoc");
    const next = parsed.documentElement.outerHTML;
    if (next !== outline) {
      outline = next;
      load(parsed);
    }
    const shown = document.getElementById("mail");
    if (shown.getAttribute("srcdoc") !== srcdoc) shown.setAttribute("srcdoc", srcdoc);
  }

  window.addEventListener("message", function (event) {
    const data = event.data || {};
    if (data.type === "streamlit:render" && event.source === window.parent) {
      show(data.args.document);
      toStreamlit("streamlit:setFrameHeight", { height: data.args.height });
    }
  });
  toStreamlit("streamlit:componentReady", {});
})();
