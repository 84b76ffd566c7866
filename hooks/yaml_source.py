"""Read a YAML file into plain data while remembering the line of every item.

PyYAML silently keeps the last of two equal keys and expands aliases without
limit; we build the data from the node tree ourselves so that duplicate keys,
unsafe tags, deep nesting and alias bombs become problems with a line number.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from . import memo, yaml_errors
from .problems import Problem, field_path

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
STANDARD_TAG = "tag:yaml.org,2002:"
TIMESTAMP_TAG = STANDARD_TAG + "timestamp"
MERGE_TAG = STANDARD_TAG + "merge"
STR_TAG = STANDARD_TAG + "str"
# The only kinds of value a register holds; anything else (!!python/..., !!binary,
# custom !tags) is reported, never constructed.
ALLOWED_TAGS = frozenset(STANDARD_TAG + name for name in ("str", "int", "float", "bool", "null", "seq", "map"))
MAX_NODES = 100_000  # far above any real register; bounds alias expansion by count
MAX_DEPTH = 50  # real registers nest about 7 levels; PyYAML's C composer crashes on very deep input
MAX_BYTES = 1_000_000
COMPOSER_SAFE_DEPTH = 10_000  # half of what the C composer was seen to handle


class RegisterLoader(_BaseLoader):
    """Safe loader that leaves dates as strings: the schema checks them, so a
    wrong date is a validation problem with a line, not a crash in the loader."""

    def resolve(self, kind, value, implicit):
        # The C parser asks this of every scalar: PyYAML's own answer, without
        # what this loader never has (path and wildcard resolvers) and without
        # joining two lists each time.
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, regexp in self.yaml_implicit_resolvers.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return STR_TAG
        return super().resolve(kind, value, implicit)


RegisterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != TIMESTAMP_TAG]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
assert None not in RegisterLoader.yaml_implicit_resolvers and not RegisterLoader.yaml_path_resolvers


@dataclass
class Document:
    """Data read from one file, with the line of every path in it."""

    file: str
    data: object
    lines: dict = field(default_factory=dict)  # path tuple -> 1-based line
    key_lines: dict = field(default_factory=dict)  # path tuple of a key -> line of the key
    # the text as read: the summary compares it with git's, without opening the file again
    text: str | None = field(default=None, repr=False, compare=False)

    def line_of(self, path: tuple) -> int:
        """The line of `path`, or of its nearest ancestor that exists."""
        path = tuple(path)
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path, 1)


class _Bound(Exception):
    """The document is larger or deeper than any register can be."""

    def __init__(self, path: tuple, message: str):
        super().__init__(message)
        self.path, self.message = path, message


def decode(raw: bytes, file: str) -> tuple[str | None, list[Problem]]:
    if len(raw) > MAX_BYTES:
        return None, [Problem(file, 0, "", f"the file is {len(raw):,} bytes; a register may be at most {MAX_BYTES:,} bytes")]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return None, [Problem(file, line, "", "the file is not UTF-8 text; save it with UTF-8 encoding")]


@memo.pure  # while serving: a file whose text is unchanged is not parsed again
def parse(text: str, file: str) -> tuple[Document | None, list[Problem]]:
    """Parse YAML text into a Document, or return the problems that prevent it."""
    if _could_crash_composer(text):
        problem = _scan(text, file)
        if problem is not None:
            return None, [problem]
    loader = RegisterLoader(text)
    try:
        try:
            root = loader.get_single_node()
        except yaml.YAMLError as error:
            return None, [_syntax_problem(error, text, file)]
        document = Document(file, None, text=text)
        if root is None:
            return document, []
        builder = _Builder(loader, document, root)
        try:
            document.data = builder.build(root, (), 0)
        except _Bound as bound:
            top = bound.path[:1]
            line = document.key_lines.get(top) or document.lines.get(top) or root.start_mark.line + 1
            return None, [Problem(file, line, field_path(top), bound.message)]
        return document, builder.problems
    finally:
        loader.dispose()


def _could_crash_composer(text: str) -> bool:
    """Each level of nesting takes one of these characters, and PyYAML's C
    composer was seen to compose 20,000 levels safely (it crashed at 50,000):
    below the bound, the builder's own depth limit suffices and the event scan
    (two-fifths of the cost of parsing) is skipped."""
    structural = sum(text.count(ch) for ch in "[{-?:")
    return structural >= COMPOSER_SAFE_DEPTH


def _scan(text: str, file: str) -> Problem | None:
    """Read the event stream once before building nodes: the C composer recurses
    once per level of nesting and crashes the interpreter on very deep input,
    so nesting is measured here, where it costs no recursion."""
    loader = RegisterLoader(text)
    depth = 0
    try:
        while not loader.check_event(yaml.StreamEndEvent):
            event = loader.get_event()
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                # `depth` counts the root too; the builder's depth starts at 0 there
                if depth > MAX_DEPTH + 1:
                    return Problem(file, event.start_mark.line + 1, "", _too_deep())
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError as error:
        return _syntax_problem(error, text, file)
    finally:
        loader.dispose()
    return None


def _syntax_problem(error: yaml.YAMLError, text: str, file: str) -> Problem:
    if isinstance(error, yaml.reader.ReaderError) and isinstance(error.character, int):
        # The C reader counts bytes, not characters: find the character itself.
        line = text[: max(text.find(chr(error.character)), 0)].count("\n") + 1
        return Problem(file, line, "", f"the file contains a character YAML does not allow (U+{error.character:04X}, "
                                       "an invisible control character); remove it")
    if not isinstance(error, yaml.MarkedYAMLError):
        return Problem(file, 0, "", f"YAML syntax error: {error}")
    if (plain := yaml_errors.explain(error, text, file)) is not None:  # the author's words, on the right line
        return plain
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark else 0
    what = error.problem or error.context or "invalid YAML"
    if error.context and error.context_mark and error.context_mark.line + 1 != line:
        what += f" ({error.context} that starts on line {error.context_mark.line + 1})"
    return Problem(file, line, "", f"YAML syntax error: {what}")


def _too_deep() -> str:
    return (f"the data is nested more than {MAX_DEPTH} levels deep; a register needs only a few levels "
            "(check the indentation, and do not let a YAML alias `*name` refer to itself)")


def _shown_tag(tag: str) -> str:
    return "!!" + tag[len(STANDARD_TAG):] if tag.startswith(STANDARD_TAG) else tag


def _repeats(root) -> bool:
    """True if the node tree repeats a part of itself (aliases and `<<` merges
    make a node the child of several parents). Walks each node once, so it
    costs no more than the file's own size; run only when the bound is hit."""
    seen, stack = set(), [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            return True
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack += node.value
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.tag == MERGE_TAG:
                    return True
                stack += (key, value)
    return False


class _Builder:
    """Builds plain data from the node tree, with a line for every path.

    Aliases are followed here, not by PyYAML, so that their expansion is
    bounded by a count of values (the "billion laughs" shape is rejected after
    MAX_NODES values, long before it uses much time or memory), and `<<`
    merges are counted the same way."""

    def __init__(self, loader, document: Document, root=None):
        self.loader, self.document, self.root = loader, document, root
        self.problems: list[Problem] = []
        self.count = 0

    def problem(self, node, path: tuple, message: str) -> None:
        self.problems.append(Problem(self.document.file, node.start_mark.line + 1, field_path(path), message))

    def enter(self, path: tuple, depth: int, values: int = 1) -> None:
        self.count += values
        if self.count > MAX_NODES:
            if _repeats(self.root):
                raise _Bound(path, f"the data expands to more than {MAX_NODES:,} values (YAML aliases `*name` "
                                   "repeating data); write the data out instead of repeating it with aliases")
            raise _Bound(path, f"the file holds more than {MAX_NODES:,} values, far more than any register "
                               "needs; split it into several registers or shorten its lists")
        if depth > MAX_DEPTH:
            raise _Bound(path, _too_deep())

    def build(self, node, path: tuple, depth: int):
        self.enter(path, depth)
        self.document.lines[path] = node.start_mark.line + 1
        if node.tag not in ALLOWED_TAGS and node.tag != MERGE_TAG:
            # Never constructed: a tag such as !!python/object/apply could run code.
            self.problem(node, path, f"the YAML tag '{_shown_tag(node.tag)}' is not allowed: a register holds only "
                                     "plain texts, numbers, lists and mappings; remove the tag")
            if isinstance(node, yaml.ScalarNode):
                return node.value
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, path + (i,), depth + 1) for i, child in enumerate(node.value)]
        if node.tag not in ALLOWED_TAGS:
            return node.value
        if node.tag == STR_TAG:
            return node.value  # what the constructor would return, without its cost
        try:
            return self.loader.construct_object(node, deep=True)
        except Exception as error:  # e.g. `!!int abc` fails inside PyYAML with a ValueError
            self.problem(node, path, f"cannot read this value ({getattr(error, 'problem', None) or error})")
            return None

    def pairs(self, node, path: tuple, depth: int) -> list:
        """(key node, value node, written here?) of a mapping: its own pairs
        first, then those it merges with `<<: *name`, in YAML's order of precedence."""
        own, merged = [], []
        for key_node, value_node in node.value:
            if key_node.tag != MERGE_TAG:
                own.append((key_node, value_node, True))
                continue
            sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            for source in sources:
                if not isinstance(source, yaml.MappingNode):
                    self.problem(source, path, "`<<` can only merge mappings, e.g. `<<: *defaults`")
                    continue
                self.enter(path, depth + 1, 0)
                found = self.pairs(source, path, depth + 1)
                self.enter(path, depth + 1, len(found))
                merged += [(key, value, False) for key, value, _ in found]
        return own + merged

    def key(self, node, path: tuple):
        if not isinstance(node, yaml.ScalarNode):
            self.problem(node, path, "a key must be a plain word, not a list or mapping")
            return None
        if node.tag not in ALLOWED_TAGS:
            self.problem(node, path, f"the YAML tag '{_shown_tag(node.tag)}' is not allowed on a key; remove it")
            return node.value
        if node.tag == STR_TAG:
            return node.value
        try:
            key = self.loader.construct_object(node)
        except Exception:
            key = None
        # YAML 1.1 reads `no`, `on`, `1` as booleans and numbers; keys are names
        return key if isinstance(key, str) else node.value

    def mapping(self, node, path: tuple, depth: int) -> dict:
        result: dict = {}
        for key_node, value_node, own in self.pairs(node, path, depth):
            key = self.key(key_node, path)
            if key is None:
                continue
            if key in result:
                if own:
                    first = self.document.key_lines[path + (key,)]
                    self.problem(key_node, path + (key,), f"duplicate key '{key}': it is already given on line {first}; "
                                                          "YAML would silently keep only the last one, so remove or "
                                                          "merge one of them")
                continue  # a merged value never replaces one written here or merged before
            if own:
                self.document.key_lines[path + (key,)] = key_node.start_mark.line + 1
            result[key] = self.build(value_node, path + (key,), depth + 1)
        return result
