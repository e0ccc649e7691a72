"""`--name` of `new stage` and `new phase`: one name, or one per portal language, so that a
bilingual portal's English twin does not show the Japanese name nobody translated."""

from __future__ import annotations

import re

from ruamel.yaml.comments import CommentedMap

from generator.authoring.edit import ScaffoldError, literal, one_line
from generator.i18n.messages import tr

# `xx=` or `xxx=` before a name: meant as a language, even one the portal does not have.
_LANGUAGE = re.compile(r"[a-z]{2,3}")


def names(values: tuple[str, ...], languages: tuple[str, ...] | list[str]) -> dict[str, str]:
    """`--name TEXT` (the first language's; the others fall back to it) and `--name
    LANG=TEXT`, each language once, the first language always. A name that merely holds
    `=` (`A=B`, `Q&A = 2`) is a name."""
    found: dict[str, str] = {}
    for value in values:
        lang, sep, text = value.partition("=")
        if not (sep and lang in languages):
            if sep and _LANGUAGE.fullmatch(lang):
                raise ScaffoldError(
                    tr(
                        "--name {lang}=…: the portal has no language '{lang}' (it has: {known})"
                    ).format(lang=lang, known=", ".join(languages))
                )
            lang, text = languages[0], value
        if lang in found:
            raise ScaffoldError(tr("--name gives the {lang} name twice").format(lang=lang))
        found[lang] = one_line(text, "--name") or ""
    if found and languages[0] not in found:
        raise ScaffoldError(
            tr("--name: give the name in {lang} too, the portal's first language").format(
                lang=languages[0]
            )
        )
    return {lang: found[lang] for lang in languages if lang in found}


def as_yaml(texts: dict[str, str]) -> object:
    """One language: the plain text, as before. More: `{ja: 利用, en: Use}` on one line."""
    if len(texts) == 1:
        return literal(next(iter(texts.values())))
    mapping = CommentedMap((lang, literal(text)) for lang, text in texts.items())
    mapping.fa.set_flow_style()
    return mapping
