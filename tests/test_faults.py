"""Fault injection on real process groups: `phasebook build` and `phasebook new` killed at
chosen points and at random moments. Afterwards no process of theirs is left, the sources
are intact, the site and its index are the old ones or the new ones (never a mix, never
none), and the next run is clean."""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.source.load import load_portal
from generator.system.faults import VARIABLE
from tests.helpers import ENV, ROOT, checksums, edit, phasebook, tree


def start(project: Path, *args: str, kill_at: str | None = None) -> subprocess.Popen:
    """A command in a process group of its own, as a shell would start it."""
    env = dict(ENV)
    if kill_at:
        env[VARIABLE] = kill_at
    return subprocess.Popen(
        [sys.executable, "-m", "generator.cli", *args],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def descendants(pid: int) -> set[int]:
    """Every process below `pid`, read from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pids: set[int]) -> set[int]:
    out = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            out.add(pid)
    return out


def wait_gone(pids: set[int], seconds: float = 10) -> set[int]:
    deadline = time.monotonic() + seconds
    while alive(pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return alive(pids)


def leftovers(project: Path) -> list[str]:
    """Staging directories, temporary files and kept copies anywhere in the project."""
    return sorted(
        p.relative_to(project).as_posix()
        for p in project.rglob("*")
        if ("-" in p.name and p.name.startswith(".") and ".tmp-" in p.name)
        or (p.name.startswith((".site-", ".index-")))
        or p.name.endswith(".old")
    )


@pytest.fixture
def built(built_minimal: Path) -> tuple[Path, dict[str, str], dict[str, str]]:
    """The minimal portal, built: its site and index are what a kill must not lose."""
    project = built_minimal
    return project, tree(project / "site"), tree(project / ".phasebook" / "index")


def rebuild_changes(project: Path) -> None:
    edit(project / "phases" / "run.yml", "管理画面ツアー", "管理画面ツアー第2版")


@pytest.mark.parametrize("point", ["journal-written", "between-renames"])
def test_a_build_killed_during_the_swap_is_finished_by_the_next_run(built, point: str) -> None:
    project, _, _ = built
    rebuild_changes(project)
    sources = checksums(project)
    process = start(project, "build", kill_at=point)
    process.communicate(timeout=300)
    assert process.returncode == -signal.SIGKILL
    assert checksums(project) == sources
    site = project / "site"
    # Never without a site: the kernel swaps the two directories in one step.
    assert site.is_dir() or (site.parent / "site.old").is_dir()
    result = phasebook(project, "build")
    assert result.returncode == 0, result.stderr
    assert "第2版" in (site / "programs" / "video-tour" / "index.html").read_text()
    assert leftovers(project) == []
    found = phasebook(project, "search", "ツアー", "--json")
    assert '"title": "管理画面ツアー第2版"' in found.stdout, found.stdout


@pytest.mark.parametrize("delay", [0.3, 0.8, 1.4, 2.2])
@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM])
def test_a_build_killed_at_any_moment_leaves_no_process_and_a_site(
    built, delay: float, signum: int
) -> None:
    project, old_site, old_index = built
    rebuild_changes(project)
    sources = checksums(project)
    process = start(project, "build")
    time.sleep(delay)
    family = descendants(process.pid) | {process.pid}
    os.kill(process.pid, signum)  # the command only: its children must follow by themselves
    _, err = process.communicate(timeout=60)
    assert wait_gone(family) == set(), "no MkDocs child or index worker outlives the command"
    assert "Traceback" not in err
    assert checksums(project) == sources
    site_now, index_now = tree(project / "site"), tree(project / ".phasebook" / "index")
    page = project / "site" / "programs" / "video-tour" / "index.html"
    unchanged = (site_now, index_now) == (old_site, old_index)
    both_new = "第2版" in page.read_text() and index_now != old_index
    journal = (project / ".phasebook" / "swap.json").exists()
    if process.returncode == 0:
        assert both_new
    elif not unchanged:
        # Killed during the swap or after it, before the command could exit: both new, or
        # a journal that the next run finishes (as below).
        assert both_new or journal, "half a swap"
    if signum == signal.SIGTERM:
        assert not journal, "SIGTERM waits for the swap to end; only SIGKILL can cut it"
    if signum == signal.SIGTERM and process.returncode == -signal.SIGTERM:
        # Python's own default: the signal came before the command could handle it (while
        # the interpreter was starting: nothing begun), or after the swap that held it.
        assert (unchanged or both_new) and not err
        assert leftovers(project) == []
    elif signum == signal.SIGTERM and process.returncode != 0:
        assert process.returncode == 128 + signal.SIGTERM
        assert "Build stopped (SIGTERM)" in err
    result = phasebook(project, "build")
    assert result.returncode == 0, result.stderr
    assert leftovers(project) == []
    assert "第2版" in page.read_text()


@pytest.mark.parametrize("point", ["journal-written", "between-renames"])
def test_sigterm_during_the_swap_waits_for_its_end(built, point: str) -> None:
    project, _, old_index = built
    rebuild_changes(project)
    process = start(project, "build", kill_at=f"{point}:SIGTERM")
    _, err = process.communicate(timeout=300)
    assert process.returncode == -signal.SIGTERM, err  # it took effect, once the swap ended
    page = project / "site" / "programs" / "video-tour" / "index.html"
    assert "第2版" in page.read_text()
    assert tree(project / ".phasebook" / "index") != old_index
    assert not (project / ".phasebook" / "swap.json").exists()
    assert leftovers(project) == [] and "Traceback" not in err


def _worker(pid: int) -> int | None:
    for child in descendants(pid):
        try:
            if b"generator.search.job" in Path(f"/proc/{child}/cmdline").read_bytes():
                return child
        except OSError:
            continue
    return None


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A copy of the example portal: big enough that its index worker runs a while."""
    project = tmp_path / "example"
    for name in ("phases", "content"):
        shutil.copytree(ROOT / name, project / name)
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    return project


def test_the_index_worker_dies_with_the_command(example: Path) -> None:
    process = start(example, "build")
    worker = None
    while worker is None and process.poll() is None:
        worker = _worker(process.pid)
        time.sleep(0.002)
    assert worker is not None, "the build ended before its worker was seen"
    family = descendants(process.pid) | {process.pid}
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=60)
    assert wait_gone(family) == set()
    # Killed before its swap: no site at all (never half of one), and its staging directories
    # left behind for the next run to sweep.
    assert not (example / "site").exists()
    assert leftovers(example) != []
    result = phasebook(example, "build")
    assert result.returncode == 0, result.stderr
    assert leftovers(example) == []


def test_the_index_worker_dies_with_mkdocs(built) -> None:
    project, old_site, old_index = built
    process = start(project, "build", kill_at="index-started")
    _, err = process.communicate(timeout=60)
    assert process.returncode == 1 and "Build failed" in err
    time.sleep(0.5)
    assert not [p for p in Path("/proc").glob("[0-9]*/cmdline") if _cmdline_has(p, str(project))], (
        "no orphan worker"
    )
    assert tree(project / "site") == old_site
    assert tree(project / ".phasebook" / "index") == old_index


def _cmdline_has(path: Path, text: str) -> bool:
    try:
        return b"generator.search.job" in path.read_bytes() and text.encode() in path.read_bytes()
    except OSError:
        return False


def test_a_second_build_waits_for_no_one_and_says_why(built) -> None:
    project, old_site, _ = built
    lock = project / ".phasebook" / "build.lock"
    with lock.open("a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        handle.write("4242")
        handle.flush()
        result = phasebook(project, "build")
    assert result.returncode == 1
    assert result.stderr == (
        "another phasebook build is running (process 4242): wait for it to finish, "
        "or stop it, then run this again\n"
    )
    assert tree(project / "site") == old_site


def test_two_builds_at_once_never_nest_one_site_in_the_other(built) -> None:
    project, _, _ = built
    rebuild_changes(project)
    first, second = start(project, "build"), start(project, "build")
    results = [(*p.communicate(timeout=300), p.returncode) for p in (first, second)]
    for _, err, code in results:
        assert code == 0 or "another phasebook build is running" in err, err
    assert any(code == 0 for _, _, code in results)
    assert not (project / "site" / "site").exists()
    assert sorted(p.name for p in (project / "site").iterdir() if p.name.startswith(".")) == []
    assert leftovers(project) == []


def test_the_next_build_sweeps_what_a_killed_one_left(built) -> None:
    project, _, _ = built
    stale = project / ".site-999999-abcdefgh"
    stale.mkdir()
    (stale / "index.html").write_text("half")
    index_stale = project / ".phasebook" / ".index-999999-abcdefgh"
    index_stale.mkdir()
    assert phasebook(project, "build").returncode == 0
    assert not stale.exists() and not index_stale.exists()


# -- phasebook new ------------------------------------------------------------------------------


NEW = {
    "phase": ("new", "phase", "extra", "--name", "追加フェーズ", "--stage", "use"),
    "guide": ("new", "program", "run", "guide-extra", "--kind", "guide", "--title", "追加ガイド"),
    "session": (
        "new",
        "session",
        "atx-start",
        "--starts",
        "2027-03-04T14:00:00+09:00",
        "--register",
        "https://example.com/r",
    ),
}


@pytest.mark.parametrize("point", ["journal-written", "between-renames"])
@pytest.mark.parametrize("command", NEW, ids=list(NEW))
def test_new_killed_while_writing_leaves_the_old_or_the_new_portal(
    minimal: Path, command: str, point: str
) -> None:
    before = checksums(minimal)
    process = start(minimal, *NEW[command], kill_at=point)
    process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL
    result = phasebook(minimal, "validate")  # any command finishes the interrupted edit
    assert result.returncode == 0, result.stderr
    portal = load_portal(minimal / "phases", minimal / "content", root=minimal)
    after = checksums(minimal)
    assert after == before or _is_complete(command, portal), "old or new, never half"
    assert leftovers(minimal) == []
    again = phasebook(minimal, *NEW[command])  # and the command can simply be run again
    if after == before:
        assert again.returncode == 0, again.stderr
    else:
        assert again.returncode == 1 and "already" in again.stderr, again.stderr


def _is_complete(command: str, portal) -> bool:
    if command == "phase":
        return [v.phase.id for v in portal.phases][-1] == "extra"
    if command == "guide":
        return "guide-extra" in portal.by_id and "guides/guide-extra.md" in portal.guides
    _, atx = portal.program("atx-start")
    return len(atx.sessions) == 3


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM])
@pytest.mark.parametrize("delay", [0.05, 0.2, 0.4])
def test_new_killed_at_any_moment_never_breaks_the_portal(
    minimal: Path, signum: int, delay: float
) -> None:
    process = start(minimal, *NEW["phase"])
    time.sleep(delay)
    family = descendants(process.pid) | {process.pid}
    process.send_signal(signum)
    process.communicate(timeout=60)
    assert wait_gone(family) == set()
    result = phasebook(minimal, "validate")
    assert result.returncode == 0, result.stderr
    assert leftovers(minimal) == []


PARENT = """
import os, signal, subprocess, sys
from generator.system.processes import child_env
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})  # as while a swap holds them
child = subprocess.Popen(
    [sys.executable, "-c", sys.argv[1]], env=child_env(background=True), stdout=subprocess.PIPE
)
print(child.pid, child.stdout.readline().decode().strip(), flush=True)
child.wait()
"""
CHILD = """
import os, time
from generator.system.processes import CHILD_ENV, as_child
as_child()
print(os.nice(0), CHILD_ENV in os.environ, flush=True)
time.sleep(60)
"""


@pytest.mark.parametrize("ending", ["killed parent", "forwarded signal"])
def test_the_previews_background_children_yield_the_cores_and_end_with_it(
    ending: str,
) -> None:
    """The search indexes a preview starts after a save (started without a fork of the
    preview, which stopped it 0.13 s at 10,000 programs): they run at a lower priority,
    leave no setting to their own children, take the signals a held swap would keep from
    them, and end when the preview is killed."""
    with subprocess.Popen(
        [sys.executable, "-c", PARENT, CHILD], cwd=ROOT, stdout=subprocess.PIPE, text=True
    ) as parent:
        assert parent.stdout is not None
        pid, nice, inherited = parent.stdout.readline().split()
        assert int(nice) == os.nice(0) + 10 and inherited == "False"
        if ending == "killed parent":
            parent.kill()
        else:
            os.kill(int(pid), signal.SIGTERM)
        parent.wait(timeout=30)
    assert wait_gone({int(pid)}) == set()


@pytest.mark.parametrize(
    "told",
    ["", "x", "1", "1 1 1", "-1 1", "１２ 1", "1 10", "1 99999999999999999999", " 1 1"],
)
def test_a_child_setting_that_is_not_ours_is_ignored(told: str) -> None:
    """A command run by hand with any other value where `child_env` writes "<pid> <0|1>":
    it runs at its own priority, is not ended for a parent it does not have, and passes the
    value on to nothing (never a traceback, never an exit without a word)."""
    child = "\n".join(CHILD.splitlines()[:-1])  # without the wait
    done = subprocess.run(
        [sys.executable, "-c", child],
        cwd=ROOT,
        env={**os.environ, "PHASEBOOK_CHILD_OF": told},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert done.stdout.split() == [str(os.nice(0)), "False"]
