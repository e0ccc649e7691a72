"""A phase file read program by program: a save that changes one program composes that
program's lines again, not the whole file.

At 10,000 programs a phase file holds 1,250 of them in 1.2 MB, and composing it with libyaml
and building its data took a fifth of a second of every preview save. Here the file's
`programs:` block is cut at each item's dash, each item composed on its own (and kept while
its lines and their place are the same), and the rest of the file composed with the block
left out. The result is the very YamlFile `parse_yaml` gives for the whole file
(tests/test_yamlparts.py compares them): anything this cannot vouch for is left to
`parse_yaml`, by returning None:

- a file without a top-level `programs:` block sequence, or written in flow style there;
- a line break other than \\n and \\r\\n, a document marker or a directive;
- any problem at all (a syntax error, an alias to another item, a duplicate key …): the
  whole file is read again, so its problems are reported as they always were.
"""

from __future__ import annotations

import functools
import itertools
import re

import yaml

from generator.source.yamlfile import _LOADER, MAX_NODES, Path_, YamlFile, _Builder

_PROGRAMS = re.compile(r"programs:[ ]*(#.*)?")
_ITEM = re.compile(r"( *)-(?: |$)")
_UNSURE = re.compile("[\x85\u2028\u2029]|\r(?!\n)|^(?:---|\\.\\.\\.|%)", re.MULTILINE)
PLACEHOLDER = "programs: []"


def parse_in_parts(text: str, label: str) -> YamlFile | None:
    """The file's YamlFile, its programs composed one by one; None when `parse_yaml` must
    read it whole (see the module's docstring)."""
    parts = _parts(text)
    if parts is None:
        return None
    head, items, indent = parts
    result = _head(head, label)
    if result is None:
        return None
    programs: list[object] = []
    count = result[1]
    found = YamlFile(label, result[0].data, dict(result[0].values), dict(result[0].keys))
    for index, (offset, chunk) in enumerate(items):
        item = _item(chunk, index, offset, label)
        if item is None:
            return None
        data, values, keys, nodes = item
        count += nodes
        if count > MAX_NODES:  # as soon as it is known: a hostile file holds 800,000 items
            return None
        programs.append(data)
        found.values.update(values)
        found.keys.update(keys)
    if not isinstance(found.data, dict):
        return None
    found.data = {**found.data, "programs": programs}
    found.values[("programs",)] = (items[0][0] + 1, indent + 1)  # its first dash
    return found


def _parts(text: str) -> tuple[str, list[tuple[int, str]], int] | None:
    """The file with its programs' lines left blank (the `programs:` line holding an empty
    list), each program's lines with the number of the line before its first, and the
    column of their dashes (0 as PyYAML writes them, 2 as the example portal does)."""
    if _UNSURE.search(text):
        return None
    lines = text.split("\n")
    start = next(
        (n for n, line in enumerate(lines) if _PROGRAMS.fullmatch(line.rstrip("\r"))), None
    )
    if start is None:
        return None
    first = next((n for n in range(start + 1, len(lines)) if not _blank(lines[n])), None)
    dash = _ITEM.match(lines[first].rstrip("\r")) if first is not None else None
    if first is None or dash is None:
        return None
    indent, starts, end = len(dash.group(1)), [], len(lines)
    for n in range(first, len(lines)):
        line = lines[n].rstrip("\r")
        width = len(line) - len(line.lstrip(" "))
        if _blank(line) or width > indent:
            continue
        if width == indent and _ITEM.match(line):
            starts.append(n)
        elif width == 0:  # a key of the file's own mapping: the block ends
            end = n
            break
        else:
            return None  # not where a program's lines can be
    bounds = [*starts, end]
    # Each with the line break that follows it in the file (a `|+` block keeps it).
    items = [
        (a, "\n".join(lines[a:b]) + ("\n" if b < len(lines) else ""))
        for a, b in itertools.pairwise(bounds)
    ]
    head = [*lines[:start], PLACEHOLDER, *([""] * (end - start - 1)), *lines[end:]]
    return "\n".join(head), items, indent


def _blank(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


@functools.lru_cache(maxsize=64)
def _head(text: str, label: str) -> tuple[YamlFile, int] | None:
    """The file but its programs, and its number of values; None on any problem."""
    return _composed(text, label, ())


@functools.lru_cache(maxsize=65_536)
def _item(chunk: str, index: int, offset: int, label: str) -> tuple[object, dict, dict, int] | None:
    """One program as the whole file's parse would find it at `index`, its lines numbered
    from `offset`: its data, where its values and keys are, and its number of values. Kept
    while its text and place are the same."""
    made = _composed(chunk, label, ("programs", index), sequence=True)
    if made is None:
        return None
    part, count = made
    shift = lambda at: (at[0] + offset, at[1])  # noqa: E731
    values = {path: shift(at) for path, at in part.values.items()}
    keys = {path: shift(at) for path, at in part.keys.items()}
    return part.data, values, keys, count


def _composed(
    text: str, label: str, path: Path_, *, sequence: bool = False
) -> tuple[YamlFile, int] | None:
    """`text` composed and built as `parse_yaml` does, at `path`: a program's lines are a
    sequence of one item (`sequence`). None when anything is wrong with it."""
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError:
        return None
    if sequence:
        if not isinstance(node, yaml.SequenceNode) or len(node.value) != 1:
            return None
        node = node.value[0]
    elif not isinstance(node, yaml.MappingNode):
        return None
    part = YamlFile(label)
    builder = _Builder(part, text)
    part.data = builder.build(node, path)
    if part.problems:
        return None
    return part, builder.count
