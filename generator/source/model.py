"""The source format as pydantic models: the contract with CS staff, and its JSON Schema.

Models are frozen: once loaded and cross-checked, every view reads the same immutable data.
Optional fields may be added freely; renaming or removing one breaks every vendor's content.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import posixpath
import re
import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Annotated, ClassVar, Literal, get_args
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
)
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
    "url": N_("'{value}' is not a valid {wanted} URL"),
    "unique": N_("listed twice: {twice}"),
    "timezone": N_("unknown time zone '{tz}' (use an IANA name such as Asia/Tokyo)"),
    "session_year": N_(
        "{value} is out of range (a session takes place between {first} and {last})"
    ),
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


def _plain(pattern: re.Pattern, where: str):
    def check(value: object) -> object:
        texts = value.values() if isinstance(value, dict) else [value]
        for text in texts:
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


def _localized(value: object) -> object:
    if isinstance(value, str):
        value = {ANY_LANGUAGE: value}
    if isinstance(value, dict):
        for text in value.values():
            if isinstance(text, str) and not text.strip():
                raise invalid("empty_text")
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


def _page(value: str) -> str:
    """`./guides/x.md` and `guides//x.md` are the page MkDocs knows as `guides/x.md`."""
    normal = posixpath.normpath(value) if value.strip() else value
    return normal if not normal.startswith(("/", "..")) and "\\" not in value else value


def _unique(values: list[str]) -> list[str]:
    twice = sorted({v for v in values if values.count(v) > 1})
    if twice:
        raise invalid("unique", twice=", ".join(twice))
    return values


def _timezone(value: str) -> str:
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


def _session_time(value: datetime) -> datetime:
    # The year as written, not converted: year 1 minus nine hours would not exist at all.
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise invalid("session_year", value=value.isoformat(), first=FIRST_YEAR, last=LAST_YEAR)
    return value


FIRST_YEAR, LAST_YEAR = 2000, 2199

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


class PortalInfo(Strict):
    title: Line
    vendor: LineStr
    product: LineStr
    languages: Annotated[list[Language], Field(min_length=1), AfterValidator(_unique)]
    timezone: Annotated[str, AfterValidator(_timezone)] = "UTC"
    description: Text | None = None


class Stage(Strict):
    id: Slug
    name: Line
    summary: Text | None = None
    phases: Annotated[list[Slug], AfterValidator(_unique)]


class Tier(Strict):
    id: Slug
    name: Line
    paid: Flag
    summary: Text
    contact: RequestUrl | None = None
    # For sales' plans page: what it costs, and what it includes, a few words an item
    # (「アクセラレーター 年4回」, 「SLA 初動4時間」).
    price: Line | None = None
    includes: list[Line] = []


class Lifecycle(Strict):
    """`phases/lifecycle.yml`: the portal, its stages in order, its tiers in order."""

    portal: PortalInfo
    stages: Annotated[list[Stage], Field(min_length=1)]
    tiers: Annotated[list[Tier], Field(min_length=1)]


class ExitCriterion(Strict):
    text: Line
    # What counts as met, e.g. ">= 95%" (shown as 「95%以上」), or one per language.
    target: Line | None = None


EVERY = re.compile(r"^([1-9][0-9]{0,2}) (day|week|month)s?$")
MAX_OCCURRENCES = 400  # a weekly session for eight years; more is a typo in `until`


def _every(value: object) -> object:
    if isinstance(value, str) and not EVERY.match(value.strip()):
        raise invalid("every", value=value)
    return value.strip() if isinstance(value, str) else value


class Repeat(Strict):
    """A session held again every N days, weeks or months, up to and including `until`."""

    every: Annotated[str, BeforeValidator(_every)]
    until: date

    def step(self) -> tuple[int, str]:
        count, unit = EVERY.match(self.every).groups()  # type: ignore[union-attr]
        return int(count), unit


class Session(Strict):
    model_config = ConfigDict(populate_by_name=True)

    starts: Annotated[AwareDatetime, AfterValidator(_session_time)]
    language: Language
    # `register` would shadow a pydantic attribute; the YAML key stays `register`.
    register_url: HttpsUrl | None = Field(None, alias="register")
    note: Line | None = None
    repeat: Repeat | None = None


def occurrences(session: Session, zone: zoneinfo.ZoneInfo) -> list[Session]:
    """Every time a session takes place: itself, and for a `repeat`, each next one."""
    if session.repeat is None:
        return [session]
    count, unit = session.repeat.step()
    return [
        session.model_copy(update={"starts": starts, "repeat": None})
        for starts in repeated(session.starts, count, unit, session.repeat.until, zone)
    ]


def repeated(
    starts: datetime, count: int, unit: str, until: date, zone: zoneinfo.ZoneInfo
) -> list[datetime]:
    """`starts` and every `count` days, weeks or months after it up to `until`, in `zone`
    (the same wall-clock time across a change of daylight saving time; the 31st falls on
    the last day of a shorter month), at most MAX_OCCURRENCES + 1 of them."""
    local = starts.astimezone(zone).replace(tzinfo=None)
    found = []
    for n in range(MAX_OCCURRENCES + 1):
        wall = _add(local, n * count, unit)
        if wall.date() > until:
            break
        found.append(wall.replace(tzinfo=zone).astimezone(starts.tzinfo))
    return found


def _add(moment: datetime, amount: int, unit: str) -> datetime:
    if unit == "day":
        return moment + timedelta(days=amount)
    if unit == "week":
        return moment + timedelta(weeks=amount)
    month = moment.month - 1 + amount
    year, month = moment.year + month // 12, month % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return moment.replace(year=year, month=month, day=min(moment.day, last))


class ProgramBase(Strict):
    """What every kind of program has. A kind is its class here, in `ProgramT`, its words in
    labels.py and, when it has a page of its own, templates/kinds/<kind>.md.j2."""

    touch: ClassVar[str]  # what the customer gets: tech (self-service), low (1:many), high (1:1)
    section: ClassVar[str]  # where a phase page lists it: self-service, atx or accelerators
    starter: ClassVar[dict] = {}  # what `phasebook new program` writes besides id, tier, title
    # Capabilities: what the rest of the code asks of a kind, never its name or class.
    scheduled: ClassVar[bool] = False  # has dated live `sessions` and a `recording`
    written: ClassVar[bool] = False  # its page is the Markdown file `page` under content/
    id: Slug
    tier: Slug
    level: Level | None = None
    summary: Text | None = None
    topics: list[Line] = []
    # What the program is offered in. Default: an ATX's session languages, else the portal's
    # first language.
    languages: Annotated[list[Language], AfterValidator(_unique)] = []


class Atx(ProgramBase):
    """Ask the Experts: one-to-many, live sessions and/or a recording."""

    touch, section = "low", "atx"
    scheduled = True
    starter: ClassVar[dict] = {"level": "beginner", "duration_minutes": 60, "sessions": []}
    kind: Literal["atx"]
    title: Line
    level: Level
    duration_minutes: Minutes
    recording: HttpsUrl | None = None
    sessions: list[Session] = []


class Accelerator(ProgramBase):
    """One-to-one session with a customer success engineer, requested by the customer."""

    touch, section = "high", "accelerators"
    starter: ClassVar[dict] = {"duration_minutes": 90, "prerequisites": [], "outcomes": []}
    kind: Literal["accelerator"]
    title: Line
    duration_minutes: Minutes
    prerequisites: list[Slug] = []
    outcomes: list[Line] = []
    request: RequestUrl


class Guide(ProgramBase):
    """Self-service article whose Markdown lives under `content/`."""

    touch, section = "tech", "self-service"
    written = True
    kind: Literal["guide"]
    page: Annotated[LineStr, AfterValidator(_page)]
    title: Line | None = None  # defaults to the page's first heading


class Video(ProgramBase):
    """A recorded how-to, hosted elsewhere."""

    touch, section = "tech", "self-service"
    starter: ClassVar[dict] = {"duration_minutes": 10}
    kind: Literal["video"]
    title: Line
    url: HttpsUrl
    duration_minutes: Minutes


ProgramT = Atx | Accelerator | Guide | Video
Program = Annotated[ProgramT, Field(discriminator="kind")]
# Every kind by its `kind:` value, in the order of ProgramT: the one registry of kinds.
KIND_MODELS: dict[str, type[ProgramBase]] = {
    get_args(cls.model_fields["kind"].annotation)[0]: cls for cls in get_args(ProgramT)
}
KINDS = tuple(KIND_MODELS)
TOUCH = {kind: cls.touch for kind, cls in KIND_MODELS.items()}


# The gaps `phasebook report` finds, by the stable code tools and `report.accept` use.
GAP_CODES = (
    "no-tasks",
    "no-experiences",
    "no-provided",
    "no-exit-criteria",
    "no-quantitative-target",
    "no-free-self-service",
    "paid-without-free",
    "accelerator-no-prerequisites",
    "accelerator-no-outcomes",
    "atx-no-session-or-recording",
    "past-session-no-recording",
)


class Acceptance(Strict):
    """Gaps a phase knows about and accepts, and why: reported as accepted, not as gaps."""

    accept: Annotated[list[Literal[GAP_CODES]], Field(min_length=1), AfterValidator(_unique)]
    reason: Line


class PhaseFile(Strict):
    """`phases/<id>.yml`: one lifecycle phase and the programs offered in it."""

    id: Slug
    name: Line
    summary: Text
    tasks: list[Line] = []
    experiences: list[Line] = []
    provided: list[Line] = []
    exit_criteria: list[ExitCriterion] = []
    programs: list[Program] = []
    report: Acceptance | None = None


def session_ends(program: Atx, session: Session) -> datetime:
    """Sessions carry only a start; the program's duration gives the end."""
    return session.starts + timedelta(minutes=program.duration_minutes)


def text_key(value: dict[str, str]) -> str:
    """A task's or criterion's key in the visitor's browser storage: taken from its text, so
    ticks survive reordering, and a reworded task starts unticked."""
    return hashlib.sha1(json.dumps(value, sort_keys=True).encode()).hexdigest()[:10]


def text(value: dict[str, str] | None, lang: str, fallback: str) -> str:
    """A localized text in `lang`, else in the portal's first language, else any."""
    if not value:
        return ""
    for key in (lang, ANY_LANGUAGE, fallback):
        if key in value:
            return value[key]
    return next(iter(value.values()))


@dataclass(frozen=True)
class PhaseView:
    """A phase in lifecycle order, with what surrounds it."""

    phase: PhaseFile
    stage: Stage
    source: str  # the YAML file it came from, relative to the project
    previous: PhaseFile | None
    next: PhaseFile | None


@dataclass(frozen=True)
class Portal:
    """Everything loaded and cross-checked: the single source for every view."""

    lifecycle: Lifecycle
    phases: tuple[PhaseView, ...]
    guide_titles: dict[str, dict[str, str]]  # guide page → its first heading
    by_id: dict[str, tuple[PhaseView, ProgramT]]  # programs in lifecycle order
    guides: dict[str, tuple[PhaseView, Guide]]  # content page → the guide program it is
    now: datetime  # what "upcoming" is measured against: SOURCE_DATE_EPOCH or the clock
    # Where each phase and program is written (file, line, column), for messages about them.
    located: dict[str, tuple[str, int, int]] = field(default_factory=dict)

    @property
    def info(self) -> PortalInfo:
        return self.lifecycle.portal

    @property
    def language(self) -> str:
        return self.info.languages[0]

    def t(self, value: dict[str, str] | None, lang: str | None = None) -> str:
        return text(value, lang or self.language, self.language)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.info.timezone)

    def tier(self, tier_id: str) -> Tier:
        return next(t for t in self.lifecycle.tiers if t.id == tier_id)

    def rank(self, tier_id: str) -> int:
        """A tier's place in order; a tier includes every program of a lower rank."""
        return next(i for i, t in enumerate(self.lifecycle.tiers) if t.id == tier_id)

    def touch(self, tier_id: str) -> list[str]:
        """The touch models of everything `tier_id` includes, from tech to high."""
        rank = self.rank(tier_id)
        found = {TOUCH[p.kind] for _, p in self.programs() if self.rank(p.tier) <= rank}
        return [t for t in ("tech", "low", "high") if t in found]

    def phase_view(self, phase_id: str) -> PhaseView | None:
        return next((v for v in self.phases if v.phase.id == phase_id), None)

    def programs(self) -> list[tuple[PhaseView, ProgramT]]:
        return list(self.by_id.values())

    def program(self, program_id: str) -> tuple[PhaseView, ProgramT]:
        return self.by_id[program_id]

    def title(self, program: ProgramT, lang: str | None = None) -> str:
        if isinstance(program, Guide) and program.title is None:
            return self.t(self.guide_titles.get(program.page), lang) or program.id
        return self.t(program.title, lang)

    def languages(self, program: ProgramT) -> list[str]:
        """The languages a program is offered in, in the portal's order."""
        found = set(program.languages)
        if not found and isinstance(program, Atx):
            found = {s.language for s in program.sessions}
        return [lang for lang in self.info.languages if lang in found] or [self.language]

    def is_over(self, program: Atx, session: Session) -> bool:
        return session_ends(program, session) <= self.now

    def upcoming(self, program: Atx) -> list[Session]:
        return sorted(
            (s for s in program.sessions if not self.is_over(program, s)), key=lambda s: s.starts
        )
