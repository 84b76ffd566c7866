"""What changed between two versions of a notice, for readers and reviewers.

Two views, both in the reader's language:
- the rendered notice text, section by section, compared word by word
  (`compare_notices`); the words are compared as plain text and escaped
  afterwards, never as HTML, so markup can neither break nor hide a change;
- the changes that matter legally, named in words from the locale texts
  (`structured_changes` + `describe`): purposes, legal bases, data
  categories, special categories, recipients and processors, transfers
  outside the EU/EEA, retention periods, automated decision-making.

Used by the changes pages of the site and by `python -m hooks review`.
"""
from __future__ import annotations

import difflib
import functools
import html
import re
from dataclasses import dataclass
from html import escape

from .locales import Locale

# Sections left out of comparisons: the changelog itself always changes.
NOT_COMPARED = ("versions",)
_HEADING = re.compile(r"## (?:\d+\\?\. )?(.*?) \{#([a-z0-9-]+)\}")
_MD_ESCAPED = re.compile(r"\\(.)")
_BLOCK_TAGS = {"p", "li", "tr", "dt", "dd", "br", "div", "ul", "ol", "table", "dl", "h1", "h2", "h3", "h4"}
NEWLINE = "\n"


@dataclass(frozen=True)
class Section:
    id: str  # the section's anchor, e.g. "legal-bases"
    heading: str  # without its number
    body: str  # its Markdown as rendered (generated HTML)

    @functools.cached_property
    def text(self) -> str:
        """Plain text, one line per paragraph, list item or table row; read
        only where needed: most sections of two versions have the same body."""
        return html_text(self.body)


@dataclass(frozen=True)
class SectionDiff:
    id: str
    heading: str
    old: str  # plain text ("" when the section is new)
    new: str
    html: str  # the words of both, removed ones in <del>, added ones in <ins>


# A tag as HTMLParser finds one; attribute values never hold ">" because
# every generated attribute is escaped.
_TAG = re.compile(r"</?([a-zA-Z][^\t\n\r\f />\x00]*)[^>]*>")


def _tag_break(match: re.Match) -> str:
    tag = match.group(1).lower()
    return NEWLINE if tag in _BLOCK_TAGS else (" " if tag in ("td", "th") else "")


def html_text(fragment: str) -> str:
    """Plain text of a generated HTML fragment, a line per block. A regular
    expression rather than HTMLParser: four times as fast, and a build
    compares every section of every version (tests/test_history.py checks
    both give the same text for every generated notice)."""
    text = html.unescape(_TAG.sub(_tag_break, fragment))
    lines = (" ".join(line.split()) for line in text.split(NEWLINE))
    return NEWLINE.join(line for line in lines if line)


@functools.lru_cache(maxsize=32)
def sections_of(markdown: str) -> dict:
    """Section id -> Section, from a notice as `render_notice` writes it.
    Remembered by the text itself: a version is compared with the one before
    it and the one after it. Callers must not change the dict."""
    sections: dict = {}
    current = None
    body: list[str] = []

    def close():
        if current is not None:
            heading = html.unescape(_MD_ESCAPED.sub(r"\1", current[0]))  # as the reader sees it
            sections[current[1]] = Section(current[1], heading, "\n".join(body))

    for line in markdown.split("\n"):
        match = _HEADING.fullmatch(line)
        if match is not None:
            close()
            current, body = (match.group(1), match.group(2)), []
        elif current is not None and not line.startswith('<p class="notice-back">'):
            body.append(line)
    close()
    return sections


def _tokens(text: str) -> list[str]:
    tokens: list[str] = []
    for number, line in enumerate(text.split(NEWLINE)):
        if number:
            tokens.append(NEWLINE)
        tokens += line.split()
    return tokens


def _words(tokens: list[str]) -> str:
    return " ".join("<br>" if token == NEWLINE else escape(token) for token in tokens).replace(" <br> ", "<br>")


def word_diff_html(old: str, new: str) -> str:
    """Both texts as one, word by word: removed words in <del>, added in <ins>; escaped."""
    a, b = _tokens(old), _tokens(new)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(_words(a[i1:i2]))
            continue
        if i2 > i1:
            out.append(f"<del>{_words(a[i1:i2])}</del>")
        if j2 > j1:
            out.append(f"<ins>{_words(b[j1:j2])}</ins>")
    return " ".join(out)


def compare_notices(old_markdown: str, new_markdown: str) -> list[SectionDiff]:
    """The sections whose text differs, in the new notice's order (removed ones last)."""
    old, new = sections_of(old_markdown), sections_of(new_markdown)
    diffs = []
    for section_id in [*new, *(s for s in old if s not in new)]:
        if section_id.replace("-", "_") in NOT_COMPARED:
            continue
        before, after = old.get(section_id), new.get(section_id)
        if before is not None and after is not None and before.body == after.body:
            continue  # the same markup reads the same
        old_text, new_text = (before.text if before else ""), (after.text if after else "")
        if old_text != new_text:
            heading = (after or before).heading
            diffs.append(SectionDiff(section_id, heading, old_text, new_text, word_diff_html(old_text, new_text)))
    return diffs


def content_text(markdown: str) -> str:
    """The text a reader sees in the sections that are compared: equal for two
    notices exactly when `compare_notices` finds nothing."""
    return "\n".join(f"{s.id}\n{s.text}" for s in sections_of(markdown).values()
                     if s.id.replace("-", "_") not in NOT_COMPARED)


# ---- structured changes -------------------------------------------------------------

@dataclass(frozen=True)
class Change:
    kind: str  # a key under `changes.kinds` in the locale files, e.g. "recipient_added"
    item: str = ""  # what was added, removed or changed, in the language compared
    old: str = ""
    new: str = ""
    legal_review: bool = True  # whether a legal reviewer should look at it


def _text(value, lang: str) -> str:
    if isinstance(value, dict):
        value = value.get(lang, "")
    return " ".join(str(value).split()) if value is not None else ""


def _entries(value) -> list:
    return value if isinstance(value, list) else []


def _flat_items(items, lang: str, group: str = "") -> list[str]:
    out = []
    for item in _entries(items):
        if isinstance(item, dict) and "items" in item and "name" in item:
            out += _flat_items(item["items"], lang, _text(item["name"], lang))
        else:
            text = _text(item, lang)
            out.append(f"{group}: {text}" if group else text)
    return out


def _added_removed(kind: str, old: list[str], new: list[str]) -> list[Change]:
    changes = [Change(f"{kind}_removed", item) for item in old if item not in new]
    return changes + [Change(f"{kind}_added", item) for item in new if item not in old]


def structured_changes(old: dict, new: dict, locale: Locale) -> list[Change]:
    """The legally relevant changes from register data `old` to `new` (both
    merged with the organisation defaults), in `locale`'s language."""
    lang = locale.code
    changes: list[Change] = []
    changes += _added_removed("purpose", [_text(p, lang) for p in _entries(old.get("purposes"))],
                              [_text(p, lang) for p in _entries(new.get("purposes"))])

    def bases(data):
        return [locale(f"legal_bases.{e['basis']}.title") for e in _entries(data.get("legal_bases"))
                if isinstance(e, dict) and "basis" in e]
    changes += _added_removed("legal_basis", bases(old), bases(new))
    changes += _added_removed("data_category", _flat_items(old.get("data_categories"), lang),
                              _flat_items(new.get("data_categories"), lang))

    def special(data):
        return [locale(f"special_categories.{e['category']}") for e in _entries(data.get("special_categories"))
                if isinstance(e, dict) and "category" in e]
    changes += _added_removed("special_category", special(old), special(new))
    changes += _added_removed("recipient", _names(old.get("disclosures"), "recipient", lang),
                              _names(new.get("disclosures"), "recipient", lang))
    changes += _added_removed("processor", _names(old.get("processors"), "name", lang),
                              _names(new.get("processors"), "name", lang))
    changes += _added_removed("transfer", _transfers(old, lang), _transfers(new, lang))
    changes += _retention(old, new, lang, locale)
    changes += _automated(old.get("automated_decisions"), new.get("automated_decisions"), lang)
    return changes


def _names(entries, key: str, lang: str) -> list[str]:
    return [_text(e[key], lang) for e in _entries(entries) if isinstance(e, dict) and key in e]


def _transfers(data: dict, lang: str) -> list[str]:
    return [f"{_text(e.get('destination'), lang)} ({_text(e.get('recipient'), lang)})"
            for e in _entries(data.get("transfers")) if isinstance(e, dict)]


def _retention(old: dict, new: dict, lang: str, locale: Locale) -> list[Change]:
    def rules(data):
        return {(_text(r["data"], lang) if "data" in r else locale("labels.all_data")): _text(r.get("period"), lang)
                for r in _entries(data.get("retention")) if isinstance(r, dict)}
    before, after = rules(old), rules(new)
    changes = [Change("retention_removed", data, old=period) for data, period in before.items() if data not in after]
    changes += [Change("retention_changed", data, old=before[data], new=period)
                for data, period in after.items() if data in before and before[data] != period]
    return changes + [Change("retention_added", data, new=period) for data, period in after.items() if data not in before]


def _automated(old, new, lang: str) -> list[Change]:
    def text(value):
        return "" if not isinstance(value, dict) else _text(value.get("logic"), lang)
    before, after = text(old), text(new)
    if before == after:
        return []
    if not before:
        return [Change("automated_decisions_added", after)]
    if not after:
        return [Change("automated_decisions_removed", before)]
    return [Change("automated_decisions_changed", after, old=before, new=after)]


def describe(change: Change, locale: Locale) -> str:
    """The change in words, in the locale's language (plain text, not escaped)."""
    return locale(f"changes.kinds.{change.kind}", item=change.item, old=change.old, new=change.new)
