"""`python -m hooks review --base <rev> [--head <rev>]`: what a change does to
the published notices, for a pull-request comment (GitHub-flavoured Markdown)
or other tools (`--format json`).

It compares the registers at two revisions (the head defaults to the working
tree), rendered with today's templates and standard texts, and names:
registers added, removed, renamed and changed with the languages touched; the
changed text per register, language and section; the legally relevant changes
in words, flagged for a legal reviewer; changes to shared files with every
notice they affect. Blocking problems make it exit 1: what `check` rejects, a
changed notice without a new `versions` entry, a published entry rewritten,
and a text changed in one language but not in the others (unless the new
version entry says so with `changed_languages`, or the register marks the
language as partly translated and leaves its text out). Every register marked
as partly translated (`translation_pending`) is listed with the texts it still
lacks.
"""
from __future__ import annotations

import json
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .notice_diff import compare_notices, describe, structured_changes
from .problems import Problem, ProblemsFound
from .project import languages_from_mkdocs_yml, load_project, site_from_mkdocs_yml
from .registers import INHERITED, Register, _merge
from .safe_markdown import escape
from . import translations
from .version_guard import check_versions, files_at, registers_at, rendered
from .yaml_source import parse

SHARED = ("_organisation.yml", "_cookies.yml")


@dataclass
class RegisterReview:
    id: str
    name: str
    status: str  # added, removed, changed, renamed
    renamed_from: str = ""
    languages: list = field(default_factory=list)  # languages whose notice text changed
    sections: dict = field(default_factory=dict)  # language -> [{id, heading, old, new, html}]
    changes: dict = field(default_factory=dict)  # language -> [{kind, text, legal_review}]
    awaiting_translation: list = field(default_factory=list)  # "field (languages)" declared as changed in one language


@dataclass
class Review:
    base: str
    head: str
    registers: list = field(default_factory=list)
    shared: list = field(default_factory=list)  # {file, affects: [register ids]}
    blocking: list = field(default_factory=list)  # str
    # registers marked as partly translated: {id, name, language, mode, missing: [field paths]}
    translations: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.blocking


def _head_texts(root: Path, head: str | None) -> dict:
    if head is not None:
        return files_at(root, head)
    folder = root / "registers"
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir())
            if p.is_file() and p.suffix in (".yml", ".yaml")}


def _load_head(config_file: Path, head: str | None, texts: dict):
    """The head's project, validated as `check` does (raises ProblemsFound)."""
    root = config_file.resolve().parent
    languages = languages_from_mkdocs_yml(config_file)
    site = site_from_mkdocs_yml(config_file)
    if head is None:
        return load_project(root, languages, site)
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "registers").mkdir()
        for name, text in texts.items():
            (Path(folder) / "registers" / name).write_text(text, encoding="utf-8")
        return load_project(Path(folder), languages, site)


def review(config_file: Path, base: str, head: str | None = None) -> Review:
    root = config_file.resolve().parent
    result = Review(base, head or "working tree")
    head_texts = _head_texts(root, head)
    base_texts = files_at(root, base)
    try:
        project = _load_head(config_file, head, head_texts)
    except ProblemsFound as found:
        result.blocking += [f"`python -m hooks check` rejects it: {p}" for p in found.problems]
        return result
    catalogue, locales = project.catalogue, project.locales
    before = registers_at(base_texts, catalogue)
    now = {r.id: r for r in catalogue.registers}
    removed = [i for i in before.registers if i not in now]
    added = [i for i in now if i not in before.registers and i not in before.invalid]
    renamed = _renames(removed, added, before.registers, now)
    for register_id in sorted(set(now) | set(before.registers)):
        if register_id in renamed.values():
            continue
        old_id = renamed.get(register_id, register_id)
        old, new = before.registers.get(old_id), now.get(register_id)
        if new is None:
            result.registers.append(RegisterReview(register_id, old.data["name"][catalogue.languages.default], "removed"))
            continue
        name = new.data["name"][catalogue.languages.default]
        if old is None:
            result.registers.append(RegisterReview(register_id, name, "added", languages=list(locales)))
            continue
        entry = _compare(old, new, locales, "renamed" if old_id != register_id else "changed")
        entry.renamed_from = old_id if old_id != register_id else ""
        result.blocking += [str(p) for p in check_versions(old, new, locales)]
        result.blocking += _one_language_changes(old, new, catalogue.languages.built, entry)
        if entry.languages or entry.renamed_from or base_texts.get(f"{register_id}.yml") != head_texts.get(f"{register_id}.yml"):
            result.registers.append(entry)
    result.shared = _shared_changes(base_texts, head_texts, catalogue, locales)
    result.translations = _partly_translated(catalogue)
    return result


def _partly_translated(catalogue) -> list:
    """Every register marked as partly translated, with the texts its languages still lack."""
    from .problems import field_path
    source = catalogue.languages.default
    found = []
    for register in catalogue.registers:
        for language, mode in translations.pending(register.document.data).items():
            if language == source or language not in catalogue.languages.known:
                continue
            missing = [field_path(path) for path in translations.missing(register.document.data, language, source)]
            found.append({"id": register.id, "name": register.data["name"][source], "language": language,
                          "mode": mode, "missing": missing})
    return found


def _renames(removed: list, added: list, old: dict, new: dict) -> dict:
    """New id -> old id for a register whose file was renamed: same versions."""
    renames = {}
    for new_id in added:
        dates = [str(v["date"]) for v in new[new_id].versions]
        for old_id in removed:
            if old_id not in renames.values() and [str(v["date"]) for v in old[old_id].versions] == dates[-len(old[old_id].versions):]:
                renames[new_id] = old_id
                break
    return renames


def _compare(old: Register, new: Register, locales: dict, status: str) -> RegisterReview:
    default = next(iter(locales))
    entry = RegisterReview(new.id, new.data["name"][default], status)
    for code, locale in locales.items():
        diffs = compare_notices(rendered(old, locale), rendered(new, locale))
        changes = structured_changes(old.data, new.data, locale)
        if code != default and any(translations.source_language(r.data, code) for r in (old, new)):
            # Source texts stand in for this language's: its list would name a
            # translation replaced by the source text as an item removed and
            # added. The source language's list names every change of substance.
            changes = []
        if diffs:
            entry.languages.append(code)
            entry.sections[code] = [asdict(d) for d in diffs]
        if changes:
            entry.changes[code] = [{"kind": c.kind, "text": describe(c, locale), "legal_review": c.legal_review}
                                   for c in changes]
    return entry


def _texts(value, path=()):
    """(path, {language: text}) of every per-language text in register data."""
    if isinstance(value, dict):
        if value and all(isinstance(v, str) for v in value.values()) and all(len(k) in (2, 3) for k in value):
            yield path, value
            return
        for key, sub in value.items():
            yield from _texts(sub, path + (key,))
    elif isinstance(value, list):
        for index, sub in enumerate(value):
            yield from _texts(sub, path + (index,))


def _one_language_changes(old: Register, new: Register, languages: tuple, entry: RegisterReview) -> list[str]:
    """A text changed in some languages but not the others: a stale translation,
    unless the new version entries declare `changed_languages`."""
    from .problems import field_path
    old_texts = dict(_texts(old.document.data))
    old_dates = {str(v["date"]) for v in old.versions}
    declared = set()
    for version in new.versions:
        if str(version["date"]) not in old_dates:
            declared |= set(version.get("changed_languages") or [])
    problems = []
    pending = translations.pending(new.document.data)
    for path, texts in _texts(new.document.data):
        if path and path[0] in ("versions", translations.KEY):
            continue  # the marker `{en: source}` is not a text
        before = old_texts.get(path)
        if before is None:
            continue
        # A language marked as partly translated whose text is left out awaits
        # translation (the review lists it), rather than being a stale one.
        compared = [lang for lang in languages if not (lang in pending and lang not in texts)]
        changed = [lang for lang in compared if texts.get(lang) != before.get(lang)]
        if not changed or len(changed) == len(compared):
            continue
        unchanged = [lang for lang in compared if lang not in changed]
        where = field_path(path)
        if declared and set(changed) <= declared:
            entry.awaiting_translation.append(f"{where} ({', '.join(unchanged)})")
            continue
        # The source language (the default, first) is never left out.
        wait = (f"; or leave the {', '.join(unchanged)} text out and mark the register as partly translated "
                f"(`translation_pending`)") if languages[0] not in unchanged else ""
        problems.append(str(Problem(new.file, new.document.line_of(path), where,
                                    f"the text changed in {', '.join(changed)} but not in {', '.join(unchanged)}: "
                                    f"update the translation too, or, if only {', '.join(changed)} was meant to "
                                    f"change, say so in the new version entry: `changed_languages: "
                                    f"[{', '.join(changed)}]`{wait}")))
    return problems


def _shared_changes(base_texts: dict, head_texts: dict, catalogue, locales) -> list:
    shared = []
    for name in SHARED:
        if base_texts.get(name) == head_texts.get(name):
            continue
        affects = []
        if name == "_organisation.yml":
            old_org = None
            if name in base_texts:
                old_org, _ = parse(base_texts[name], f"registers/{name}")
            for register in catalogue.registers:
                inherited = [key for key in INHERITED if key not in register.document.data]
                if not inherited:
                    continue
                with_old = _merge(register.id, register.document, old_org, catalogue.languages.default)
                if any(rendered(with_old, loc) != rendered(register, loc) for loc in locales.values()):
                    affects.append(register.id)
        else:
            affects = ["cookies"] + [r.id for r in catalogue.registers if r.data.get("website_visitors") is True]
        shared.append({"file": f"registers/{name}", "affects": affects})
    return shared


# ---- output ---------------------------------------------------------------------

def to_json(result: Review) -> str:
    return json.dumps({"base": result.base, "head": result.head, "ok": result.ok, "blocking": result.blocking,
                       "registers": [asdict(r) for r in result.registers], "shared": result.shared,
                       "translations": result.translations},
                      ensure_ascii=False, indent=2)


def to_markdown(result: Review) -> str:
    lines = ["## Privacy notice review", "",
             f"Comparing `{result.base}` with {result.head if result.head == 'working tree' else f'`{result.head}`'}.", ""]
    if result.ok:
        lines += ["**No blocking problems.**", ""]
    else:
        lines += [f"**{len(result.blocking)} blocking problem{'s' if len(result.blocking) != 1 else ''}** "
                  "(this change must not be merged as it is):", ""]
        lines += [f"- {_md(p)}" for p in result.blocking] + [""]
    lines += ["### Summary", ""]
    if not result.registers and not result.shared:
        lines += ["No notice changes.", ""]
    if result.registers:
        lines += ["| Register | Change | Languages touched |", "| --- | --- | --- |"]
        for r in result.registers:
            what = f"renamed from `{r.renamed_from}`" if r.renamed_from else r.status
            lines.append(f"| {_md(r.name)} (`{r.id}`) | {what} | {', '.join(r.languages) or '–'} |")
        lines.append("")
    flagged = [(r, lang, c) for r in result.registers for lang, cs in r.changes.items() for c in cs if c["legal_review"]]
    if flagged:
        lines += ["### For a legal reviewer", ""]
        lines += [f"- :warning: **{_md(r.name)}** ({lang}): {_md(c['text'])}" for r, lang, c in flagged] + [""]
    waiting = [(r, w) for r in result.registers for w in r.awaiting_translation]
    if waiting or result.translations:
        lines += ["### Awaiting translation", ""] + [f"- **{_md(r.name)}**: {_md(w)}" for r, w in waiting]
        lines += [_partly_translated_line(item) for item in result.translations] + [""]
    if result.shared:
        lines += ["### Shared files", ""]
        for item in result.shared:
            affected = ", ".join(f"`{a}`" for a in item["affects"]) or "no notice"
            lines.append(f"- `{item['file']}` changed; affects: {affected}")
        lines.append("")
    for r in result.registers:
        if not r.sections:
            continue
        lines += [f"<details><summary>{escape(r.name)} (<code>{escape(r.id)}</code>): the changed text</summary>", ""]
        for lang, sections in r.sections.items():
            lines += [f"#### {lang}", ""]
            for s in sections:
                lines += [f"<p><strong>{escape(s['heading'])}</strong></p>", "", f"<p>{s['html']}</p>", ""]
        lines += ["</details>", ""]
    return "\n".join(lines)


def _partly_translated_line(item: dict) -> str:
    """A register marked as partly translated, as a line of the report."""
    mode = ("not published in this language until translated" if item["mode"] == translations.NOT_PUBLISHED
            else "published with the source language's text where a translation is missing")
    missing = ", ".join(f"`{path}`" for path in item["missing"]) or "none (the marker can be removed)"
    return (f"- **{_md(item['name'])}** (`{item['id']}`), {item['language']}: marked as partly translated, "
            f"{mode}; texts still to translate: {missing}")


def _md(text: str) -> str:
    """Plain text inside Markdown: no HTML, no table cells (code spans stay: messages use them)."""
    return escape(text).replace("|", "&#124;")
