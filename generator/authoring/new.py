"""`phasebook new stage|phase|program|plan`: a new part of the portal, as a person would add
it to the YAML (edit.py), with values that validate and say what to write."""

from __future__ import annotations

from pathlib import Path

import click
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from generator.authoring.edit import Project, ScaffoldError, block_list, editing, literal, one_line
from generator.authoring.names import as_yaml, names
from generator.build.project import say
from generator.i18n.messages import N_, tr, tr_in
from generator.source import model as m
from generator.source.load import LIFECYCLE, PLANS

SCHEMA_LINE = "# yaml-language-server: $schema=../schema/phase.schema.json\n"


def new_stage(root: Path, stage_id: str, name: tuple[str, ...]) -> list[str]:
    """A stage at the end of the lifecycle, with no phase yet (`new phase --stage` adds
    them). `name`: the `--name` values, one per language (names.py)."""
    _slug(stage_id, N_("stage"))
    with editing(root) as (project, portal):
        title = names(name, portal.info.languages) or {portal.language: stage_id}
        if any(s.id == stage_id for s in portal.lifecycle.stages):
            raise ScaffoldError(
                tr("stage '{id}' already exists: choose another id").format(id=stage_id)
            )
        path = project.phases / LIFECYCLE
        lifecycle = project.read(path)
        phases = CommentedSeq()
        phases.fa.set_flow_style()
        lifecycle["stages"].append(CommentedMap(id=stage_id, name=as_yaml(title), phases=phases))
        project.write(path, lifecycle)
        return project.written()


def _slug(value: str, what: str) -> None:
    if not m.SLUG.match(value):
        raise ScaffoldError(
            tr(
                "'{value}' is not a valid {what} id: use lowercase letters, digits and '-', "
                "starting with a letter or digit (it becomes part of URLs)"
            ).format(value=value, what=tr(what))
        )


def new_phase(root: Path, phase_id: str, name: tuple[str, ...], stage: str | None) -> list[str]:
    """`phases/<id>.yml`, listed at the end of `stage` (default: the last stage); its
    summary a placeholder in each language it is named in."""
    with editing(root) as (project, portal):
        stages = [s.id for s in portal.lifecycle.stages]
        stage = stage or stages[-1]
        if stage not in stages:
            raise ScaffoldError(
                tr("unknown stage '{id}' (known: {known})").format(
                    id=stage, known=", ".join(stages)
                )
            )
        if any(v.phase.id == phase_id for v in portal.phases):
            raise ScaffoldError(
                tr("phase '{id}' already exists: choose another id").format(id=phase_id)
            )
        title = names(name, portal.info.languages) or {portal.language: phase_id}
        summary = {
            g: tr_in(g, "Write here what customers achieve in {name}.").format(name=text)
            for g, text in title.items()
        }
        phase = CommentedMap(id=phase_id, name=as_yaml(title), summary=as_yaml(summary))
        project.create(
            project.phases / f"{phase_id}.yml",
            SCHEMA_LINE
            + project.dump(phase)
            + "# Still to write: tasks, exit_criteria, programs (phasebook report lists them).\n",
        )
        lifecycle_path = project.phases / LIFECYCLE
        lifecycle = project.read(lifecycle_path)
        entry = next(s for s in lifecycle["stages"] if s["id"] == stage)
        entry["phases"].append(phase_id)
        project.write(lifecycle_path, lifecycle)
        return project.written()


def new_program(
    root: Path,
    phase_id: str,
    program_id: str,
    kind: str,
    *,
    title: str | None = None,
    tier: str | None = None,
    url: str | None = None,
) -> list[str]:
    """Append a program of `kind` to a phase, with values that validate and say what to edit."""
    with editing(root) as (project, portal):
        view = next((v for v in portal.phases if v.phase.id == phase_id), None)
        if view is None:
            known = ", ".join(v.phase.id for v in portal.phases)
            raise ScaffoldError(
                tr("unknown phase '{id}' (known: {known})").format(id=phase_id, known=known)
            )
        if program_id in portal.by_id:
            file, line, _ = portal.located[program_id]
            raise ScaffoldError(
                tr("program '{id}' already exists ({place})").format(
                    id=program_id, place=f"{file}:{line}"
                )
            )
        item = {"id": program_id, "kind": kind, "tier": tier or _default_tier(portal, kind)}
        item |= _program_fields(project, portal, program_id, kind, title, url)
        path = root / view.source
        data = project.read(path)
        block_list(data, "programs").append(item)
        project.write(path, data)
        return project.written()


def _default_tier(portal: m.Portal, kind: str) -> str:
    """One-to-one help is what paid plans sell; everything else starts free."""
    tiers = portal.lifecycle.tiers
    if m.KIND_MODELS[kind].touch == "high":
        return next((t.id for t in tiers if t.paid), tiers[0].id)
    return tiers[0].id


def _program_fields(
    project: Project,
    portal: m.Portal,
    program_id: str,
    kind: str,
    title: str | None,
    url: str | None,
) -> dict:
    """What a new program of `kind` starts with, read off its model: a page to write, the
    model's `starter` values, and the addresses it cannot be without."""
    name = one_line(title, "--title") or tr_in(
        portal.language, "{id} (write its title here)"
    ).format(id=program_id)
    model = m.KIND_MODELS[kind]
    if "page" in model.model_fields:
        page = f"guides/{program_id}.md"
        steps = tr_in(portal.language, "Write the steps here.")
        project.create(project.content / page, f"# {name}\n\n{steps}\n")
        return {"page": page}
    fields = {"title": literal(name), **model.starter}
    if "url" in model.model_fields:
        if not url:
            raise ScaffoldError(tr("a video needs --url: the https: address of the video"))
        fields["url"] = url
    if "request" in model.model_fields:
        contact = next((t.contact for t in portal.lifecycle.tiers if t.contact), None)
        if not (url or contact):
            raise ScaffoldError(tr("an accelerator needs --url: where customers request it"))
        fields["request"] = url or contact
    return fields


# The head of a new phases/plans.yml: the schema for editors, and how to read the file.
PLANS_HEAD = """\
# yaml-language-server: $schema=../schema/plans.schema.json
#
# Success-plan templates: the ready-made plans a customer starts from on /plan/, and that
# the account team prints with `phasebook plan`. Each milestone closes one exit criterion
# of its phase (numbered from 1, in the order the phase file lists them) on a day counted
# from the start of that phase.
"""


def new_plan(
    root: Path,
    plan_id: str,
    name: str | None,
    phases: list[str] | None = None,
    *,
    tier: str | None = None,
    summary: str | None = None,
) -> list[str]:
    """A template in phases/plans.yml (created if absent) holding the default plan of its
    phases: one milestone per exit criterion, spread over each phase's typical_days, the
    phase's programs up to `tier` at its first milestone. It validates as written."""
    _slug(plan_id, N_("plan template"))
    title = one_line(name, "--name") or plan_id
    with editing(root) as (project, portal):
        if any(t.id == plan_id for t in portal.plans):
            raise ScaffoldError(
                tr("plan template '{id}' already exists: choose another id").format(id=plan_id)
            )
        tiers = [t.id for t in portal.lifecycle.tiers]
        if tier is not None and tier not in tiers:
            raise ScaffoldError(
                tr("unknown tier '{tier}' (one of: {tiers})").format(
                    tier=tier, tiers=", ".join(tiers)
                )
            )
        text = one_line(summary, "--summary") or tr_in(
            portal.language, "Write here the outcome customers reach with {name}."
        ).format(name=title)
        template = CommentedMap(id=plan_id, name=literal(title), summary=literal(text))
        if tier is not None:
            template["tier"] = tier
        template["phases"] = [_plan_phase(portal, p, tier) for p in _chosen(portal, phases)]
        path = project.phases / PLANS
        if path.exists():
            data = project.read(path)
            block_list(data, "templates").append(template)
            project.write(path, data)
        else:
            project.create(path, PLANS_HEAD + project.dump(CommentedMap(templates=[template])))
        return project.written()


def phase_ids(value: str | None) -> list[str] | None:
    """`--phases prep,implement`: phase ids separated by commas (None: every phase)."""
    if value is None:
        return None
    ids = [part.strip() for part in value.split(",") if part.strip()]
    if not ids:
        raise ScaffoldError(tr("--phases needs phase ids separated by commas, like prep,implement"))
    return ids


def _chosen(portal: m.Portal, phases: list[str] | None) -> list[m.PhaseFields]:
    """The phases asked for, in lifecycle order (the order a template must list them)."""
    known = [v.phase.id for v in portal.phases]
    for phase_id in phases or ():
        if phase_id not in known:
            raise ScaffoldError(
                tr("unknown phase '{id}' (known: {known})").format(
                    id=phase_id, known=", ".join(known)
                )
            )
    return [v.phase for v in portal.phases if phases is None or v.phase.id in phases]


def _plan_phase(portal: m.Portal, phase: m.PhaseFields, tier: str | None) -> CommentedMap:
    """A phase of a new template, written out as the default plan lays it out."""
    length = phase.typical_days or m.DEFAULT_DAYS
    limit = portal.rank(tier) if tier is not None else None
    helps = sorted(
        (p for p in phase.programs if limit is None or portal.rank(p.tier) <= limit),
        key=lambda p: portal.rank(p.tier),
    )
    entry = CommentedMap(phase=phase.id, days=length)
    milestones = CommentedSeq()
    for number, day in enumerate(m.spread(length, len(phase.exit_criteria)), 1):
        milestone = CommentedMap(criterion=number, day=day)
        if number == 1 and helps:
            milestone["programs"] = [p.id for p in helps]
        milestone.fa.set_flow_style()
        milestones.append(milestone)
    if milestones:
        entry["milestones"] = milestones
    return entry


def plan_command(cls: type[click.Command], directory_option) -> click.Command:
    """`phasebook new plan`, built with the CLI's command class (its error handling, its help
    in the team's language) and its `-C DIR` option: registered by generator/cli.py."""

    @click.command("plan", cls=cls)
    @click.argument("plan_id")
    @click.option("--name", required=True, help="The template's name, as customers see it.")
    @click.option("--phases", help="The phases it covers, separated by commas (default: all).")
    @click.option("--tier", help="The tier it is meant for: it recommends programs up to it.")
    @click.option("--summary", help="What it helps customers achieve (default: a placeholder).")
    @directory_option
    def new_plan_command(
        plan_id: str, name: str, phases: str | None, tier: str | None, summary: str | None
    ) -> None:
        """Add a success-plan template to phases/plans.yml: the default milestones of its
        phases (one per exit criterion), ready to edit."""
        written = new_plan(Path("."), plan_id, name, phase_ids(phases), tier=tier, summary=summary)
        for file in written:
            say(tr("wrote {file}").format(file=file))

    return new_plan_command
