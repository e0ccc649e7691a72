"""The `phasebook` MkDocs plugin: load the model, add generated pages, decorate guides."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from generator.authoring import report
from generator.build.outputs import SITE_TARGET_ENV, OutputError, check_output, layout
from generator.i18n import messages
from generator.search import index as search
from generator.search.job import STAGING_ENV, Background, IndexFailed, IndexJob
from generator.site.pages import SiteFile, collisions, keeper, site_files, site_names
from generator.site.render import ASSET, REQUIRED_EXTENSIONS, SCRIPT, Renderer, navigation
from generator.source import language
from generator.source.load import load_portal
from generator.source.memo import TEMPLATES, Keeper
from generator.source.model import Portal
from generator.source.urls import HOME, alternates, language_site_url, site_path
from generator.system import faults
from generator.text.cjk import SEARCH_PIPELINE, SEARCH_SEPARATOR, fold_words
from generator.text.errors import ContentError, printable
from site_plugins.config import PhasebookConfig
from site_plugins.incremental import Incremental, Tracked
from site_plugins.languages import language_config, start_twin, translate_files, twin_of
from site_plugins.preview import Preview

log = get_plugin_logger(__name__)

NOT_IN_NAV = InclusionLevel.NOT_IN_NAV
RELATED_MARK = 'data-pb-related="'


def fold_search_index(
    site_dir: Path, complete: Callable[[list[dict]], list[dict]] | None = None
) -> None:
    """Material's browser index with its letters and kana folded as the browser folds
    every query (NFKC, generator/site/assets/phasebook.js): ＳＳＯ, ｓｓｏ and SSO, ｱﾗｰﾄ and
    アラート meet. `complete` (the preview) adds the entries of the pages it did not
    rebuild, folded already: the file is read and written once."""
    path = site_dir / "search" / "search_index.json"
    data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
    docs = data.get("docs", []) if data is not None else []
    for doc in docs:
        for key in ("title", "text"):
            if isinstance(doc.get(key), str):
                doc[key] = fold_words(doc[key])
    if complete is not None:
        docs = complete(docs)
    if data is not None:
        data["docs"] = docs
        path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), "utf-8")


def hide_staff_links(config: MkDocsConfig) -> None:
    """No edit button, repository link or "Made with Material for MkDocs" for customers."""
    config.repo_url = config.repo_name = None
    config.edit_uri = ""
    config.extra["generator"] = False


@contextlib.contextmanager
def reported() -> Iterator[None]:
    """The single conversion point: MkDocs prints a PluginError without a traceback."""
    try:
        yield
    except ContentError as exc:
        raise PluginError(exc.report()) from None
    except (OutputError, IndexFailed) as exc:
        raise PluginError(printable(str(exc))) from None


class PhasebookPlugin(BasePlugin[PhasebookConfig]):
    """Builds the portal's phase and program pages from phases/*.yml."""

    def __init__(self) -> None:
        self.portal: Portal | None = None
        self.renderer: Renderer | None = None
        self.root = Path.cwd()
        # The search index and related content, computed in a second process during the
        # build; the previous index is kept until the build is known to have succeeded.
        self.job: IndexJob | None = None
        self.done: IndexJob | None = None  # installed, its predecessor not yet discarded
        self.timings: dict[str, float] = {}
        # The language being built. The first language's build then builds each other one
        # (`twin`), sharing the portal, the first build's site_url and the related content.
        self.lang = ""
        self.twin = False
        self.site_url: str | None = None
        self.related: dict[str, list[str]] = {}
        self.preview: Incremental | None = None  # under `mkdocs serve`
        self.background: Background | None = None  # the preview's index, installed when done
        # `mkdocs build`: the other languages' builds, and where they get the related content
        self.children: list[tuple[str, subprocess.Popen]] = []
        self.handoff: Path | None = None
        self.waiting_for: Path | None = None  # in such a build: the related content's file

    # Before Material's search plugin fills in its own defaults for what mkdocs.yml left unset.
    @event_priority(50)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        """Load and check every source once; content errors stop the build, listed together."""
        if not self.config.enabled:
            return None
        search_plugin = config.plugins.get("material/search")
        if search_plugin is not None:
            search_plugin.config.separator = search_plugin.config.separator or SEARCH_SEPARATOR
            search_plugin.config.pipeline = search_plugin.config.pipeline or list(SEARCH_PIPELINE)
        self.root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        shared = None if self.twin else twin_of()
        if shared is not None:  # another language's build, in a process of its own
            self.twin, self.lang, self.site_url = True, shared["lang"], shared["site_url"]
            self.waiting_for = Path(shared["related"])
            self.portal = self._load(config, datetime.fromisoformat(shared["now"]))
            languages = self.portal.info.languages
            config.site_url = language_site_url(self.site_url, self.lang, languages)
            config.theme["language"] = self.lang
        elif not self.twin:
            self.portal = self._load(config)
            self.lang, self.site_url, self.related = self.portal.language, config.site_url, {}
        assert self.portal is not None
        templates = self.config.templates_dir
        self.renderer = Renderer(
            self.portal,
            self._path(templates) if templates else None,
            lang=self.lang,
            directory_urls=config.use_directory_urls,
            page_size=self.config.catalogue_page_size,
        )
        self.renderer.related = self.related
        if self.twin:
            for key, value in site_names(self.portal, self.lang).items():
                config[key] = value
            # Ticks and preferences are kept per site root: share the first language's.
            config.extra.setdefault("scope", site_path(self.site_url) + "/")
        if self.config.nav and config.nav is None:
            config.nav = navigation(self.portal, self.lang)
        if len(self.portal.info.languages) > 1:
            config.extra["alternate"] = alternates("", self.portal.info.languages, self.site_url)
        if not self.config.staff_links:
            hide_staff_links(config)
        for extension in REQUIRED_EXTENSIONS:
            if extension not in config.markdown_extensions:
                config.markdown_extensions.append(extension)
        if ASSET not in config.extra_css:
            config.extra_css.append(ASSET)
        if SCRIPT not in config.extra_javascript:
            config.extra_javascript.append(SCRIPT)
        return config

    def _load(self, config: MkDocsConfig, now: datetime | None = None) -> Portal:
        """The first language's build reads and checks the sources; the others share it
        (or, in a process of their own, read them again as of the same `now`)."""
        language.use_portal_language(self.root, self.config.phases_dir)
        with reported():
            self._check_outputs(config)
            portal = load_portal(
                self._path(self.config.phases_dir), Path(config.docs_dir), root=self.root, now=now
            )
            self._check_stale(portal)
        log.debug("loaded %d phases, %d programs", len(portal.phases), len(portal.by_id))
        return portal

    def _check_outputs(self, config: MkDocsConfig) -> None:
        """Nothing this build writes may replace a source: the site, where `phasebook build`
        will put it, and the index are each checked against the project's layout."""
        templates = self.config.templates_dir
        if templates and not self._path(templates).is_dir():
            raise OutputError(
                messages.tr(
                    "templates_dir '{folder}' does not exist (create it, or remove the option "
                    "from the phasebook plugin in mkdocs.yml)"
                ).format(folder=templates)
            )
        project = layout(self.root, Path(config.config_file_path or "mkdocs.yml"))
        outputs = [("site_dir", config.site_dir), ("search_index", self.config.search_index)]
        if os.environ.get(SITE_TARGET_ENV):
            outputs.append(("-d", os.environ[SITE_TARGET_ENV]))
        for what, path in outputs:
            check_output(Path(path), project, what, base=self.root)

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
        """Add the generated pages, feeds and data as virtual files; nothing touches disk."""
        if not self.config.enabled or self.portal is None or self.renderer is None:
            return None
        memo = self.preview.memo if self.preview else None
        keep = keeper(self.portal, self.renderer, config.site_url, config.use_directory_urls, memo)
        with reported():
            generated = list(
                site_files(
                    self.portal,
                    self.renderer,
                    site_url=config.site_url,
                    directory_urls=config.use_directory_urls,
                    # A start page written by hand in docs_dir wins over the generated one.
                    home=files.get_file_from_path(HOME) is None,
                    keep=keep,
                )
            )
            written = {f.src_uri for f in files if not f.generated_by}
            docs = os.path.relpath(config.docs_dir, self.root)
            problems = collisions(generated, written, Path(docs).as_posix())
            if problems:
                raise ContentError(problems)
            if not self.twin:
                self._index(config)
                if self.preview is None:
                    self._start_twins(config)
        translate_files(files, config, self.lang, self.portal.info.languages)
        for item in generated:
            inclusion = InclusionLevel.UNDEFINED if item.in_nav else NOT_IN_NAV
            file = Tracked.generated(config, item.src, content=item.content, inclusion=inclusion)
            if item.source is not None:
                file = self._editable(file, item.source, config)
            files.append(file)
        # Guides too are reached from their phase, never from the global nav: say so, or
        # MkDocs lists every one of them as "not included in the nav" on each build.
        for page_src in self.portal.guides:
            guide = files.get_file_from_path(page_src)
            if guide is not None and guide.inclusion.is_in_nav():
                guide.inclusion = NOT_IN_NAV
        if self.preview is not None:
            with reported():
                keys = self._keys(files, config, generated, keep)
            self.preview.mark(files, self.lang, keys)
        return files

    def _keys(
        self, files: Files, config: MkDocsConfig, generated: list[SiteFile], keep: Keeper
    ) -> dict[str, tuple]:
        """Each page's key for the preview: its Markdown as MkDocs gets it, the related
        content it shows, and what every page of the tree shows."""
        assert self.preview is not None and self.portal is not None and self.renderer is not None
        common = self.preview.everything(config, self.lang)
        made = {item.src: item.content for item in generated}

        def related(src: str) -> list[str]:
            guide = self.portal.guides.get(src) if self.portal else None
            program = guide[1].id if guide else src.removeprefix("programs/")[:-3]
            # Their titles, tiers and phases, as the related list shows them.
            shown = [keep.inputs.program[i] for i in self.related.get(program, [])]
            return [keep.inputs.base, *shown] if shown else []

        keys = {}
        for file in files:
            if file.src_uri in made:
                content = made[file.src_uri]
            elif file.is_documentation_page() and file.abs_src_path:
                text = Path(file.abs_src_path).read_text(encoding="utf-8-sig")
                untranslated = self.twin and file.generated_by is None
                content = self.renderer.page_markdown(file.src_uri, text, untranslated)
            else:
                continue
            # Compared, not hashed: a page the memo kept is the very same string.
            keys[file.src_uri] = (common, content, related(file.src_uri))
        return keys

    def on_env(self, env, *, config: MkDocsConfig, files: Files) -> None:
        """The theme's templates, compiled once for every language and every rebuild."""
        env.bytecode_cache = TEMPLATES
        if self.preview is not None:
            self.preview.written(files, self.lang, Path(config.site_dir))

    # Last, after every other plugin has written the first language's files: MkDocs gives
    # the next build the same instances of plugins that keep state between builds.
    @event_priority(-100)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Build the other languages, then install the new search index, keeping the old
        one: MkDocs may still abort the build after this hook (warnings in --strict), and
        then `on_build_error` restores it."""
        preview, lang = self.preview, self.lang
        fold_search_index(
            Path(config.site_dir), (lambda docs: preview.finish(docs, lang)) if preview else None
        )
        if self.twin or self.portal is None:
            return
        if preview is None:
            self._await_index()
            self._finish_twins()
            if self.job is not None:
                self.job.install()
                self.job, self.done = None, self.job
        else:
            self._build_twins(config)
            preview.done()
            if self.job is not None:
                self.background, self.job = Background(self.job), None

    def _start_twins(self, config: MkDocsConfig) -> None:
        """Each other language's build, started now in a process of its own: it renders its
        pages on the other core while this one renders the first language's."""
        assert self.portal is not None
        self.handoff = Path(tempfile.mkdtemp(prefix="phasebook-related-"))
        shared = {
            "site_url": self.site_url,
            "now": self.portal.now.isoformat(),
            "related": str(self.handoff / "related.json"),
        }
        self.children = [
            (lang, start_twin(config, lang, shared)) for lang in self.portal.info.languages[1:]
        ]

    def _finish_twins(self) -> None:
        """Wait for the other languages; one that failed fails the build (it said why)."""
        failed = [lang for lang, child in self.children if child.wait() != 0]
        self._drop_twins()
        if failed:
            raise PluginError(
                messages.tr("the {lang} pages could not be built: see the messages above").format(
                    lang=", ".join(failed)
                )
            )

    def _drop_twins(self) -> None:
        for _, child in self.children:
            if child.poll() is None:
                child.kill()
                child.wait()
        self.children = []
        if self.handoff is not None:
            shutil.rmtree(self.handoff, ignore_errors=True)
            self.handoff = None

    def _build_twins(self, config: MkDocsConfig) -> None:
        """The preview builds the other languages in this process, which keeps what they
        rendered for the next rebuild."""
        assert self.portal is not None
        first, renderer = self.lang, self.renderer
        try:
            for lang in self.portal.info.languages[1:]:
                twin = language_config(config, lang, self.portal.info.languages)
                plugin = twin.plugins["phasebook"]
                assert isinstance(plugin, PhasebookPlugin)
                plugin.portal, plugin.site_url, plugin.related = (
                    self.portal,
                    self.site_url,
                    self.related,
                )
                plugin.twin, plugin.lang = True, lang
                build(twin, dirty=bool(self.preview and self.preview.active))
                plugin.twin = False
        finally:
            self.twin, self.lang, self.renderer = False, first, renderer

    def on_build_error(self, *, error: Exception) -> None:
        self._drop_twins()
        for job in (self.job, self.done):
            if job is not None:
                job.rollback()
        self.job = self.done = None
        if self.preview is not None:
            self.preview.failed()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """`mkdocs serve` keeps pages and keys between rebuilds, to rebuild only what changed."""
        self.preview = Incremental() if command == "serve" else None

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """The previous build succeeded: its predecessor's index is no longer needed."""
        self._drop_kept()

    def on_shutdown(self) -> None:
        self._drop_kept()

    def _drop_kept(self) -> None:
        if self.background is not None and not self.twin:
            self.background.cancel()  # a newer build indexes again
            self.background = None
        if self.done is not None:
            self.done.discard()
            self.done = None

    def _index_dir(self) -> Path:
        return self._path(self.config.search_index)

    def _index(self, config: MkDocsConfig) -> None:
        """Start indexing the sources in a second process: MkDocs renders the pages
        meanwhile, and only their finished HTML needs to know what is related."""
        assert self.portal is not None
        docs_dir = Path(config.docs_dir)
        docs = search.documents(self.portal, docs_dir, config.use_directory_urls)
        staging = os.environ.get(STAGING_ENV)
        self.job = IndexJob(self._index_dir(), Path(staging) if staging else None)
        self.job.start(docs, search.fingerprint(self._path(self.config.phases_dir), docs_dir))
        faults.point("index-started")
        if self.preview is not None:  # the preview does not wait for the index
            self.related = self.preview.related(docs)
            self.renderer.related = self.related

    def _await_index(self) -> None:
        """Wait, once, for what is related: from the index worker (the first language) or
        from the first language's build (another language, in a process of its own)."""
        assert self.renderer is not None
        if self.job is not None and self.job.running:
            with reported():
                data = self.job.wait()
            self.related, self.timings = data["related"], data["timings"]
            if self.handoff is not None:
                part = self.handoff / "related.part"
                part.write_text(json.dumps(self.related), encoding="utf-8")
                part.replace(self.handoff / "related.json")  # whole, or not yet there
        elif self.waiting_for is not None:
            while not self.waiting_for.is_file():
                time.sleep(0.02)
            self.related = json.loads(self.waiting_for.read_text(encoding="utf-8"))
            self.waiting_for = None
        self.renderer.related = self.related

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        """Fill in the related content of program and guide pages."""
        if not self.config.enabled or self.renderer is None or RELATED_MARK not in output:
            return None
        if self.preview is None:
            self._await_index()
        with reported():
            return self.renderer.fill_related(page.file.src_uri, output)

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Join wrapped Japanese lines; put a guide's tier and phase right under its heading;
        say so on a page shown untranslated (a file of docs_dir with no `x.<lang>.md`)."""
        if not self.config.enabled or self.renderer is None:
            return None
        untranslated = self.twin and page.file.generated_by is None
        with reported():
            return self.renderer.page_markdown(page.file.src_uri, markdown, untranslated)

    def on_page_context(self, context: dict, *, page: Page, config: MkDocsConfig, nav) -> None:
        """The language selector and `hreflang` links of this page go to this page."""
        if self.portal is not None and len(self.portal.info.languages) > 1:
            languages = self.portal.info.languages
            config.extra["alternate"] = alternates(page.url, languages, self.site_url)

    # Run after MkDocs' own watches are set up, so ours simply add to them.
    @event_priority(-50)
    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder
    ) -> LiveReloadServer | None:
        """Rebuild when a phase file or an overriding template changes; show a failed
        rebuild in the browser instead of holding every request."""
        if not self.config.enabled:
            return None
        Preview(server, config, self.preview)
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
