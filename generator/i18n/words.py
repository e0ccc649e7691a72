"""The portal's own words (headings, buttons, units) in each language a portal speaks.

English is the source: a word is written in English where it is used (`_("Schedule")` in a
template, `gettext(lang, "Schedule")` in code) and every other language is one gettext
catalog, `locale/<lang>/LC_MESSAGES/portal.po`, beside the team's `phasebook` domain
(`tools/catalog.py` extracts and compiles both). Names of languages and the way a list is
joined come from Babel's CLDR data, not from a catalog. Like all of `generator.i18n`, this
module imports nothing of the project.
"""

from __future__ import annotations

import functools
import gettext as _gettext
import logging
from collections.abc import Iterable
from importlib.resources import files
from importlib.resources.abc import Traversable

from babel import Locale, UnknownLocaleError
from babel.lists import format_list

DOMAIN = "portal"
SOURCE = "en"  # the language the words are written in: it needs no catalog
# MkDocs prints (and `--strict` counts) the warnings of loggers under "mkdocs" only; the
# command line's own logging shows them too.
log = logging.getLogger("mkdocs.plugins.phasebook")


def W_(message: str) -> str:
    """Marks a word for the catalog where it is defined; `gettext` translates it when shown."""
    return message


@functools.cache
def translations(lang: str) -> _gettext.NullTranslations:
    """The compiled catalog of `lang` (a missing one speaks English: see `has_catalog`)."""
    if lang == SOURCE or not has_catalog(lang):
        return _gettext.NullTranslations()
    with _mo(lang).open("rb") as mo:
        return _gettext.GNUTranslations(mo)


def has_catalog(lang: str) -> bool:
    """Whether the portal's words exist in `lang` (English always does)."""
    return lang == SOURCE or _mo(lang).is_file()


def warn_if_missing(lang: str) -> None:
    """Say that `lang` has no catalog, so that its pages' fixed words are English: a
    language is added by writing its catalog, and a silent fallback would hide that. Called
    once per language and build, by whoever renders that language."""
    if not has_catalog(lang):
        log.warning(
            "the portal's words have no translation into '%s' (no %s): its pages show "
            "them in English. Add the catalog: ./dev messages writes it, then translate it.",
            lang,
            f"generator/i18n/locale/{lang}/LC_MESSAGES/{DOMAIN}.po",
        )


def gettext(lang: str, message: str) -> str:
    """The word `message` (English) in `lang`."""
    return translations(lang).gettext(message)


@functools.cache  # every page of a build names every language (the selector, the sitemap)
def language_name(code: str, lang: str) -> str:
    """The language `code` named in `lang` (英語, Japanese), or in its own words when `lang`
    is `code` (日本語, English, 한국어): the name under the language selector."""
    try:
        return Locale.parse(code).get_display_name(lang) or code
    except (UnknownLocaleError, ValueError):
        return code


def join(items: Iterable[str], lang: str) -> str:
    """`items` as a list reads in `lang`: 日本語、英語; Japanese and English."""
    items = list(items)
    return format_list(items, style="standard", locale=lang) if items else ""


def _mo(lang: str) -> Traversable:
    return files("generator.i18n").joinpath(f"locale/{lang}/LC_MESSAGES/{DOMAIN}.mo")
