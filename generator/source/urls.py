"""Where each page lives: source paths of generated pages and the URLs MkDocs gives them.

Generated Markdown links by source path (MkDocs checks and rewrites those); raw HTML such
as the lifecycle picture and data files need the final URL, computed here the same way.
"""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Iterator, Mapping
from urllib.parse import urlsplit

from generator.i18n.words import language_name
from generator.source import model as m

HOME = "index.md"
SCHEDULE = "schedule.md"
PLANS = "plans.md"
PLAN = "plan.md"  # /plan/: the customer's own success plan (site/render/plan.py)
PLAN_SCRIPT = "assets/plan.js"
CATALOG_JSON = "api/catalog.json"
NEW = "new.md"  # /new/: what is new and updated, newest first (site/render/whatsnew.py)
SUBSCRIBE = "subscribe.md"  # /subscribe/: every Atom and calendar feed, and how to follow them


class _Catalogues(Mapping[str, str]):
    """kind → the source of its catalogue page ("atx" → "atx.md"), for every kind that
    declares a `catalogue`, read from the registry of kinds whenever asked: a kind
    registered after this module was imported has its catalogue too."""

    def __getitem__(self, kind: str) -> str:
        return m.catalogues()[kind]

    def __iter__(self) -> Iterator[str]:
        return iter(m.catalogues())

    def __len__(self) -> int:
        return len(m.catalogues())


CATALOGUES: Mapping[str, str] = _Catalogues()


def paged_src(first: str, number: int) -> str:
    """Page `number` of a list too long for one page: /atx/, then /atx/2/, /atx/3/ …"""
    return first if number == 1 else f"{first[:-3]}/{number}.md"


def catalogue_rows(kind: str) -> str:
    """Every row of a long catalogue, for filtering in the browser across its pages."""
    return f"{CATALOGUES[kind][:-3]}/rows.json"


def phase_src(phase_id: str) -> str:
    return f"phases/{phase_id}.md"


def stage_src(portal: m.Portal, stage: m.Stage) -> str | None:
    """A stage's own page, /stages/<id>/, which its tab in the nav opens (an `index.md`, so
    Material's navigation.indexes makes the stage's name its link); None for a stage that is
    a single phase of the same name in every language, whose phase page stands for it."""
    if len(stage.phases) == 1:
        view = portal.phase_view(stage.phases[0])
        same = view is not None and all(
            _folded(portal.t(stage.name, lang)) == _folded(portal.t(view.phase.name, lang))
            for lang in portal.info.languages
        )
        if same:
            return None
    return f"stages/{stage.id}/index.md"


def _folded(name: str) -> str:
    """A name as a reader compares it: case and spacing aside."""
    return " ".join(name.split()).casefold()


def program_src(program: m.ProgramBase) -> str:
    """A program written in content/ keeps the URL of its Markdown file; every other program
    gets a page of its own."""
    if program.written:
        return posixpath.normpath(program.page)  # type: ignore[attr-defined]
    return f"programs/{program.id}.md"


def page_url(src: str, directory_urls: bool = True) -> str:
    """The URL, relative to the site root, that MkDocs gives the file at `src`."""
    if not src.endswith(".md"):
        return src
    stem = src[:-3]
    folder, name = posixpath.split(stem)
    if name in ("index", "README"):
        return f"{folder}/" if folder else ""
    return f"{stem}/" if directory_urls else f"{stem}.html"


@functools.lru_cache(maxsize=1 << 16)
def relative_url(target: str, page: str) -> str:
    """`target` as a link from the page whose URL is `page` (both relative to the root).
    Kept: pages link the same few targets thousands of times (posixpath.relpath is slow)."""
    base = page.rstrip("/") if page.endswith("/") else posixpath.dirname(page)
    rel = posixpath.relpath(target or ".", base or ".")
    if target.endswith("/") or not target:
        rel = rel.rstrip("/") + "/"
    return "./" if rel == "./" else rel.removeprefix("./")


def absolute_url(path: str, site_url: str | None) -> str:
    """A root-relative URL made absolute when the site declares where it is published."""
    return f"{site_url.rstrip('/')}/{path}" if site_url else path


def language_prefix(lang: str, languages: list[str]) -> str:
    """Where a language's pages sit: the first at the site root, every other under /<lang>/."""
    return "" if lang == languages[0] else f"{lang}/"


def translation_src(src: str, lang: str) -> str:
    """`guides/x.md` in `lang`: `guides/x.en.md`, the convention of mkdocs-static-i18n."""
    return f"{src[:-3]}.{lang}.md"


def translation_of(src: str, languages: list[str]) -> tuple[str, str] | None:
    """(the page it translates, its language) when `src` is a translation (`x.en.md`)."""
    stem, dot, lang = src[:-3].rpartition(".")
    if src.endswith(".md") and dot and lang in languages[1:]:
        return f"{stem}.md", lang
    return None


def site_path(site_url: str | None) -> str:
    """The path a site is published under, without its last slash: "" or "/portal"."""
    return urlsplit(site_url or "/").path.rstrip("/")


def language_site_url(site_url: str | None, lang: str, languages: list[str]) -> str | None:
    """Where one language's tree is published: the site, or /<lang>/ below it."""
    return f"{site_url.rstrip('/')}/{language_prefix(lang, languages)}" if site_url else None


def alternates(page_url: str, languages: list[str], site_url: str | None) -> list[dict]:
    """Material's language selector (`extra.alternate`) for the page at `page_url` (relative
    to its language's root): the same page in each language. Links are root-absolute,
    because a relative link cannot leave a language's tree through MkDocs' `url` filter;
    Material prints them as `<link rel="alternate" hreflang>` in the head too."""
    root = site_path(site_url)
    return [
        {
            "name": language_name(other, other),  # in its own words: 日本語, English
            "lang": other,
            "link": f"{root}/{language_prefix(other, languages)}{page_url}",
        }
        for other in languages
    ]
