"""The `phasebook` MkDocs plugin: its hooks, in the order MkDocs calls them, each handing
its work to the module that owns the concern (as mkdocs-static-i18n's plugin.py does):

- loading.py: the portal, loaded and checked once; the one conversion to PluginError
- reconfigure.py: the shared settings (generator/build/settings.py) written into MkDocs'
- indexing.py: the search index and the related content, from a second process
- languages.py: the other languages' builds (twins) and their translated files
- generated.py: the pages the portal generates, handed to MkDocs with the authors' own
- incremental.py, preview.py: `mkdocs serve` rebuilding only what changed
- search.py: the browser search, Material's search box answered from a Pagefind bundle
"""

from __future__ import annotations

import html
import os
from collections.abc import Hashable
from datetime import datetime
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from generator.build.settings import settings
from generator.feeds.atom import head_links
from generator.site.authored import accessible
from generator.site.guard import Guard, HtmlPolicy
from generator.site.head import Heads, with_head
from generator.site.head import Page as HeadPage
from generator.site.hreflang import sitemap_with_alternates, without_head_alternates
from generator.site.languages import mark_languages
from generator.site.pages import SiteFile, keeper, site_files
from generator.site.render import Renderer, faq
from generator.site.structured import Where
from generator.source.memo import TEMPLATES, Keeper
from generator.source.model import Portal
from generator.source.sourcefiles import read_text
from generator.source.urls import HOME, alternates
from generator.text import islands
from generator.text.links import FastLinks
from site_plugins import reconfigure, search
from site_plugins.config import PhasebookConfig
from site_plugins.console import quiet_build_lines
from site_plugins.generated import add_generated, refuse_collisions
from site_plugins.incremental import Incremental, KeptTemplate, Later, Sitemap, page_keys
from site_plugins.indexing import IndexCollector
from site_plugins.languages import Twins, language_config, translate_files
from site_plugins.loading import load, reported
from site_plugins.preview import Preview, keep_theme_files
from site_plugins.twin import twin_of

NOT_IN_NAV = InclusionLevel.NOT_IN_NAV
RELATED_MARK = 'data-pb-related="'


class PhasebookPlugin(BasePlugin[PhasebookConfig]):
    """Builds the portal's phase and program pages from phases/*.yml."""

    def __init__(self) -> None:
        self.portal: Portal | None = None
        self.renderer: Renderer | None = None
        self.root = Path.cwd()
        self.index = IndexCollector()
        # The language being built. The first language's build then builds each other one
        # (`twin`), sharing the portal, the first build's site_url and the related content.
        self.lang = ""
        self.twin = False
        self.site_url: str | None = None
        self.twins = Twins()  # under `mkdocs build`: the other languages' processes
        self.preview: Incremental | None = None  # under `mkdocs serve`
        self.guard = Guard(HtmlPolicy(), self.root)  # script in the pages written by hand
        self.heads: Heads | None = None  # link previews and structured data (head.py)
        self.tables: dict[str, islands.Aside] = {}  # a generated page's, until converted
        # What every page of the tree being previewed shows, as its keys found it (`_keys`).
        self.common = ""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """`mkdocs serve` keeps pages and keys between rebuilds, to rebuild only what changed."""
        self.preview = Incremental() if command == "serve" else None
        if self.preview is not None:
            keep_theme_files()
        quiet_build_lines()
        # Blank means unset, as the loader reads it (`SOURCE_DATE_EPOCH= phasebook build`);
        # MkDocs itself would stop on int("") with a traceback when it dates the pages.
        if not os.environ.get("SOURCE_DATE_EPOCH", "unset").strip():
            del os.environ["SOURCE_DATE_EPOCH"]

    # Before Material's search plugin fills in its own defaults for what mkdocs.yml left unset.
    @event_priority(50)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        """Load and check every source once (content errors stop the build, listed
        together), then complete the configuration as `phasebook export` does."""
        if not self.config.enabled:
            return None
        self.root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        shared = None if self.twin else twin_of()
        if shared is not None:  # another language's build, in a process of its own
            self.twin, self.lang, self.site_url = True, shared["lang"], shared["site_url"]
            self.index.waiting_for = shared["related"]  # reads it from the first build
            self.portal = load(
                config, self.config, self.root, datetime.fromisoformat(shared["now"])
            )
        elif not self.twin:
            self.portal = load(config, self.config, self.root)
            self.lang, self.site_url, self.index.related = self.portal.language, config.site_url, {}
        assert self.portal is not None
        policy = HtmlPolicy(self.config.allow_raw_html, tuple(self.config.embed_hosts))
        self.guard = Guard(policy, self.root)
        templates = self.config.templates_dir
        self.renderer = Renderer(
            self.portal,
            self.root / templates if templates else None,
            lang=self.lang,
            directory_urls=config.use_directory_urls,
            page_size=self.config.catalogue_page_size,
        )
        self.renderer.related = self.index.related
        _compiled_once(config)
        given = reconfigure.given(config, self.site_url)
        options = reconfigure.options(self.config)
        reconfigure.apply(config, settings(self.portal, self.lang, options, given))
        config.markdown_extensions.append(FastLinks())  # the same links, found sooner
        config.copyright = self.config.copyright.get(self.lang, config.copyright)
        where = Where(self.lang, config.site_url, self.site_url, config.use_directory_urls)
        self.heads = Heads(self.portal, where)
        search.without_material_index(config)  # the browser search is Pagefind's
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """The previous build succeeded: its predecessor's index is no longer needed."""
        self.index.drop_kept(self.twin)

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        """Add the generated pages, feeds and data as virtual files; nothing touches disk."""
        if not self.config.enabled or self.portal is None or self.renderer is None:
            return None
        self._go_on()
        memo = self.preview.memo if self.preview else None
        keep = keeper(self.portal, self.renderer, config.site_url, config.use_directory_urls, memo)
        with reported():
            generated = []
            for made in site_files(
                self.portal,
                self.renderer,
                site_url=config.site_url,
                directory_urls=config.use_directory_urls,
                # A start page written by hand in docs_dir wins over the generated one.
                home=files.get_file_from_path(HOME) is None,
                keep=keep,
            ):
                self._go_on()  # at 10,000 programs they take over a second
                generated.append(made)
            refuse_collisions(files, generated, config, self.portal, self.root)
            self._go_on()
            if not self.twin:
                folders = (self._path(self.config.search_index), self._path(self.config.phases_dir))
                self.index.start(self.portal, config, folders, self.preview)
                self.renderer.related = self.index.related
                if self.preview is None:
                    self.twins.start(config, self.portal, self.site_url)
        translate_files(files, config, self.lang, self.portal.info.languages)
        kept = self.preview.files.get(self.lang) if self.preview else None
        self._go_on()  # each step from here takes a tenth of a second at 10,000 programs
        made = add_generated(files, generated, config, self.portal, self.root, kept)
        if self.preview is not None:
            self.preview.files[self.lang] = made
            self._go_on()
            with reported():
                keys = self._keys(files, config, generated, keep)
            self._go_on()
            self.preview.mark(files, self.lang, keys)
        return files

    def on_nav(self, nav, *, config: MkDocsConfig, files: Files) -> None:
        """MkDocs has made every page and the navigation: a moment for the preview's other
        languages to stop (half a second of a build at 10,000 programs lies between the
        generated files and the pages' rendering, where no other hook is called)."""
        self._go_on()

    def on_env(self, env, *, config: MkDocsConfig, files: Files) -> None:
        """Every page has been rendered and none written yet: refuse script in any of them
        (all the problems at once)."""
        with reported():
            self.guard.check()
        self._go_on()
        if self.preview is not None:
            site_dir = Path(config.site_dir)
            self.preview.written(files, self.lang, site_dir, config.use_directory_urls)

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Join wrapped Japanese lines; put a guide's tier and phase right under its heading;
        say so on a page shown untranslated (a file of docs_dir with no `x.<lang>.md`)."""
        if not self.config.enabled or self.renderer is None:
            return None
        self._go_on()  # each page's Markdown is a moment to stop
        untranslated = self.twin and page.file.generated_by is None
        with reported():
            markdown = self.renderer.page_markdown(page.file.src_uri, markdown, untranslated)
        if page.file.generated_by is not None:  # its big tables, set aside (text/islands.py)
            markdown, self.tables[page.file.src_uri] = islands.set_aside(markdown)
        return markdown

    def on_page_content(
        self, html: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """A page the authors wrote (docs_dir's, a translation included), as MkDocs rendered
        it, checked for script (generator/site/guard.py), its task lists made read-only text
        and its tables scrollable by keyboard (generator/site/authored.py). Pages made from
        the YAML have no file of their own: their text is escaped as it is rendered, but for
        the answers of a phase's FAQ, which are Markdown and checked as a guide is, in the
        phase file."""
        html = islands.put_back(html, self.tables.pop(page.file.src_uri, None))
        source = page.file.abs_src_path
        if self.config.enabled and source:
            self.guard.page(html, Path(source))
        # The answers of a phase's FAQ are Markdown from its YAML: checked as a guide is.
        faq_file = faq.source_of(self.portal, page.file.src_uri) if self.portal else None
        answers = faq.answers_html(html) if self.config.enabled and faq_file else None
        if answers is not None:
            self.guard.page(answers, self.root / faq_file)
        if self.config.enabled and source:
            return accessible(html, self.lang)
        return html

    def on_page_context(self, context: dict, *, page: Page, config: MkDocsConfig, nav) -> None:
        """The language selector of this page goes to this page."""
        if self.portal is not None and len(self.portal.info.languages) > 1:
            languages = self.portal.info.languages
            config.extra["alternate"] = alternates(page.url, languages, self.site_url)

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        """Tell link previews and search engines what the page is (generator/site/head.py)
        and announce its Atom feeds; fill in the related content of program and guide pages;
        mark the text in another language than the page's with its `lang`."""
        if not self.config.enabled or self.renderer is None or self.portal is None:
            return None
        output = without_head_alternates(output)
        if self.heads is not None:
            output = with_head(output, self.heads.block(self._head_page(page, config)))
        output = self._feed_links(output, page.file.src_uri, config)
        if RELATED_MARK in output:
            if self.preview is None:
                self._await_related()
            with reported():
                output = self.renderer.fill_related(page.file.src_uri, output)
        return mark_languages(output, self.lang, self.portal.info.languages)

    def on_pre_template(self, template, *, template_name: str, config: MkDocsConfig):
        """The preview renders the sitemap again only when a page's address or date
        changed (incremental.KeptTemplate)."""
        if template_name != "sitemap.xml" or self.preview is None or not self.config.enabled:
            return None
        kept = self.preview.sitemaps.setdefault(self.lang, Sitemap())
        return KeptTemplate(template, kept, self.common)  # read by this build's `_keys`

    def on_post_template(
        self, output_content: str, *, template_name: str, config: MkDocsConfig
    ) -> str | None:
        """The "not found" page, which MkDocs renders from a template alone: it announces the
        portal's feed too (a visitor who lands there can still subscribe), and its nav and
        footer mark another language's text. Each page's twins in other languages go in the
        sitemap (generator/site/hreflang.py)."""
        if not self.config.enabled or self.portal is None:
            return None
        if template_name == "sitemap.xml":
            languages = self.portal.info.languages
            kept = self.preview.sitemaps.get(self.lang) if self.preview else None
            made_from = (output_content, self.lang, tuple(languages), self.site_url)
            if kept is not None and kept.finished and kept.finished[0] == made_from:
                return kept.finished[1]
            output = sitemap_with_alternates(output_content, self.lang, languages, self.site_url)
            if kept is not None:
                kept.finished = (made_from, output)
            return output
        if template_name != "404.html":
            return None
        output = self._feed_links(output_content, "404.md", config)
        return mark_languages(output, self.lang, self.portal.info.languages)

    def _feed_links(self, output: str, src: str, config: MkDocsConfig) -> str:
        """What's new: the Atom feeds a page announces, in its head (generator/feeds/atom.py).
        The one place this plugin adds to the head besides the theme's own."""
        assert self.portal is not None
        feeds = head_links(self.portal, self.lang, src, config.site_url)
        return output.replace("</head>", f"{feeds}</head>", 1) if feeds else output

    # Last, after every other plugin has written the first language's files: MkDocs gives
    # the next build the same instances of plugins that keep state between builds.
    @event_priority(-100)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Build the other languages, then install the new search index, keeping the old
        one: MkDocs may still abort the build after this hook (warnings in --strict), and
        then `on_build_error` restores it."""
        preview, lang = self.preview, self.lang
        # -- the browser search (site_plugins/search.py): Pagefind, beside the other work
        others = () if self.twin or self.portal is None else self.portal.info.languages[1:]
        with reported():
            searchable = search.start(config, lang, others, preview is not None, self.portal)
        if preview is not None:
            preview.finish(lang)
        # -- end of the browser search
        if self.twin or self.portal is None:
            with reported():
                searchable()
            return
        if preview is None:
            self._await_related()
            self.twins.finish()
            with reported():
                searchable()
            self.index.install()
        elif preview.active:  # a save: the first language is shown before the others
            languages = tuple(self.portal.info.languages[1:])
            preview.later = Later(languages, lambda: self._after_first(config))
        else:
            self._after_first(config)

    def _after_first(self, config: MkDocsConfig) -> None:
        """The preview's other languages, then its search index, in the background."""
        assert self.preview is not None
        self._build_twins(config)
        self.preview.done()
        self.index.in_background()

    def on_build_error(self, *, error: Exception) -> None:
        """Stop the other languages' builds and put the previous index back."""
        self.twins.drop()
        self.index.rollback()
        if self.preview is not None:
            self.preview.failed()

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

    def on_shutdown(self) -> None:
        self.index.drop_kept(self.twin)

    # -- what the hooks hand on --------------------------------------------------------

    @property
    def timings(self) -> dict[str, float]:
        """The index worker's timings of the last build (benchmarks/build_scale.py)."""
        return self.index.timings

    def _head_page(self, page: Page, config: MkDocsConfig) -> HeadPage:
        """The page as head.py needs it. MkDocs' title of a generated page is the escaped
        HTML its front matter gives (render/base.py): unescaped here, escaped once again
        where it is written."""
        return HeadPage(
            src=page.file.src_uri,
            title=html.unescape(page.title or config.site_name),
            url=page.canonical_url,
            description=page.meta.get("description") or config.site_description,
            site_name=config.site_name,
        )

    def _go_on(self) -> None:
        """A moment where the preview's other languages stop, when another save follows
        (Incremental.go_on)."""
        if self.preview is not None:
            self.preview.go_on(self.twin)

    def _path(self, option: str) -> Path:
        return self.root / option

    def _keys(
        self, files: Files, config: MkDocsConfig, generated: list[SiteFile], keep: Keeper
    ) -> dict[str, tuple]:
        """Each page's key for the preview (incremental.page_keys)."""
        assert self.preview is not None and self.portal is not None and self.renderer is not None
        portal, inputs, related = self.portal, keep.inputs, self.index.related
        assert self.heads is not None
        pages = self.heads.shown

        def markdown(file: File) -> tuple:
            """What the page's Markdown is made of (renderer.page_markdown): its text, the
            notice of a page shown untranslated, and a guide's phase heading and program.
            Making it would cost a template render for every guide on every save."""
            # As the load read it; a translation in place of its original, from its file.
            text = portal.pages.get(file.src_uri) if file.generated_by is None else None
            if text is None:
                text = read_text(Path(file.abs_src_path or ""), file.src_uri)
            untranslated = self.twin and file.generated_by is None
            found = portal.guides.get(file.src_uri)
            guide = (inputs.header[found[0].phase.id], inputs.program[found[1].id]) if found else ()
            return (text, untranslated, inputs.base, guide)

        def shown(src: str) -> list[str]:
            guide = portal.guides.get(src)
            program = guide[1].id if guide else src.removeprefix("programs/")[:-3]
            # Their titles, tiers and phases, as the related list shows them.
            listed = [keep.inputs.program[i] for i in related.get(program, [])]
            head = [head_inputs(src)]
            return [*head, keep.inputs.base, *listed] if listed else head

        def head_inputs(src: str) -> Hashable:
            """What the page's head is made of (generator/site/head.py reads the lifecycle,
            the phase's heading and the program, whose digest knows which sessions are
            over): keyed, not made, which took a tenth of a rebuild."""
            view, program = pages.get(src, (None, None))
            ids = [program.id] if program is not None else []
            return inputs.of("head", ids, view.phase.id if view is not None else None)

        self.common = self.preview.everything(config, self.lang)
        made = {item.src: item.content for item in generated}
        return page_keys(files, self.common, made, markdown, shown)

    def _await_related(self) -> None:
        """What is related, once: the other languages' processes are told at once."""
        assert self.renderer is not None
        with reported():
            if self.index.wait():
                self.twins.hand_over(self.index.related)
        self.renderer.related = self.index.related

    def _build_twins(self, config: MkDocsConfig) -> None:
        """The preview builds the other languages in this process, which keeps what they
        rendered for the next rebuild. MkDocs hands each the same plugin instances."""
        assert self.portal is not None
        first, renderer = self.lang, self.renderer
        try:
            for lang in self.portal.info.languages[1:]:
                twin = language_config(config, lang, self.portal.info.languages)
                plugin = twin.plugins["phasebook"]
                assert isinstance(plugin, PhasebookPlugin)
                plugin.portal, plugin.site_url = self.portal, self.site_url
                plugin.index.related = self.index.related
                plugin.twin, plugin.lang = True, lang
                build(twin, dirty=bool(self.preview and self.preview.active))
                plugin.twin = False
        finally:
            self.twin, self.lang, self.renderer = False, first, renderer


def _compiled_once(config: MkDocsConfig) -> None:
    """The theme's templates are compiled once for every language and every rebuild: in
    each Jinja environment made from the theme, MkDocs' own and those Material's search
    plugin makes to translate its settings (a fifth of a second per build). Each build
    makes its environments anew, so none checks its files' dates at every page."""
    theme = config.theme
    made = theme.get_env

    def get_env():
        env = made()
        env.bytecode_cache = TEMPLATES
        env.auto_reload = False  # a build's own: no template's date looked up at each include
        return env

    theme.get_env = get_env  # type: ignore[method-assign]
