"""Which pages the registers add to the site, named the way
mkdocs-static-i18n expects (`x.md` for the default language, `x.<lang>.md`
for the others), and their Markdown."""
from __future__ import annotations

from dataclasses import dataclass

from .notice_markdown import render_index, render_notice
from .project import Project
from .timings import timed

NOTICES_DIR = "notices"


@dataclass(frozen=True)
class GeneratedPage:
    src_uri: str
    language: str
    register_id: str | None = None  # None: the index of all notices


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
    return pages


@timed("render")
def page_markdown(page: GeneratedPage, project: Project, use_directory_urls: bool = True) -> str:
    locale = project.locales[page.language]
    if page.register_id is None:
        def notice_url(register_id: str) -> str:
            return f"{register_id}/" if use_directory_urls else f"{register_id}.html"
        return render_index(project.catalogue, locale, notice_url)
    register = project.catalogue.by_id[page.register_id]
    return render_notice(register, locale, "../" if use_directory_urls else "index.html")
