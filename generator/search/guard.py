"""What `phasebook serve` says to malformed or hostile HTTP, before any of it reaches the app.

uvicorn's h11 protocol parses requests; this subclass adds what it leaves out. A request
with both Content-Length and Transfer-Encoding is refused and its connection closed (RFC
9112 §6.3: the two framings disagree, and a proxy in front may have read the other one: the
"second request" hidden in it is never served). An oversized target gets 414 and an
oversized head 431 rather than a reset; HTTP/2 (its preface included) gets 505; a request
head must be complete within HEAD_SECONDS of the server starting to wait for it, however
slowly its bytes trickle in. Every refusal is a short text answer with `nosniff`, written
once and followed by a lingering close, and no malformed input makes a traceback.

Imported by `server.serve` only: importing the app needs no server.
"""

from __future__ import annotations

import asyncio
import http

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol, RequestResponseCycle

# A query of 500 CJK characters is 4.5 KiB encoded; a bad parameter of 10,000 characters still
# gets the API's own JSON answer saying what to correct.
MAX_TARGET = 16 * 1024
MAX_HEAD = 32 * 1024  # the whole head: h11's limit too, for one that arrives in pieces
HEAD_SECONDS = 10  # from waiting for a request to having its whole head
LINGER_SECONDS = 2  # reading what a refused client still sends, so it reads the answer

HINTS = {
    400: "malformed request",
    408: f"the request head took over {HEAD_SECONDS} s: send it at once",
    414: f"the request target is over {MAX_TARGET // 1024} KiB: shorten the query",
    431: f"the request head is over {MAX_HEAD // 1024} KiB: send fewer or shorter headers",
    505: "only HTTP/1.0 and HTTP/1.1 are served here",
}


class Refused(h11.RemoteProtocolError):
    """A request h11 parsed but this server will not serve; the status says why."""


class CheckedConnection(h11.Connection):
    """h11's connection, refusing the requests it accepts but this server must not, and
    remembering why it refused the last one (uvicorn's handler is only told that it did)."""

    refused: h11.RemoteProtocolError | None = None

    def next_event(self):  # type: ignore[override]
        try:
            event = super().next_event()
            if isinstance(event, h11.Request):
                _check(event)
        except h11.RemoteProtocolError as exc:
            self.refused = exc
            raise
        return event


def _check(request: h11.Request) -> None:
    if request.http_version not in (b"1.0", b"1.1"):
        raise Refused(HINTS[505], error_status_hint=505)
    if len(request.target) > MAX_TARGET:
        raise Refused(HINTS[414], error_status_hint=414)
    names = [name for name, _ in request.headers]  # h11 gives them lowercased
    if b"content-length" in names and b"transfer-encoding" in names:
        message = "Content-Length and Transfer-Encoding together: send only one"
        raise Refused(message, error_status_hint=400)
    size = len(request.target) + sum(len(n) + len(v) + 4 for n, v in request.headers)
    if size > MAX_HEAD:
        raise Refused(HINTS[431], error_status_hint=431)


def status_of(error: h11.RemoteProtocolError, unread: bytes) -> tuple[int, str]:
    """The answer to a request h11 or `_check` refused. h11 stops reading a head over its
    limit with a hint of 431; a target is what is too long when no line has ended yet."""
    status = error.error_status_hint
    if isinstance(error, Refused):
        return status, str(error)
    if status == 431 and b"\n" not in unread:
        return 414, HINTS[414]
    if status == 431:
        return 431, HINTS[431]
    return status, f"{HINTS[400]}: {error}"  # h11's hint: 400, or 501 for an unknown coding


class GuardedProtocol(H11Protocol):
    """uvicorn's h11 protocol with the checks above, a deadline for each request head, and
    an idle timer from the moment a connection opens (uvicorn starts it only after a first
    answer, so a connection that never sends a request would be held for ever)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.conn = CheckedConnection(h11.SERVER, MAX_HEAD)
        self.deadline: asyncio.TimerHandle | None = None
        self.lingering = False

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.timeout_keep_alive_task = self.loop.call_later(
            self.timeout_keep_alive, self.timeout_keep_alive_handler
        )
        self._wait_for_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_deadline()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.lingering:  # refused: what still comes is read and dropped
            return
        super().data_received(data)

    def handle_events(self) -> None:
        cycle = self.cycle
        super().handle_events()
        if self.cycle is not cycle:  # a whole request head arrived: the app has it now
            self._cancel_deadline()
            # Before the app runs (a task, started on the loop's next turn).
            self.cycle.transport = OneSend(self.transport, self.cycle)

    def on_response_complete(self) -> None:
        # Before uvicorn reads a pipelined request, which cancels this deadline again.
        self._wait_for_head()
        super().on_response_complete()

    def send_400_response(self, msg: str) -> None:
        """uvicorn's answer to anything h11 refused (and to what `_check` refused): the right
        status, said once, with `nosniff`, and never a traceback whatever state h11 is in."""
        error = self.conn.refused or h11.RemoteProtocolError(msg, error_status_hint=400)
        self.refuse(*status_of(error, self.conn.trailing_data[0]))

    def refuse(self, status: int, message: str) -> None:
        """Answer `status` unless an answer to this request has begun, then close: after
        this request nothing on the connection can be trusted to be framed as it seems."""
        if self.lingering or self.transport.is_closing():
            return
        self._cancel_deadline()
        self._unset_keepalive_if_required()
        cycle = self.cycle
        answered = cycle is not None and cycle.response_started and not cycle.response_complete
        if cycle is not None:
            cycle.disconnected = True  # the app's own answer, if it comes, is dropped
        if not answered and self.conn.our_state in (h11.IDLE, h11.SEND_RESPONSE):
            self.transport.write(_answer(status, message))
        self.lingering = True
        self.flow.resume_reading()  # paused for a pipelined request: drain it too
        if self.transport.can_write_eof():
            self.transport.write_eof()
            self.loop.call_later(LINGER_SECONDS, self.transport.close)
        else:
            self.transport.close()

    def _wait_for_head(self) -> None:
        self._cancel_deadline()
        self.deadline = self.loop.call_later(HEAD_SECONDS, self._head_too_slow)

    def _cancel_deadline(self) -> None:
        if self.deadline is not None:
            self.deadline.cancel()
            self.deadline = None

    def _head_too_slow(self) -> None:
        self.deadline = None
        if self.conn.trailing_data[0]:  # part of a head: say why it is closed
            self.refuse(408, HINTS[408])
        elif not self.transport.is_closing():
            self.transport.close()


class OneSend:
    """The transport as one response writes to it: the head (status line and headers) is
    held until the body's first bytes, and both leave in one send. uvicorn writes them
    apart, two system calls and two TCP segments for every answer, and on loopback the
    sends were the largest part of the CPU an answer from the cache costs."""

    def __init__(self, transport: asyncio.Transport, cycle: RequestResponseCycle) -> None:
        self.transport, self.cycle = transport, cycle
        self.head: bytes | None = None
        self.sent_head = False

    def write(self, data: bytes) -> None:
        if self.cycle.response_started and not self.sent_head:  # uvicorn writes the head
            self.head, self.sent_head = data, True  # (a 100 Continue before it goes at once)
            return
        if self.head is not None:
            data, self.head = self.head + data, None
        self.transport.write(data)

    def close(self) -> None:
        if self.head is not None:  # the app failed after the head: send what there is
            self.transport.write(self.head)
            self.head = None
        self.transport.close()

    def __getattr__(self, name: str) -> object:  # is_closing and the rest: the transport's
        return getattr(self.transport, name)


def _answer(status: int, message: str) -> bytes:
    body = (message + "\n").encode()
    head = (
        f"HTTP/1.1 {status} {http.HTTPStatus(status).phrase}\r\n"
        "content-type: text/plain; charset=utf-8\r\n"
        f"content-length: {len(body)}\r\n"
        "connection: close\r\n"
        "x-content-type-options: nosniff\r\n"
        "\r\n"
    )
    return head.encode() + body
