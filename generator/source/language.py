"""The portal's first language, read from the sources before anything is validated, so that
even a broken portal gets its messages in the team's language."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from generator.i18n import messages
from generator.source.sourcefiles import SourceProblem, read_source


def use_portal_language(project: Path, phases: str = "phases") -> None:
    """Unless told otherwise (--lang, PHASEBOOK_LANG), speak the portal's first language,
    read from phases/lifecycle.yml as well as it can be read: a broken file must still get
    its messages in the team's language."""
    messages.use_portal(portal_language(project / phases / "lifecycle.yml"))


# `languages: [ja, en]` or `languages:` then `- ja`: found even where the YAML is broken.
_LANGUAGES = re.compile(r"^\s*languages\s*:\s*(?:\[\s*|\n\s*-\s*)[\"']?([A-Za-z-]+)", re.M)


def portal_language(lifecycle: Path) -> str | None:
    try:  # as the loader reads it: a pipe or device named lifecycle.yml must not hang here
        text = read_source(lifecycle, lifecycle.name).decode("utf-8", errors="replace")
    except (SourceProblem, OSError):
        return None
    try:
        first = yaml.safe_load(text)["portal"]["languages"][0]
    except Exception:  # a broken file: look for the line itself
        found = _LANGUAGES.search(text)
        first = found.group(1) if found else None
    return first if isinstance(first, str) else None
