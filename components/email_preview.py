"""Showing a mail's HTML without letting it act: inside a nested ``<iframe sandbox="">``.

``st.iframe`` (and ``st.components.v1.html``, its wrapper) gives its frame ``allow-scripts allow-same-origin``, so a
``<script>`` in a mail shown there directly would run next to the Streamlit page. The console therefore shows an
outer document of its own, which holds the mail in an inner frame with an empty ``sandbox`` attribute (no scripts,
no forms, no popups, no top navigation, a unique origin) and the mail escaped into ``srcdoc``.
``st.html`` is not used: it strips scripts but lets the mail's CSS restyle the console.

Remote images are blocked until the administrator asks for them, per mail, as mail clients do: loading them tells
their host who looks at the mail and when. The references are removed from the HTML (``block_remote_images``), and
the frame's Content-Security-Policy (images only ``data:`` and ``cid:``) stops whatever the rewrite missed.
"""

from __future__ import annotations

import html
from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components

from components.language import _
from mailconsole.remote_images import block_remote_images, content_security_policy

DESKTOP_WIDTH = 600  # at least: a desktop mail client's reading pane
MOBILE_WIDTH = 375  # a phone

# The same document in a frame that, on a run that changes only the mail, replaces the mail in place (the live
# preview, which changes with every keystroke): see mail_frame_frontend/mail_frame.js.
_in_place_frame = components.declare_component("mail_frame", path=str(Path(__file__).parent / "mail_frame_frontend"))


# The console's own script in the outer document (never the mail's): a desktop mail keeps its real width, at least
# 600 px, and is scaled down to fit a narrower column instead of being cut off.
_FIT_SCRIPT = """
(function () {
  var frame = document.getElementById("mail");
  function fit() {
    var room = document.documentElement.clientWidth;
    var width = Math.max(room, %(min)d);
    var scale = Math.min(1, room / width);
    frame.style.width = width + "px";
    frame.style.height = (%(height)d / scale) + "px";
    frame.style.transform = "scale(" + scale + ")";
  }
  window.addEventListener("resize", fit);
  fit();
})();
"""


def mail_document(
    mail_html: str, *, mobile: bool = False, height: int = 600, remote_images: bool = False, title: str = "Mail preview"
) -> str:
    """The outer document: the mail escaped into the ``srcdoc`` of a frame sandboxed with no permission at all,
    behind a Content-Security-Policy that lets remote images load only when ``remote_images`` is on. ``title``:
    the frame's name for screen readers, in the session's language."""
    csp = content_security_policy(remote_images=remote_images)
    policy = f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
    frame = (
        f'<iframe id="mail" sandbox="" referrerpolicy="no-referrer" title="{html.escape(title, quote=True)}" '
        f'style="width:{MOBILE_WIDTH if mobile else DESKTOP_WIDTH}px;height:{height}px;" '
        f'srcdoc="{html.escape(policy + mail_html, quote=True)}"></iframe>'
    )
    script = "" if mobile else f"<script>{_FIT_SCRIPT % {'min': DESKTOP_WIDTH, 'height': height}}</script>"
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        "<style>html,body{margin:0;padding:0;background:#f3f4f6;overflow:hidden;}"
        "iframe{display:block;border:1px solid #d0d4da;background:#fff;box-sizing:border-box;"
        "transform-origin:0 0;}"
        f"{'iframe{margin:0 auto;}' if mobile else ''}"
        f"</style></head><body>{frame}{script}</body></html>"
    )


def show_mail(mail_html: str, *, key: str, mobile: bool = False, height: int = 600, in_place: bool = False) -> None:
    """The mail at desktop (600 px and wider) or mobile (375 px) width, scripts and forms inert, remote images
    blocked until "Load remote images" is pressed for this mail (``key`` names it, for this session). ``in_place``:
    a mail that changes from run to run replaces the one shown, instead of a new frame being loaded."""
    allowed_key = f"{key}.remote_images"
    remote = bool(st.session_state.get(allowed_key))
    shown, blocked = (mail_html, 0) if remote else block_remote_images(mail_html)
    if blocked:
        left, right = st.columns([3, 1], vertical_alignment="center")
        left.caption(
            _("1 remote image is not loaded: loading it tells its host who opened this mail, and when.")
            if blocked == 1
            else _(
                "{count} remote images are not loaded: loading them tells their host who opened this mail, and when.",
                count=blocked,
            )
        )
        right.button(
            _("Load remote images"),
            key=f"{key}.load_remote_images",
            icon=":material/image:",
            on_click=st.session_state.__setitem__,
            args=(allowed_key, True),
        )
    document = mail_document(shown, mobile=mobile, height=height, remote_images=remote, title=_("Mail preview"))
    if in_place:
        _in_place_frame(document=document, height=height + 4, key=f"{key}.frame", default=None)
    else:
        st.iframe(document, height=height + 4)
