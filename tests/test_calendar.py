"""Calendar feeds: parse back what we wrote, with stable UIDs and the portal's time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from icalendar import Calendar


@pytest.fixture
def site(example_site: Path) -> Path:
    """The example portal, as built once for the whole run (conftest.py)."""
    return example_site


def events(path: Path) -> list:
    return list(Calendar.from_ical(path.read_bytes()).walk("VEVENT"))


def test_full_feed_round_trips_with_every_session(site: Path) -> None:
    cal = Calendar.from_ical((site / "schedule.ics").read_bytes())
    found = list(cal.walk("VEVENT"))
    assert len(found) == 31  # every session of the example portal, past ones included
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Asia/Tokyo"]
    first = found[0]
    assert first["DTSTART"].params["TZID"] == "Asia/Tokyo"
    starts = [e.decoded("DTSTART") for e in found]
    assert starts == sorted(starts)
    assert len({str(e["UID"]) for e in found}) == len(found)


def test_session_feed_matches_the_definition(site: Path) -> None:
    # phases/implement.yml: atx-implement-rollout, 2026-12-15T09:00:00+00:00, English, 60 min.
    path = site / "programs" / "atx-implement-rollout" / "20261215T0900Z-en.ics"
    (event,) = events(path)
    assert event.decoded("DTSTART").astimezone(UTC) == datetime(2026, 12, 15, 9, tzinfo=UTC)
    assert event.decoded("DTEND").astimezone(UTC) == datetime(2026, 12, 15, 10, tzinfo=UTC)
    assert str(event["UID"]) == "atx-implement-rollout-20261215T0900Z-en@phasebook"
    assert str(event["SUMMARY"]) == "[ATX] エージェント展開のベストプラクティス"
    assert "https://events.miraicloud.example/atx/implement-rollout-2612-en" in str(
        event["DESCRIPTION"]
    )
    page = (site / "programs" / "atx-implement-rollout" / "index.html").read_text(encoding="utf-8")
    assert 'href="20261215T0900Z-en.ics"' in page


def test_phase_feed_holds_only_that_phase(site: Path) -> None:
    uids = {str(e["UID"]) for e in events(site / "schedule" / "use.ics")}
    assert uids and all(uid.startswith(("atx-use-console-", "atx-use-reports-")) for uid in uids)


def test_schedule_page_lists_upcoming_sessions_in_order(site: Path) -> None:
    page = (site / "schedule" / "index.html").read_text(encoding="utf-8")
    times = [
        datetime.fromisoformat(t)
        for t in __import__("re").findall(r'<time datetime="([^"]+)"', page)
    ]
    assert times == sorted(times)
    assert len(times) == 22  # sessions not yet over at the build date (2026-12-01)
    assert all(t.utcoffset().total_seconds() == 9 * 3600 for t in times)
    assert 'href="../schedule.ics"' in page


def test_every_event_is_stamped_with_the_build_day_so_a_new_minute_changes_no_feed(
    minimal: Path,
) -> None:
    """DTSTAMP says the day the portal was built (UTC), however late in the day: a preview
    save a minute later writes no feed again, and the same sources and day give the same
    bytes. Built at 23:59 Tokyo time, which is still the same UTC day."""
    from generator.feeds.calendar import feed_files
    from generator.source.load import load_portal

    def feeds(moment: str) -> dict[str, bytes]:
        now = datetime.fromisoformat(moment)
        portal = load_portal(minimal / "phases", minimal / "content", now=now)
        return dict(feed_files(portal, "https://example.com/"))

    morning, evening = feeds("2026-06-02T00:05+00:00"), feeds("2026-06-03T08:59+09:00")
    assert morning.keys() == evening.keys() and len(morning) > 2
    for name, content in morning.items():
        stamps = content.count(b"DTSTAMP:")
        assert stamps == content.count(b"BEGIN:VEVENT"), name
        assert content.count(b"DTSTAMP:20260602T000000Z") == stamps, name
    # The session of 2026-06-03T01:00Z is not over at either moment: nothing else differs.
    assert evening == morning
    next_day = feeds("2026-06-03T00:00+00:00")["schedule.ics"]
    assert b"DTSTAMP:20260603T000000Z" in next_day
