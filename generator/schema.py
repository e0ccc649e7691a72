"""JSON Schemas of the two source file kinds, so that editors check YAML while it is typed."""

from __future__ import annotations

import json
from pathlib import Path

from generator.model import Lifecycle, PhaseFile

SCHEMAS = {"lifecycle.schema.json": Lifecycle, "phase.schema.json": PhaseFile}


def schemas() -> dict[str, str]:
    """File name → schema text, stable from run to run so that it can be committed."""
    out = {}
    for name, model in SCHEMAS.items():
        schema = model.model_json_schema(mode="validation")
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = name
        out[name] = json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return out


def write_schemas(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in schemas().items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
