"""JSON Schemas: of the two source file kinds, so that editors check YAML while it is typed,
and of `/api/catalog.json`, so that its consumers can check what they read."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from generator.feeds.catalog import Catalog
from generator.feeds.plan import PlannedPlan
from generator.source import model as m


def models() -> dict[str, tuple[type[BaseModel], str]]:
    """File name → (model, mode): sources are read (validation), the catalog is written. The
    phase model as built now, with every kind registered."""
    return {
        "lifecycle.schema.json": (m.Lifecycle, "validation"),
        "phase.schema.json": (m.PhaseFile, "validation"),
        "plans.schema.json": (m.PlansFile, "validation"),
        "catalog.schema.json": (Catalog, "serialization"),
    }


def schemas() -> dict[str, str]:
    """File name → schema text, stable from run to run so that it can be committed."""
    out = {}
    for name, (model, mode) in models().items():
        schema = model.model_json_schema(mode=mode)
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = name
        if model is Catalog:  # what `phasebook plan --format json` prints, documented beside
            _add_plan(schema)
        out[name] = json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return out


def _add_plan(schema: dict) -> None:
    """The dated plan's shape, as `$defs.PlannedPlan` of the catalog's schema."""
    plan_schema = PlannedPlan.model_json_schema(ref_template="#/$defs/{model}")
    defs = schema.setdefault("$defs", {})
    defs.update(plan_schema.pop("$defs", {}))
    defs["PlannedPlan"] = plan_schema


def write_schemas(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in schemas().items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
