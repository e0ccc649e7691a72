"""The browser search: Material's search box, answered from a Pagefind bundle.

Material's search plugin stays in mkdocs.yml (it is what puts the search box in the
header, and every portal lists it); its index is left empty and its worker replaced by
Phasebook's (generator/site/assets/search.js), which speaks the same messages. The
bundle of each language tree is built by generator/search/static.py.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from importlib.resources import files as package_files
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger

from generator.search import facts
from generator.search.static import Background, StaticIndexFailed, build
from generator.source import model as m
from generator.text.errors import printable
from site_plugins.reconfigure import SEARCH

WORKER = package_files("generator.site").joinpath("assets/search.js")
LOG = get_plugin_logger("phasebook")
UP_TO_DATE = "The browser search is up to date"


def _told(failure: str | None) -> None:
    """What the preview's terminal shows once every tree's bundle is written."""
    if failure is None:
        LOG.info(UP_TO_DATE)
    else:
        LOG.warning(printable(failure))


BACKGROUND = Background(_told)  # the preview's: shared by every language's build


def without_material_index(config: MkDocsConfig) -> None:
    """Material's plugin would read the text of every page for an index no one reads: its
    page hook is taken out of this build (its box, settings and files stay)."""
    plugin = config.plugins.get(SEARCH)
    if plugin is not None:
        hooks = config.plugins.events["page_context"]
        hooks[:] = [hook for hook in hooks if getattr(hook, "__self__", None) is not plugin]


def start(
    config: MkDocsConfig,
    lang: str,
    skip: tuple[str, ...],
    preview: bool,
    portal: m.Portal | None = None,
) -> Callable[[], None]:
    """Start indexing this tree's pages; the returned function waits for the bundle and
    raises StaticIndexFailed if there is none. The preview indexes in the background,
    after the pages are served, and waits for nothing. A portal without Material's search
    plugin has no search box, and no index. `portal` gives the results their kind, phase
    and tier, and the guidance when nothing answers a query its phases and contacts."""
    if config.plugins.get(SEARCH) is None:
        return lambda: None
    site_dir = Path(config.site_dir)
    _material_uses_pagefind(site_dir)
    known = facts.of(portal, lang, config.use_directory_urls) if portal else None
    if preview:
        BACKGROUND.request(site_dir, lang, skip, known, tuple(site_dir / s for s in skip))
        return lambda: None
    failure: list[BaseException] = []

    def run() -> None:
        try:
            build(site_dir, lang, skip, known)
        except (OSError, StaticIndexFailed) as exc:
            failure.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()

    def wait() -> None:
        thread.join()
        if failure:
            raise StaticIndexFailed(str(failure[0]))

    return wait


def _material_uses_pagefind(site_dir: Path) -> None:
    """Material's index without its documents (its settings stay; the browser fetches it
    once, a few hundred bytes), and its worker replaced by ours."""
    index = site_dir / "search" / "search_index.json"
    if index.is_file():
        data = json.loads(index.read_text(encoding="utf-8"))
        data["docs"] = []
        index.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), "utf-8")
    script = WORKER.read_bytes()
    for worker in (site_dir / "assets" / "javascripts" / "workers").glob("search.*.min.js"):
        worker.write_bytes(script)
        worker.with_name(worker.name + ".map").unlink(missing_ok=True)
