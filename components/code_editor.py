"""The template body editor: Ace (npm's ace-builds, vendored in ``editor_frontend/``) as a small component of the
console's own, in place of streamlit-ace, for two things streamlit-ace 0.1.1 cannot do:

- it sends the text 10 ms after the last key, where streamlit-ace waits a fixed 200 ms, most of the 300 ms a
  keystroke may take to reach the live preview (``bench/keystroke_bench.py``);
- Ctrl+S / Cmd+S inside the editor saves: the frame sends the text at once, then hands the keys to the page, where
  the Save button's own shortcut takes them (keys typed in a component's frame never reach the page by themselves).

It behaves as ``st_ace`` did where the page relies on it: the text given is read only when the editor is mounted
(give it a new ``key`` to load another text), the value is the text (``None`` until the browser sends one), and the
arguments keep streamlit-ace's names (``defaultValue``, ``annotations``), which tests read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit.components.v1 as components

_FRONTEND = Path(__file__).parent / "editor_frontend"
_render = components.declare_component("code_editor", path=str(_FRONTEND))


def code_editor(
    value: str,
    *,
    language: str,
    key: str,
    height: int = 620,
    font_size: int = 13,
    tab_size: int = 2,
    wrap: bool = True,
    show_gutter: bool = True,
    annotations: list[dict[str, Any]] | None = None,
) -> str | None:
    """The Ace editor showing ``value`` (an Ace mode such as ``handlebars`` or ``ejs`` for ``language``), with
    ``annotations`` (``row``, ``column``, ``text``, ``type``) in its gutter; the text as the browser last sent it."""
    text: str | None = _render(
        defaultValue=value,
        mode=language,
        height=height,
        fontSize=font_size,
        tabSize=tab_size,
        wrap=wrap,
        showGutter=show_gutter,
        annotations=annotations or [],
        key=key,
        default=value,
    )
    return text
