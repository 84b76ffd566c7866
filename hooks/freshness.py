"""Whether a generated page must be built again in a `--dirty` build.

`mkdocs build --dirty` and `mkdocs serve --dirty` rebuild a page when its
source file is newer than its output. A generated page has no source file: it
is made from its register (the index: from all of them and the folder's list
of files), the shared files, the standard texts of its language, the site
configuration and the hooks' own code, and it is outdated when one of them is
newer than its output or is gone.
"""
from __future__ import annotations

import os
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
