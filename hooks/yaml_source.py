"""Read a YAML file into plain data while remembering the line of every item.

PyYAML silently keeps the last of two equal keys and expands aliases without
limit; we build the data from the node tree ourselves so that duplicate keys,
unsafe tags and alias bombs become problems with a line number.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from .problems import Problem, field_path

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
STR_TAG = "tag:yaml.org,2002:str"
MAX_NODES = 100_000  # far above any real register; bounds alias expansion by count
MAX_BYTES = 1_000_000


class RegisterLoader(_BaseLoader):
    """Safe loader that leaves dates as strings: the schema checks them, so a
    wrong date is a validation problem with a line, not a crash in the loader."""


RegisterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != TIMESTAMP_TAG]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


@dataclass
class Document:
    """Data read from one file, with the line of every path in it."""

    file: str
    data: object
    lines: dict = field(default_factory=dict)  # path tuple -> 1-based line
    key_lines: dict = field(default_factory=dict)  # path tuple of a key -> line of the key

    def line_of(self, path: tuple) -> int:
        """The line of `path`, or of its nearest ancestor that exists."""
        path = tuple(path)
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path, 1)


class _TooLarge(Exception):
    pass


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


def parse(text: str, file: str) -> tuple[Document | None, list[Problem]]:
    """Parse YAML text into a Document, or return the problems that prevent it."""
    loader = RegisterLoader(text)
    try:
        try:
            root = loader.get_single_node()
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line = mark.line + 1 if mark else 0
            what = error.problem or error.context or "invalid YAML"
            if error.context and error.context_mark and error.context_mark.line + 1 != line:
                what += f" ({error.context} that starts on line {error.context_mark.line + 1})"
            return None, [Problem(file, line, "", f"YAML syntax error: {what}")]
        except yaml.YAMLError as error:
            return None, [Problem(file, 0, "", f"YAML syntax error: {error}")]
        document = Document(file, None)
        if root is None:
            return document, []
        problems: list[Problem] = []
        try:
            document.data = _build(root, (), loader, document, problems, [0])
        except _TooLarge:
            return None, [Problem(file, root.start_mark.line + 1, "",
                                  f"the document expands to more than {MAX_NODES:,} items "
                                  "(YAML aliases repeating data); write the data out without aliases")]
        return document, problems
    finally:
        loader.dispose()


def _build(node, path, loader, document, problems, count):
    count[0] += 1
    if count[0] > MAX_NODES:
        raise _TooLarge
    document.lines[path] = node.start_mark.line + 1
    if node.tag == STR_TAG and isinstance(node, yaml.ScalarNode):
        return node.value  # what the constructor would return, without its cost
    if isinstance(node, yaml.MappingNode):
        return _build_mapping(node, path, loader, document, problems, count)
    if isinstance(node, yaml.SequenceNode):
        return [_build(child, path + (i,), loader, document, problems, count) for i, child in enumerate(node.value)]
    try:
        return loader.construct_object(node, deep=True)
    except yaml.YAMLError as error:
        problems.append(Problem(document.file, node.start_mark.line + 1, field_path(path),
                                f"cannot read this value ({getattr(error, 'problem', None) or error})"))
        return None


def _build_mapping(node, path, loader, document, problems, count):
    result: dict = {}
    loader.flatten_mapping(node)  # resolves `<<` merge keys
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append(Problem(document.file, line, field_path(path), "a key must be a plain word, not a list or mapping"))
            continue
        key = key_node.value if key_node.tag == STR_TAG else loader.construct_object(key_node)
        if not isinstance(key, str):
            # YAML 1.1 reads `no`, `on`, `1` as booleans and numbers; keys are names
            key = key_node.value
        if key in result:
            first = document.key_lines[path + (key,)]
            problems.append(Problem(document.file, line, field_path(path + (key,)),
                                    f"duplicate key '{key}': it is already given on line {first}; "
                                    "YAML would silently keep only the last one, so remove or merge one of them"))
            continue
        document.key_lines[path + (key,)] = line
        result[key] = _build(value_node, path + (key,), loader, document, problems, count)
    return result

