"""The gettext catalogs: extracted from the code, the templates and the CLI's help, compiled
with Babel.

Two domains, both with English message ids: `phasebook`, the team's messages (validation,
report, CLI; `tr`, `tr_in`, `N_` in the code), and `portal`, the customers' words on the
portal's pages (`_()` in the templates, `gettext(lang, …)` and `W_` in the code). Only
`./dev messages` and the tests use this: it is the one place that imports both the CLI and
Babel's catalog tools, so that translation itself (`generator.i18n`) stays a leaf.

    python -m tools.catalog [LANG …]   update every catalog; start the portal's words in LANG
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path

import click
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from generator.cli import cli
from generator.i18n import messages, words
from generator.site.render.environment import SYNTAX

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "generator" / "i18n" / "locale"
DOMAINS = (messages.DOMAIN, words.DOMAIN)
# The words' calls in the code: `gettext(lang, "Schedule")`, `W_("Beginner")`.
_PORTAL_KEYWORDS = {"gettext": (2,), "W_": None}
_TEMPLATE_OPTIONS = {
    **{k: str(v).lower() if isinstance(v, bool) else v for k, v in SYNTAX.items()},
    "newstyle_gettext": "true",
    "silent": "false",  # a template that does not parse is an error, not an empty catalog
}


def catalog_path(lang: str, domain: str = messages.DOMAIN) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{domain}.po"


def languages(domain: str) -> list[str]:
    """The languages with a catalog of `domain` (English is the source: it has none)."""
    return sorted(p.parent.parent.name for p in LOCALE.glob(f"*/LC_MESSAGES/{domain}.po"))


def compiled(po: Path) -> bytes:
    """The .mo file of the catalog at `po`."""
    with po.open("rb") as source:
        catalog = read_po(source, domain=po.stem)
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def extract(domain: str = messages.DOMAIN) -> dict[str, list[str]]:
    """Every message id of `domain` with where it is used: what each catalog must
    translate. The team's messages come from the code and the CLI's help; the portal's
    words from the templates and the code."""
    found: dict[str, list[str]] = {}
    for message, where in _found(domain):
        found.setdefault(message, []).append(where)
    return found


def _found(domain: str) -> Iterator[tuple[str, str]]:
    if domain == messages.DOMAIN:
        yield from _in_code({"tr": None, "N_": None, "tr_in": (2,)})
        yield from _help_texts()
        return
    yield from _in_code(_PORTAL_KEYWORDS)
    folder = "generator/site/templates"
    for name, line, message, *_ in extract_from_dir(
        ROOT / folder,
        method_map=[("**.j2", "jinja2.ext:babel_extract")],
        options_map={"**.j2": _TEMPLATE_OPTIONS},
    ):
        yield message, f"{folder}/{name}:{line}"


def _in_code(keywords: dict) -> Iterator[tuple[str, str]]:
    for folder in ("generator", "site_plugins"):
        for name, line, message, *_ in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python")], keywords=keywords
        ):
            yield message, f"{folder}/{name}:{line}"


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


def update_catalog(*new: str) -> list[Path]:
    """Bring every catalog up to date with the code, and start the portal's words in each
    language of `new`: new message ids are added untranslated, ids no longer used are
    dropped, translations stay as they are. Returns the catalogs written."""
    todo = [(lang, domain) for domain in DOMAINS for lang in languages(domain)]
    todo += [(lang, words.DOMAIN) for lang in new if (lang, words.DOMAIN) not in todo]
    found = {domain: extract(domain) for domain in DOMAINS}
    return [_update(lang, domain, found[domain]) for lang, domain in todo]


def _update(lang: str, domain: str, found: dict[str, list[str]]) -> Path:
    path = catalog_path(lang, domain)
    old = Catalog(locale=lang)
    if path.exists():
        with path.open("rb") as po:
            old = read_po(po, locale=lang)
    what = "messages" if domain == messages.DOMAIN else "portal's words"
    new = Catalog(
        locale=lang,
        domain=domain,
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
        header_comment=f"# Phasebook's {what} in {lang}: `./dev messages` adds new ones.",
    )
    for message, where in sorted(found.items()):
        previous = old.get(message)
        locations = [(w.split(":")[0], int(w.split(":")[1])) if ":" in w else (w, 0) for w in where]
        flags = ["python-format"] if domain == words.DOMAIN and "%(" in message else []
        new.add(message, previous.string if previous else "", locations=locations, flags=flags)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        write_po(out, new, width=100, sort_output=True, include_lineno=False)
    path.with_suffix(".mo").write_bytes(compiled(path))
    return path


if __name__ == "__main__":
    for written in update_catalog(*sys.argv[1:]):
        print(written.relative_to(ROOT))
