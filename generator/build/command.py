"""What `phasebook build`, `export` and `serve` do, apart from parsing their options (the CLI
is generator/cli.py, as MkDocs keeps `__main__.py` apart from `commands/build.py`).

Each either finishes or raises a CommandError, and none leaves half of what it writes:
outputs are built beside their targets and swapped in whole (generator/system/atomic.py).
"""

from __future__ import annotations

import os
from pathlib import Path

from generator.build import engine, outputs
from generator.build.project import (
    STATE,
    CommandError,
    checked,
    ensure_index,
    open_portal,
    refuse_other_languages,
    say,
)
from generator.i18n import messages
from generator.i18n.messages import tr
from generator.search import job as indexjob
from generator.search.documents import documents
from generator.search.related import related
from generator.system import atomic, prefork, processes

EXPORT_MARK = ".phasebook-export"  # in every export: what may be replaced by the next one


def config_file_of(config_file: Path, missing: str) -> Path:
    """The project's mkdocs.yml, or the `missing` message saying where to run instead."""
    if not config_file.is_file():
        raise CommandError(missing.format(file=config_file))
    return config_file


def build_site(config_file: Path, site_dir: Path | None, strict_content: bool) -> Path:
    """Build the site and its index beside their targets, under the project's build lock,
    and swap both in only if the build succeeds. Returns where the site now is."""
    missing = tr("{file}: no such file (run this in the portal's folder, or pass -C or -f)")
    config_file = config_file_of(config_file, missing).resolve()
    project = outputs.layout(config_file.parent, config_file)
    target = checked(site_dir or project.root / "site", project, "-d")
    index = checked(project.index_dir, project, "search_index")
    state = project.root / STATE
    try:
        with atomic.exclusive(state / "build.lock", "phasebook build"):
            _build(config_file, project, (target, index), strict_content)
    except atomic.Busy as exc:
        raise CommandError(str(exc)) from None
    return target


def _build(
    config_file: Path, project: outputs.Layout, targets: tuple[Path, Path], strict: bool
) -> None:
    """One engine build into staging folders; the site and the index swapped in together."""
    target, index = targets
    state = project.root / STATE
    atomic.recover(state / "swap.json")  # a killed build's swap, finished
    for folder in {target.parent, index.parent}:
        atomic.sweep(folder)  # and what killed builds left beside the targets
    # From the first staging folder to the swap's end, a signal waits for a place where it
    # can stop the build cleanly: in the engine's run (staging removed, "Build stopped"), or
    # after the swap (Python's default then). Before, a SIGTERM here left the folders.
    with processes.held_signals():
        _stage_and_swap(config_file, project, targets, strict)


def _stage_and_swap(
    config_file: Path, project: outputs.Layout, targets: tuple[Path, Path], strict: bool
) -> None:
    target, index = targets
    state = project.root / STATE
    site_staging, index_staging = atomic.staging_dir(target), atomic.staging_dir(index)
    env = {
        **os.environ,  # NO_MKDOCS_2_WARNING included: the command group sets it
        outputs.SITE_TARGET_ENV: str(target),
        indexjob.STAGING_ENV: str(index_staging),
    }
    if strict:
        env[outputs.STRICT_CONTENT_ENV] = "1"
    try:
        command = engine.command(
            "build", "--strict", "-f", str(config_file), "-d", str(site_staging)
        )
    except engine.NoEngine as exc:
        raise CommandError(str(exc)) from None
    with atomic.removing_on_failure(site_staging, index_staging):
        try:
            code = processes.run(command, env)
        except processes.Interrupted as exc:
            stopped = tr("Build stopped ({signal}): {target} is unchanged.")
            raise CommandError(
                stopped.format(signal=exc, target=target), 128 + exc.signum
            ) from None
        if code != 0:
            raise CommandError(tr("Build failed: {target} is unchanged.").format(target=target))
        atomic.swap([(site_staging, target), (index_staging, index)], state / "swap.json")


def export_portal(root: Path, out: Path, langs: tuple[str, ...]) -> list[str]:
    """Write the portal's plain docs trees into `out` (new, empty or an earlier export,
    replaced whole). Returns the languages written."""
    from generator.build import export as x  # ruamel round trip, only for this command

    missing = tr("{file}: no such file (run this in the portal's folder, or pass -C)")
    config_file = config_file_of(root / "mkdocs.yml", missing)
    project = outputs.layout(root, config_file)
    try:
        config = x.read_config(config_file)
    except x.ConfigProblem as exc:
        raise CommandError(str(exc)) from None
    target = checked(out, project, "--out")
    _refuse_other_folders(target, out)
    portal = open_portal(root, project.phases_dir, project.docs_dir)
    refuse_other_languages(langs, portal.info.languages)
    source = x.Source(project, config, related(documents(portal, project.docs_dir)))
    chosen = [g for g in portal.info.languages if not langs or g in langs]
    staging = atomic.staging_dir(target)
    with atomic.removing_on_failure(staging):
        for lang in chosen:
            x.write_tree(x.export_tree(portal, source, lang), staging / lang)
            x.copy_theme_dir(source, staging / lang)
        (staging / EXPORT_MARK).write_text(", ".join(chosen) + "\n", encoding="utf-8")
        atomic.discard(atomic.install(staging, target))
    return chosen


def _refuse_other_folders(target: Path, out: Path) -> None:
    """An export may replace an empty folder or an earlier export, nothing else."""
    if target.exists() and not target.is_dir():
        raise CommandError(
            tr("{folder} is a file: choose a new or empty folder").format(folder=out)
        )
    if target.is_dir() and any(target.iterdir()) and not (target / EXPORT_MARK).is_file():
        raise CommandError(
            tr(
                "{folder} is not empty and not an earlier export: choose a new or empty folder"
            ).format(folder=out)
        )


def serve_site(
    root: Path, site_dir: str, index_dir: str | None, address: tuple[str, int], workers: int = 1
) -> None:
    """Serve the built site and its search API. The port is checked before anything is
    indexed: a busy port is said at once, not after a rebuilt index."""
    from generator.search import server  # Starlette and uvicorn only here

    host, port = address
    site = root / site_dir
    if not (site / "index.html").is_file():
        raise CommandError(
            tr("No built site in {site}: run ./dev build (or mkdocs build) first.").format(
                site=site
            )
        )
    sock = server.listening_socket(host, port)
    if sock is None:
        raise CommandError(
            tr("port {port} is in use: `phasebook serve --port {next}`").format(
                port=port, next=port % 65535 + 1
            )
        )
    with sock:
        index = ensure_index(root, index_dir)
        serving = tr("Serving {site} with /api/search at {url}; workers: {workers} (Ctrl+C stops)")
        url = f"http://{host}:{port}/"
        say(serving.format(site=site.resolve(), url=url, workers=workers))
        messages.use("en")  # the API answers tools, whatever the team reads
        try:
            server.serve(site, index, sock, workers)
        except prefork.WorkersFailing as exc:
            raise CommandError(str(exc)) from None
