"""Repeating sessions: `repeat: {every: 2 weeks, until: …}` is each of its occurrences on every
page, in the schedule, the feeds, api/catalog.json and the report."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from generator.authoring import gaps as report
from generator.source import model as m
from tests.helpers import edit, load, mkdocs_build, problems, text_of

TOKYO = ZoneInfo("Asia/Tokyo")
ONCE = """\
      - starts: 2026-12-03T01:00:00+00:00
        language: ja
        register: https://example.com/register/1
"""


def repeating(every: str, until: str) -> str:
    return ONCE + f"        repeat: {{every: {every}, until: {until}}}\n"


def starts(project: Path) -> list[str]:
    _, atx = load(project).program("atx-start")
    return [s.starts.astimezone(TOKYO).strftime("%Y-%m-%d %H:%M") for s in atx.sessions]


def test_every_two_weeks_until_a_date(minimal: Path) -> None:
    edit(minimal / "phases" / "start.yml", ONCE, repeating("2 weeks", "2027-01-14"))
    assert starts(minimal) == [
        "2026-12-03 10:00",
        "2026-12-17 10:00",
        "2026-12-31 10:00",
        "2027-01-14 10:00",
        "2026-06-03 10:00",
    ]


def test_every_month_falls_on_the_last_day_of_a_short_month() -> None:
    session = m.Session(
        starts=datetime(2027, 1, 31, 10, tzinfo=TOKYO),
        language="ja",
        repeat=m.Repeat(every="1 month", until=date(2027, 4, 30)),
    )
    days = [o.starts.date().isoformat() for o in m.occurrences(session, TOKYO)]
    assert days == ["2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30"]


def test_the_wall_clock_time_holds_across_daylight_saving() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    session = m.Session(
        starts=datetime(2027, 3, 20, 18, tzinfo=berlin),
        language="en",
        repeat=m.Repeat(every="1 week", until=date(2027, 4, 3)),
    )
    found = m.occurrences(session, berlin)
    assert [o.starts.astimezone(berlin).hour for o in found] == [18, 18, 18]
    assert [o.starts.utcoffset().total_seconds() / 3600 for o in found] == [1, 1, 2]


@pytest.mark.parametrize(
    ("every", "until", "message"),
    [
        (
            "2 fortnights",
            "2027-01-14",
            "programs[1].sessions[0].repeat.every: '2 fortnights' is "
            "not an interval (write it like '1 week', '2 weeks', '10 days' or '1 month')",
        ),
        (
            "0 weeks",
            "2027-01-14",
            "programs[1].sessions[0].repeat.every: '0 weeks' is not an interval",
        ),
        (
            "1 week",
            "2026-11-01",
            "programs[1].sessions[0].repeat.until: until 2026-11-01 is "
            "before the first session (2026-12-03): give the date of the last session",
        ),
        (
            "1 day",
            "2029-12-31",
            "programs[1].sessions[0].repeat.until: repeats more than 400 "
            "times before 2029-12-31: check until and every",
        ),
        (
            "1 week",
            "2027/01/14",
            "programs[1].sessions[0].repeat.until: '2027/01/14' is not a "
            "date (write it like 2027-02-28)",
        ),
    ],
)
def test_a_bad_repeat_is_located(minimal: Path, every: str, until: str, message: str) -> None:
    edit(minimal / "phases" / "start.yml", ONCE, repeating(every, until))
    found = problems(minimal)
    assert len(found) == 1 and found[0].startswith("phases/start.yml:"), found
    assert message in found[0], found


def test_an_occurrence_that_is_also_written_out_is_a_duplicate(minimal: Path) -> None:
    edit(
        minimal / "phases" / "start.yml",
        ONCE,
        repeating("1 week", "2026-12-31")
        + "      - starts: 2026-12-10T10:00:00+09:00\n        language: ja\n",
    )
    found = problems(minimal)
    assert found == [
        "phases/start.yml:27:17: programs[1].sessions[1].starts: the same ja session as the "
        "one at line 23 (the same moment, perhaps with another UTC offset or from a repeat): "
        "delete one"
    ]


def test_occurrences_reach_pages_schedule_feeds_and_catalog(minimal: Path) -> None:
    edit(minimal / "phases" / "start.yml", ONCE, repeating("1 week", "2026-12-24"))
    site = minimal / "site"
    result = mkdocs_build(minimal, site)
    assert result.returncode == 0, result.stderr
    program = text_of(site / "programs" / "atx-start" / "index.html")
    for day in ("12月3日(木)", "12月10日(木)", "12月17日(木)", "12月24日(木)"):
        assert f"2026年{day} 10:00–11:00 JST" in program
    schedule = (site / "schedule" / "index.html").read_text(encoding="utf-8")
    assert schedule.count('data-pb-end="2026-12-') == 4
    feed = Calendar.from_ical((site / "schedule.ics").read_bytes())
    uids = sorted(str(e["UID"]) for e in feed.walk("VEVENT"))
    assert uids[1:] == [f"atx-start-202612{d:02d}T0100Z-ja@phasebook" for d in (3, 10, 17, 24)]
    assert len(set(uids)) == len(uids) == 5
    for d in (3, 10, 17, 24):
        assert (site / "programs" / "atx-start" / f"202612{d:02d}T0100Z-ja.ics").exists()
    catalog = json.loads((site / "api" / "catalog.json").read_text(encoding="utf-8"))
    ours = [s for s in catalog["sessions"] if s["program"] == "atx-start"]
    assert len(ours) == 5 and len({s["uid"] for s in ours}) == 5


def test_the_report_sees_the_occurrences(minimal: Path) -> None:
    """Every occurrence is past: the ATX has no upcoming session (and no recording here)."""
    edit(minimal / "phases" / "start.yml", "    recording: https://example.com/rec/atx-start\n", "")
    edit(minimal / "phases" / "start.yml", ONCE, repeating("1 week", "2027-01-07"))
    portal = load(minimal)
    _, atx = portal.program("atx-start")
    assert len(portal.upcoming(atx)) == 6
    assert not [
        g
        for g in report.gaps(portal, minimal / "content")
        if g.code == "atx-no-session-or-recording"
    ]


def test_a_repeat_until_after_the_last_year(minimal: Path) -> None:
    edit(minimal / "phases" / "start.yml", ONCE, repeating("1 month", "2300-01-01"))
    found = problems(minimal)
    assert len(found) == 1 and found[0].endswith(
        "programs[1].sessions[0].repeat.until: until 2300-01-01 is after 2199: give the date "
        "of the last session"
    ), found
