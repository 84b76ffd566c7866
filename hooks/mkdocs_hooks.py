"""MkDocs glue: load and validate the registers once per build, add a notice
page per register and language plus an index, and fill them in.

Thin on purpose: the work is in plain modules of the `hooks` package.
mkdocs-static-i18n runs one MkDocs build per language, and `mkdocs serve`
keeps this module loaded between rebuilds, so the state below is renewed at
the start of each top-level build and reused by the language builds after it.
"""
from __future__ import annotations

import copy
import sys
from pathlib import Path
from urllib.parse import urlsplit

# MkDocs puts only this file's folder on sys.path, and only while it runs:
# import the package by its full name now.
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from mkdocs.exceptions import PluginError  # noqa: E402
from mkdocs.plugins import event_priority  # noqa: E402
from mkdocs.structure.files import File, InclusionLevel  # noqa: E402
from mkdocs.utils import get_relative_url  # noqa: E402

from hooks.cookies import SiteSettings, banner_description, consent_settings  # noqa: E402
from hooks.languages import Languages  # noqa: E402
from hooks.problems import ProblemsFound  # noqa: E402
from hooks.project import load_project  # noqa: E402
from hooks.site_pages import page_markdown, plan_pages  # noqa: E402


class _BuildState:
    project = None
    pages: dict = {}
    markdown: dict = {}  # src_uri -> rendered Markdown, filled as pages are read
    site: SiteSettings | None = None  # mkdocs.yml as written, before the per-language settings below
    cookies_url: str | None = None  # the cookie notice in the language being built
    locale = None


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


def on_config(config):
    if _is_language_rebuild(config) and _state.project is not None:
        return config
    _state.project, _state.pages, _state.markdown, _state.cookies_url = None, {}, {}, None
    config_file = Path(config.config_file_path).resolve()
    _state.site = SiteSettings.from_config(
        {"extra": copy.deepcopy(dict(config.extra)), "repo_url": config.repo_url,
         "theme": {"palette": config.theme.get("palette"), "features": config.theme.get("features")}},
        config_file.name, config_file)
    if "attr_list" not in config.markdown_extensions:
        config.markdown_extensions.append("attr_list")  # section anchors: {#controller}
    # Raised here, before MkDocs cleans the site directory: a failed build
    # leaves the last good site as it was.
    try:
        _state.project = load_project(config_file.parent, _languages(config), _state.site)
    except ProblemsFound as found:
        raise PluginError(found.report()) from None
    _state.pages = plan_pages(_state.project)
    return config


@event_priority(50)  # before mkdocs-static-i18n (-100) sorts files by language
def on_files(files, config):
    for src_uri in _state.pages:
        if files.get_file_from_path(src_uri) is not None:
            raise PluginError(f"docs/{src_uri} exists, but this page is generated from the registers; "
                              "rename or remove the hand-written file")
        files.append(File(src_uri, config.docs_dir, config.site_dir, config.use_directory_urls,
                          inclusion=InclusionLevel.NOT_IN_NAV if "/index" not in src_uri else InclusionLevel.UNDEFINED))
    return files


def on_nav(nav, config, files):
    # After mkdocs-static-i18n has re-created the File objects: give the
    # generated ones their content before MkDocs reads the pages.
    for file in files.documentation_pages():
        page = _state.pages.get(file.src_uri)
        if page is None:
            continue
        if file.src_uri not in _state.markdown:
            _state.markdown[file.src_uri] = page_markdown(page, _state.project, config.use_directory_urls)
        file.content_string = _state.markdown[file.src_uri]
    _configure_cookies(config, files)
    return nav


def _configure_cookies(config, files) -> None:
    """The consent banner and the footer links in the language this build
    renders. Set here: after mkdocs-static-i18n has set up the build for its
    language (its on_config runs last), before any template is rendered."""
    inventory = _state.project.inventory
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


def on_page_context(context, page, config, nav):
    # The banner's link to the cookie notice, relative to this page.
    if _state.cookies_url is not None and isinstance(config.extra.get("consent"), dict):
        config.extra["consent"]["description"] = banner_description(
            _state.project.inventory, _state.locale, get_relative_url(_state.cookies_url, page.url))
    return context


def on_serve(server, config, builder):
    # `mkdocs serve` watches docs/ and mkdocs.yml; the registers and the
    # standard texts are sources of the site too.
    root = Path(config.config_file_path).resolve().parent
    for folder in (root / "registers", Path(__file__).resolve().parent / "locales"):
        if folder.is_dir():
            server.watch(str(folder))
    return server
