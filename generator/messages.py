"""Messages in the team's language: English in the code, translations in gettext catalogs.

Every message a CS author reads (validation, report, CLI, help) is written in English as a
gettext message id, `tr("unknown tier '{tier}' (known: {known})").format(...)`, and
translated in `generator/locale/<lang>/LC_MESSAGES/phasebook.po` (Babel reads the catalog;
`tests/test_messages.py` keeps it complete). The language is the portal's first one unless
`--lang` or PHASEBOOK_LANG says otherwise.
"""

from __future__ import annotations

import functools
import gettext
import io
import os
import re
from importlib.resources import files
from pathlib import Path

import yaml

DOMAIN = "phasebook"
LANGUAGES = ("en", "ja")  # English is the source; a catalog per other language
ENV = "PHASEBOOK_LANG"
# Said on the command line (--lang), else read from the portal the process works on: one
# portal per process, read by every thread (MkDocs builds and serves in threads of its own).
_said: dict[str, str | None] = {"chosen": None, "portal": None}


def tr(message: str) -> str:
    """`message` in the current language (English when it has no translation)."""
    return _catalog(language()).gettext(message)


def tr_in(lang: str, message: str) -> str:
    """`message` in `lang`: for text written into a portal, in the portal's language."""
    return _catalog(_supported(lang) or "en").gettext(message)


def N_(message: str) -> str:
    """Marks a message for the catalog where it is defined; `tr` translates it when shown."""
    return message


def language() -> str:
    return _said["chosen"] or _supported(os.environ.get(ENV)) or _said["portal"] or "en"


def use(lang: str | None) -> None:
    """Speak `lang` from now on (an unsupported one falls back to English)."""
    _said["chosen"] = _supported(lang) or "en"


def use_portal_language(project: Path, phases: str = "phases") -> None:
    """Unless told otherwise (--lang, PHASEBOOK_LANG), speak the portal's first language,
    read from phases/lifecycle.yml as well as it can be read: a broken file must still get
    its messages in the team's language."""
    _said["portal"] = _supported(portal_language(project / phases / "lifecycle.yml"))


# `languages: [ja, en]` or `languages:` then `- ja`: found even where the YAML is broken.
_LANGUAGES = re.compile(r"^\s*languages\s*:\s*(?:\[\s*|\n\s*-\s*)[\"']?([A-Za-z-]+)", re.M)


def portal_language(lifecycle: Path) -> str | None:
    from generator.sourcefiles import SourceProblem, read_source  # it speaks through tr()

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


def _supported(lang: str | None) -> str | None:
    base = (lang or "").replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else None


@functools.cache
def _catalog(lang: str) -> gettext.NullTranslations:
    """The compiled catalog (a millisecond to read; compiling the .po takes some 40 on
    every command): `./dev messages` writes it, a test keeps it equal to the .po."""
    if lang == "en":
        return gettext.NullTranslations()
    with files("generator").joinpath(f"locale/{lang}/LC_MESSAGES/{DOMAIN}.mo").open("rb") as mo:
        return gettext.GNUTranslations(mo)


def compiled(po: Path) -> bytes:
    """The .mo file of the catalog at `po` (Babel: only `./dev messages` and the tests)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as source:
        catalog = read_po(source, domain=DOMAIN)
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


# -- the catalog ----------------------------------------------------------------------------


def extract() -> dict[str, list[str]]:
    """Every message id in the code (`tr`, `tr_in`, `N_`) and in the CLI's help, with where
    it is used: what every catalog must translate."""
    from babel.messages.extract import extract_from_dir

    root = Path(__file__).resolve().parent.parent
    keywords = {"tr": None, "N_": None, "tr_in": (2,)}
    found: dict[str, list[str]] = {}
    for folder in ("generator", "site_plugins"):
        for name, line, message, *_ in extract_from_dir(
            root / folder, method_map=[("**.py", "python")], keywords=keywords
        ):
            found.setdefault(message, []).append(f"{folder}/{name}:{line}")
    for message, where in _help_texts():
        found.setdefault(message, []).append(where)
    return found


def _help_texts() -> list[tuple[str, str]]:
    """The help of every command and option (click keeps docstrings as help)."""
    import click

    from generator.cli import cli

    out = []

    def walk(command: click.Command, name: str) -> None:
        if command.help:
            out.append((command.help, f"phasebook {name}".strip()))
        for param in command.params:
            if getattr(param, "help", None):
                out.append((param.help, f"phasebook {name} {param.opts[0]}".strip()))
        for sub, child in getattr(command, "commands", {}).items():
            walk(child, f"{name} {sub}".strip())

    walk(cli, "")
    return out


def update_catalog(lang: str = "ja") -> Path:
    """Bring the catalog up to date with the code: new message ids are added untranslated,
    ids no longer used are dropped. Translations stay as they are."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    path = Path(__file__).resolve().parent / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    old = Catalog(locale=lang)
    if path.exists():
        with path.open("rb") as po:
            old = read_po(po, locale=lang)
    new = Catalog(
        locale=lang, domain=DOMAIN, project="Phasebook", version="", fuzzy=False,
        copyright_holder="Phasebook contributors", msgid_bugs_address="",
        last_translator="Phasebook CS team", language_team=lang,
        # Kept from the catalog: an update with nothing new changes no byte.
        creation_date=old.creation_date, revision_date=old.revision_date,
        header_comment=f"# Phasebook's messages in {lang}: `./dev messages` adds new ones.",
    )  # fmt: skip
    for message, where in sorted(extract().items()):
        previous = old.get(message)
        locations = [(w.split(":")[0], int(w.split(":")[1])) if ":" in w else (w, 0)
                     for w in where]  # fmt: skip
        new.add(message, previous.string if previous else "", locations=locations)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        write_po(out, new, width=100, sort_output=True, include_lineno=False)
    path.with_suffix(".mo").write_bytes(compiled(path))
    return path
