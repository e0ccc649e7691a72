"""Where a command may write: never on, in or above what the authors wrote.

Every output (the site, the search index, the schemas) is replaced as a whole by a fresh
directory. Pointed at `content/`, at `.` or at a parent, that replacement would delete the
sources, `.git` and all. So every path a command or a plugin option writes to is checked
here first, against the project's real layout (`docs_dir` and the plugin options are read
from mkdocs.yml).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

import yaml

from generator.i18n.messages import tr
from generator.source.sourcefiles import SourceProblem, read_text

# Set by `phasebook build` for the plugin: where the site finally goes (MkDocs itself only
# sees the staging directory beside it), to be checked like any other output.
SITE_TARGET_ENV = "PHASEBOOK_SITE_TARGET"
# Set by `phasebook build --strict-content`; the plugin reads it (mkdocs has no CLI flag for it).
STRICT_CONTENT_ENV = "PHASEBOOK_STRICT_CONTENT"


class OutputError(ValueError):
    """An output path that would overwrite the sources; the message says what to use."""


@dataclass(frozen=True)
class Options:
    """The phasebook plugin's options and their defaults, in one place: the plugin's
    config class (site_plugins/config.py) takes its defaults from here, and every command
    reads a project's options through `layout` (what MkDocs would refuse reads as unset)."""

    enabled: bool = True
    phases_dir: str = "phases"
    search_index: str = ".phasebook/index"
    templates_dir: str | None = None
    nav: bool = True
    strict_content: bool = False
    staff_links: bool = False
    catalogue_page_size: int = 100
    allow_raw_html: bool = False
    embed_hosts: tuple[str, ...] = ()

    @classmethod
    def read(cls, given: dict) -> Options:
        """The options of a `phasebook:` entry, each of the type MkDocs would accept."""
        chosen = {}
        for option in fields(cls):
            value = given.get(option.name)
            kind = str if option.default is None else type(option.default)
            if kind is tuple and isinstance(value, list) and all(type(v) is str for v in value):
                value, kind = tuple(value), tuple  # a YAML list of names (embed_hosts)
            if type(value) is kind and (kind is not int or value >= 1):
                chosen[option.name] = value
        return cls(**chosen)


DEFAULTS = Options()


@dataclass(frozen=True)
class Layout:
    """A project's folders, as mkdocs.yml and the phasebook plugin options place them."""

    root: Path
    docs_dir: Path
    phases_dir: Path
    index_dir: Path
    templates_dir: Path | None = None
    options: Options = field(default_factory=Options)

    def sources(self) -> list[tuple[str, Path]]:
        found = [
            (tr("the Markdown pages"), self.docs_dir),
            (tr("the phase files"), self.phases_dir),
            (tr("the git repository"), self.root / ".git"),
        ]
        if self.templates_dir is not None:
            found.append((tr("the template overrides"), self.templates_dir))
        return found


class _Lenient(yaml.SafeLoader):
    """mkdocs.yml may carry tags such as !ENV or !!python/name: read them as nothing."""


_Lenient.add_multi_constructor("", lambda loader, suffix, node: None)
_Lenient.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def layout(project: Path, config_file: Path | None = None) -> Layout:
    """The layout of the project at `project`, from its mkdocs.yml when there is one."""
    config_file = config_file or project / "mkdocs.yml"
    data: dict | None = None
    try:
        text = read_text(config_file, config_file.name)
        loaded = yaml.load(text, Loader=_Lenient)
        data = loaded if isinstance(loaded, dict) else {}
    except (SourceProblem, OSError, yaml.YAMLError):
        pass  # MkDocs itself reports a broken mkdocs.yml; the defaults still protect
    read = data is not None
    data = data or {}
    options = Options.read(plugin_options(data))
    base = config_file.parent
    docs = data.get("docs_dir") if isinstance(data.get("docs_dir"), str) else None
    templates = options.templates_dir
    return Layout(
        root=project,
        # MkDocs' default is docs/; without a readable mkdocs.yml, Phasebook's content/.
        docs_dir=base / (docs or ("docs" if read else "content")),
        phases_dir=base / options.phases_dir,
        index_dir=base / options.search_index,
        templates_dir=base / templates if templates is not None else None,
        options=options,
    )


def plugin_options(data: dict) -> dict:
    """The `phasebook:` entry of mkdocs.yml's plugins, as written ({} when it has none)."""
    for entry in data.get("plugins") or []:
        if isinstance(entry, dict) and isinstance(entry.get("phasebook"), dict):
            return entry["phasebook"]
    return {}


def check_output(output: Path, project: Layout, what: str, base: Path | None = None) -> Path:
    """`output` (relative to `base`, else to the working directory), resolved, if writing a
    fresh directory there leaves every source alone.

    Refused: the project folder or any folder above it, and any output that is, contains
    or lies inside a source folder."""
    target = Path(os.path.abspath(base / output if base else output)).resolve()
    root = project.root.resolve()
    if root.is_relative_to(target):
        raise OutputError(
            tr(
                "{option} {path} is the project folder or contains it: it would be replaced by "
                "the output. Use a folder of its own inside the project, such as site/"
            ).format(option=what, path=output)
        )
    for name, source in project.sources():
        source = source.resolve()
        if target == source or target.is_relative_to(source) or source.is_relative_to(target):
            raise OutputError(
                tr(
                    "{option} {path} overlaps {name} ({source}): writing there would delete "
                    "them. Choose a folder of its own, such as site/"
                ).format(option=what, path=output, name=name, source=_shown(source, root))
            )
    return target


def _shown(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() + "/" if path.is_relative_to(root) else str(path)
