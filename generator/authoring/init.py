"""`phasebook init`: a new portal from the starter, in a new or empty folder."""

from __future__ import annotations

import os
import unicodedata
from importlib.resources import files as package_files
from pathlib import Path

from generator.authoring.edit import ScaffoldError, cannot_write
from generator.authoring.requirements import requirements_txt
from generator.authoring.schema import write_schemas
from generator.build.outputs import OutputError, check_output, layout
from generator.i18n import messages
from generator.i18n.messages import tr
from generator.i18n.words import SOURCE
from generator.source.load import load_portal
from generator.system import atomic

_STARTERS = package_files("generator.authoring").joinpath("starter")
# A starter is a folder of its language under starter/: adding one adds a choice of `init`.
STARTER_LANGUAGES = tuple(sorted(e.name for e in _STARTERS.iterdir() if e.is_dir()))
# What a folder name may not hold: control characters, line and paragraph separators.
_CONTROLS = ("Cc", "Zl", "Zp")
# Where each shared starter file goes in the new portal.
_SHARED = {"gitignore": ".gitignore", "workflow.yml": ".github/workflows/portal.yml"}


def default_language() -> str:
    """The language the team speaks (`--lang`, PHASEBOOK_LANG) when a starter speaks it,
    else English: a portal starts in the language its authors read Phasebook in."""
    return messages.language() if messages.language() in STARTER_LANGUAGES else SOURCE


def init_portal(target: Path, lang: str | None = None) -> list[str]:
    """A new portal in `target` (new or empty) that validates, reports no gap and builds at
    once: mkdocs.yml, one stage with one phase and a guide, a free and a paid tier, the
    schemas its `$schema` lines name, .gitignore and a CI workflow. Written beside the
    target and renamed into place: a stopped `init` leaves no half portal."""
    target = _writable_name(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ScaffoldError(
            tr(
                "{target} is not an empty folder: init writes a new portal into a new or empty one"
            ).format(target=target)
        )
    _outside_other_portals(target)
    starter, lang = _STARTERS, lang or default_language()
    try:
        staging = atomic.staging_dir(target.resolve())
        with atomic.removing_on_failure(staging):
            _copy_tree(starter.joinpath(lang), staging)
            for name, where in _SHARED.items():
                _write(staging / where, starter.joinpath(name).read_bytes())
            _write(staging / "requirements.txt", requirements_txt())
            write_schemas(staging / "schema")
            load_portal(staging / "phases", staging / "content", root=staging)
            if target.exists():
                target.rmdir()
            staging.rename(target)
    except OSError as exc:  # a read-only place, a parent that is a file or does not exist
        raise cannot_write(exc, target) from None
    return sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())


def _writable_name(target: Path) -> Path:
    """`target`, or the folder it links to: refused, in one line, when the name holds
    control characters (a line break would split every message that names it), when the
    system cannot hold it, or when it is a link to nothing."""
    name = str(target)
    if any(unicodedata.category(c) in _CONTROLS for c in name):
        shown = "".join(  # \n, \t, \u2028: seen, never obeyed
            c.encode("unicode_escape").decode() if unicodedata.category(c) in _CONTROLS else c
            for c in name
        )
        raise ScaffoldError(
            tr(
                "{target}: a folder name cannot hold control characters (a line break, a tab): "
                "choose a name without them"
            ).format(target=_short(shown))
        )
    _fits(target)
    if target.is_symlink():
        real = Path(os.path.realpath(target))
        if not real.exists():
            raise ScaffoldError(
                tr(
                    "{target} is a link to {real}, which does not exist: create that folder "
                    "first, or choose another name"
                ).format(target=target, real=real)
            )
        return real  # a link to an empty folder: the portal goes into that folder
    return target


def _fits(target: Path) -> None:
    """The system's limits on a name (NAME_MAX per folder, PATH_MAX in all), checked before
    anything is asked of the file system, which would answer with an OSError."""
    absolute = Path(os.path.abspath(target))
    existing = next((p for p in absolute.parents if os.path.isdir(p)), Path("/"))
    name_max, path_max = _limit(existing, "PC_NAME_MAX", 255), _limit(existing, "PC_PATH_MAX", 4096)
    too_long = next((part for part in absolute.parts if len(os.fsencode(part)) > name_max), None)
    if too_long is not None:
        raise ScaffoldError(
            tr(
                "{name}: a folder name of {size} bytes, and this system allows {limit}: "
                "choose a shorter name"
            ).format(name=_short(too_long), size=len(os.fsencode(too_long)), limit=name_max)
        )
    if len(os.fsencode(str(absolute))) >= path_max:
        raise ScaffoldError(
            tr(
                "{target}: a path of {size} bytes, and this system allows {limit}: "
                "choose a shorter one"
            ).format(
                target=_short(str(absolute)),
                size=len(os.fsencode(str(absolute))),
                limit=path_max - 1,
            )
        )


def _limit(folder: Path, name: str, default: int) -> int:
    try:
        return os.pathconf(folder, name)
    except (OSError, ValueError):
        return default


def _short(text: str) -> str:
    """A long name, shortened for a message that must stay on one line."""
    return text if len(text) <= 60 else f"{text[:28]}…{text[-28:]}"


def _outside_other_portals(target: Path) -> None:
    """A new portal never lands in the sources of the portal around it (`init phases/x`)."""
    for folder in Path(os.path.abspath(target)).parents:
        if (folder / "mkdocs.yml").is_file():
            try:
                check_output(target, layout(folder), "init")
            except OutputError as exc:
                raise ScaffoldError(str(exc)) from None
            return


def _copy_tree(source, target: Path) -> None:
    for entry in source.iterdir():
        if entry.is_dir():
            _copy_tree(entry, target / entry.name)
        else:
            _write(target / entry.name, entry.read_bytes())


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
