"""What a Japanese keyboard types by mistake gets a message of its own, at its own line, and
a mistake in one file never shows up as false errors in another."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import edit, load, problems

START = "phases/start.yml"

# (what the author meant, what the keyboard typed, the exact problem)
MISTAKES = {
    "full-width colon": (
        "    tier: free\n    level: beginner",
        "    tier： free\n    level: beginner",
        f"{START}:18:9: full-width colon '：': type a half-width ':'",
    ),
    "full-width colon after a list dash": (
        "  - id: acc-start",
        "  - id： acc-start",
        f"{START}:28:7: full-width colon '：': type a half-width ':'",
    ),
    "full-width colon at the top": (
        "tasks:\n",
        "tasks：\n",
        f"{START}:4:6: full-width colon '：': type a half-width ':'",
    ),
    "full-width space after the colon": (
        "    level: beginner\n    duration_minutes: 60",
        "    level:\u3000beginner\n    duration_minutes: 60",
        f"{START}:19:11: full-width space '　' after the colon: type a half-width space",
    ),
    "ideographic space as indentation": (
        "    level: beginner\n    duration_minutes: 60",
        "\u3000\u3000level: beginner\n    duration_minutes: 60",
        f"{START}:19:1: indented with a full-width space '　': indent with half-width spaces",
    ),
    "list item with a long-vowel mark": (
        "  - {ja: 管理者アカウントを作成する",
        "  ー {ja: 管理者アカウントを作成する",
        f"{START}:5:3: list item marked with a full-width 'ー': type a half-width '-'",
    ),
    "list item with a full-width hyphen": (
        "  - {ja: 管理者アカウントを作成する",
        "  － {ja: 管理者アカウントを作成する",
        f"{START}:5:3: list item marked with a full-width '－': type a half-width '-'",
    ),
    "full-width digits": (
        "duration_minutes: 60",
        "duration_minutes: ６０",
        f"{START}:20:23: programs[1].duration_minutes: full-width digits '６０': type '60'",
    ),
    "full-width digits in a date": (
        "2026-12-03T01:00:00+00:00",
        "２０２６-12-03T01:00:00+00:00",
        f"{START}:23:17: programs[1].sessions[0].starts: full-width characters in "
        "'２０２６-12-03T01:00:00+00:00': type '2026-12-03T01:00:00+00:00'",
    ),
    "full-width key name": (
        "    tier: free\n    level: beginner",
        "    ｔｉｅｒ: free\n    level: beginner",
        f"{START}:18:5: programs[1].ｔｉｅｒ: key 'ｔｉｅｒ' is typed in full width: type 'tier'",
    ),
    "long-vowel mark in an id": (
        "  - id: acc-start",
        "  - id: acc－start",
        f"{START}:28:9: programs[2].id: full-width characters in 'acc－start': type 'acc-start'",
    ),
    "katakana long-vowel mark in an id": (
        "  - id: acc-start",
        "  - id: accーstart",
        f"{START}:28:9: programs[2].id: full-width characters in 'accーstart': type 'acc-start'",
    ),
}


@pytest.mark.parametrize("case", MISTAKES, ids=list(MISTAKES))
def test_a_keyboard_mistake_is_named_at_its_line(minimal: Path, case: str) -> None:
    meant, typed, expected = MISTAKES[case]
    edit(minimal / "phases" / "start.yml", meant, typed)
    assert problems(minimal) == [expected]


def test_a_full_width_colon_inside_a_text_is_fine(minimal: Path) -> None:
    edit(minimal / "phases" / "start.yml", "{ja: 設計レビュー,", "{ja: 設計レビュー：基本,")
    _, review = load(minimal).program("acc-start")
    assert review.title["ja"] == "設計レビュー：基本"


INDENTATION = {
    "dedented": (
        "duration_minutes: 8\n",
        "phases/run.yml:10:1: duration_minutes: 'duration_minutes' is indented as a "
        "key of the top level, but belongs to programs[0]: line it up with the other "
        "keys of programs[0]",
    ),
    "over-indented": (
        "      duration_minutes: 8\n",
        "phases/run.yml:10:23: a key indented further than the line above, or a "
        "value holding ': ': line the key up with the others, or put the value "
        "in quotes",
    ),
}


@pytest.mark.parametrize("case", INDENTATION, ids=list(INDENTATION))
def test_a_misindented_key_is_named_as_such(minimal: Path, case: str) -> None:
    typed, expected = INDENTATION[case]
    edit(minimal / "phases" / "run.yml", "    duration_minutes: 8\n", typed)
    assert problems(minimal) == [expected]


def test_a_broken_file_causes_no_false_errors_elsewhere(minimal: Path) -> None:
    """run.yml needs a program that start.yml defines; start.yml has a tab. Only the tab."""
    edit(
        minimal / "phases" / "run.yml",
        "    duration_minutes: 8\n",
        "    duration_minutes: 8\n  - id: acc-run\n    kind: accelerator\n    title: 相談\n"
        "    tier: premier\n    duration_minutes: 30\n    request: mailto:cs@example.com\n"
        "    prerequisites: [atx-start, guide-hello]\n",
    )
    edit(minimal / "phases" / "start.yml", "  - id: guide-hello", "\t- id: guide-hello")
    assert problems(minimal) == [
        "phases/start.yml:10:1: tab character: indent YAML with spaces, not tabs"
    ]


def test_a_broken_lifecycle_causes_no_false_errors_in_phase_files(minimal: Path) -> None:
    edit(minimal / "phases" / "lifecycle.yml", "tiers:\n", "tiers：\n")
    assert problems(minimal) == [
        "phases/lifecycle.yml:14:6: full-width colon '：': type a half-width ':'"
    ]
