"""What `phasebook build` lets MkDocs print: its warnings and errors, and the portal's own
notes, but not the lines a newcomer must learn to ignore."""

from __future__ import annotations

import logging
import os

from generator.build.outputs import SITE_TARGET_ENV

# MkDocs' build says these at INFO, once per language: "Cleaning site directory",
# "Building documentation to directory: <the staging folder>", "Documentation built in …".
# `phasebook build` says where the site went, once. (`-q` would hide them too, but it
# hides warnings as well, and `--strict` then lets every warning pass.)
_BUILD_LOGGER = "mkdocs.commands.build"


def _not_info(record: logging.LogRecord) -> bool:
    return record.levelno != logging.INFO


def quiet_build_lines() -> None:
    """Under `phasebook build` (and the other languages' builds it starts), drop MkDocs'
    progress lines; a plain `mkdocs build` prints them as usual."""
    logger = logging.getLogger(_BUILD_LOGGER)
    if os.environ.get(SITE_TARGET_ENV) and _not_info not in logger.filters:
        logger.addFilter(_not_info)
