"""Render the model into Markdown pages through Jinja2 templates a site may override.

Output is Markdown so that MkDocs resolves and checks every `.md` link and the theme styles
it. One module per kind of page (phase.py, catalogue.py, schedule.py, plans.py, home.py),
all rendering through base.py: its environment (environment.py), the helpers templates call
(helpers.py) and the escaping every `{{ }}` goes through (markup.py).
"""

from __future__ import annotations

from generator.site.render import (
    catalogue,
    home,
    phase,
    plan,
    plans,
    schedule,
    stage,
    whatsnew,
)
from generator.site.render.base import RendererBase
from generator.site.render.markup import escape, join_cjk_lines, yaml_string
from generator.site.render.nav import navigation
from generator.source import model as m

__all__ = [
    "ASSET",
    "REQUIRED_EXTENSIONS",
    "SCRIPT",
    "SEARCH_BOX",
    "Renderer",
    "escape",
    "join_cjk_lines",
    "navigation",
    "yaml_string",
]

# The generated Markdown uses heading ids ({#tasks}), Markdown inside HTML blocks and
# tables: the plugin adds these to every build, the export writes them into mkdocs.yml.
REQUIRED_EXTENSIONS = ("attr_list", "md_in_html", "tables")
ASSET = "assets/phasebook.css"
SCRIPT = "assets/phasebook.js"
# The search box's page side (a paste searched, the way on when nothing answers): on every
# page, whatever answers the box (search.js, or Material's own worker in an export).
SEARCH_BOX = "assets/search-box.js"


class Renderer(RendererBase):
    """Every page of one language's tree, each kind of page rendered by its own module."""

    def phase_page(self, view: m.PhaseView) -> str:
        return phase.phase_page(self, view)

    def stage_page(self, of: m.Stage) -> str:
        return stage.stage_page(self, of)

    def program_page(self, view: m.PhaseView, program: m.ProgramT) -> str:
        return phase.program_page(self, view, program)

    def home_page(self) -> str:
        return home.home_page(self)

    def schedule_files(self) -> list[tuple[str, str, bool]]:
        return schedule.schedule_files(self)

    def catalogue_files(self, kind: str) -> list[tuple[str, str, bool]]:
        return catalogue.catalogue_files(self, kind)

    def plans_page(self) -> str:
        return plans.plans_page(self)

    def plan_page(self) -> str:
        return plan.plan_page(self)

    def new_page(self, with_atom: bool) -> str:
        return whatsnew.new_page(self, with_atom)

    def subscribe_page(self, with_atom: bool) -> str:
        return whatsnew.subscribe_page(self, with_atom)
