"""The one registry of program kinds, and every model built from it.

A kind is registered where it is written (`@register_kind` above its class: kinds.py for the
built-in ones, a site's MkDocs hook or a test for others). What depends on which kinds exist
(the discriminated union a phase file's `programs` are read with, the phase-file model and
its JSON Schema, the kinds' names, the sections of a phase page, the catalogues) is read
from here when it is needed, so a kind registered later is in all of it.
"""

from __future__ import annotations

import functools
import operator
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import Field, create_model

from generator.source.model.files import Acceptance, PhaseFields
from generator.source.model.program import ProgramBase, Section

# Every kind by its `kind:` value, in registration order (the order of schemas and lists).
KIND_MODELS: dict[str, type[ProgramBase]] = {}
# What is built from KIND_MODELS, read through `generator.source.model` by name: KINDS,
# TOUCH, ProgramT (the union), Program (the union with its discriminator), PhaseFile. Built
# when first asked for after a registration (some 8 ms a build: not once per built-in kind).
_BUILT: dict[str, dict[str, Any]] = {}


def kind_name(cls: type[ProgramBase]) -> str:
    """The `kind:` value a kind's class is read for: the one value of its `kind` Literal."""
    field = cls.model_fields.get("kind")
    annotation = field.annotation if field is not None else None
    values = get_args(annotation) if get_origin(annotation) is Literal else ()
    if len(values) != 1 or not isinstance(values[0], str):
        raise TypeError(f"{cls.__name__} needs a field `kind: Literal['<its name>']`")
    return values[0]


def register_kind(cls: type[ProgramBase]) -> type[ProgramBase]:
    """Add `cls` as the kind its `kind` Literal names (replacing a kind of that name).
    Returns `cls`: written as `@register_kind` above the class."""
    if not (isinstance(cls, type) and issubclass(cls, ProgramBase)):
        raise TypeError(f"{cls!r} is not a subclass of ProgramBase")
    kind, section = kind_name(cls), getattr(cls, "section", None)
    if not isinstance(section, Section):
        raise TypeError(f"{cls.__name__} needs a `section`: a Section of the phase page")
    for other, known in KIND_MODELS.items():
        if other != kind and known.section.id == section.id and known.section != section:
            raise TypeError(f"{cls.__name__}: use {other}'s section '{section.id}' as it is")
    KIND_MODELS[kind] = cls
    _BUILT.clear()
    return cls


def unregister_kind(kind: str) -> None:
    """Take a registered kind out again (a test fixture's teardown)."""
    del KIND_MODELS[kind]
    _BUILT.clear()


def built(name: str) -> Any:
    """One of the models and names built from the registry as it is now."""
    current = _BUILT.get("now")
    if current is None:
        current = _BUILT["now"] = _build()
    return current[name]


def catalogues() -> dict[str, str]:
    """kind → the source of its catalogue page, for the kinds that have one."""
    return {kind: cls.catalogue.src for kind, cls in KIND_MODELS.items() if cls.catalogue}


def sections() -> list[Section]:
    """The sections of a phase page that the registered kinds are listed in, in order."""
    found = {cls.section.id: cls.section for cls in KIND_MODELS.values()}
    return sorted(found.values(), key=lambda section: section.order)


def _build() -> dict[str, Any]:
    union = functools.reduce(operator.or_, KIND_MODELS.values())
    program = Annotated[union, Field(discriminator="kind")]
    phase_file = create_model(
        "PhaseFile",
        __base__=PhaseFields,
        __doc__=PhaseFields.__doc__,
        __module__="generator.source.model",
        programs=(list[program], []),  # type: ignore[valid-type]
        report=(Acceptance | None, None),
    )
    return {
        "KINDS": tuple(KIND_MODELS),
        "TOUCH": {kind: cls.touch for kind, cls in KIND_MODELS.items()},
        "ProgramT": union,
        "Program": program,
        "PhaseFile": phase_file,
    }
