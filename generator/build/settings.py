"""What Phasebook changes in one language's MkDocs configuration, decided in one place.

The plugin applies these settings to MkDocs' configuration at build time
(site_plugins/reconfigure.py); `phasebook export` writes the same settings into each tree's
mkdocs.yml (export.py). So a built site and an exported tree can never disagree on the
search tuning, the staff links, the extensions, the assets, the nav, the language selector,
the preferences' scope, the theme's language or the site's names.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.build.outputs import Options
from generator.site.pages import site_names
from generator.site.render import ASSET, REQUIRED_EXTENSIONS, SCRIPT, SEARCH_BOX, navigation
from generator.site.yourplan import SCRIPT as YOURPLAN
from generator.source import model as m
from generator.source.urls import alternates, language_site_url, site_path
from generator.text.cjk import SEARCH_PIPELINE, SEARCH_SEPARATOR


@dataclass(frozen=True)
class Given:
    """What the project's mkdocs.yml says, where a rule lets the author's choice win."""

    site_url: str | None = None  # the first language's: where the portal is published
    nav: bool = False  # mkdocs.yml has a nav of its own
    extensions: tuple[str, ...] = ()  # the names of markdown_extensions
    extra_css: tuple[str, ...] = ()
    extra_javascript: tuple[str, ...] = ()
    search_separator: str | None = None  # Material's search plugin, as configured
    search_pipeline: tuple[str, ...] = ()


@dataclass(frozen=True)
class Settings:
    """One language's configuration as Phasebook completes it. Lists are what to append;
    `nav` and `scope` are None where mkdocs.yml's own choice stays."""

    site_url: str | None
    names: dict[str, str]  # site_name, site_description in this language
    theme_language: str
    search_separator: str
    search_pipeline: list[str]
    staff_links: bool  # False: no edit button, repository link or generator credit
    extensions: list[str]
    extra_css: list[str]
    extra_javascript: list[str]
    nav: list | None
    extra: dict = field(default_factory=dict)  # keys of `extra` to set
    scope: str | None = None  # `extra.scope` unless mkdocs.yml sets one


def settings(portal: m.Portal, lang: str, options: Options, given: Given) -> Settings:
    """The configuration of the tree of `lang`.

    Japanese needs its own search separator and pipeline (the author's win when given);
    customers see no staff links unless `staff_links` says so; each other language's tree
    lives under /<lang>/ with its own names and UI language, and keeps the first
    language's preferences (`extra.scope`), since ticks are stored per site root."""
    languages = portal.info.languages
    extra: dict = {} if options.staff_links else {"generator": False}
    if len(languages) > 1:
        # The language selector and hreflang links, to each language's start page: the
        # plugin points them at each page as it renders it.
        extra["alternate"] = alternates("", languages, given.site_url)
    return Settings(
        site_url=language_site_url(given.site_url, lang, languages),
        names=site_names(portal, lang),
        theme_language=lang,
        search_separator=given.search_separator or SEARCH_SEPARATOR,
        search_pipeline=list(given.search_pipeline or SEARCH_PIPELINE),
        staff_links=options.staff_links,
        extensions=[name for name in REQUIRED_EXTENSIONS if name not in given.extensions],
        extra_css=[] if ASSET in given.extra_css else [ASSET],
        extra_javascript=[
            js for js in (SCRIPT, YOURPLAN, SEARCH_BOX) if js not in given.extra_javascript
        ],
        nav=navigation(portal, lang) if options.nav and not given.nav else None,
        extra=extra,
        scope=None if lang == portal.language else site_path(given.site_url) + "/",
    )
