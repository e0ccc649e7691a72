"""Ask each web address once whether it still answers, and what happened on the way.

HEAD first (no body crosses the network); GET when HEAD fails, because some servers refuse
HEAD (405, 501) or answer it wrongly. Redirects are followed one hop at a time, so that a
permanent one can say which address to write instead and a loop can be named. Each request
has its own deadline, and the run one in all; a host that does not answer (no connection,
no reply in time) is not asked again for its other addresses, so a dead host costs one
timeout, not one per link.

Why httpx on asyncio and not urllib in threads: a deadline here cancels the request
(asyncio), where a thread blocked in a socket read can be neither stopped nor left behind
(Python joins its threads at exit); httpx also takes proxies from HTTPS_PROXY / NO_PROXY,
writes IDNA host names and percent-encodes paths as browsers do, and trusts SSL_CERT_FILE
(or SSL_CERT_DIR) when set, as OpenSSL does, so a team behind its own certificate
authority can check its links.
"""

from __future__ import annotations

import asyncio
import errno
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass

import httpx

MAX_HOPS = 10  # as browsers stop at about 20, servers rarely need more than two or three
PER_HOST = 2  # requests at once to one host: a check must not look like an attack
PERMANENT = (301, 308)
AGENT = "Mozilla/5.0 (compatible; phasebook-check-links; +https://pypi.org/project/phasebook/)"

# The server answered: the same answer tomorrow is likely, so it may be kept a day.
ANSWERED = frozenset({"ok", "redirected", "moved", "status", "loop", "hops"})
# Nothing came back from the host: what a machine without a network gets for every link.
NO_ANSWER = frozenset({"resolver", "unreachable", "refused", "timeout", "proxy", "unanswered"})

# OpenSSL's certificate verification codes (X509_V_ERR_*), by what they mean to the team.
_TLS = {10: "expired", 9: "not-yet-valid", 62: "hostname", 64: "hostname", 23: "revoked"}
_TLS |= dict.fromkeys((2, 18, 19, 20, 21), "unknown-ca")


@dataclass(frozen=True)
class Outcome:
    """What one address gave: `code` (ok, redirected, moved, status, loop, hops, timeout,
    unanswered, refused, dns, resolver, unreachable, tls, proxy, invalid, broken) and its details,
    kept free of words so that the report says them in the team's language."""

    code: str
    status: int | None = None  # the last HTTP status
    target: str = ""  # where a redirect leads; a loop's addresses, joined by " → "
    detail: str = ""  # a TLS problem (expired, hostname, unknown-ca …) or an error's text
    seconds: float = 0  # the deadline that passed (timeout, unanswered)


@dataclass(frozen=True)
class Limits:
    timeout: float = 10.0  # seconds for one request
    total: float = 300.0  # seconds for the whole run
    jobs: int = 8  # requests at once


def probe(urls: list[str], limits: Limits) -> dict[str, Outcome]:
    """Each address's outcome; those the run's deadline cut off are `unanswered`."""
    if not urls:
        return {}
    return asyncio.run(_probe_all(urls, limits))


async def _probe_all(urls: list[str], limits: Limits) -> dict[str, Outcome]:
    client = httpx.AsyncClient(
        timeout=limits.timeout,
        headers={"User-Agent": AGENT, "Accept": "*/*"},
        limits=httpx.Limits(max_connections=limits.jobs),
    )
    async with client:
        asker = _Asker(client, limits)
        tasks = {url: asyncio.create_task(asker.check(url)) for url in urls}
        await asyncio.wait(tasks.values(), timeout=limits.total)
        for task in tasks.values():
            task.cancel()  # a no-op on those done; the rest end here, sockets closed
        await asyncio.gather(*tasks.values(), return_exceptions=True)
    return {
        url: task.result() if not task.cancelled() else Outcome("unanswered", seconds=limits.total)
        for url, task in tasks.items()
    }


class _Asker:
    """The requests of one run: at most `jobs` at once, PER_HOST to a host; a host that has
    given nothing back is not asked again (a slow page on a host that answers others is
    only that page's timeout)."""

    def __init__(self, client: httpx.AsyncClient, limits: Limits) -> None:
        self.client, self.timeout = client, limits.timeout
        self.gate = asyncio.Semaphore(limits.jobs)
        self.hosts: dict[str, asyncio.Semaphore] = {}
        self.answered: set[str] = set()  # hosts that sent an HTTP answer in this run
        self.silent: dict[str, Outcome] = {}  # hosts that did not: what the first try gave

    async def check(self, url: str) -> Outcome:
        try:
            host = _origin(url)
        except (httpx.InvalidURL, UnicodeError, ValueError) as exc:
            return Outcome("invalid", detail=str(exc))
        async with self.hosts.setdefault(host, asyncio.Semaphore(PER_HOST)), self.gate:
            if host in self.silent:
                return self.silent[host]
            try:
                outcome = await self._follow(url)
            # A link checker reads what any server on the web sends back: whatever goes
            # wrong becomes a line of the report, never a traceback.
            except Exception as exc:
                outcome = failure(exc, self.timeout)
        if outcome.code in (*NO_ANSWER, "dns") and host not in self.answered:
            self.silent.setdefault(host, outcome)
        return outcome

    async def _follow(self, url: str) -> Outcome:
        """Hop by hop to the page: the permanent redirects at the start say what to write."""
        chain, moved_to, permanent = [url], "", True
        for _ in range(MAX_HOPS + 1):
            response = await self._ask(chain[-1])
            location = response.headers.get("location")
            if not (response.is_redirect and location):
                return _arrived(response.status_code, chain, moved_to)
            hop = str(response.url.join(location))
            if hop in chain:
                return Outcome("loop", response.status_code, " → ".join([*chain, hop]))
            permanent = permanent and response.status_code in PERMANENT
            moved_to = hop if permanent else moved_to
            chain.append(hop)
        return Outcome("hops", response.status_code, chain[-1])

    async def _ask(self, url: str) -> httpx.Response:
        """HEAD, then GET (headers only) when HEAD gets an error."""
        async with asyncio.timeout(self.timeout):
            response = await self.client.head(url)
        self.answered.add(_origin(url))
        if response.status_code < 400:
            return response
        async with asyncio.timeout(self.timeout), self.client.stream("GET", url) as response:
            return response  # the body is never read: the connection closes with it


def _arrived(status: int, chain: list[str], moved_to: str) -> Outcome:
    if status >= 400:
        return Outcome("status", status, chain[-1] if len(chain) > 1 else "")
    if moved_to:
        return Outcome("moved", status, moved_to)
    return Outcome("redirected", status, chain[-1]) if len(chain) > 1 else Outcome("ok", status)


def _origin(url: str) -> str:
    parsed = httpx.URL(url)
    return f"{parsed.scheme}://{parsed.host}:{parsed.port or ''}"


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        grouped = getattr(current, "exceptions", None)  # anyio's task groups
        current = grouped[0] if grouped else current.__cause__ or current.__context__


def failure(exc: BaseException, timeout: float) -> Outcome:
    """What went wrong, from the exception and what caused it (httpx wraps the socket's
    and ssl's errors)."""
    if isinstance(exc, TimeoutError | httpx.TimeoutException):
        return Outcome("timeout", seconds=timeout)
    if isinstance(exc, httpx.ProxyError):
        return Outcome("proxy", detail=str(exc))
    if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol | UnicodeError):
        return Outcome("invalid", detail=str(exc))
    for cause in _causes(exc):
        if isinstance(cause, ssl.SSLCertVerificationError):
            return Outcome("tls", detail=_TLS.get(cause.verify_code, cause.verify_message))
        if isinstance(cause, ssl.SSLError):
            return Outcome("tls", detail=cause.reason or str(cause))
        if isinstance(cause, socket.gaierror):
            # The name server said the name does not exist; any other failure is its own.
            gone = cause.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", None))
            return Outcome("dns" if gone else "resolver", detail=str(cause))
        if isinstance(cause, ConnectionRefusedError):
            return Outcome("refused")
        if isinstance(cause, OSError) and cause.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
            return Outcome("unreachable", detail=str(cause))
    return Outcome("broken", detail=str(exc) or type(exc).__name__)
