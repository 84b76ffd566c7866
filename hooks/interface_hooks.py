"""MkDocs glue for the interface around the pages, in each page's language:
the heading anchors' title (toc's "Permanent link"), the footer's credit
line (overrides/partials/copyright.html), one 404 page, and language links
that work under a sub-path. The texts come from hooks/locales/.

Kept apart from mkdocs_hooks.py (the notices) so that a site built without
the notices, such as the benchmark's floor, has the same interface.
"""
from __future__ import annotations

import sys
from urllib.parse import urlsplit
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from hooks.locales import load_locales  # noqa: E402
from hooks.problems import ProblemsFound  # noqa: E402

# Whether a language build other than the default one took the 404 page out
# of the theme's templates (the theme object lives on between builds).
_removed_404 = False


def _languages(config) -> tuple[str, str]:
    """(the language this build renders, the site's default language)."""
    i18n = config.plugins.get("i18n")
    if i18n is None:
        language = config.theme.get("language") or "fi"
        return language, language
    default = next((lang.locale for lang in i18n.config.languages if lang.default), i18n.config.languages[0].locale)
    return getattr(i18n, "current_language", None) or default, default


def on_nav(nav, config, files):
    # After mkdocs-static-i18n has set up the build for its language, before
    # any page or template is rendered.
    language, default = _languages(config)
    try:
        locale = load_locales((language,))[language]
    except ProblemsFound:
        return nav  # the notices hook reports the locale files' problems
    toc = config.mdx_configs.get("toc")
    if isinstance(toc, dict) and toc.get("permalink"):
        toc["permalink_title"] = locale("interface.permalink_title")
    before, _, after = locale("interface.made_with").partition("{link}")
    config.extra["made_with"] = {"before": before, "after": after}
    _one_404_page(config, language == default)
    return nav


def _one_404_page(config, default_language: bool) -> None:
    """mkdocs-static-i18n builds every language into the same site folder, so
    each language would write the site's one 404.html over the previous one,
    leaving it in the last language. Only the default language writes it."""
    global _removed_404
    templates = config.theme.static_templates
    if default_language and _removed_404:
        templates.add("404.html")
        _removed_404 = False
    elif not default_language and "404.html" in templates:
        templates.discard("404.html")
        _removed_404 = True


def on_page_context(context, page, config, nav):
    # After mkdocs-static-i18n's own (priority 50) has set the links.
    _relative_language_links(config, page)
    return context


def _relative_language_links(config, page) -> None:
    """mkdocs-static-i18n links a home page's translations root-absolute
    (`/`, `/en/`), which breaks a site published under a sub-path: link
    them relative to the page, as it does for every other page."""
    alternates = getattr(page.file, "alternates", None) or {}
    # The plugin sets `config.extra.alternate` as an attribute, which is what the theme reads.
    for alternate in getattr(config.extra, "alternate", None) or config.extra.get("alternate") or []:
        link, lang = alternate.get("link", ""), alternate.get("lang")
        if link.startswith("/") and lang in alternates:
            alternate["link"] = alternates[lang].url
        elif link.startswith("/"):
            # No such page in that language (a notice not yet published in it,
            # `translation_pending`): that language's home page, relative too.
            root = urlsplit(config.site_url or "/").path or "/"
            alternate["link"] = (link[len(root):] if link.startswith(root) else link.lstrip("/")) or "./"
