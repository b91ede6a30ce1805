"""What a page shows an administrator in words, read from AppTest's element tree, and what of it is left in English.

Every string field of every element's proto is read (labels, bodies, help, placeholders, options, tab and expander
labels, the JSON of a dataframe's column settings...), except the fields that carry data rather than the console's
words: a widget's value, a code block, a frame's document, ids. What is left in English on a Chinese page is a
string the catalogs miss (or one the code never marked for translation).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from google.protobuf.message import Message
from streamlit.testing.v1 import AppTest

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
    }
)

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
        "SendGrid",
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

_CODE_SPAN = re.compile(r"`[^`]*`|\{\{.*?\}\}|<%.*?%>|\$\{[^}]*\}")
_ADDRESS = re.compile(r"\S+@\S+|https?://\S+|\b[\w-]+(?:\.[\w-]+)+\b|:material/\w+:|/[\w./-]+")
_IDENTIFIER = re.compile(r"\b[A-Z0-9_]*_[A-Z0-9_]+\b|\b[a-z]+(?:_[a-z0-9]+)+\b|\b[a-z]+[A-Z]\w*\b")
_WORD = re.compile(r"[A-Za-z]{2,}")


def shown_strings(at: AppTest) -> list[str]:
    """Every string an administrator can read on the page as AppTest rendered it."""
    found: list[str] = []
    for proto in _protos(at._tree):
        found.extend(_strings(proto))
    return [text for text in found if text.strip()]


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
            if isinstance(item, str):
                yield item
            elif isinstance(item, Message):
                yield from _strings(item)


def english_words(text: str) -> list[str]:
    """The English words of ``text`` that a Chinese page should not show (code, addresses, identifiers and the kept
    names aside)."""
    text = _CODE_SPAN.sub(" ", text)
    text = _ADDRESS.sub(" ", text)
    text = _IDENTIFIER.sub(" ", text)
    return [word for word in _WORD.findall(text) if word not in KEPT_WORDS]


def untranslated(at: AppTest) -> list[str]:
    """The strings of a Chinese page that still hold English words."""
    return [text for text in shown_strings(at) if english_words(text)]


_CHINESE = re.compile("[\u4e00-\u9fff]")


def chinese(at: AppTest) -> list[str]:
    """The strings of a page that hold Chinese characters (none on an English page of an English pool)."""
    return [text for text in shown_strings(at) if _CHINESE.search(text)]
