"""The page set of the minimal portal in two more shapes, against files kept in the
repository (as test_golden.py does for the portal as it is):

- english-first: `languages: [en, ja]`, English at the site root, Japanese under /ja/, the
  guide written in English with its Japanese translation beside it (hello.ja.md);
- flat-urls: `use_directory_urls: false`, every link and URL to a page ending in .html.

After an intended change, regenerate and read the diff before committing it:

    PHASEBOOK_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden_variants.py
    git diff tests/golden
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.site.pages import site_files
from generator.site.render import Renderer
from generator.source.urls import language_site_url, translation_src
from tests.helpers import FIXTURES, edit, load, matches_golden

GOLDEN = Path(__file__).resolve().parent / "golden"
SITE_URL = "https://example.com/"
TEXT = (".md", ".ics", ".json", ".xml")  # the assets are copied as they are: not golden
GUIDE = "guides/hello.md"


def english_first(project: Path) -> None:
    edit(project / "phases" / "lifecycle.yml", "languages: [ja, en]", "languages: [en, ja]")
    guides = project / "content" / "guides"
    shutil.move(guides / "hello.md", guides / "hello.ja.md")
    (guides / "hello.md").write_text("# First login\n\nLog in.\n", encoding="utf-8")


def flat_urls(project: Path) -> None:
    edit(
        project / "mkdocs.yml",
        "docs_dir: content\n",
        "docs_dir: content\nuse_directory_urls: false\n",
    )


# name → (how the minimal portal is changed, use_directory_urls)
VARIANTS: dict[str, tuple[Callable[[Path], None], bool]] = {
    "english-first": (english_first, True),
    "flat-urls": (flat_urls, False),
}


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each variant's project: the minimal portal, copied and changed."""
    made = {}
    for name, (change, _) in VARIANTS.items():
        made[name] = tmp_path_factory.mktemp(name) / "portal"
        shutil.copytree(FIXTURES / "minimal", made[name])
        change(made[name])
    return made


def page_set(project: Path, lang: str, directory_urls: bool) -> dict[str, bytes]:
    """What the portal generates in `lang` (the start page excepted: the fixture has its own)
    and its guide as the portal shows it, read from its translation when there is one."""
    portal = load(project)
    renderer = Renderer(portal, lang=lang, directory_urls=directory_urls)
    site_url = language_site_url(SITE_URL, lang, portal.info.languages)
    files = site_files(
        portal, renderer, site_url=site_url, directory_urls=directory_urls, home=False
    )
    out = {f.src: f.content for f in files if f.src.endswith(TEXT)}
    content = project / "content"
    translated = content / translation_src(GUIDE, lang)
    own = lang != portal.language and translated.is_file()
    text = (translated if own else content / GUIDE).read_text(encoding="utf-8")
    out[GUIDE] = renderer.page_markdown(
        GUIDE, text, untranslated=lang != portal.language and not own
    )
    return {src: c.encode("utf-8") if isinstance(c, str) else c for src, c in out.items()}


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("name", list(VARIANTS))
def test_the_page_set_matches_the_golden_files(projects, name: str, lang: str) -> None:
    made = page_set(projects[name], lang, directory_urls=VARIANTS[name][1])
    folder = GOLDEN / name / lang
    matches_golden(made, folder, f"{name}/{lang}")


def urls(pages: dict[str, bytes]) -> list[str]:
    """The URLs of the portal's pages, as its catalog (api/catalog.json) lists them."""
    return re.findall(r'"url": "([^"]+)"', pages["api/catalog.json"].decode())


def test_english_first_puts_english_at_the_root(projects) -> None:
    english = page_set(projects["english-first"], "en", directory_urls=True)
    japanese = page_set(projects["english-first"], "ja", directory_urls=True)
    assert "https://example.com/phases/start/" in urls(english)
    assert "https://example.com/ja/phases/start/" in urls(japanese)
    assert not [u for u in urls(english) if "/ja/" in u or "/en/" in u]
    # Each language reads its own guide: neither is marked as shown for want of a translation.
    assert english[GUIDE].decode().startswith("# First login\n")
    assert japanese[GUIDE].decode().startswith("# はじめてのログイン\n")
    assert "!!! note" not in english[GUIDE].decode() + japanese[GUIDE].decode()


def test_flat_urls_link_every_page_as_html(projects) -> None:
    for lang in ("ja", "en"):
        pages = page_set(projects["flat-urls"], lang, directory_urls=False)
        page_urls = [u for u in urls(pages) if u.startswith("https://example.com/")]
        assert page_urls and all(u.endswith(".html") for u in page_urls), page_urls
        links = re.findall(r'<a href="([^"#:]+)"', pages["accelerators.md"].decode())
        assert links and all(link.endswith(".html") for link in links), links
