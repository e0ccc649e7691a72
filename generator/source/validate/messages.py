"""Pydantic's errors said as what to write instead, in the author's language.

Pydantic's messages are precise but speak Python ("Input should be a valid integer"); an
author needs the key, the value and the fix ("expected a whole number, got 'sixty'").
"""

from __future__ import annotations

import difflib
import functools
from typing import Any

from generator.i18n.messages import N_, tr
from generator.source import model as m
from generator.source.yamlfile import Path_
from generator.text.keyboard import key_mistake, value_mistake

# The models whose keys an author may type, besides every kind's (read from the registry).
_FILE_MODELS = (m.Lifecycle, m.PortalInfo, m.Stage, m.Tier, m.ExitCriterion, m.FaqItem, m.Session)


def field_names() -> set[str]:
    """Every key the source format knows, for "did you mean …?": of the kinds registered now."""
    return set(_field_names(tuple(m.KIND_MODELS.values())))


@functools.cache
def _field_names(kinds: tuple[type[m.ProgramBase], ...]) -> frozenset[str]:
    names: set[str] = set()
    for cls in (*_FILE_MODELS, m.PhaseFile, *kinds):
        names.update(cls.model_fields)
    return frozenset(names)


def message(error: Any, last: Path_) -> str:
    """What an author reads for one pydantic error at the key `last`."""
    what = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    name = last[0] if last else ""
    if what in ("slug", "language", "every", "timezone") and value_mistake(value):
        return value_mistake(value) or ""  # an id or code typed in full width
    if what in m.ERRORS:
        return tr(m.ERRORS[what]).format(**ctx)
    if what == "missing":
        return tr("required field '{name}' is missing (add it)").format(name=name)
    if what == "extra_forbidden":
        return _unknown_key(str(name))
    if what == "union_tag_not_found":
        return tr("'kind' is missing (one of: {kinds})").format(kinds=", ".join(m.KINDS))
    if what == "union_tag_invalid":
        return tr("unknown kind '{kind}' (one of: {kinds})").format(
            kind=ctx.get("tag"), kinds=", ".join(m.KINDS)
        )
    if what == "literal_error":
        return tr("'{value}' is not allowed (one of: {allowed})").format(
            value=value, allowed=ctx.get("expected", "").replace(" or ", ", ")
        )
    if what == "timezone_aware":
        return tr("date and time has no UTC offset (write it like 2026-12-03T10:00:00+09:00)")
    if what.startswith(("datetime_", "date_")):
        return value_mistake(value) or _not_a_date(what, value)
    return _type_message(what, ctx, value) or error["msg"]


def _unknown_key(name: str) -> str:
    known = field_names()
    typed = key_mistake(name, known)
    if typed:
        return typed
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.75)
    if close:
        return tr("unknown key '{name}' (did you mean '{close}'?)").format(
            name=name, close=close[0]
        )
    return tr("unknown key '{name}' (remove it, or prefix it with 'x-')").format(name=name)


def _not_a_date(what: str, value: object) -> str:
    if what.startswith("date_"):
        return tr("'{value}' is not a date (write it like 2027-02-28)").format(value=value)
    return tr("'{value}' is not a date and time (write it like 2026-12-03T10:00:00+09:00)").format(
        value=value
    )


# What a value of each type looks like in YAML, for "expected …, got …".
_EXPECTED = {
    "string_type": N_("text"),
    "list_type": N_("a list (lines starting with '- ')"),
    "dict_type": N_("a mapping (lines of 'key: value')"),
    "model_type": N_("a mapping (lines of 'key: value')"),
    "model_attributes_type": N_("a mapping (lines of 'key: value')"),
    "bool_type": N_("true or false"),
    "bool_parsing": N_("true or false"),
    "int_type": N_("a whole number"),
    "int_parsing": N_("a whole number"),
    "int_from_float": N_("a whole number"),
}


def _type_message(what: str, ctx: dict, value: object) -> str | None:
    got = _describe(value)
    # Full width is a keyboard mistake where a number or flag was wanted; where a list or a
    # mapping was, narrowing it would not help (「使えますか？」 under `faq:` is a question).
    structured = ("string_type", "list_type", "dict_type", "model_type", "model_attributes_type")
    typed = value_mistake(value) if what not in structured else None
    if typed:
        return typed
    if what in ("string_type", "dict_type") and isinstance(value, bool | int | float):
        return tr(
            "expected text, got {got}: YAML reads yes, no, on, off, numbers and times such as "
            "12:30 as values, so put the text in quotes"
        ).format(got=got)
    if what in _EXPECTED:
        return tr("expected {expected}, got {got}").format(expected=tr(_EXPECTED[what]), got=got)
    if what == "greater_than":
        return tr("{value} is out of range (must be greater than {bound})").format(
            value=value, bound=ctx.get("gt")
        )
    if what == "less_than_equal":
        return tr("{value} is out of range (must be at most {bound})").format(
            value=value, bound=ctx.get("le")
        )
    if what == "too_short":
        return tr("needs at least {count} item(s)").format(count=ctx.get("min_length"))
    return None


def _describe(value: object) -> str:
    if value is None:
        return tr("nothing")
    if isinstance(value, dict):
        return tr("a mapping")
    if isinstance(value, list):
        return tr("a list")
    if isinstance(value, bool):
        return str(value).lower()
    return repr(value) if isinstance(value, str) else f"{type(value).__name__} {value}"
