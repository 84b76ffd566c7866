"""Every published version of every notice: which text each version has, which
one is in force today, and the Markdown of the version pages, the changes pages
and the version history section; the Atom feed of changes.

A register's `versions` list (newest first) is its public changelog. The
newest version's text is the register file as it is now, with today's
organisation defaults; an earlier version's text comes from git
(hooks/history.py), merged with `_organisation.yml` as it stood in the same
commit (no defaults if there was none then), never with today's: its page
shows the controller, contacts and other shared texts that were published
with it. An earlier version that does not validate with today's rules, with
those defaults, is listed without its text (a note in the build log says why).
A version older than the repository (a notice that existed on paper) is listed
with its date and summary only.
A version dated after today is announced: the version before it stays in force.
"""
from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field
from typing import Callable
from xml.sax.saxutils import escape as xml_escape, quoteattr

from . import collector
from .history import History, Version
from .locales import Locale
from .notice_diff import compare_notices, describe, structured_changes
from .html_a11y import cell_label
from .notice_markdown import _NAME, labelled_cells, table_head, title_line
from .problems import Problem
from .registers import Catalogue, Register, _merge, checked_organisation, checked_text
from .rules import check_merged
from .safe_markdown import escape, escape_markdown_line, to_inline_html
from .timings import timed
from . import translations


# Stand-ins for markup (dates, links) put into a translated sentence after it is escaped.
_P0, _P1 = "@@first@@", "@@second@@"


@dataclass(frozen=True)
class NoticeVersion:
    date: str
    summary: dict  # language -> text
    register: Register | None  # the register as it stood; None: no text online
    end: str | None = None  # the date the next version took effect; None for the newest


@dataclass
class Timeline:
    register_id: str
    versions: list  # of NoticeVersion, newest first
    in_force: str  # date of the version in force today

    def version(self, date: str) -> NoticeVersion | None:
        return next((v for v in self.versions if v.date == date), None)

    def previous(self, date: str) -> NoticeVersion | None:
        """The version before `date`, if its text is online."""
        dates = [v.date for v in self.versions]
        index = dates.index(date)
        return self.versions[index + 1] if index + 1 < len(self.versions) else None

    @property
    def current(self) -> NoticeVersion:
        return self.version(self.in_force)

    @property
    def upcoming(self) -> list:
        """Announced versions, the soonest first."""
        return [v for v in reversed(self.versions) if v.date > self.in_force]


@dataclass
class Archive:
    timelines: dict = field(default_factory=dict)  # register id -> Timeline
    warnings: list = field(default_factory=list)  # texts for the build log (strict builds fail on them)
    notes: list = field(default_factory=list)  # informational: archived texts that cannot be shown


@timed("archive")
def build_archive(catalogue: Catalogue, history: History, today: dt.date | None = None) -> Archive:
    today_iso = (today or dt.date.today()).isoformat()
    archive = Archive()
    warning = history.warning()
    if warning is not None:
        archive.warnings.append(warning)
    with collector.paused():  # earlier texts are read and checked as the registers are (hooks/collector.py)
        for register in catalogue.registers:
            archive.timelines[register.id] = _timeline(register, catalogue, history, today_iso, archive)
    return archive


def _timeline(register: Register, catalogue: Catalogue, history: History, today: str, archive: Archive) -> Timeline:
    entries = register.versions
    file_name = register.file.rsplit("/", 1)[-1]
    versions = []
    for number, entry in enumerate(entries):
        date = str(entry["date"])
        end = str(entries[number - 1]["date"]) if number else None
        if number == 0:
            text_of = register  # the file as it is now
        elif history.complete:
            stored = history.version_text(file_name, date)
            text_of = _archived(register, date, stored, catalogue, archive) if stored is not None else None
        else:
            text_of = None
        versions.append(NoticeVersion(date, entry["summary"], text_of, end))
    in_force = next((v.date for v in versions if v.date <= today), versions[-1].date)
    timeline = Timeline(register.id, versions, in_force)
    if timeline.current.register is None:
        # Only the announced text is at hand: show it rather than nothing, and say so.
        archive.warnings.append(f"{register.file}: the version of {in_force} is in force until the announced one "
                                f"takes effect, but its text is not in the git history; the announced text is "
                                f"shown as the current notice until then")
        timeline.versions = [NoticeVersion(v.date, v.summary, register if v.date == in_force else v.register, v.end)
                             for v in versions]
    return timeline


def _archived(register: Register, date: str, stored: Version, catalogue: Catalogue,
              archive: Archive) -> Register | None:
    """An earlier text of the register, validated and merged with the
    organisation defaults of the same commit, then checked as today's build
    checks a register with its defaults; None, with a note, if any of it fails."""
    languages = catalogue.languages
    document, problems = _validated(checked_text, f"{register.file} (earlier version)", stored.text, languages)
    if problems or document is None:
        archive.notes.append(f"{register.file}: the version of {date} does not validate with today's rules and is "
                             f"listed without its text ({problems[0] if problems else 'not a register'})")
        return None
    folder = register.file.rpartition("/")[0] or "."
    files = " and ".join(f"{folder}/{name}" for name, _ in stored.organisation)
    organisation, problems = _organisation_then(stored.organisation, files, languages)
    if problems:
        archive.notes.append(f"{register.file}: the version of {date} is listed without its text: {files} as it "
                             f"stood then does not validate with today's rules ({problems[0]})")
        return None
    merged = _merge(register.id, document, organisation, languages.default)
    problems = check_merged(merged.data, merged.sources, document, organisation)
    if problems:
        defaults = f"{files} as it stood then" if files else f"no {folder}/_organisation.yml (there was none then)"
        archive.notes.append(f"{register.file}: the version of {date} is listed without its text: with {defaults} "
                             f"it does not validate with today's rules ({problems[0]})")
        return None
    return merged


def _organisation_then(files: tuple, shown: str, languages) -> tuple:
    """(document or None, problems) of the organisation defaults of an earlier
    version: `files` as history.Version gives them; none at all is no defaults,
    as in today's build of a project without `_organisation.yml`."""
    if not files:
        return None, []
    if len(files) > 1:  # as in today's build, neither spelling wins
        return None, [Problem(shown, 0, "", "the same shared file with two extensions")]
    return _validated(checked_organisation, f"{shown} (earlier version)", files[0][1], languages)


_validated_texts: dict = {}  # (check, file, text, languages) -> (document, problems): `mkdocs serve` rebuilds


def clear_cache() -> None:
    _validated_texts.clear()


def _validated(check, shown: str, text: str, languages) -> tuple:
    """An earlier text parsed and validated by `check` (registers.checked_text
    or checked_organisation), once per distinct text and process: the history only grows."""
    key = (check, shown, text, languages)
    if key not in _validated_texts:
        _validated_texts[key] = check(text, shown, languages)
    return _validated_texts[key]


# ---- pages ----------------------------------------------------------------------

Link = Callable[[str], str]  # page path within the language (e.g. notices/x/2024-01-01) -> relative URL


def version_path(register_id: str, date: str) -> str:
    return f"notices/{register_id}/{date}"


def changes_path(register_id: str, date: str) -> str:
    return f"notices/{register_id}/{date}/changes"


def _note(body: str) -> str:
    return f'<div class="notice-version-note" role="note">{body}</div>'


def _a(href: str, text: str) -> str:
    return f'<a href="{escape(href)}">{escape(text)}</a>'


def _date(locale: Locale, iso: str) -> str:
    return f'<time datetime="{iso}">{escape(locale.date(iso))}</time>'


def _after_title(markdown: str, html: str) -> str:
    """`html` inserted under the page's title (its first line)."""
    title, _, rest = markdown.partition("\n")
    return f"{title}\n\n{html}\n{rest}"


def _with_title(markdown: str, title: str, name) -> str:
    """`markdown` with the title `title`, in which `_NAME` stands for the register's name."""
    return f"# {title_line(title, name)}\n" + markdown.partition("\n")[2]


def announcement(timeline: Timeline, locale: Locale, link: Link) -> str:
    """The note on the current page about versions announced in advance ('' if none)."""
    notes = []
    for version in timeline.upcoming:
        text = escape(locale("history.upcoming", date=_P0)).replace(_P0, _date(locale, version.date))
        links = []
        if version.register is not None:
            links = [_a(link(version_path(timeline.register_id, version.date)), locale("history.upcoming_text")),
                     _a(link(changes_path(timeline.register_id, version.date)), locale("history.upcoming_changes"))]
        notes.append(f"<p>{text} {' · '.join(links)}</p>")
    return _note("".join(notes)) if notes else ""


def version_note(timeline: Timeline, version: NoticeVersion, locale: Locale, link: Link) -> str:
    """The note at the top of a version's page: not current, or not yet in force ('' for the current one)."""
    current = _a(link(f"notices/{timeline.register_id}"), locale("history.current_link"))
    if version.date == timeline.in_force:
        return ""
    if version.date > timeline.in_force:
        text = escape(locale("history.upcoming_page", date=_P0)).replace(_P0, _date(locale, version.date))
        return _note(f"<p>{text} {current}</p>")
    text = escape(locale("history.not_current", start=_P0, end=_P1))
    text = text.replace(_P0, _date(locale, version.date)).replace(_P1, _date(locale, version.end))
    return _note(f"<p><strong>{text}</strong> {current}</p>")


_ANNOUNCING = '<div class="notice-announcing">'
_SECTION_END = "</div>\n"
_VERSIONS_SECTION = re.compile(r'(\{#versions\}\n\n)<div class="notice-section">.*?</div>\n', re.DOTALL)


def history_section(timeline: Timeline, locale: Locale, link: Link, feed_url: str) -> str:
    """The body of the version history section: every version with its date,
    summary and, where its text is online, links to it and to its changes."""
    t, rows = locale, []
    headers = [escape(t(key)) for key in ("labels.date", "labels.change", "history.links")]
    labels = [cell_label(h) for h in headers]
    for version in timeline.versions:
        if version.register is not None:
            links = " · ".join([_a(link(version_path(timeline.register_id, version.date)), t("history.text_link")),
                                _a(link(changes_path(timeline.register_id, version.date)), t("history.changes_link"))])
        else:
            links = escape(t("history.no_page"))
        summary = translations.mark(to_inline_html(version.summary[t.code]), version.summary[t.code])
        rows.append(f"<tr>{labelled_cells(labels, [_date(t, version.date), summary, links])}</tr>")
    table = f"<table>{table_head(headers)}<tbody>{''.join(rows)}</tbody></table>"
    feed = f'<p class="notice-feed"><a href="{escape(feed_url)}" type="application/atom+xml">{escape(t("history.feed_link"))}</a></p>'
    return f'<div class="notice-section"><p>{escape(t("history.history_intro"))}</p>{table}{feed}</div>\n'


def with_history(markdown: str, section_html: str) -> str:
    """The notice with its versions section replaced by the version history."""
    def replace(found: re.Match) -> str:
        # how changes are announced (the author's text) stays under the history
        kept = found.group(0).find(_ANNOUNCING)
        if kept < 0:
            return found.group(1) + section_html
        return found.group(1) + section_html[:-len(_SECTION_END)] + found.group(0)[kept:-len(_SECTION_END)] + _SECTION_END
    replaced, count = _VERSIONS_SECTION.subn(replace, markdown, count=1)
    if count != 1:
        raise ValueError("the notice has no versions section to add the version history to")
    return replaced


def current_page(timeline: Timeline, locale: Locale, rendered: str, link: Link, feed_url: str) -> str:
    """The notice at its permanent address: the version in force, its history, announcements."""
    markdown = with_history(rendered, history_section(timeline, locale, link, feed_url))
    note = announcement(timeline, locale, link)
    return _after_title(markdown, note) if note else markdown


def version_page(timeline: Timeline, version: NoticeVersion, locale: Locale, rendered: str, link: Link) -> str:
    name = version.register.data["name"][locale.code]
    markdown = _with_title(rendered, locale("history.version_title", name=_NAME, date=locale.date(version.date)), name)
    note = version_note(timeline, version, locale, link)
    return _after_title(markdown, note) if note else markdown


def changes_page(timeline: Timeline, version: NoticeVersion, locale: Locale, rendered: str,
                 previous_rendered: str | None, link: Link) -> str:
    """What changed in `version` from the one before it, in words and word by word."""
    t = locale
    register_id = timeline.register_id
    name = version.register.data["name"][t.code]
    lines = [f"# {title_line(t('history.changes_title', name=_NAME, date=t.date(version.date)), name)}", ""]
    note = version_note(timeline, version, t, link)
    if note:
        lines += [note, ""]
    summary = translations.mark(to_inline_html(version.summary[t.code]), version.summary[t.code])
    this = _a(link(version_path(register_id, version.date)), t.date(version.date))
    previous = timeline.previous(version.date)
    if previous is None or previous.register is None or previous_rendered is None:
        lines += [f"<p>{summary}</p>", "", f"<p>{escape(t('history.no_previous'))}</p>", ""]
        return "\n".join(lines)
    before = _a(link(version_path(register_id, previous.date)), t.date(previous.date))
    compared = escape(t("history.compared", date=_P0, previous=_P1)).replace(_P0, this).replace(_P1, before)
    lines += [f"<p>{summary}</p>", "", f"<p>{compared}</p>", ""]
    changes = structured_changes(previous.register.data, version.register.data, t)
    lines += [f"## {escape_markdown_line(t('history.in_brief'))}", ""]
    if changes:
        items = "".join(f"<li>{escape(describe(change, t))}</li>" for change in changes)
        lines += [f'<ul class="notice-changes">{items}</ul>', ""]
    else:
        lines += [f"<p>{escape(t('history.nothing_in_brief'))}</p>", ""]
    lines += [f"## {escape_markdown_line(t('history.text_changes'))}", ""]
    diffs = compare_notices(previous_rendered, rendered)
    if not diffs:
        lines += [f"<p>{escape(t('history.no_text_changes'))}</p>", ""]
    else:
        lines += [f'<p class="notice-diff-legend">{escape(t("history.legend"))}</p>', ""]
    for diff in diffs:
        lines += [f"### {escape_markdown_line(diff.heading)}", "", f'<div class="notice-diff"><p>{diff.html}</p></div>', ""]
    return "\n".join(lines)


# ---- feed -----------------------------------------------------------------------

def feed_entries(archive: Archive, catalogue: Catalogue, language: str) -> list:
    """(date, register, version) of every version with a changes page, newest first."""
    entries = []
    for register in catalogue.registers:
        if not translations.published(register.data, language):
            continue  # no pages in this language to link to
        timeline = archive.timelines[register.id]
        entries += [(v.date, register, v) for v in timeline.versions if v.register is not None]
    return sorted(entries, key=lambda e: (e[0], e[1].id), reverse=True)


def atom_feed(archive: Archive, catalogue: Catalogue, locale: Locale, base_url: str, feed_url: str) -> str:
    """The Atom feed (RFC 4287) of notice changes in one language. `base_url` is
    the address of the language's root ('' when the site has no site_url: links
    are then relative to the feed). Dated by the versions, not the build, so
    that two builds of the same data give the same feed."""
    t = locale
    entries = feed_entries(archive, catalogue, t.code)
    updated = entries[0][0] if entries else "1970-01-01"
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={quoteattr(t.code)}>',
           f"<id>{_urn(base_url, 'feed', t.code)}</id>",
           f"<title>{xml_escape(t('history.feed_title'))}</title>",
           f"<updated>{updated}T00:00:00Z</updated>",
           f"<link rel=\"self\" href={quoteattr(feed_url)}/>",
           f"<link rel=\"alternate\" href={quoteattr(base_url + 'notices/' if base_url else './')}/>"]
    controller = (catalogue.organisation.data or {}).get("controller", {}) if catalogue.organisation else {}
    author = controller.get("name") if isinstance(controller, dict) else None
    author = author.get(t.code) if isinstance(author, dict) else author
    out.append(f"<author><name>{xml_escape(str(author or t('history.feed_title')))}</name></author>")
    for date, register, version in entries:
        path = f"{register.id}/{date}/changes/"
        href = (base_url + "notices/" + path) if base_url else path
        title = t("history.feed_entry", name=version.register.data["name"][t.code], date=t.date(date))
        out += ["<entry>",
                f"<id>{_urn(base_url, register.id, date, t.code)}</id>",
                f"<title>{xml_escape(title)}</title>",
                f"<updated>{date}T00:00:00Z</updated>",
                f"<link rel=\"alternate\" type=\"text/html\" href={quoteattr(href)}/>",
                f"<summary>{xml_escape(' '.join(version.summary[t.code].split()))}</summary>",
                "</entry>"]
    out.append("</feed>")
    return "\n".join(out) + "\n"


def _urn(*parts: str) -> str:
    """A stable id: the same version gets the same id in every build."""
    return uuid.uuid5(uuid.NAMESPACE_URL, "/".join(parts)).urn

