"""Every file the portal adds to a site, from the one model: pages, feeds, data and assets.

The MkDocs plugin turns each into a generated file; the scale benchmark writes the very same
ones to disk to time plain MkDocs on identical pages.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib.resources import files as package_files

from generator.feeds.atom import atom_files
from generator.feeds.calendar import feed_files
from generator.feeds.catalog import catalog_json
from generator.i18n.messages import tr
from generator.site.og_image import og_image
from generator.site.render import ASSET, SCRIPT, SEARCH_BOX, Renderer
from generator.site.structured import OG_IMAGE
from generator.site.yourplan import SCRIPT as YOURPLAN
from generator.site.yourplan import script as yourplan_script
from generator.source import model as m
from generator.source.load import LIFECYCLE
from generator.source.memo import Keeper, Memo
from generator.source.urls import (
    CATALOG_JSON,
    CATALOGUES,
    HOME,
    NEW,
    PLAN,
    PLAN_SCRIPT,
    PLANS,
    SUBSCRIBE,
    page_url,
    phase_src,
    program_src,
    stage_src,
)
from generator.text.errors import Problem


@dataclass(frozen=True)
class SiteFile:
    src: str  # path under docs_dir
    content: str | bytes
    source: str | None = None  # the YAML file it is made from, for the edit button
    in_nav: bool = True  # programs are reached from their phase, never from the global nav


def site_files(
    portal: m.Portal,
    renderer: Renderer,
    *,
    site_url: str | None,
    directory_urls: bool,
    home: bool = True,
    keep: Keeper | None = None,
) -> Iterator[SiteFile]:
    """What the portal adds; `home=False` when docs_dir has a start page written by hand.
    With a `keeper` that has a memo (the preview) a page whose inputs did not change is not
    rendered again."""
    keep = keep or keeper(portal, renderer, site_url, directory_urls, None)
    renderer.keep = keep  # its parts (rows, schedule pages) are kept by the same keys
    programs = [p.id for _, p in portal.programs()]
    yield from _stage_files(portal, renderer, keep)
    for view in portal.phases:
        ids = [p.id for p in view.phase.programs]
        page = keep(lambda v=view: renderer.phase_page(v), "phase", ids, view.phase.id)
        yield SiteFile(phase_src(view.phase.id), page, view.source)
        yield from _program_files(view, renderer, keep)
    if home:
        yield SiteFile(HOME, keep(renderer.home_page, "home", programs))
    for src, content, in_nav in renderer.schedule_files():
        yield SiteFile(src, content, in_nav=in_nav)
    atom = bool(site_url)  # Atom feeds need the site's address (generator/feeds/atom.py)
    yield SiteFile(NEW, keep(lambda: renderer.new_page(atom), f"new {atom}", programs))
    subscribe = keep(lambda: renderer.subscribe_page(atom), f"subscribe {atom}", programs)
    yield SiteFile(SUBSCRIBE, subscribe, in_nav=False)  # linked from /new/ and /schedule/
    today = portal.now.astimezone(portal.zone).date()
    yield SiteFile(PLANS, keep(renderer.plans_page, f"plans {today}", programs))
    yield SiteFile(PLAN, keep(renderer.plan_page, "plan", programs))
    for kind in CATALOGUES:
        for src, content, in_nav in renderer.catalogue_files(kind):
            yield SiteFile(src, content, in_nav=in_nav)
    for path, content in feed_files(portal, site_url, renderer.lang, keep, directory_urls):
        yield SiteFile(path, content)
    for path, content in atom_files(portal, site_url, renderer.lang, keep, directory_urls):
        yield SiteFile(path, content)
    # Dated to the minute, and the plans page to the day: the preview makes them again when
    # the clock moves, as a fresh build would, from each program's entry and rows it kept.
    now = portal.now.isoformat()
    made = lambda: catalog_json(portal, site_url, directory_urls, keep)  # noqa: E731
    yield SiteFile(CATALOG_JSON, keep(made, f"catalog {now}", programs))
    for asset in (ASSET, SCRIPT, SEARCH_BOX, PLAN_SCRIPT):
        yield SiteFile(asset, package_files("generator.site").joinpath(asset).read_bytes())
    # The tiers of this tree ahead of the script that says them (site/yourplan.py).
    yield SiteFile(YOURPLAN, yourplan_script(portal, renderer.lang, directory_urls))
    if renderer.lang == portal.language:  # one picture for every language (og_image.py)
        # Drawn from the lifecycle and the phases' headers, which every key holds.
        yield SiteFile(OG_IMAGE, keep(lambda: og_image(portal), "og-image", []))


def _program_files(view: m.PhaseView, renderer: Renderer, keep: Keeper) -> list[SiteFile]:
    """A phase's program pages (a guide's page is its Markdown under content/), kept as one
    while what they are made of is the same: a save then asks for a key per phase file, not
    one per program (a twentieth of a save at 10,000 programs). Each page is kept within."""
    programs = [p for p in view.phase.programs if not p.written]

    def page(program: m.ProgramBase) -> SiteFile:
        inputs = [program.id, *getattr(program, "prerequisites", [])]
        made = lambda: renderer.program_page(view, program)  # noqa: E731
        content = keep(made, "program", inputs, view.phase.id)
        return SiteFile(program_src(program), content, view.source, in_nav=False)

    inputs = [p.id for p in programs]
    inputs += sorted({q for p in programs for q in getattr(p, "prerequisites", [])})
    made = lambda: [page(p) for p in programs]  # noqa: E731
    return keep(made, f"program pages {view.source}", inputs, view.phase.id)


def _stage_files(portal: m.Portal, renderer: Renderer, keep: Keeper) -> Iterator[SiteFile]:
    """Each stage's page, which its tab opens, made from the lifecycle and its phases'
    headers (in every key); editable at lifecycle.yml, where stages are written."""
    folder = posixpath.dirname(portal.phases[0].source) if portal.phases else None
    lifecycle = posixpath.join(folder, LIFECYCLE) if folder is not None else None
    for stage in portal.lifecycle.stages:
        src = stage_src(portal, stage)
        if src is not None:
            page = keep(lambda s=stage: renderer.stage_page(s), f"stage {stage.id}", [])
            yield SiteFile(src, page, lifecycle)


def keeper(
    portal: m.Portal,
    renderer: Renderer,
    site_url: str | None,
    directory_urls: bool,
    memo: Memo | None,
) -> Keeper:
    """What `site_files` renders again and what it takes from `memo`, by the pages' keys."""
    settings = (renderer.lang, site_url, directory_urls, renderer.page_size)
    return Keeper(memo, portal, settings, renderer.overrides, renderer.lang)


def site_names(portal: m.Portal, lang: str) -> dict[str, str]:
    """`site_name` and `site_description` of a language's tree, where the portal gives them
    in that language: mkdocs.yml names the site in the first."""
    info, out = portal.info, {}
    if lang != portal.language and lang in info.title:
        out["site_name"] = info.title[lang]
    if lang != portal.language and info.description and lang in info.description:
        out["site_description"] = " ".join(info.description[lang].split())
    return out


def collisions(
    generated: list[SiteFile], written: set[str], docs_dir: str, trees: Sequence[str] = ()
) -> list[Problem]:
    """Hand-written files at a path the portal generates: one of the two would silently
    replace the other. Only the start page may be written by hand (it wins).

    `trees` are the languages built under `/<lang>/` (all but the first): a hand-written
    `<lang>/…` would be published inside that language's tree, and the language's own
    build would replace it (its start page) or publish it again at `/<lang>/<lang>/`."""
    found = [
        Problem.of_file(
            f"{docs_dir}/{item.src}",
            tr(
                "the portal generates this file from {source} (/{url}): rename or move {path}"
            ).format(
                source=item.source or "phases/",
                url=page_url(item.src),
                path=f"{docs_dir}/{item.src}",
            ),
        )
        for item in generated
        if item.src in written and item.src != HOME
    ]
    return found + _in_language_trees(written, docs_dir, trees)


def _in_language_trees(written: set[str], docs_dir: str, trees: Sequence[str]) -> list[Problem]:
    """Hand-written `<lang>/…` (or `<lang>.md`, the page /<lang>/) of a language in `trees`."""
    found = []
    for src in sorted(written):
        folder, inside, _ = src.partition("/")
        lang = folder if inside else src.removesuffix(".md")
        if lang in trees:
            path = f"{docs_dir}/{src}"
            message = tr(
                "{folder}/ is where the portal builds its {lang} pages (/{lang}/): rename or "
                "move {path} (a {lang} translation of x.md is x.{lang}.md beside it)"
            )
            found.append(
                Problem.of_file(
                    path, message.format(folder=f"{docs_dir}/{lang}", lang=lang, path=path)
                )
            )
    return found
