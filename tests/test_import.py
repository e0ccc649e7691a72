"""`phasebook import sessions`: a season from one spreadsheet or one webinar-tool export."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import event as tally
from hypothesis import strategies as st

from generator.authoring.edit import Project, ScaffoldError
from generator.authoring.imports import import_sessions
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
    rule = ICS.replace("RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=3", "RRULE:FREQ=MINUTELY;COUNT=3")
    (minimal / "tool.ics").write_text(rule, encoding="utf-8")
    before = checksums(minimal)
    result = phasebook(minimal, "import", "sessions", "tool.ics", "--program", "atx-start")
    assert result.returncode == 1
    assert "tool.ics: event 2 (設計のコツ): a repeat rule with FREQ=MINUTELY" in result.stderr
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


@pytest.mark.parametrize(
    ("note", "message"),
    [
        ("第1回\x1b[2J", "s.csv:2: note: control character U+001B in the text"),
        ("第1回\x00", "s.csv:2: note: control character U+0000 in the text"),
        ('"第1回\n2行目"', "s.csv:2: note: line break U+000A in the text"),
    ],
    ids=["escape", "nul", "line break"],
)
def test_a_control_character_is_named(minimal: Path, note: str, message: str) -> None:
    write_csv(minimal / "s.csv", [f"atx-start,2027-01-05T10:00:00+09:00,ja,,{note}"])
    before = checksums(minimal)
    result = phasebook(minimal, "import", "sessions", "s.csv")
    assert result.returncode == 1
    assert message in result.stderr and "\x00" not in result.stderr, result.stderr
    assert checksums(minimal) == before


def test_a_note_longer_than_the_csv_modules_128_kb(minimal: Path) -> None:
    note = "長いメモ" * 40_000  # 160,000 characters: the csv module stops at 131,072
    write_csv(minimal / "s.csv", [f"atx-start,2027-01-05T10:00:00+09:00,ja,,{note}"])
    result = phasebook(minimal, "import", "sessions", "s.csv")
    assert result.returncode == 0, result.stderr[-300:]
    _, atx = load(minimal).program("atx-start")
    assert [s.note["*"] for s in atx.sessions if s.note] == [note]


def test_a_column_named_twice_is_refused(minimal: Path) -> None:
    header = "program,starts,language,register,starts"
    write_csv(minimal / "s.csv", season(2), header=header)
    before = checksums(minimal)
    result = phasebook(minimal, "import", "sessions", "s.csv")
    assert result.returncode == 1
    assert result.stderr == (
        "Error: s.csv:1: the header names starts twice: keep one column of each\n"
    )
    assert checksums(minimal) == before


def test_a_comma_in_an_unquoted_field_is_refused_not_cut_off(minimal: Path) -> None:
    rows = [*season(2), "atx-start,2027-03-05T10:00:00+09:00,ja,,Q&A, part 2", *season(1)]
    write_csv(minimal / "s.csv", rows)
    before = checksums(minimal)
    result = phasebook(minimal, "import", "sessions", "s.csv")
    assert result.returncode == 1
    assert result.stderr.splitlines()[1] == (
        "s.csv:4: 6 cells, but the header names 5 columns: a comma in a field that is not in "
        'double quotes? Write it as "…, …"'
    )
    assert checksums(minimal) == before


def test_each_phase_file_is_parsed_once_however_many_rows(minimal: Path, monkeypatch) -> None:
    """The cost of a row is its own line, not another parse of the file (1,000 rows took
    12.5 s when every row parsed the phase file again; benchmarks/import_sessions.py)."""
    monkeypatch.setenv("PHASEBOOK_LANG", "en")
    parsed: list[Path] = []
    real = Project.read

    def counted(self: Project, path: Path):
        parsed.append(path)
        return real(self, path)

    monkeypatch.setattr(Project, "read", counted)
    write_csv(minimal / "s.csv", season(300))
    done = import_sessions(minimal, minimal / "s.csv")
    assert done.added == 300
    assert parsed == [minimal / "phases" / "start.yml"]


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


# -- generated spreadsheets: imported exactly as the csv module reads them, or refused -------

HEADER = ["program", "starts", "language", "register", "note"]
URLS = {"": True, "https://webinar.example.com/r/1": True, "http://example.com/r": False}
URLS |= {"https://exa mple.com/r": False}
# Good values more often than bad ones, so that whole files get imported too.
NOTE = st.text(st.sampled_from("ab設計 ab設計 ,\"'#:\x00\x1b\t\n"), max_size=8)
ROWS = st.lists(
    st.tuples(
        st.sampled_from(["atx-start"] * 5 + ["atx-strat"]),
        st.sampled_from(["+09:00", "Z"] * 3 + ["", "soon"]),
        st.sampled_from(["ja", "en", ""] * 2 + ["fr"]),
        st.sampled_from(["", "https://webinar.example.com/r/1"] * 3 + list(URLS)[1:]),
        NOTE,
        st.booleans(),  # quoted as a spreadsheet writes it, or joined by hand with commas
    ),
    min_size=1,
    max_size=4,
)
_CONTROLS = re.compile("[\x00-\x1f]")


def _valid(cells: list[str]) -> bool:
    """A row the documented rules accept: the csv module's cells, stripped."""
    if len(cells) > len(HEADER):
        return False
    row = dict(zip(HEADER, (c.strip() for c in cells), strict=False))
    if any(_CONTROLS.search(c) for c in row.values()):
        return False
    starts = row.get("starts", "")
    return (
        row.get("program") == "atx-start"
        and (starts.endswith(("+09:00", "Z")) and starts[:4] == "2027")
        and row.get("language", "") in ("", "ja", "en")
        and URLS.get(row.get("register", ""), False)
    )


def _spreadsheet(rows: list[tuple]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for n, (program, offset, language, register, note, quoted) in enumerate(rows):
        starts = f"2027-02-{n + 1:02d}T10:00:00{offset}" if offset != "soon" else "soon"
        cells = [program, starts, language, register, note]
        if quoted:
            writer.writerow(cells)
        else:
            out.write(",".join(cells) + "\n")
    return out.getvalue()


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ROWS)
def test_generated_spreadsheets(minimal: Path, monkeypatch, rows: list[tuple]) -> None:
    monkeypatch.setenv("PHASEBOOK_LANG", "en")
    text = _spreadsheet(rows)
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader)
    read, ended = [], reader.line_num
    for cells in reader:  # each row with the line it starts on
        read += [(ended + 1, cells)] if any(c.strip() for c in cells) else []
        ended = reader.line_num
    bad = {line for line, cells in read if not _valid(cells)}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(shutil.copytree(minimal, Path(folder) / "p"))
        (root / "s.csv").write_text(text, encoding="utf-8")
        before = checksums(root)
        try:
            import_sessions(root, root / "s.csv")
            refusal = None
        except ScaffoldError as exc:  # what the command prints after "Error: "
            refusal = str(exc)
            assert checksums(root) == before, "a refused file wrote something"
        tally("refused" if refusal else "imported")
        if refusal is None:
            assert not bad, f"imported, but rows {bad} should have been refused"
            want = set()
            for _, cells in read:
                row = dict(zip(HEADER, (c.strip() for c in cells), strict=False))
                when = datetime.fromisoformat(row["starts"]).timestamp()
                want.add((when, row.get("language") or "ja", row.get("register") or None))
                want |= {(when, "note", row["note"])} if row.get("note") else set()
            _, atx = load(root).program("atx-start")
            new = [s for s in atx.sessions if s.starts.year >= 2027]
            got = {(s.starts.timestamp(), s.language, s.register_url) for s in new}
            got |= {(s.starts.timestamp(), "note", s.note["*"]) for s in new if s.note}
            assert got == want
            return
        said = refusal.splitlines()
        assert said[0] == "nothing was imported: fix these rows first", said
        assert {int(re.match(r"s\.csv:(\d+): \S", line)[1]) for line in said[1:]} == bad, said
