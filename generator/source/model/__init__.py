"""The source format as pydantic models: the contract with CS staff, and its JSON Schema.

Models are frozen: once loaded and cross-checked, every view reads the same immutable data.
Optional fields may be added freely; renaming or removing one breaks every vendor's content.
Callers read everything as `m.<name>` (`from generator.source import model as m`):

- fields.py: ids, codes, texts and URLs as types, and the English templates of their errors
- sessions.py: sessions and their repeats
- files.py: lifecycle.yml, and a phase file's fields besides its programs
- program.py: what every program has; what a kind declares (capabilities, words, section)
- registry.py: the registry of kinds, and what is built from it (`PhaseFile`, sections …)
- kinds.py: the built-in kinds, each registered where it is written
- plans.py: success-plan templates (phases/plans.yml)
- portal.py: the loaded portal every view reads
"""

from __future__ import annotations

from typing import Any

from generator.source.model import registry
from generator.source.model.fields import (
    ANY_LANGUAGE,
    ERRORS,
    FIRST_YEAR,
    LANG,
    LAST_YEAR,
    SLUG,
    Flag,
    HttpsUrl,
    Language,
    Level,
    Line,
    LineStr,
    Minutes,
    RequestUrl,
    Slug,
    Stamp,
    Strict,
    Text,
    control_character,
    invalid,
    stamp,
)
from generator.source.model.files import (
    GAP_CODES,
    Acceptance,
    ExitCriterion,
    FaqItem,
    Lifecycle,
    PhaseFields,
    PortalInfo,
    Stage,
    Tier,
)
from generator.source.model.kinds import Accelerator, Atx, Guide, Video
from generator.source.model.plans import (
    DEFAULT_DAYS,
    Milestone,
    PlanPhase,
    PlansFile,
    PlanTemplate,
    spread,
)
from generator.source.model.portal import (
    TOUCHES,
    Dated,
    PhaseView,
    Portal,
    session_ends,
    text,
    text_key,
)
from generator.source.model.program import Catalogue, ProgramBase, Section
from generator.source.model.registry import (
    KIND_MODELS,
    catalogues,
    kind_name,
    register_kind,
    sections,
    unregister_kind,
)
from generator.source.model.sessions import (
    EVERY,
    MAX_OCCURRENCES,
    Repeat,
    Session,
    occurrences,
    repeated,
)

# Built from the registry, so always as it is now: read them as m.<name>, at the time of use.
BUILT_NAMES = ("KINDS", "TOUCH", "ProgramT", "Program", "PhaseFile")


def __getattr__(name: str) -> Any:
    """KINDS, TOUCH, ProgramT, Program and PhaseFile, as built from the registry of kinds
    at this moment (a kind registered later is in them)."""
    if name in BUILT_NAMES:
        return registry.built(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ANY_LANGUAGE",
    "BUILT_NAMES",
    "DEFAULT_DAYS",
    "ERRORS",
    "EVERY",
    "FIRST_YEAR",
    "GAP_CODES",
    "KIND_MODELS",
    "LANG",
    "LAST_YEAR",
    "MAX_OCCURRENCES",
    "SLUG",
    "TOUCHES",
    "Accelerator",
    "Acceptance",
    "Atx",
    "Catalogue",
    "Dated",
    "ExitCriterion",
    "FaqItem",
    "Flag",
    "Guide",
    "HttpsUrl",
    "Language",
    "Level",
    "Lifecycle",
    "Line",
    "LineStr",
    "Milestone",
    "Minutes",
    "PhaseFields",
    "PhaseView",
    "PlanPhase",
    "PlanTemplate",
    "PlansFile",
    "Portal",
    "PortalInfo",
    "ProgramBase",
    "Repeat",
    "RequestUrl",
    "Section",
    "Session",
    "Slug",
    "Stage",
    "Stamp",
    "Strict",
    "Text",
    "Tier",
    "Video",
    "catalogues",
    "control_character",
    "invalid",
    "kind_name",
    "occurrences",
    "register_kind",
    "repeated",
    "sections",
    "session_ends",
    "spread",
    "stamp",
    "text",
    "text_key",
    "unregister_kind",
]
