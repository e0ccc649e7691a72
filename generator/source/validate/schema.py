"""One source file against its model: every failure located at the file, line and column
of the key or value to fix, and said once (a misplaced key is not also a missing one)."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from generator.i18n.messages import tr
from generator.source import model as m
from generator.source.validate import messages
from generator.source.yamlfile import Path_, YamlFile, format_path
from generator.text.errors import Problem
from generator.text.keyboard import key_mistake, narrow

T = TypeVar("T", bound=BaseModel)


def against_schema(cls: type[T], source: YamlFile) -> T | None:
    """Validate one file's data; on failure add located problems to `source` and return None."""
    if source.problems:
        return None
    if not isinstance(source.data, dict):  # a list, a lone value, or `null`
        source.problems.append(
            source.problem((), tr("expected a mapping of keys (e.g. 'id: ...') at the top level"))
        )
        return None
    try:
        return cls.model_validate(source.data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        moved = _misindented(source, errors)
        source.problems += [problem for problem, _ in moved]
        paired = {id(e) for _, pair in moved for e in pair}
        source.problems += [_located(source, e) for e in errors if id(e) not in paired]
        return None


def _misindented(source: YamlFile, errors: list) -> list[tuple[Problem, tuple]]:
    """A key typed in full width, or written at the wrong indentation, shows up twice:
    unknown where it landed and missing where it belongs. Said once, as what it is."""
    extras = [e for e in errors if e["type"] == "extra_forbidden"]
    found, used = [], set()
    for error in (e for e in errors if e["type"] == "missing"):
        key = error["loc"][-1]
        extra = next(
            (x for x in extras if id(x) not in used and narrow(str(x["loc"][-1])).strip() == key),
            None,
        )
        if extra is None:
            continue
        used.add(id(extra))
        landed, _ = _data_path(source.data, extra["loc"])
        belongs, _ = _data_path(source.data, error["loc"][:-1])
        line, column = source.position(landed, key=True)
        if landed[:-1] == belongs:
            message = key_mistake(str(landed[-1]), messages.field_names()) or ""
        else:
            message = tr(
                "'{key}' is indented as a key of {landed}, but belongs to {belongs}: line it "
                "up with the other keys of {belongs}"
            ).format(
                key=key,
                landed=format_path(landed[:-1]) or tr("the top level"),
                belongs=format_path(belongs) or tr("the top level"),
            )
        problem = Problem(source.label, line, column, format_path(landed), message)
        found.append((problem, (error, extra)))
    return found


def _located(source: YamlFile, error: Any) -> Problem:
    path, missing = _data_path(source.data, error["loc"])
    if error["type"].startswith("union_tag") and not missing:
        missing = ("kind",)  # point at the wrong kind, not at the whole program
        if _has_key(source.data, path, "kind"):
            path, missing = (*path, "kind"), ()
    label = format_path(path + missing)
    line, column = source.position(path, key=error["type"] == "extra_forbidden")
    return Problem(
        source.label, line, column, label, messages.message(error, (path + missing)[-1:])
    )


def _has_key(data: object, path: Path_, key: str) -> bool:
    for part in path:
        data = data[part]  # type: ignore[index]
    return isinstance(data, dict) and key in data


def _data_path(data: object, loc: tuple) -> tuple[Path_, Path_]:
    """Split pydantic's loc into the part present in the data and the missing rest.

    A discriminated union puts the tag ('atx') into loc although the data has no such key;
    those steps are dropped.
    """
    path: list[str | int] = []
    current = data
    for i, part in enumerate(loc):
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and part < len(current):
            current = current[part]
        elif isinstance(current, dict) and part == current.get("kind"):
            continue
        else:
            return tuple(path), tuple(p for p in loc[i:] if p not in m.KINDS)
        path.append(part)
    return tuple(path), ()
