"""Messages in the team's language: English in the code, translations in gettext catalogs.

Every message a CS author reads (validation, report, CLI, help) is written in English as a
gettext message id, `tr("unknown tier '{tier}' (known: {known})").format(...)`, and
translated in `generator/i18n/locale/<lang>/LC_MESSAGES/phasebook.po` (`tools/catalog.py`
extracts and compiles it; `tests/test_messages.py` keeps it complete). This module imports
nothing of the project: every layer speaks through it. The language is the portal's first one unless
`--lang` or PHASEBOOK_LANG says otherwise.
"""

from __future__ import annotations

import functools
import gettext
import os
from importlib.resources import files

DOMAIN = "phasebook"
SOURCE = "en"  # the language of the message ids: it needs no catalog
# The team's languages: English and every language with a compiled catalog, so that a new
# one is a file (locale/<lang>/LC_MESSAGES/phasebook.mo), not a change to the code.
LANGUAGES = (
    SOURCE,
    *sorted(
        entry.name
        for entry in files("generator.i18n").joinpath("locale").iterdir()
        if entry.joinpath(f"LC_MESSAGES/{DOMAIN}.mo").is_file()
    ),
)
ENV = "PHASEBOOK_LANG"
# Said on the command line (--lang), else read from the portal the process works on: one
# portal per process, read by every thread (MkDocs builds and serves in threads of its own).
_said: dict[str, str | None] = {"chosen": None, "portal": None}


def tr(message: str) -> str:
    """`message` in the current language (English when it has no translation)."""
    return _catalog(language()).gettext(message)


def tr_in(lang: str, message: str) -> str:
    """`message` in `lang`: for text written into a portal, in the portal's language."""
    return _catalog(_supported(lang) or SOURCE).gettext(message)


def N_(message: str) -> str:
    """Marks a message for the catalog where it is defined; `tr` translates it when shown."""
    return message


def language() -> str:
    return _said["chosen"] or _supported(os.environ.get(ENV)) or _said["portal"] or SOURCE


def use(lang: str | None) -> None:
    """Speak `lang` from now on (an unsupported one falls back to English)."""
    _said["chosen"] = _supported(lang) or SOURCE


def use_portal(lang: str | None) -> None:
    """Speak the portal's first language unless told otherwise (--lang, PHASEBOOK_LANG):
    `generator.source.language` reads it from the sources."""
    _said["portal"] = _supported(lang)


def _supported(lang: str | None) -> str | None:
    base = (lang or "").replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else None


@functools.cache
def _catalog(lang: str) -> gettext.NullTranslations:
    """The compiled catalog (a millisecond to read; compiling the .po takes some 40 on
    every command): `./dev messages` writes it, a test keeps it equal to the .po."""
    if lang == SOURCE:
        return gettext.NullTranslations()
    with (
        files("generator.i18n").joinpath(f"locale/{lang}/LC_MESSAGES/{DOMAIN}.mo").open("rb") as mo
    ):
        return gettext.GNUTranslations(mo)
