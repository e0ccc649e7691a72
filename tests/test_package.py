"""The wheel carries what a site needs: templates, the stylesheet and the plugin entry point."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from tests.helpers import ROOT


def test_wheel_contains_templates_assets_and_entry_points(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    (wheel,) = tmp_path.glob("phasebook-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    folder = ROOT / "generator" / "site" / "templates"
    templates = {p.relative_to(folder).as_posix() for p in folder.rglob("*.j2")}
    assert "kinds/atx.md.j2" in templates
    assert {f"generator/site/templates/{name}" for name in templates} <= names
    assert "generator/site/assets/phasebook.css" in names
    starter = {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "generator" / "authoring" / "starter").rglob("*")
        if p.is_file()
    }
    assert starter and starter <= names, "phasebook init needs every starter file"
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "phasebook = site_plugins.plugin:PhasebookPlugin" in text
    assert "phasebook = generator.cli:main" in text
