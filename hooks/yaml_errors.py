"""PyYAML's syntax errors in the words of registers/README.md.

PyYAML reports where its parser gave up ("mapping values are not allowed in
this context", "did not find expected key"), which is often a line after the
mistake and in the words of the YAML specification. Here the error and the
lines of the file are looked at together to name the usual mistake (a tab, an
unquoted ': ' in a text, a missing space after a colon, an item at the wrong
depth, an unclosed quote or bracket) and the line where the author must look.
PyYAML's own text follows on a second line for the curious.
"""
from __future__ import annotations

import os
import re

import yaml

from .problems import Problem

PREFIX = "YAML syntax error: "
GUIDE = "registers/README.md, section 3"
_KEY = re.compile(r"(?:-\s+)?[^\s:#\"'{}\[\],][^:#]*?:(?=\s|\Z)")  # `key:` or `- key:` at the start of a line
_KEY_NO_SPACE = re.compile(r"(?:-\s*)?([A-Za-z_][\w-]*):(\S.*)\Z")  # `fi:Text`
_DASH_NO_SPACE = re.compile(r"-[^\s-].*\Z")  # `-fi: text`
_RESERVED_START = "@`%"  # characters YAML keeps for itself: a text cannot start with them unquoted


class _Lines:
    """The file's lines, with the helpers the diagnoses need."""

    def __init__(self, text: str):
        self.all = text.split("\n")

    def get(self, number: int) -> str:
        return self.all[number - 1] if 1 <= number <= len(self.all) else ""

    def previous_content(self, number: int) -> int:
        """The nearest line above `number` with content (not blank, not only a comment); 0 if none."""
        for n in range(min(number, len(self.all) + 1) - 1, 0, -1):
            stripped = self.get(n).strip()
            if stripped and not stripped.startswith("#"):
                return n
        return 0

    def previous_item(self, number: int) -> int:
        """The nearest list item (`- ...`) above `number`; 0 if none."""
        for n in range(min(number, len(self.all) + 1) - 1, 0, -1):
            if _is_item(self.get(n)):
                return n
        return 0


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_item(line: str) -> bool:
    stripped = line.lstrip(" ")
    return stripped == "-" or stripped.startswith("- ")


def _content_column(line: str) -> int:
    """Where the content of a line starts, after the indentation and any `- `."""
    column = _indent(line)
    while line[column:column + 2] == "- ":
        column += 2
        column += len(line[column:]) - len(line[column:].lstrip(" "))
    return column


def _key_of(line: str) -> str:
    content = line[_content_column(line):]
    match = re.match(r"([^\s:#{}\[\]\"',]+):(?:\s|\Z)", content)
    return match.group(1) if match else ""


def _pyyaml_words(error: yaml.MarkedYAMLError) -> str:
    parts = []
    if error.context:
        where = f" (line {error.context_mark.line + 1})" if error.context_mark else ""
        parts.append(f"{error.context}{where}")
    if error.problem:
        where = ""
        if error.problem_mark:
            where = f" (line {error.problem_mark.line + 1}, column {error.problem_mark.column + 1})"
        parts.append(f"{error.problem}{where}")
    return "; ".join(parts) or str(error)


def explain(error: yaml.YAMLError, text: str, file: str) -> Problem | None:
    """The plain-words problem for a PyYAML syntax error, or None to keep the default message."""
    if not isinstance(error, yaml.MarkedYAMLError):
        return None
    try:
        found = diagnose(error, text)
    except Exception:  # a guess gone wrong must not hide the error itself: keep the default message
        if os.environ.get("NOTICES_DEBUG"):
            raise
        return None
    if found is None:
        return None
    line, advice = found
    return Problem(file, line, "", f"{PREFIX}{advice}\n    (YAML's own words: {_pyyaml_words(error)})")


def diagnose(error: yaml.MarkedYAMLError, text: str) -> tuple[int, str] | None:
    """(line to look at, what to do), from the error and the text around it."""
    lines = _Lines(text)
    mark = error.problem_mark or error.context_mark
    if mark is None:
        return None
    line, column = mark.line + 1, mark.column
    problem, context = error.problem or "", error.context or ""
    for diagnosis in (_tab, _quoted, _flow, _special_start, _block_scalar):
        found = diagnosis(lines, line, column, problem, context, error)
        if found is not None:
            return found
    if "mapping values are not allowed" in problem:
        return _colon(lines, line, column)
    if "could not find expected ':'" in problem:
        key_line = error.context_mark.line + 1 if error.context_mark else line
        return _no_colon(lines, key_line)
    if "did not find expected key" in problem:
        return _unexpected_line(lines, line, column)
    if "did not find expected '-' indicator" in problem:
        return _not_an_item(lines, line)
    if "document start" in problem:
        first = lines.previous_content(line)
        while first and lines.previous_content(first):
            first = lines.previous_content(first)
        if first and _indent(lines.get(first)):
            return first, ("the first field of the file is indented; the top-level fields (`name:`, `purposes:`, "
                           "...) start at the beginning of the line, in column 1")
    return line, ("YAML cannot read the file here; check the indentation of this line and the line above it "
                  f"(spaces only, items of the same list or mapping lined up exactly), and put a text in quotes "
                  f"if it contains ': ' or starts with a special character (see {GUIDE})")


def _tab(lines, line, column, problem, context, error):
    """A tab in the indentation: YAML allows spaces only. The first such line
    up to the error is the one to fix, wherever the parser noticed it."""
    if "tab" not in problem and "cannot start any token" not in problem:
        return None
    for number in range(1, min(line, len(lines.all)) + 1):
        text = lines.get(number)
        indentation = text[: len(text) - len(text.lstrip(" \t"))]
        if "\t" in indentation:
            return number, ("this line is indented with a tab; indent with spaces only "
                            "(two spaces per level), never tabs")
    return None


def _quoted(lines, line, column, problem, context, error):
    if "quoted scalar" not in context:
        return None
    start = error.context_mark.line + 1 if error.context_mark else line
    if "escape" in problem:
        return line, ("inside double quotes a backslash starts a special character: write a backslash as `\\\\` "
                      "and a double quote as `\\\"`, or put the text in single quotes")
    quote = lines.get(start)[error.context_mark.column] if error.context_mark else '"'
    quote = quote if quote in "\"'" else '"'
    return start, (f"the text in quotes that starts here is never closed: end it with the same quote ({quote}), "
                   "or remove the opening quote")


def _unclosed_bracket(lines, up_to: int) -> tuple[int, str] | None:
    """The line and character of the last `[` or `{` opened before `up_to` and
    not closed, ignoring quotes and comments (good enough for pointing at it)."""
    stack = []
    for number in range(1, min(up_to, len(lines.all)) + 1):
        quote = None
        for index, char in enumerate(lines.get(number)):
            if quote:
                quote = None if char == quote else quote
            elif char in "\"'" and (index == 0 or lines.get(number)[index - 1] in " [{,:"):
                quote = char
            elif char == "#" and (index == 0 or lines.get(number)[index - 1] == " "):
                break
            elif char in "[{":
                stack.append((number, char))
            elif char in "]}" and stack:
                stack.pop()
    return stack[-1] if stack else None


def _flow(lines, line, column, problem, context, error):
    if "flow" not in context and "',' or '}'" not in problem and "',' or ']'" not in problem:
        return None
    opened = _unclosed_bracket(lines, line)
    start, bracket = opened if opened else (error.context_mark.line + 1 if error.context_mark else line, "{")
    if bracket == "[":
        return start, ("the list in square brackets `[ ]` that starts here is not closed with `]` on the same line, "
                       "or a text in it contains ', ' or ': '; write the list with one `- ` item per line instead")
    return start, ("the short form `{fi: ..., en: ...}` here is broken: it must end with `}` on the same line, and "
                   "a text inside `{ }` cannot contain a comma or ': '; use the long form, one language per line "
                   f"(see {GUIDE}, 'Texts: one per language')")


def _special_start(lines, line, column, problem, context, error):
    char = lines.get(line)[column:column + 1]
    if "alias" in context or "alias" in problem or "anchor" in context:
        start = {"alias": "*", "anchor": "&"}["anchor" if "anchor" in context else "alias"]
        return line, (f"a text that starts with `{start}` must be in quotes "
                      f"(YAML reads `{start}name` as a reference to another part of the file)")
    if "cannot start any token" in problem and char and char in _RESERVED_START:
        return line, f"a text that starts with {char!r} must be in quotes, e.g. \"{char}...\""
    return None


def _block_scalar(lines, line, column, problem, context, error):
    if "block scalar" not in context:
        return None
    return line, ("after `|` or `>-` nothing may follow on the same line (except a comment): "
                  "start the text on the next line, indented further than the key")


def _colon(lines, line, column):
    """`mapping values are not allowed here`: a ': ' where YAML cannot start a key."""
    text = lines.get(line)
    first = _KEY.match(text[_indent(text):])
    key_colon = _indent(text) + first.end() - 1 if first else -1
    if first and column > key_colon:
        return line, ("a text that contains ': ' (or ends with ':') must be in quotes: "
                      f"write `{_key_of(text)}: \"...\"`, or use the `>-` form (see {GUIDE}, 'Quoting')")
    above = lines.previous_content(line)
    found = _look_above(lines, above)
    if found is not None:
        return found
    if above and _odd_one_above(lines, line, above):
        return _shifted_above(lines, line, above)
    if above and _indent(text) > _content_column(lines.get(above)):
        key = _key_of(lines.get(above))
        column = _content_column(lines.get(above)) + 1
        where = f"`{key}:` on line {above}" if key else f"line {above}"
        return line, (f"this line is indented more than {where}; items of the same mapping must line up "
                      f"exactly (start this line in column {column}), and a field inside another is indented "
                      "under a key that ends with ':' and has no value on its line")
    return line, ("a text that contains ': ' must be in quotes; if this line is a field, "
                  "check its indentation against the line above")


def _look_above(lines, above: int):
    """Mistakes on the line above that make YAML stumble on this one."""
    previous = lines.get(above)
    content = previous[_indent(previous):]
    if _DASH_NO_SPACE.match(content) and not content.startswith("---"):
        return above, "a list item starts with a dash and a space: write `- ` before the item"
    missing = _KEY_NO_SPACE.match(content)
    if missing and missing.group(1) not in ("http", "https", "mailto"):  # a web address is not a key
        key = missing.group(1)
        return above, (f"a colon after a key must be followed by a space: write `{key}: {missing.group(2)[:20]}`, "
                       f"not `{key}:{missing.group(2)[:20]}`")
    if content and ":" not in content and not _is_item(previous) and not _continues_text(lines, above):
        return above, (f"this line has no ': ' after its key: write `key: value` "
                       f"(e.g. `{content.split()[0]}: ...`), or, if it continues the text above, indent it further")
    return None


def _continues_text(lines, number: int) -> bool:
    """True if line `number` is a further line of a plain text begun above it."""
    above = lines.previous_content(number)
    if not above or _indent(lines.get(number)) <= _content_column(lines.get(above)):
        return False
    previous = lines.get(above)
    content = previous[_content_column(previous):]
    has_value = bool(re.match(r"[^\s:#]+:\s+[^\s#]", content))
    return has_value or (":" not in content and _continues_text(lines, above))


def _no_colon(lines, key_line: int):
    """`could not find expected ':'`: a line YAML read as a key has no ': '."""
    found = _look_above(lines, key_line)
    if found is not None:
        return found
    return key_line, ("this line has no ': ' after a key; if it continues a text from the line above, "
                      "indent it further than that text's key, or use the `>-` form")


def _unexpected_line(lines, line, column):
    """`did not find expected key`: a line that does not fit the mapping it is in."""
    text = lines.get(line)
    if column > _indent(text):
        return line, ("the text after the closing quote is not part of the text: put the whole text in quotes; "
                      "inside '...' write a ' as '' (or use double quotes)")
    above = lines.previous_content(line)
    found = _look_above(lines, above)
    if found is not None:
        return found
    if _is_item(text):
        return _item_depth(lines, line)
    return _misaligned(lines, line, above)


def _item_depth(lines, line):
    text = lines.get(line)
    item = lines.previous_item(line)
    if not item:
        return line, "this list item is not indented like the rest of its list; line up every `- ` of a list"
    other = _indent(lines.get(item))
    if other % 2 and not _indent(text) % 2:
        # Two spaces per level: the odd one out is the item above, which YAML accepted as a list of its own.
        line, item, other = item, line, _indent(text)
        text = lines.get(line)
    how = "less" if _indent(text) < other else "more"
    return line, (f"this list item is indented {how} than the item on line {item}; items of the same list must "
                  f"line up exactly: put the `-` in column {other + 1}, under the `-` of line {item}")


def _odd_one_above(lines, line: int, above: int) -> bool:
    """Two spaces per level: when the line above is indented by an odd number
    of spaces and this one by an even number, the line above was shifted."""
    return bool(_indent(lines.get(above)) % 2) and not _indent(lines.get(line)) % 2


def _shifted_above(lines, line: int, above: int):
    previous, text = lines.get(above), lines.get(line)
    if _is_item(previous) and _is_item(text):
        expected = _indent(text)  # two items of one list: the dashes line up
    else:  # a field of the item above: its first field lines up with this line
        expected = _indent(text) - (_content_column(previous) - _indent(previous))
    how = "less" if _indent(previous) < expected else "more"
    return above, (f"this line is indented {how} than the line below it: fields of the same mapping start "
                   f"in the same column, two spaces per level; start this line in column {expected + 1}")


def _misaligned(lines, line, above):
    text, previous = lines.get(line), lines.get(above)
    if above and _odd_one_above(lines, line, above):
        return _shifted_above(lines, line, above)
    key = _key_of(text)
    if not key:
        return line, ("this line continues a text but is indented less than its key; indent every line of the "
                      "text further than the key, or use the `>-` form")
    column = _content_column(previous) + 1
    return line, (f"`{key}:` is not lined up with the fields around it: fields of the same mapping must start in "
                  f"the same column (line {above} starts in column {column}); use spaces, two per level")


def _not_an_item(lines, line):
    """`did not find expected '-' indicator`: a line inside a list that is not an item."""
    text = lines.get(line)
    if _is_item(text):
        return _item_depth(lines, line)
    item = lines.previous_item(line)
    if not item:
        return _misaligned(lines, line, lines.previous_content(line))
    if _odd_one_above(lines, line, item):
        return _shifted_above(lines, line, item)
    previous = lines.get(item)
    first, key = _content_column(previous), _key_of(previous)
    if _indent(text) > _indent(previous) and key:
        this = _key_of(text) or text.strip()
        return line, (f"`{this}:` must line up exactly under `{key}:` on line {item} (column {first + 1}): "
                      "fields of the same list item start in the same column")
    return line, (f"every item of a list starts with `- `, lined up with the `-` on line {item}; a field of that "
                  f"item must be indented further, under its first field")
