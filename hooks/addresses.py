"""Where each page of the site is published, and pages that would take the
same place. A generated page and a hand-written one (or two generated ones)
at the same address would silently replace each other, whatever their source
paths: `docs/notices.md`, `docs/notices/index.md` and the generated
`notices/index.md` are all published at `notices/`. Every page, generated or
hand-written, is compared by the file it becomes in the built site, so pages
added later (archives, feeds) are covered without a list to keep up to date."""
from __future__ import annotations

import os
import posixpath
from pathlib import Path

from .languages import Languages
from .problems import Problem


def language_of(src_uri: str, languages: Languages) -> tuple[str, str]:
    """(language, path without the language suffix), as mkdocs-static-i18n
    reads file names: `x.en.md` is English, `x.md` the default language."""
    stem, ext = posixpath.splitext(src_uri)
    base, dot, code = stem.rpartition(".")
    if dot and code in languages.known:
        return code, base + ext
    return languages.default, src_uri


def destination(src_uri: str, languages: Languages, use_directory_urls: bool = True) -> str:
    """The file `src_uri` (a path under docs/, or a generated page) becomes in the built site."""
    language, path = language_of(src_uri, languages)
    prefix = languages.url_prefix(language)
    stem, ext = posixpath.splitext(path)
    if ext != ".md":
        return prefix + path  # copied as it is
    folder, name = posixpath.split(stem)
    if name in ("index", "README"):  # MkDocs publishes both as the folder's page
        return prefix + posixpath.join(folder, "index.html")
    return prefix + (f"{stem}/index.html" if use_directory_urls else f"{stem}.html")


def address(destination_path: str) -> str:
    """The address readers use for a built file: `notices/index.html` is `notices/`."""
    return destination_path[: -len("index.html")] if destination_path.endswith("index.html") else destination_path


def hand_written(docs_dir: Path) -> list[str]:
    """The files under docs/ as MkDocs sees them (hidden files and folders excluded)."""
    found = []
    for folder, folders, files in os.walk(docs_dir):
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        relative = Path(folder).relative_to(docs_dir).as_posix()
        found += [posixpath.normpath(posixpath.join(relative, name)) for name in sorted(files)
                  if not name.startswith(".")]
    return found


def clashes(generated: list[tuple[str, str, str]], written: list[str], languages: Languages,
            use_directory_urls: bool = True, docs_shown: str = "docs") -> list[Problem]:
    """Problems for pages that would be published at the same place.
    `generated`: (src_uri, file the page comes from, what it is for readers),
    e.g. ("notices/index.md", "registers/", "the list of all notices"), in
    the order they were planned: a later one that clashes is reported.
    `written`: the hand-written files under docs/ (see hand_written)."""
    problems, taken = [], {}
    for src_uri, file, what in generated:
        place = destination(src_uri, languages, use_directory_urls)
        if place in taken:
            problems.append(Problem(file, 0, "", f"{what} would be published at {address(place)}, which the site "
                                                 f"reserves for {taken[place][1]}; rename the file"))
            continue
        taken[place] = (file, what)
    for src_uri in written:
        place = destination(src_uri, languages, use_directory_urls)
        if place in taken:
            problems.append(Problem(f"{docs_shown}/{src_uri}", 0, "",
                                    f"this hand-written file would be published at {address(place)}, where the "
                                    f"site publishes {taken[place][1]} (generated from {taken[place][0]}); rename "
                                    "or remove the hand-written file"))
    return problems
