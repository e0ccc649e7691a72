"""Data handed from a command to a child it started, through a pipe the child inherits.

The other languages' builds once read what they share with the first one from an environment
variable and polled for a file it named: any stray environment could set that variable
(malformed values gave tracebacks; a file that never appeared made a build wait forever),
and a killed build left the file's folder behind. A pipe has neither fault: only the process
that created it can write into it, nothing is left on disk whatever ends the command, and a
parent that dies closes its end, which the child reads as the end of the hand-over.

Each message is one line of JSON. The child reads with a deadline and checks, while it
waits, that the process that started it is still its parent.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import time

from generator.i18n.messages import tr

_SLICE = 0.5  # seconds between two checks that the parent is alive


class HandoverFailed(Exception):
    """The hand-over did not arrive whole; the message says why, on one line."""


def send(fd: int, value: dict) -> None:
    """Write `value` as one message on the write end `fd`, all of it (a pipe may take a long
    message in parts). Raises BrokenPipeError when the reader has ended."""
    data = memoryview((json.dumps(value, ensure_ascii=False) + "\n").encode("utf-8"))
    while data:
        data = data[os.write(fd, data) :]


class Receiver:
    """The read end of a hand-over pipe, in the child: messages in the order they were sent."""

    def __init__(self, fd: int, parent: int) -> None:
        self.fd = fd
        self.parent = parent  # the process that started this one, and holds the write end
        self.pending = bytearray()

    def receive(self, seconds: float) -> dict:
        """The next message (a JSON object), within `seconds`; HandoverFailed when the
        parent has ended, has closed the pipe, or has sent nothing whole in time."""
        deadline = time.monotonic() + seconds
        while b"\n" not in self.pending:
            if os.getppid() != self.parent:
                raise HandoverFailed(tr("the build that started this one has ended"))
            left = deadline - time.monotonic()
            if left <= 0:
                raise HandoverFailed(
                    tr("the first language's build sent nothing in {seconds} s").format(
                        seconds=round(seconds)
                    )
                )
            ready, _, _ = select.select([self.fd], [], [], min(left, _SLICE))
            if ready:
                chunk = os.read(self.fd, 1 << 16)
                if not chunk:
                    raise HandoverFailed(tr("the build that started this one has ended"))
                self.pending += chunk
        line, _, rest = bytes(self.pending).partition(b"\n")
        self.pending = bytearray(rest)
        try:
            message = json.loads(line.decode("utf-8"))
        except ValueError:
            message = None
        if not isinstance(message, dict):
            raise HandoverFailed(tr("the first language's build sent an unreadable message"))
        return message

    def close(self) -> None:
        with contextlib.suppress(OSError):  # already closed
            os.close(self.fd)
