"""The one registry of program kinds, and every model built from it.

What depends on which kinds exist (the discriminated union a phase file's `programs` are
read with, the phase-file model and its JSON Schema, the kinds' names) is built here from
the registry, and built again when a kind is registered: so a kind is one class wherever it
is written, and a site's MkDocs hook or a test fixture can add one with `register_kind`.
"""

from __future__ import annotations

import functools
import operator
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import Field, create_model

from generator.source.model.files import Acceptance, PhaseFields
from generator.source.model.kinds import BUILT_IN, ProgramBase

# Every kind by its `kind:` value, in registration order (the order of schemas and lists).
KIND_MODELS: dict[str, type[ProgramBase]] = {}
# What is built from KIND_MODELS, read through `generator.source.model` by name: KINDS,
# TOUCH, ProgramT (the union), Program (the union with its discriminator), PhaseFile.
BUILT: dict[str, Any] = {}


def kind_name(cls: type[ProgramBase]) -> str:
    """The `kind:` value a kind's class is read for: the one value of its `kind` Literal."""
    field = cls.model_fields.get("kind")
    annotation = field.annotation if field is not None else None
    values = get_args(annotation) if get_origin(annotation) is Literal else ()
    if len(values) != 1 or not isinstance(values[0], str):
        raise TypeError(f"{cls.__name__} needs a field `kind: Literal['<its name>']`")
    return values[0]


def register_kind(cls: type[ProgramBase]) -> type[ProgramBase]:
    """Add `cls` as the kind its `kind` Literal names (replacing a kind of that name) and
    rebuild the models read from the registry. Returns `cls`: it serves as a decorator."""
    if not (isinstance(cls, type) and issubclass(cls, ProgramBase)):
        raise TypeError(f"{cls!r} is not a subclass of ProgramBase")
    KIND_MODELS[kind_name(cls)] = cls
    _build()
    return cls


def unregister_kind(kind: str) -> None:
    """Take a registered kind out again (a test fixture's teardown)."""
    del KIND_MODELS[kind]
    _build()


def catalogues() -> dict[str, str]:
    """kind → the source of its catalogue page, for the kinds that have one."""
    return {kind: cls.catalogue for kind, cls in KIND_MODELS.items() if cls.catalogue}


def _build() -> None:
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
    BUILT.update(
        KINDS=tuple(KIND_MODELS),
        TOUCH={kind: cls.touch for kind, cls in KIND_MODELS.items()},
        ProgramT=union,
        Program=program,
        PhaseFile=phase_file,
    )


KIND_MODELS.update({kind_name(cls): cls for cls in BUILT_IN})
_build()
