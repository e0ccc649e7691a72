"""The page set of a small portal, in each of its languages, against files kept in the
repository: any change in what the portal generates is a diff a reviewer sees.

After an intended change: PHASEBOOK_UPDATE_GOLDEN=1 ./dev pytest tests/test_golden.py,
then read `git diff tests/golden` before committing it.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from generator.site.pages import site_files
from generator.site.render import Renderer
from generator.source.load import load_portal
from tests.helpers import FIXTURES, matches_golden

GOLDEN = Path(__file__).resolve().parent / "golden" / "minimal"
PORTAL = FIXTURES / "minimal"
NOW = datetime(2026, 12, 1, tzinfo=UTC)
TEXT = (".md", ".ics", ".json", ".xml")  # the assets are copied as they are: not golden


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture copied out of the repository: in place, git would date what it leaves
    undated by the repository's own history, which moves with every commit and clone."""
    folder = tmp_path_factory.mktemp("golden") / "minimal"
    shutil.copytree(PORTAL, folder)
    return folder


def page_set(root: Path, lang: str) -> dict[str, bytes]:
    """What the portal generates in `lang`, the start page excepted (the fixture has its
    own), and its guide as the portal shows it."""
    portal = load_portal(root / "phases", root / "content", now=NOW)
    renderer = Renderer(portal, lang=lang)
    files = site_files(
        portal, renderer, site_url="https://example.com/", directory_urls=True, home=False
    )
    out = {f.src: f.content for f in files if f.src.endswith(TEXT)}
    guide = (root / "content" / "guides" / "hello.md").read_text(encoding="utf-8")
    out["guides/hello.md"] = renderer.page_markdown(
        "guides/hello.md", guide, untranslated=lang != portal.language
    )
    return {src: c.encode("utf-8") if isinstance(c, str) else c for src, c in out.items()}


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_page_set_matches_the_golden_files(root: Path, lang: str) -> None:
    made = page_set(root, lang)
    folder = GOLDEN / lang
    matches_golden(made, folder, lang)


def test_the_two_languages_differ_in_words_not_in_pages(root: Path) -> None:
    ja, en = page_set(root, "ja"), page_set(root, "en")
    assert sorted(ja) == sorted(en)
    assert "# 運用" in ja["phases/run.md"].decode() and "# Run" in en["phases/run.md"].decode()


def test_english_pages_have_no_japanese_punctuation(root: Path) -> None:
    """Lists and brackets come from the language's words (CLDR, the catalog), so an English
    page never shows 「・」 between names or 「（8 min）」."""
    for src, content in page_set(root, "en").items():
        text = content.decode("utf-8")
        for mark in ("・", "（", "）", "、"):
            assert mark not in text, (src, mark)
