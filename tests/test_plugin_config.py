"""The configuration the plugin completes, checked in-process without a build (as
mkdocs-static-i18n's tests do): load mkdocs.yml, run the plugins' on_config, read the result.
The same settings come out of `phasebook export`, which writes them into each tree."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from ruamel.yaml import YAML

from generator.build import export
from generator.build.outputs import SITE_TARGET_ENV, layout
from generator.source.load import load_portal
from generator.text.cjk import SEARCH_PIPELINE, SEARCH_SEPARATOR
from site_plugins import twin
from tests.helpers import edit

SITE_URL = "site_name: Minimal portal\nsite_url: https://example.com/portal/"
STAFF_LINKS = "  - phasebook:\n      staff_links: true"
WITH_SEARCH = "plugins:\n  - search"


@pytest.fixture
def make_config(minimal: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., MkDocsConfig]:
    """The minimal portal's configuration after every plugin's on_config. `lang` other
    than the first runs it as that language's build (a twin, in a process of its own)."""
    monkeypatch.chdir(minimal)
    # MkDocs keeps plugin instances between loads (for `mkdocs serve`): fresh ones here.
    monkeypatch.setattr(MkDocsConfig.plugins, "plugin_cache", {})
    monkeypatch.delenv(SITE_TARGET_ENV, raising=False)

    def make(lang: str | None = None, **overrides) -> MkDocsConfig:
        config = load_config(str(minimal / "mkdocs.yml"), **overrides)
        if lang is not None:  # what the first language's build hands over through its pipe
            shared = {
                "lang": lang,
                "site_url": config.site_url,
                "now": "2026-12-01T00:00:00+09:00",
                "related": dict,
            }
            monkeypatch.setattr(twin, "_handed", shared)
        config.plugins.on_startup(command="build", dirty=False)
        return config.plugins.on_config(config)

    return make


def search_options(config: MkDocsConfig):
    return config.plugins["material/search"].config


def test_the_search_is_tuned_for_japanese_unless_mkdocs_yml_says_otherwise(
    minimal: Path, make_config
) -> None:
    edit(minimal / "mkdocs.yml", "plugins:", WITH_SEARCH)
    tuned = search_options(make_config())
    assert tuned.separator == SEARCH_SEPARATOR
    assert list(tuned.pipeline) == list(SEARCH_PIPELINE)
    edit(minimal / "mkdocs.yml", "  - search", "  - search:\n      separator: '[\\s]+'")
    assert search_options(make_config()).separator == "[\\s]+"


def test_each_tree_speaks_its_own_language(make_config) -> None:
    first = make_config(site_url="https://example.com/portal/")
    assert first.theme["language"] == "ja"
    assert first.site_url == "https://example.com/portal/"
    english = make_config("en", site_url="https://example.com/portal/")
    assert english.theme["language"] == "en"
    assert english.site_url == "https://example.com/portal/en/"
    # Ticks and preferences are kept per site root: the English tree shares the first's.
    assert english.extra["scope"] == "/portal/"
    assert "scope" not in first.extra


def test_customers_see_no_staff_links_unless_asked(minimal: Path, make_config) -> None:
    repo = "https://git.example.com/cs/portal"
    config = make_config(repo_url=repo, edit_uri="edit/main/content/")
    assert config.repo_url is None and config.repo_name is None
    assert config.edit_uri == ""
    assert config.extra["generator"] is False
    edit(minimal / "mkdocs.yml", "  - phasebook", STAFF_LINKS)
    staff = make_config(repo_url=repo, edit_uri="edit/main/content/")
    assert staff.repo_url == repo and staff.edit_uri == "edit/main/content/"
    assert "generator" not in staff.extra


def test_every_page_links_its_other_languages(make_config) -> None:
    """Material prints extra.alternate as the language selector and the hreflang links."""
    config = make_config(site_url="https://example.com/portal/")
    links = {entry["lang"]: entry["link"] for entry in config.extra["alternate"]}
    assert links == {"ja": "/portal/", "en": "/portal/en/"}


def test_the_plugin_adds_what_its_pages_need_once(make_config) -> None:
    config = make_config()
    for name in ("attr_list", "md_in_html", "tables"):
        assert config.markdown_extensions.count(name) == 1
    assert config.extra_css.count("assets/phasebook.css") == 1
    assert config.extra_javascript.count("assets/phasebook.js") == 1
    assert config.nav, "no nav in mkdocs.yml: the plugin builds one"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_export_writes_the_settings_the_plugin_applies(
    minimal: Path, make_config, lang: str
) -> None:
    edit(minimal / "mkdocs.yml", "site_name: Minimal portal", SITE_URL)
    edit(minimal / "mkdocs.yml", "plugins:", WITH_SEARCH)
    built = make_config(None if lang == "ja" else lang)
    portal = load_portal(minimal / "phases", minimal / "content", root=minimal)
    source = export.Source(layout(minimal), export.read_config(minimal / "mkdocs.yml"), {})
    written = YAML(typ="safe").load(export.export_tree(portal, source, lang)["mkdocs.yml"])
    search = next(p["search"] for p in written["plugins"] if isinstance(p, dict))
    assert search["separator"] == search_options(built).separator
    assert search["pipeline"] == list(search_options(built).pipeline)
    assert written["theme"]["language"] == built.theme["language"] == lang
    assert written["site_url"] == built.site_url
    assert written["nav"] == built.nav
    # MkDocs lists its own (toc, tables, fenced_code) first; the export leaves them implied.
    assert set(written["markdown_extensions"]) <= set(built.markdown_extensions)
    assert {"attr_list", "md_in_html", "tables"} <= set(written["markdown_extensions"])
    assert written["extra_css"] == built.extra_css
    assert written["extra_javascript"] == built.extra_javascript
    for key in ("alternate", "generator", "scope"):
        assert written["extra"].get(key) == built.extra.get(key), key
    assert "repo_url" not in written and built.repo_url is None
