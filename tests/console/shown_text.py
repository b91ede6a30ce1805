"""What a page shows an administrator in words, read from AppTest's element tree, and what of it is left in English.

Every string field of every element's proto is read (labels, bodies, help, placeholders, options, tab and expander
labels, the JSON of a dataframe's column settings...), except the fields that carry data rather than the console's
words: a widget's value, a code block, a frame's document, ids. What is left in English on a Chinese page is a
string the catalogs miss (or one the code never marked for translation).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from google.protobuf.message import Message
from streamlit.testing.v1 import AppTest

from components.language import LANGUAGE_NAMES
from mailconsole.catalog import COMMON_VARIABLES, TYPE_VARIABLES

# Fields that hold data, identifiers or markup rather than words of the console.
DATA_FIELDS = frozenset(
    {
        "id",
        "form_id",
        "key",
        "value",
        "default",
        "raw_value",
        "srcdoc",
        "src",
        "url",
        "icon",
        "page_script_hash",
        "page_name",
        "url_path",
        "json_args",
        "component_name",
        "arrow_data",
        "data",
        "language",
        "type",
        "element_type",
        "format",
        "width",
        "height",
        "code_text",
        "selections",
        "css_class",
        "deprecated_page_name",
        "main_script_hash",
        "query_string",
        "theme",
        "parent",
        "autocomplete",  # an HTML attribute value of a text input ("new-password")
        "page",  # a page link's target (its url_path)
        # A button's keyboard shortcut, and a custom component's own script, markup and styles.
        "shortcut",
        "js_content",
        "css_content",
        "html_content",
    }
)
# Fields that hold JSON: a dataframe's column settings, a custom component's data. Their string values are read
# (labels, help, words sent to a frontend), not their keys (column and argument names).
JSON_FIELDS = frozenset({"columns", "json"})
# st.html: its styles and scripts are code.
_HTML_CODE = re.compile(r"<(style|script)\b.*?</\1>", re.DOTALL | re.IGNORECASE)

# Words that stay as they are in Chinese text: product and protocol names, formats, the catalog's identifiers.
KEPT_WORDS = frozenset(
    [
        "GenAuth",
        "Authing",
        "SDK",  # GenAuth's Chinese docs and console write SDK
        "SMTP",
        "SSL",
        "TLS",
        "STARTTLS",
        # SMTP's commands and a certificate's PEM markers, which Chinese text quotes as they are.
        *("EHLO", "AUTH", "MAIL", "FROM", "RCPT", "TO", "RSET", "CA", "PEM", "BEGIN", "END", "CERTIFICATE"),
        *("SSMS", "SHIFT"),  # the SMTP set-up API's two URL forms, named as its documentation names them
        *("OpenID", "Connect", "SSH"),  # protocols the sign-in page names
        "SendGrid",
        "MFA",  # GenAuth's Chinese console: "MFA 验证码"
        "IP",
        "Ctrl",  # keys and systems, as keyboards and Chinese docs name them
        "Cmd",
        "Mac",
        "GMT",
        "JavaScript",
        "ejs",  # the npm library, as pybars3
        # JavaScript's and Node's names that templates meet (the engine notes list them)
        "Intl",
        "console",
        "process",
        "Buffer",
        "TextEncoder",
        "fetch",
        # the template variables that are one word (the others are identifiers with "_")
        *(
            name
            for name in {*COMMON_VARIABLES, *(v for names in TYPE_VARIABLES.values() for v in names)}
            if "_" not in name
        ),
        "Handlebars",
        "EJS",
        "JSON",
        "YAML",
        "HTML",
        "CSS",
        "URL",
        "URLs",
        "API",
        "HTTP",
        "HTTPS",
        "ID",
        "IDs",
        "DNS",
        "DKIM",
        "SPF",
        "DMARC",
        "MX",
        "IMAP",
        "Gmail",
        "Outlook",
        "QQ",
        "Alibaba",
        "Aliyun",
        "Tencent",
        "Exmail",
        "Chromium",
        "Node",
        "pybars3",
        "QuickJS",
        "Ace",
        "UTC",
        "MIME",
        "UTF",
        "zip",
        "Bearer",
        "PostgreSQL",
        "SQLite",
        "mailconsole",
        "localhost",
        "Streamlit",
        "Markdown",
        "CJK",
    ]
)

# Code: Markdown's code spans, template tags, and HTML quoted as markup (<script>, <img src>, alt="").
_CODE_SPAN = re.compile(r"`[^`]*`|\{\{.*?\}\}|<%.*?%>|\$\{[^}]*\}|</?[a-z]+\b[^<>]*>|\b[a-z-]+=\"[^\"]*\"")
_ADDRESS = re.compile(r"\S+@\S+|https?://\S+|\b[\w-]+(?:\.[\w-]+)+\b|:material/\w+:|/[\w./-]+")
_IDENTIFIER = re.compile(r"\b[A-Z0-9_]*_[A-Z0-9_]+\b|\b[a-z]+(?:_[a-z0-9]+)+\b|\b[a-z]+[A-Z]\w*\b")
_WORD = re.compile(r"[A-Za-z]{2,}")
_MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|~$:<>])")
# Markdown's colour directive (:green[...]): markup, not a word.
_COLOUR = re.compile(r":(?:red|orange|yellow|green|blue|violet|gray|grey|rainbow|primary)(?:-background)?\[")


def shown_strings(at: AppTest, area: Any = None) -> list[str]:
    """Every string an administrator can read on the page as AppTest rendered it (in ``area``, such as ``at.main``
    or ``outside_sidebar(at)``, when given). The language switch's names of the languages are left out: each is
    written in its own language on every page."""
    found: list[str] = []
    nodes = [at._tree] if area is None else area if isinstance(area, list) else [area]
    for node in nodes:
        for proto in _protos(node):
            found.extend(_strings(proto))
    return [text for text in found if text.strip() and text not in _LANGUAGE_NAMES]


_LANGUAGE_NAMES = frozenset(LANGUAGE_NAMES.values())


def outside_sidebar(at: AppTest) -> list[Any]:
    """The page's main area and its dialogs (AppTest keeps an open dialog in a block of its own)."""
    return [block for block in at._tree.children.values() if getattr(block, "type", None) != "sidebar"]


def _protos(node: Any) -> Iterator[Message]:
    proto = getattr(node, "proto", None)
    if isinstance(proto, Message):
        yield proto
    children = getattr(node, "children", None) or {}
    for child in children.values():
        yield from _protos(child)


def _strings(message: Message) -> Iterator[str]:
    for field, value in message.ListFields():
        if field.name in DATA_FIELDS:
            continue
        values = value if field.is_repeated else [value]
        for item in values:
            if isinstance(item, str) and field.name == "columns":
                yield from _column_strings(json.loads(item or "{}"))
            elif isinstance(item, str) and field.name in JSON_FIELDS:
                yield from _json_strings(json.loads(item or "null"))
            elif isinstance(item, str) and type(message).__name__ == "Html":
                yield _HTML_CODE.sub(" ", item)
            elif isinstance(item, str):
                yield item
            elif isinstance(item, Message):
                yield from _strings(item)


def _json_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)
    elif isinstance(value, dict):
        for name, item in value.items():
            if name not in DATA_FIELDS:
                yield from _json_strings(item)


def _column_strings(columns: dict[str, Any]) -> Iterator[str]:
    """A dataframe's column settings: each column's heading (its label, else its name) and help."""
    for name, column in columns.items():
        if name != "_index" and not column.get("hidden"):
            yield from _json_strings(column.get("label") or name)
            yield from _json_strings(column.get("help"))


def english_words(text: str) -> list[str]:
    """The English words of ``text`` that a Chinese page should not show (code, addresses, identifiers and the kept
    names aside)."""
    text = _MARKDOWN_ESCAPE.sub(r"\1", text)  # CHANNEL\_LOGIN reads CHANNEL_LOGIN
    text = _CODE_SPAN.sub(" ", text)
    text = _COLOUR.sub(" ", text)
    text = _ADDRESS.sub(" ", text)
    text = _IDENTIFIER.sub(" ", text)
    return [word for word in _WORD.findall(text) if word not in KEPT_WORDS]


def untranslated(at: AppTest, area: Any = None, *, data: tuple[str, ...] = ()) -> list[str]:
    """The strings of a Chinese page (or of its ``area``) that still hold English words, less ``data``: what the
    backend or a provider said, shown as it came."""
    return [text for text in shown_strings(at, area) if english_words(_without(text, data))]


_CHINESE = re.compile("[\u4e00-\u9fff]")


def chinese(at: AppTest, area: Any = None, *, data: tuple[str, ...] = ()) -> list[str]:
    """The strings of a page (or of its ``area``) that hold Chinese characters (none on an English page of an
    English pool), less ``data``."""
    return [text for text in shown_strings(at, area) if _CHINESE.search(_without(text, data))]


def _without(text: str, data: tuple[str, ...]) -> str:
    for phrase in filter(None, data):  # (an empty phrase would split the text into letters)
        text = text.replace(phrase, " ")
    return text
