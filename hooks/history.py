"""Earlier versions of the registers, read from git.

The `versions` list of a register is its public changelog; the text of an
earlier version is the register file as it stood in the last commit in which
that version's date headed the list, and its organisation defaults are
`_organisation.yml` as it stood in that same commit (the commit that last
changed the register file while the date headed it). The whole history costs
three git processes, whatever the number of registers and versions: one
`rev-parse` (HEAD, the registers tree, whether the clone is shallow), one
`git log` over the registers folder and one `git cat-file --batch` for every
file state and the organisation file at each of their commits.
The result is cached by HEAD commit and registers tree, so that `mkdocs serve`
reads the history again only after a commit.
"""
from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import timings
from .registers import YAML_SUFFIXES

# Why each kind of missing history matters, and the fix (named once, in the warning).
FIX = ("check out the full history: on GitHub Actions give actions/checkout `fetch-depth: 0`; "
       "elsewhere run `git fetch --unshallow`")

# The date heading `versions:` in block style, as every register is written;
# anything else falls back to reading the YAML (rare, so the cost does not matter).
_HEAD_DATE = re.compile(r"^versions:[ \t]*(?:#[^\n]*)?\n(?:[ \t]*(?:#[^\n]*)?\n)*"
                        r"[ \t]*-[ \t]+date:[ \t]*[\"']?(\d{4}-\d{2}-\d{2})[\"']?[ \t]*(?:#[^\n]*)?\n",
                        re.MULTILINE)
_RAW_LINE = re.compile(r":\d{6} \d{6} [0-9a-f]+ ([0-9a-f]+) [A-Z]\d*\t(.+)")

# The shared file whose defaults registers.py merges into every register, in either spelling.
ORGANISATION_FILES = tuple(f"_organisation{suffix}" for suffix in YAML_SUFFIXES)

git_calls = 0  # git processes started by this module (tests count them)
MAX_ENTRY_COMMITS = 30  # how far back to look for the commit that wrote the newest versions list


@dataclass(frozen=True)
class Version:
    """One state of a register file: the commit, the file's text and the
    organisation defaults in that commit: (file name, text) of each spelling
    of `_organisation.yml` there was, none when there was no such file."""
    commit: str
    text: str
    organisation: tuple = ()


@dataclass
class History:
    """What git knows about the register files.

    `texts[file name][date]` is the register file (e.g. `customers.yml`) as it
    stood in the last commit in which `date` headed its versions list."""
    status: str  # "ok", "shallow" or "no-git"
    head: str = ""
    texts: dict = field(default_factory=dict)
    detail: str = ""  # why git gave no history, for the warning
    # file name -> (its `versions:` block, its text) in the oldest of the newest
    # commits that all have the block of the newest one (at most MAX_ENTRY_COMMITS
    # back, none past a deletion): where the present versions list was written
    entries: dict = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return self.status == "ok"

    def warning(self) -> str | None:
        """The one warning a build without the full history gives, or None."""
        if self.status == "shallow":
            return ("the git history is shallow (a shallow clone), so the earlier versions of the notices "
                    f"cannot be built and only the current ones are published; {FIX}")
        if self.status == "no-git":
            return ("the site is not built from a git repository with commits"
                    f"{' (' + self.detail + ')' if self.detail else ''}, so the earlier versions of the "
                    f"notices cannot be built and only the current ones are published; build from a clone "
                    f"with the full history ({FIX})")
        return None

    def version_text(self, file_name: str, date: str) -> Version | None:
        return self.texts.get(file_name, {}).get(date)


_cache: dict = {}


def clear_cache() -> None:
    _cache.clear()


def _git(root: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    global git_calls
    git_calls += 1
    return subprocess.run(["git", *args], cwd=root, input=stdin, capture_output=True, check=False)


def read_history(root: Path, registers_dir: str = "registers") -> History:
    """The history of the register files under `root/registers_dir`."""
    # Timed with the git processes' own CPU time: most of the work is theirs.
    started = timings.cpu_with_children()
    try:
        return _read_history(root, registers_dir)
    finally:
        timings.add("history", timings.cpu_with_children() - started)


def _read_history(root: Path, registers_dir: str) -> History:
    root = Path(root).resolve()
    try:
        state = _git(root, "rev-parse", "--is-shallow-repository", "HEAD", f"HEAD:./{registers_dir}")
    except OSError as error:  # no git program at all
        return History("no-git", detail=f"git cannot be run: {error.strerror}")
    lines = state.stdout.decode("utf-8", "replace").split()
    if state.returncode != 0 and len(lines) >= 2 and re.fullmatch(r"[0-9a-f]{40,64}", lines[1]):
        # HEAD exists but the registers folder is not committed yet: no history, no problem.
        return History("shallow" if lines[0] == "true" else "ok", head=lines[1])
    if state.returncode != 0 or len(lines) < 3:
        message = state.stderr.decode("utf-8", "replace").strip().splitlines()
        return History("no-git", detail=message[0] if message else "")
    shallow, head, tree = lines[:3]
    if shallow == "true":
        return History("shallow", head=head)
    key = (str(root), registers_dir, head, tree)
    if key not in _cache:
        _cache.clear()  # one site per process: keep only the newest history
        texts, entries = _read_texts(root, registers_dir)
        _cache[key] = History("ok", head=head, texts=texts, entries=entries)
    return _cache[key]


def _read_texts(root: Path, registers_dir: str) -> tuple:
    """(texts, entries) as History holds them."""
    all_states = _file_states(root, registers_dir)
    states = {name: [(commit, blob) for commit, blob in entries if blob is not None]
              for name, entries in all_states.items()}
    blobs = {blob for entries in states.values() for _, blob in entries}
    # The organisation file by the commit's own tree (`<commit>:<path>`), not by
    # the log's order: exact across merges too, and in the same batch.
    shared = {(commit, name): f"{commit}:./{registers_dir.rstrip('/')}/{name}"
              for entries in states.values() for commit, _ in entries for name in ORGANISATION_FILES}
    objects = _read_objects(root, blobs | set(shared.values()))
    texts: dict = {}
    for file_name, entries in states.items():
        found = texts.setdefault(file_name, {})
        for commit, blob in entries:  # newest first: the first state seen with a date is its last
            text = objects.get(blob)
            date = head_date(text) if text is not None else None
            if date is not None and date not in found:
                organisation = tuple((name, objects[shared[commit, name]]) for name in ORGANISATION_FILES
                                     if shared[commit, name] in objects)
                found[date] = Version(commit, text, organisation)
    return texts, {name: entry for name, entries in all_states.items()
                   if (entry := _versions_entry(entries, objects)) is not None}


def versions_block(text: str) -> str | None:
    """The text of the top-level `versions:` item, up to the next top-level key."""
    start = 0 if text.startswith("versions:") else text.find("\nversions:") + 1
    if start == 0 and not text.startswith("versions:"):
        return None
    lines = text[start:].split("\n")
    end = next((i for i, line in enumerate(lines[1:], 1) if line[:1] not in ("", " ", "#", "-")), len(lines))
    return "\n".join(lines[:end]).rstrip()


def _versions_entry(states: list, objects: dict) -> tuple | None:
    """(block, text) for History.entries, from a file's states newest first."""
    entry = None
    for _, blob in states[:MAX_ENTRY_COMMITS]:
        text = objects.get(blob) if blob is not None else None
        if text is None:
            break  # deleted then: an earlier file of the same name is another register
        block = versions_block(text)
        if entry is not None and block != entry[0]:
            break
        entry = (block, text)
    return entry


def _file_states(root: Path, registers_dir: str) -> dict:
    """file name -> [(commit, blob id, or None where the commit deleted it)],
    newest first, from one `git log`."""
    log = _git(root, "log", "--relative", "--format=commit %H", "--raw", "--no-abbrev", "--no-renames",
               "--", registers_dir)
    states: dict = {}
    commit = ""
    prefix = registers_dir.rstrip("/") + "/"
    for line in log.stdout.decode("utf-8", "replace").splitlines():
        if line.startswith("commit "):
            commit = line[len("commit "):]
            continue
        match = _RAW_LINE.fullmatch(line)
        if match is None:
            continue
        blob, path = match.groups()
        name = path[len(prefix):] if path.startswith(prefix) else ""
        if not name or "/" in name or name.startswith("_") or not name.endswith((".yml", ".yaml")):
            continue  # another folder, a shared file
        states.setdefault(name, []).append((commit, None if set(blob) == {"0"} else blob))  # None: deleted
    return states


def _read_objects(root: Path, names: set) -> dict:
    """object name (a blob id, `<commit>:<path>`) -> text, from one `git cat-file --batch`;
    a name with no file (a path not in that commit) is left out."""
    if not names:
        return {}
    order = sorted(names)
    out = _git(root, "cat-file", "--batch", stdin="".join(f"{b}\n" for b in order).encode()).stdout
    same: dict = {}  # one string per distinct text: the organisation file is read once per commit
    return {name: same.setdefault(text, text) for name, text in zip(order, batch_texts(out, len(order)))
            if text is not None}


def batch_texts(out: bytes, count: int) -> list:
    """The text of each of the `count` objects asked of `git cat-file --batch`,
    in the order asked; None for one that is missing or not a file."""
    texts, position = [], 0
    for _ in range(count):
        end = out.index(b"\n", position)
        header = out[position:end].split()
        position = end + 1
        if len(header) != 3 or header[1] != b"blob":
            texts.append(None)  # "<name> missing"
            continue
        size = int(header[2])
        texts.append(out[position:position + size].decode("utf-8", "replace"))
        position += size + 1
    return texts


def head_date(text: str) -> str | None:
    """The date of the newest version (the first entry of `versions`)."""
    match = _HEAD_DATE.search(text)
    if match is not None:
        return match.group(1)
    try:
        data = yaml.safe_load(text)
        return str(data["versions"][0]["date"])
    except Exception:  # an old file that is not a register any more: it has no version
        return None
