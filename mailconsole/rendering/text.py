"""The plain-text alternative part of a mail, derived from its HTML."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Elements whose content is not text of the mail. <head> holds nothing else that is text, and is not listed: its
# end tag may be left out, which would hide the whole mail.
_SKIPPED = frozenset({"title", "style", "script", "template", "noscript"})
# Blocks that stand apart from what surrounds them by a blank line, and those that only start a new line.
_PARAGRAPHS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "blockquote", "pre", "hr"})
_LINES = frozenset({"div", "tr", "dt", "dd", "section", "article", "header", "footer", "nav", "aside", "main"})
_LINES |= {"center", "address", "form", "fieldset", "caption", "thead", "tbody", "tfoot", "body", "html", "dl"}
_CELLS = frozenset({"td", "th"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"})
_INVISIBLE_STYLE = re.compile(r"display\s*:\s*none", re.IGNORECASE)
# Block boundaries are marked while parsing and resolved at the end, so that "</div><div>" is one line break.
_LINE, _PARAGRAPH = "\x01", "\x02"


class _TextCollector(HTMLParser):
    def __init__(self, hide_invisible: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.hide_invisible = hide_invisible
        self.parts: list[str] = []
        self.skipping: str | None = None  # the tag of the skipped element we are in
        self.skip_depth = 0
        self.links: list[tuple[str, int]] = []  # href of each open <a>, with where its text starts in parts

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skipping:
            self.skip_depth += tag == self.skipping
        elif tag not in _VOID and (tag in _SKIPPED or self._invisible(dict(attrs))):
            self.skipping, self.skip_depth = tag, 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.parts)))
        elif tag == "li":
            self.parts.append(_LINE + "- ")
        else:
            self._block(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:  # <br/>, <hr/>; anything else written as <x/> opens nothing
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            self.skip_depth -= tag == self.skipping
            self.skipping = self.skipping if self.skip_depth else None
        elif tag == "a" and self.links:
            self._close_link(*self.links.pop())
        else:
            self._block(tag)

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(re.sub(r"[\s\x01\x02]+", " ", data.replace("\xa0", " ")))

    def _invisible(self, attrs: dict[str, str | None]) -> bool:
        """A preheader and the like: shown in the inbox list, not part of the text."""
        hidden = "hidden" in attrs or bool(_INVISIBLE_STYLE.search(attrs.get("style") or ""))
        return self.hide_invisible and hidden

    def _block(self, tag: str) -> None:
        if tag in _PARAGRAPHS:
            self.parts.append(_PARAGRAPH)
        elif tag in _LINES:
            self.parts.append(_LINE)
        elif tag in _CELLS:
            self.parts.append(" ")

    def _close_link(self, href: str, start: int) -> None:
        text = " ".join(re.sub("[\x01\x02]", " ", "".join(self.parts[start:])).split())
        target = href.strip()
        shown = target.removeprefix("mailto:").removeprefix("tel:")
        if not target or target.startswith(("#", "javascript:")) or shown.rstrip("/") == text.rstrip("/"):
            return
        self.parts.append(f" ({target})" if text else target)


def html_to_text(html: str) -> str:
    """Readable plain text of an HTML mail.

    Head, styles, scripts and invisible elements go; block elements and ``<br>`` become line breaks; a link
    becomes "text (url)" unless its text is the url; entities are decoded; runs of blank lines shrink to one.
    """
    collector = _collect(html, hide_invisible=True)
    if collector.skipping:  # an invisible element never ended: it would take the rest of the mail with it
        collector = _collect(html, hide_invisible=False)
    text = "".join(collector.parts)
    text = re.sub(r"[ \x01\x02]*\x02[ \x01\x02]*", "\n\n", text)
    text = re.sub(r" *\x01[ \x01]*", "\n", text)
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _collect(html: str, hide_invisible: bool) -> _TextCollector:
    collector = _TextCollector(hide_invisible)
    collector.feed(html)
    collector.close()
    return collector
