"""/plan/: the customer builds its own success plan in the browser, from the same data the
`phasebook plan` command dates (generator/feeds/plan.py), embedded in the page as JSON."""

from __future__ import annotations

import json

from markupsafe import Markup

from generator.feeds import plan as p
from generator.i18n import words
from generator.i18n.words import W_
from generator.site.render.base import RendererBase
from generator.source.urls import PLAN, PLAN_SCRIPT, PLANS, page_url, relative_url

# What the page's script says, in the page's language: the script holds no words itself.
WORDS = {
    "default": W_("Default plan: every phase of the lifecycle"),
    "overdue": W_("Overdue"),
    "done": W_("Done"),
    "helps": W_("What helps now"),
    "request": W_("Request"),
    "recommended": W_("Recommended"),
    "sessions": W_("Sessions before this date"),
    "target": W_("Target"),
    "phase_done": W_("Phase checklist complete"),
    "start": W_("Start"),
    "go_live": W_("Go-live"),
    "as_of": W_("As of"),
    "goal": W_("Our outcome"),
    "copied": W_("Link copied"),
    "copy_failed": W_("Copy the link from the box below"),
    "bad_date": W_("Enter a date that exists, between {0} and {1}, like 2027-01-15."),
    "bad_link": W_(
        "This plan link cannot be read (it is damaged or cut off). "
        "Choose a template to start again."
    ),
    "old_link": W_(
        "This plan link comes from another version of the portal. Choose a template to start again."
    ),
    "gone": W_(
        "The template of this plan link no longer exists. Choose a template to start again."
    ),
    "too_long": W_(
        "This plan link is too long to open (over 8 KB). Choose a template to start again."
    ),
    "mail_subject": W_("Our success plan"),
    "mail_intro": W_("Here is our success plan. Open the link to see what is done:"),
    "request_subject": W_("Request: {0}"),
    "request_body": W_("Company: {0}\nOutcome: {1}\nMilestone: {2} (due {3})"),
    "plans_page": W_("What the plans include"),
    "beside": W_("{0} ({1})"),  # a session's time in the visitor's zone, the portal's beside
}


def plan_page(r: RendererBase) -> str:
    """The form, an empty plan the script fills in, and the data it computes from."""
    here = page_url(PLAN, r.directory_urls)
    link = lambda src: relative_url(page_url(src, r.directory_urls), here)  # noqa: E731
    data = p.plan_data(r.portal, r.lang, link, r.keep)
    data["words"] = {key: words.gettext(r.lang, text) for key, text in WORDS.items()}
    data["plans_page"] = link(PLANS)
    return r.render(
        "plan.md.j2",
        src=PLAN,
        templates=data["templates"],
        data=_script_json(r, data),
        script=relative_url(PLAN_SCRIPT, here),
        years=data["years"],
        page_title=words.gettext(r.lang, "Your success plan"),
    )


def _script_json(r: RendererBase, data: dict) -> Markup:
    """The data as JSON safe inside <script>: no '<', '>' or '&' can end the element or start
    markup. Its phases and programs, nine tenths of it (4 MB at 10,000 programs), are
    written per phase and kept by the preview while the phase's programs stay the same."""
    split = ("phases", "programs")
    rest = _safe(_json({k: v for k, v in data.items() if k not in split}))

    def phase_part(phase: str, ids: list[str]) -> tuple[str, str]:
        return r.keep(lambda: _phase_json(data, phase, ids), f"plan json {r.lang}", ids, phase)

    parts = [phase_part(v.phase.id, [p.id for p in v.phase.programs]) for v in r.portal.phases]
    phases, programs = (",".join(part[n] for part in parts if part[n]) for n in (0, 1))
    return Markup(f'{rest[:-1]},"phases":{{{phases}}},"programs":{{{programs}}}}}')


def _phase_json(data: dict, phase: str, programs: list[str]) -> tuple[str, str]:
    """A phase's entry of `phases` and its programs' of `programs`, as members of them."""
    entry = _safe(_json({phase: data["phases"][phase]}))[1:-1]
    listed = _safe(_json({pid: data["programs"][pid] for pid in programs}))[1:-1]
    return entry, listed


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _safe(text: str) -> str:
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, code)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
