"""Remote images in a mail shown by the console: blocked until asked for, as mail clients do.

An image loaded from the network tells its host who opened the mail and when (a tracking pixel). The console shows
mails (the outbox, the template preview) with every image reference that is not inline in the mail (``data:`` or
``cid:``) removed: ``src``, ``srcset`` and the other attributes that load an image, and ``url(...)`` in CSS, in
``<style>`` and in ``style`` attributes. ``<meta http-equiv="refresh">`` goes too, since it would load a page.

The rewrite reads the HTML as Python's parser does, which a hostile mail can make differ from a browser's; the
frame that shows the mail therefore also carries ``content_security_policy()``, which the browser enforces.
"""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser
from typing import NamedTuple

# Attributes that make a browser fetch an image (or a page, for object/embed) as soon as the element is shown.
_LOADING_ATTRIBUTES = {"src", "srcset", "lowsrc", "dynsrc", "background", "poster", "data"}
# In SVG, href and xlink:href of these elements load an image or another document.
_SVG_HREF_ELEMENTS = {"image", "use", "feimage"}
_CSS_URL = re.compile(r"""url\(\s*(?:"[^"]*"|'[^']*'|[^)]*)\s*\)""", re.IGNORECASE)
_CSS_REMOTE_STRING = re.compile(r"""(["'])\s*(?:https?:|//)[^"']*\1""", re.IGNORECASE)
_URL_INSIDE = re.compile(r"""url\(\s*["']?\s*(.*?)\s*["']?\s*\)\Z""", re.IGNORECASE | re.DOTALL)


class BlockedImages(NamedTuple):
    html: str
    blocked: int  # references to images outside the mail that were removed


def is_inline(url: str) -> bool:
    """An image that travels inside the mail: nothing is fetched to show it."""
    return url.strip().lower().startswith(("data:", "cid:"))


def content_security_policy(*, remote_images: bool) -> str:
    """What the frame showing a mail may load: inline styles, inline images, and remote images only on request.
    Nothing else (scripts, stylesheets, fonts, frames) is ever fetched."""
    images = "data: cid: http: https:" if remote_images else "data: cid:"
    return f"default-src 'none'; style-src 'unsafe-inline'; img-src {images}"


def block_remote_images(html: str) -> BlockedImages:
    """The mail with every reference to an image outside it removed, and how many there were."""
    rewriter = _Rewriter()
    rewriter.feed(_as_browsers_end_comments(html))
    rewriter.close()
    return BlockedImages("".join(rewriter.out), rewriter.blocked)


def _as_browsers_end_comments(html: str) -> str:
    """Browsers end a comment at ``--!>`` and take ``<!-->`` and ``<!--->`` as empty comments; Python's parser
    would read on, and miss the tags that follow."""
    return html.replace("--!>", "-->").replace("<!--->", "<!---->").replace("<!-->", "<!---->")


def _block_css(css: str) -> tuple[str, int]:
    blocked = 0

    def url(match: re.Match[str]) -> str:
        nonlocal blocked
        inside = _URL_INSIDE.match(match.group(0))
        if inside and is_inline(inside.group(1)):
            return match.group(0)
        blocked += 1
        return "none"

    def string(match: re.Match[str]) -> str:
        nonlocal blocked
        blocked += 1
        return '""'

    css = _CSS_URL.sub(url, css)
    return _CSS_REMOTE_STRING.sub(string, css), blocked


class _Rewriter(HTMLParser):
    """Copies the HTML as it came, except start tags with something to block and the CSS of ``<style>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.blocked = 0
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs, self.get_starttag_text() or "", closed=False)
        self._in_style = tag == "style"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs, self.get_starttag_text() or "", closed=True)

    def _tag(self, tag: str, attrs: list[tuple[str, str | None]], raw: str, *, closed: bool) -> None:
        if tag == "meta" and any(
            name == "http-equiv" and (value or "").strip().lower() == "refresh" for name, value in attrs
        ):
            self.blocked += 1
            return
        kept: list[tuple[str, str | None]] = []
        changed = False
        for name, value in attrs:
            if value is not None and self._loads_image(tag, name) and not is_inline(value):
                self.blocked += 1
                changed = True
                continue
            if name == "style" and value:
                css, count = _block_css(value)
                if count:
                    self.blocked += count
                    changed = True
                    value = css
            kept.append((name, value))
        if not changed:
            self.out.append(raw)
            return
        rebuilt = "".join(f" {name}" if value is None else f' {name}="{escape(value)}"' for name, value in kept)
        self.out.append(f"<{tag}{rebuilt}{' /' if closed else ''}>")

    @staticmethod
    def _loads_image(tag: str, name: str) -> bool:
        if name in ("href", "xlink:href"):
            return tag in _SVG_HREF_ELEMENTS
        return name in _LOADING_ATTRIBUTES

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self._in_style:
            data, count = _block_css(data)
            self.blocked += count
        self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.out.append(f"<![{data}]>")
