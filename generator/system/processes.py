"""Child processes that end with the command that started them, whatever ends it.

`phasebook build` runs MkDocs in a child, which runs the index worker in another. Killed
with SIGKILL, a parent cannot clean up: the kernel's parent-death signal (Linux) ends each
child with it instead, so no orphan goes on to install an index beside the old site.
SIGTERM, SIGHUP and Ctrl+C are passed on to the child, and the command then exits as
interrupted.
A step that must not be cut in half (a journaled swap) holds those signals until it ends.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

_PR_SET_PDEATHSIG = 1
_FORWARDED = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)


class Interrupted(Exception):
    """The command was asked to stop (SIGTERM, SIGHUP, Ctrl+C) and its child has ended."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def die_with_parent() -> Callable[[], None]:
    """A `preexec_fn`: the child gets SIGKILL when its parent dies (Linux only; elsewhere
    the forwarded signals still stop it). A parent killed while it was forking the child
    dies before the child can ask: the child sees it has another parent, and exits."""
    parent = os.getpid()
    return lambda: _bound_to(parent)


def _bound_to(parent: int) -> None:
    """Killed with `parent`; and a child started while a build holds its signals
    (`held_signals`) must not inherit the hold: the signals forwarded to it stop it."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _FORWARDED)
    end_with(parent, signal.SIGKILL)


# A Python child of ours (`python -m generator.…`) started with `child_env` finds here whom
# to end with and at what priority, and sets both up itself (`as_child`).
CHILD_ENV = "PHASEBOOK_CHILD_OF"
BACKGROUND_NICE = 10  # the preview's work after a save yields the cores to the next save


_CHILD_OF = re.compile(r"([0-9]+) ([01])")  # the parent's pid, and 1 in the background


def child_env(background: bool = False) -> dict[str, str]:
    """The environment of a Python child of ours, which calls `as_child()` first and so
    does what `die_with_parent` (and, in the `background`, a lower priority) would, without
    a `preexec_fn`: with one, Python forks this whole process to start the child, and
    forking the preview at 10,000 programs (3 GB) stops it 0.13 s, its lock held."""
    return {**os.environ, CHILD_ENV: f"{os.getpid()} {int(background)}"}


def as_child() -> None:
    """First thing in a child started with `child_env`: end with the parent (or now, if it
    is already gone), take the forwarded signals again (a hold is inherited), lower the
    priority in the background. Its own children do not inherit the setting."""
    told = _CHILD_OF.fullmatch(os.environ.pop(CHILD_ENV, ""))
    if told is None:
        return  # not started by us as a child: a command run by hand
    _bound_to(int(told[1]))
    if told[2] == "1":
        os.nice(BACKGROUND_NICE)


def end_with(parent: int, signum: int = signal.SIGTERM) -> None:
    """Get `signum` when `parent` dies (Linux), or exit now if it already has. For a child
    another library started (uvicorn's workers, which then shut down as on any SIGTERM)."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def cores() -> int:
    """The cores this process may run on (its CPU affinity, as a container or `taskset`
    limits it), not the machine's: one worker per core is as many as can run at once."""
    counted = getattr(os, "process_cpu_count", None)  # Python 3.13
    if counted is not None:
        return counted() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def run(command: Sequence[str], env: dict[str, str] | None = None) -> int:
    """Run `command` to its end and return its exit code; raise Interrupted if a signal
    asked this process to stop meanwhile (the child got the same signal)."""
    child = subprocess.Popen(command, env=env, preexec_fn=die_with_parent())
    received: list[int] = []

    def forward(signum: int, _frame: object) -> None:
        received.append(signum)
        child.send_signal(signum)

    previous = {sig: signal.signal(sig, forward) for sig in _FORWARDED}
    # Inside `held_signals` (a build's staging made, its swap to come), a signal held so
    # far is forwarded now, and one after the child ends waits again for the block's end.
    mask = signal.pthread_sigmask(signal.SIG_UNBLOCK, _FORWARDED)
    try:
        code = child.wait()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if received:
        raise Interrupted(received[0])
    return code


@contextmanager
def held_signals() -> Iterator[None]:
    """SIGTERM, SIGHUP and Ctrl+C wait until the block has ended, then take effect as usual:
    a swap they interrupted would leave a journal for the next run to finish, and the site
    half old, half new until then. SIGKILL cannot wait; the journal covers it."""
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, _FORWARDED)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # nested: still held by the outer
