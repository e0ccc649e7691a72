"""Phasebook's settings (generator/build/settings.py) read from and written into MkDocs'
configuration: the rules themselves live there, shared with `phasebook export`."""

from __future__ import annotations

from dataclasses import fields

from mkdocs.config.defaults import MkDocsConfig

from generator.build.outputs import Options
from generator.build.settings import Given, Settings
from site_plugins.config import PhasebookConfig

SEARCH = "material/search"


def options(config: PhasebookConfig) -> Options:
    """The plugin's options as the generator knows them, validated by MkDocs already."""
    return Options(**{option.name: config[option.name] for option in fields(Options)})


def given(config: MkDocsConfig, site_url: str | None) -> Given:
    """What mkdocs.yml chose, where a rule lets it win; `site_url` is the first
    language's (a twin's configuration already holds its own)."""
    search = config.plugins.get(SEARCH)
    return Given(
        site_url=site_url,
        nav=config.nav is not None,
        extensions=tuple(config.markdown_extensions),
        extra_css=tuple(config.extra_css),
        extra_javascript=tuple(config.extra_javascript),
        search_separator=search.config.separator if search is not None else None,
        search_pipeline=tuple(search.config.pipeline or ()) if search is not None else (),
    )


def apply(config: MkDocsConfig, chosen: Settings) -> None:
    """Write `chosen` into MkDocs' configuration (before the search plugin reads its own)."""
    search = config.plugins.get(SEARCH)
    if search is not None:
        search.config.separator = chosen.search_separator
        search.config.pipeline = chosen.search_pipeline
    config.site_url = chosen.site_url
    for key, value in chosen.names.items():
        config[key] = value
    config.theme["language"] = chosen.theme_language
    if not chosen.staff_links:  # no edit button or repository link for customers
        config.repo_url = config.repo_name = None
        config.edit_uri = ""
    config.markdown_extensions.extend(chosen.extensions)
    config.extra_css.extend(chosen.extra_css)
    config.extra_javascript.extend(chosen.extra_javascript)
    if chosen.nav is not None:
        config.nav = chosen.nav
    config.extra.update(chosen.extra)
    if chosen.scope is not None:
        config.extra.setdefault("scope", chosen.scope)
