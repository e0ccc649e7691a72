"""`phasebook export`: plain docs trees that MkDocs and ProperDocs build with no plugin, into
the same pages as the plugin build; and ProperDocs builds the project itself the same way."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.helpers import ENV, ROOT, mkdocs_build, phasebook


def engine_build(engine: str, config: Path, site: Path) -> subprocess.CompletedProcess[str]:
    """`<engine> build --strict` run as a user would, with no Phasebook on the path at all
    for the export (its mkdocs.yml must not need the plugin)."""
    env = dict(ENV)
    return subprocess.run(
        [sys.executable, "-m", engine, "build", "--strict", "-f", str(config), "-d", str(site)],
        cwd=config.parent,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def pages(site: Path, skip: str | None = None) -> set[str]:
    return {
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if skip is None or p.relative_to(site).parts[0] != skip
    }


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the example portal: export writes its index under .phasebook/."""
    target = tmp_path_factory.mktemp("export") / "portal"
    for name in ("phases", "content"):
        shutil.copytree(ROOT / name, target / name)
    shutil.copy(ROOT / "mkdocs.yml", target)
    return target


@pytest.fixture(scope="module")
def exported(project: Path) -> Path:
    out = project.parent / "out"
    result = phasebook(project, "export", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert f"Exported ja, en to {out}" in result.stdout
    return out


def test_the_export_is_plain_mkdocs(exported: Path) -> None:
    assert sorted(p.name for p in exported.iterdir()) == [".phasebook-export", "en", "ja"]
    for lang in ("ja", "en"):
        text = (exported / lang / "mkdocs.yml").read_text(encoding="utf-8")
        assert "phasebook" not in text.split("plugins:")[1].split("markdown_extensions:")[0]
        config = yaml.safe_load(text)
        assert config["theme"]["language"] == lang
        assert config["docs_dir"] == "docs" and config["edit_uri"] == ""
        assert (exported / lang / "docs" / "api" / "catalog.json").is_file()
        assert (exported / lang / "docs" / "schedule.ics").is_file()
        assert (exported / lang / "docs" / "assets" / "phasebook.js").is_file()
        assert not list((exported / lang / "docs").rglob("*.en.md"))
    english = yaml.safe_load((exported / "en" / "mkdocs.yml").read_text(encoding="utf-8"))
    assert english["site_name"] == "MiraiCloud Customer Success Portal"
    assert english["site_url"] == "https://success.miraicloud.example/en/"
    assert english["nav"][0] == {"Home": "index.md"}
    guide = (exported / "en" / "docs" / "guides" / "sso-setup.md").read_text(encoding="utf-8")
    # Its front matter (its dates) kept for the engine, then the translation itself.
    assert guide.startswith("---\npublished: 2026-05-25\n")
    assert guide.split("\n---\n", 1)[1].lstrip().startswith("# Setting up single sign-on (SSO)")
    assert 'id="related"' in guide  # filled in: no plugin will do it later


@pytest.mark.parametrize("engine", ["mkdocs", "properdocs"])
def test_engines_build_the_export_into_the_plugin_build_pages(
    exported: Path, example_site: Path, tmp_path: Path, engine: str
) -> None:
    for lang, plugin_site in (("ja", example_site), ("en", example_site / "en")):
        site = tmp_path / lang
        result = engine_build(engine, exported / lang / "mkdocs.yml", site)
        assert result.returncode == 0, result.stderr
        assert "WARNING" not in result.stderr, result.stderr
        assert pages(site) == pages(plugin_site, skip="en" if lang == "ja" else None)
        built = (site / "programs" / "atx-use-reports" / "index.html").read_text("utf-8")
        assert f'<html lang="{lang}"' in built and "pb-badge" in built


def test_properdocs_builds_the_project_with_the_plugin_as_mkdocs_does(
    example_site: Path, tmp_path: Path
) -> None:
    """CI's second engine: the whole example, both languages, through the plugin."""
    site = tmp_path / "site"
    result = mkdocs_build(ROOT, site, env_extra={"PHASEBOOK_ENGINE": "properdocs"})
    assert result.returncode == 0, result.stderr
    assert "ProperDocs" in (site / "index.html").read_text(encoding="utf-8")
    assert pages(site) == pages(example_site)
    assert len(pages(site)) > 80


def test_one_language_only(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = phasebook(project, "export", "--out", str(out), "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == [".phasebook-export", "en"]


def test_an_earlier_export_is_replaced_whole(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert phasebook(project, "export", "--out", str(out)).returncode == 0
    (out / "ja" / "docs" / "stale.md").write_text("# left over\n", encoding="utf-8")
    result = phasebook(project, "export", "--out", str(out), "--lang", "ja")
    assert result.returncode == 0, result.stderr
    assert not (out / "ja" / "docs" / "stale.md").exists() and not (out / "en").exists()


OWN = "Choose a folder of its own, such as site/"


@pytest.mark.parametrize(
    ("out", "message"),
    [
        (
            "content",
            "--out content overlaps the Markdown pages (content/): writing there "
            f"would delete them. {OWN}",
        ),
        (
            "content/guides/out",
            "--out content/guides/out overlaps the Markdown pages "
            f"(content/): writing there would delete them. {OWN}",
        ),
        (
            "phases",
            f"--out phases overlaps the phase files (phases/): writing there would "
            f"delete them. {OWN}",
        ),
        (
            "..",
            "--out .. is the project folder or contains it: it would be replaced by the "
            "output. Use a folder of its own inside the project, such as site/",
        ),
    ],
)
def test_export_never_writes_over_the_sources(project: Path, out: str, message: str) -> None:
    def files() -> dict[Path, bytes]:
        return {
            p: p.read_bytes()
            for p in project.rglob("*")
            if p.is_file() and ".phasebook" not in p.parts
        }

    before = files()
    result = phasebook(project, "export", "--out", out)
    assert (result.returncode, result.stderr.strip()) == (1, message)
    assert files() == before


def test_export_never_replaces_a_folder_it_did_not_write(project: Path, tmp_path: Path) -> None:
    precious = tmp_path / "Documents"
    precious.mkdir()
    (precious / "thesis.md").write_text("years of work\n", encoding="utf-8")
    result = phasebook(project, "export", "--out", str(precious))
    assert result.returncode == 1
    assert "is not empty and not an earlier export: choose a new or empty folder" in result.stderr
    assert (precious / "thesis.md").read_text(encoding="utf-8") == "years of work\n"
    assert [p.name for p in precious.iterdir()] == ["thesis.md"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".Documents")]


def test_an_unknown_language_is_refused(project: Path, tmp_path: Path) -> None:
    result = phasebook(project, "export", "--out", str(tmp_path / "out"), "--lang", "fr")
    assert result.returncode == 2
    assert result.stderr.strip() == "--lang 'fr': the portal's languages are ja, en"
    assert not (tmp_path / "out").exists()


def test_no_mkdocs_yml_is_one_line(tmp_path: Path) -> None:
    result = phasebook(tmp_path, "export", "--out", "out")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "mkdocs.yml: no such file (run this in the portal's folder, or pass -C)"
    )
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            b"site_name: [unclosed\n",
            "mkdocs.yml:2:1: expected ',' or ']', but got "
            "'<stream end>': fix mkdocs.yml (MkDocs cannot read it either)",
        ),
        (b"\xff\xfe", "mkdocs.yml: is not UTF-8: save it as UTF-8"),
        (b"- a\n- b\n", "mkdocs.yml: is not a mapping of settings: fix mkdocs.yml"),
        (b"site_name: x\n\x00\n", "mkdocs.yml:2:1: unacceptable character #x0000"),
    ],
)
def test_a_broken_mkdocs_yml_is_one_line_and_nothing_is_written(
    minimal: Path, tmp_path: Path, config: bytes, message: str
) -> None:
    (minimal / "mkdocs.yml").write_bytes(config)
    result = phasebook(minimal, "export", "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert result.stderr.strip().startswith(message), result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_an_out_that_is_a_file_is_refused(project: Path, tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("keep me\n", encoding="utf-8")
    result = phasebook(project, "export", "--out", str(target))
    assert (result.returncode, result.stderr.strip()) == (
        1,
        f"{target} is a file: choose a new or empty folder",
    )
    assert target.read_text(encoding="utf-8") == "keep me\n"
