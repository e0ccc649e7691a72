"""Every portal language in one `mkdocs build`: the first at the site root, each other one
under `/<lang>/`, page for page.

Material's UI language, search index, sitemap and 404 page are per build, so each other
language is a second MkDocs build of the same project (fresh plugin instances, its own
`site_dir/<lang>`), run at the end of the first: what mkdocs-static-i18n does too. The
loaded portal and the search index's related content are shared, not recomputed.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from generator.labels import LABELS
from generator.urls import language_prefix, translation_of

# What `mkdocs build` / `mkdocs serve` may have set from the command line, which a fresh
# load of mkdocs.yml would lose.
_INHERITED = ("strict", "use_directory_urls", "dev_addr")


def language_config(parent: MkDocsConfig, lang: str) -> MkDocsConfig:
    """The configuration of the build of `lang`, beside the first language's."""
    config = load_config(parent.config_file_path, site_dir=_join(parent.site_dir, lang))
    for name in _INHERITED:
        config[name] = parent[name]
    if parent.site_url:
        config.site_url = _join(parent.site_url, lang) + "/"
    config.theme["language"] = lang
    return config


def _join(base: str, lang: str) -> str:
    return f"{base.rstrip('/')}/{lang}"


def alternates(page_url: str, languages: list[str], site_url: str | None) -> list[dict]:
    """Material's language selector (`extra.alternate`) for the page at `page_url` (relative
    to its language's root): the same page in each language, not that language's start
    page. Links are root-absolute, because a relative
    link cannot leave a language's tree through MkDocs' `url` filter; Material prints them
    as `<link rel="alternate" hreflang>` in the head too."""
    root = urlsplit(site_url or "/").path.rstrip("/")
    return [
        {
            "name": LABELS.get(other, LABELS["en"])["self_name"],
            "lang": other,
            "link": f"{root}/{language_prefix(other, languages)}{page_url}",
        }
        for other in languages
    ]


def translate_files(files: Files, config: MkDocsConfig, lang: str, languages: list[str]) -> None:
    """`x.en.md` is the English `x.md` (the mkdocs-static-i18n convention): in the English
    build it takes the place of `x.md`; in every build it is never a page of its own."""
    for file in list(files):
        found = translation_of(file.src_uri, languages)
        if found is None:
            continue
        files.remove(file)
        original, of = found
        target = files.get_file_from_path(original)
        if of == lang and target is not None:
            files.remove(target)
            replacement = File.generated(
                config, original, abs_src_path=file.abs_src_path, inclusion=target.inclusion
            )
            replacement.edit_uri = file.edit_uri
            files.append(replacement)
