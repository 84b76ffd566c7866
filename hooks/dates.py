"""Which dates a register may hold. A date outside a plausible range is a
typo (2205 for 2025) that the calendar accepts; further on it would also break
MkDocs, which writes the newest page date into the sitemap's gzip header (a
32-bit count of seconds, which ends in 2106)."""
from __future__ import annotations

import datetime as dt
import re

EARLIEST = dt.date(1990, 1, 1)  # before any register of personal data under today's law
# A notice may announce a version some time ahead (issue 11); further is a typo.
YEARS_AHEAD = 2
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# The gzip header counts seconds since 1970 in 32 bits: up to 2106-02-07.
_GZIP_LAST = dt.date(2106, 2, 6)
_GZIP_FIRST = dt.date(1970, 1, 1)


def parse(value) -> dt.date | None:
    """A YYYY-MM-DD string as a date; None if it is not one (nothing else, not even a final line break)."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def latest(today: dt.date | None = None) -> dt.date:
    today = today or dt.date.today()
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def implausible(day: dt.date, today: dt.date | None = None) -> str | None:
    """Why `day` cannot be a date of a register, for the author; None if it can be."""
    last = latest(today)
    if EARLIEST <= day <= last:
        return None
    return (f"{day.isoformat()} is outside the plausible range {EARLIEST.isoformat()} to {last.isoformat()} "
            f"(at most {YEARS_AHEAD} years ahead); check the year")


def sitemap_date(value) -> str | None:
    """`value` if MkDocs can write it as a page's update date (the sitemap's
    gzip header), else None. Validation already bounds every date; this keeps
    a value that slipped through from failing the build after the site
    directory was cleaned."""
    day = parse(value)
    return value if day is not None and _GZIP_FIRST <= day <= _GZIP_LAST else None
