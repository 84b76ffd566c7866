"""MkDocs glue: load and validate the registers once per build, add a notice
page per register and language plus an index, and fill them in.

Thin on purpose: the work is in plain modules of the `hooks` package.
mkdocs-static-i18n runs one MkDocs build per language, and `mkdocs serve`
keeps this module loaded between rebuilds, so the state below is renewed at
the start of each top-level build and reused by the language builds after it.
"""
from __future__ import annotations

import copy
import functools
import os
import sys
import time
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

# MkDocs puts only this file's folder on sys.path, and only while it runs:
# import the package by its full name now.
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

_IMPORT_STARTED = time.perf_counter()
from mkdocs.exceptions import PluginError  # noqa: E402
from mkdocs.plugins import event_priority  # noqa: E402
from mkdocs.structure.files import File, InclusionLevel  # noqa: E402
from mkdocs.utils import get_relative_url  # noqa: E402

from hooks import timings  # noqa: E402
from hooks.freshness import page_outdated  # noqa: E402
from hooks import html_a11y  # noqa: E402
from hooks.cookies import SiteSettings, banner_description, consent_settings  # noqa: E402
from hooks.languages import Languages  # noqa: E402
from hooks.problems import ProblemsFound  # noqa: E402
from hooks.project import load_project  # noqa: E402
from hooks.site_pages import plan_pages, render_pages  # noqa: E402


_IMPORT_SECONDS = time.perf_counter() - _IMPORT_STARTED


class _BuildState:
    project = None
    pages: dict = {}
    markdown: dict = {}  # src_uri -> rendered Markdown
    dates: dict = {}  # src_uri -> ISO date the page last changed, from the data
    site: SiteSettings | None = None  # mkdocs.yml as written, before the per-language settings below
    cookies_url: str | None = None  # the cookie notice in the language being built
    locale = None


_state = _BuildState()
# Set by on_serve. While serving, a rebuild with a broken register keeps the
# last good notices and shows the problems in the terminal: a failed build
# would leave `mkdocs serve` stuck, answering no request until it is fixed.
_serving = False
# Set by on_startup: `--dirty` builds only pages older than their sources.
_dirty = False


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


def _message(error: Exception) -> str:
    if isinstance(error, ProblemsFound):
        return error.report()
    if isinstance(error, PluginError):
        return str(error)
    if os.environ.get("NOTICES_DEBUG"):
        raise error
    return (f"internal error in the notice pages ({type(error).__name__}: {error}); "
            "please report it (NOTICES_DEBUG=1 shows the details)")


def _author_errors(event):
    """Whatever goes wrong in an event reaches the author as a message and a
    failed build, never as a traceback (NOTICES_DEBUG=1 shows it)."""
    @functools.wraps(event)
    def guarded(*args, **kwargs):
        try:
            return event(*args, **kwargs)
        except Exception as error:
            if isinstance(error, PluginError):
                raise
            message = _message(error).replace("internal error in the notice pages (",
                                              f"internal error in the notice pages ({event.__name__}: ", 1)
            raise PluginError(message) from None
    return guarded


def on_startup(command, dirty):
    global _dirty
    _dirty = dirty


@_author_errors
@timings.timed("hooks")
def on_config(config):
    global _state
    if _is_language_rebuild(config) and _state.project is not None:
        return config
    if _dirty and config.strict:
        raise PluginError("--dirty builds only the pages that changed, and MkDocs warns about every such build, "
                          "which strict mode (strict: true in mkdocs.yml) turns into an error: "
                          "add --no-strict, e.g. `mkdocs serve --dirty --no-strict`")
    timings.reset()
    if "attr_list" not in config.markdown_extensions:
        config.markdown_extensions.append("attr_list")  # section anchors: {#controller}
    # Everything that can fail happens here, before MkDocs cleans the site
    # directory: a failed build leaves the last good site as it was.
    try:
        _state = _prepare(config)
    except Exception as error:
        if not (_serving and _state.project is not None):
            _state = _BuildState()
            raise
        print(f"{_message(error)}\nThe notices stay as they were at the last good build; "
              "fix the problems above and save again.", file=sys.stderr, flush=True)
    return config


def _prepare(config) -> _BuildState:
    state = _BuildState()
    config_file = Path(config.config_file_path).resolve()
    state.site = SiteSettings.from_config(
        {"extra": copy.deepcopy(dict(config.extra)), "repo_url": config.repo_url,
         "theme": {"palette": config.theme.get("palette"), "features": config.theme.get("features")}},
        config_file.name, config_file)
    state.project = load_project(config_file.parent, _languages(config), state.site)
    state.pages = plan_pages(state.project)
    for src_uri in state.pages:
        if (Path(config.docs_dir) / src_uri).exists():
            raise PluginError(_clash(src_uri))
    state.markdown = render_pages(state.project, state.pages, config.use_directory_urls)
    state.dates = _last_changed(state.project, state.pages)
    return state


def _clash(src_uri: str) -> str:
    return f"docs/{src_uri} exists, but this page is generated from the registers; rename or remove the hand-written file"


def _last_changed(project, pages: dict) -> dict:
    """src_uri -> the date its data last changed: a notice its register's last
    version, the index the newest of them, the cookie notice its inventory."""
    by_id = {r.id: r.last_updated for r in project.catalogue.registers}
    newest = max(by_id.values(), default="")
    inventory = project.inventory.data.get("updated", "") if project.inventory is not None else ""
    return {src_uri: inventory if page.cookies else by_id.get(page.register_id, newest)
            for src_uri, page in pages.items()}


@event_priority(50)  # before mkdocs-static-i18n (-100) sorts files by language
@_author_errors
@timings.timed("hooks")
def on_files(files, config):
    for src_uri in _state.pages:
        if files.get_file_from_path(src_uri) is not None:
            raise PluginError(_clash(src_uri))
        files.append(File(src_uri, config.docs_dir, config.site_dir, config.use_directory_urls,
                          inclusion=InclusionLevel.NOT_IN_NAV if "/index" not in src_uri else InclusionLevel.UNDEFINED))
    return files


@_author_errors
@timings.timed("hooks")
def on_nav(nav, config, files):
    # After mkdocs-static-i18n has re-created the File objects: give the
    # generated ones their content before MkDocs reads the pages.
    config_file = Path(config.config_file_path).resolve()
    for file in files.documentation_pages():
        if file.src_uri in _state.markdown:
            file.content_string = _state.markdown[file.src_uri]
            # A `--dirty` build asks whether the page's file changed; it has none,
            # so the answer comes from the files the page is made from.
            file.is_modified = partial(page_outdated, file.abs_dest_path, _state.pages[file.src_uri],
                                       _state.project, config_file)
    _configure_cookies(config, files)
    return nav


def _configure_cookies(config, files) -> None:
    """The consent banner and the footer links in the language this build
    renders. Set here: after mkdocs-static-i18n has set up the build for its
    language (its on_config runs last), before any template is rendered."""
    inventory = _state.project.inventory if _state.project is not None else None
    if inventory is None:
        return
    i18n = config.plugins.get("i18n")
    language = getattr(i18n, "current_language", None) or _state.project.languages.default
    src_uri = next(src for src, page in _state.pages.items() if page.cookies and page.language == language)
    _state.cookies_url = files.get_file_from_path(src_uri).url
    _state.locale = locale = _state.project.locales[language]
    # Pages get a link relative to themselves (on_page_context); the 404 page,
    # built first, uses the site's root path as MkDocs does for its links.
    root = urlsplit(config.site_url or "/").path.rstrip("/") + "/"
    consent = consent_settings(inventory, locale, _state.site, root + _state.cookies_url)
    if consent is not None:
        config.extra["consent"] = consent
    config.extra["cookie_notice"] = {"url": _state.cookies_url, "title": locale("cookies.footer.notice"),
                                     "settings": locale("cookies.footer.settings")}


@_author_errors
def on_pre_page(page, config, files):
    # The sitemap's <lastmod>: the notice's own last update, not the day of the
    # build, so that two builds of the same data are identical.
    if _state.dates.get(page.file.src_uri):
        page.update_date = _state.dates[page.file.src_uri]
    return page


@_author_errors
def on_page_context(context, page, config, nav):
    # mkdocs-material writes `page.title | striptags` into <title>, and striptags
    # turns the escaped `&lt;script&gt;` of a register name back into markup.
    # page.meta.title is written as it is: give it the escaped title.
    # Only where striptags could change it: a title with an entity. (A page
    # with meta makes the theme render more, so the others are left alone.)
    if page.file.src_uri in _state.pages and page.title and "&" in page.title:
        page.meta["title"] = page.title
    # The banner's link to the cookie notice, relative to this page.
    if _state.cookies_url is not None and isinstance(config.extra.get("consent"), dict):
        config.extra["consent"]["description"] = banner_description(
            _state.project.inventory, _state.locale, get_relative_url(_state.cookies_url, page.url))
    return context


@_author_errors
def on_page_content(html, page, config, files):
    # Tables that read well in a screen reader and on a phone, and, on paper,
    # the address the page is published at (hooks/html_a11y.py).
    return html_a11y.mark_links_showing_their_address(html_a11y.improve_tables(html))


@_author_errors
def on_post_page(output, page, config):
    # After the search plugin has taken the page's text: the address line is for paper only.
    if _state.project is not None:
        i18n = config.plugins.get("i18n")
        language = getattr(i18n, "current_language", None) or _state.project.languages.default
        locale = _state.project.locales.get(language)
        if locale is not None:
            address = page.canonical_url or "/" + page.url
            output = html_a11y.print_address(output, locale("print.address"), address)
    return output


def on_post_build(config):
    if os.environ.get(timings.ENV_VAR):  # the benchmark asks (bench/build_scale.py)
        timings.write(Path(os.environ[timings.ENV_VAR]), imports=_IMPORT_SECONDS)


def on_serve(server, config, builder):
    global _serving
    _serving = True
    # `mkdocs serve` watches docs/ and mkdocs.yml; the registers and the
    # standard texts are sources of the site too.
    root = Path(config.config_file_path).resolve().parent
    for folder in (root / "registers", Path(__file__).resolve().parent / "locales"):
        if folder.is_dir():
            server.watch(str(folder))
    return server
