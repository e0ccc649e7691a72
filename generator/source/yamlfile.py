"""Read one YAML file into plain data plus the line and column of every value.

PyYAML's `safe_load` forgets where values came from and silently keeps the last of two
duplicate keys; CS staff need both caught and located, so we compose the node tree and build
the data ourselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from generator.i18n.messages import tr
from generator.source.sourcefiles import SourceProblem, read_text
from generator.text.cjk import WIDE
from generator.text.errors import Problem
from generator.text.keyboard import structure_mistake

Path_ = tuple[str | int, ...]

# Aliases can make a tiny file expand exponentially ("billion laughs"); no real portal
# file comes near this many values.
MAX_NODES = 200_000
# Real portal files nest five or six levels; a thousand would exhaust the stack.
MAX_DEPTH = 50

# A line with something other than a comment: the first one, not a list of 30,000 lines.
# Lines end where str.splitlines ends them (libyaml takes U+2028 for a line break too).
_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_CONTENT = re.compile(f"(?:\\A|[{_BREAKS}])[^\\S{_BREAKS}]*[^\\s#]")

# libyaml parses a 1,000-program portal about 100 times faster than pure Python.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}


@dataclass
class YamlFile:
    """A parsed file: its data, where each value and key starts, and what was wrong."""

    label: str
    data: object = None
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def position(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """Where `path` (or its nearest existing ancestor) starts; keys point at the key."""
        while path:
            table = self.keys if key else self.values
            if path in table:
                return table[path]
            if path in self.values:
                return self.values[path]
            path = path[:-1]
            key = False
        return self.values.get((), (1, 1))

    def problem(self, path: Path_, message: str, *, key: bool = False) -> Problem:
        line, column = self.position(path, key=key)
        return Problem(self.label, line, column, format_path(path), message)


def format_path(path: Path_) -> str:
    """Render ('programs', 2, 'tier') as programs[2].tier, the way authors read it."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def read_yaml(path: Path, label: str) -> YamlFile:
    """Parse `path`; problems are collected on the result instead of raised."""
    try:
        text = read_text(path, label)
    except SourceProblem as exc:
        result = YamlFile(label)
        result.problems.append(exc.problem)
        return result
    return parse_yaml(text, label)


def parse_yaml(text: str, label: str) -> YamlFile:
    """Parse the text of the file known as `label`."""
    result = YamlFile(label)
    if _CONTENT.search(text) is None:  # blank lines and comments only
        result.problems.append(
            Problem.of_file(label, tr("file is empty (write the definition, or delete the file)"))
        )
        return result
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        result.problems.append(_syntax_problem(label, text, exc))
        return result
    except yaml.reader.ReaderError as exc:
        result.problems.append(_reader_problem(label, text, exc))
        return result
    builder = _Builder(result, text)
    result.data = builder.build(node, ())
    return result


def _reader_problem(label: str, text: str, exc: yaml.reader.ReaderError) -> Problem:
    """A character YAML does not allow (control characters are invisible in most editors)."""
    # libyaml reads the UTF-8 encoding: its position counts bytes, not characters.
    at = exc.position
    if _LOADER is not yaml.SafeLoader:
        at = len(text.encode("utf-8")[: exc.position].decode("utf-8", errors="ignore"))
    line = text.count("\n", 0, at) + 1
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or " ")
    message = tr("invisible control character U+{code}: delete it (retype the text around it)")
    message = message.format(code=f"{code:04X}")
    return Problem(label, line, column, "", message)


def _syntax_problem(label: str, text: str, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    lines = text.splitlines()
    problem = exc.problem or ""
    if mark and "\t" in (lines[mark.line] if mark.line < len(lines) else ""):
        return Problem(
            label, line, column, "", tr("tab character: indent YAML with spaces, not tabs")
        )
    mistake = structure_mistake(text, line)
    if mistake is not None:  # typed in full width: at its own line, not where YAML gave up
        return Problem(label, *mistake[:2], "", mistake[2])
    if "maximum nesting depth" in problem:
        message = too_deep()
    elif problem.startswith("mapping values are not allowed"):
        message = tr(
            "a key indented further than the line above, or a value holding ': ': line the "
            "key up with the others, or put the value in quotes"
        )
    else:
        what = problem or exc.context or "invalid YAML"
        message = tr("YAML syntax error: {what} (check indentation, colons and quotes)").format(
            what=what
        )
    return Problem(label, line, column, "", message)


def too_deep() -> str:
    return tr(
        "nested more than {depth} levels deep: check the indentation and the brackets"
    ).format(depth=MAX_DEPTH)


# Japanese (and other CJK) characters, full-width forms included: between two of them a line
# break is no word break, so no space may stand in for it.
_CJK = re.compile(f"[{WIDE}]")


def _refold(node: yaml.ScalarNode, text: str) -> str:
    """Fold a `>` block again, this time without a space where a line break fell between two
    Japanese characters: YAML's own folding writes "解説し、 実際の" otherwise."""
    raw = text[node.start_mark.index : node.end_mark.index]
    lines = raw.split("\n")[1:]  # the first line holds the '>' indicator
    content = [ln for ln in lines if ln.strip()]
    if not content:
        return node.value
    indent = min(len(ln) - len(ln.lstrip(" ")) for ln in content)
    if any(len(ln) - len(ln.lstrip(" ")) > indent for ln in content):
        return node.value  # more-indented lines keep YAML's own rules
    out = ""
    for line in (ln[indent:].rstrip() for ln in lines):
        if not line:
            out += "\n"
        elif out and not out.endswith("\n"):
            joiner = "" if _CJK.match(out[-1]) and _CJK.match(line[0]) else " "
            out += joiner + line
        else:
            out += line
    out = out.strip("\n")
    return out + node.value[len(node.value.rstrip("\n")) :]


class _Builder:
    """Turns a composed node tree into dicts, lists and scalars while recording marks."""

    def __init__(self, result: YamlFile, text: str) -> None:
        self.result = result
        self.text = text
        self.constructor = yaml.SafeLoader("")
        self.count = 0
        self.too_deep = False

    def build(self, node: yaml.Node, path: Path_) -> object:
        self.count += 1
        if self.count > MAX_NODES:
            if self.count == MAX_NODES + 1:
                self._fail(
                    node, path, tr("too many values (aliases expanding?): simplify the file")
                )
            return None
        if len(path) > MAX_DEPTH:
            if not self.too_deep:
                self.too_deep = True
                self._fail(node, path[:3], too_deep())
            return None
        self.result.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if node.tag not in _PLAIN_TAGS:
            message = tr("YAML tag '{tag}' is not allowed (write plain values)")
            self._fail(node, path, message.format(tag=node.tag))
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        if node.style == ">" and node.tag.endswith(":str"):
            return _refold(node, self.text)
        try:
            return self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError) as exc:
            self._fail(
                node,
                path,
                tr("cannot read value {value}: {error}").format(value=repr(node.value), error=exc),
            )
            return None

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict[str, object]:
        out: dict[str, object] = {}
        first: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self._fail(key_node, path, tr("keys must be plain words"))
                continue
            key = key_node.value
            key_line = key_node.start_mark.line + 1
            if key == "<<":
                self._fail(key_node, path, tr("merge keys (<<) are not supported: write keys out"))
                continue
            if key in first:
                self._fail(
                    key_node,
                    (*path, key),
                    tr("duplicate key '{key}' (first at line {line}): keep only one").format(
                        key=key, line=first[key]
                    ),
                )
                continue
            first[key] = key_line
            if key.startswith("x-"):  # vendor extensions: kept out of validation on purpose
                continue
            self.result.keys[(*path, key)] = (key_line, key_node.start_mark.column + 1)
            out[key] = self.build(value_node, (*path, key))
        return out

    def _fail(self, node: yaml.Node, path: Path_, message: str) -> None:
        mark = node.start_mark
        self.result.problems.append(
            Problem(self.result.label, mark.line + 1, mark.column + 1, format_path(path), message)
        )
