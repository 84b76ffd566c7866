"""While `mkdocs serve` runs: results of pure functions, kept by their exact
inputs, so that a rebuild after saving one register parses and validates that
register only.

Off unless the MkDocs glue turns it on for `mkdocs serve`: `mkdocs build`
computes everything. A result is found again only for the same arguments:
equal text (the whole file, not its time or size), and the very same object
for anything that is not a string or number (a Document from the memoised
parser is the same object as long as its text is unchanged). Results not asked
for in the last two rebuilds are dropped, so an edited file leaves no garbage.
"""
from __future__ import annotations

import datetime as dt
import functools

_enabled = False
_generation = 0
_day = None  # a check may compare with today's date: nothing is kept past midnight
_tables: list[dict] = []
_PLAIN = (str, bytes, int, float, bool, type(None))


def enable() -> None:
    global _enabled
    _enabled = True


def new_build() -> None:
    """Start of a rebuild: forget what the rebuild before last used and this one did not."""
    global _generation, _day
    _generation += 1
    if _day != dt.date.today():
        _day = dt.date.today()
        for table in _tables:
            table.clear()
    for table in _tables:
        for key in [key for key, entry in table.items() if entry[0] < _generation - 1]:
            del table[key]


def _key(args: tuple, kwargs: dict):
    parts = []
    for value in (*args, *(v for _, v in sorted(kwargs.items()))):
        if isinstance(value, tuple) and all(isinstance(v, _PLAIN) for v in value):
            parts.append(value)
        elif isinstance(value, _PLAIN):
            parts.append((type(value).__name__, value))
        else:
            parts.append(("id", id(value)))
    return tuple(parts) + tuple(sorted(kwargs))


def _objects(args: tuple, kwargs: dict) -> tuple:
    """The arguments known by identity in the key."""
    return tuple(value for value in (*args, *(v for _, v in sorted(kwargs.items())))
                 if not isinstance(value, _PLAIN) and not (
                     isinstance(value, tuple) and all(isinstance(v, _PLAIN) for v in value)))


def pure(function):
    """Decorator for a function whose result depends on its arguments only
    (and which neither it nor its callers change afterwards)."""
    table: dict = {}
    _tables.append(table)

    @functools.wraps(function)
    def remembered(*args, **kwargs):
        if not _enabled:
            return function(*args, **kwargs)
        key = _key(args, kwargs)
        entry = table.get(key)
        # the arguments are kept with the result: an id is only reused for an
        # object that is still the same one
        if entry is not None and all(a is b for a, b in zip(entry[1], _objects(args, kwargs))):
            table[key] = (_generation, entry[1], entry[2])
            return entry[2]
        result = function(*args, **kwargs)
        table[key] = (_generation, _objects(args, kwargs), result)
        return result
    return remembered
