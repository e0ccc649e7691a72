"""`phasebook new`: add a phase, a program or a session the way a person would edit the YAML.

ruamel.yaml edits round trip, so comments, key order and formatting stay as they were
written, and every value it writes is quoted as YAML needs (a name such as `Q&A # 2` or
`yes` stays text). Every change is checked with the whole portal in a scratch copy of
`phases/` before any source changes; then the files are replaced together (atomic.py), so
that a kill at any moment leaves the old state or the new one.
"""

from __future__ import annotations

import difflib
import io
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata
from importlib.resources import files as package_files
from pathlib import Path

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import SingleQuotedScalarString

from generator.authoring.schema import write_schemas
from generator.build.outputs import OutputError, check_output, layout
from generator.i18n.messages import N_, tr, tr_in
from generator.source import model as m
from generator.source.load import LIFECYCLE, load_portal
from generator.system import atomic
from generator.text.errors import ContentError

STATE = ".phasebook"
JOURNAL = f"{STATE}/edit.json"

SCHEMA_LINE = "# yaml-language-server: $schema=../schema/phase.schema.json\n"


class ScaffoldError(Exception):
    """What the author asked for cannot be done as asked; the message says what to change."""


def _one_line(value: str | None, option: str) -> str | None:
    """A name or title from the command line lands in headings and feeds: one line, the
    same rule as a one-line text in the YAML."""
    if value is not None and (not value.strip() or m.control_character(value)):
        raise ScaffoldError(
            tr("{option} must be one line of text, without control characters").format(
                option=option
            )
        )
    return value


def _literal(text: str) -> str:
    """`text` quoted where the loader (PyYAML, YAML 1.1) would read it as something else:
    ruamel.yaml writes YAML 1.2, in which `yes`, `no` and `12:30` are plain text."""
    try:
        plain = yaml.safe_load(text)
    except yaml.YAMLError:
        plain = None
    return text if plain == text else SingleQuotedScalarString(text)


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
    """The files of one portal, and the edits one command makes to them, held in memory
    until `commit`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.phases = root / "phases"
        self.content = root / "content"
        self.pending: dict[Path, bytes] = {}
        self.yaml = _yaml()

    def portal(self) -> m.Portal:
        return load_portal(self.phases, self.content, root=self.root)

    def read(self, path: Path):
        if path in self.pending:
            return self.yaml.load(self.pending[path].decode("utf-8"))
        return self.yaml.load(path.read_text(encoding="utf-8"))

    def dump(self, data) -> str:
        out = io.StringIO()
        self.yaml.dump(data, out)
        return out.getvalue()

    def write(self, path: Path, data) -> None:
        self.write_text(path, self.dump(data))

    def write_text(self, path: Path, text: str) -> None:
        # The mode bits, not access(): root may write anywhere, but the author said no.
        if path.exists() and not path.stat().st_mode & stat.S_IWUSR:
            name = self._label(path)
            raise ScaffoldError(
                tr(
                    "{name} is read-only: make it writable (chmod u+w {name}), nothing was changed"
                ).format(name=name)
            )
        self.pending[path] = text.encode("utf-8")

    def create(self, path: Path, text: str) -> None:
        """A new file; an existing one is never overwritten."""
        if path.exists() or path.is_symlink() or path in self.pending:
            raise ScaffoldError(
                tr("{name} already exists: choose another id").format(name=self._label(path))
            )
        self.write_text(path, text)

    def commit(self) -> None:
        """Check the edited portal in a scratch copy of the project, then write every file
        at once (atomic.write_files): old or new, whenever the command is stopped."""
        try:
            self._check()
            atomic.write_files(self.pending, self.root / JOURNAL)
        except OSError as exc:
            raise cannot_write(exc) from None

    def _check(self) -> None:
        """Load the portal as it would be after the edit, without touching it: the scratch
        copy lives in .phasebook/ (same file system), its Markdown hard-linked, not copied."""
        state = self.root / STATE
        state.mkdir(exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=f".scratch-{os.getpid()}-", dir=state))
        try:
            shutil.copytree(self.phases, scratch / "phases", symlinks=True)
            if self.content.is_dir():
                shutil.copytree(
                    self.content, scratch / "content", symlinks=True, copy_function=_link_or_copy
                )
            for path, data in self.pending.items():
                copy = scratch / path.relative_to(self.root)
                copy.parent.mkdir(parents=True, exist_ok=True)
                copy.write_bytes(data)
            load_portal(scratch / "phases", scratch / "content", root=scratch)
        except ContentError as exc:
            raise ScaffoldError(
                tr("the change would break the portal, nothing was changed:") + "\n" + exc.report()
            ) from None
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def written(self) -> list[str]:
        """The files this command wrote, as the author names them."""
        return [self._label(p) for p in self.pending]

    def _label(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()


def cannot_write(exc: OSError, name: object = None) -> ScaffoldError:
    return ScaffoldError(
        tr(
            "cannot write {name}: {error} (check the folder's permissions), nothing was changed"
        ).format(name=name or exc.filename or "?", error=exc.strerror)
    )


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def recover(root: Path) -> list[str]:
    """Finish a `phasebook new` that was killed while it replaced the files, and remove
    the temporary files of one killed before: the sources are then old or new, never half."""
    done = atomic.recover(root / JOURNAL)
    for folder in {root / "phases", root / STATE, *(p.parent for p in done)}:
        atomic.sweep(folder)
    return [p.relative_to(root).as_posix() if p.is_relative_to(root) else str(p) for p in done]


@contextmanager
def editing(root: Path) -> Iterator[tuple[Project, m.Portal]]:
    """Edit a portal that loads; the edits are written only if it still loads with them."""
    recover(root)
    project = Project(root)
    try:
        portal = project.portal()
    except ContentError as exc:
        raise ScaffoldError(
            tr("fix the portal first, nothing was changed:") + "\n" + exc.report()
        ) from None
    yield project, portal
    project.commit()


# -- a new portal ------------------------------------------------------------------------

STARTER_LANGUAGES = ("ja", "en")
# Where each shared starter file goes in the new portal.
_SHARED = {"gitignore": ".gitignore", "workflow.yml": ".github/workflows/portal.yml"}


def init_portal(target: Path, lang: str) -> list[str]:
    """A new portal in `target` (new or empty) that validates, reports no gap and builds at
    once: mkdocs.yml, one stage with one phase and a guide, a free and a paid tier, the
    schemas its `$schema` lines name, .gitignore and a CI workflow. Written beside the
    target and renamed into place: a stopped `init` leaves no half portal."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ScaffoldError(
            tr(
                "{target} is not an empty folder: init writes a new portal into a new or empty one"
            ).format(target=target)
        )
    _outside_other_portals(target)
    starter = package_files("generator.authoring").joinpath("starter")
    try:
        staging = atomic.staging_dir(target.resolve())
        with atomic.removing_on_failure(staging):
            _copy_tree(starter.joinpath(lang), staging)
            for name, where in _SHARED.items():
                _write(staging / where, starter.joinpath(name).read_bytes())
            _write(staging / "requirements.txt", _requirements())
            write_schemas(staging / "schema")
            load_portal(staging / "phases", staging / "content", root=staging)
            if target.exists():
                target.rmdir()
            staging.rename(target)
    except OSError as exc:  # a read-only place, a parent that is a file or does not exist
        raise cannot_write(exc, target) from None
    return sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())


def _outside_other_portals(target: Path) -> None:
    """A new portal never lands in the sources of the portal around it (`init phases/x`)."""
    for folder in Path(os.path.abspath(target)).parents:
        if (folder / "mkdocs.yml").is_file():
            try:
                check_output(target, layout(folder), "init")
            except OutputError as exc:
                raise ScaffoldError(str(exc)) from None
            return


def _copy_tree(source, target: Path) -> None:
    for entry in source.iterdir():
        if entry.is_dir():
            _copy_tree(entry, target / entry.name)
        else:
            _write(target / entry.name, entry.read_bytes())


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _requirements() -> bytes:
    try:
        version = metadata.version("phasebook")
    except metadata.PackageNotFoundError:
        version = "0.1.0"
    return (
        "# What CI installs (.github/workflows/portal.yml). Point this at wherever your team\n"
        "# installs Phasebook from: a package index, or a line such as\n"
        "# phasebook @ git+https://git.example.com/tools/phasebook@v" + version + "\n"
        f"phasebook=={version}\n"
    ).encode()


# -- stages ------------------------------------------------------------------------------


def new_stage(root: Path, stage_id: str, name: str | None) -> list[str]:
    """A stage at the end of the lifecycle, with no phase yet (`new phase --stage` adds
    them)."""
    _slug(stage_id, N_("stage"))
    title = _one_line(name, "--name") or stage_id
    with editing(root) as (project, portal):
        if any(s.id == stage_id for s in portal.lifecycle.stages):
            raise ScaffoldError(
                tr("stage '{id}' already exists: choose another id").format(id=stage_id)
            )
        path = project.phases / LIFECYCLE
        lifecycle = project.read(path)
        phases = CommentedSeq()
        phases.fa.set_flow_style()
        lifecycle["stages"].append(CommentedMap(id=stage_id, name=_literal(title), phases=phases))
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


# -- phases ------------------------------------------------------------------------------


def new_phase(root: Path, phase_id: str, name: str | None, stage: str | None) -> list[str]:
    """`phases/<id>.yml`, listed at the end of `stage` (default: the last stage)."""
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
        title = _one_line(name, "--name") or phase_id
        summary = tr_in(portal.language, "Write here what customers achieve in {name}.").format(
            name=title
        )
        phase = CommentedMap(id=phase_id, name=_literal(title), summary=_literal(summary))
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
        _block_list(data, "programs").append(item)
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
    name = _one_line(title, "--title") or tr_in(
        portal.language, "{id} (write its title here)"
    ).format(id=program_id)
    model = m.KIND_MODELS[kind]
    if "page" in model.model_fields:
        page = f"guides/{program_id}.md"
        steps = tr_in(portal.language, "Write the steps here.")
        project.create(project.content / page, f"# {name}\n\n{steps}\n")
        return {"page": page}
    fields = {"title": _literal(name), **model.starter}
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


# -- sessions ----------------------------------------------------------------------------


def new_session(
    root: Path, program_id: str, starts: str, register: str, language: str | None
) -> list[str]:
    """Add a live session to an ATX."""
    when = session_start(starts, "--starts")
    with editing(root) as (project, portal):
        atx = atx_program(portal, program_id)
        language = language or portal.language
        if (when.timestamp(), language) in {
            (s.starts.timestamp(), s.language) for s in atx.sessions
        }:
            raise ScaffoldError(
                tr("'{id}' already has a {language} session at {when}").format(
                    id=program_id, language=language, when=when.isoformat()
                )
            )
        add_sessions(project, portal, [NewSession(program_id, when, language, register)])
        return project.written()


@dataclass(frozen=True)
class NewSession:
    program: str
    starts: datetime
    language: str
    register: str | None = None
    note: str | None = None


def atx_program(portal: m.Portal, program_id: str) -> m.Atx:
    """The ATX `program_id`, or a ScaffoldError saying why it is not one."""
    if program_id not in portal.by_id:
        close = difflib.get_close_matches(program_id, list(portal.by_id), n=1)
        if close:
            raise ScaffoldError(
                tr("unknown program '{id}' (did you mean '{close}'?)").format(
                    id=program_id, close=close[0]
                )
            )
        raise ScaffoldError(tr("unknown program '{id}'").format(id=program_id))
    program = portal.by_id[program_id][1]
    if not isinstance(program, m.Atx):
        raise ScaffoldError(
            tr("'{id}' is {kind}, not an ATX: only ATX have sessions").format(
                id=program_id, kind=program.kind
            )
        )
    return program


def add_sessions(project: Project, portal: m.Portal, sessions: list[NewSession]) -> None:
    """Append sessions to their programs' files, each file read and written once."""
    documents: dict[Path, object] = {}
    for new in sessions:
        path = project.root / portal.by_id[new.program][0].source
        data = documents.setdefault(path, project.read(path))
        item = next(p for p in data["programs"] if p["id"] == new.program)
        entry = {"starts": new.starts, "language": new.language}
        if new.register:
            entry["register"] = new.register
        if new.note:
            entry["note"] = _literal(new.note)
        _block_list(item, "sessions").append(entry)
    for path, data in documents.items():
        project.write(path, data)


def _block_list(mapping, key: str):
    """The list under `key`, created if missing, one item per line even if it was `[]`."""
    if mapping.get(key) is None:
        mapping[key] = CommentedSeq()
    mapping[key].fa.set_block_style()
    return mapping[key]


def session_start(value: str | datetime, option: str) -> datetime:
    """A session's start as `option` (--starts, a CSV's starts column, an event's DTSTART)
    gave it: a date and time with its UTC offset, in the years sessions take place."""
    when = value
    if isinstance(value, str):
        try:
            when = datetime.fromisoformat(value)
        except ValueError:
            raise ScaffoldError(
                tr(
                    "{option} '{text}' is not a date and time: write it like "
                    "2027-03-04T14:00:00+09:00"
                ).format(option=option, text=value)
            ) from None
    assert isinstance(when, datetime)
    if when.utcoffset() is None:
        raise ScaffoldError(
            tr(
                "{option} '{text}' has no UTC offset: add one, e.g. {text}+09:00 for Japan time"
            ).format(option=option, text=value)
        )
    if not m.FIRST_YEAR <= when.year <= m.LAST_YEAR:
        raise ScaffoldError(
            tr(
                "{option} {text} is out of range (a session takes place between {first} and {last})"
            ).format(option=option, text=when.isoformat(), first=m.FIRST_YEAR, last=m.LAST_YEAR)
        )
    return when
