"""`phasebook validate` and `phasebook schema`, run as a CS author would run them."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import yaml

from tests.helpers import ROOT, phasebook


def test_validate_prints_a_summary_of_the_example_portal() -> None:
    result = phasebook(ROOT, "validate", str(ROOT))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "OK: 8 phases, 31 programs (13 ATX, 6 accelerators, 8 guides, 4 videos), "
        "22 upcoming sessions"
    )


def test_validate_lists_problems_and_exits_1(minimal: Path) -> None:
    run = minimal / "phases" / "run.yml"
    run.write_text(run.read_text(encoding="utf-8").replace("https:", "http:"), encoding="utf-8")
    result = phasebook(ROOT, "validate", str(minimal))
    assert result.returncode == 1
    assert "1 problem in the portal sources:" in result.stderr
    assert "phases/run.yml:9:10: programs[0].url:" in result.stderr
    assert "Traceback" not in result.stderr


def test_schema_matches_the_committed_files_and_accepts_the_examples(tmp_path: Path) -> None:
    result = phasebook(ROOT, "schema", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    for name in ("lifecycle.schema.json", "phase.schema.json", "plans.schema.json"):
        committed = (ROOT / "schema" / name).read_text(encoding="utf-8")
        assert (tmp_path / name).read_text(encoding="utf-8") == committed, (
            f"schema/{name} is stale: run `phasebook schema`"
        )
    phase_schema = json.loads((tmp_path / "phase.schema.json").read_text(encoding="utf-8"))
    plans_schema = json.loads((tmp_path / "plans.schema.json").read_text(encoding="utf-8"))
    for path in sorted((ROOT / "phases").glob("*.yml")):
        if path.name == "lifecycle.yml":
            continue
        # Editors see timestamps as strings, as the schema describes them.
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=StringTimestamps)
        schema = plans_schema if path.name == "plans.yml" else phase_schema
        jsonschema.validate(data, schema)


class StringTimestamps(yaml.SafeLoader):
    """YAML as a schema-aware editor reads it: timestamps stay text."""


StringTimestamps.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if not tag.endswith(":timestamp")]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def test_example_files_point_editors_at_the_schema() -> None:
    for path in sorted((ROOT / "phases").glob("*.yml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        kind = {"lifecycle.yml": "lifecycle", "plans.yml": "plans"}.get(path.name, "phase")
        assert first == f"# yaml-language-server: $schema=../schema/{kind}.schema.json", path
