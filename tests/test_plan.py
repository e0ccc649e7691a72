"""Success plans from the example portal: the dated plan an account team prints with
`phasebook plan`, and the rules the /plan/ page repeats in the browser."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import icalendar
import pytest

from generator.feeds import plan as p
from generator.site.pages import keeper
from generator.site.render import Renderer
from generator.source.memo import Memo
from generator.source.urls import PLAN, page_url, relative_url
from tests.helpers import ROOT, load, phasebook

NOW = datetime(2027, 2, 10, tzinfo=UTC)


@pytest.fixture(scope="module")
def data() -> dict:
    return p.plan_data(load(ROOT), "en")


def dated(data: dict, template: str | None, **kwargs) -> dict:
    kwargs.setdefault("now", NOW)
    if "go_live" not in kwargs:
        kwargs.setdefault("start", date(2027, 1, 15))
    return p.compute(data, template, **kwargs)


def test_a_template_dates_its_milestones_from_the_start(data: dict) -> None:
    plan = dated(data, "onboarding-90")
    first = plan["milestones"][0]
    assert (first["date"], first["phase"], first["criterion"]) == ("2027-01-20", "prep", 1)
    assert first["programs"] == ["atx-prep-value", "guide-getting-started"]
    assert plan["go_live"] == "2027-03-16"  # 14 days of prep + 46 of implement
    assert plan["end"] == "2027-04-15"
    assert [m["date"] for m in plan["milestones"]] == sorted(m["date"] for m in plan["milestones"])


def test_a_go_live_date_counts_back_to_the_same_plan(data: dict) -> None:
    forward = dated(data, "premier-rollout")
    back = dated(data, "premier-rollout", go_live=date.fromisoformat(forward["go_live"]))
    assert back == forward


def test_the_default_plan_has_one_milestone_per_exit_criterion(data: dict) -> None:
    portal = load(ROOT)
    plan = dated(data, None)
    assert plan["template"] is None
    criteria = [
        (v.phase.id, i + 1) for v in portal.phases for i in range(len(v.phase.exit_criteria))
    ]
    assert [(m["phase"], m["criterion"]) for m in plan["milestones"]] == criteria
    # every phase 30 days (the example sets no typical_days); prep's three criteria spread
    assert [m["day"] for m in plan["milestones"][:4]] == [10, 20, 30, 40]


def test_free_programs_come_first_and_paid_ones_keep_their_tier(data: dict) -> None:
    plan = dated(data, "premier-rollout")
    design = next(m for m in plan["milestones"] if m["id"] == "implement-2")
    assert design["programs"] == ["guide-sso-setup", "acc-implement-design-review"]
    assert data["programs"]["acc-implement-design-review"]["tier"] == "standard"


def test_overdue_milestones_say_what_helps_now_and_ticks_clear_them(data: dict) -> None:
    plan = dated(data, "onboarding-90", now=datetime(2027, 1, 25, tzinfo=UTC))
    overdue = [m["id"] for m in plan["milestones"] if m["overdue"]]
    assert overdue == ["prep-1", "prep-2"]
    helps = plan["milestones"][0]["help"]
    assert helps[:3] == ["guide-getting-started", "guide-admin-accounts", "video-first-login"]
    key = plan["milestones"][0]["key"]
    ticked = dated(
        data,
        "onboarding-90",
        now=datetime(2027, 1, 25, tzinfo=UTC),
        done=frozenset({f"prep:{key}"}),
    )
    assert [m["id"] for m in ticked["milestones"] if m["overdue"]] == ["prep-2"]
    assert ticked["milestones"][0]["done"] is True


def test_the_visitors_clock_is_read_in_the_portals_time_zone(data: dict) -> None:
    # 2027-01-20 15:30 UTC is already the 21st in Tokyo: the milestone of the 20th is past.
    late = dated(data, "onboarding-90", now=datetime(2027, 1, 20, 15, 30, tzinfo=UTC))
    assert late["today"] == "2027-01-21"
    assert late["milestones"][0]["overdue"] is True


def test_sessions_fall_before_the_milestone_and_are_not_over(data: dict) -> None:
    early = p.compute(data, None, start=date(2026, 12, 1), now=datetime(2026, 12, 1, tzinfo=UTC))
    listed = [s for m in early["milestones"] for s in m["sessions"]]
    assert listed, "the example's sessions in December and January precede some milestone"
    sessions = {s["id"]: s for ph in data["phases"].values() for s in ph["sessions"]}
    for milestone in early["milestones"]:
        assert len(milestone["sessions"]) <= p.MAX_SESSIONS
        for sid in milestone["sessions"]:
            assert sessions[sid]["date"] < milestone["date"]
            assert sessions[sid]["language"] == "en"
    assert len(listed) == len(set(listed)), "each session under one milestone only"


def test_cli_json_holds_dates_phases_criteria_and_programs(tmp_path) -> None:
    result = phasebook(
        ROOT,
        "plan",
        "onboarding-90",
        "--start",
        "2027-01-15",
        "--format",
        "json",
        "--lang",
        "en",
        "--now",
        "2027-02-10T09:00+09:00",
    )
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["milestones"][0] == {
        **plan["milestones"][0],
        "date": "2027-01-20",
        "phase": "prep",
        "criterion": 1,
        "programs": ["atx-prep-value", "guide-getting-started"],
        "overdue": True,
    }
    assert plan["milestones"][0]["text"].startswith("Purpose and measurable goals")


def test_cli_markdown_names_customer_goal_and_overdue_milestones() -> None:
    result = phasebook(
        ROOT,
        "plan",
        "--go-live",
        "2027-05-01",
        "--customer",
        "Acme | Ltd",
        "--goal",
        "Halve the order time",
        "--lang",
        "en",
        "--now",
        "2027-06-01T00:00+09:00",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# Acme | Ltd: Success plan\n")
    assert "Our outcome: Halve the order time" in result.stdout
    assert "**Overdue**" in result.stdout
    assert "Acme \\| Ltd" not in result.stdout.splitlines()[0]


def test_cli_url_is_absolute_with_site_url_and_a_path_without(tmp_path) -> None:
    args = ("plan", "onboarding-90", "--start", "2027-01-15", "--format", "url")
    result = phasebook(ROOT, *args, "--lang", "en", "--customer", "A&B")
    assert result.stdout.strip() == (
        "https://success.miraicloud.example/en/plan/#plan=1&t=onboarding-90&start=2027-01-15&c=A%26B"
    )
    project = tmp_path / "p"
    for name in ("phases", "content"):
        shutil.copytree(ROOT / name, project / name)
    result = phasebook(project, *args)
    assert result.stdout.strip() == "/plan/#plan=1&t=onboarding-90&start=2027-01-15"


def test_cli_ics_has_one_all_day_event_per_milestone_with_stable_uids() -> None:
    def events(start: str) -> list:
        result = phasebook(ROOT, "plan", "premier-rollout", "--start", start, "--format", "ics")
        assert result.returncode == 0, result.stderr
        return icalendar.Calendar.from_ical(result.stdout).walk("VEVENT")

    first, moved = events("2027-01-15"), events("2027-03-01")
    assert len(first) == 14  # 3 + 3 + 2 (use, spread) + 2 + 2 + 2
    assert all(isinstance(e.decoded("dtstart"), date) for e in first)
    assert not any(isinstance(e.decoded("dtstart"), datetime) for e in first)
    assert [str(e["uid"]) for e in first] == [str(e["uid"]) for e in moved]
    assert len({str(e["uid"]) for e in first}) == 14


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--start", "2027-02-30"), "--start '2027-02-30': not a date between 2000 and 2199"),
        (("--start", "1999-12-31"), "not a date between 2000 and 2199"),
        (("--go-live", "27-1-5"), "--go-live '27-1-5': not a date"),
        ((), "give either --start DATE or --go-live DATE"),
        (("--start", "2027-01-01", "--go-live", "2027-02-01"), "give either --start"),
        (
            ("nope", "--start", "2027-01-01"),
            "unknown plan template 'nope' (templates: onboarding-90, premier-rollout",
        ),
        (("--start", "2027-01-01", "--lang", "fr"), "--lang 'fr': the portal's languages are"),
        (("--start", "2027-01-01", "--now", "tomorrow"), "--now 'tomorrow': write a date and time"),
    ],
)
def test_cli_refuses_bad_input_without_a_traceback(args: tuple, said: str) -> None:
    result = phasebook(ROOT, "plan", *args)
    assert result.returncode == 2, result.stderr
    assert said in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_the_catalog_carries_the_templates(data: dict) -> None:
    from generator.feeds.catalog import VERSION, catalog

    out = catalog(load(ROOT), None)
    assert VERSION == "1.1"
    assert [t.id for t in out.plans] == ["onboarding-90", "premier-rollout"]
    premier = out.plans[1]
    assert premier.tier == "premier" and premier.go_live == 60
    assert premier.name["en"] == "Premier rollout with accelerators"
    assert premier.milestones[0].programs == ["atx-prep-value"]


def test_the_plan_page_embeds_the_data_the_cli_dates_from_through_preview_saves(
    tmp_path: Path,
) -> None:
    """/plan/'s data is written per phase and kept by the preview between saves: after a
    program's title changed and changed back, the page holds what plan_data gives, in
    both languages, and nothing in it can end the <script> element."""
    shutil.copytree(ROOT / "phases", tmp_path / "phases")
    shutil.copytree(ROOT / "content", tmp_path / "content")
    source = tmp_path / "phases" / "prep.yml"
    text = source.read_text(encoding="utf-8")
    written = "title: {ja: 導入効果とプロジェクト計画,"
    assert written in text
    memo = Memo()
    for title in ("導入効果とプロジェクト計画", "<計画 & 効果>", "導入効果とプロジェクト計画"):
        source.write_text(text.replace(written, f'title: {{ja: "{title}",'), encoding="utf-8")
        portal = load(tmp_path)
        for lang in ("ja", "en"):
            renderer = Renderer(portal, lang=lang)
            renderer.keep = keeper(portal, renderer, None, True, memo)
            page = renderer.plan_page()
            embedded = page.split('id="pb-plan-data">', 1)[1].split("</script>", 1)[0]
            assert "<" not in embedded and ">" not in embedded and "&" not in embedded
            data = json.loads(embedded)
            link = lambda src: relative_url(page_url(src), page_url(PLAN))  # noqa: E731
            expected = p.plan_data(portal, lang, link)
            assert {k: v for k, v in data.items() if k not in ("words", "plans_page")} == expected
            assert data["programs"]["atx-prep-value"]["title"] == portal.title(
                portal.program("atx-prep-value")[1], lang
            )
        memo.sweep()
