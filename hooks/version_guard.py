"""The rules of the public changelog, checked against an earlier revision:

- a register whose rendered notice changed needs a new entry at the top of
  `versions` (a reader must be able to find out what changed, and when);
- an entry already published keeps its date and summary: rewriting them
  rewrites what readers were told.

Both registers are rendered with today's templates, standard texts and
organisation defaults, so only what the register file itself says counts;
changes to shared files are reported by the review (hooks/review.py).
Used by `python -m hooks check --base <rev>` and by the review.
"""
from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from .history import batch_texts
from .locales import Locale
from .notice_diff import content_text
from .notice_markdown import render_notice
from .problems import Problem, field_path
from .registers import REGISTER_ID, Catalogue, Register, YAML_SUFFIXES, _merge, checked_text


class RevisionError(Exception):
    """The revision cannot be read (not a git repository, unknown revision)."""


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=root, input=stdin, capture_output=True, check=False)
    except OSError as error:
        raise RevisionError(f"git cannot be run: {error.strerror}") from None
    if done.returncode != 0:
        raise RevisionError(done.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed")
    return done.stdout


def files_at(root: Path, rev: str, registers_dir: str = "registers") -> dict:
    """File name -> text of every file directly in `registers_dir` at `rev`
    (one `git ls-tree`, one `git cat-file --batch`)."""
    _git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    listing = _git(root, "ls-tree", rev, "--", f"./{registers_dir}/").decode("utf-8", "replace")
    blobs = {}
    for line in listing.splitlines():
        meta, _, path = line.partition("\t")
        kind, blob = meta.split()[1:3]
        if kind == "blob":
            blobs[path.rsplit("/", 1)[-1]] = blob
    if not blobs:
        return {}
    out = _git(root, "cat-file", "--batch", stdin="".join(f"{b}\n" for b in blobs.values()).encode())
    return {name: text for name, text in zip(blobs, batch_texts(out, len(blobs))) if text is not None}


@dataclass
class Revision:
    """The registers at one revision, as far as they are valid registers."""
    texts: dict  # file name -> text (every file, shared ones too)
    registers: dict  # register id -> Register (merged with the organisation defaults given)
    invalid: dict  # register id -> first problem, for files that do not validate


def registers_at(texts: dict, catalogue: Catalogue, registers_dir: str = "registers") -> Revision:
    """The registers among `texts`, validated and merged with `catalogue`'s
    (today's) organisation defaults."""
    languages = catalogue.languages
    registers, invalid = {}, {}
    for name, text in sorted(texts.items()):
        stem, dot, suffix = name.rpartition(".")
        if not dot or f".{suffix}" not in YAML_SUFFIXES or not REGISTER_ID.match(stem):
            continue
        shown = f"{registers_dir}/{name}"
        document, problems = checked_text(text, shown, languages)
        if document is None or not isinstance(document.data, dict):
            problems = problems or [Problem(shown, 0, "", "not a register")]
        if problems:
            invalid[stem] = problems[0]
            continue
        registers[stem] = _merge(stem, document, catalogue.organisation, languages.default)
    return Revision(texts, registers, invalid)


def rendered(register: Register, locale: Locale) -> str:
    return render_notice(register, locale, "../")


def content_changed(old: Register, new: Register, locales: dict) -> list[str]:
    """The languages whose rendered notice text differs (the changelog section aside)."""
    return [code for code, locale in locales.items()
            if content_text(rendered(old, locale)) != content_text(rendered(new, locale))]


def _key(entry: dict) -> tuple:
    return str(entry.get("date")), entry.get("summary")


def check_versions(old: Register, new: Register, locales: dict) -> list[Problem]:
    """The changelog rules for one register present at both revisions."""
    problems = []
    document = new.document

    def problem(path: tuple, message: str) -> Problem:
        return Problem(new.file, document.line_of(path), field_path(path), message)

    new_entries = {str(e["date"]): (i, e) for i, e in enumerate(new.versions)}
    for entry in old.versions:
        date = str(entry["date"])
        if date not in new_entries:
            problems.append(problem(("versions",), f"the published version of {date} is missing: a published "
                                                   f"version keeps its date; put the entry back as it was and add "
                                                   f"a new one at the top for today's change"))
            continue
        index, now = new_entries[date]
        for lang, text in (entry.get("summary") or {}).items():
            if (now.get("summary") or {}).get(lang) != text:
                problems.append(problem(("versions", index, "summary", lang),
                                        f"the summary of the published version of {date} was rewritten; "
                                        f"it must stay as published: describe the change in a new entry at "
                                        f"the top of `versions` instead"))
    if problems:
        return problems
    old_dates = {str(e["date"]) for e in old.versions}
    added = [str(e["date"]) for e in new.versions if str(e["date"]) not in old_dates]
    if not added:
        changed = content_changed(old, new, locales)
        if changed:
            problems.append(problem(("versions",), f"the text of the notice changed ({', '.join(changed)}) "
                                                   f"but `versions` has no new entry: add one at the top with "
                                                   f"the date the change takes effect and a summary in every language"))
    return problems


def guard(root: Path, base: str, catalogue: Catalogue, locales: dict, registers_dir: str = "registers") -> list[Problem]:
    """Every breach of the changelog rules between `base` and the working tree."""
    before = registers_at(files_at(root, base, registers_dir), catalogue, registers_dir)
    problems = []
    for register in catalogue.registers:
        old = before.registers.get(register.id)
        if old is not None:
            problems += check_versions(old, register, locales)
    return problems
