"""What a good build or check produced, in a few lines for the author: how many
notices in which languages, which registers changed after their newest
version entry (only where git knows the history), and how many texts await
translation (once registers can carry a translation status)."""
from __future__ import annotations

import os
from pathlib import Path

from .history import History, read_history, versions_block
from .yaml_source import parse


def summary_lines(project, root: Path | None = None, history: History | None = None) -> list[str]:
    """`history`: the registers' history from git, if already read (else it is read from `root`)."""
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
            changed = changed_since_last_version(root, registers, history)
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


def changed_since_last_version(root: Path, registers: list, history: History | None = None) -> list | None:
    """The registers whose data differs from the commit that gave them their
    present `versions` list; None if git or its history is not there.

    From the history the build reads anyway (hooks/history.py): for each file,
    its text in the oldest of its newest commits with the present `versions`
    list; only a file whose text differs from it is parsed again."""
    history = history if history is not None else read_history(root)
    if not history.complete:
        return None
    changed = []
    for register in registers:
        now = register.document.text if register.document.text is not None else \
            (root / register.file).read_text(encoding="utf-8")
        entry = history.entries.get(Path(register.file).name)
        if entry is not None and entry[0] == versions_block(now) and entry[1] != now \
                and _data(entry[1], register.file) != register.document.data:
            changed.append(register)
    return changed


def _data(text: str, file: str):
    document, problems = parse(text, file)
    return document.data if document is not None and not problems else None
