"""Hostile arguments: no path, name or text given to a command can overwrite the sources,
crash the command or reach the terminal as something it would obey."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from generator.build import engine
from generator.source.load import load_portal
from tests.helpers import ENV, EPOCH, ROOT, checksums, edit, free_port, phasebook


def snapshot(project: Path) -> dict[str, str]:
    """The sources and the git repository, as the author left them."""
    found = checksums(project)
    git = project / ".git" / "HEAD"
    found[".git/HEAD"] = git.read_text() if git.exists() else ""
    return found


@pytest.fixture
def project(minimal: Path) -> Path:
    """The minimal portal as a git checkout with a site/ already built."""
    (minimal / ".git").mkdir()
    (minimal / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    return minimal


# Paths relative to the project that a command must never write to.
COLLIDING = {
    ".": "is the project folder or contains it",
    "..": "is the project folder or contains it",
    "/": "is the project folder or contains it",
    "phases": "overlaps the phase files (phases/)",
    "phases/new": "overlaps the phase files (phases/)",
    "content": "overlaps the Markdown pages (content/)",
    "content/guides": "overlaps the Markdown pages (content/)",
    "./content/../content": "overlaps the Markdown pages (content/)",
    ".git": "overlaps the git repository (.git/)",
}
WRITERS = {
    "search --index": ("search", "導入", "--index"),
    "serve --index": ("serve", "--site", "content", "--index"),
    "build -d": ("build", "-d"),
    "schema --out": ("schema", "--out"),
}


@pytest.mark.parametrize("path", COLLIDING, ids=list(COLLIDING))
@pytest.mark.parametrize("writer", WRITERS, ids=list(WRITERS))
def test_an_output_on_or_above_the_sources_is_refused(project: Path, writer: str, path: str):
    (project / "content" / "index.html").write_text("<p>serve needs a site</p>")
    before = snapshot(project)
    result = phasebook(project, *WRITERS[writer], path)
    assert result.returncode == 1, result.stdout
    assert COLLIDING[path] in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(project) == before
    assert not [p for p in project.iterdir() if p.name.startswith(".") and p.name != ".git"]


def test_a_link_to_the_sources_is_the_sources(project: Path) -> None:
    (project / "out").symlink_to("phases")
    before = snapshot(project)
    result = phasebook(project, "build", "-d", "out")
    assert result.returncode == 1
    assert "overlaps the phase files (phases/)" in result.stderr
    assert snapshot(project) == before


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("search_index", "content", "search_index "),
        ("search_index", ".", "search_index "),
        ("search_index", "phases/index", "search_index "),
        ("search_index", "..", "search_index "),
        ("search_index", "overrides", "search_index "),
    ],
)
def test_a_plugin_option_on_the_sources_is_refused(
    project: Path, option: str, value: str, message: str
) -> None:
    (project / "overrides").mkdir()
    edit(
        project / "mkdocs.yml",
        "  - phasebook\n",
        f"  - phasebook:\n      templates_dir: overrides\n      {option}: {value}\n",
    )
    before = snapshot(project)
    result = mkdocs(project, "build", "-d", str(project / "site"))
    assert result.returncode == 1
    assert f"ERROR   -  {message}{value} " in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(project) == before


@pytest.mark.parametrize("site_dir", ["phases", ".", ".git"])
def test_mkdocs_itself_cannot_build_onto_the_sources(project: Path, site_dir: str) -> None:
    before = snapshot(project)
    result = mkdocs(project, "build", "-d", site_dir)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert snapshot(project) == before


def mkdocs(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(ENV)
    return subprocess.run(
        engine.command(*args),
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


# -- names that YAML would read as something else ------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Q&A # round 2",
        "yes",
        "no",
        "null",
        "~",
        "a: b",
        "- dash",
        "'quoted'",
        '"double"',
        "[list]",
        "{map}",
        "@at",
        "%percent",
        "*star",
        "&anchor",
        "!tag",
        "12:30",
        "1e3",
        "0o17",
        "導入: 準備",
        "  spaced  ",
        "😀 絵文字",
        "𠮷野家",
    ],
)
def test_new_phase_saves_any_name_literally(minimal: Path, name: str) -> None:
    result = phasebook(minimal, "new", "phase", "extra", "--name", name, "--stage", "use")
    assert result.returncode == 0, result.stderr
    portal = load_portal(minimal / "phases", minimal / "content", root=minimal)
    assert portal.phases[-1].phase.name == {"*": name}


@pytest.mark.parametrize("name", ["a\nb", "a\rb", "a\x1bb", "a\x07b", "a\u2028b", " "])
def test_new_refuses_a_name_of_several_lines_or_controls(minimal: Path, name: str) -> None:
    before = checksums(minimal)
    result = phasebook(minimal, "new", "phase", "extra", "--name", name)
    assert result.returncode == 1
    assert result.stderr == ("Error: --name must be one line of text, without control characters\n")
    assert checksums(minimal) == before


def test_new_program_refuses_a_title_of_several_lines(minimal: Path) -> None:
    before = checksums(minimal)
    result = phasebook(
        minimal, "new", "program", "run", "guide-x", "--kind", "guide", "--title", "一行目\n二行目"
    )
    assert result.returncode == 1
    assert "--title must be one line of text" in result.stderr
    assert checksums(minimal) == before


def test_new_on_a_read_only_file_says_so(minimal: Path) -> None:
    lifecycle = minimal / "phases" / "lifecycle.yml"
    lifecycle.chmod(stat.S_IRUSR | stat.S_IRGRP)
    before = checksums(minimal)
    try:
        result = phasebook(minimal, "new", "phase", "extra", "--name", "追加")
    finally:
        lifecycle.chmod(0o644)
    assert result.returncode == 1
    assert result.stderr == (
        "Error: phases/lifecycle.yml is read-only: make it writable (chmod u+w "
        "phases/lifecycle.yml), nothing was changed\n"
    )
    assert checksums(minimal) == before
    assert not (minimal / "phases" / "extra.yml").exists()


def test_new_in_a_folder_it_cannot_write(minimal: Path) -> None:
    phases = minimal / "phases"
    before = checksums(minimal)
    phases.chmod(0o555)
    try:
        result = phasebook(minimal, "new", "phase", "extra", "--name", "追加")
    finally:
        phases.chmod(0o755)
    if os.geteuid() == 0:
        assert result.returncode == 0  # root writes into read-only folders: nothing to refuse
        return
    assert result.returncode == 1 and "cannot write" in result.stderr
    assert checksums(minimal) == before


@pytest.mark.parametrize("starts", ["9999-12-31T00:00:00+09:00", "0001-01-01T00:00:00+00:00"])
def test_new_session_in_an_impossible_year_is_refused(minimal: Path, starts: str) -> None:
    before = checksums(minimal)
    result = phasebook(
        minimal,
        "new",
        "session",
        "atx-start",
        "--starts",
        starts,
        "--register",
        "https://example.com/r",
    )
    assert result.returncode == 1
    assert "is out of range (a session takes place between 2000 and 2199)" in result.stderr
    assert checksums(minimal) == before


# -- what reaches the terminal ----------------------------------------------------------------


def test_escape_sequences_in_a_guide_are_shown_not_obeyed(minimal: Path) -> None:
    guide = minimal / "content" / "guides" / "hello.md"
    guide.write_text(
        "# はじめてのログイン\n\n危険\x1b[2J\x1b]0;owned\x07な文字\n", encoding="utf-8"
    )
    result = phasebook(minimal, "search", "危険")
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "\\x1b[2J\\x1b]0;owned\\x07" in result.stdout


def test_a_file_name_with_escape_sequences_is_shown_not_obeyed(minimal: Path) -> None:
    (minimal / "phases" / "\x1b[31mred.yaml").write_text("x: 1\n")
    result = phasebook(minimal, "validate")
    assert result.returncode == 1
    assert "\x1b" not in result.stderr
    assert "phases/\\x1b[31mred.yaml:1:1: phase files end in .yml: rename it" in result.stderr


def test_report_markdown_escapes_names(minimal: Path) -> None:
    edit(
        minimal / "phases" / "run.yml",
        "name: {ja: 運用, en: Run}",
        'name: {ja: "運用 | <b>*太字*</b>", en: Run}',
    )
    result = phasebook(minimal, "report", "--format", "markdown")
    assert result.returncode == 0, result.stderr
    row = next(line for line in result.stdout.splitlines() if "運用" in line)
    assert row.startswith("| 2. 運用 \\| \\<b\\>\\*太字\\*\\</b\\> (run) | 0 |")


# -- the index, however the project is named -------------------------------------------------


def test_the_index_a_build_wrote_is_read_by_search_with_any_spelling(project: Path) -> None:
    result = phasebook(project, "build")
    assert result.returncode == 0, result.stderr
    for spelling in (str(project), ".", f"../{project.name}"):
        found = phasebook(project, "search", "はじめて", "-C", spelling, "--json")
        assert found.returncode == 0, found.stderr
        assert '"total": ' in found.stdout and "Traceback" not in found.stderr
    index = project / ".phasebook" / "index"
    stamp = (index / "FINGERPRINT").read_text()
    phasebook(project, "search", "はじめて", "-C", str(project))
    assert (index / "FINGERPRINT").read_text() == stamp, "no rebuild for another spelling"


def test_search_in_a_copy_rebuilds_nothing(project: Path, tmp_path: Path) -> None:
    assert phasebook(project, "build").returncode == 0
    copy = tmp_path / "copy"
    shutil.copytree(project, copy, symlinks=True)
    stamp = (copy / ".phasebook" / "index" / "FINGERPRINT").read_text()
    assert phasebook(copy, "search", "はじめて").returncode == 0
    assert (copy / ".phasebook" / "index" / "FINGERPRINT").read_text() == stamp


def test_serve_starts_on_an_absolute_project_path(project: Path) -> None:
    assert phasebook(project, "build").returncode == 0
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "generator.cli",
            "serve",
            "-C",
            str(project),
            "--port",
            str(free_port()),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={"PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": EPOCH, "PHASEBOOK_LANG": "en"},
    )
    try:
        line = process.stdout.readline()
        assert line.startswith(f"Serving {project}/site with /api/search"), process.stderr
        assert process.poll() is None
    finally:
        process.terminate()
        _, err = process.communicate(timeout=10)
    assert "Traceback" not in err


@pytest.mark.parametrize("name", ["phases/lifecycle.yml", "mkdocs.yml"])
@pytest.mark.parametrize("command", [("validate",), ("search", "導入"), ("build",), ("report",)])
def test_a_pipe_where_a_config_file_belongs_never_hangs(
    minimal: Path, name: str, command: tuple
) -> None:
    (minimal / name).unlink()
    os.mkfifo(minimal / name)
    result = phasebook(minimal, *command)  # phasebook() gives up after 300 s: a hang fails
    assert "Traceback" not in result.stderr
    if name == "mkdocs.yml" and command[0] != "build":
        assert result.returncode == 0, result.stderr  # these need no mkdocs.yml
        return
    assert result.returncode == 1, result.stdout
    assert result.stderr.strip(), "a message says what is wrong"


def test_search_follows_a_nested_layout_from_mkdocs_yml(minimal: Path) -> None:
    """docs_dir and phases_dir a level down: the index reads the sources where they are."""
    nested = minimal / "src"
    nested.mkdir()
    for name in ("phases", "content"):
        (minimal / name).rename(nested / name)
    edit(minimal / "mkdocs.yml", "docs_dir: content", "docs_dir: src/content")
    edit(
        minimal / "mkdocs.yml", "  - phasebook\n", "  - phasebook:\n      phases_dir: src/phases\n"
    )
    result = phasebook(minimal, "search", "ツアー", "--json")
    assert result.returncode == 0, result.stderr
    assert '"title": "管理画面ツアー"' in result.stdout


@pytest.mark.parametrize("command", [("validate",), ("build",), ("new", "stage", "x")])
def test_dash_c_on_a_folder_that_does_not_exist(minimal: Path, command: tuple) -> None:
    result = phasebook(minimal, *command, "-C", "no/such/folder")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "'no/such/folder' does not exist" in result.stderr


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("foo", "'foo'"),
        ("MkDocs", "'MkDocs'"),
        ("mkdocs; rm -rf /", "'mkdocs; rm -rf /'"),
        ("x" * 500, repr("x" * 500)[:40]),
    ],
)
def test_an_unknown_engine_is_one_line_and_nothing_is_built(
    project: Path, value: str, shown: str
) -> None:
    before = snapshot(project)
    result = subprocess.run(
        [sys.executable, "-m", "generator.cli", "build"],
        cwd=project,
        env=ENV | {"PHASEBOOK_ENGINE": value},
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stderr.strip()) == (
        1,
        f"PHASEBOOK_ENGINE={shown}: use one of mkdocs, properdocs",
    )
    assert snapshot(project) == before and not (project / "site").exists()


@pytest.mark.parametrize("value", ["maybe", "1", "[]", "{a: b}"])  # null: the default
def test_staff_links_must_be_true_or_false(project: Path, value: str) -> None:
    edit(project / "mkdocs.yml", "  - phasebook\n", f"  - phasebook:\n      staff_links: {value}\n")
    result = mkdocs(project, "build", "-d", str(project / "site"))
    assert result.returncode == 1
    assert "staff_links" in result.stderr and "Expected type: <class 'bool'>" in result.stderr
    assert "Traceback" not in result.stderr
