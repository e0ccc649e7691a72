"""The team's message catalog: extracted from the code and the CLI's help, compiled with Babel.

Only `./dev messages` and the tests use this: it is the one place that imports both the CLI
and Babel's catalog tools, so that translation itself (`generator.i18n`) stays a leaf.
"""

from __future__ import annotations

import io
from pathlib import Path

import click
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from generator.cli import cli
from generator.i18n.messages import DOMAIN

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "generator" / "i18n" / "locale"


def compiled(po: Path) -> bytes:
    """The .mo file of the catalog at `po`."""
    with po.open("rb") as source:
        catalog = read_po(source, domain=DOMAIN)
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def extract() -> dict[str, list[str]]:
    """Every message id in the code (`tr`, `tr_in`, `N_`) and in the CLI's help, with where
    it is used: what every catalog must translate."""
    keywords = {"tr": None, "N_": None, "tr_in": (2,)}
    found: dict[str, list[str]] = {}
    for folder in ("generator", "site_plugins"):
        for name, line, message, *_ in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python")], keywords=keywords
        ):
            found.setdefault(message, []).append(f"{folder}/{name}:{line}")
    for message, where in _help_texts():
        found.setdefault(message, []).append(where)
    return found


def _help_texts() -> list[tuple[str, str]]:
    """The help of every command and option (click keeps docstrings as help)."""
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
    path = LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    old = Catalog(locale=lang)
    if path.exists():
        with path.open("rb") as po:
            old = read_po(po, locale=lang)
    new = Catalog(
        locale=lang,
        domain=DOMAIN,
        project="Phasebook",
        version="",
        fuzzy=False,
        copyright_holder="Phasebook contributors",
        msgid_bugs_address="",
        last_translator="Phasebook CS team",
        language_team=lang,
        # Kept from the catalog: an update with nothing new changes no byte.
        creation_date=old.creation_date,
        revision_date=old.revision_date,
        header_comment=f"# Phasebook's messages in {lang}: `./dev messages` adds new ones.",
    )
    for message, where in sorted(extract().items()):
        previous = old.get(message)
        locations = [(w.split(":")[0], int(w.split(":")[1])) if ":" in w else (w, 0) for w in where]
        new.add(message, previous.string if previous else "", locations=locations)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        write_po(out, new, width=100, sort_output=True, include_lineno=False)
    path.with_suffix(".mo").write_bytes(compiled(path))
    return path
