"""Every portal language in one `mkdocs build`: the first at the site root, each other one
under `/<lang>/`, page for page.

Material's UI language, search index, sitemap and 404 page are per build, so each other
language is a second MkDocs build of the same project (its own `site_dir/<lang>`), run at
the end of the first: what mkdocs-static-i18n does too. MkDocs gives it the same instances
of the plugins that keep state between builds (ours among them), so the loaded portal and
the related content are shared, not recomputed.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from generator.build import engine
from generator.i18n.messages import tr
from generator.source.model import Portal
from generator.source.urls import language_site_url, translation_of
from generator.system import faults, handover
from generator.system.processes import die_with_parent
from site_plugins.twin import MAIN as TWIN_MAIN

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


def twin_command(parent: MkDocsConfig, lang: str, fd: int) -> list[str]:
    """The command line of the build of `lang`, reading what it shares from pipe `fd`."""
    args = ["build", "-f", str(parent.config_file_path), "-d", str(Path(parent.site_dir) / lang)]
    args.append("--use-directory-urls" if parent.use_directory_urls else "--no-directory-urls")
    if parent.strict:
        args.append("--strict")
    level = logging.getLogger("mkdocs").getEffectiveLevel()  # as quiet or verbose as this one
    args += ["-q"] if level > logging.INFO else ["-v"] if level < logging.INFO else []
    try:
        name = engine.engine()
    except engine.NoEngine as exc:
        raise PluginError(str(exc)) from None
    return [sys.executable, "-m", TWIN_MAIN, str(fd), name, *args]


@dataclass
class Twin:
    """The build of one other language, and the write end of the pipe it reads from."""

    lang: str
    process: subprocess.Popen
    fd: int | None  # None once a writer thread owns it (and closes it)
    writer: threading.Thread | None = None

    def close(self) -> None:
        if self.writer is not None:
            self.writer.join(timeout=10)
        elif self.fd is not None:
            os.close(self.fd)
        self.fd = None


def start_twin(parent: MkDocsConfig, lang: str, shared: dict) -> Twin:
    """The build of `lang` in a process of its own, beside the first language's: it renders
    on the machine's other core meanwhile. `shared` is what it must agree on with the first
    build (site_url, "now"); it reads it from a pipe only this process can write into."""
    read, write = os.pipe()
    try:
        handover.send(write, {"lang": lang, **shared})  # a few bytes: the pipe holds them
        process = subprocess.Popen(
            twin_command(parent, lang, read), pass_fds=(read,), preexec_fn=die_with_parent()
        )
    except BaseException:
        os.close(write)
        raise
    finally:
        os.close(read)
    return Twin(lang, process, write)


def _send_last(fd: int, value: dict) -> None:
    """The last message of a hand-over, then its end; a build that has ended reads nothing
    (it failed, and said why: `Twins.finish` reports it)."""
    try:
        handover.send(fd, value)
    except OSError:
        pass
    finally:
        os.close(fd)


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


class Twins:
    """The other languages' builds under `mkdocs build`, each in a process of its own: they
    render on the other core while this one renders the first language's pages, and get
    the related content through their pipe once the index worker has found it."""

    def __init__(self) -> None:
        self.children: list[Twin] = []

    def start(self, config: MkDocsConfig, portal: Portal, site_url: str | None) -> None:
        """Start every language but the first, sharing what they must agree on."""
        shared = {"site_url": site_url, "now": portal.now.isoformat()}
        for lang in portal.info.languages[1:]:
            self.children.append(start_twin(config, lang, shared))
        faults.point("twins-started")

    def hand_over(self, related: dict[str, list[str]]) -> None:
        """The related content, for the other languages waiting for it: written by a thread
        per language, as a pipe takes no more than its buffer until the reader reads."""
        for twin in self.children:
            if twin.fd is not None:
                twin.writer = threading.Thread(
                    target=_send_last, args=(twin.fd, related), daemon=True
                )
                twin.fd = None
                twin.writer.start()

    def finish(self) -> None:
        """Wait for the other languages; one that failed fails the build (it said why)."""
        failed = [twin.lang for twin in self.children if twin.process.wait() != 0]
        self.drop()
        if failed:
            raise PluginError(
                tr("the {lang} pages could not be built: see the messages above").format(
                    lang=", ".join(failed)
                )
            )

    def drop(self) -> None:
        """Stop what still runs (the build failed) and close the pipes."""
        for twin in self.children:
            if twin.process.poll() is None:
                twin.process.kill()
                twin.process.wait()
            twin.close()
        self.children = []
