"""Render author text (light Markdown) to HTML that cannot run code or break
the page around it.

Python-Markdown passes raw HTML through, so author text is converted here, by a
converter that knows only paragraphs, lists, emphasis, code spans and links,
and the page receives finished, escaped HTML. Markup the converter does not
know stays visible as text.
"""
from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

import markdown
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

ALLOWED_SCHEMES = ("https", "http", "mailto", "tel")

_BLOCK_PROCESSORS_OFF = ("hashheader", "setextheader", "hr", "code", "quote", "reference")
_INLINE_PATTERNS_OFF = ("html", "entity", "reference", "image_link", "image_reference",
                        "short_reference", "short_image_ref")
_PREPROCESSORS_OFF = ("html_block",)
# Bidirectional overrides can make text read differently from what it is;
# control characters (Unicode category Cc) other than newline and tab go too.
_UNWANTED = re.compile("[\u202a-\u202e\u2066-\u2069\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Text with nothing the converter would act on: no Markdown or HTML syntax,
# one line, and no list marker at its start.
_PLAIN = re.compile(r"[^\n\t\\`*_\[\]<>&]+")
_LIST_START = re.compile(r"[+\-]|\d+\.")


def link_allowed(href: str) -> bool:
    """Judge a link as a browser reads it: entities decoded, and the white space
    and control characters browsers ignore in a scheme removed."""
    seen = re.sub(r"[\x00-\x20]", "", html.unescape(href))
    scheme = re.match(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):", seen)
    if scheme is None:
        return re.match(r"^[/\\]{2}", seen) is None  # relative, but not to another host
    return scheme.group(1).lower() in ALLOWED_SCHEMES


def _attribute(value: str) -> str:
    # The serializer keeps anything that looks like an entity; encode every `&`
    # so the browser reads exactly the value that was checked.
    return clean(html.unescape(value)).replace("&", "&amp;")


class _LinkGuard(Treeprocessor):
    """Drop links whose target is not an allowed scheme; keep their text."""

    def run(self, root):
        for link in root.iter("a"):
            href = link.get("href", "")
            if not link_allowed(href):
                link.tag = "span"
                link.attrib.clear()
                continue
            link.set("href", _attribute(href))
            if link.get("title") is not None:
                link.set("title", _attribute(link.get("title")))
            if re.match(r"^\s*https?:", html.unescape(href)):
                link.set("rel", "noopener")


class _Ampersand(InlineProcessor):
    """A bare `&` is text, never the start of an entity the author could use to
    smuggle characters (e.g. `&#x202E;`) past the checks."""

    def handleMatch(self, m, data):
        return AtomicString("&amp;"), m.start(0), m.end(0)


def _converter() -> markdown.Markdown:
    md = markdown.Markdown(extensions=[], output_format="html")
    for name in _PREPROCESSORS_OFF:
        md.preprocessors.deregister(name, strict=False)
    for name in _BLOCK_PROCESSORS_OFF:
        md.parser.blockprocessors.deregister(name, strict=False)
    for name in _INLINE_PATTERNS_OFF:
        md.inlinePatterns.deregister(name, strict=False)
    md.inlinePatterns.register(_Ampersand("&", md), "ampersand", 5)
    md.treeprocessors.register(_LinkGuard(md), "link_guard", 1)
    return md


_md = None


def clean(text: str) -> str:
    """Normalise author text: NFC, no direction overrides, no control characters."""
    return _UNWANTED.sub("", unicodedata.normalize("NFC", text))


def to_html(text: str) -> str:
    """Block HTML (paragraphs, lists) from author Markdown."""
    text = clean(text)
    if _PLAIN.fullmatch(text) and not _LIST_START.match(text) and text == text.strip():
        # Most texts are one plain paragraph: what the converter would make of
        # them, without its cost (a test checks that both agree).
        return f"<p>{text}</p>"
    return _convert(text)


@lru_cache(maxsize=4096)  # shared texts (e.g. the organisation's) recur on every page
def _convert(text: str) -> str:
    global _md
    if _md is None:
        _md = _converter()
    _md.reset()
    return _md.convert(text).strip()


def to_inline_html(text: str) -> str:
    """Like to_html, but a single paragraph comes without its <p>."""
    rendered = to_html(text)
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        return rendered[3:-4]
    return rendered


@lru_cache(maxsize=8192)  # standard texts (labels, headings) recur on every page
def escape(text: str) -> str:
    """Plain text (names, addresses) as HTML text."""
    return html.escape(clean(text), quote=True)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")


@lru_cache(maxsize=4096)
def escape_markdown_line(text: str) -> str:
    """Plain text for a Markdown heading or link text: one line, nothing interpreted."""
    one_line = " ".join(clean(text).split())
    return _MD_SPECIAL.sub(r"\\\1", html.escape(one_line, quote=False))
