"""`phasebook new`: add a phase, a program or a session the way a person would edit the YAML.

ruamel.yaml edits round trip, so comments, key order and formatting stay as they were
written. Every change is checked with the whole portal; if the portal does not load after
it, every touched file is put back byte for byte and nothing new is left behind.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedSeq

from generator import model as m
from generator.errors import ContentError
from generator.load import LIFECYCLE, load_portal

SCHEMA_LINE = "# yaml-language-server: $schema=../schema/phase.schema.json\n"


class ScaffoldError(Exception):
    """What the author asked for cannot be done as asked; the message says what to change."""


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a long line someone wrote
    yaml.indent(mapping=2, sequence=4, offset=2)  # the style of every example file
    # Session times as written in the examples: 2027-03-04T14:00:00+09:00.
    yaml.representer.add_representer(
        datetime,
        lambda rep, value: rep.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat()),
    )
    return yaml


class Project:
    """The files of one portal, and the edits made to them in one command."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.phases = root / "phases"
        self.content = root / "content"
        self.originals: dict[Path, bytes | None] = {}
        self.yaml = _yaml()

    def portal(self) -> m.Portal:
        return load_portal(self.phases, self.content, root=self.root)

    def read(self, path: Path):
        return self.yaml.load(path.read_text(encoding="utf-8"))

    def write(self, path: Path, data) -> None:
        out = io.StringIO()
        self.yaml.dump(data, out)
        self.write_text(path, out.getvalue())

    def write_text(self, path: Path, text: str) -> None:
        if path not in self.originals:
            self.originals[path] = path.read_bytes() if path.exists() else None
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def create(self, path: Path, text: str) -> None:
        """A new file; an existing one is never overwritten."""
        if path.exists():
            raise ScaffoldError(f"{self._label(path)} already exists: choose another id")
        self.write_text(path, text)

    def rollback(self) -> None:
        for path, original in self.originals.items():
            if original is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(original)

    def written(self) -> list[str]:
        """The files this command wrote, as the author names them."""
        return [self._label(p) for p in self.originals]

    def _label(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()


@contextmanager
def editing(root: Path) -> Iterator[tuple[Project, m.Portal]]:
    """Edit a portal that loads; keep the edits only if it still loads afterwards."""
    project = Project(root)
    try:
        portal = project.portal()
    except ContentError as exc:
        raise ScaffoldError("fix the portal first, nothing was changed:\n" + exc.report()) from None
    try:
        yield project, portal
        project.portal()
    except ContentError as exc:
        project.rollback()
        raise ScaffoldError(
            "the change was undone, nothing was changed:\n" + exc.report()
        ) from None
    except BaseException:
        project.rollback()
        raise


# -- phases ------------------------------------------------------------------------------


def new_phase(root: Path, phase_id: str, name: str | None, stage: str | None) -> list[str]:
    """`phases/<id>.yml`, listed at the end of `stage` (default: the last stage)."""
    with editing(root) as (project, portal):
        stages = [s.id for s in portal.lifecycle.stages]
        stage = stage or stages[-1]
        if stage not in stages:
            raise ScaffoldError(f"unknown stage {stage!r} (known: {', '.join(stages)})")
        if any(v.phase.id == phase_id for v in portal.phases):
            raise ScaffoldError(f"phase {phase_id!r} already exists: choose another id")
        title = name or phase_id
        project.create(
            project.phases / f"{phase_id}.yml",
            f"{SCHEMA_LINE}id: {phase_id}\nname: {title}\n"
            f"summary: {title}のフェーズで、お客様が目指すことを書きます。\n"
            "# Still to write: tasks, exit_criteria, programs (phasebook report lists them).\n",
        )
        lifecycle_path = project.phases / LIFECYCLE
        lifecycle = project.read(lifecycle_path)
        entry = next(s for s in lifecycle["stages"] if s["id"] == stage)
        entry["phases"].append(phase_id)
        project.write(lifecycle_path, lifecycle)
        return project.written()


# -- programs ----------------------------------------------------------------------------


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
            raise ScaffoldError(f"unknown phase {phase_id!r} (known: {known})")
        if program_id in portal.by_id:
            file, line, _ = portal.located[program_id]
            raise ScaffoldError(f"program {program_id!r} already exists ({file}:{line})")
        item = {"id": program_id, "kind": kind, "tier": tier or _default_tier(portal, kind)}
        item |= _program_fields(project, portal, program_id, kind, title, url)
        path = root / view.source
        data = project.read(path)
        _block_list(data, "programs").append(item)
        project.write(path, data)
        return project.written()


def _default_tier(portal: m.Portal, kind: str) -> str:
    """One-to-one help is what paid plans sell; everything else starts free."""
    tiers = portal.lifecycle.tiers
    if kind == "accelerator":
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
    name = title or f"{program_id}（タイトルを書いてください）"
    if kind == "guide":
        page = f"guides/{program_id}.md"
        project.create(project.content / page, f"# {name}\n\nここに手順を書きます。\n")
        return {"page": page}
    if kind == "atx":
        return {"title": name, "level": "beginner", "duration_minutes": 60, "sessions": []}
    if kind == "video":
        if not url:
            raise ScaffoldError("a video needs --url: the https: address of the video")
        return {"title": name, "url": url, "duration_minutes": 10}
    contact = next((t.contact for t in portal.lifecycle.tiers if t.contact), None)
    if not (url or contact):
        raise ScaffoldError("an accelerator needs --url: where customers request it")
    return {"title": name, "duration_minutes": 90, "prerequisites": [], "outcomes": [],
            "request": url or contact}  # fmt: skip


# -- sessions ----------------------------------------------------------------------------


def new_session(
    root: Path, program_id: str, starts: str, register: str, language: str | None
) -> list[str]:
    """Add a live session to an ATX."""
    when = _aware(starts)
    with editing(root) as (project, portal):
        if program_id not in portal.by_id:
            raise ScaffoldError(f"unknown program {program_id!r}")
        view, program = portal.by_id[program_id]
        if not isinstance(program, m.Atx):
            raise ScaffoldError(
                f"{program_id!r} is {program.kind}, not an ATX: only ATX have sessions"
            )
        language = language or portal.language
        for session in program.sessions:
            if session.starts == when and session.language == language:
                raise ScaffoldError(
                    f"{program_id!r} already has a {language} session at {when.isoformat()}"
                )
        path = root / view.source
        data = project.read(path)
        item = next(p for p in data["programs"] if p["id"] == program_id)
        _block_list(item, "sessions").append(
            {"starts": when, "language": language, "register": register}
        )
        project.write(path, data)
        return project.written()


def _block_list(mapping, key: str):
    """The list under `key`, created if missing, one item per line even if it was `[]`."""
    if mapping.get(key) is None:
        mapping[key] = CommentedSeq()
    mapping[key].fa.set_block_style()
    return mapping[key]


def _aware(text: str) -> datetime:
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise ScaffoldError(
            f"--starts {text!r} is not a date and time: write it like 2027-03-04T14:00:00+09:00"
        ) from None
    if when.utcoffset() is None:
        raise ScaffoldError(
            f"--starts {text!r} has no UTC offset: add one, e.g. {text}+09:00 for Japan time"
        )
    return when
