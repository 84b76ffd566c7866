"""Which pages the registers add to the site, named the way
mkdocs-static-i18n expects (`x.md` for the default language, `x.<lang>.md`
for the others), and their Markdown."""
from __future__ import annotations

import posixpath
from functools import lru_cache
from dataclasses import dataclass, field

from . import archive as versions
from .cookie_markdown import render_cookie_page
from .notice_markdown import notice_body, render_index, with_links
from . import addresses
from .problems import ProblemsFound, internal_error
from .project import Project
from .timings import timed
from . import translations

NOTICES_DIR = "notices"
COOKIES_PAGE = "cookies"  # the cookie notice: cookies/ and en/cookies/
FEED = f"{NOTICES_DIR}/feed.xml"  # the Atom feed of notice changes, per language (not a page)


@dataclass(frozen=True)
class GeneratedPage:
    src_uri: str
    language: str
    register_id: str | None = None  # None: the index of all notices (unless `cookies`)
    cookies: bool = False  # the cookie notice
    version: str | None = None  # an earlier (or announced) version's page: notices/<id>/<date>/
    changes: bool = False  # with `version`: what changed in it, notices/<id>/<date>/changes/


class _Planned(dict):
    """Pages by src_uri. A page planned for a src_uri that is taken (a register
    named `index`) is kept aside, for check_addresses to report, instead of
    silently replacing the first."""

    def __init__(self):
        super().__init__()
        self.displaced: list = []

    def __setitem__(self, src_uri, page):
        if src_uri in self:
            self.displaced.append(page)
        else:
            super().__setitem__(src_uri, page)


def plan_pages(project: Project) -> dict[str, GeneratedPage]:
    pages = _Planned()
    languages = project.languages
    for language in languages.built:
        suffix = languages.page_suffix(language)
        index = GeneratedPage(f"{NOTICES_DIR}/index{suffix}.md", language)
        pages[index.src_uri] = index
        for register in project.catalogue.registers:
            if not translations.published(register.data, language):
                continue  # `translation_pending: {<language>: not-published}`: the index links to the source
            page = GeneratedPage(f"{NOTICES_DIR}/{register.id}{suffix}.md", language, register.id)
            pages[page.src_uri] = page
            pages.update(_version_pages(project, register.id, language, suffix))
        if project.inventory is not None:
            page = GeneratedPage(f"{COOKIES_PAGE}{suffix}.md", language, cookies=True)
            pages[page.src_uri] = page
    return pages


def _version_pages(project: Project, register_id: str, language: str, suffix: str) -> dict:
    """A page per version whose text is online, and one of its changes (with an archive)."""
    pages = {}
    if project.archive is None:
        return pages
    # Oldest first: the order MkDocs gives files it finds in docs/ (by name).
    for version in reversed(project.archive.timelines[register_id].versions):
        if version.register is None:
            continue
        for changes, path in ((False, versions.version_path), (True, versions.changes_path)):
            page = GeneratedPage(f"{path(register_id, version.date)}{suffix}.md", language, register_id,
                                 version=version.date, changes=changes)
            pages[page.src_uri] = page
    return pages


def page_url(path: str, use_directory_urls: bool = True) -> str:
    """The URL of a page (path without `.md`, within one language), as MkDocs makes it."""
    if path == "index" or path.endswith("/index"):
        folder = path[: -len("index")]
        return folder if use_directory_urls else folder + "index.html"
    return path + "/" if use_directory_urls else path + ".html"


@lru_cache(maxsize=8192)  # every notice links the same few pages (posixpath.relpath asks for the cwd)
def relative_url(target: str, source: str) -> str:
    """The link from the page at URL `source` to the page at URL `target`."""
    here = source if source.endswith("/") else posixpath.dirname(source)
    link = posixpath.relpath(target or ".", here or ".")
    return link + "/" if target.endswith("/") and link != "." else ("./" if link == "." else link)


@dataclass
class Renders:
    """What the pages rendered together share, dropped with them (a build keeps
    only the pages' Markdown): each version's notice_body (the permanent address
    shows the version in force too), the sections one version has in common with
    another, and each version page's Markdown (changes pages compare it)."""
    bodies: dict = field(default_factory=dict)  # (register id, date, language) -> notice_body
    versions: dict = field(default_factory=dict)  # (register id, date, language, use_directory_urls) -> Markdown
    sections: dict = field(default_factory=dict)  # (register id, language) -> notice_body's sections_seen


@timed("render")
def page_markdown(page: GeneratedPage, project: Project, use_directory_urls: bool = True,
                  renders: Renders | None = None) -> str:
    locale = project.locales[page.language]
    if page.cookies:
        here = page_url(COOKIES_PAGE, use_directory_urls)
        visitors = [(r.data["name"][page.language], _notice_link(project, r, page.language, here, use_directory_urls))
                    for r in project.catalogue.registers if covers_visitors(r.data)]
        return render_cookie_page(project.inventory, locale, visitors, bool(project.inventory.consent_categories()))
    if page.register_id is None:
        def notice_url(register_id: str) -> str:
            return f"{register_id}/" if use_directory_urls else f"{register_id}.html"
        here = _in_language(project, page.language, page_url(f"{NOTICES_DIR}/index", use_directory_urls))
        return render_index(project.catalogue, locale, notice_url, lambda register_id: relative_url(
            page_url(f"{NOTICES_DIR}/{register_id}", use_directory_urls), here))
    if project.archive is not None:
        return _notice_with_versions(page, project, use_directory_urls, renders or Renders())
    register = project.catalogue.by_id[page.register_id]
    return _render_at(register, f"{NOTICES_DIR}/{register.id}", project, page.language, use_directory_urls)


def _in_language(project: Project, language: str, url: str) -> str:
    """A page's URL from the site root: a language other than the default one has its folder."""
    return project.languages.url_prefix(language) + url


def _notice_link(project: Project, register, language: str, here: str, use_directory_urls: bool) -> str:
    """The link from the page at URL `here` (in `language`) to a register's
    notice: in the source language where it is not published in this one."""
    target = page_url(f"{NOTICES_DIR}/{register.id}", use_directory_urls)
    if translations.published(register.data, language):
        return relative_url(target, here)
    return relative_url(target, _in_language(project, language, here))


def covers_visitors(data: dict) -> bool:
    """`website_visitors: true`, or a list of the websites the register covers."""
    return data.get("website_visitors") is True or isinstance(data.get("website_visitors"), list)


def _website_links(data: dict, project: Project, locale, cookies_url: str | None) -> list:
    """(name, URL) of each website a `website_visitors` list names: its section of the cookie notice."""
    named = data.get("website_visitors")
    if not isinstance(named, list) or cookies_url is None:
        return []
    websites = {w["id"]: w["name"] for w in project.inventory.websites}
    links = []
    for wid in named:
        if wid != "this-site" and wid not in websites:
            continue  # an earlier version's website the cookie notice no longer describes
        name = locale("cookies.websites.this_site") if wid == "this-site" else websites[wid]
        links.append((name[locale.code] if isinstance(name, dict) else name, f"{cookies_url}#{wid}"))
    return links


def _linker(path: str, use_directory_urls: bool):
    """Links from the page at `path` to other pages of its language."""
    here = page_url(path, use_directory_urls)
    return lambda target: relative_url(page_url(target, use_directory_urls), here)


def _render_at(register, path: str, project: Project, language: str, use_directory_urls: bool,
               body: tuple | None = None) -> str:
    """The notice on the page at `path`; `body`: its notice_body, if already rendered."""
    link = _linker(path, use_directory_urls)
    cookies_url = link(COOKIES_PAGE) if project.inventory is not None else None
    locale = project.locales[language]
    return with_links(body if body is not None else notice_body(register, locale), locale,
                      link(f"{NOTICES_DIR}/index"), cookies_url,
                      _website_links(register.data, project, locale, cookies_url))


def _version_body(project: Project, register_id: str, date: str, language: str, renders: Renders) -> tuple:
    """A version's notice without its links, rendered once for its own page and,
    for the version in force, the notice's permanent address."""
    key = (register_id, date, language)
    bodies = renders.bodies
    if key not in bodies:
        version = project.archive.timelines[register_id].version(date)
        seen = renders.sections.setdefault((register_id, language), {})
        bodies[key] = notice_body(version.register, project.locales[language], seen)
    return bodies[key]


def _version_markdown(project: Project, register_id: str, date: str, language: str, use_directory_urls: bool,
                      renders: Renders) -> str:
    """A version's notice as on its own page (rendered once, used by its changes page too)."""
    key = (register_id, date, language, use_directory_urls)
    cache = renders.versions
    if key not in cache:
        version = project.archive.timelines[register_id].version(date)
        cache[key] = _render_at(version.register, versions.version_path(register_id, date), project, language,
                                use_directory_urls, _version_body(project, register_id, date, language, renders))
    return cache[key]


def _notice_with_versions(page: GeneratedPage, project: Project, use_directory_urls: bool, renders: Renders) -> str:
    locale = project.locales[page.language]
    timeline = project.archive.timelines[page.register_id]
    if page.version is None:  # the permanent address: the version in force
        path = f"{NOTICES_DIR}/{page.register_id}"
        link = _linker(path, use_directory_urls)
        rendered = _render_at(timeline.current.register, path, project, page.language, use_directory_urls,
                              _version_body(project, page.register_id, timeline.in_force, page.language, renders))
        feed = relative_url(FEED, page_url(path, use_directory_urls))
        return versions.current_page(timeline, locale, rendered, link, feed)
    version = timeline.version(page.version)
    rendered = _version_markdown(project, page.register_id, version.date, page.language, use_directory_urls, renders)
    if not page.changes:
        return versions.version_page(timeline, version, locale, rendered,
                                     _linker(versions.version_path(page.register_id, version.date), use_directory_urls))
    previous = timeline.previous(version.date)
    before = None
    if previous is not None and previous.register is not None:
        before = _version_markdown(project, page.register_id, previous.date, page.language, use_directory_urls,
                                   renders)
    link = _linker(versions.changes_path(page.register_id, version.date), use_directory_urls)
    return versions.changes_page(timeline, version, locale, rendered, before, link)


def render_pages(project: Project, pages: dict, use_directory_urls: bool = True) -> dict[str, str]:
    """The Markdown of every planned page, rendered before anything is written,
    so a failure stops the build while the last good site is still in place.
    Raises ProblemsFound naming the register whose page failed."""
    rendered, problems, renders, group = {}, [], Renders(), None
    for src_uri, page in pages.items():
        if (page.register_id, page.language) != group:
            # The plan lists a register's pages in a language together: what
            # they share is dropped after them, so a build holds one notice's
            # renders at a time, not the whole catalogue's.
            group, renders = (page.register_id, page.language), Renders()
        try:
            rendered[src_uri] = page_markdown(page, project, use_directory_urls, renders)
        except Exception as error:
            file = next((r.file for r in project.catalogue.registers if r.id == page.register_id), "registers/")
            problems.append(internal_error(file, f"rendering the {page.language} page {src_uri}", error))
    if problems:
        raise ProblemsFound(problems)
    return rendered


def _describe(page: GeneratedPage, project: Project) -> tuple[str, str]:
    """(the file a generated page comes from, what it is, for messages)."""
    if page.cookies:
        return project.inventory.file, "the cookie notice"
    if page.register_id is None:
        return "registers/", "the list of all notices"
    register = project.catalogue.by_id.get(page.register_id)
    file = register.file if register is not None else f"registers/{page.register_id}.yml"
    return file, f"the notice of register '{page.register_id}'"


def check_addresses(project: Project, pages: dict, hand_written: list[str] = (), use_directory_urls: bool = True,
                    docs_shown: str = "docs") -> None:
    """Raise ProblemsFound if two pages would be published at the same address:
    generated ones among themselves, or a generated and a hand-written one."""
    planned = [(src_uri, page) for src_uri, page in pages.items()]
    planned += [(page.src_uri, page) for page in getattr(pages, "displaced", [])]
    generated = [(src_uri, *_describe(page, project)) for src_uri, page in planned]
    problems = addresses.clashes(generated, list(hand_written), project.languages, use_directory_urls, docs_shown)
    if problems:
        raise ProblemsFound(problems)
