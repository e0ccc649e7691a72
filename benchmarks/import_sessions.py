"""How long a CS team waits for `phasebook import sessions` to take in a season.

    python benchmarks/import_sessions.py [--runs N] [CASE …]

Cases: `csv-1000` (1,000 rows), `csv-5mb` (rows up to the 5 MB a file may hold, about 61,000),
`ics-300x100` (300 weekly events, COUNT=100 each: 30,000 sessions) and `ics-300x400`
(COUNT=400: 120,000 sessions, more than a phase file may hold, so the answer is a refusal).
Each run imports into a fresh copy of the test suite's minimal portal, with a second ATX in
its second phase file so that 5 MB of rows fits the phase files' own 5 MB limit. Prints every
run's seconds, the median and the spread (max - min), and the command's last line.
Targets (issue 27): csv-1000 under 3 s, csv-5mb under a minute.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"
LIMIT = 5 * 1024 * 1024
SECOND_ATX = """\
  - id: atx-run
    kind: atx
    title: {ja: 運用の基本, en: Running basics}
    summary: {ja: 運用の基本を学びます。, en: Learn the basics of running.}
    tier: free
    level: beginner
    duration_minutes: 60
"""


def portal(folder: Path) -> Path:
    project = folder / "portal"
    shutil.copytree(MINIMAL, project)
    with (project / "phases" / "run.yml").open("a", encoding="utf-8") as run:
        run.write(SECOND_ATX)
    return project


def csv_rows(count: int | None) -> str:
    """`count` rows, or as many as fit in 5 MB, half for each ATX, every one a new session."""
    start = datetime(2027, 1, 5, 1, tzinfo=UTC)
    lines = ["program,starts,language,register,note"]
    size = len(lines[0]) + 1
    for i in range(count if count is not None else 10**6):
        row = (
            f"{('atx-start', 'atx-run')[i % 2]},{(start + timedelta(minutes=30 * i)).isoformat()},"
            f"{'ja' if i % 3 else 'en'},https://events.example.com/register/{i},第{i + 1}回"
        )
        size += len(row.encode()) + 1
        if count is None and size > LIMIT:
            break
        lines.append(row)
    return "\n".join(lines) + "\n"


def ics_events(events: int, count: int) -> str:
    """`events` weekly series of `count` sessions, an hour apart, each with its own page."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//benchmark//EN"]
    for n in range(events):
        first = datetime(2027, 1, 4, 9) + timedelta(minutes=n)  # 300 distinct series
        lines += [
            "BEGIN:VEVENT",
            f"UID:{n}@benchmark",
            f"DTSTART;TZID=Asia/Tokyo:{first:%Y%m%dT%H%M%S}",
            f"RRULE:FREQ=WEEKLY;COUNT={count}",
            f"SUMMARY:Webinar {n}",
            f"URL:https://webinar.example.com/r/{n}",
            "END:VEVENT",
        ]
    return "\r\n".join([*lines, "END:VCALENDAR", ""])


CASES = {
    "csv-1000": ("season.csv", lambda: csv_rows(1000), []),
    "csv-5mb": ("season.csv", lambda: csv_rows(None), []),
    "ics-300x100": ("webinars.ics", lambda: ics_events(300, 100), ["--program", "atx-start"]),
    "ics-300x400": ("webinars.ics", lambda: ics_events(300, 400), ["--program", "atx-start"]),
}


def run_once(case: str) -> tuple[float, str]:
    name, make, options = CASES[case]
    with tempfile.TemporaryDirectory(prefix="pb-import-") as folder:
        project = portal(Path(folder))
        (project / name).write_text(make(), encoding="utf-8")
        command = [sys.executable, "-m", "generator.cli", "--lang", "en", "import", "sessions"]
        began = time.perf_counter()
        done = subprocess.run(
            [*command, name, *options, "-C", str(project)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - began
    said = (done.stdout.strip() or done.stderr.strip()).splitlines()
    return seconds, f"exit {done.returncode}: {said[-1] if said else ''}"[:160]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("cases", nargs="*", metavar="CASE", help=", ".join(CASES))
    args = parser.parse_args()
    unknown = set(args.cases) - set(CASES)
    if unknown:
        parser.error(f"unknown case {', '.join(sorted(unknown))}: one of {', '.join(CASES)}")
    for case in args.cases or CASES:
        times, outcome = [], ""
        for _ in range(args.runs):
            seconds, outcome = run_once(case)
            times.append(seconds)
        shown = ", ".join(f"{t:.2f}" for t in times)
        print(
            f"{case}: median {statistics.median(times):.2f} s, spread "
            f"{max(times) - min(times):.2f} s over {args.runs} runs ({shown}); {outcome}"
        )


if __name__ == "__main__":
    main()
