"""Kinds by capability: a site adds a kind of program (an in-person, multi-day, paid
workshop with sessions and a venue) as one class registered from a MkDocs hook, plus its
template, and the portal loads, validates and builds with it like with a built-in kind."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from generator.authoring.schema import schemas
from generator.feeds.catalog import catalog
from generator.source import model as m
from tests.helpers import FIXTURES, edit, load, mkdocs_build, problems

HOOK = FIXTURES / "workshop" / "hooks" / "workshop.py"


@pytest.fixture
def workshop() -> Iterator[type[m.ProgramBase]]:
    """The workshop kind, registered by running the site's hook as MkDocs would; taken
    out again afterwards, so that no other test sees it."""
    spec = importlib.util.spec_from_file_location("workshop_hook", HOOK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # where pydantic resolves the class's annotations
    spec.loader.exec_module(module)
    yield module.Workshop
    m.unregister_kind("workshop")
    del sys.modules[spec.name]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    target = tmp_path / "workshop"
    shutil.copytree(FIXTURES / "workshop", target)
    return target


def test_a_registered_kind_loads_with_its_capabilities(
    workshop: type[m.ProgramBase], project: Path
) -> None:
    portal = load(project)
    _, program = portal.program("ws-deploy")
    assert isinstance(program, workshop)
    assert program.scheduled and program.in_person and not program.written
    assert portal.tier(program.tier).paid
    (session,) = portal.upcoming(program)
    # Two days of seven hours: from 09:00 on the first day to 16:00 on the second.
    assert m.session_ends(program, session) == datetime(2027, 1, 13, 7, tzinfo=UTC)
    assert portal.languages(program) == ["en"]
    assert portal.touch("premier") == ["tech", "low", "high"]


def test_a_registered_kind_is_in_the_schema_and_the_catalogue(
    workshop: type[m.ProgramBase], project: Path
) -> None:
    assert "workshop" in m.KINDS
    phase_schema = json.loads(schemas()["phase.schema.json"])
    assert "Workshop" in phase_schema["$defs"]
    catalog_schema = json.loads(schemas()["catalog.schema.json"])
    assert "workshop" in catalog_schema["$defs"]["ProgramOut"]["properties"]["kind"]["enum"]
    data = catalog(load(project), "https://example.com/portal/")
    (row,) = [p for p in data.programs if p.id == "ws-deploy"]
    assert (row.kind, row.touch, row.paid) == ("workshop", "high", True)
    (session,) = [s for s in data.sessions if s.program == "ws-deploy"]
    assert session.ends - session.starts == timedelta(days=1, hours=7)


def test_a_registered_kind_is_validated_like_the_others(
    workshop: type[m.ProgramBase], project: Path
) -> None:
    phase = project / "phases" / "start.yml"
    edit(phase, "    venue: Example Tokyo office, 1-2-3 Marunouchi\n", "")
    edit(phase, "    days: 2\n", "    dayz: 2\n")
    found = problems(project)
    assert any(
        p.startswith("phases/start.yml:") and "required field 'venue' is missing" in p
        for p in found
    ), found
    assert any("unknown key 'dayz' (did you mean 'days'?)" in p for p in found), found


def test_without_its_registration_the_kind_is_unknown(project: Path) -> None:
    assert "workshop" not in m.KINDS
    (problem,) = problems(project)
    assert "unknown kind 'workshop' (one of: atx, accelerator, guide, video)" in problem


def test_a_site_with_a_registered_kind_builds(project: Path) -> None:
    """The hook registers the kind in MkDocs' process, the site's folder gives its template:
    its page, its catalogue and its calendar events are built like a built-in kind's."""
    site = project / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    page = (site / "programs" / "ws-deploy.html").read_text(encoding="utf-8")
    assert "Deployment workshop" in page
    assert "Example Tokyo office" in page
    assert "ws-deploy.html" in (site / "workshops.html").read_text(encoding="utf-8")
    assert "ws-deploy.html" in (site / "phases" / "start.html").read_text(encoding="utf-8")
    feed = Calendar.from_ical((site / "schedule.ics").read_bytes())
    (event,) = [e for e in feed.walk("VEVENT") if str(e["UID"]).startswith("ws-deploy-")]
    assert str(event["LOCATION"]) == "Example Tokyo office, 1-2-3 Marunouchi"
    assert str(event["SUMMARY"]).endswith("Deployment workshop")
    ends = event.decoded("DTEND") - event.decoded("DTSTART")
    assert ends == timedelta(days=1, hours=7)
    assert str(event["URL"]) == "https://example.com/portal/programs/ws-deploy.html"
    data = json.loads((site / "api" / "catalog.json").read_text(encoding="utf-8"))
    assert {p["id"]: p["kind"] for p in data["programs"]}["ws-deploy"] == "workshop"
