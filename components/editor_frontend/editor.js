// The template body editor: Ace in a Streamlit component frame (the v1 protocol, by postMessage).
// - The text goes to Python SEND_DELAY_MS after the last change (streamlit-ace waited 200 ms).
// - The text given by Python is read once, when the editor is mounted; later runs only update its
//   options and gutter annotations, so a run never overwrites what is being typed.
// - Ctrl+S / Cmd+S sends the text at once and then hands the same keys to the page, whose Save button
//   has that shortcut: one way to save, whether the cursor is in a field or in the editor.
(function () {
  "use strict";
  const SEND_DELAY_MS = 10;  // the changes of one edit (a multi-cursor typing, a replace all) make one run
  const SAVE_SIGNAL = "mailconsole:save-after-text";
  let editor = null;
  let timer = null;
  let sentText = null;

  function toStreamlit(type, data) {
    window.parent.postMessage(Object.assign({ isStreamlitMessage: true, apiVersion: 1, type: type }, data), "*");
  }

  function sendText() {
    clearTimeout(timer);
    timer = null;
    const text = editor.getValue();
    if (text !== sentText) {
      sentText = text;
      toStreamlit("streamlit:setComponentValue", { value: text, dataType: "json" });
    }
  }

  function save(ctrlKey, metaKey) {
    sendText();
    // Messages between same-origin frames keep their order: by the time this one arrives, the page has taken
    // the text above, so the Save its shortcut presses sends the text as typed.
    window.postMessage({ type: SAVE_SIGNAL, ctrlKey: ctrlKey, metaKey: metaKey }, "*");
  }

  function pressSaveOnPage(ctrlKey, metaKey) {
    const init = { key: "s", code: "KeyS", keyCode: 83, which: 83, ctrlKey: ctrlKey, metaKey: metaKey,
                   bubbles: true, cancelable: true };
    window.parent.document.dispatchEvent(new window.parent.KeyboardEvent("keydown", init));
    window.parent.document.dispatchEvent(new window.parent.KeyboardEvent("keyup", init));
  }

  function mount(args) {
    const element = document.getElementById("editor");
    element.style.height = args.height + "px";
    ace.config.set("basePath", "ace");  // the snippets of a mode load from here
    editor = ace.edit(element, {
      mode: "ace/mode/" + args.mode,
      theme: "ace/theme/chrome",
      keyboardHandler: "ace/keyboard/vscode",
      fontSize: args.fontSize,
      tabSize: args.tabSize,
      wrap: args.wrap,
      showGutter: args.showGutter,
      showPrintMargin: false,
      useWorker: false,  // the gutter shows the console's own checks (annotations), not Ace's HTML parser
      enableBasicAutocompletion: true,
      enableLiveAutocompletion: true,
    });
    editor.session.setValue(args.defaultValue);
    sentText = args.defaultValue;
    editor.session.on("change", function () {
      clearTimeout(timer);
      timer = setTimeout(sendText, SEND_DELAY_MS);
    });
    editor.on("blur", sendText);
    editor.commands.addCommand({
      name: "save",
      bindKey: { win: "Ctrl-S", mac: "Command-S|Ctrl-S" },
      exec: function () { save(editor.commands.platform !== "mac", editor.commands.platform === "mac"); },
    });
    toStreamlit("streamlit:setFrameHeight", { height: args.height + 2 });
  }

  function update(args) {
    const mode = "ace/mode/" + args.mode;
    if (editor.session.$modeId !== mode) editor.session.setMode(mode);
    editor.session.setAnnotations(args.annotations || []);
  }

  window.addEventListener("message", function (event) {
    const data = event.data || {};
    if (data.type === SAVE_SIGNAL && event.source === window) {
      pressSaveOnPage(data.ctrlKey, data.metaKey);
    } else if (data.type === "streamlit:render" && event.source === window.parent) {
      if (editor === null) mount(data.args);
      update(data.args);
    }
  });
  toStreamlit("streamlit:componentReady", {});
})();
