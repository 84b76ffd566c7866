"""MkDocs glue: load and validate the registers once per build, add a notice
page per register and language plus an index, and fill them in.

Thin on purpose: the work is in plain modules of the `hooks` package.
mkdocs-static-i18n runs one MkDocs build per language, and `mkdocs serve`
keeps this module loaded between rebuilds, so the state below is renewed at
the start of each top-level build and reused by the language builds after it.
"""
from __future__ import annotations

import os
import sys
import time
from functools import partial
from pathlib import Path

# MkDocs puts only this file's folder on sys.path, and only while it runs:
# import the package by its full name now.
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

_IMPORT_STARTED = time.perf_counter()
from mkdocs.exceptions import PluginError  # noqa: E402
from mkdocs.plugins import event_priority  # noqa: E402
from mkdocs.structure.files import File, InclusionLevel  # noqa: E402

from hooks.freshness import page_outdated  # noqa: E402
from hooks.languages import Languages  # noqa: E402
from hooks.problems import ProblemsFound  # noqa: E402
from hooks.project import load_project  # noqa: E402
from hooks.site_pages import page_markdown, plan_pages  # noqa: E402
from hooks import timings  # noqa: E402

_IMPORT_SECONDS = time.perf_counter() - _IMPORT_STARTED


class _BuildState:
    dirty = False  # `--dirty`: only pages older than their sources are built
    project = None
    pages: dict = {}
    markdown: dict = {}  # src_uri -> rendered Markdown, filled as pages are read


_state = _BuildState()


def _languages(config) -> Languages:
    i18n = config.plugins.get("i18n")
    if i18n is None:
        language = config.theme.get("language") or "fi"
        return Languages(language, (language,), (language,))
    entries = [{"locale": lang.locale, "default": lang.default, "build": lang.build} for lang in i18n.config.languages]
    return Languages.from_i18n_entries(entries)


def _is_language_rebuild(config) -> bool:
    """True while mkdocs-static-i18n builds its further languages."""
    i18n = config.plugins.get("i18n")
    return bool(i18n is not None and getattr(i18n, "building", False))


def on_startup(command, dirty):
    _state.dirty = dirty


@timings.timed("hooks")
def on_config(config):
    if _is_language_rebuild(config) and _state.project is not None:
        return config
    if _state.dirty and config.strict:
        raise PluginError("--dirty builds only the pages that changed, and MkDocs warns about every such build, "
                          "which strict mode (strict: true in mkdocs.yml) turns into an error: "
                          "add --no-strict, e.g. `mkdocs serve --dirty --no-strict`")
    _state.project, _state.pages, _state.markdown = None, {}, {}
    timings.reset()
    if "attr_list" not in config.markdown_extensions:
        config.markdown_extensions.append("attr_list")  # section anchors: {#controller}
    # Raised here, before MkDocs cleans the site directory: a failed build
    # leaves the last good site as it was.
    try:
        _state.project = load_project(Path(config.config_file_path).resolve().parent, _languages(config))
    except ProblemsFound as found:
        raise PluginError(found.report()) from None
    _state.pages = plan_pages(_state.project)
    return config


@event_priority(50)  # before mkdocs-static-i18n (-100) sorts files by language
@timings.timed("hooks")
def on_files(files, config):
    for src_uri in _state.pages:
        if files.get_file_from_path(src_uri) is not None:
            raise PluginError(f"docs/{src_uri} exists, but this page is generated from the registers; "
                              "rename or remove the hand-written file")
        files.append(File(src_uri, config.docs_dir, config.site_dir, config.use_directory_urls,
                          inclusion=InclusionLevel.NOT_IN_NAV if "/index" not in src_uri else InclusionLevel.UNDEFINED))
    return files


@timings.timed("hooks")
def on_nav(nav, config, files):
    # After mkdocs-static-i18n has re-created the File objects: give the
    # generated ones their content before MkDocs reads the pages.
    config_file = Path(config.config_file_path).resolve()
    for file in files.documentation_pages():
        page = _state.pages.get(file.src_uri)
        if page is None:
            continue
        if file.src_uri not in _state.markdown:
            _state.markdown[file.src_uri] = page_markdown(page, _state.project, config.use_directory_urls)
        file.content_string = _state.markdown[file.src_uri]
        # A `--dirty` build asks whether the page's file changed; it has none,
        # so the answer comes from the files the page is made from.
        file.is_modified = partial(page_outdated, file.abs_dest_path, page, _state.project, config_file)
    return nav


def on_post_build(config):
    if os.environ.get(timings.ENV_VAR):  # the benchmark asks (bench/build_scale.py)
        timings.write(Path(os.environ[timings.ENV_VAR]), imports=_IMPORT_SECONDS)


def on_serve(server, config, builder):
    # `mkdocs serve` watches docs/ and mkdocs.yml; the registers and the
    # standard texts are sources of the site too.
    root = Path(config.config_file_path).resolve().parent
    for folder in (root / "registers", Path(__file__).resolve().parent / "locales"):
        if folder.is_dir():
            server.watch(str(folder))
    return server
