"""Sessions: when a scheduled program takes place, once or again every N days, weeks or months.

A repeat is written once in the sources and read everywhere as the occurrences it stands for
(`occurrences`), so pages, feeds and checks never need to know that a session repeats.
"""

from __future__ import annotations

import calendar
import re
import zoneinfo
from datetime import date, datetime, timedelta
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, ConfigDict, Field

from generator.source.model.fields import HttpsUrl, Language, Line, Strict, invalid, session_time

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

    starts: Annotated[AwareDatetime, AfterValidator(session_time)]
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
