"""Every file the portal adds to a site, from the one model: pages, feeds, data and assets.

The MkDocs plugin turns each into a generated file; the scale benchmark writes the very same
ones to disk to time plain MkDocs on identical pages.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources import files as package_files

from generator import model as m
from generator.calendar import feed_files
from generator.catalog import catalog_json
from generator.errors import Problem
from generator.messages import tr
from generator.render import ASSET, SCRIPT, Renderer
from generator.urls import CATALOG_JSON, CATALOGUES, HOME, PLANS, page_url, phase_src, program_src


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
) -> Iterator[SiteFile]:
    """What the portal adds; `home=False` when docs_dir has a start page written by hand."""
    for view in portal.phases:
        yield SiteFile(phase_src(view.phase.id), renderer.phase_page(view), view.source)
        for program in view.phase.programs:
            if not isinstance(program, m.Guide):
                content = renderer.program_page(view, program)
                yield SiteFile(program_src(program), content, view.source, in_nav=False)
    if home:
        yield SiteFile(HOME, renderer.home_page())
    for src, content, in_nav in renderer.schedule_files():
        yield SiteFile(src, content, in_nav=in_nav)
    yield SiteFile(PLANS, renderer.plans_page())
    for kind in CATALOGUES:
        for src, content, in_nav in renderer.catalogue_files(kind):
            yield SiteFile(src, content, in_nav=in_nav)
    for path, content in feed_files(portal, site_url, renderer.lang):
        yield SiteFile(path, content)
    yield SiteFile(CATALOG_JSON, catalog_json(portal, site_url, directory_urls))
    for asset in (ASSET, SCRIPT):
        yield SiteFile(asset, package_files("generator").joinpath(asset).read_bytes())


def site_names(portal: m.Portal, lang: str) -> dict[str, str]:
    """`site_name` and `site_description` of a language's tree, where the portal gives them
    in that language: mkdocs.yml names the site in the first."""
    info, out = portal.info, {}
    if lang != portal.language and lang in info.title:
        out["site_name"] = info.title[lang]
    if lang != portal.language and info.description and lang in info.description:
        out["site_description"] = " ".join(info.description[lang].split())
    return out


def collisions(generated: list[SiteFile], written: set[str], docs_dir: str) -> list[Problem]:
    """Hand-written files at a path the portal generates: one of the two would silently
    replace the other. Only the start page may be written by hand (it wins)."""
    return [
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
