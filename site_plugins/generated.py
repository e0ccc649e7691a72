"""The pages and files the portal generates, handed to MkDocs beside the authors' own."""

from __future__ import annotations

import os
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files, InclusionLevel

from generator.site.pages import SiteFile, collisions
from generator.source.model import Portal
from generator.text.errors import ContentError
from site_plugins.incremental import Tracked

NOT_IN_NAV = InclusionLevel.NOT_IN_NAV


def refuse_collisions(
    files: Files, generated: list[SiteFile], config: MkDocsConfig, portal: Portal, root: Path
) -> None:
    """A file of docs_dir where the portal generates one: one would hide the other."""
    written = {f.src_uri for f in files if not f.generated_by}
    docs = os.path.relpath(config.docs_dir, root)
    trees = portal.info.languages[1:]  # each built under /<lang>/
    problems = collisions(generated, written, Path(docs).as_posix(), trees)
    if problems:
        raise ContentError(problems)


def add_generated(
    files: Files,
    generated: list[SiteFile],
    config: MkDocsConfig,
    portal: Portal,
    root: Path,
    kept: dict[str, Tracked] | None = None,
) -> dict[str, Tracked]:
    """The generated files, each editable at the YAML it came from; guides out of the
    global nav. `kept`: the files the preview's last build of this tree made, by source,
    to be made again; what it returns is to be `kept` for the next build."""
    edit: dict[str, str] = {}  # each phase file as the edit button names it
    made: dict[str, Tracked] = {}
    last = next(iter(kept.values()), None) if kept else None  # all made by one build
    if last and (last.dest_dir, last.use_directory_urls) != (
        config.site_dir,
        config.use_directory_urls,
    ):
        kept = None  # another site folder or URL style: every path is another
    for item in generated:
        inclusion = InclusionLevel.UNDEFINED if item.in_nav else NOT_IN_NAV
        file = _file(config, item, inclusion, kept.get(item.src) if kept else None)
        if item.source is not None:
            if item.source not in edit:
                edit[item.source] = _edit_uri(root / item.source, config)
            file.edit_uri = edit[item.source]  # the YAML it came from, not a generated file
        files.append(file)
        made[item.src] = file
    # Guides too are reached from their phase, never from the global nav: say so, or
    # MkDocs lists every one of them as "not included in the nav" on each build.
    for page_src in portal.guides:
        guide = files.get_file_from_path(page_src)
        if guide is not None and guide.inclusion.is_in_nav():
            guide.inclusion = NOT_IN_NAV
    return made


def _file(
    config: MkDocsConfig, item: SiteFile, inclusion: InclusionLevel, last: Tracked | None
) -> Tracked:
    """A generated file: the last build's for the same source (the preview's) with this
    build's content, else a new one. MkDocs makes a File's paths and URL anew for each new
    one, from the same source, site folder and directory URLs (a tenth of a save at 10,000
    programs); what a build sets on a file (its page, its inclusion) is set again here."""
    if last is None:
        return Tracked.generated(config, item.src, content=item.content, inclusion=inclusion)
    last._content, last.inclusion, last.page = item.content, inclusion, None
    last.__dict__.pop("edit_uri", None)  # the generated file's own, unless set again
    return last


def _edit_uri(source: Path, config: MkDocsConfig) -> str:
    """Where the page's edit button leads: the YAML it came from, from docs_dir."""
    return os.path.relpath(source, config.docs_dir).replace(os.sep, "/")
