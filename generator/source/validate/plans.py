"""What `phases/plans.yml` cannot tell by itself: that its phases, exit criteria, programs and
tiers exist, and that its milestones fall in order inside their phase."""

from __future__ import annotations

from collections.abc import Iterator

from generator.i18n.messages import tr
from generator.source import model as m
from generator.source.validate.phases import PhaseSource, checked_programs, raw_programs
from generator.source.yamlfile import YamlFile
from generator.text.errors import Problem


def check_plans(
    src: YamlFile, plans: m.PlansFile, lifecycle: m.Lifecycle, phases: list[PhaseSource]
) -> list[Problem]:
    """Every problem of the templates at once, each at the key or value to fix."""
    order = [pid for stage in lifecycle.stages for pid in stage.phases]
    models = {p.model.id: p.model for p in phases if p.model is not None}
    tiers = [t.id for t in lifecycle.tiers]
    programs = {program.id: program.tier for _, _, program in checked_programs(phases)}
    known = set(programs) | {str(pid) for _, _, pid in raw_programs(phases, "id")}
    context = _Context(src, order, models, tiers, programs, known)
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for ti, template in enumerate(plans.templates):
        at = ("templates", ti)
        if template.id in seen:
            problems.append(
                src.problem(
                    (*at, "id"),
                    tr("duplicate template id '{id}' (first at line {line})").format(
                        id=template.id, line=src.position(("templates", seen[template.id], "id"))[0]
                    ),
                )
            )
        seen.setdefault(template.id, ti)
        problems += context.template(at, template)
    return problems


class _Context:
    """What the checks of one file share: the lifecycle's order, phases, tiers and programs."""

    def __init__(self, src, order, models, tiers, programs, known) -> None:
        self.src: YamlFile = src
        self.order: list[str] = order
        self.models: dict[str, m.PhaseFile] = models
        self.tiers: list[str] = tiers
        self.programs: dict[str, str] = programs  # id → tier, of programs that passed
        self.known: set[str] = known

    def template(self, at: tuple, template: m.PlanTemplate) -> Iterator[Problem]:
        if template.tier is not None and template.tier not in self.tiers:
            yield self.src.problem(
                (*at, "tier"),
                tr("unknown tier '{tier}' (one of: {tiers})").format(
                    tier=template.tier, tiers=", ".join(self.tiers)
                ),
            )
        yield from self._phases(at, template)
        covered = [p.phase for p in template.phases]
        if template.go_live is not None and template.go_live not in covered:
            yield self.src.problem(
                (*at, "go_live"),
                tr("go_live '{phase}' is not one of this template's phases ({phases})").format(
                    phase=template.go_live, phases=", ".join(covered)
                ),
            )
        for pi, entry in enumerate(template.phases):
            for mi, milestone in enumerate(entry.milestones):
                where = (*at, "phases", pi, "milestones", mi)
                yield from self._programs(where, template, milestone)

    def _phases(self, at: tuple, template: m.PlanTemplate) -> Iterator[Problem]:
        """Phases known, once each, in lifecycle order; their milestones inside them."""
        last = -1
        for pi, entry in enumerate(template.phases):
            where = (*at, "phases", pi)
            if entry.phase not in self.order:
                yield self.src.problem(
                    (*where, "phase"),
                    tr("unknown phase '{phase}' (one of: {phases})").format(
                        phase=entry.phase, phases=", ".join(self.order)
                    ),
                )
                continue
            index = self.order.index(entry.phase)
            if index <= last:
                yield self.src.problem(
                    (*where, "phase"),
                    tr(
                        "phase '{phase}' is out of lifecycle order or listed twice: list the "
                        "phases in the order of the stages in lifecycle.yml ({phases})"
                    ).format(phase=entry.phase, phases=", ".join(self.order)),
                )
            last = max(last, index)
            model = self.models.get(entry.phase)
            if model is not None:
                yield from self._milestones(where, entry, model)

    def _milestones(self, at: tuple, entry: m.PlanPhase, phase: m.PhaseFile) -> Iterator[Problem]:
        length = entry.days or phase.typical_days or m.DEFAULT_DAYS
        previous, closed = 0, set()
        for mi, milestone in enumerate(entry.milestones):
            where = (*at, "milestones", mi)
            count = len(phase.exit_criteria)
            if milestone.criterion in closed:
                yield self.src.problem(
                    (*where, "criterion"),
                    tr("criterion {number} is closed twice in this phase: keep one").format(
                        number=milestone.criterion
                    ),
                )
            closed.add(milestone.criterion)
            if not 1 <= milestone.criterion <= count:
                message = (
                    tr("phase '{phase}' has no exit criteria: add them to its file first")
                    if not count
                    else tr(
                        "unknown criterion {number}: phase '{phase}' has exit criteria 1 to "
                        "{count}, numbered in the order its file lists them"
                    )
                )
                yield self.src.problem(
                    (*where, "criterion"),
                    message.format(number=milestone.criterion, phase=phase.id, count=count),
                )
            if milestone.day is None:
                continue
            yield from self._day(where, milestone.day, previous, length, entry)
            previous = max(previous, milestone.day)

    def _day(
        self, at: tuple, day: int, previous: int, length: int, entry: m.PlanPhase
    ) -> Iterator[Problem]:
        where = (*at, "day")
        if day < 0:
            yield self.src.problem(
                where,
                tr("day {day} is negative: count days from the start of the phase, from 0").format(
                    day=day
                ),
            )
        elif day < previous:
            yield self.src.problem(
                where,
                tr(
                    "day {day} comes before the previous milestone's day {previous}: list "
                    "milestones in the order they fall"
                ).format(day=day, previous=previous),
            )
        if day > length:
            how = "days" if entry.days else "typical_days"
            yield self.src.problem(
                where,
                tr(
                    "day {day} falls after the phase ends on day {length}, when the next phase "
                    "starts: move the milestone, or make the phase longer ({how}: {day} or more)"
                ).format(day=day, length=length, how=how),
            )

    def _programs(
        self, at: tuple, template: m.PlanTemplate, milestone: m.Milestone
    ) -> Iterator[Problem]:
        rank = self.tiers.index(template.tier) if template.tier in self.tiers else None
        for i, pid in enumerate(milestone.programs):
            where = (*at, "programs", i)
            if pid not in self.known:
                yield self.src.problem(
                    where, tr("unknown program '{id}' (no phase file defines it)").format(id=pid)
                )
                continue
            tier = self.programs.get(pid)
            if rank is None or tier not in self.tiers or template.upsell:
                continue
            if self.tiers.index(tier) > rank:
                yield self.src.problem(
                    where,
                    tr(
                        "program '{id}' needs the {needs} tier, above this template's {tier}: "
                        "recommend a program of {tier}, or write 'upsell: true' on the template "
                        "to recommend paid help on purpose"
                    ).format(id=pid, needs=tier, tier=template.tier),
                )
