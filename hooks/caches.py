"""The results that pure text functions remember (by their exact input), and
how a one-off build lets them go.

While the pages are rendered they save repeating work; once a one-off build
has its pages' Markdown, they only hold the registers' texts in memory that
MkDocs could use for the pages. `mkdocs serve` keeps them: the next rebuild
reuses them."""
from __future__ import annotations

from . import archive, history, notice_diff, rules, safe_markdown, site_pages

_REMEMBERING = (
    safe_markdown.to_html, safe_markdown._convert, safe_markdown.too_complex, safe_markdown.escape,
    safe_markdown.escape_markdown_line, rules._text_problems, notice_diff.sections_of, site_pages.relative_url,
)


def release() -> None:
    """Forget every remembered text result, the history read from git and the
    earlier versions checked."""
    for function in _REMEMBERING:
        function.cache_clear()
    history.clear_cache()
    archive.clear_cache()


def remembered() -> int:
    """How many results are remembered now (for the tests)."""
    held = sum(function.cache_info().currsize for function in _REMEMBERING)
    return held + len(history._cache) + len(archive._validated_texts)
