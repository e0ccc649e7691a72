"""The loader reports every bad input with file, line, column and what to do instead."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.source.model import Atx
from tests.helpers import RUN, edit, load, problems


def write_run(root: Path, text: str) -> None:
    (root / "phases" / "run.yml").write_text(text, encoding="utf-8")


def test_the_minimal_portal_loads(minimal: Path) -> None:
    portal = load(minimal)
    assert [v.phase.id for v in portal.phases] == ["start", "run"]
    _, atx = portal.program("atx-start")
    assert isinstance(atx, Atx)
    assert [s.starts.isoformat() for s in portal.upcoming(atx)] == ["2026-12-03T01:00:00+00:00"]
    assert portal.title(portal.program("guide-hello")[1]) == "はじめてのログイン"
    assert portal.phases[0].next is portal.phases[1].phase


# Each case: what replaces run.yml, and the exact report line the author must see.
CASES = {
    "unknown tier": (
        RUN.replace("tier: free", "tier: gold"),
        "phases/run.yml:8:11: programs[0].tier: unknown tier 'gold' (known: free, premier)",
    ),
    "typo in a key": (
        RUN.replace("    title:", "    tittle:"),
        "phases/run.yml:7:5: programs[0].tittle: unknown key 'tittle' (did you mean 'title'?)",
    ),
    "missing required field": (
        RUN.replace("    title: {ja: 管理画面ツアー, en: Console tour}\n", ""),
        "phases/run.yml:5:5: programs[0].title: required field 'title' is missing (add it)",
    ),
    "http URL": (
        RUN.replace("https://example.com/video/tour", "http://example.com/video/tour"),
        "phases/run.yml:9:10: programs[0].url: 'http://example.com/video/tour' is not a valid "
        "https: URL",
    ),
    "javascript URL": (
        RUN.replace("https://example.com/video/tour", "javascript:alert(1)"),
        "phases/run.yml:9:10: programs[0].url: 'javascript:alert(1)' is not a valid https: URL",
    ),
    "unknown kind": (
        RUN.replace("kind: video", "kind: webinar"),
        "phases/run.yml:6:11: programs[0].kind: unknown kind 'webinar' "
        "(one of: atx, accelerator, guide, video)",
    ),
    "missing kind": (
        RUN.replace("    kind: video\n", ""),
        "phases/run.yml:5:5: programs[0].kind: 'kind' is missing "
        "(one of: atx, accelerator, guide, video)",
    ),
    "duplicate key": (
        RUN.replace("    tier: free\n", "    tier: free\n    tier: premier\n"),
        "phases/run.yml:9:5: programs[0].tier: duplicate key 'tier' (first at line 8): "
        "keep only one",
    ),
    "tab indentation": (
        RUN.replace("    kind: video", "\tkind: video"),
        "phases/run.yml:6:1: tab character: indent YAML with spaces, not tabs",
    ),
    "capital letters in an id": (
        RUN.replace("id: video-tour", "id: Video-Tour"),
        "phases/run.yml:5:9: programs[0].id: 'Video-Tour' is not a valid id (use lowercase "
        "letters, digits and '-', start with a letter or digit, at most 64 characters)",
    ),
    "path traversal in an id": (
        RUN.replace("id: video-tour", "id: ../x"),
        "phases/run.yml:5:9: programs[0].id: '../x' is not a valid id",
    ),
    "wrong type": (
        RUN.replace("duration_minutes: 8", "duration_minutes: eight"),
        "phases/run.yml:10:23: programs[0].duration_minutes: expected a whole number, got 'eight'",
    ),
    "level not in the list": (
        RUN.replace("    tier: free\n", "    tier: free\n    level: expert\n"),
        "phases/run.yml:9:12: programs[0].level: 'expert' is not allowed "
        "(one of: 'beginner', 'intermediate', 'advanced')",
    ),
    "language the portal does not speak": (
        RUN.replace("en: Console tour}", "fr: Visite}"),
        "phases/run.yml:7:26: programs[0].title.fr: language 'fr' is not one of the portal's "
        "(ja, en)",
    ),
    "text missing the first language": (
        RUN.replace("{ja: 管理画面ツアー, en: Console tour}", "{en: Console tour}"),
        "phases/run.yml:7:12: programs[0].title: no 'ja' text "
        "(the portal's first language is the fallback)",
    ),
    "tag that constructs an object": (
        RUN.replace("summary: 日々の運用です。", "summary: !!python/object/apply:os.system [ls]"),
        "phases/run.yml:3:10: summary: YAML tag 'tag:yaml.org,2002:python/object/apply:os.system'"
        " is not allowed (write plain values)",
    ),
    "syntax error": (
        RUN.replace("{ja: 運用, en: Run}", "{ja: 運用, en: Run"),
        "phases/run.yml:3:8: YAML syntax error:",
    ),
    "empty file": ("# nothing yet\n", "phases/run.yml:1:1: file is empty"),
    "top level is a list": ("- id: run\n", "phases/run.yml:1:1: expected a mapping of keys"),
    "top level is null": ("null\n", "phases/run.yml:1:1: expected a mapping of keys"),
    "id differs from the file name": (
        RUN.replace("id: run", "id: operate"),
        "phases/run.yml:1:5: id: id 'operate' does not match the file name 'run.yml' "
        "(rename the file or change the id)",
    ),
    "duplicate program id in another file": (
        RUN.replace("id: video-tour", "id: atx-start"),
        # Files are read in name order, so run.yml comes first.
        "phases/start.yml:14:9: programs[1].id: duplicate program id 'atx-start' "
        "(first at phases/run.yml:5:9)",
    ),
    "merge key": (
        RUN.replace("    tier: free\n", "    <<: {tier: free}\n"),
        "phases/run.yml:8:5: programs[0]: merge keys (<<) are not supported",
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_bad_phase_file_is_reported_precisely(minimal: Path, case: str) -> None:
    text, expected = CASES[case]
    write_run(minimal, text)
    found = problems(minimal)
    assert any(line.startswith(expected) for line in found), found


def test_vendor_extension_keys_are_allowed(minimal: Path) -> None:
    write_run(minimal, RUN.replace("    tier: free\n", "    tier: free\n    x-crm-id: 42\n"))
    assert load(minimal).program("video-tour")[1].tier == "free"


def test_datetime_without_offset(minimal: Path) -> None:
    edit(minimal / "phases" / "start.yml", "2026-12-03T01:00:00+00:00", "2026-12-03T10:00")
    assert (
        "phases/start.yml:23:17: programs[1].sessions[0].starts: date and time has no UTC offset "
        "(write it like 2026-12-03T10:00:00+09:00)"
    ) in problems(minimal)


def test_non_utf8_file(minimal: Path) -> None:
    (minimal / "phases" / "run.yml").write_bytes(RUN.encode("utf-8") + b"note: \xff\xfe\n")
    assert problems(minimal) == [
        "phases/run.yml:11:7: not UTF-8 (byte 0xff): save the file as UTF-8"
    ]


def test_phase_file_not_listed_in_any_stage(minimal: Path) -> None:
    write_run(minimal, RUN)
    (minimal / "phases" / "extra.yml").write_text(
        RUN.replace("id: run", "id: extra").replace("video-tour", "video-extra"), encoding="utf-8"
    )
    assert problems(minimal) == [
        "phases/extra.yml:1:5: id: phase 'extra' is not listed in any stage "
        "(add it to a stage's phases in phases/lifecycle.yml)"
    ]


def test_stage_lists_a_phase_without_file(minimal: Path) -> None:
    (minimal / "phases" / "run.yml").unlink()
    assert problems(minimal) == [
        "phases/lifecycle.yml:13:14: stages[1].phases[0]: no file for phase 'run' "
        "(create phases/run.yml, or remove the id from this stage)"
    ]


def test_unknown_prerequisite_suggests_the_closest_id(minimal: Path) -> None:
    edit(minimal / "phases" / "start.yml", "[atx-start]", "[atx-strat]")
    assert problems(minimal) == [
        "phases/start.yml:33:21: programs[2].prerequisites[0]: unknown program 'atx-strat' "
        "(did you mean 'atx-start'?)"
    ]


def test_prerequisite_cycle(minimal: Path) -> None:
    write_run(
        minimal,
        RUN
        + """\
  - id: acc-a
    kind: accelerator
    title: A
    tier: premier
    duration_minutes: 60
    prerequisites: [acc-b]
    request: mailto:cs@example.com
  - id: acc-b
    kind: accelerator
    title: B
    tier: premier
    duration_minutes: 60
    prerequisites: [acc-a]
    request: mailto:cs@example.com
""",
    )
    assert problems(minimal) == [
        "phases/run.yml:16:20: programs[1].prerequisites: prerequisite cycle: "
        "acc-a → acc-b → acc-a (remove one of these links)"
    ]


@pytest.mark.parametrize(
    ("page", "message"),
    [
        ("guides/nope.md", "page 'guides/nope.md' does not exist (create content/guides/nope.md)"),
        (
            "../../etc/passwd.md",
            "page '../../etc/passwd.md' must be a path inside content/ (e.g. guides/setup.md)",
        ),
        ("guides/hello.txt", "page 'guides/hello.txt' must be a Markdown file (.md)"),
    ],
)
def test_guide_page_must_exist_inside_content(minimal: Path, page: str, message: str) -> None:
    edit(minimal / "phases" / "start.yml", "page: guides/hello.md", f"page: {page}")
    assert problems(minimal) == [f"phases/start.yml:13:11: programs[0].page: {message}"]


def test_unknown_time_zone(minimal: Path) -> None:
    edit(minimal / "phases" / "lifecycle.yml", "Asia/Tokyo", "Tokyo")
    assert problems(minimal) == [
        "phases/lifecycle.yml:6:13: portal.timezone: unknown time zone 'Tokyo' "
        "(use an IANA name such as Asia/Tokyo)"
    ]


def test_free_tier_after_a_paid_one(minimal: Path) -> None:
    lifecycle = minimal / "phases" / "lifecycle.yml"
    text = lifecycle.read_text(encoding="utf-8")
    text += "  - id: community\n    name: コミュニティ\n    paid: false\n    summary: 誰でも\n"
    lifecycle.write_text(text, encoding="utf-8")
    assert problems(minimal) == [
        "phases/lifecycle.yml:26:11: tiers[2].paid: free tier 'community' follows paid tier "
        "'premier': each tier includes the ones before it, so list free tiers first"
    ]


def test_session_language_the_portal_does_not_speak(minimal: Path) -> None:
    edit(minimal / "phases" / "start.yml", "language: en", "language: fr")
    assert problems(minimal) == [
        "phases/start.yml:27:19: programs[1].sessions[1].language: language 'fr' is not one "
        "of the portal's (ja, en)"
    ]


def test_every_problem_of_every_file_is_reported_at_once(minimal: Path) -> None:
    write_run(minimal, RUN.replace("tier: free", "tier: gold").replace("https:", "http:"))
    edit(minimal / "phases" / "lifecycle.yml", "paid: true", "paid: maybe")
    found = problems(minimal)
    assert [line.split(": ")[0] for line in found] == [
        "phases/lifecycle.yml:21:11",
        "phases/run.yml:9:10",
    ], found
    # The unknown tier is only known once the lifecycle loads; the URL is reported anyway.
    assert "expected true or false, got 'maybe'" in found[0]


def test_files_are_never_written(minimal: Path) -> None:
    before = {p: p.read_bytes() for p in minimal.rglob("*") if p.is_file()}
    load(minimal)
    write_run(minimal, RUN.replace("tier: free", "tier: gold"))
    before[minimal / "phases" / "run.yml"] = (minimal / "phases" / "run.yml").read_bytes()
    problems(minimal)
    after = {p: p.read_bytes() for p in minimal.rglob("*") if p.is_file()}
    assert after == before


def test_a_50_mb_file_is_refused_after_reading_only_5_mb(minimal: Path) -> None:
    with (minimal / "phases" / "run.yml").open("w", encoding="utf-8") as out:
        out.write(RUN)
        out.write(("# " + "x" * 1022 + "\n") * 50 * 1024)
    assert problems(minimal) == ["phases/run.yml:1:1: is larger than 5 MB: split it up"]


def test_an_alias_bomb_is_refused(minimal: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 8)]
    write_run(minimal, RUN + "experiences:\n" + "".join(f"  - {line}\n" for line in lines))
    found = problems(minimal)
    assert len(found) == 1 and found[0].startswith("phases/run.yml:12:38: experiences[5].")
    assert found[0].endswith(": too many values (aliases expanding?): simplify the file")
