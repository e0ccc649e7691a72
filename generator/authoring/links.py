"""`phasebook check-links`: is every address a customer may click still alive?

A registration link or a recording dies quietly: the author fixes what they can see, and a
dead link stays hidden until a customer clicks it. This finds every external link in the
sources (linksources.py), asks each address once however often it is written
(probe.py), keeps what servers answered for a day under .phasebook/, and reports each
dead or moved link at every place it is written, with what to do.

Dead links (404, 410, a TLS error, a host that does not exist, a redirect loop …) fail the
command; what may pass by itself or needs a person to look (a 5xx, a timeout, a server
that refuses robots, a permanent redirect) fails it only with `--strict`; a temporary
redirect is information. So the weekly CI run turns red only for what a customer would
certainly hit.
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from generator.authoring import linkwords
from generator.authoring.linksources import Place, find_links
from generator.authoring.probe import ANSWERED, NO_ANSWER, Limits, Outcome, probe
from generator.build.project import STATE, CommandError
from generator.i18n.messages import tr

CACHE = f"{STATE}/links.json"
DAY = 24 * 60 * 60
MAX_LENGTH = 2048  # what sitemaps and many tools accept; servers refuse from about 8 KB
HOSTILE = frozenset({"javascript", "data", "vbscript"})  # what the build refuses in guides
# A mailbox as RFC 5322 allows it in practice: something@a.domain, nothing around it.
_MAILBOX = re.compile(r"[^@\s<>(),;:\"\[\]]+@[^@\s<>(),;:\"\[\]]+\.[^@\s<>(),;:\"\[\].]+")
# What may pass by itself, or what a person should look at: never a certain dead end.
_LOOK = frozenset({"moved", "timeout", "unanswered", "resolver", "unreachable", "proxy"})
_LOOK |= {"broken", "long"}


@dataclass(frozen=True)
class Finding:
    place: Place
    outcome: Outcome
    severity: str  # dead, look, info or ok


@dataclass(frozen=True)
class Checked:
    """One run: every link with what it gave, and what it cost."""

    findings: list[Finding]
    addresses: int  # distinct addresses
    cached: int  # of them answered within the last day, and not asked again
    seconds: float

    def failed(self, strict: bool) -> bool:
        """Dead links fail the command; with --strict, anything worth a look does too."""
        failing = {"dead", "look"} if strict else {"dead"}
        return any(f.severity in failing for f in self.findings)


def check_links(root: Path, limits: Limits, *, fresh: bool = False) -> Checked:
    """Every external link of the project at `root`, checked."""
    started = time.monotonic()
    places = find_links(root)
    urls = sorted({p.url for p in places})
    outcomes = {url: o for url in urls if (o := offline(url)) is not None}
    cache = _read_cache(root)
    known = {} if fresh else cache
    remembered = {u: known[u]["outcome"] for u in urls if u in known and u not in outcomes}
    outcomes |= remembered
    ask = [url for url in urls if url not in outcomes]
    asked = probe(ask, limits)
    _refuse_no_network(asked)
    outcomes |= asked
    now = time.time()
    answered = {u: {"at": now, "outcome": o} for u, o in asked.items() if o.code in ANSWERED}
    _write_cache(root, cache | answered)
    findings = [Finding(p, outcomes[p.url], severity(outcomes[p.url])) for p in places]
    return Checked(findings, len(urls), len(remembered), time.monotonic() - started)


def offline(url: str) -> Outcome | None:
    """What can be said without the network: mailto: syntax, hostile or local schemes,
    addresses too long; None for an address to ask."""
    scheme = url.partition(":")[0].lower() if ":" in url.split("/")[0] else "https"
    if scheme == "mailto":
        boxes = unquote(urlsplit(url).path).split(",")
        bad = [b for b in boxes if not _MAILBOX.fullmatch(b.strip())]
        return Outcome("mailto", detail=bad[0].strip()) if bad else Outcome("ok")
    if scheme in HOSTILE or scheme == "file":
        return Outcome(scheme)
    if scheme not in ("http", "https"):
        return Outcome("scheme", detail=scheme)
    if len(url) > MAX_LENGTH:
        return Outcome("long", detail=str(len(url)))
    try:
        parts = urlsplit(url)
        _ = parts.port  # a port out of range raises, as a broken IPv6 address does
    except ValueError as exc:
        return Outcome("invalid", detail=str(exc))
    return None if parts.hostname else Outcome("invalid", detail=tr("no host name"))


def severity(outcome: Outcome) -> str:
    """dead: a customer certainly hits it; look: a person should look (it may pass by
    itself, or the checker was refused); info: nothing to fix; ok."""
    code, status = outcome.code, outcome.status or 0
    if code == "ok" or (code == "mailto" and not outcome.detail):
        return "ok"
    if code in ("redirected", "scheme"):
        return "info"
    if code == "status":
        doubtful = status >= 500 or status in (401, 403, 407, 429)
        return "look" if doubtful else "dead"
    return "look" if code in _LOOK else "dead"


def _refuse_no_network(asked: dict[str, Outcome]) -> None:
    """No host answered at all: the machine is offline (or its proxy is), and a report of
    every link as dead would send the team fixing links that are fine."""
    hosts = {urlsplit(url).hostname for url in asked}
    if len(hosts) < 2 or any(o.code not in NO_ANSWER for o in asked.values()):
        return
    url, first = next(iter(asked.items()))
    raise CommandError(
        tr(
            "No link could be checked: none of the {hosts} hosts answered ({error}). Is this "
            "machine offline, or behind a proxy (HTTPS_PROXY)? Nothing was reported dead."
        ).format(hosts=len(hosts), error=linkwords.describe(first, url))
    )


def _read_cache(root: Path) -> dict[str, dict]:
    """The answers of the last day, as stored; a cache missing or unreadable is none, and an
    entry that is not an answer as this version writes it is left out."""
    try:
        data = json.loads((root / CACHE).read_text(encoding="utf-8"))["checked"]
        now = time.time()
        kept = {}
        for url, entry in data.items():
            outcome = Outcome(**entry["outcome"])
            if 0 <= now - entry["at"] < DAY and _sound(outcome):
                kept[url] = {"at": entry["at"], "outcome": outcome}
        return kept
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _sound(outcome: Outcome) -> bool:
    return (
        outcome.code in ANSWERED
        and (outcome.status is None or type(outcome.status) is int)
        and isinstance(outcome.target, str)
        and isinstance(outcome.detail, str)
    )


def _write_cache(root: Path, kept: dict[str, dict]) -> None:
    """Replaced in one step, so that a run killed midway leaves the previous cache."""
    path = root / CACHE
    data = {url: {"at": e["at"], "outcome": asdict(e["outcome"])} for url, e in kept.items()}
    try:
        path.parent.mkdir(exist_ok=True)
        staging = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        staging.write_text(json.dumps({"version": 1, "checked": data}, indent=1, sort_keys=True))
        os.replace(staging, path)
    except OSError:
        pass  # a read-only project is checked all the same, only not remembered
