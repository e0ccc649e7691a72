"""The edit transaction behind `phasebook new` and `import`: edit the YAML the way a person
would, check the result, then write every file at once.

ruamel.yaml edits round trip, so comments, key order and formatting stay as they were
written, and every value it writes is quoted as YAML needs (a name such as `Q&A # 2` or
`yes` stays text). Every change is checked with the whole portal in a scratch copy of
`phases/` before any source changes; then the files are replaced together (atomic.py), so
that a kill at any moment leaves the old state or the new one.
"""

from __future__ import annotations

import io
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedSeq
from ruamel.yaml.scalarstring import SingleQuotedScalarString

from generator.build.project import JOURNAL, STATE, recover_edits
from generator.i18n.messages import tr
from generator.source import model as m
from generator.source.load import load_portal
from generator.system import atomic
from generator.text.errors import ContentError


class ScaffoldError(Exception):
    """What the author asked for cannot be done as asked; the message says what to change."""


def one_line(value: str | None, option: str) -> str | None:
    """A name or title from the command line lands in headings and feeds: one line, the
    same rule as a one-line text in the YAML."""
    if value is not None and (not value.strip() or m.control_character(value)):
        raise ScaffoldError(
            tr("{option} must be one line of text, without control characters").format(
                option=option
            )
        )
    return value


def literal(text: str) -> str:
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
            name = self.label(path)
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
                tr("{name} already exists: choose another id").format(name=self.label(path))
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
        return [self.label(p) for p in self.pending]

    def label(self, path: Path) -> str:
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


@contextmanager
def editing(root: Path) -> Iterator[tuple[Project, m.Portal]]:
    """Edit a portal that loads; the edits are written only if it still loads with them."""
    recover_edits(root)
    project = Project(root)
    try:
        portal = project.portal()
    except ContentError as exc:
        raise ScaffoldError(
            tr("fix the portal first, nothing was changed:") + "\n" + exc.report()
        ) from None
    yield project, portal
    project.commit()


def block_list(mapping, key: str):
    """The list under `key`, created if missing, one item per line even if it was `[]`."""
    if mapping.get(key) is None:
        mapping[key] = CommentedSeq()
    mapping[key].fa.set_block_style()
    return mapping[key]
