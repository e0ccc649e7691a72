"""`phasebook import sessions`: a season from one spreadsheet or one webinar-tool export."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.helpers import checksums, edit, load, phasebook


def write_csv(path: Path, rows: list[str], header: str = "program,starts,language,register,note"):
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")


def season(count: int) -> list[str]:
    start = datetime(2027, 1, 5, 10, tzinfo=UTC)
    return [
        f"atx-start,{(start + timedelta(days=i)).isoformat()},{'ja' if i % 3 else 'en'},"
        f"https://example.com/register/{i},第{i + 1}回"
        for i in range(count)
    ]


def test_a_200_row_season_imports_once_and_then_adds_nothing(minimal: Path) -> None:
    start = minimal / "phases" / "start.yml"
    edit(start, "  - id: atx-start\n", "  # 毎月の定例回\n  - id: atx-start\n")
    write_csv(minimal / "season.csv", season(200))
    first = phasebook(minimal, "import", "sessions", "season.csv")
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[-1] == "imported 200 sessions, skipped 0 already in the portal"
    _, atx = load(minimal).program("atx-start")
    assert len(atx.sessions) == 202
    assert "  # 毎月の定例回\n" in start.read_text(), "comments are kept"
    assert {s.note["*"] for s in atx.sessions if s.note} >= {"第1回", "第200回"}
    before = checksums(minimal)
    second = phasebook(minimal, "import", "sessions", "season.csv")
    assert second.returncode == 0, second.stderr
    assert second.stdout.splitlines()[-1] == (
        "imported 0 sessions, skipped 200 already in the portal"
    )
    assert checksums(minimal) == before


def test_a_row_already_in_the_portal_is_skipped_whatever_its_offset(minimal: Path) -> None:
    # atx-start already has 2026-12-03T01:00:00+00:00 in ja: the same instant in Tokyo time.
    write_csv(
        minimal / "s.csv",
        ["atx-start,2026-12-03T10:00:00+09:00,ja,,", "atx-start,2026-12-03T10:00:00+09:00,en,,"],
    )
    result = phasebook(minimal, "import", "sessions", "s.csv")
    assert result.stdout.splitlines()[-1] == "imported 1 sessions, skipped 1 already in the portal"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "atx-strat,2027-01-05T10:00:00+09:00,ja,,",
            "unknown program 'atx-strat' (did you mean 'atx-start'?)",
        ),
        ("acc-start,2027-01-05T10:00:00+09:00,ja,,", "'acc-start' is accelerator, not an ATX"),
        ("atx-start,2027-01-05 10:00,ja,,", "starts '2027-01-05 10:00' has no UTC offset"),
        ("atx-start,5 Jan 2027,ja,,", "starts '5 Jan 2027' is not a date and time"),
        ("atx-start,9999-01-05T10:00:00+09:00,ja,,", "is out of range"),
        ("atx-start,2027-01-05T10:00:00+09:00,fr,,", "language 'fr' is not one of the portal's"),
        (
            "atx-start,2027-01-05T10:00:00+09:00,ja,http://example.com/r,",
            "register 'http://example.com/r' is not a valid https: URL",
        ),
    ],
)
def test_a_bad_row_is_named_and_nothing_is_written(minimal: Path, row: str, message: str):
    write_csv(minimal / "s.csv", [*season(3), row, *season(2)])
    before = checksums(minimal)
    result = phasebook(minimal, "import", "sessions", "s.csv")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0] == "Error: nothing was imported: fix these rows first"
    assert lines[1].startswith("s.csv:5: ") and message in lines[1], lines
    assert checksums(minimal) == before


def test_excel_csv_with_a_bom_and_crlf(minimal: Path) -> None:
    text = "\ufeffprogram,starts,language,register\r\natx-start,2027-01-05T10:00:00+09:00,ja,\r\n"
    (minimal / "s.csv").write_bytes(text.encode())
    result = phasebook(minimal, "import", "sessions", "s.csv")
    assert result.returncode == 0, result.stderr


ICS = """\
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Webinar tool//EN
BEGIN:VEVENT
UID:1@tool
DTSTART;TZID=Asia/Tokyo:20270112T150000
SUMMARY:設計のコツ
URL:https://webinar.example.com/r/1
END:VEVENT
BEGIN:VEVENT
UID:2@tool
DTSTART:20270119T060000Z
SUMMARY:設計のコツ
RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=3
END:VEVENT
END:VCALENDAR
"""


def test_an_ics_export_with_a_repeat_rule(minimal: Path) -> None:
    (minimal / "tool.ics").write_text(ICS.replace("\n", "\r\n"), encoding="utf-8")
    result = phasebook(minimal, "import", "sessions", "tool.ics", "--program", "atx-start")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "imported 4 sessions, skipped 0 already in the portal"
    _, atx = load(minimal).program("atx-start")
    new = sorted(s.starts.astimezone(UTC).isoformat() for s in atx.sessions)[-4:]
    assert new == [
        "2027-01-12T06:00:00+00:00",
        "2027-01-19T06:00:00+00:00",
        "2027-02-02T06:00:00+00:00",
        "2027-02-16T06:00:00+00:00",
    ]
    again = phasebook(minimal, "import", "sessions", "tool.ics", "--program", "atx-start")
    assert again.stdout.splitlines()[-1] == "imported 0 sessions, skipped 4 already in the portal"


def test_an_ics_needs_its_program(minimal: Path) -> None:
    (minimal / "tool.ics").write_text(ICS, encoding="utf-8")
    result = phasebook(minimal, "import", "sessions", "tool.ics")
    assert result.returncode == 1
    assert result.stderr == "Error: an .ics file needs --program: the ATX its events are\n"


def test_an_unsupported_repeat_rule_is_refused(minimal: Path) -> None:
    rule = ICS.replace("RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=3", "RRULE:FREQ=WEEKLY;BYDAY=MO,WE")
    (minimal / "tool.ics").write_text(rule, encoding="utf-8")
    before = checksums(minimal)
    result = phasebook(minimal, "import", "sessions", "tool.ics", "--program", "atx-start")
    assert result.returncode == 1
    assert "tool.ics: event 2 (設計のコツ): a repeat rule other than" in result.stderr
    assert checksums(minimal) == before


def test_garbage_instead_of_a_calendar(minimal: Path) -> None:
    (minimal / "tool.ics").write_bytes(b"\x00\xff not a calendar")
    result = phasebook(minimal, "import", "sessions", "tool.ics", "--program", "atx-start")
    assert result.returncode == 1 and "Traceback" not in result.stderr


def test_an_ics_in_a_language_the_portal_does_not_speak(minimal: Path) -> None:
    (minimal / "tool.ics").write_text(ICS, encoding="utf-8")
    before = checksums(minimal)
    result = phasebook(
        minimal, "import", "sessions", "tool.ics", "--program", "atx-start", "--language", "fr"
    )
    assert result.returncode == 1
    assert result.stderr == "Error: language 'fr' is not one of the portal's (ja, en)\n"
    assert checksums(minimal) == before


def test_a_note_with_a_control_character(minimal: Path) -> None:
    write_csv(minimal / "s.csv", ["atx-start,2027-01-05T10:00:00+09:00,ja,,第1回\x1b[2J"])
    result = phasebook(minimal, "import", "sessions", "s.csv")
    assert result.returncode == 1
    assert "s.csv:2: note must be one line of text" in result.stderr


def _over_5_mb(path: Path) -> None:
    write_csv(path, season(1) * 80_000)
    assert path.stat().st_size > 5 * 1024 * 1024


# Files that cannot be imported at all, and the one message each gets.
UNREADABLE = {
    "a header without its columns": (
        lambda path: write_csv(
            path, ["atx-start,2027-01-05T10:00:00+09:00"], header="program,when"
        ),
        "Error: s.csv:1: the header must name program,starts,language,register (and may "
        "name note); missing: starts, language, register\n",
    ),
    "a pipe, which would hang a reader": (
        os.mkfifo,
        "Error: s.csv:1:1: is not a regular file (a pipe, socket or device): replace it "
        "with a file\n",
    ),
    "over 5 MB": (
        _over_5_mb,
        "Error: s.csv:1:1: is larger than 5 MB: split it up\n",
    ),
}


@pytest.mark.parametrize("case", UNREADABLE, ids=list(UNREADABLE))
def test_a_file_that_cannot_be_imported(minimal: Path, case: str) -> None:
    prepare, message = UNREADABLE[case]
    prepare(minimal / "s.csv")
    before = checksums(minimal)
    result = phasebook(minimal, "import", "sessions", "s.csv")
    assert result.returncode == 1
    assert result.stderr == message
    assert checksums(minimal) == before
