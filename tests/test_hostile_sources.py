"""Hostile sources: whatever a file holds or is, the loader answers file:line:col and what to
do, never a traceback, a hang or a silently wrong portal."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from generator.source.load import build_time
from generator.text.errors import ContentError
from tests.helpers import edit, load, problems

# -- control characters typed into one-line texts ----------------------------------------

# (file, text in the fixture, where the text is, line:col of the value)
ONE_LINE_FIELDS = [
    ("lifecycle.yml", "テスト ポータル", "portal.title", "2:10"),
    ("lifecycle.yml", "vendor: Example", "portal.vendor", "3:11"),
    ("lifecycle.yml", "product: Example Cloud", "portal.product", "4:12"),
    ("lifecycle.yml", "{ja: 導入, en: Onboard}", "stages[0].name", "9:11"),
    ("lifecycle.yml", "{ja: 無償, en: Free}", "tiers[0].name", "16:11"),
    ("start.yml", "{ja: はじめに, en: Start}", "name", "2:7"),
    ("start.yml", "{ja: 管理者アカウントを作成する,", "tasks[0]", "5:5"),
    ("start.yml", "{ja: 管理者が1人以上ログインした,", "exit_criteria[0].text", "7:11"),
    ("start.yml", 'target: ">= 1"', "exit_criteria[0].target", "8:13"),
    ("start.yml", '"<script>alert(1)</script> はじめての設計"', "programs[1].title", "16:12"),
    ("start.yml", "{ja: 設計レビュー,", "programs[2].title", "30:12"),
    ("start.yml", "[{ja: 設計の妥当性を確認できる,", "programs[2].outcomes[0]", "34:16"),
    ("run.yml", "{ja: 管理画面ツアー,", "programs[0].title", "7:12"),
]
CONTROLS = {
    "line feed": ("\\n", "line break U+000A"),
    "carriage return": ("\\r", "line break U+000D"),
    "NUL": ("\\0", "control character U+0000"),
    "escape": ("\\e", "control character U+001B"),
    "bell": ("\\a", "control character U+0007"),
    "line separator": ("\\L", "line break U+2028"),
}


def _with_control(fixture_text: str, escape: str) -> str:
    """The fixture's text with a control character inside it, as a double-quoted YAML
    string (the only way YAML carries one)."""
    if fixture_text.startswith(("vendor: ", "product: ", "target: ")):
        key, value = fixture_text.split(": ", 1)
        return f'{key}: "{value.strip(chr(34))[:2]}{escape}x"'
    if fixture_text.startswith('"'):
        return f'"{escape}' + fixture_text[1:]
    if fixture_text.startswith("{ja: ") or fixture_text.startswith("[{ja: "):
        head, _, rest = fixture_text.partition("{ja: ")
        return f'{head}{{ja: "{escape}' + rest.replace(",", '",', 1).replace("}", '"}', 1)
    return f'"{escape}{fixture_text}"'


@pytest.mark.parametrize("control", CONTROLS, ids=list(CONTROLS))
@pytest.mark.parametrize("field", ONE_LINE_FIELDS, ids=[f"{f[0]}:{f[2]}" for f in ONE_LINE_FIELDS])
def test_a_control_character_in_a_one_line_text_is_refused(
    minimal: Path, field: tuple, control: str
) -> None:
    name, text, where, place = field
    escape, message = CONTROLS[control]
    path = minimal / "phases" / name
    edit(path, text, _with_control(text, escape))
    assert problems(minimal) == [
        f"phases/{name}:{place}: {where}: {message} in the text: write it on one line, "
        "without control characters"
    ]


def test_a_line_break_in_a_summary_is_a_paragraph(minimal: Path) -> None:
    edit(
        minimal / "phases" / "run.yml",
        "summary: 日々の運用です。",
        'summary: "一段落目。\\n二段落目。"',
    )
    assert load(minimal).phases[1].phase.summary == {"*": "一段落目。\n二段落目。"}


@pytest.mark.parametrize(
    ("escape", "code"), [("\\r", "line break U+000D"), ("\\e", "control character U+001B")]
)
def test_a_summary_refuses_other_control_characters(minimal: Path, escape: str, code: str) -> None:
    edit(
        minimal / "phases" / "run.yml",
        "summary: 日々の運用です。",
        f'summary: "日々{escape}の運用"',
    )
    assert problems(minimal) == [
        f"phases/run.yml:3:10: summary: {code} in the text: delete it (line breaks are fine here)"
    ]


# -- characters YAML itself refuses ---------------------------------------------------------


@pytest.mark.parametrize(
    ("char", "column"), [("\x00", 10), ("\x07", 10), ("\x1b", 10), ("\x7f", 10), ("\x0b", 10)]
)
def test_a_raw_control_character_is_located(minimal: Path, char: str, column: int) -> None:
    edit(minimal / "phases" / "run.yml", "summary: 日々", f"summary: {char}日々")
    code = f"U+{ord(char):04X}"
    assert problems(minimal) == [
        f"phases/run.yml:3:{column}: invisible control character {code}: delete it "
        "(retype the text around it)"
    ]


# -- values that overflow, nest or repeat ---------------------------------------------------


@pytest.mark.parametrize(
    ("value", "column"), [("America", 13), ("../../etc/passwd", 13), ("Asia", 13)]
)
def test_a_time_zone_that_is_a_folder_or_a_path(minimal: Path, value: str, column: int) -> None:
    edit(minimal / "phases" / "lifecycle.yml", "timezone: Asia/Tokyo", f"timezone: {value}")
    assert problems(minimal) == [
        f"phases/lifecycle.yml:6:{column}: portal.timezone: unknown time zone '{value}' "
        "(use an IANA name such as Asia/Tokyo)"
    ]


@pytest.mark.parametrize(
    "starts",
    [
        "9999-12-31T23:00:00+09:00",
        "0001-01-01T00:00:00-09:00",
        "1999-12-31T00:00:00+09:00",
        "2200-01-01T00:00:00+00:00",
    ],
)
def test_a_session_in_a_year_no_session_takes_place(minimal: Path, starts: str) -> None:
    edit(minimal / "phases" / "start.yml", "2026-06-03T10:00:00+09:00", starts)
    found = problems(minimal)
    assert found == [
        f"phases/start.yml:26:17: programs[1].sessions[1].starts: {starts} is out of range "
        "(a session takes place between 2000 and 2199)"
    ]


def test_the_same_session_twice(minimal: Path) -> None:
    edit(minimal / "phases" / "start.yml", "2026-06-03T10:00:00+09:00", "2026-12-03T10:00:00+09:00")
    edit(minimal / "phases" / "start.yml", "language: en", "language: ja")
    assert problems(minimal) == [
        "phases/start.yml:26:17: programs[1].sessions[1].starts: the same ja session as the "
        "one at line 23 (the same moment, perhaps with another UTC offset or from a repeat): "
        "delete one"
    ]


def test_the_same_instant_in_another_language_is_two_sessions(minimal: Path) -> None:
    edit(minimal / "phases" / "start.yml", "2026-06-03T10:00:00+09:00", "2026-12-03T10:00:00+09:00")
    load(minimal)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("yes", "expected a whole number, got true"),
        ("true", "expected a whole number, got true"),
        ('"60"', "expected a whole number, got '60'"),
        ("60.0", "expected a whole number, got float 60.0"),
        ("0", "0 is out of range (must be greater than 0)"),
        ("1441", "1441 is out of range (must be at most 1440)"),
    ],
)
def test_duration_must_be_a_number_of_minutes(minimal: Path, value: str, message: str) -> None:
    edit(minimal / "phases" / "run.yml", "duration_minutes: 8", f"duration_minutes: {value}")
    assert problems(minimal) == [f"phases/run.yml:10:23: programs[0].duration_minutes: {message}"]


@pytest.mark.parametrize(("value", "got"), [("1", "int 1"), ('"yes"', "'yes'"), ("0", "int 0")])
def test_paid_must_be_true_or_false(minimal: Path, value: str, got: str) -> None:
    edit(minimal / "phases" / "lifecycle.yml", "paid: false", f"paid: {value}")
    assert problems(minimal) == [
        f"phases/lifecycle.yml:17:11: tiers[0].paid: expected true or false, got {got}"
    ]


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("x: " + "[" * 100_000, "1:1003"),
        ("id: run\ntasks: " + "[" * 1000 + "a" + "]" * 1000, "2:1007"),
        ("id: run\n" + "".join(" " * i + f"k{i}:\n" for i in range(1000)) + "  v", "1001:1004"),
    ],
    ids=["100,000 brackets", "1,000 nested lists", "1,000 nested mappings"],
)
def test_nesting_deeper_than_yaml_allows(minimal: Path, text: str, place: str) -> None:
    (minimal / "phases" / "run.yml").write_text(text, encoding="utf-8")
    assert problems(minimal) == [
        f"phases/run.yml:{place}: nested more than 50 levels deep: check the indentation "
        "and the brackets"
    ]


def test_a_hundred_nested_lists(minimal: Path) -> None:
    (minimal / "phases" / "run.yml").write_text(
        "id: run\ntasks: " + "[" * 100 + "a" + "]" * 100, encoding="utf-8"
    )
    assert problems(minimal) == [
        "phases/run.yml:2:58: tasks[0][0]: nested more than 50 levels deep: check the "
        "indentation and the brackets"
    ]


def _chain(n: int, cycle: bool) -> str:
    lines = ["id: run", "name: 運用", "summary: 長い前提の鎖", "programs:"]
    for i in range(n):
        prerequisite = f"acc-{i + 1}" if i + 1 < n else ("acc-0" if cycle else "video-x")
        lines += [
            f"  - id: acc-{i}",
            "    kind: accelerator",
            f"    title: 第{i}回",
            "    tier: premier",
            "    duration_minutes: 30",
            "    request: mailto:cs@example.com",
            f"    prerequisites: [{prerequisite}]",
        ]
    lines += [
        "  - id: video-x",
        "    kind: video",
        "    title: 動画",
        "    tier: free",
        "    url: https://example.com/v",
        "    duration_minutes: 5",
    ]
    return "\n".join(lines) + "\n"


def test_a_chain_of_1500_prerequisites_loads(minimal: Path) -> None:
    (minimal / "phases" / "run.yml").write_text(_chain(1500, cycle=False), encoding="utf-8")
    assert len(load(minimal).by_id) == 1504


def test_a_cycle_of_1500_prerequisites_is_one_problem(minimal: Path) -> None:
    (minimal / "phases" / "run.yml").write_text(_chain(1500, cycle=True), encoding="utf-8")
    found = problems(minimal)
    assert len(found) == 1 and found[0].startswith("phases/run.yml:11:20: programs[0].prereq")
    assert "prerequisite cycle: acc-0 → acc-1 → acc-2" in found[0]


@pytest.mark.parametrize("page", ["./guides/hello.md", "guides//hello.md", "guides/./hello.md"])
def test_a_guide_path_written_another_way_is_the_same_page(minimal: Path, page: str) -> None:
    edit(minimal / "phases" / "start.yml", "page: guides/hello.md", f"page: {page}")
    assert list(load(minimal).guides) == ["guides/hello.md"]


@pytest.mark.parametrize("page", ["../outside.md", "/etc/passwd.md", "guides\\hello.md"])
def test_a_guide_path_outside_content(minimal: Path, page: str) -> None:
    edit(minimal / "phases" / "start.yml", "page: guides/hello.md", f"page: '{page}'")
    assert problems(minimal) == [
        f"phases/start.yml:13:11: programs[0].page: page '{page}' must be a path inside "
        "content/ (e.g. guides/setup.md)"
    ]


# -- the build clock ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["abc", "-1", "1e9", "99999999999999999999", "١٢٣", "1796083200.5", "0x10"]
)
def test_a_garbage_source_date_epoch(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    with pytest.raises(ContentError) as caught:
        build_time()
    assert str(caught.value.problems[0]) == (
        f"SOURCE_DATE_EPOCH: {value!a} is not a number of seconds since 1970 up to 2199 "
        "(e.g. $(git log -1 --format=%ct)), or unset it"
    )


@pytest.mark.parametrize(
    ("value", "year"), [("", None), ("  ", None), ("0", 1970), (" 1796083200 ", 2026)]
)
def test_a_usable_source_date_epoch(monkeypatch: pytest.MonkeyPatch, value: str, year) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    assert build_time().year == (year or datetime.now(UTC).year)


@pytest.mark.parametrize("control", CONTROLS, ids=list(CONTROLS))
@pytest.mark.parametrize(
    ("added", "where", "place"),
    [
        ('    price: "無料{c}x"\n', "tiers[0].price", "18:12"),
        ('    includes: ["SLA{c}x"]\n', "tiers[0].includes[0]", "18:16"),
    ],
)
def test_a_control_character_in_a_tier_price_or_include_is_refused(
    minimal: Path, added: str, where: str, place: str, control: str
) -> None:
    escape, message = CONTROLS[control]
    edit(
        minimal / "phases" / "lifecycle.yml",
        "    paid: false\n",
        "    paid: false\n" + added.format(c=escape),
    )
    assert problems(minimal) == [
        f"phases/lifecycle.yml:{place}: {where}: {message} in the text: write it on one "
        "line, without control characters"
    ]
