"""`phasebook init` and `phasebook new stage`: a new CS team starts a portal of its own."""

from __future__ import annotations

import json
import os
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from generator.authoring.requirements import checkout_requirement
from generator.source.load import load_portal
from tests.helpers import ROOT, command_env, http_get, phasebook, tree


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_init_writes_a_portal_that_validates_reports_and_builds(tmp_path: Path, lang: str):
    result = phasebook(tmp_path, "init", "portal", "--lang", lang)
    assert result.returncode == 0, result.stderr
    project = tmp_path / "portal"
    assert phasebook(project, "validate").stdout.startswith("OK: 1 phases, 2 programs (1 ATX")
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
    assert any("python -m pip install -r requirements.txt" in step for step in steps)
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


def test_init_names_next_commands_that_work_as_printed(tmp_path: Path) -> None:
    """After the README's steps neither `phasebook` nor `mkdocs` is on PATH: the commands
    init prints run as they are, from the folder init was run in (a space in the name
    included), with nothing added to PATH."""
    result = phasebook(tmp_path, "init", "our portal", "--lang", "en")
    assert result.returncode == 0, result.stderr
    printed = result.stdout.splitlines()
    steps = printed[printed.index(next(p for p in printed if p.startswith("Next,"))) + 1 :]
    assert [shlex.split(step)[-3:] for step in steps] == [
        ["build", "-C", "our portal"],
        ["serve", "-C", "our portal"],
    ]
    assert not [step for step in steps if "mkdocs" in step]
    env = {"PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": "1796083200", "PHASEBOOK_LANG": "en"}
    built = subprocess.run(shlex.split(steps[0]), cwd=tmp_path, env=env, capture_output=True)
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "our portal" / "site" / "index.html").exists()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [*shlex.split(steps[1]), "--port", str(port)],  # 8000 may be taken on a shared machine
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body = http_get(f"http://127.0.0.1:{port}/")
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "no server"
                time.sleep(0.2)
        assert status == 200 and "Sample Customer Success Portal" in body
    finally:
        server.terminate()
        server.wait(timeout=30)


def _readme_section(title: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_the_readme_walk_through_works_as_written(tmp_path: Path) -> None:
    """ "Start your own portal", every command block as printed, from a Phasebook checkout
    (here: a folder with its .venv) next to which the portal is made; then the portal is
    whole in both languages: the English twin names the new stage and phase in English."""
    checkout = tmp_path / "phasebook"
    checkout.mkdir()
    (checkout / ".venv").symlink_to(ROOT / ".venv")
    blocks = _readme_section("Start your own portal").split("```sh\n")[1:]
    script = "set -euo pipefail\n" + "".join(b.split("```", 1)[0] for b in blocks)
    done = subprocess.run(
        ["bash", "-c", script], cwd=checkout, env=command_env(), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "imported 3 sessions" in done.stdout
    portal = tmp_path / "our-portal"
    english = (portal / "site" / "en" / "phases" / "adopt" / "index.html").read_text("utf-8")
    assert "Adopt" in english and "定着" not in english
    report = phasebook(portal, "report", "--format", "json")
    assert "untranslated" not in report.stdout


def test_report_lists_each_untranslated_file_once_per_language(tmp_path: Path) -> None:
    assert phasebook(tmp_path, "init", "p", "--lang", "ja").returncode == 0
    project = tmp_path / "p"
    assert phasebook(project, "new", "stage", "use", "--name", "利用").returncode == 0
    added = phasebook(project, "new", "phase", "adopt", "--name", "定着", "--stage", "use")
    assert added.returncode == 0, added.stderr
    report = phasebook(project, "report", "--strict")
    assert report.returncode == 1
    untranslated = [line for line in report.stdout.splitlines() if "not translated" in line]
    assert untranslated == [
        "  phases/adopt.yml:3:7: adopt: not translated into en: name, summary: write each as "
        "{ja: …, en: …}, else the en pages show the ja text",
        "  phases/lifecycle.yml:15:11: lifecycle: not translated into en: stages[1].name: write "
        "each as {ja: …, en: …}, else the en pages show the ja text",
    ]
    codes = [
        g["code"]
        for g in json.loads(phasebook(project, "report", "--format", "json").stdout)["gaps"]
    ]
    assert codes.count("untranslated") == 2


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (["fr=Utiliser"], "Error: --name fr=…: the portal has no language 'fr' (it has: ja, en)\n"),
        (["en=Use"], "Error: --name: give the name in ja too, the portal's first language\n"),
        (["利用", "ja=使う"], "Error: --name gives the ja name twice\n"),
        (
            ["ja=利用", "en=\nUse"],
            "Error: --name must be one line of text, without control characters\n",
        ),
    ],
)
def test_new_stage_names_per_language_refuse(tmp_path: Path, names: list[str], message: str):
    assert phasebook(tmp_path, "init", "p", "--lang", "ja").returncode == 0
    before = tree(tmp_path / "p")
    args = [a for name in names for a in ("--name", name)]
    result = phasebook(tmp_path / "p", "new", "stage", "use", *args)
    assert (result.returncode, result.stderr) == (1, message)
    assert tree(tmp_path / "p") == before


def test_a_name_holding_an_equals_sign_is_a_name(tmp_path: Path) -> None:
    assert phasebook(tmp_path, "init", "p", "--lang", "ja").returncode == 0
    result = phasebook(tmp_path / "p", "new", "stage", "qa", "--name", "Q=A", "--name", "en=Q&A")
    assert result.returncode == 0, result.stderr
    lifecycle = yaml.safe_load((tmp_path / "p" / "phases" / "lifecycle.yml").read_text("utf-8"))
    assert lifecycle["stages"][-1]["name"] == {"ja": "Q=A", "en": "Q&A"}


def test_ci_finds_no_phasebook_to_install_and_says_where_to_write_it(tmp_path: Path) -> None:
    """This Phasebook is a checkout with no remote CI could reach: requirements.txt pins
    nothing that no index serves, and the workflow's install step stops with a line that
    names the file, instead of `phasebook: command not found` three steps later."""
    assert phasebook(tmp_path, "init", "p").returncode == 0
    project = tmp_path / "p"
    lines = (project / "requirements.txt").read_text().splitlines()
    assert [line for line in lines if line and not line.startswith("#")] == []
    workflow = yaml.safe_load((project / ".github" / "workflows" / "portal.yml").read_text())
    install = next(
        s["run"] for s in workflow["jobs"]["check"]["steps"] if "pip" in s.get("run", "")
    )
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(sys.executable)  # a Python whose pip installs nothing here
    ci = subprocess.run(
        ["bash", "-e", "-c", install],
        cwd=project,
        env={"PATH": f"{bin_dir}:/usr/bin:/bin", "PIP_NO_INDEX": "1"},
        capture_output=True,
        text=True,
    )
    assert ci.returncode == 1
    assert "::error file=requirements.txt::requirements.txt says nowhere to install" in ci.stdout


@pytest.mark.parametrize(
    ("origin", "expected"),
    [
        (
            "https://git.example.com/tools/phasebook.git",
            "git+https://git.example.com/tools/phasebook.git",
        ),
        (
            "git@git.example.com:tools/phasebook.git",
            "git+ssh://git@git.example.com/tools/phasebook.git",
        ),
        ("/home/me/phasebook", None),
    ],
)
def test_requirements_name_the_checkout_ci_can_clone(tmp_path: Path, origin: str, expected):
    checkout = tmp_path / "phasebook"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(checkout)], check=True)
    subprocess.run(["git", "-C", str(checkout), "remote", "set-url", "origin", origin], check=True)
    commit = subprocess.run(
        ["git", "-C", str(checkout), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    line = checkout_requirement(checkout)
    assert line == (f"phasebook @ {expected}@{commit}" if expected else None)
