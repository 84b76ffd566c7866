"""A Content-Security-Policy for every built page, as a <meta> tag: scripts
run only from the site itself, from the analytics server the site enables
(loaded after consent), or inline when their exact text is listed by hash.
An author's text that slipped markup past the escaping could still not run.

Measured with mkdocs-material 9.7 in Chromium (issue 8): the theme's inline
scripts (storage helpers, palette, consent, analytics) carry no event-handler
attributes, so hashes cover all of them; search (a worker from the site),
the palette toggle and the consent banner work, with no violation reported.
The hashes are taken from each page's final HTML, because the inline scripts
differ between pages and languages."""
from __future__ import annotations

import base64
import hashlib
import re
from functools import lru_cache
from urllib.parse import urlsplit

# Inline scripts the browser runs: no `src`, and no data type such as the theme's
# `<script id="__config" type="application/json">`. A script ends at the first
# `</script>` after its start tag, as in the browser.
_SCRIPT_START = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
_SCRIPT_END = re.compile(r"</script\s*>", re.IGNORECASE)
_DATA_TYPE = re.compile(r"""\btype\s*=\s*["']?(?!text/javascript|module)[a-z]""", re.IGNORECASE)
_HEAD = re.compile(r"<head\b[^>]*>", re.IGNORECASE)
# Where the analytics integrations load their script from (see overrides/partials/integrations/).
DEFAULT_ANALYTICS_ORIGINS = {"google": "https://www.googletagmanager.com", "plausible": "https://plausible.io"}


def inline_script_hashes(html: str) -> list[str]:
    found = []
    start = _SCRIPT_START.search(html)
    while start is not None:
        end = _SCRIPT_END.search(html, start.end())
        if end is None:
            break  # an unclosed script runs nothing
        if not re.search(r"\bsrc\s*=", start.group(1), re.IGNORECASE) and not _DATA_TYPE.search(start.group(1)):
            found.append(_hash(html[start.end():end.start()]))
        start = _SCRIPT_START.search(html, end.end())
    return sorted(set(found))


@lru_cache(maxsize=1024)  # most pages carry the same theme scripts
def _hash(script: str) -> str:
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return f"'sha256-{digest}'"


def analytics_origin(analytics: dict | None) -> str | None:
    """The origin the enabled analytics integration loads its script from."""
    if not isinstance(analytics, dict) or not analytics.get("provider"):
        return None
    url = analytics.get("url") or DEFAULT_ANALYTICS_ORIGINS.get(str(analytics["provider"]))
    parts = urlsplit(str(url)) if url else None
    return f"{parts.scheme}://{parts.netloc}" if parts and parts.scheme == "https" and parts.netloc else None


def policy(html: str, analytics: dict | None = None) -> str:
    sources = ["'self'", *inline_script_hashes(html)]
    origin = analytics_origin(analytics)
    if origin:
        sources.append(origin)
    return f"script-src {' '.join(sources)}; object-src 'none'; base-uri 'self'"


def add_policy(html: str, analytics: dict | None = None) -> str:
    """`html` with the policy as the first element of <head> (before any script)."""
    head = _HEAD.search(html)
    if head is None:
        return html
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(html, analytics)}">'
    return html[: head.end()] + "\n  " + meta + html[head.end():]
