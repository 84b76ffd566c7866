"""Telephone numbers as `tel:` link targets in international form, whatever
the author typed: a link must work when dialled from abroad too."""
from __future__ import annotations

import re

# Numbers written without a country code are Finnish (the site's organisation
# and its supervisory authority are in Finland).
DEFAULT_COUNTRY_CODE = "358"


def tel_target(number: str, country_code: str = DEFAULT_COUNTRY_CODE) -> str:
    """'029 566 6700' -> '+358295666700'; '+358 40 000 0100' -> '+358400000100';
    '00358 9 123' -> '+3589123'; '+358 (0)40 1' -> '+358401'. Spaces, hyphens and brackets are dropped."""
    stripped = number.strip()
    if stripped.startswith(("+", "00")):
        stripped = stripped.replace("(0)", "")  # the trunk prefix in '+358 (0)40 ...'
    digits = re.sub(r"[^0-9+]", "", stripped)
    if digits.startswith("+"):
        return "+" + digits[1:].replace("+", "")
    digits = digits.replace("+", "")
    if digits.startswith("00"):
        return "+" + digits[2:]
    if digits.startswith("0"):
        return f"+{country_code}{digits[1:]}"
    return f"+{country_code}{digits}"
