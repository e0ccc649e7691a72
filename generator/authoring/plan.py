"""`phasebook plan`: a customer's success plan for the account team, as Markdown, JSON, an
.ics file or the link that opens it on the portal's /plan/ page.

The plan itself is computed by generator/feeds/plan.py, the same function (and data) the
page's script repeats in the browser; this module reads the options and writes the result.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import click
from icalendar import Calendar, Event

from generator.build.outputs import layout
from generator.build.project import CommandError, open_portal, refuse_other_languages
from generator.feeds import plan as p
from generator.i18n import words
from generator.i18n.messages import tr
from generator.i18n.words import W_
from generator.source import model as m
from generator.source.urls import absolute_url, language_prefix, site_path

FORMATS = ("markdown", "ics", "json", "url")
PLAN_PAGE = "plan/"  # the page's URL below a language's root (generator/source/urls.py)


def parse_day(value: str, option: str) -> date:
    """A date as the customer types it on the page: YYYY-MM-DD that exists, in the years a
    plan may take place in (the page refuses the same)."""
    try:
        day = date.fromisoformat(value.strip())
        ok = len(value.strip()) == 10 and m.FIRST_YEAR <= day.year <= m.LAST_YEAR
    except ValueError:
        ok = False
    if not ok:
        raise CommandError(
            tr(
                "{option} {value}: not a date between {first} and {last} (write it like 2027-01-15)"
            ).format(option=option, value=repr(value), first=m.FIRST_YEAR, last=m.LAST_YEAR),
            2,
        )
    return day


def parse_now(value: str | None) -> datetime:
    """The clock the plan is read at: now, or a moment given with its offset (for an "as of"
    plan, and for tests that compare the browser's plan at the same clock)."""
    if value is None:
        return datetime.now(UTC)
    try:
        found = datetime.fromisoformat(value)
    except ValueError:
        found = None
    if found is None or found.tzinfo is None:
        raise CommandError(
            tr(
                "--now {value}: write a date and time with its offset, like 2027-02-01T09:00+09:00"
            ).format(value=repr(value)),
            2,
        )
    return found


def make_plan(
    project: Path,
    template: str | None,
    *,
    start: str | None,
    go_live: str | None,
    customer: str = "",
    goal: str = "",
    lang: str | None = None,
    now: str | None = None,
) -> tuple[m.Portal, dict]:
    """The portal at `project` and the dated plan, as the JSON the page computes too."""
    if (start is None) == (go_live is None):
        raise CommandError(tr("give either --start DATE or --go-live DATE"), 2)
    first = parse_day(start, "--start") if start else None
    last = parse_day(go_live, "--go-live") if go_live else None
    clock = parse_now(now)
    where = layout(project)
    portal = open_portal(project, where.phases_dir, where.docs_dir)
    lang = lang or portal.language
    refuse_other_languages([lang], portal.info.languages)
    data = p.plan_data(portal, lang)
    if p.template_of(data, template) is None:
        known = ", ".join(t.id for t in portal.plans) or tr("none: phases/plans.yml has none")
        raise CommandError(
            tr(
                "unknown plan template '{id}' (templates: {known}; leave it out for the default "
                "plan)"
            ).format(id=template, known=known),
            2,
        )
    found = p.compute(
        data, template, start=first, go_live=last, customer=customer, goal=goal, now=clock
    )
    p.PlannedPlan.model_validate(found)  # the shape the catalog's schema documents
    return portal, found


def render(portal: m.Portal, plan: dict, form: str, project: Path) -> str:
    """The plan in the chosen format, as text for stdout."""
    if form == "json":
        return json.dumps(plan, ensure_ascii=False, indent=1)
    if form == "url":
        return plan_url(portal, plan, project)
    if form == "ics":
        return plan_ics(portal, plan).decode("utf-8")
    return plan_markdown(portal, plan)


def plan_url(portal: m.Portal, plan: dict, project: Path) -> str:
    """The link that opens this plan on the portal: absolute where mkdocs.yml has a
    site_url, else the site path (/plan/#… or /<lang>/plan/#…)."""
    site_url = _site_url(project)
    below = f"{language_prefix(plan['lang'], portal.info.languages)}{PLAN_PAGE}"
    fragment = p.fragment(
        plan["template"],
        start=date.fromisoformat(plan["start"]),
        customer=plan["customer"],
        goal=plan["goal"],
    )
    base = absolute_url(below, site_url) if site_url else f"{site_path(None)}/{below}"
    return f"{base}#{fragment}"


def _site_url(project: Path) -> str | None:
    # Here, not at the top: it brings the whole site's renderer, a third of a second.
    from generator.build.export import ConfigProblem, read_config

    try:
        given = read_config(project / "mkdocs.yml").get("site_url")
    except (ConfigProblem, OSError):
        return None
    return given if isinstance(given, str) and given.strip() else None


def plan_ics(portal: m.Portal, plan: dict) -> bytes:
    """One all-day event per milestone, with a UID that stays the same when the plan is
    moved to other dates, so that a calendar updates the event instead of adding one."""
    cal = Calendar()
    cal.add("prodid", "-//Phasebook//success plan//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _title(portal, plan))
    data = p.plan_data(portal, plan["lang"])
    stamp = datetime.fromisoformat(plan["today"]).replace(tzinfo=UTC)
    for milestone in plan["milestones"]:
        event = Event()
        event.add("uid", p.milestone_uid(plan["template"], milestone["id"]))
        event.add("dtstamp", stamp)
        day = date.fromisoformat(milestone["date"])
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        phase = data["phases"][milestone["phase"]]["name"]
        event.add("summary", f"{phase}: {milestone['text']}")
        event.add("description", _programs_line(data, milestone["programs"], plan["lang"]))
        cal.add_component(event)
    return cal.to_ical()


def _title(portal: m.Portal, plan: dict) -> str:
    lang = plan["lang"]
    name = plan["name"] or words.gettext(lang, W_("Success plan"))
    return f"{plan['customer']}: {name}" if plan["customer"] else name


def _programs_line(data: dict, ids: list[str], lang: str) -> str:
    """Recommended programs, free first, a paid one with its tier's name."""
    out = []
    for pid in ids:
        program = data["programs"][pid]
        tier = data["tiers"][program["tier"]]
        out.append(f"{program['title']} ({tier['name']})" if program["paid"] else program["title"])
    return words.join(out, lang)


# The Markdown plan's words, in the plan's language (the portal's catalog).
_WORDS = {
    "goal": W_("Our outcome"),
    "start": W_("Start"),
    "go_live": W_("Go-live"),
    "as_of": W_("As of"),
    "date": W_("Date"),
    "phase": W_("Phase"),
    "milestone": W_("Milestone"),
    "recommended": W_("Recommended"),
    "overdue": W_("Overdue"),
    "target": W_("Target"),
}


def plan_markdown(portal: m.Portal, plan: dict) -> str:
    """The plan as a Markdown table, to paste into an e-mail, a ticket or a CS platform."""
    lang = plan["lang"]
    w = {key: words.gettext(lang, text) for key, text in _WORDS.items()}
    data = p.plan_data(portal, lang)
    lines = [f"# {_title(portal, plan)}", ""]
    if plan["goal"]:
        lines += [f"{w['goal']}: {plan['goal']}", ""]
    lines += [
        f"{w['start']}: {plan['start']} · {w['go_live']}: {plan['go_live']} · "
        f"{w['as_of']}: {plan['today']}",
        "",
        f"| {w['date']} | {w['phase']} | {w['milestone']} | {w['recommended']} |",
        "|---|---|---|---|",
    ]
    for ms in plan["milestones"]:
        status = f" **{w['overdue']}**" if ms["overdue"] else (" ✓" if ms["done"] else "")
        target = f" ({w['target']}: {ms['target']})" if ms["target"] else ""
        cells = [
            ms["date"] + status,
            data["phases"][ms["phase"]]["name"],
            ms["text"] + target,
            _programs_line(data, ms["programs"], lang),
        ]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def command(cls: type[click.Command], directory_option) -> click.Command:
    """`phasebook plan`, built with the CLI's command class (its error handling, its help in
    the team's language) and its `-C DIR` option: registered by generator/cli.py."""

    @click.command("plan", cls=cls)
    @click.argument("template", required=False)
    @click.option("--start", help="The plan's first day (YYYY-MM-DD).")
    @click.option("--go-live", "go_live", help="The go-live date the plan counts back from.")
    @click.option("--customer", default="", help="The customer's company name.")
    @click.option("--goal", default="", help="The outcome the customer wants, in its own words.")
    @click.option("--lang", "plan_lang", help="The plan's language (default: the portal's first).")
    @click.option(
        "--format", "form", type=click.Choice(FORMATS), default="markdown", show_default=True
    )
    @click.option("--now", help="Read the plan at this moment (default: now), for 'as of' plans.")
    @directory_option
    def plan(template: str | None, form: str, plan_lang: str | None, **options: str) -> None:
        """A customer's dated success plan from TEMPLATE (without it, the default plan from
        the lifecycle): as Markdown, JSON, an .ics calendar, or the link that opens it on the
        portal's /plan/ page."""
        here = Path(".")
        portal, found = make_plan(here, template, lang=plan_lang, **options)  # type: ignore[arg-type]
        click.echo(render(portal, found, form, here))

    return plan
