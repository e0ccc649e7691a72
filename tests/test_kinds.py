"""Kinds by capability: a site adds a kind of program (an in-person, multi-day, paid
workshop with sessions and a venue) as one class registered from a MkDocs hook, plus its
template, and the portal loads, validates and builds with it like with a built-in kind: its
words, its section of the phase page, its catalogue and its line on the start page come from
its class, and the command line offers it."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

import extruct
import pytest
from click.testing import CliRunner
from icalendar import Calendar

from generator.authoring.schema import schemas
from generator.cli import cli
from generator.feeds.catalog import catalog
from generator.search.documents import KINDS as PAGE_KINDS
from generator.site.pages import site_files
from generator.site.render import Renderer
from generator.source import model as m
from tests.helpers import FIXTURES, edit, load, mkdocs_build, problems, text_of
from tools.catalog import extract

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
    # Search engines read it as an event held at its venue, over its two days.
    found = extruct.extract(page, syntaxes=["json-ld"])["json-ld"]
    (course, event) = [i for i in found[0]["@graph"] if i["@type"] in ("Course", "Event")]
    assert event["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    venue = "Example Tokyo office, 1-2-3 Marunouchi"
    assert event["location"] == {"@type": "Place", "name": venue, "address": venue}
    assert (event["startDate"], event["endDate"]) == (
        "2027-01-12T09:00:00+09:00",
        "2027-01-13T16:00:00+09:00",
    )
    assert event["url"] == "https://example.com/portal/programs/ws-deploy.html"
    assert course["hasCourseInstance"][0]["courseMode"] == "onsite"
    # Its words and its section, declared in its class.
    phase = text_of(site / "phases" / "start.html")
    assert "Workshops" in phase and "Workshop (in person) · 420 min" in phase
    assert phase.index("Ask the Experts (ATX)") < phase.index("Workshops")
    assert "Workshop catalogue" in text_of(site / "workshops.html")
    home = text_of(site / "index.html")
    assert "Workshops : Hands-on days at our office, with our engineers." in home
    assert 'href="workshops.html"' in (site / "index.html").read_text(encoding="utf-8")


def test_the_built_in_kinds_words_are_extracted_from_their_classes() -> None:
    """`./dev messages` finds a kind's words where the kind is declared, so a new kind's
    Japanese is one more entry in the portal's catalog, nothing else."""
    found = extract("portal")
    where = "generator/source/model/kinds.py"
    for word in ("ATX (one-to-many webinar)", "Accelerator catalogue", "Video"):
        assert any(place.startswith(where) for place in found[word]), found[word]
    # Each section's heading and what the start page says of it.
    assert any(
        place.startswith(where) for place in found["Guides and videos: for everyone, at any time."]
    )


def test_the_command_line_offers_a_kind_registered_after_it_was_imported(
    workshop: type[m.ProgramBase], project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--kind` reads the registry when the command runs: the CLI was imported (above) long
    before the kind was registered."""
    assert "workshop" in PAGE_KINDS
    monkeypatch.chdir(project)
    result = CliRunner().invoke(
        cli, ["new", "program", "start", "ws-new", "--kind", "workshop", "--title", "Another"]
    )
    assert result.exit_code == 0, result.output
    written = (project / "phases" / "start.yml").read_text(encoding="utf-8")
    assert "id: ws-new" in written and "kind: workshop" in written and "days: 2" in written


class Clinic(m.ProgramBase):
    """A drop-in hour with an engineer: no length of its own, a section and a catalogue."""

    touch = "low"
    section = m.Section("clinics", "Clinics", "Drop in with a question.", order=25)
    name = short = "Clinic"
    catalogue = m.Catalogue("clinics.md", "Clinic catalogue", nav="Clinics")
    kind: Literal["clinic"]
    title: m.Line


@pytest.fixture
def clinic(workshop: type[m.ProgramBase], project: Path) -> Iterator[Path]:
    """The workshop site with a clinic: a kind registered in this process, its program and
    its template."""
    m.register_kind(Clinic)
    edit(
        project / "phases" / "start.yml",
        "programs:\n",
        "programs:\n  - {id: clinic-start, kind: clinic, title: Ask us, tier: free}\n",
    )
    (project / "templates" / "kinds" / "clinic.md.j2").write_text("Come by.\n", encoding="utf-8")
    yield project
    m.unregister_kind("clinic")


def test_a_kind_lists_itself_by_its_capabilities_only(clinic: Path) -> None:
    """A kind without `duration_minutes` gets a dash in its catalogue's Duration column;
    its section sits where its order says, between ATX (20) and accelerators (30); the start
    page lists it with a link to its catalogue."""
    portal = load(clinic)
    renderer = Renderer(portal, overrides=clinic / "templates", lang="en", directory_urls=False)
    pages = {
        f.src: f.content
        for f in site_files(portal, renderer, site_url=None, directory_urls=False)
        if isinstance(f.content, str)
    }
    assert '<td data-label="Duration">—</td>' in pages["clinics.md"]
    assert "# Clinic catalogue" in pages["clinics.md"]
    headings = [line for line in pages["phases/start.md"].splitlines() if line.startswith("### ")]
    assert headings == [
        "### Self&#45;service &#40;guides and videos&#41; {#self-service}",
        "### Ask the Experts &#40;ATX&#41; {#atx}",
        "### Clinics {#clinics}",
        "### Workshops {#workshops}",
    ]
    assert "- **[Clinics](clinics.md)**: Drop in with a question&#46;" in pages["index.md"]
    assert "Come by." in pages["programs/clinic-start.md"]


def test_a_section_is_declared_once() -> None:
    """Two kinds in one section share its declaration: a second, different one with the
    same id would give the phase page two headings for one anchor."""

    class Other(m.ProgramBase):
        touch = "tech"
        section = m.Section("atx", "Something else", "", order=99)
        kind: Literal["other"]

    with pytest.raises(TypeError, match="use atx's section 'atx' as it is"):
        m.register_kind(Other)
    assert "other" not in m.KINDS
