"""What a good build or check produced, in a few lines for the author: how many
notices in which languages, which registers changed after their newest
version entry (only where git knows the history), and how many texts await
translation (once registers can carry a translation status)."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

from .history import batch_texts
from .yaml_source import parse

MAX_COMMITS = 30  # how far back to look for the commit that added the newest version entry


def summary_lines(project, root: Path | None = None) -> list[str]:
    registers = project.catalogue.registers
    languages = project.languages
    count = len(registers)
    notices = f"{count} notice{'s' if count != 1 else ''}"
    lines = [f"{notices} in {len(languages.built)} language{'s' if len(languages.built) != 1 else ''} "
             f"({', '.join(languages.built)})"]
    waiting = [code for code in languages.known if code not in languages.built]
    if waiting:
        lines[0] += f"; not yet published: {', '.join(waiting)}"
    lines[0] += "."
    if root is not None:
        try:
            changed = changed_since_last_version(root, registers)
        except Exception:  # the summary is a courtesy: it never fails a good build or check
            if os.environ.get("NOTICES_DEBUG"):
                raise
            changed = None
        if changed is not None:
            lines.append(_changed_line(changed))
    awaiting = texts_awaiting_translation(project)
    if awaiting is not None:
        lines.append(f"{awaiting} text{'s' if awaiting != 1 else ''} await{'' if awaiting != 1 else 's'} translation.")
    return lines


def texts_awaiting_translation(project) -> int | None:
    """The number of texts still to be translated in the registers marked as
    partly translated (`translation_pending`), or None if no register is."""
    from . import translations
    source, count, marked = project.languages.default, 0, False
    for register in project.catalogue.registers:
        for language in translations.pending(register.document.data):
            if language != source:
                marked = True
                count += len(translations.missing(register.document.data, language, source))
    return count if marked else None


def _changed_line(changed: list) -> str:
    if not changed:
        return "No register changed after its newest version entry."
    listed = ", ".join(f"{r.file} (newest entry {_newest(r.document.data)})" for r in changed)
    return (f"Changed after the newest version entry: {listed}. If readers should know, "
            "add a version entry at the top of `versions`.")


def _newest(data) -> str | None:
    try:
        return str(data["versions"][0]["date"])
    except (KeyError, IndexError, TypeError):
        return None


def _git(root: Path, *args: str, stdin: str | None = None) -> str | None:
    try:
        result = subprocess.run(["git", "-C", str(root), *args], input=stdin, capture_output=True,
                                text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout if result.returncode == 0 else None


def changed_since_last_version(root: Path, registers: list) -> list | None:
    """The registers whose data differs from the commit that gave them their
    present `versions` list; None if git or its history is not there.

    Commits are compared by the text of their `versions` list, so that only a
    file whose text changed is parsed again (a clean working copy of 300
    registers costs two `git` calls and no parsing)."""
    if (_git(root, "rev-parse", "--verify", "--quiet", "HEAD") or "").strip() == "":
        return None
    history = _commits_per_file(root)
    if history is None:
        return None
    now = {r.file: r.document.text if r.document.text is not None else (root / r.file).read_text(encoding="utf-8")
           for r in registers}
    block = {file: _versions_block(text) for file, text in now.items()}
    at_entry: dict = {}  # file -> its text in the oldest commit seen so far with the present versions
    walking, depth = [file for file in now if history.get(file)], 0
    # One `git cat-file` per step back in history, for every register at once.
    while walking:
        texts = _contents(root, [f"{history[file][depth]}:./{file}" for file in walking])
        if texts is None:
            break
        still = []
        for file, text in zip(walking, texts):
            if text is not None and _versions_block(text) == block[file]:
                at_entry[file] = text
                if depth + 1 < len(history[file]):
                    still.append(file)
        walking, depth = still, depth + 1
    return [r for r in registers if r.file in at_entry and at_entry[r.file] != now[r.file]
            and _data(at_entry[r.file], r.file) != r.document.data]


def _versions_block(text: str) -> str | None:
    """The text of the top-level `versions:` item, up to the next top-level key."""
    start = 0 if text.startswith("versions:") else text.find("\nversions:") + 1
    if start == 0 and not text.startswith("versions:"):
        return None
    lines = text[start:].split("\n")
    end = next((i for i, line in enumerate(lines[1:], 1) if line[:1] not in ("", " ", "#", "-")), len(lines))
    return "\n".join(lines[:end]).rstrip()


def _data(text: str, file: str):
    document, problems = parse(text, file)
    return document.data if document is not None and not problems else None


def _contents(root: Path, specs: list) -> list | None:
    """The text of each `commit:./path` (None where missing), from one `git cat-file --batch`."""
    try:
        result = subprocess.run(["git", "-C", str(root), "cat-file", "--batch"], input="\n".join(specs).encode() + b"\n",
                                capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    if result.returncode != 0:
        return None
    return batch_texts(result.stdout, len(specs))


def _commits_per_file(root: Path) -> dict | None:
    """File (relative to root) -> its commits, newest first, from one `git log`."""
    out = _git(root, "log", "--relative", "--format=%x00%H", "--name-only", "--", "registers")
    if out is None:
        return None
    history: dict = {}
    for block in out.split("\0")[1:]:
        commit, *files = block.split()
        for file in files:
            commits = history.setdefault(file, [])
            if len(commits) < MAX_COMMITS:
                commits.append(commit)
    return history
