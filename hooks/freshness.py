"""Whether a generated page must be built again: in a `--dirty` build (by
file times, below) and while `mkdocs serve` runs (by content, PreviewCache).

`mkdocs build --dirty` and `mkdocs serve --dirty` rebuild a page when its
source file is newer than its output. A generated page has no source file: it
is made from its register (the index: from all of them and the folder's list
of files), the shared files, the standard texts of its language, the site
configuration and the hooks' own code, and it is outdated when one of them is
newer than its output or is gone.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from .locales import LOCALE_DIR
from .project import REGISTERS_DIR, Project
from .site_pages import GeneratedPage

_CODE = tuple(sorted(p for p in Path(__file__).parent.rglob("*") if p.suffix in (".py", ".json")))


def page_sources(page: GeneratedPage, project: Project, config_file: Path) -> list[Path]:
    root = config_file.parent
    catalogue = project.catalogue
    sources = [config_file, LOCALE_DIR / f"{page.language}.yml", *_CODE]
    shared = [catalogue.organisation, *catalogue.shared.values()]
    sources += [root / document.file for document in shared if document is not None]
    if page.register_id is None:
        sources += [root / register.file for register in catalogue.registers]
        sources.append(root / REGISTERS_DIR)  # changes when a register is added or removed
    else:
        sources.append(root / catalogue.by_id[page.register_id].file)
    return sources


def is_outdated(output: str, sources: list[Path]) -> bool:
    try:
        built = os.path.getmtime(output)
        return any(os.path.getmtime(source) > built for source in sources)
    except OSError:  # no output yet, or a source is gone
        return True


def page_outdated(output: str, page: GeneratedPage, project: Project, config_file: Path) -> bool:
    """For MkDocs' File.is_modified of a generated page."""
    return is_outdated(output, page_sources(page, project, config_file))


# ---------------------------------------------------------------------------
# `mkdocs serve` (without --dirty) rebuilds the whole site on every save. While
# it runs, the output of each generated page is kept under a key made of
# everything the page is made from; a rebuild renders again only the pages
# whose key changed and writes the kept output of the others. The key is made
# of the inputs themselves (the page's Markdown, its date, the site-wide
# inputs), not of file times or a list of dependencies, so an edit to any
# source, a register, a shared file, a locale text, or a page added later by
# another module, changes the key of exactly the pages whose text it changes.


@dataclass(frozen=True)
class BuiltPage:
    """One page as the last build made it."""
    key: str
    html: str
    search_entries: tuple  # the search index's entries for the page
    anchors: frozenset  # ids other pages may link to
    title: str | None


class PreviewCache:
    """The generated pages of the last good build, by output path. New
    entries are held back until the build that made them ends without a
    warning, so a page that failed strict validation is rendered again."""

    def __init__(self) -> None:
        self.pages: dict[str, BuiltPage] = {}
        self.pending: dict[str, BuiltPage] = {}

    def get(self, dest: str, key: str) -> BuiltPage | None:
        page = self.pages.get(dest)
        return page if page is not None and page.key == key else None

    def put(self, dest: str, page: BuiltPage) -> None:
        self.pending[dest] = page

    def commit(self, clean: bool) -> None:
        if clean:
            self.pages.update(self.pending)
        self.pending.clear()


def fingerprint(*parts) -> str:
    digest = hashlib.blake2b(digest_size=20)
    for part in parts:
        data = part if isinstance(part, bytes) else str(part).encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


def tree_stamp(folder: Path | None) -> str:
    """Names, sizes and modification times of every file under `folder`."""
    if folder is None or not Path(folder).is_dir():
        return ""
    rows = []
    for path in sorted(Path(folder).rglob("*")):
        try:
            stat = path.stat()
        except OSError:
            continue
        rows.append(f"{path.relative_to(folder).as_posix()}\t{stat.st_size}\t{stat.st_mtime_ns}")
    return "\n".join(rows)


def site_key(config_file: Path, docs_dir: Path, theme_dir: Path | None, settings: str, language: str) -> str:
    """Everything a generated page's HTML depends on besides its own Markdown:
    the configuration, the hand-written pages (navigation, titles), the theme
    overrides, the settings the hooks gave the theme (consent banner, footer),
    the language and the hooks' code."""
    try:
        config = config_file.read_bytes()
    except OSError:
        config = b""
    code = "\n".join(f"{p}\t{p.stat().st_mtime_ns}" for p in _CODE if p.exists())
    return fingerprint(config, tree_stamp(docs_dir), tree_stamp(theme_dir), settings, language, code)
