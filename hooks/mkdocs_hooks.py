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
import json
import logging
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

from hooks import caches, memo, summary, timings  # noqa: E402
from hooks.archive import atom_feed, build_archive  # noqa: E402
from hooks.history import read_history  # noqa: E402
from hooks.freshness import BuiltPage, PreviewCache, fingerprint, page_outdated, site_key  # noqa: E402
from hooks import html_a11y, html_blocks  # noqa: E402
from hooks.cookies import SiteSettings, banner_description, consent_settings  # noqa: E402
from hooks.languages import Languages  # noqa: E402
from hooks.problems import ProblemsFound  # noqa: E402
from hooks.project import load_project, read_mkdocs_yml  # noqa: E402
from hooks.site_languages import missing_language_settings  # noqa: E402
from hooks.site_pages import FEED, check_addresses, plan_pages, render_pages  # noqa: E402
from hooks import addresses, csp, dates  # noqa: E402


_IMPORT_SECONDS = time.perf_counter() - _IMPORT_STARTED
# Under `mkdocs`, so that MkDocs shows these warnings and strict mode counts them.
_log = logging.getLogger("mkdocs.hooks.notices")


class _BuildState:
    ready = False  # on_config has prepared this build's pages
    # The registers and their history: kept only while serving and in --dirty
    # builds, whose freshness checks read them; a one-off build lets them go
    # once its pages are rendered, and MkDocs builds the pages in that memory.
    project = None
    languages = None
    locales: dict = {}  # language code -> Locale
    inventory = None  # the cookie inventory, for the consent banner
    feeds: dict = {}  # path under the site -> Atom feed, written after the site directory is cleaned
    summary: list = []  # the lines logged after the last language
    pages: dict = {}
    markdown: dict = {}  # src_uri -> rendered Markdown
    dates: dict = {}  # src_uri -> ISO date the page last changed, from the data
    site: SiteSettings | None = None  # mkdocs.yml as written, before the per-language settings below
    cookies_url: str | None = None  # the cookie notice in the language being built
    locale = None
    languages_done = 0  # counted by on_post_build: the summary follows the last language


class _PreviewState:
    """Per rebuild while serving: the generated pages whose kept output is
    written again (dest_uri -> BuiltPage), and the keys and search entries of
    the pages rendered anew."""
    def __init__(self):
        self.reused: dict = {}
        self.keys: dict = {}
        self.entries: dict = {}


_state = _BuildState()
_summary_log = logging.getLogger("mkdocs.hooks.summary")
# Set by on_serve. While serving, a rebuild with a broken register keeps the
# last good notices and shows the problems in the terminal: a failed build
# would leave `mkdocs serve` stuck, answering no request until it is fixed.
_serving = False
# Set by on_startup: `--dirty` builds only pages older than their sources.
_dirty = False
# Set by on_startup: `mkdocs serve` injects its own inline live-reload script,
# which a Content-Security-Policy would block; the policy is for built sites.
_csp = True
# Set by on_startup for `mkdocs serve`: the generated pages of the last build
# (see freshness.PreviewCache), and a count of warnings, since a page whose
# build warned must be built again (strict mode fails on it).
_preview: PreviewCache | None = None
_rebuild = _PreviewState()
_REUSED_TEMPLATE = "notices-preview-reused.html"
# A reused page needs no Markdown, no template and no search indexing.
_REUSED_SOURCE = f"---\ntemplate: {_REUSED_TEMPLATE}\nsearch:\n  exclude: true\n---\n"


class _WarningCount(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record):
        self.count += 1


_warnings = _WarningCount()


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
    global _dirty, _csp, _preview
    _dirty = dirty
    _csp = command != "serve"
    if command == "serve" and not dirty:
        _preview = PreviewCache()
        logging.getLogger("mkdocs").addHandler(_warnings)
        memo.enable()


def _with_policy(html: str, config) -> str:
    return csp.add_policy(html, config.extra.get("analytics")) if _csp else html


@_author_errors
@timings.timed("pages")
def on_post_template(output_content, template_name, config):
    # 404.html; other templates (sitemap.xml) have no <head> and stay as they are.
    return _with_policy(output_content, config) if template_name.endswith(".html") else output_content


@_author_errors
@timings.timed("hooks")
def on_config(config):
    global _state
    if _is_language_rebuild(config) and _state.ready:
        return config
    _start_preview_rebuild()
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
        if not (_serving and _state.ready):
            _state = _BuildState()
            raise
        print(f"{_message(error)}\nThe notices stay as they were at the last good build; "
              "fix the problems above and save again.", file=sys.stderr, flush=True)
    return config


def _prepare(config) -> _BuildState:
    state = _BuildState()
    config_file = Path(config.config_file_path).resolve()
    if not config.site_url:
        # Without it the sitemap has `None` in every address and the theme
        # links a sitemap that does not exist.
        raise PluginError(f"{config_file.name}: site_url is not set: give the address the site is published at, "
                          "e.g. `site_url: https://tietosuoja.example.fi/`; the sitemap and the language "
                          "links are made from it")
    for message in missing_language_settings(read_mkdocs_yml(config_file)):
        _log.warning(message)
    state.site = SiteSettings.from_config(
        {"extra": copy.deepcopy(dict(config.extra)), "repo_url": config.repo_url,
         "theme": {"palette": config.theme.get("palette"), "features": config.theme.get("features")}},
        config_file.name, config_file)
    state.project = load_project(config_file.parent, _languages(config), state.site)
    history = read_history(config_file.parent)
    state.project.archive = _archive(state.project, history)
    state.pages = plan_pages(state.project)
    # Every address clash with a hand-written page, whatever its source path
    # (docs/notices.md, docs/notices/index.md), as `python -m hooks check` reports it.
    docs_dir = Path(config.docs_dir)
    check_addresses(state.project, state.pages, addresses.hand_written(docs_dir) if docs_dir.is_dir() else [],
                    config.use_directory_urls, _shown(docs_dir, config_file.parent))
    state.markdown = render_pages(state.project, state.pages, config.use_directory_urls)
    state.dates = _last_changed(state.project, state.pages)
    project = state.project
    state.languages, state.locales, state.inventory = project.languages, project.locales, project.inventory
    state.feeds = _feeds(project, config.site_url)
    # git history only for a one-off build: `mkdocs serve` rebuilds on every save
    state.summary = summary.summary_lines(project, None if _serving else config_file.parent, history)
    if not (_serving or _dirty):
        state.project = None
        caches.release()
    state.ready = True
    return state


def _shown(folder: Path, root: Path) -> str:
    folder = folder.resolve()
    return folder.relative_to(root).as_posix() if folder.is_relative_to(root) else folder.as_posix()


def _archive(project, history):
    """Every version of every notice (the history is read from git once per commit)."""
    archive = build_archive(project.catalogue, history)
    for warning in archive.warnings:
        _log.warning(warning)
    for note in archive.notes:
        _log.info(note)
    return archive


def _feeds(project, site_url: str | None) -> dict:
    """The Atom feed of notice changes in every language: path under the site -> text."""
    if project.archive is None:
        return {}
    site_url = (site_url or "").rstrip("/")
    feeds = {}
    for language in project.languages.built:
        prefix = project.languages.url_prefix(language)
        base = f"{site_url}/{prefix}" if site_url else ""
        feed_url = base + FEED if base else "feed.xml"
        feeds[prefix + FEED] = atom_feed(project.archive, project.catalogue, project.locales[language], base, feed_url)
    return feeds


def _write_feeds(config) -> None:
    """The feeds (not pages: written beside them)."""
    for name, text in _state.feeds.items():
        path = Path(config.site_dir) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _clash(src_uri: str) -> str:
    return f"docs/{src_uri} exists, but this page is generated from the registers; rename or remove the hand-written file"


def _last_changed(project, pages: dict) -> dict:
    """src_uri -> the date its data last changed: a notice its register's last
    version, the index the newest of them, the cookie notice its inventory."""
    by_id = {r.id: r.last_updated for r in project.catalogue.registers}
    newest = max(by_id.values(), default="")
    inventory = project.inventory.data.get("updated", "") if project.inventory is not None else ""
    return {src_uri: inventory if page.cookies else page.version or by_id.get(page.register_id, newest)
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
            if _state.project is not None:
                # A `--dirty` build asks whether the page's file changed; it has none,
                # so the answer comes from the files the page is made from.
                file.is_modified = partial(page_outdated, file.abs_dest_path, _state.pages[file.src_uri],
                                           _state.project, config_file)
    _configure_cookies(config, files)
    _plan_reuse(config, files)
    return nav


def _build_language(config) -> str | None:
    """The language this build renders: mkdocs-static-i18n runs a build per language."""
    return getattr(config.plugins.get("i18n"), "current_language", None)


def _configure_cookies(config, files) -> None:
    """The consent banner and the footer links in the language this build
    renders. Set here: after mkdocs-static-i18n has set up the build for its
    language (its on_config runs last), before any template is rendered."""
    inventory = _state.inventory
    if inventory is None:
        return
    language = _build_language(config) or _state.languages.default
    src_uri = next(src for src, page in _state.pages.items() if page.cookies and page.language == language)
    _state.cookies_url = files.get_file_from_path(src_uri).url
    _state.locale = locale = _state.locales[language]
    # Pages get a link relative to themselves (on_page_context); the 404 page,
    # built first, uses the site's root path as MkDocs does for its links.
    root = urlsplit(config.site_url or "/").path.rstrip("/") + "/"
    consent = consent_settings(inventory, locale, _state.site, root + _state.cookies_url)
    if consent is not None:
        config.extra["consent"] = consent
    config.extra["cookie_notice"] = {"url": _state.cookies_url, "title": locale("cookies.footer.notice"),
                                     "settings": locale("cookies.footer.settings")}


@_author_errors
@timings.timed("pages")
def on_pre_page(page, config, files):
    # The sitemap's <lastmod>: the notice's own last update, not the day of the
    # build, so that two builds of the same data are identical.
    # Only a date MkDocs can write into the sitemap's gzip header: validation
    # bounds every date, and this runs after the site directory was cleaned.
    if dates.sitemap_date(_state.dates.get(page.file.src_uri)):
        page.update_date = _state.dates[page.file.src_uri]
    return page


@_author_errors
@timings.timed("pages")
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
            _state.inventory, _state.locale, get_relative_url(_state.cookies_url, page.url))
    _search_entries_of(page, config)
    return context


def _print_address(output: str, page, config) -> str:
    """After the search plugin has taken the page's text: the address line is for paper only."""
    if _state.ready:
        locale = _state.locales.get(_build_language(config) or _state.languages.default)
        if locale is not None:
            address = page.canonical_url or "/" + page.url
            output = html_a11y.print_address(output, locale("print.address"), address)
    return output


@_author_errors
def on_post_build(config):
    if _preview is not None:
        _preview.commit(clean=_warnings.count == 0)
    _state.languages_done += 1
    if _state.ready and _state.languages_done == len(_state.languages.built):
        for line in _state.summary:
            _summary_log.info(line)
    if not _is_language_rebuild(config):
        _write_feeds(config)
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


# ---------------------------------------------------------------------------
# The serve path: while `mkdocs serve` runs, a rebuild renders only the
# generated pages whose inputs changed (freshness.PreviewCache); the others
# get their output from the last build. Every language build does this on its
# own pages, and the search index, sitemap and anchor checks still see every page.


def _start_preview_rebuild() -> None:
    global _rebuild
    _rebuild = _PreviewState()
    _warnings.count = 0
    memo.new_build()


def _search_plugin(config):
    for name in ("material/search", "search"):
        plugin = config.plugins.get(name)
        if plugin is not None and hasattr(getattr(plugin, "search_index", None), "entries"):
            return plugin
    return None


def _plan_reuse(config, files) -> None:
    """Give each generated page whose output is kept a source that renders
    nothing (its kept output is written in on_post_page)."""
    if _preview is None or _search_plugin(config) is None:
        return
    language = _build_language(config) or ""
    settings = json.dumps(dict(config.extra), sort_keys=True, default=str)
    custom_dir = config.theme.custom_dir
    site = site_key(Path(config.config_file_path).resolve(), Path(config.docs_dir),
                    Path(custom_dir) if custom_dir else None, settings, language)
    for file in files.documentation_pages():
        markdown = _state.markdown.get(file.src_uri)
        if markdown is None:
            continue
        key = fingerprint(site, file.src_uri, markdown, _state.dates.get(file.src_uri, ""))
        _rebuild.keys[file.dest_uri] = key
        kept = _preview.get(file.dest_uri, key)
        if kept is not None:
            _rebuild.reused[file.dest_uri] = kept
            file.content_string = _REUSED_SOURCE


def on_env(env, config, files):
    if _preview is None:
        return env
    import jinja2
    if _rebuild.reused:
        env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({_REUSED_TEMPLATE: ""}), env.loader])
    # MkDocs makes a new template environment for every build, which compiles
    # the theme's templates again; compiled code is looked up by the
    # template's own text, so an edited template is compiled anew.
    global _compiled
    if _compiled is None:
        class _Compiled(jinja2.BytecodeCache):
            def __init__(self):
                self.code = {}

            def load_bytecode(self, bucket):
                if bucket.key in self.code:
                    bucket.bytecode_from_string(self.code[bucket.key])

            def dump_bytecode(self, bucket):
                self.code[bucket.key] = bucket.bytecode_to_string()
        _compiled = _Compiled()
    env.bytecode_cache = _compiled
    return env


_compiled = None  # the Jinja bytecode cache while serving


# A generated page's HTML blocks, set aside from its Markdown until it is converted.
_asides: dict = {}  # src_uri -> html_blocks.Aside


@event_priority(-100)  # last: other plugins see the page's Markdown as written
@timings.timed("pages")
def on_page_markdown(markdown, page, config, files):
    # Python-Markdown would only pass the renderers' HTML blocks through, after
    # parsing them in pure Python: most of a notice's conversion time.
    _asides.pop(page.file.src_uri, None)
    if page.file.src_uri in _state.pages:
        aside = html_blocks.set_aside(markdown)
        if aside is not None:
            _asides[page.file.src_uri] = aside
            return aside.markdown
    return markdown


@event_priority(100)  # first: other plugins see the page's whole HTML
@_author_errors
@timings.timed("pages")
def on_page_content(html, page, config, files):
    aside = _asides.pop(page.file.src_uri, None)
    if aside is not None:
        html = html_blocks.put_back(html, aside)
        page.markdown = aside.original  # for whatever reads the page's source later
        page.present_anchor_ids = (page.present_anchor_ids or set()) | html_blocks.anchor_ids(aside)
    kept = _rebuild.reused.get(page.file.dest_uri)
    if kept is not None:
        # what other pages' anchor links are checked against, and the title
        page.present_anchor_ids = set(kept.anchors)
        if kept.title is not None:
            page.meta["title"] = kept.title
    # Tables that read well in a screen reader and on a phone, and, on paper,
    # the address the page is published at (hooks/html_a11y.py). Generated
    # pages have their tables labelled by the renderers.
    if page.file.src_uri not in _state.pages:
        html = html_a11y.improve_tables(html)
    return html_a11y.mark_links_showing_their_address(html)


def _search_entries_of(page, config) -> None:
    """A reused page's search entries go back into the index in its place; a
    page rendered anew has just been indexed: keep its entries."""
    dest = page.file.dest_uri
    if dest not in _rebuild.keys:
        return
    entries = _search_plugin(config).search_index.entries
    kept = _rebuild.reused.get(dest)
    if kept is not None:
        entries.extend(dict(entry) for entry in kept.search_entries)
        return
    own = []
    for entry in reversed(entries):
        if str(entry.get("location", "")).split("#")[0] != page.url:
            break
        own.append(copy.deepcopy(entry))
    _rebuild.entries[dest] = tuple(reversed(own))


@event_priority(-110)  # last: keep and write the page exactly as written to disk
@_author_errors
@timings.timed("pages")
def on_post_page(output, page, config):
    dest = page.file.dest_uri
    kept = _rebuild.reused.get(dest)
    if kept is not None:
        return kept.html
    output = _with_policy(_print_address(output, page, config), config)  # the policy: a built site only
    if dest in _rebuild.keys and dest in _rebuild.entries and _preview is not None:
        _preview.put(dest, BuiltPage(_rebuild.keys[dest], output, _rebuild.entries[dest],
                                     frozenset(page.present_anchor_ids or ()), page.title))
    return output
