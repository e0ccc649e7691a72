"""Shared fixtures and hooks: small named portals copied into tmp_path so tests may edit them
freely, and what is built or started once per run. Plain helpers live in tests/helpers.py."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.request import urlopen

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.helpers import (
    CHROMIUM,
    CHROMIUM_FLAGS,
    FIXTURES,
    INSTALL,
    ROOT,
    edit,
    free_port,
    japanese_fonts,
    mkdocs_build,
    phasebook,
)

# The slowest modules, slowest first (`./dev pytest --durations=0`, summed by module): pytest-
# xdist gives each worker the next module when it is done with one (`--dist loadfile`), in
# the order collected (`--no-loadscope-reorder`; it would otherwise put the modules with the
# most tests first), so that no worker is left alone at the end with a module of minutes.
SLOWEST = (
    "test_browser.py",
    "test_preview.py",
    "test_faults.py",
    "test_palette_axe.py",
    "test_init.py",
    "test_dev.py",
    "test_hostile_commands.py",
    "test_hostile_api.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The slowest modules first (SLOWEST). Browser tests never pass by skipping: when they
    are selected and chromium or a Japanese font is missing, the run stops before the first
    test and says what to do."""
    first = {name: n for n, name in enumerate(SLOWEST)}
    items.sort(key=lambda item: first.get(item.path.name, len(SLOWEST)))  # stable: in order
    if not any(item.get_closest_marker("browser") for item in items):
        return
    needed = {"chromium": CHROMIUM.exists(), "a Japanese font": bool(japanese_fonts())}
    missing = [name for name, ok in needed.items() if not ok]
    if missing:
        pytest.exit(
            f"{' and '.join(missing)} missing for the browser tests: {INSTALL}\n"
            '(or leave them out on purpose: ./dev pytest -m "not browser")',
            returncode=1,
        )


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests read messages in English unless they ask for another language: the fixture
    portals are Japanese first, which would otherwise choose Japanese."""
    monkeypatch.setenv("PHASEBOOK_LANG", "en")


@pytest.fixture
def minimal(tmp_path: Path) -> Path:
    """A two-phase portal with one program of each kind, writable."""
    target = tmp_path / "minimal"
    shutil.copytree(FIXTURES / "minimal", target)
    return target


@pytest.fixture(scope="session")
def minimal_built_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal portal after one `phasebook build`: never changed, only copied."""
    project = tmp_path_factory.mktemp("built") / "minimal"
    shutil.copytree(FIXTURES / "minimal", project)
    result = phasebook(project, "build")
    assert result.returncode == 0, result.stderr
    return project


@pytest.fixture
def built_minimal(minimal_built_once: Path, tmp_path: Path) -> Path:
    """The minimal portal with its site and search index built, writable: a copy of one
    build (the bytes a build of its own makes, in a fraction of the time)."""
    project = tmp_path / "built-minimal"  # beside `minimal`, should a test ask for both
    shutil.copytree(minimal_built_once, project, symlinks=True)
    return project


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example portal, built once per test run with the fixed build date."""
    site = tmp_path_factory.mktemp("example") / "site"
    result = mkdocs_build(ROOT, site)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return site


@pytest.fixture(scope="session")
def paged_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example portal with 5 rows per catalogue page: 13 ATX make 3 pages."""
    project = tmp_path_factory.mktemp("paged")
    for name in ("phases", "content"):
        shutil.copytree(ROOT / name, project / name)
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    edit(
        project / "mkdocs.yml", "  - phasebook:\n", "  - phasebook:\n      catalogue_page_size: 5\n"
    )
    site = project / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    return site


@pytest.fixture(scope="session")
def server(example_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`phasebook serve` on the example site, started once per run: its base URL. Tests
    only read from it (test_server, test_hostile_api); one that changes a site starts its
    own server."""
    port = free_port()
    index = tmp_path_factory.mktemp("serve") / "index"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "generator.cli",
            "serve",
            "--site",
            str(example_site),
            "--index",
            str(index),
            "--port",
            str(port),
            "--workers",
            "2",  # as on a machine with two cores or more: the guard in every worker
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(400):
            try:
                urlopen(base + "/", timeout=1).close()
                break
            except OSError:
                assert process.poll() is None, process.communicate()
                time.sleep(0.05)
        yield base
    finally:
        process.terminate()
        process.communicate(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One chromium for the whole run: Playwright's sync API cannot start a second one
    while the first is open, so every browser test module shares this one."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield launched
        launched.close()
