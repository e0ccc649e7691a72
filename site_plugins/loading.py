"""The portal as the plugin loads it: its outputs checked against the sources, every source
read and checked once, and the single point where Phasebook's errors become MkDocs' own."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

from generator.authoring import gaps as report
from generator.build.outputs import (
    SITE_TARGET_ENV,
    STRICT_CONTENT_ENV,
    OutputError,
    check_output,
    layout,
)
from generator.i18n import messages
from generator.search.job import IndexFailed
from generator.search.static import StaticIndexFailed
from generator.source import language
from generator.source.load import load_portal
from generator.source.model import Portal
from generator.source.sourcefiles import SourceProblem
from generator.text.errors import ContentError, printable
from site_plugins.config import PhasebookConfig

log = get_plugin_logger(__name__)


@contextlib.contextmanager
def reported() -> Iterator[None]:
    """The single conversion point: MkDocs prints a PluginError without a traceback."""
    try:
        yield
    except ContentError as exc:
        raise PluginError(exc.report()) from None
    except SourceProblem as exc:  # a source changed between its check and its use
        raise PluginError(ContentError([exc.problem]).report()) from None
    except (OutputError, IndexFailed, StaticIndexFailed) as exc:
        raise PluginError(printable(str(exc))) from None


def load(
    config: MkDocsConfig, options: PhasebookConfig, root: Path, now: datetime | None = None
) -> Portal:
    """The first language's build reads and checks the sources; the others share it
    (or, in a process of their own, read them again as of the same `now`)."""
    language.use_portal_language(root, options.phases_dir)
    with reported():
        _check_outputs(config, options, root)
        portal = load_portal(root / options.phases_dir, Path(config.docs_dir), root=root, now=now)
        _check_stale(portal, options, noted=now is None)
    if now is not None:  # another language's build: the first one has said it all
        return portal
    if portal.dates_notice:
        log.info("%s", portal.dates_notice)
    if not config.site_url:
        log.info(
            "%s",
            messages.tr(
                "site_url is not set in mkdocs.yml: no Atom feeds are written (a feed reader "
                "needs the portal's full address to follow its links)"
            ),
        )
    log.debug("loaded %d phases, %d programs", len(portal.phases), len(portal.by_id))
    return portal


def _check_outputs(config: MkDocsConfig, options: PhasebookConfig, root: Path) -> None:
    """Nothing this build writes may replace a source: the site, where `phasebook build`
    will put it, and the index are each checked against the project's layout."""
    templates = options.templates_dir
    if templates and not (root / templates).is_dir():
        raise OutputError(
            messages.tr(
                "templates_dir '{folder}' does not exist (create it, or remove the option "
                "from the phasebook plugin in mkdocs.yml)"
            ).format(folder=templates)
        )
    project = layout(root, Path(config.config_file_path or "mkdocs.yml"))
    outputs = [("site_dir", config.site_dir), ("search_index", options.search_index)]
    if os.environ.get(SITE_TARGET_ENV):
        outputs.append(("-d", os.environ[SITE_TARGET_ENV]))
    for what, path in outputs:
        check_output(Path(path), project, what, base=root)


def _check_stale(portal: Portal, options: PhasebookConfig, noted: bool) -> None:
    """Stale content is an error with strict_content, otherwise a note: the same sources
    go stale as time passes, and that must not break `mkdocs build --strict`. The note is
    the first language's (`noted`): the others' builds would repeat it word for word."""
    stale = report.stale_programs(portal)
    strict = options.strict_content or os.environ.get(STRICT_CONTENT_ENV) == "1"
    if stale and strict:
        raise ContentError(report.as_problems(stale))
    for gap in stale if noted else ():
        log.info("%s", gap)
