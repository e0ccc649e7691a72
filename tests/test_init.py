"""`phasebook init` and `phasebook new stage`: a new CS team starts a portal of its own."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from generator.source.load import load_portal
from tests.helpers import phasebook, tree


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_init_writes_a_portal_that_validates_reports_and_builds(tmp_path: Path, lang: str):
    result = phasebook(tmp_path, "init", "portal", "--lang", lang)
    assert result.returncode == 0, result.stderr
    project = tmp_path / "portal"
    assert phasebook(project, "validate").stdout.startswith("OK: 1 phases, 1 programs")
    report = phasebook(project, "report", "--strict")
    assert report.returncode == 0, report.stdout
    built = phasebook(project, "build")
    assert built.returncode == 0, built.stderr
    home = (project / "site" / "index.html").read_text(encoding="utf-8")
    assert f'<html lang="{lang}"' in home
    guide = project / "site" / "guides" / "getting-started" / "index.html"
    assert guide.exists() and "pb-meta" in guide.read_text(encoding="utf-8")
    portal = load_portal(project / "phases", project / "content", root=project)
    assert portal.language == lang
    assert [t.paid for t in portal.lifecycle.tiers] == [False, True]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_schema_line_resolves_from_its_file(tmp_path: Path, lang: str) -> None:
    assert phasebook(tmp_path, "init", "p", "--lang", lang).returncode == 0
    for path in (tmp_path / "p" / "phases").glob("*.yml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=")
        schema = (path.parent / first.split("=", 1)[1]).resolve()
        assert json.loads(schema.read_text())["$schema"].startswith("https://json-schema.org/")


def test_the_ci_workflow_checks_pull_requests_and_rebuilds_daily(tmp_path: Path) -> None:
    assert phasebook(tmp_path, "init", "p").returncode == 0
    project = tmp_path / "p"
    workflow = yaml.safe_load((project / ".github" / "workflows" / "portal.yml").read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert "pull_request" in triggers and triggers["schedule"][0]["cron"] == "0 21 * * *"
    steps = [s.get("run", "") for job in workflow["jobs"].values() for s in job.get("steps", [])]
    assert {"phasebook validate", "phasebook report --strict", "phasebook build"} <= set(steps)
    report = next(
        s
        for j in workflow["jobs"].values()
        for s in j.get("steps", [])
        if s.get("run") == "phasebook report --strict"
    )
    assert report["if"] == "github.event_name == 'pull_request'", "time passing fails no build"
    assert "pip install -r requirements.txt" in steps
    assert (project / "requirements.txt").read_text().strip().endswith("phasebook==0.1.0")
    ignored = (project / ".gitignore").read_text().split()
    assert {"/site/", ".phasebook/"} <= set(ignored)


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "notes.txt").write_text("mine")
    result = phasebook(tmp_path, "init", "p")
    assert result.returncode == 1
    assert result.stderr == (
        "Error: p is not an empty folder: init writes a new portal into a new or empty one\n"
    )
    assert tree(tmp_path / "p") == {"notes.txt": tree(tmp_path / "p")["notes.txt"]}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p"], "no staging left"


@pytest.mark.parametrize("inside", ["phases/new", "content/portal", ".git/p"])
def test_init_never_writes_into_the_sources_around_it(tmp_path: Path, inside: str) -> None:
    assert phasebook(tmp_path, "init", "outer").returncode == 0
    outer = tmp_path / "outer"
    (outer / ".git").mkdir()
    before = tree(outer)
    result = phasebook(outer, "init", inside)
    assert result.returncode == 1
    assert "overlaps" in result.stderr and "Traceback" not in result.stderr
    assert tree(outer) == before


def test_init_refuses_a_file(tmp_path: Path) -> None:
    (tmp_path / "p").write_text("x")
    assert phasebook(tmp_path, "init", "p").returncode == 1
    assert (tmp_path / "p").read_text() == "x"


def test_init_fills_an_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    assert phasebook(tmp_path, "init", "p", "--lang", "en").returncode == 0
    assert (tmp_path / "p" / "mkdocs.yml").exists()


def test_a_new_stage_then_its_first_phase(tmp_path: Path) -> None:
    assert phasebook(tmp_path, "init", "p").returncode == 0
    project = tmp_path / "p"
    result = phasebook(project, "new", "stage", "use", "--name", "利用")
    assert result.returncode == 0, result.stderr
    assert (
        "  - id: use\n    name: 利用\n    phases: []\n"
        in (project / "phases" / "lifecycle.yml").read_text()
    )
    assert phasebook(project, "validate").returncode == 0, "a stage may wait for its phases"
    result = phasebook(project, "new", "phase", "adopt", "--name", "定着", "--stage", "use")
    assert result.returncode == 0, result.stderr
    portal = load_portal(project / "phases", project / "content", root=project)
    assert [(v.stage.id, v.phase.id) for v in portal.phases] == [
        ("onboard", "prep"),
        ("use", "adopt"),
    ]
    assert phasebook(project, "build").returncode == 0


def test_new_phase_works_before_any_phase_exists(tmp_path: Path) -> None:
    assert phasebook(tmp_path, "init", "p").returncode == 0
    project = tmp_path / "p"
    lifecycle = project / "phases" / "lifecycle.yml"
    lifecycle.write_text(lifecycle.read_text().replace("phases: [prep]", "phases: []"))
    (project / "phases" / "prep.yml").unlink()
    (project / "content" / "guides" / "getting-started.md").unlink()
    assert phasebook(project, "validate").returncode == 0
    result = phasebook(project, "new", "phase", "prep", "--name", "導入準備")
    assert result.returncode == 0, result.stderr
    assert phasebook(project, "build").returncode == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("onboard",), "stage 'onboard' already exists: choose another id"),
        (("Use",), "'Use' is not a valid stage id: use lowercase letters, digits and '-'"),
        (("use", "--name", "a\nb"), "--name must be one line of text"),
    ],
)
def test_new_stage_refuses(tmp_path: Path, args: tuple, message: str) -> None:
    assert phasebook(tmp_path, "init", "p").returncode == 0
    project = tmp_path / "p"
    before = tree(project / "phases")
    result = phasebook(project, "new", "stage", *args)
    assert result.returncode == 1 and message in result.stderr, result.stderr
    assert tree(project / "phases") == before


@pytest.mark.parametrize(
    "command",
    [
        ("validate",),
        ("report",),
        ("build",),
        ("schema",),
        ("search", "導入"),
        ("new", "stage", "use"),
    ],
)
def test_every_command_takes_dash_c(tmp_path: Path, command: tuple) -> None:
    assert phasebook(tmp_path, "init", "p").returncode == 0
    result = phasebook(tmp_path, *command, "-C", "p")
    assert result.returncode == 0, result.stderr


def test_init_where_no_folder_can_be_made_is_a_message(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("x")
    result = phasebook(tmp_path, "init", "a-file/portal")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("Error: cannot write a-file/portal: ")
    assert "nothing was changed" in result.stderr
    assert (tmp_path / "a-file").read_text() == "x"


@pytest.mark.parametrize(
    ("said", "env", "lang"),
    [
        ((), {}, "en"),  # the tests' PHASEBOOK_LANG
        ((), {"PHASEBOOK_LANG": "ja"}, "ja"),
        (("--lang", "ja"), {}, "ja"),
    ],
)
def test_without_lang_the_portal_starts_in_the_teams_language(
    tmp_path: Path, said: tuple, env: dict, lang: str
) -> None:
    """`phasebook init p` starts the portal in the language the team reads Phasebook in."""
    result = phasebook(tmp_path, *said, "init", "p", env_extra=env)
    assert result.returncode == 0, result.stderr
    portal = load_portal(tmp_path / "p" / "phases", tmp_path / "p" / "content", root=tmp_path / "p")
    assert portal.language == lang


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("a" * 300, "a folder name of 300 bytes, and this system allows 255"),
        ("p/" * 2100 + "p", "a path of "),
        ("new\nline", "new\\nline: a folder name cannot hold control characters"),
        ("tab\there", "tab\\there: a folder name cannot hold control characters"),
        ("escape\x1b[31m", "escape\\x1b[31m: a folder name cannot hold control characters"),
        ("para\u2029graph", "para\\u2029graph: a folder name cannot hold control characters"),
    ],
)
def test_init_refuses_a_name_the_system_cannot_hold_in_one_line(
    tmp_path: Path, name: str, said: str
) -> None:
    result = phasebook(tmp_path, "init", name)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")
    assert said in result.stderr
    assert list(tmp_path.iterdir()) == [], "nothing written, no staging left"


def test_init_follows_a_link_to_an_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to("real")
    result = phasebook(tmp_path, "init", "link", "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "link").is_symlink(), "the link stays a link"
    assert (tmp_path / "real" / "mkdocs.yml").is_file()
    assert phasebook(tmp_path / "link", "validate").returncode == 0


def test_init_names_a_link_to_nothing(tmp_path: Path) -> None:
    (tmp_path / "link").symlink_to("nowhere")
    result = phasebook(tmp_path, "init", "link")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    nowhere = os.path.realpath(tmp_path / "nowhere")
    assert result.stderr == (
        f"Error: link is a link to {nowhere}, which does not exist: create that folder first, "
        "or choose another name\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link"]
