"""`phasebook export`: the portal as a plain docs tree per language, for any engine that
reads mkdocs.yml (MkDocs, ProperDocs, Zensical), with no Phasebook plugin to run.

Each language gets `<lang>/mkdocs.yml` and `<lang>/docs/`: the page set the plugin would
hand to MkDocs, the guides as the plugin shows them (translation, header, related content
already in place), every other file of docs_dir, the feeds, the catalog data and the
assets. The project's mkdocs.yml is kept as written (comments and tags included) but for
what the plugin did at build time, which is now spelled out in it.
"""

from __future__ import annotations

import io
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML, YAMLError
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import LiteralScalarString

from generator.build.outputs import Layout
from generator.build.settings import Given, Settings, settings
from generator.i18n.messages import tr
from generator.site.pages import site_files
from generator.site.render import Renderer
from generator.source import model as m
from generator.source.sourcefiles import SourceProblem, read_source
from generator.source.urls import HOME, language_site_url, translation_of, translation_src

DOCS = "docs"
SEARCH = ("search", "material/search")


@dataclass(frozen=True)
class Source:
    """The project as the export reads it: its layout (the plugin options among it) and
    mkdocs.yml as written."""

    layout: Layout
    config: CommentedMap
    related: dict[str, list[str]]

    @property
    def site_url(self) -> str | None:
        given = self.config.get("site_url")
        return given if isinstance(given, str) and given else None


class ConfigProblem(ValueError):
    """mkdocs.yml cannot be read: the message names the place and what to do."""


def read_config(path: Path) -> CommentedMap:
    """mkdocs.yml round trip: `!ENV` and `!!python/name:` tags are kept, not resolved."""
    try:
        text = read_source(path, path.name).decode("utf-8")
        loaded = YAML().load(text)
    except SourceProblem as exc:
        raise ConfigProblem(str(exc.problem)) from None
    except UnicodeDecodeError:
        raise ConfigProblem(
            tr("{file}: is not UTF-8: save it as UTF-8").format(file=path.name)
        ) from None
    except YAMLError as exc:
        where = f"{path.name}:{_place(exc, text)}"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        message = tr("{where}: {problem}: fix mkdocs.yml (MkDocs cannot read it either)")
        raise ConfigProblem(message.format(where=where, problem=problem)) from None
    if not isinstance(loaded, CommentedMap):
        message = tr("{file}: is not a mapping of settings: fix mkdocs.yml")
        raise ConfigProblem(message.format(file=path.name))
    return loaded


def _place(exc: YAMLError, text: str) -> str:
    """line:column of a YAML error: its mark, or (a reader error) its character offset."""
    mark = getattr(exc, "problem_mark", None)
    if mark is not None:
        return f"{mark.line + 1}:{mark.column + 1}"
    before = text[: getattr(exc, "position", 0)]
    return f"{before.count(chr(10)) + 1}:{len(before) - before.rfind(chr(10))}"


def export_tree(portal: m.Portal, source: Source, lang: str) -> dict[str, bytes]:
    """Every file of one language's tree, by path relative to the tree."""
    renderer = Renderer(
        portal,
        source.layout.templates_dir,
        lang=lang,
        directory_urls=source.config.get("use_directory_urls", True) is not False,
        page_size=source.layout.options.catalogue_page_size,
    )
    renderer.related = source.related
    site_url = language_site_url(source.site_url, lang, portal.info.languages)
    docs_dir = source.layout.docs_dir
    files = {f"{DOCS}/{src}": _bytes(c) for src, c in _docs_dir(portal, renderer, docs_dir)}
    hidden = []
    for item in site_files(
        portal,
        renderer,
        site_url=site_url,
        directory_urls=renderer.directory_urls,
        home=not (docs_dir / HOME).is_file(),
    ):
        content = item.content
        if isinstance(content, str):
            content = renderer.fill_related(item.src, content)
        files[f"{DOCS}/{item.src}"] = _bytes(content)
        if not item.in_nav:
            hidden.append(item.src)
    hidden += list(portal.guides)
    files["mkdocs.yml"] = _dump(_config(portal, source, lang, site_url, hidden))
    return files


def _docs_dir(portal: m.Portal, renderer: Renderer, docs_dir: Path):
    """docs_dir as this language's build sees it: `x.en.md` in place of `x.md` in English,
    translations never pages of their own, Markdown as the plugin shows it."""
    languages = portal.info.languages
    for path in sorted(docs_dir.rglob("*")):
        src = path.relative_to(docs_dir).as_posix()
        if any(part.startswith(".") for part in Path(src).parts) or not path.is_file():
            continue  # MkDocs skips dot files and folders
        if not src.endswith(".md"):
            yield src, read_source(path, src)
            continue
        if translation_of(src, languages) is not None:
            continue
        translated = docs_dir / translation_src(src, renderer.lang)
        own = renderer.lang != portal.language and translated.is_file()
        text = read_source(translated if own else path, src).decode("utf-8")
        untranslated = renderer.lang != portal.language and not own
        page = renderer.page_markdown(src, text, untranslated)
        yield src, renderer.fill_related(src, page)


def _config(
    portal: m.Portal, source: Source, lang: str, site_url: str | None, hidden: list[str]
) -> CommentedMap:
    """The project's mkdocs.yml for this tree: no phasebook plugin, what it does at build
    time written out (settings.py), and the generated files kept out of the nav."""
    config = CommentedMap(source.config)
    config["docs_dir"] = DOCS
    config.pop("site_dir", None)
    config["edit_uri"] = ""  # the exported files are not the sources an author edits
    chosen = settings(portal, lang, source.layout.options, _given(config, source.site_url))
    if not chosen.staff_links:
        for key in ("repo_url", "repo_name"):
            config.pop(key, None)
    if site_url:
        config["site_url"] = site_url
    config.update(chosen.names)
    theme = config.get("theme")
    theme = CommentedMap(theme) if isinstance(theme, dict) else CommentedMap(name=theme)
    theme["language"] = chosen.theme_language
    config["theme"] = theme
    config["plugins"] = _plugins(config.get("plugins") or [], chosen)
    config["markdown_extensions"] = [*(config.get("markdown_extensions") or []), *chosen.extensions]
    config["extra_css"] = [*(config.get("extra_css") or []), *chosen.extra_css]
    config["extra_javascript"] = [*(config.get("extra_javascript") or []), *chosen.extra_javascript]
    if chosen.nav is not None:
        config["nav"] = chosen.nav
    config["not_in_nav"] = LiteralScalarString("".join(f"/{src}\n" for src in hidden))
    extra = config.get("extra")
    extra = CommentedMap(extra) if isinstance(extra, dict) else CommentedMap()
    extra.update(chosen.extra)
    if chosen.scope is not None:
        extra.setdefault("scope", chosen.scope)
    config["extra"] = extra
    return config


def _name(entry: object) -> object:
    """The name of a plugin or extension entry: `name`, or `{name: options}`."""
    return next(iter(entry)) if isinstance(entry, dict) else entry


def _search(plugins: list) -> dict:
    """The options of the search plugin as mkdocs.yml gives them ({} if none)."""
    for entry in plugins:
        options = entry.get(_name(entry)) if isinstance(entry, dict) else None
        if _name(entry) in SEARCH and isinstance(options, dict):
            return options
    return {}


def _given(config: CommentedMap, site_url: str | None) -> Given:
    """What the project's mkdocs.yml chose, where Phasebook's settings let it win."""
    search = _search(config.get("plugins") or [])
    separator, pipeline = search.get("separator"), search.get("pipeline")
    return Given(
        site_url=site_url,
        nav="nav" in config,
        extensions=tuple(_name(e) for e in config.get("markdown_extensions") or []),
        extra_css=tuple(config.get("extra_css") or []),
        extra_javascript=tuple(config.get("extra_javascript") or []),
        search_separator=separator if isinstance(separator, str) else None,
        search_pipeline=tuple(pipeline) if isinstance(pipeline, list) else (),
    )


def _plugins(plugins: list, chosen: Settings) -> list:
    """Every plugin but phasebook, the search plugin tuned for the portal's languages."""
    kept = []
    for entry in plugins:
        name = _name(entry)
        if name == "phasebook":
            continue
        if name in SEARCH:
            options = CommentedMap(entry[name] or {}) if isinstance(entry, dict) else CommentedMap()
            options["separator"] = chosen.search_separator
            options["pipeline"] = chosen.search_pipeline
            entry = CommentedMap({name: options})
        kept.append(entry)
    return kept


def _dump(config: CommentedMap) -> bytes:
    out = io.StringIO()
    yaml = YAML()
    yaml.width = 4096
    yaml.dump(config, out)
    header = "# Written by `phasebook export`: build with `mkdocs build -f` this file.\n"
    return (header + out.getvalue()).encode("utf-8")


def _bytes(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def write_tree(files: dict[str, bytes], folder: Path) -> None:
    """Write a tree into the new, empty `folder`."""
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def copy_theme_dir(source: Source, folder: Path) -> None:
    """A theme `custom_dir` named relative to mkdocs.yml comes along, under the same name."""
    theme = source.config.get("theme")
    custom = theme.get("custom_dir") if isinstance(theme, dict) else None
    if isinstance(custom, str) and not os.path.isabs(custom):
        origin = source.layout.root / custom
        if origin.is_dir():
            shutil.copytree(origin, folder / custom, symlinks=False)
