"""Several worker processes answering on one listening socket, and a supervisor that ends
them all with itself.

Forked, not spawned: a worker starts at once with what the supervisor has imported (uvicorn's
own `--workers` starts fresh interpreters that import the whole command again, seconds on a
busy machine, and a Ctrl+C in those seconds printed a traceback per worker). The kernel hands
each new connection to one worker waiting on the shared socket.

Signals: Ctrl+C reaches every process of the terminal's group, so workers hold SIGINT and
SIGHUP and leave the stopping to the supervisor, which sends each worker SIGTERM (finish the
requests under way, then exit), waits, and kills what is left. A supervisor killed outright
takes its workers with it (`processes.end_with`). A worker that dies is replaced; workers that
keep dying right after they start stop the server with one line, not a restart loop.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
import time
import traceback
from collections.abc import Callable

from generator.i18n.messages import tr
from generator.system import processes

STOP = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
HELD = {signal.SIGINT, signal.SIGHUP}  # in workers: the supervisor stops them
POLL_SECONDS = 0.1
EARLY_SECONDS = 2.0  # a worker that dies this soon after it started failed to start
EARLY_DEATHS = 3  # in a row: the next one would fail the same way
ACCEPTS = 4  # connections a worker accepts at a time


class WorkersFailing(Exception):
    """Workers died as they started, again and again; the message says so."""


class Supervisor:
    def __init__(self, serve: Callable[[socket.socket], None], sock: socket.socket) -> None:
        self.serve, self.sock = serve, sock
        self.started: dict[int, float] = {}  # worker pid: when it was forked
        self.early = 0
        self.received: list[int] = []

    def run(self, count: int, stop_seconds: float) -> None:
        """Keep `count` workers serving until a stop signal; then stop them all, waiting at
        most `stop_seconds` for the requests under way."""
        previous = {sig: signal.signal(sig, self._on_signal) for sig in STOP}
        try:
            for _ in range(count):
                self._fork()
            while not self.received:
                self._replace_the_dead()
                time.sleep(POLL_SECONDS)
        finally:
            self._stop_all(stop_seconds)
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _on_signal(self, signum: int, _frame: object) -> None:
        self.received.append(signum)

    def _fork(self) -> None:
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the worker: never returns into the supervisor's code
            os._exit(self._work(parent))
        self.started[pid] = time.monotonic()

    def _work(self, parent: int) -> int:
        try:
            for sig in STOP:
                signal.signal(sig, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_BLOCK, HELD)
            processes.end_with(parent)
            self.serve(self.sock)
            return 0
        except BaseException:  # a worker's own failure, said on stderr; the supervisor goes on
            traceback.print_exc()
            return 1
        finally:
            sys.stderr.flush()

    def _replace_the_dead(self) -> None:
        for pid, how in self._reap():
            if self.received:  # stopping: nothing to replace
                return
            lived = time.monotonic() - self.started.pop(pid)
            self.early = self.early + 1 if lived < EARLY_SECONDS else 0
            if self.early >= EARLY_DEATHS:
                raise WorkersFailing(
                    tr("Workers keep ending as they start ({how}): see the messages above").format(
                        how=how
                    )
                )
            message = tr("A worker ended ({how}); another takes its place").format(how=how)
            print(message, file=sys.stderr, flush=True)
            self._fork()

    def _reap(self) -> list[tuple[int, str]]:
        """The workers that have ended since last asked, and how each ended."""
        ended = []
        for pid in list(self.started):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                ended.append((pid, _how(status)))
        return ended

    def _stop_all(self, seconds: float) -> None:
        for pid in self.started:
            _signal(pid, signal.SIGTERM)
        deadline = time.monotonic() + seconds
        while self.started and time.monotonic() < deadline:
            for pid, _ in self._reap():
                self.started.pop(pid)
            time.sleep(POLL_SECONDS / 2)
        for pid in self.started:  # still busy after the grace period
            _signal(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        self.started.clear()


class AFewAtATime(socket.socket):
    """The shared listening socket as one worker accepts on it: at most ACCEPTS connections
    each time its event loop comes round to it. asyncio accepts until none is waiting, so
    the worker that woke first took a burst whole: 20 clients connecting at once all went to
    one worker, which then served every request of their kept-alive connections while the
    other idled. Taking a few and leaving the next to whichever worker is free first spreads
    them; one at a time cost a turn of the loop per connection, 0.1 ms of CPU each."""

    took = 0

    def accept(self) -> tuple[socket.socket, object]:
        if self.took >= ACCEPTS:  # asyncio stops at this and comes back on the loop's next turn
            self.took = 0
            raise BlockingIOError
        try:
            found = super().accept()
        except BlockingIOError:
            self.took = 0
            raise
        self.took += 1
        return found


def a_few_at_a_time(sock: socket.socket) -> AFewAtATime:
    """`sock` (its own copy: the caller still closes its own) accepting a few at a time."""
    return AFewAtATime(sock.family, sock.type, sock.proto, fileno=os.dup(sock.fileno()))


def _signal(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # ended meanwhile; reaped below
        os.kill(pid, signum)


def _how(status: int) -> str:
    if os.WIFSIGNALED(status):
        return signal.Signals(os.WTERMSIG(status)).name
    return f"exit {os.waitstatus_to_exitcode(status)}"
