"""Hand Python-Markdown a generated page without the HTML blocks our renderers
wrote, and put them back into its output.

A notice's Markdown is mostly HTML blocks (a section's lists and tables,
escaped by the renderers), which Python-Markdown passes through unchanged but
only after running them through its pure-Python HTML parser: most of the time
MkDocs spends on a notice. A block whose output is certain is set aside here
behind a token paragraph and put back exactly as Python-Markdown writes a
raw block (`<block>` + newline, in place of the token's paragraph). The rest
of the page, its headings, is converted as before, so the table of contents,
the heading anchors and the search index are what they were.

Certain means: the page is only headings and plain paragraphs besides the
blocks (nothing in them can open an HTML element, a comment or a fenced code
block that would run into the next block), and each block is a single
block-level element that closes exactly at its end, with none of what
Python-Markdown reads differently inside raw HTML (tabs, blank lines,
comments, scripts, the `markdown` attribute of md_in_html). Any other page is
converted as a whole. No MkDocs imports.
"""
from __future__ import annotations

import re
import secrets
from functools import lru_cache
from dataclasses import dataclass
from html.parser import HTMLParser

# Elements a renderer opens a block with; all of them are block-level to
# Python-Markdown (a test compares with its list). `hr` is not here: it has
# no end tag, and Python-Markdown treats it apart.
BLOCK_TAGS = frozenset({"div", "p", "ul", "ol", "dl", "table", "section", "details", "nav", "figure", "blockquote"})
# Elements without an end tag: their parent's end tag closes them.
VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                       "track", "wbr"})
# A tag as Python's HTML parser reads it, attribute values quoted or not (the
# renderers' names are lower case; a block with any other is not set aside).
# Like the parser, a start tag that ends in "/>" is one without content.
_TAG = re.compile(r"""<(/?)([a-z][a-z0-9]*)((?:[\s/][^'">]*(?:(?:"[^"]*"|'[^']*')[^'">]*)*)?)>""")
_MARKDOWN_ATTRIBUTE = re.compile(r"markdown", re.I)  # md_in_html converts the content of such an element
_CONTROL = "\t\r\x00\x02\x03"  # Python-Markdown rewrites or strips these, in raw HTML too
# what, in the rest of a page, could open something that runs into a block
_UNSAFE_ELSEWHERE = re.compile(f"[<{_CONTROL}]|```|~~~")
_BLANK_LINE = re.compile(r"\n[ ]*\n")


@dataclass
class Aside:
    """A page's Markdown with its HTML blocks behind tokens."""

    markdown: str
    original: str  # the page's Markdown as written: what page.markdown says again after conversion
    token_prefix: str  # a token is the prefix, the block's number and "x": one word, which Markdown leaves alone
    blocks: dict  # token -> the block as written


def set_aside(markdown: str) -> Aside | None:
    """The page with its HTML blocks set aside, or None when any part of it
    is not certain (the page is then converted as it is)."""
    parts = markdown.split("\n\n")
    if len(parts) < 2:
        return None
    # random: no text of a page can hold a token by chance or design
    prefix = "noticesblock" + secrets.token_hex(8) + "n"
    blocks = {}
    for index, part in enumerate(parts):
        block = part.rstrip("\n") if index == len(parts) - 1 else part
        if block.startswith("<") and _is_whole_element(block):
            token = f"{prefix}{len(blocks)}x"
            blocks[token] = block
            parts[index] = token + part[len(block):]
        elif _UNSAFE_ELSEWHERE.search(part):
            return None
    return Aside("\n\n".join(parts), markdown, prefix, blocks) if blocks else None


# A notice's current page and its latest version's page share most blocks,
# and MkDocs builds them one after the other.
@lru_cache(maxsize=1024)
def _is_whole_element(block: str) -> bool:
    """One block-level element that closes at the block's very end, its tags
    strictly nested: then Python-Markdown's HTML extractor, which closes an
    end tag's element and everything opened inside it, keeps the block raw
    from its first character to its last."""
    tags = _TAG.findall(block)
    if not tags or len(tags) != block.count("<"):
        # a "<" that is not a tag: text, a comment, a tag name in capitals;
        # and in a script, the text that is not a tag would be one of these
        return False
    closing, name, attributes = tags[0]
    if closing or attributes.endswith("/") or name not in BLOCK_TAGS or not block.endswith(f"</{name}>"):
        return False
    if any(mark in block for mark in _CONTROL) or _MARKDOWN_ATTRIBUTE.search(block):
        return False
    if "\n" in block and _BLANK_LINE.search(block):
        return False
    open_tags: list[str] = []
    last = len(tags) - 1
    for index, (closing, name, attributes) in enumerate(tags):
        if closing:
            if not open_tags or open_tags.pop() != name or (not open_tags and index != last):
                return False  # not strictly nested, or closed before the block ends
        elif name not in VOID_TAGS and not attributes.endswith("/"):
            open_tags.append(name)
    return not open_tags


def put_back(content: str, aside: Aside) -> str:
    """Python-Markdown's output for the page as if the blocks had been in it:
    each token's paragraph becomes the block and a newline, and the whole
    is stripped as Python-Markdown strips its output."""
    pieces = content.split(f"<p>{aside.token_prefix}")
    found = 0
    for index in range(1, len(pieces)):
        number, x, rest = pieces[index].partition("x</p>")
        token = f"{aside.token_prefix}{number}x"
        if x and token in aside.blocks:
            pieces[index] = aside.blocks[token] + "\n" + rest
            found += 1
        else:
            pieces[index] = f"<p>{aside.token_prefix}" + pieces[index]
    if found != len(aside.blocks):
        raise ValueError(f"{len(aside.blocks) - found} of the page's HTML blocks did not come back from Markdown")
    return "".join(pieces).strip()


class _Anchors(HTMLParser):
    """The ids in HTML, as MkDocs collects them from raw HTML for its anchor checks."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is not None and (name == "id" or (name == "name" and tag == "a")):
                self.ids.add(value)


def anchor_ids(aside: Aside) -> set[str]:
    """The ids in the blocks set aside: MkDocs finds a page's anchors in its
    raw HTML before conversion, where these blocks no longer are."""
    ids: set[str] = set()
    for block in aside.blocks.values():
        if "id=" in block or "name=" in block:
            parser = _Anchors()
            parser.feed(block)
            parser.close()
            ids |= parser.ids
    return ids

