"""The `phasebook` MkDocs plugin: load the model, add generated pages, decorate guides."""

from __future__ import annotations

import os
import shutil
from importlib.resources import files as package_files
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from generator import atomic, report, search
from generator.calendar import feed_files
from generator.errors import ContentError
from generator.export import catalog_json
from generator.load import load_portal
from generator.model import Guide, Portal
from generator.render import ASSET, SCRIPT, Renderer, join_cjk_lines, navigation
from generator.urls import CATALOG_JSON, CATALOGUES, HOME, PLANS, SCHEDULE, phase_src, program_src
from site_plugins.config import PhasebookConfig

log = get_plugin_logger(__name__)

# Material's search, tuned for Japanese: split at spaces and Japanese punctuation; where the
# script changes (導入|フェーズ, API|連携); and after a katakana word's long-vowel mark
# (カスタマー|サクセス), so that a word inside a katakana compound is found. The browser
# splits queries the same way (generator/assets/phasebook.js).
SEARCH_SEPARATOR = (
    r"[\s\-　、。，．・「」『』（）()【】：:/]+"
    r"|(?<=[\u3400-\u9fff])(?=[\u30a0-\u30ff])|(?<=[\u30a0-\u30ff])(?=[\u3400-\u9fff])"
    r"|(?<=[\u30a1-\u30faー]ー)(?=[\u30a1-\u30fa])"
    r"|(?<=[\u3040-\u30ff\u3400-\u9fff])(?=[A-Za-z0-9])"
    r"|(?<=[A-Za-z0-9])(?=[\u3040-\u30ff\u3400-\u9fff])"
)
# No stemmer: the browser adds a wildcard to every query word and does not stem wildcard
# words, so "renewal*" would never meet the stored stem "renew".
SEARCH_PIPELINE = ["stopWordFilter", "trimmer"]

# The generated Markdown uses heading ids ({#tasks}), Markdown inside HTML blocks and tables.
REQUIRED_EXTENSIONS = ("attr_list", "md_in_html", "tables")
NOT_IN_NAV = InclusionLevel.NOT_IN_NAV


class PhasebookPlugin(BasePlugin[PhasebookConfig]):
    """Builds the portal's phase and program pages from phases/*.yml."""

    def __init__(self) -> None:
        self.portal: Portal | None = None
        self.renderer: Renderer | None = None
        self.root = Path.cwd()
        # The search index: built in `staging`, installed after the build, the previous one
        # `kept` until the build is known to have succeeded.
        self.staging: Path | None = None
        self.kept: Path | None = None
        self.installed = False

    # Before Material's search plugin fills in its own defaults for what mkdocs.yml left unset.
    @event_priority(50)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        """Load and check every source once; content errors stop the build, listed together."""
        if not self.config.enabled:
            return None
        search_plugin = config.plugins.get("material/search")
        if search_plugin is not None:
            search_plugin.config.separator = search_plugin.config.separator or SEARCH_SEPARATOR
            search_plugin.config.pipeline = search_plugin.config.pipeline or SEARCH_PIPELINE
        self.root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        try:
            self.portal = load_portal(
                self._path(self.config.phases_dir), Path(config.docs_dir), root=self.root
            )
            self._check_stale(self.portal)
        except ContentError as exc:
            # The single conversion point: MkDocs prints a PluginError without a traceback.
            raise PluginError(exc.report()) from None
        templates = self.config.templates_dir
        self.renderer = Renderer(
            self.portal,
            self._path(templates) if templates else None,
            directory_urls=config.use_directory_urls,
        )
        if self.config.nav and config.nav is None:
            config.nav = navigation(self.portal)
        for extension in REQUIRED_EXTENSIONS:
            if extension not in config.markdown_extensions:
                config.markdown_extensions.append(extension)
        if ASSET not in config.extra_css:
            config.extra_css.append(ASSET)
        if SCRIPT not in config.extra_javascript:
            config.extra_javascript.append(SCRIPT)
        log.debug("loaded %d phases, %d programs", len(self.portal.phases), len(self.portal.by_id))
        return config

    def _check_stale(self, portal: Portal) -> None:
        """Stale content is an error with strict_content, otherwise a note: the same sources
        go stale as time passes, and that must not break `mkdocs build --strict`."""
        stale = report.stale_programs(portal)
        strict = self.config.strict_content or os.environ.get(report.STRICT_CONTENT_ENV) == "1"
        if stale and strict:
            raise ContentError(report.as_problems(stale))
        for gap in stale:
            log.info("%s", gap)

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        """Add one virtual page per phase and per non-guide program; nothing touches disk."""
        if not self.config.enabled or self.portal is None or self.renderer is None:
            return None
        self._index(config)
        for view in self.portal.phases:
            page = File.generated(
                config, phase_src(view.phase.id), content=self.renderer.phase_page(view)
            )
            files.append(self._editable(page, view.source, config))
            for program in view.phase.programs:
                if isinstance(program, Guide):
                    continue
                content = self.renderer.program_page(view, program)
                page = File.generated(
                    config, program_src(program), content=content, inclusion=NOT_IN_NAV
                )
                files.append(self._editable(page, view.source, config))
        # Programs are reached from their phase, never from the global nav: say so, or MkDocs
        # lists every one of them as "not included in the nav" on each build.
        for page_src in self.portal.guides:
            guide = files.get_file_from_path(page_src)
            if guide is not None and guide.inclusion.is_in_nav():
                guide.inclusion = NOT_IN_NAV
        renderer = self.renderer
        # A start page written by hand in docs_dir wins over the generated one.
        if files.get_file_from_path(HOME) is None:
            files.append(File.generated(config, HOME, content=renderer.home_page()))
        views = [
            (SCHEDULE, renderer.schedule_page()),
            (PLANS, renderer.plans_page()),
            *((src, renderer.catalogue_page(kind)) for kind, src in CATALOGUES.items()),
        ]
        for src, content in views:
            files.append(File.generated(config, src, content=content))
        data = [
            *feed_files(self.portal, config.site_url),
            (CATALOG_JSON, catalog_json(self.portal, config.site_url, config.use_directory_urls)),
        ]
        for path, content in data:
            files.append(File.generated(config, path, content=content))
        for asset in (ASSET, SCRIPT):
            content = package_files("generator").joinpath(asset).read_bytes()
            files.append(File.generated(config, asset, content=content))
        return files

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Install the new search index, keeping the old one: MkDocs may still abort the
        build after this hook (warnings in --strict), and then `on_build_error` restores it."""
        if self.staging is not None:
            self.kept = atomic.install(self.staging, self._index_dir())
            self.installed, self.staging = True, None

    def on_build_error(self, *, error: Exception) -> None:
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging = None
        if self.installed:
            atomic.restore(self.kept, self._index_dir())
            self.installed, self.kept = False, None

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """The previous build succeeded: its predecessor's index is no longer needed."""
        self._drop_kept()

    def on_shutdown(self) -> None:
        self._drop_kept()

    def _drop_kept(self) -> None:
        atomic.discard(self.kept)
        self.installed, self.kept = False, None

    def _index_dir(self) -> Path:
        return self._path(self.config.search_index)

    def _index(self, config: MkDocsConfig) -> None:
        """Index the sources first: program and guide pages show what is related to them."""
        assert self.portal is not None and self.renderer is not None
        docs_dir = Path(config.docs_dir)
        docs = search.documents(self.portal, docs_dir, config.use_directory_urls)
        self.staging = atomic.staging_dir(self._index_dir())
        stamp = search.fingerprint(self._path(self.config.phases_dir), docs_dir)
        search.build_index(docs, self.staging, stamp)
        self.renderer.related = search.related(self.staging)

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Join wrapped Japanese lines; put a guide's tier and phase right under its heading."""
        if not self.config.enabled or self.renderer is None:
            return None
        markdown = join_cjk_lines(markdown)
        header = self.renderer.guide_header(page.file.src_uri)
        if header is None:
            return markdown
        lines = markdown.splitlines(keepends=True)
        at = next((i + 1 for i, ln in enumerate(lines) if ln.startswith("# ")), 0)
        footer = self.renderer.guide_footer(page.file.src_uri) or ""
        return "".join([*lines[:at], "\n", header, "\n", *lines[at:], "\n\n", footer])

    # Run after MkDocs' own watches are set up, so ours simply add to them.
    @event_priority(-50)
    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder
    ) -> LiveReloadServer | None:
        """Rebuild when a phase file or an overriding template changes."""
        if not self.config.enabled:
            return None
        server.watch(str(self._path(self.config.phases_dir)))
        if self.config.templates_dir:
            server.watch(str(self._path(self.config.templates_dir)))
        return server

    def _path(self, option: str) -> Path:
        return self.root / option

    def _editable(self, file: File, source: str, config: MkDocsConfig) -> File:
        """Point the page's edit button at the YAML it came from, not at a generated file."""
        file.edit_uri = os.path.relpath(self.root / source, config.docs_dir).replace(os.sep, "/")
        return file
