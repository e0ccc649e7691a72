"""Phase files on their way through validation, and their programs read two ways."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from generator.i18n.messages import language
from generator.source import model as m
from generator.source.memo import Kept
from generator.source.yamlfile import YamlFile
from generator.text.errors import Problem


@dataclass
class PhaseSource:
    """A phase file on its way through validation; `model` is None when it did not pass."""

    stem: str
    source: YamlFile
    model: m.PhaseFile | None


def checked_programs(
    phases: list[PhaseSource],
) -> Iterator[tuple[PhaseSource, int, m.ProgramBase]]:
    """Every program of the phase files that passed their schema, with its index."""
    for phase in phases:
        for i, program in enumerate(phase.model.programs if phase.model else []):
            yield phase, i, program


def per_phase(
    kept: Kept, phase: PhaseSource, made_from: tuple, check: Callable[[], Iterable[Problem]]
) -> list[Problem]:
    """A check of one phase file alone, kept while the file, what else the check reads
    (`made_from`) and the language of messages stay the same: a preview save checked the
    programs of every file again, where one file changed."""
    key = (phase.source, phase.model, *made_from, language())
    return kept.get(phase.source.label, key, lambda: list(check()))


def raw_programs(phases: list[PhaseSource], key: str) -> Iterator[tuple[PhaseSource, int, Any]]:
    """Program fields straight from the YAML, so that a file failing its schema still counts
    as defining its ids (and no reference to them is reported as unknown)."""
    for phase in phases:
        data = phase.source.data
        programs = data.get("programs") if isinstance(data, dict) else None
        for i, program in enumerate(programs if isinstance(programs, list) else []):
            if isinstance(program, dict) and key in program:
                yield phase, i, program[key]
