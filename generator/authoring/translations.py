"""Texts a portal shows in a language nobody wrote them in: a plain string, or a mapping
that lacks a language, falls back to the first language, so the English twin of a Japanese
portal shows 利用 and 定着 where nobody wrote "Use" and "Adopt". `report` lists them as the
gap `untranslated`, once per file and language, at the first such text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from generator.i18n.messages import tr
from generator.source import model as m
from generator.source.load import LIFECYCLE
from generator.source.yamlfile import Path_, format_path, read_yaml

# What customers read. Left out on purpose: `experiences`, `provided` and `report.reason`
# (the team's own notes), `vendor` and `product` (names), ids, URLs and dates.
_TEXT_KEYS = frozenset({"title", "name", "summary", "description", "text", "target", "price"})
_LIST_KEYS = frozenset({"tasks", "topics", "outcomes", "includes"})
_SHOWN = 3  # fields named in one gap; the rest are counted


def untranslated(portal: m.Portal, phases_dir: Path) -> list[tuple[str, int, int, str, str]]:
    """(file, line, column, subject, message) for each file and each language after the
    first that lacks a translation of some text in it."""
    first, others = portal.info.languages[0], portal.info.languages[1:]
    files = [(phases_dir / LIFECYCLE, "lifecycle")]
    files += [(phases_dir / f"{v.phase.id}.yml", v.phase.id) for v in portal.phases]
    out = []
    for path, subject in files if others else ():
        label = f"{phases_dir.name}/{path.name}"
        parsed = read_yaml(path, label)
        texts = list(_texts(parsed.data, ()))
        for lang in others:
            missing = [where for where, text in texts if not _has(text, lang)]
            if missing:
                line, column = parsed.position(missing[0])
                message = _message(first, lang, missing)
                out.append((label, line, column, subject, message))
    return out


def _message(first: str, lang: str, missing: list[Path_]) -> str:
    fields = ", ".join(format_path(p) for p in missing[:_SHOWN])
    if len(missing) > _SHOWN:
        fields += tr(" and {count} more").format(count=len(missing) - _SHOWN)
    return tr(
        "not translated into {lang}: {fields}: write each as {{{first}: …, {lang}: …}}, "
        "else the {lang} pages show the {first} text"
    ).format(lang=lang, fields=fields, first=first)


def _texts(node: object, path: Path_) -> Iterator[tuple[Path_, object]]:
    """Every text customers read, with where it is."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in _TEXT_KEYS and _is_text(value):
                yield (*path, key), value
            elif key in _LIST_KEYS and isinstance(value, list):
                yield from (((*path, key, i), t) for i, t in enumerate(value) if _is_text(t))
            else:
                yield from _texts(value, (*path, key))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _texts(item, (*path, i))


def _is_text(value: object) -> bool:
    """Words, in one language or a mapping of them; ">= 90%" needs no translation."""
    if isinstance(value, dict):
        return bool(value) and all(isinstance(v, str) for v in value.values())
    return isinstance(value, str) and any(c.isalpha() for c in value)


def _has(text: object, lang: str) -> bool:
    return isinstance(text, dict) and bool(text.get(lang))
