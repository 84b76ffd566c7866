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
AUTHOR_LINK_REL = "noopener noreferrer"  # on every link an author wrote
# Bounds that keep Python-Markdown fast and off the end of the stack: it looks
# for the end of every `[` up to the end of the text (time grows with the square
# of the text), and it recurses once per level of list nesting.
MAX_TEXT_CHARS = 10_000
MAX_BRACKETS = 100
MAX_LIST_DEPTH = 10
_LIST_MARKER = re.compile(r"[ ]*(?:[*+-]|\d+[.)])(?:[ ]+|\Z)")

_BLOCK_PROCESSORS_OFF = ("hashheader", "setextheader", "hr", "code", "quote", "reference")
_INLINE_PATTERNS_OFF = ("html", "entity", "reference", "image_link", "image_reference",
                        "short_reference", "short_image_ref")
_PREPROCESSORS_OFF = ("html_block",)
# Bidirectional overrides and isolates can make text read differently from
# what it is; control characters (category Cc) other than tab and newline
# have no business in a text.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
HIDDEN_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + BIDI_CONTROLS + "]")
# Text with nothing the converter would act on: no Markdown or HTML syntax,
# one line, and no list marker at its start.
_PLAIN = re.compile(r"[^\n\t\\`*_\[\]<>&]+")
_LIST_START = re.compile(r"[+\-]|\d+\.")


def link_allowed(href: str) -> bool:
    """Judge a link as a browser reads it: entities decoded, and the white space
    and control characters browsers ignore in a scheme removed. Only full
    addresses: a relative link would lead elsewhere from each language's page."""
    seen = re.sub(r"[\x00-\x20]", "", html.unescape(href))
    scheme = re.match(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):", seen)
    return scheme is not None and scheme.group(1).lower() in ALLOWED_SCHEMES


def _attribute(value: str) -> str:
    # The serializer keeps anything that looks like an entity; encode every `&`
    # so the browser reads exactly the value that was checked.
    return clean(html.unescape(value)).replace("&", "&amp;")


class _LinkGuard(Treeprocessor):
    """Drop links whose target is not an allowed scheme; keep their text.
    Runs after Python-Markdown's unescaping, so it sees the target as written."""

    rejected: list

    def run(self, root):
        for link in root.iter("a"):
            href = link.get("href", "")
            if not link_allowed(href):
                self.rejected.append(href)
                link.tag = "span"
                link.attrib.clear()
                continue
            link.set("href", _attribute(href))
            if link.get("title") is not None:
                link.set("title", _attribute(link.get("title")))
            # Any allowed scheme, in any case (`HTTPS:`): the page the link opens
            # learns nothing of this one (no opener, no referrer).
            link.set("rel", AUTHOR_LINK_REL)


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
    md.treeprocessors.register(_LinkGuard(md), "link_guard", -1)  # after "unescape" (0)
    return md


_md = None


def clean(text: str) -> str:
    """Normalise author text: NFC, no direction overrides, no control characters.
    (Validation reports these characters; removing them here is a second line.)"""
    return HIDDEN_CHARACTERS.sub("", unicodedata.normalize("NFC", text))


# Validation asks this of every text, and rendering asks again of the same texts.
@lru_cache(maxsize=1 << 18)
def too_complex(text: str) -> str | None:
    """Why `text` is beyond what Markdown may render, for the author; or None."""
    if len(text) > MAX_TEXT_CHARS:
        return (f"the text is {len(text):,} characters long; a text may be at most {MAX_TEXT_CHARS:,} "
                "characters: split it into several items")
    brackets = text.count("[")
    if brackets > MAX_BRACKETS:
        return (f"the text has {brackets} square brackets `[`; a text may have at most {MAX_BRACKETS} "
                "(each link needs one)")
    depth = max(_list_depth(line) for line in text.expandtabs(4).split("\n"))
    if depth > MAX_LIST_DEPTH:
        return (f"the lists in this text are nested {depth} levels deep; at most {MAX_LIST_DEPTH} levels are "
                "allowed (check the indentation and the `-` at the start of lines)")
    return None


def _list_depth(line: str) -> int:
    """How deep a line can nest lists: a level per four spaces of indentation
    and per list marker (`- - x` is a list in a list)."""
    depth, position = (len(line) - len(line.lstrip(" "))) // 4, 0
    while (marker := _LIST_MARKER.match(line, position)) and marker.end() > position:
        depth, position = depth + 1, marker.end()
    return depth


def _markdown() -> markdown.Markdown:
    global _md
    if _md is None:
        _md = _converter()
    _md.reset()
    _md.treeprocessors["link_guard"].rejected = []
    return _md


@lru_cache(maxsize=16384)  # a notice's versions and languages repeat most of their texts
def to_html(text: str) -> str:
    """Block HTML (paragraphs, lists) from author Markdown."""
    text = clean(text)
    if too_complex(text):  # validation reports it; never hang or crash on it
        return f"<p>{html.escape(text, quote=False)}</p>"
    if _PLAIN.fullmatch(text) and not _LIST_START.match(text) and text == text.strip():
        # Most texts are one plain paragraph: what the converter would make of
        # them, without its cost (a test checks that both agree).
        return f"<p>{text}</p>"
    return _convert(text)


@lru_cache(maxsize=4096)  # shared texts (e.g. the organisation's) recur on every page
def _convert(text: str) -> str:
    return _markdown().convert(text).strip()


def rejected_links(text: str) -> list[str]:
    """The link targets in `text` that to_html drops, as written."""
    text = clean(text)
    if "](" not in text or too_complex(text):  # Python-Markdown needs `](` for a link
        return []
    md = _markdown()
    md.convert(text)
    return list(md.treeprocessors["link_guard"].rejected)


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


# Python-Markdown's escapable characters (`|` with the tables extension MkDocs
# always loads). Not `~`: nothing reads it, and `\~` would show its backslash.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")


@lru_cache(maxsize=4096)
def escape_markdown_line(text: str) -> str:
    """Plain text for a Markdown heading or link text: one line, nothing interpreted."""
    one_line = " ".join(clean(text).split())
    return _MD_SPECIAL.sub(r"\\\1", html.escape(one_line, quote=False))
