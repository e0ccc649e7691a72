"""Every portal language in one `mkdocs build`: the first at the site root, each other one
under `/<lang>/`, page for page.

Material's UI language, search index, sitemap and 404 page are per build, so each other
language is a second MkDocs build of the same project (its own `site_dir/<lang>`), run at
the end of the first: what mkdocs-static-i18n does too. MkDocs gives it the same instances
of the plugins that keep state between builds (ours among them), so the loaded portal and
the related content are shared, not recomputed.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from generator.urls import language_site_url, translation_of

# What `mkdocs build` / `mkdocs serve` may have set from the command line, which a fresh
# load of mkdocs.yml would lose.
_INHERITED = ("strict", "use_directory_urls", "dev_addr")


def reloaded(parent: MkDocsConfig, site_dir: str) -> MkDocsConfig:
    """mkdocs.yml read again, with what the command line set in `parent`."""
    config = load_config(parent.config_file_path, site_dir=site_dir)
    for name in _INHERITED:
        config[name] = parent[name]
    return config


def language_config(parent: MkDocsConfig, lang: str, languages: list[str]) -> MkDocsConfig:
    """The configuration of the build of `lang`, beside the first language's."""
    config = reloaded(parent, str(Path(parent.site_dir) / lang))
    config.site_url = language_site_url(parent.site_url, lang, languages)
    config.theme["language"] = lang
    return config


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
