"""The source format's building blocks: ids, codes, texts and URLs as pydantic types, and
the English templates of the errors they raise.

Every file of the source format is made of these, so a rule (what an id may hold, which
control characters a title refuses) is written once and reads the same in every file.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
import zoneinfo
from datetime import date, datetime
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from generator.i18n.messages import N_

# The model's own errors, by pydantic error type: English templates, translated where
# validate.py turns an error into a message (tr(ERRORS[type]).format(**ctx)).
ERRORS = {
    "slug": N_(
        "'{value}' is not a valid id (use lowercase letters, digits and '-', start "
        "with a letter or digit, at most 64 characters)"
    ),
    "language": N_("'{value}' is not a language code (e.g. ja, en, pt-BR)"),
    "line_break_one_line": N_(
        "line break U+{code} in the text: write it on one line, without control characters"
    ),
    "control_character_one_line": N_(
        "control character U+{code} in the text: write it on one line, without control characters"
    ),
    "line_break_paragraphs": N_(
        "line break U+{code} in the text: delete it (line breaks are fine here)"
    ),
    "control_character_paragraphs": N_(
        "control character U+{code} in the text: delete it (line breaks are fine here)"
    ),
    "empty_text": N_("text is empty (write it, or remove it)"),
    "invisible_text": N_(
        "text is only invisible characters (U+{code} and the like): write it, or remove it"
    ),
    "bidi_control": N_(
        "bidirectional control U+{code} in the text: delete it (it makes the text show in "
        "another order than it is written)"
    ),
    "url": N_("'{value}' is not a valid {wanted} URL"),
    "unique": N_("listed twice: {twice}"),
    "timezone": N_("unknown time zone '{tz}' (use an IANA name such as Asia/Tokyo)"),
    "session_year": N_(
        "{value} is out of range (a session takes place between {first} and {last})"
    ),
    "stamp": N_("'{value}' is not a date (write it like 2026-11-20, or 2026-11-20T10:00:00+09:00)"),
    "stamp_offset": N_(
        "'{value}' has a time but no UTC offset (write it like 2026-11-20T10:00:00+09:00, "
        "or the date alone)"
    ),
    "stamp_year": N_("{value} is out of range (write a year between {first} and {last})"),
    "every": N_(
        "'{value}' is not an interval (write it like '1 week', '2 weeks', '10 days' or '1 month')"
    ),
}


def invalid(kind: str, **context: object) -> PydanticCustomError:
    return PydanticCustomError(kind, ERRORS[kind], context)


SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
ANY_LANGUAGE = "*"  # key under which a plain string is stored: it reads the same in every language


def _slug(value: object) -> object:
    if isinstance(value, str) and not SLUG.match(value):
        raise invalid("slug", value=value)
    return value


def _lang(value: object) -> object:
    if isinstance(value, str) and not LANG.match(value):
        raise invalid("language", value=value)
    return value


# Control characters (C0, DEL, C1), line and paragraph separators and lone surrogates: they
# are invisible in an editor, break calendar feeds and terminals, and a lone surrogate cannot
# even be written out as UTF-8. A line break is allowed only where a text has paragraphs.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_CONTROL_BUT_NEWLINE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


# Bidirectional embeddings, overrides and isolates: they make a text show in another order
# than it is written (a title reads as something else; "Trojan Source"). The marks U+200E,
# U+200F and U+061C, which right-to-left text needs, stay allowed.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _plain(pattern: re.Pattern, where: str):
    def check(value: object) -> object:
        texts = value.values() if isinstance(value, dict) else [value]
        for text in texts:
            bidi = _BIDI.search(text) if isinstance(text, str) else None
            if bidi:
                raise invalid("bidi_control", code=f"{ord(bidi.group()):04X}")
            found = pattern.search(text) if isinstance(text, str) else None
            if found:
                char = found.group()
                what = "line_break" if char in "\r\n\u2028\u2029" else "control_character"
                raise invalid(f"{what}_{where}", code=f"{ord(char):04X}")
        return value

    return check


def control_character(text: str) -> str | None:
    """The first character a one-line text may not hold, if any."""
    found = _CONTROL.search(text)
    return found.group() if found else None


_one_line = _plain(_CONTROL, "one_line")
_paragraphs = _plain(_CONTROL_BUT_NEWLINE, "paragraphs")


# Shown as nothing (format characters such as U+200B, fillers, variation selectors): a text
# of only these reads as empty on every page, but is not empty to `strip()`.
_FILLERS = frozenset("\u034f\u115f\u1160\u3164\uffa0\u2800")


def _invisible(char: str) -> bool:
    code = ord(char)
    return (
        char.isspace()
        or unicodedata.category(char) in ("Cf", "Zs")
        or char in _FILLERS
        or 0xFE00 <= code <= 0xFE0F
        or 0xE0100 <= code <= 0xE01EF
    )


def _localized(value: object) -> object:
    if isinstance(value, str):
        value = {ANY_LANGUAGE: value}
    if isinstance(value, dict):
        for text in value.values():
            if isinstance(text, str) and not text.strip():
                raise invalid("empty_text")
            if isinstance(text, str) and all(_invisible(c) for c in text):
                first = next(c for c in text if not c.isspace())
                raise invalid("invisible_text", code=f"{ord(first):04X}")
    if value == {}:
        raise invalid("empty_text")
    return value


def _url(schemes: tuple[str, ...]):
    def check(value: object) -> object:
        if not isinstance(value, str):
            return value
        parts = urlsplit(value.strip())
        ok = parts.scheme in schemes and (parts.netloc or parts.scheme == "mailto")
        if not ok or any(c.isspace() or c in '<>"' for c in value.strip()):
            wanted = " or ".join(f"{s}:" for s in schemes)
            raise invalid("url", value=value, wanted=wanted)
        return value.strip()

    return check


def content_page(value: str) -> str:
    """`./guides/x.md` and `guides//x.md` are the page MkDocs knows as `guides/x.md`."""
    normal = posixpath.normpath(value) if value.strip() else value
    return normal if not normal.startswith(("/", "..")) and "\\" not in value else value


def unique(values: list[str]) -> list[str]:
    twice = sorted({v for v in values if values.count(v) > 1})
    if twice:
        raise invalid("unique", twice=", ".join(twice))
    return values


def time_zone(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(value)
    # OSError: 'America' names a folder of the zone database, not a zone.
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise invalid("timezone", tz=value) from exc
    return value


Slug = Annotated[str, BeforeValidator(_slug), Field(json_schema_extra={"pattern": SLUG.pattern})]
Language = Annotated[
    str, BeforeValidator(_lang), Field(json_schema_extra={"pattern": LANG.pattern})
]


def session_time(value: datetime) -> datetime:
    # The year as written, not converted: year 1 minus nine hours would not exist at all.
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise invalid("session_year", value=value.isoformat(), first=FIRST_YEAR, last=LAST_YEAR)
    return value


FIRST_YEAR, LAST_YEAR = 2000, 2199


def stamp(value: object) -> object:
    """A date as YAML reads it (a date, or a datetime when a time is written) or as front
    matter may hold it (text): a date alone, or a moment with its UTC offset. Without an
    offset the moment differs by the reader's zone, so it is refused, as for sessions."""
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            raise invalid("stamp", value=value) from None
        value = parsed.date() if len(value.strip()) == 10 else parsed
    if isinstance(value, datetime) and value.tzinfo is None:
        raise invalid("stamp_offset", value=value.isoformat())
    if not isinstance(value, date):
        raise invalid("stamp", value=value)
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise invalid("stamp_year", value=value.isoformat(), first=FIRST_YEAR, last=LAST_YEAR)
    return value


# When something was published, updated or is due for review: a date (2026-11-20) or a
# moment with its offset. What's new and the feeds read it in the portal's time zone.
Stamp = Annotated[
    date | datetime,
    BeforeValidator(stamp, json_schema_input_type=str),
    Field(description="A date (2026-11-20), or a date and time with its UTC offset."),
]

# A paragraph text: summaries and descriptions, where a line break starts a paragraph.
Text = Annotated[
    dict[str, str],
    BeforeValidator(_localized, json_schema_input_type=str | dict[str, str]),
    AfterValidator(_paragraphs),
    Field(description="A plain string, or a mapping from language code to string."),
]
# A one-line text: names, titles, list items. It lands in headings, menus and calendar
# feeds, where a line break or control character would break or inject something.
Line = Annotated[
    dict[str, str],
    BeforeValidator(_localized, json_schema_input_type=str | dict[str, str]),
    AfterValidator(_one_line),
    Field(description="A plain string on one line, or a mapping from language code to one."),
]
LineStr = Annotated[str, AfterValidator(_one_line)]
HttpsUrl = Annotated[str, BeforeValidator(_url(("https",)), json_schema_input_type=str)]
RequestUrl = Annotated[str, BeforeValidator(_url(("https", "mailto")), json_schema_input_type=str)]
# Strict: YAML reads `yes` as true, and pydantic would then read true as 1 minute.
Minutes = Annotated[int, Field(strict=True, gt=0, le=24 * 60)]
Flag = Annotated[bool, Field(strict=True)]
Level = Literal["beginner", "intermediate", "advanced"]


class Strict(BaseModel):
    """Unknown keys are errors (typos must not vanish); `x-` keys are dropped before this."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, json_schema_extra={"patternProperties": {"^x-": {}}}
    )
