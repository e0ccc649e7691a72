"""Messages in the team's language: English in the code, translations in gettext catalogs.

Every message a CS author reads (validation, report, CLI, help) is written in English as a
gettext message id, `tr("unknown tier '{tier}' (known: {known})").format(...)`, and
translated in `generator/locale/<lang>/LC_MESSAGES/phasebook.po` (Babel reads the catalog;
`tests/test_messages.py` keeps it complete). The language is the portal's first one unless
`--lang` or PHASEBOOK_LANG says otherwise.
"""

from __future__ import annotations

import contextvars
import functools
import gettext
import io
import os
from importlib.resources import files
from pathlib import Path

import yaml
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DOMAIN = "phasebook"
LANGUAGES = ("en", "ja")  # English is the source; a catalog per other language
ENV = "PHASEBOOK_LANG"
_chosen: contextvars.ContextVar[str | None] = contextvars.ContextVar("language", default=None)


def tr(message: str) -> str:
    """`message` in the current language (English when it has no translation)."""
    return _catalog(language()).gettext(message)


def N_(message: str) -> str:
    """Marks a message for the catalog where it is defined; `tr` translates it when shown."""
    return message


def language() -> str:
    return _chosen.get() or _supported(os.environ.get(ENV)) or "en"


def use(lang: str | None) -> None:
    """Speak `lang` from now on (an unsupported one falls back to English)."""
    _chosen.set(_supported(lang) or "en")


def use_portal_language(project: Path) -> None:
    """Unless told otherwise (--lang, PHASEBOOK_LANG), speak the portal's first language,
    read from phases/lifecycle.yml as well as it can be read: a broken file must still get
    its messages in the team's language."""
    if _chosen.get() or _supported(os.environ.get(ENV)):
        return
    use(portal_language(project / "phases" / "lifecycle.yml"))


def portal_language(lifecycle: Path) -> str | None:
    try:
        data = yaml.safe_load(lifecycle.read_text(encoding="utf-8")[:1_000_000])
        first = data["portal"]["languages"][0]
    except Exception:
        return None
    return first if isinstance(first, str) else None


def _supported(lang: str | None) -> str | None:
    base = (lang or "").replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else None


@functools.cache
def _catalog(lang: str) -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()
    source = files("generator").joinpath(f"locale/{lang}/LC_MESSAGES/{DOMAIN}.po")
    with source.open("rb") as po:
        catalog = read_po(po, locale=lang, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)
