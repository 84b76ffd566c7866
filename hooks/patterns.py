"""Regular expressions of the JSON Schemas, read the way the schema language
defines them (ECMA-262, as editors read them) rather than as Python reads them.

The difference that matters: in Python `$` also matches before a final line
break, so `^[0-9]{7}-[0-9]$` accepts "1234567-1\\n", which is what a YAML block
scalar (`business_id: |`) gives. In ECMA-262 `$` is the end of the text, as
`\\Z` is in Python. The schemas keep `$` (editors would read `\\Z` as the letter
Z); every pattern is translated here, so a pattern added to a schema later is
covered too."""
from __future__ import annotations

import re
from functools import lru_cache


def to_python(pattern: str) -> str:
    """`pattern` with ECMA-262's meaning in Python: `$` outside a character
    class becomes `\\Z`, and `\\d` matches only 0-9 (Python's `\\d` also takes
    other scripts' digits)."""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            escaped = pattern[i + 1]
            if escaped == "d":
                out.append("0-9" if in_class else "[0-9]")
            elif escaped == "D" and not in_class:
                out.append("[^0-9]")
            else:
                out.append(ch + escaped)
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            # A `]` right after `[` or `[^` is a character of the class in Python.
            start = i + 1 + (pattern[i + 1:i + 2] == "^")
            if pattern[start:start + 1] == "]":
                out.append(pattern[i:start + 1])
                i = start + 1
                continue
        elif ch == "$":
            ch = r"\Z"
        out.append(ch)
        i += 1
    return "".join(out)


@lru_cache(maxsize=256)
def compile_pattern(pattern: str) -> re.Pattern:
    """A schema's `pattern`, compiled for `search` as JSON Schema prescribes."""
    return re.compile(to_python(pattern))
