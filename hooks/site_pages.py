"""Which pages the registers add to the site, named the way
mkdocs-static-i18n expects (`x.md` for the default language, `x.<lang>.md`
for the others), and their Markdown."""
from __future__ import annotations

import posixpath
from dataclasses import dataclass

from . import archive as versions
from .cookie_markdown import render_cookie_page
from .notice_markdown import render_index, render_notice
from .problems import ProblemsFound, internal_error
from .project import Project
from .timings import timed

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


def plan_pages(project: Project) -> dict[str, GeneratedPage]:
    pages = {}
    languages = project.languages
    for language in languages.built:
        suffix = languages.page_suffix(language)
        index = GeneratedPage(f"{NOTICES_DIR}/index{suffix}.md", language)
        pages[index.src_uri] = index
        for register in project.catalogue.registers:
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


def relative_url(target: str, source: str) -> str:
    """The link from the page at URL `source` to the page at URL `target`."""
    here = source if source.endswith("/") else posixpath.dirname(source)
    link = posixpath.relpath(target or ".", here or ".")
    return link + "/" if target.endswith("/") and link != "." else ("./" if link == "." else link)


@timed("render")
def page_markdown(page: GeneratedPage, project: Project, use_directory_urls: bool = True) -> str:
    locale = project.locales[page.language]
    if page.cookies:
        here = page_url(COOKIES_PAGE, use_directory_urls)
        visitors = [(r.data["name"][page.language],
                     relative_url(page_url(f"{NOTICES_DIR}/{r.id}", use_directory_urls), here))
                    for r in project.catalogue.registers if r.data.get("website_visitors") is True]
        return render_cookie_page(project.inventory, locale, visitors, bool(project.inventory.consent_categories()))
    if page.register_id is None:
        def notice_url(register_id: str) -> str:
            return f"{register_id}/" if use_directory_urls else f"{register_id}.html"
        return render_index(project.catalogue, locale, notice_url)
    register = project.catalogue.by_id[page.register_id]
    if project.archive is not None:
        return _notice_with_versions(page, project, use_directory_urls)
    cookies_url = None
    if project.inventory is not None:
        cookies_url = relative_url(page_url(COOKIES_PAGE, use_directory_urls),
                                   page_url(f"{NOTICES_DIR}/{register.id}", use_directory_urls))
    return render_notice(register, locale, "../" if use_directory_urls else "index.html", cookies_url)


def _linker(path: str, use_directory_urls: bool):
    """Links from the page at `path` to other pages of its language."""
    here = page_url(path, use_directory_urls)
    return lambda target: relative_url(page_url(target, use_directory_urls), here)


def _render_at(register, path: str, project: Project, language: str, use_directory_urls: bool) -> str:
    link = _linker(path, use_directory_urls)
    cookies_url = link(COOKIES_PAGE) if project.inventory is not None else None
    return render_notice(register, project.locales[language], link(f"{NOTICES_DIR}/index"), cookies_url)


def _version_markdown(project: Project, register_id: str, date: str, language: str, use_directory_urls: bool) -> str:
    """A version's notice as on its own page (rendered once, used by its changes page too)."""
    key = (register_id, date, language, use_directory_urls)
    cache = project.archive.rendered
    if key not in cache:
        version = project.archive.timelines[register_id].version(date)
        cache[key] = _render_at(version.register, versions.version_path(register_id, date), project, language,
                                use_directory_urls)
    return cache[key]


def _notice_with_versions(page: GeneratedPage, project: Project, use_directory_urls: bool) -> str:
    locale = project.locales[page.language]
    timeline = project.archive.timelines[page.register_id]
    if page.version is None:  # the permanent address: the version in force
        path = f"{NOTICES_DIR}/{page.register_id}"
        link = _linker(path, use_directory_urls)
        rendered = _render_at(timeline.current.register, path, project, page.language, use_directory_urls)
        feed = relative_url(FEED, page_url(path, use_directory_urls))
        return versions.current_page(timeline, locale, rendered, link, feed)
    version = timeline.version(page.version)
    rendered = _version_markdown(project, page.register_id, version.date, page.language, use_directory_urls)
    if not page.changes:
        return versions.version_page(timeline, version, locale, rendered,
                                     _linker(versions.version_path(page.register_id, version.date), use_directory_urls))
    previous = timeline.previous(version.date)
    before = None
    if previous is not None and previous.register is not None:
        before = _version_markdown(project, page.register_id, previous.date, page.language, use_directory_urls)
    link = _linker(versions.changes_path(page.register_id, version.date), use_directory_urls)
    return versions.changes_page(timeline, version, locale, rendered, before, link)


def render_pages(project: Project, pages: dict, use_directory_urls: bool = True) -> dict[str, str]:
    """The Markdown of every planned page, rendered before anything is written,
    so a failure stops the build while the last good site is still in place.
    Raises ProblemsFound naming the register whose page failed."""
    rendered, problems = {}, []
    for src_uri, page in pages.items():
        try:
            rendered[src_uri] = page_markdown(page, project, use_directory_urls)
        except Exception as error:
            file = next((r.file for r in project.catalogue.registers if r.id == page.register_id), "registers/")
            problems.append(internal_error(file, f"rendering the {page.language} page {src_uri}", error))
    if problems:
        raise ProblemsFound(problems)
    return rendered
