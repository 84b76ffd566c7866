"""Accessibility touches on a page's HTML, after Markdown: plain string work,
no MkDocs imports.

- Every header cell says what it heads (`scope`), so a screen reader reads
  the right header with each cell.
- Every data cell carries its column's header as `data-label`: on narrow
  screens the stylesheet (docs/stylesheets/accessibility.css) stacks a
  table's rows and shows the label before each value, so that no table
  scrolls sideways (WCAG 1.4.10 Reflow).
- A notice printed on paper says where it is published (print_address),
  and each link's address is printed after it unless the link's text is the
  address already (mark_links_showing_their_address).

The HTML comes from Python-Markdown and from this project's own renderers:
tables are not nested and cells hold no tables, which keeps this regular.
"""
from __future__ import annotations

import html
import re
from functools import lru_cache

from .phone import tel_target

_TABLE = re.compile(r"<table\b[^>]*>.*?</table>", re.S | re.I)
_THEAD = re.compile(r"<thead\b[^>]*>(.*?)</thead>", re.S | re.I)
_TBODY = re.compile(r"<tbody\b[^>]*>.*?</tbody>", re.S | re.I)
_ROW = re.compile(r"<tr\b[^>]*>.*?</tr>", re.S | re.I)
_HEADER_CELL = re.compile(r"<th\b([^>]*)>(.*?)</th>", re.S | re.I)
# A cell's start tag: the name must end there (not <thead>, <tbody>).
_CELL_START = re.compile(r"<(td|th)(?=[\s>/])([^>]*)>", re.I)
_TAG = re.compile(r"<[^>]*>")
_HAS_SCOPE = re.compile(r"\sscope\s*=", re.I)
_HAS_LABEL = re.compile(r"\sdata-label\s*=", re.I)


def improve_tables(page_html: str) -> str:
    """Header scopes and cell labels on every table of a page's content."""
    if "<table" not in page_html.lower():
        return page_html
    return _TABLE.sub(lambda match: _improve_table(match.group(0)), page_html)


def _improve_table(table: str) -> str:
    head = _THEAD.search(table)
    labels = [_text(cell.group(2)) for cell in _HEADER_CELL.finditer(head.group(1))] if head else []
    if head:
        table = table[:head.start()] + _with_scope(head.group(0), "col") + table[head.end():]
    return _TBODY.sub(lambda body: _ROW.sub(lambda row: _label_row(row.group(0), labels), body.group(0)), table)


def _with_scope(fragment: str, scope: str) -> str:
    def add(match: re.Match) -> str:
        name, attributes = match.group(1), match.group(2)
        if name.lower() != "th" or _HAS_SCOPE.search(attributes):
            return match.group(0)
        return f'<{name} scope="{scope}"{attributes}>'
    return _CELL_START.sub(add, fragment)


def _label_row(row: str, labels: list[str]) -> str:
    """A body row: a header cell in it heads the row; each cell gets the
    label of its column (counting colspan)."""
    column = 0

    def add(match: re.Match) -> str:
        nonlocal column
        name, attributes = match.group(1), match.group(2)
        span = re.search(r"\scolspan\s*=\s*[\"']?(\d+)", attributes, re.I)
        label = labels[column] if column < len(labels) else ""
        column += int(span.group(1)) if span else 1
        extra = ""
        if name.lower() == "th" and not _HAS_SCOPE.search(attributes):
            extra += ' scope="row"'
        if label and not _HAS_LABEL.search(attributes):
            extra += f' data-label="{_attribute(label)}"'
        return f"<{name}{extra}{attributes}>"
    return _CELL_START.sub(add, row)


def cell_label(header_html: str) -> str:
    """The `data-label` value of the cells under a header cell with this HTML
    (for renderers that write their tables labelled)."""
    return _attribute(_text(header_html))


def _text(fragment: str) -> str:
    """A header cell's text, as it reads (tags dropped, spaces collapsed)."""
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


def _attribute(text: str) -> str:
    return html.escape(text, quote=True)


def print_address(page_html: str, label: str, address: str) -> str:
    """A line at the end of the page's content (its last </article>), shown
    only in print, with the address the page is published at."""
    end = page_html.rfind("</article>")
    if end < 0:
        return page_html
    line = (f'<p class="print-address">{html.escape(label)}: '
            f'<span class="print-address__url">{html.escape(address)}</span></p>\n')
    return page_html[:end] + line + page_html[end:]


_LINK = re.compile(r"<a\b([^>]*)>(.*?)</a>", re.S | re.I)
_HREF = re.compile(r"""\shref\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_CLASS = re.compile(r"""\sclass\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)


def mark_links_showing_their_address(page_html: str) -> str:
    """Class `print-same` on links whose text is their address (a web address,
    an e-mail address, a phone number), which print needs not repeat."""
    return _LINK.sub(_marked, page_html) if "<a" in page_html else page_html


def _marked(match: re.Match) -> str:
    return _mark_link(match.group(0))


# A page repeats the links of every other page in its language (the
# controller's site, the authority's, the contact addresses): the answer
# depends on the link's own text only, so it is looked up once per text.
@lru_cache(maxsize=1 << 14)
def _mark_link(link: str) -> str:
    attributes, content = _LINK.fullmatch(link).groups()
    href = _HREF.search(attributes)
    if href is None or not _shows_address(html.unescape(href.group(1) or href.group(2) or ""), _text(content)):
        return link
    existing = _CLASS.search(attributes)
    if existing:
        classes = (existing.group(1) or existing.group(2) or "") + " print-same"
        attributes = attributes[:existing.start()] + f' class="{_attribute(classes.strip())}"' + attributes[existing.end():]
    else:
        attributes += ' class="print-same"'
    return f"<a{attributes}>{content}</a>"


def _shows_address(href: str, text: str) -> bool:
    scheme, _, rest = href.partition(":")
    if scheme.lower() == "tel":
        # the number as written (029 566 6700) and as dialled (+358295666700)
        return bool(re.search(r"\d", text)) and tel_target(text) == tel_target(rest)
    if scheme.lower() == "mailto":
        return text.lower() == rest.split("?")[0].lower()
    return text.rstrip("/") == href.rstrip("/")
