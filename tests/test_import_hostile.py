"""`phasebook import sessions` given the iCalendar files calendar tools and adversaries write:
every file is imported exactly as the calendar libraries read it, or refused as
`FILE: event N: …` with nothing written, never with a traceback."""

from __future__ import annotations

import re
import shutil
import tempfile
from datetime import UTC, datetime, timedelta, timezone
from itertools import islice
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rruleset, rrulestr
from hypothesis import HealthCheck, given, settings
from hypothesis import event as tally
from hypothesis import strategies as st

from generator.authoring.edit import ScaffoldError
from generator.authoring.imports import import_sessions
from tests.helpers import checksums, load, phasebook

EXISTING = 2  # the sessions atx-start has in the minimal portal
VTIMEZONE = [
    "BEGIN:VTIMEZONE", "TZID:Custom Zone", "BEGIN:STANDARD", "DTSTART:19700101T000000",
    "TZOFFSETFROM:+0530", "TZOFFSETTO:+0530", "END:STANDARD", "END:VTIMEZONE",
]  # fmt: skip


def calendar(*events: list[str], zones: str = "") -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", *zones.splitlines()]
    for n, event in enumerate(events, 1):
        uid = [] if any(line.startswith("UID:") for line in event) else [f"UID:{n}@test"]
        lines += ["BEGIN:VEVENT", *uid, "SUMMARY:設計のコツ", *event, "END:VEVENT"]
    return "\r\n".join([*lines, "END:VCALENDAR", ""])


def run(minimal: Path, text: str):
    (minimal / "tool.ics").write_text(text, encoding="utf-8")
    return phasebook(minimal, "import", "sessions", "tool.ics", "--program", "atx-start")


def imported(minimal: Path) -> list[tuple[str, str | None]]:
    """The new sessions of atx-start: (start in UTC, registration page), in time order."""
    _, atx = load(minimal).program("atx-start")
    found = sorted(atx.sessions, key=lambda s: s.starts)
    new = [s for s in found if s.starts.year >= 2027]
    assert len(found) - len(new) == EXISTING
    return [(s.starts.astimezone(UTC).strftime("%m-%d %H:%M"), s.register_url) for s in new]


WEEKLY = ["DTSTART;TZID=Asia/Tokyo:20270112T150000", "URL:https://webinar.example.com/r/1"]


def test_exdate_cancels_an_occurrence(minimal: Path) -> None:
    event = [*WEEKLY, "RRULE:FREQ=WEEKLY;COUNT=4", "EXDATE;TZID=Asia/Tokyo:20270119T150000"]
    result = run(minimal, calendar(event))
    assert result.returncode == 0, result.stderr
    assert [when for when, _ in imported(minimal)] == ["01-12 06:00", "01-26 06:00", "02-02 06:00"]


def test_rdate_adds_occurrences(minimal: Path) -> None:
    event = [*WEEKLY, "RDATE;TZID=Asia/Tokyo:20270301T100000,20270305T100000"]
    result = run(minimal, calendar(event))
    assert result.returncode == 0, result.stderr
    assert imported(minimal) == [
        ("01-12 06:00", "https://webinar.example.com/r/1"),
        ("03-01 01:00", "https://webinar.example.com/r/1"),
        ("03-05 01:00", "https://webinar.example.com/r/1"),
    ]


def test_a_moved_and_a_cancelled_instance_of_a_series(minimal: Path) -> None:
    series = ["UID:s@test", *WEEKLY, "RRULE:FREQ=WEEKLY;COUNT=3"]
    moved = ["UID:s@test", "RECURRENCE-ID;TZID=Asia/Tokyo:20270119T150000"]
    moved += ["DTSTART;TZID=Asia/Tokyo:20270120T110000"]
    cancelled = ["UID:s@test", "RECURRENCE-ID;TZID=Asia/Tokyo:20270126T150000"]
    cancelled += ["DTSTART;TZID=Asia/Tokyo:20270126T150000", "STATUS:CANCELLED"]
    result = run(minimal, calendar(series, moved, cancelled))
    assert result.returncode == 0, result.stderr
    assert [when for when, _ in imported(minimal)] == ["01-12 06:00", "01-20 02:00"]


def test_byday_as_outlook_writes_a_weekly_series(minimal: Path) -> None:
    event = [*WEEKLY, "RRULE:FREQ=WEEKLY;COUNT=4;BYDAY=TU,TH;WKST=SU"]
    result = run(minimal, calendar(event))
    assert result.returncode == 0, result.stderr
    when = [w for w, _ in imported(minimal)]
    assert when == ["01-12 06:00", "01-14 06:00", "01-19 06:00", "01-21 06:00"]


@pytest.mark.parametrize(
    ("zone", "utc"),
    [
        ("America/New_York", "01-12 20:00"),
        # Windows names, as Outlook writes them: CLDR's windowsZones table.
        ("Eastern Standard Time", "01-12 20:00"),
        ("Alberta Standard Time", "01-12 22:00"),  # one icalendar's own table lacks
        ("Custom Zone", "01-12 09:30"),  # defined by the file's VTIMEZONE: +05:30
    ],
)
def test_time_zones_a_file_may_name(minimal: Path, zone: str, utc: str) -> None:
    defined = "\n".join(VTIMEZONE)
    result = run(minimal, calendar([f"DTSTART;TZID={zone}:20270112T150000"], zones=defined))
    assert result.returncode == 0, result.stderr
    assert [when for when, _ in imported(minimal)] == [utc]


REFUSED = {
    "COUNT=-3": (["RRULE:FREQ=WEEKLY;COUNT=-3"], "COUNT=-3 must be a whole number from 1 to 400"),
    "COUNT=401": (["RRULE:FREQ=DAILY;COUNT=401"], "COUNT=401 must be a whole number from 1"),
    "INTERVAL=0": (
        ["RRULE:FREQ=WEEKLY;INTERVAL=0;COUNT=400"],
        "INTERVAL=0 must be a whole number from 1 to 999",
    ),
    "INTERVAL=-1000": (
        ["RRULE:FREQ=WEEKLY;INTERVAL=-1000;COUNT=3"],
        "INTERVAL=-1000 must be a whole number from 1 to 999",
    ),
    "a 20-digit INTERVAL": (
        ["RRULE:FREQ=WEEKLY;INTERVAL=99999999999999999999;COUNT=3"],
        "INTERVAL=99999999999999999999 must be a whole number from 1 to 999",
    ),
    "a word for COUNT": (["RRULE:FREQ=WEEKLY;COUNT=three"], "COUNT=three must be a whole"),
    "a rule without end": (["RRULE:FREQ=WEEKLY"], "the repeat rule has no end"),
    "an hourly rule": (["RRULE:FREQ=HOURLY;COUNT=3"], "a repeat rule with FREQ=HOURLY"),
    "a DTSTART off its rule": (
        ["RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=3"],  # 2027-01-12 is a Tuesday
        "DTSTART 2027-01-12T15:00:00+09:00 is not an occurrence of its RRULE",
    ),
    "a rule that rarely matches": (
        ["RRULE:FREQ=DAILY;BYMONTH=1;BYMONTHDAY=12;COUNT=3"],
        "the repeat rule's sessions spread past 400 times its FREQ and INTERVAL, or past 2199",
    ),
    "an UNTIL past 2199": (["RRULE:FREQ=YEARLY;UNTIL=22500101T000000Z"], "or past 2199"),
    "COUNT and UNTIL": (
        ["RRULE:FREQ=DAILY;COUNT=3;UNTIL=20270301T000000Z"],
        "the repeat rule has both COUNT and UNTIL",
    ),
    "an all-day RDATE": (["RDATE;VALUE=DATE:20270301"], "RDATE 2027-03-01 is a date without"),
    "a URL with a space": (
        ["URL:https://exa mple.com/r"],
        "URL 'https://exa mple.com/r' is not a valid https: URL",
    ),
    "a plain http URL": (["URL:http://example.com/r"], "URL 'http://example.com/r' is not"),
}


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_what_cannot_be_read_exactly_is_refused(minimal: Path, case: str) -> None:
    lines, message = REFUSED[case]
    start = ["DTSTART;TZID=Asia/Tokyo:20270112T150000"]
    before = checksums(minimal)
    result = run(minimal, calendar(WEEKLY, [*start, *lines]))
    assert result.returncode == 1
    said = result.stderr.splitlines()
    assert said == ["Error: nothing was imported: fix these rows first", said[1]], said
    assert said[1].startswith("tool.ics: event 2 (設計のコツ): ") and message in said[1], said
    assert checksums(minimal) == before


@pytest.mark.parametrize(
    "where", ["DTSTART", "EXDATE", "RDATE"], ids=["dtstart", "exdate", "rdate"]
)
@pytest.mark.parametrize("zone", ["Mars/Olympus", "../../etc/passwd", "Tokyo Standrad Time"])
def test_an_unknown_time_zone_is_refused(minimal: Path, where: str, zone: str) -> None:
    event = [f"DTSTART;TZID={'Asia/Tokyo' if where != 'DTSTART' else zone}:20270112T150000"]
    if where != "DTSTART":
        event += ["RRULE:FREQ=WEEKLY;COUNT=2", f"{where};TZID={zone}:20270119T150000"]
    before = checksums(minimal)
    result = run(minimal, calendar(event))
    assert result.returncode == 1
    assert (
        result.stderr.splitlines()[1]
        == f"tool.ics: event 1 (設計のコツ): unknown time zone '{zone}'"
    )
    assert checksums(minimal) == before


def test_a_summary_cannot_write_to_the_terminal(minimal: Path) -> None:
    event = ["SUMMARY:\x1b]0;owned\x07\x1b[2J", "DTSTART;TZID=Mars/Olympus:20270112T150000"]
    result = run(minimal, calendar(event).replace("SUMMARY:設計のコツ\r\n", ""))
    assert result.returncode == 1
    assert not re.search("[\x00-\x08\x0b-\x1f]", result.stderr), repr(result.stderr)
    assert "tool.ics: event 1 (\\u001b]0;owned\\u0007\\u001b[2J): unknown time zone" in (
        result.stderr
    )


def test_rules_that_rarely_match_are_not_searched_to_2199(minimal: Path) -> None:
    """dateutil searches such a rule a day at a time: seconds an event, up to 2199."""
    rule = "RRULE:FREQ=DAILY;BYMONTH=1;BYMONTHDAY=12;COUNT=400"
    events = [[f"DTSTART:20270112T{n // 60:02d}{n % 60:02d}00Z", rule] for n in range(100)]
    result = run(minimal, calendar(*events))
    assert result.returncode == 1
    said = result.stderr.splitlines()
    assert len(said) == 1 + 50 + 1 and said[-1] == "… and 50 more", said[-3:]
    assert said[1] == (
        "tool.ics: event 1 (設計のコツ): the repeat rule's sessions spread past 400 times its "
        "FREQ and INTERVAL, or past 2199: export them as events of their own"
    )


def test_three_hundred_series_are_refused_at_once_not_after_minutes(minimal: Path) -> None:
    """300 events × COUNT=400 is more than a phase file may hold: said, in one line."""
    events = [
        [f"DTSTART:20270104T{9 + n // 60:02d}{n % 60:02d}00Z", "RRULE:FREQ=DAILY;COUNT=400"]
        for n in range(300)
    ]
    before = checksums(minimal)
    result = run(minimal, calendar(*events))
    assert result.returncode == 1
    assert re.fullmatch(
        r"Error: phases/start\.yml would grow to [0-9.]+ MB, over the 5 MB a phase file may "
        r"hold: import fewer sessions at a time\n",
        result.stderr,
    )
    assert checksums(minimal) == before


# -- generated files: imported exactly as icalendar and dateutil.rrule read them, or refused -----

HYPOTHESIS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
CUSTOM = timezone(timedelta(hours=5, minutes=30), "Custom Zone")
ZONES = {
    "Asia/Tokyo": ZoneInfo("Asia/Tokyo"),
    "America/New_York": ZoneInfo("America/New_York"),
    "Eastern Standard Time": ZoneInfo("America/New_York"),  # CLDR's windowsZones
    "Custom Zone": CUSTOM,  # the file's VTIMEZONE
    "": ZoneInfo("Asia/Tokyo"),  # floating: the portal's zone
    "Z": UTC,
    "Mars/Olympus": None,
}
URLS = {None: True, "https://webinar.example.com/r/1": True, "http://example.com/r": False}
URLS |= {"https://exa mple.com/r": False}
WALL = st.datetimes(datetime(2027, 1, 1), datetime(2028, 12, 31)).map(
    lambda d: d.replace(minute=d.minute // 15 * 15, second=0, microsecond=0)
)
RULES = st.fixed_dictionaries(
    {"FREQ": st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY", "HOURLY"])},
    optional={
        "COUNT": st.integers(-3, 12),
        "INTERVAL": st.integers(-2, 4),
        "UNTIL": st.integers(0, 120),  # days after DTSTART, written in UTC as RFC 5545 asks
        "BYDAY": st.lists(st.sampled_from(["MO", "TU", "TH"]), min_size=1, max_size=2, unique=True),
    },
)  # fmt: skip
EVENTS = st.fixed_dictionaries(
    {
        "wall": WALL,
        "zone": st.sampled_from(list(ZONES)),
        "rule": st.none() | RULES,
        "exdates": st.lists(st.integers(0, 12), max_size=3),
        "rdates": st.lists(WALL, max_size=2),
        "url": st.sampled_from(list(URLS)),
    }
)


def _when(wall: datetime, zone: str) -> str:
    if zone == "Z":
        return f":{wall:%Y%m%dT%H%M%S}Z"
    return f";TZID={zone}:{wall:%Y%m%dT%H%M%S}" if zone else f":{wall:%Y%m%dT%H%M%S}"


def _rule_text(rule: dict, start: datetime) -> str:
    parts = {k: v for k, v in rule.items() if k not in ("UNTIL", "BYDAY")}
    if "UNTIL" in rule:
        parts["UNTIL"] = f"{(start + timedelta(days=rule['UNTIL'])).astimezone(UTC):%Y%m%dT%H%M%SZ}"
    if "BYDAY" in rule:
        parts["BYDAY"] = ",".join(rule["BYDAY"])
    return ";".join(f"{k}={v}" for k, v in parts.items())


def _sane(rule: dict) -> bool:
    if "COUNT" in rule and "UNTIL" in rule:  # RFC 5545: one or the other
        return False
    return rule["FREQ"] != "HOURLY" and rule.get("COUNT", 1) >= 1 and rule.get("INTERVAL", 1) >= 1


def _reference(event: dict) -> list[datetime] | None:
    """The event's sessions as icalendar and dateutil read them; None if a documented rule
    refuses it (an unknown zone, a bad URL, a COUNT or INTERVAL below 1 or over the
    limits, a rule without end or not every day, a DTSTART off its rule, over 400)."""
    zone = ZONES[event["zone"]]
    rule = event["rule"]
    if zone is None or not URLS[event["url"]]:
        return None
    start = event["wall"].replace(tzinfo=zone)
    series = rruleset()
    if rule is not None:
        if not _sane(rule) or not ("COUNT" in rule or "UNTIL" in rule):
            return None
        recurrence = rrulestr(_rule_text(rule, start), dtstart=start)
        if next(iter(recurrence), None) != start:
            return None
        series.rrule(recurrence)
        occurrences = list(recurrence)
    else:
        series.rdate(start)
        occurrences = [start]
    for wall in event["rdates"]:
        series.rdate(wall.replace(tzinfo=zone))
    for n in event["exdates"]:
        series.exdate(occurrences[n] if n < len(occurrences) else start + timedelta(hours=n))
    found = list(islice(series, 402))
    return found if len(found) <= 400 else None


def _calendar_of(events: list[dict]) -> str:
    lines = []
    for event in events:
        zone, start = event["zone"], event["wall"].replace(tzinfo=ZONES[event["zone"]] or UTC)
        lines.append([f"DTSTART{_when(event['wall'], zone)}"])
        rule = event["rule"]
        every = [start]
        if rule is not None:
            lines[-1].append(f"RRULE:{_rule_text(rule, start)}")
        if rule is not None and _sane(rule):  # else dateutil may search up to year 9999
            every = list(islice(rrulestr(_rule_text(rule, start), dtstart=start), 13))
        for n in event["exdates"]:
            gone = every[n] if n < len(every) else start + timedelta(hours=n)
            lines[-1].append(f"EXDATE{_when(gone.replace(tzinfo=None), zone)}")
        lines[-1] += [f"RDATE{_when(wall, zone)}" for wall in event["rdates"]]
        lines[-1] += [f"URL:{event['url']}"] if event["url"] else []
    return calendar(*lines, zones="\n".join(VTIMEZONE))


def _attempt(root: Path, name: str, program: str | None) -> tuple[str | None, dict]:
    """Import in this process (the command's own code, without a process per example): the
    refusal's message, or None; and the files' checksums before."""
    before = checksums(root)
    try:
        import_sessions(root, root / name, program=program)
    except ScaffoldError as exc:
        assert checksums(root) == before, "a refused file wrote something"
        return str(exc), before
    return None, before


@HYPOTHESIS
@given(st.lists(EVENTS, min_size=1, max_size=3))
def test_generated_calendars(minimal: Path, monkeypatch, events: list[dict]) -> None:
    monkeypatch.setenv("PHASEBOOK_LANG", "en")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(shutil.copytree(minimal, Path(folder) / "p"))
        (root / "tool.ics").write_text(_calendar_of(events), encoding="utf-8")
        expected = [_reference(e) for e in events]
        refusal, _ = _attempt(root, "tool.ics", "atx-start")
        bad = {n for n, found in enumerate(expected, 1) if found is None}
        tally("refused" if refusal else "imported")
        if refusal is None:
            assert not bad, f"imported, but events {bad} should have been refused"
            want: dict[float, str | None] = {}  # a second event at the same moment is skipped
            for e, found in zip(events, expected, strict=True):
                for s in found or []:
                    want.setdefault(s.timestamp(), e["url"])
            _, atx = load(root).program("atx-start")
            got = {
                (s.starts.timestamp(), s.register_url)
                for s in atx.sessions
                if s.starts.year >= 2027
            }
            assert got == set(want.items())
            return
        said = refusal.splitlines()
        assert said[0] == "nothing was imported: fix these rows first", said
        named = {
            int(re.match(r"tool\.ics: event (\d+) \(設計のコツ\): \S", line)[1])
            for line in said[1:]
        }
        assert named == bad, said
