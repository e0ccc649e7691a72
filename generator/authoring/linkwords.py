"""What `check-links` says of each link, in the team's language: what happened and what to
do about it, and the report of a whole run."""

from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from generator.authoring.probe import MAX_HOPS, Outcome
from generator.i18n.messages import N_, tr

if TYPE_CHECKING:
    from generator.authoring.links import Checked

SHOWN = 120  # characters of an address shown in a line; a longer one is cut with "…"

_HEADINGS = {
    "dead": N_("Dead links ({count}):"),
    "look": N_("To look at ({count}):"),
    "info": N_("For information ({count}):"),
}

_TLS = {
    "expired": N_(
        "TLS: the certificate has expired: browsers refuse the page; tell the site's owner"
    ),
    "not-yet-valid": N_("TLS: the certificate is not valid yet (or this machine's clock is wrong)"),
    "hostname": N_(
        "TLS: the certificate is for another host name: browsers refuse the page; check the address"
    ),
    "revoked": N_("TLS: the certificate was revoked: browsers refuse the page"),
    "unknown-ca": N_(
        "TLS: the certificate is signed by an authority this machine does not trust (if your "
        "network uses its own certificate authority, point SSL_CERT_FILE at its certificate)"
    ),
}

_SIMPLE = {
    "timeout": N_(
        "no answer within {seconds} s: the server may be down or slow; try it in a browser"
    ),
    "unanswered": N_(
        "not checked: the run's time limit ({seconds} s, --max-time) was reached first"
    ),
    "refused": N_("connection refused: nothing answers at {host}; check the address"),
    "dns": N_("host not found: {host} does not exist (a typo, or a domain given up)"),
    "resolver": N_("the name server did not answer for {host} ({detail}): try again later"),
    "unreachable": N_("network unreachable: {host} cannot be reached from here ({detail})"),
    "proxy": N_("the proxy failed ({detail}): check HTTPS_PROXY"),
    "broken": N_("the server's answer could not be read ({detail}); try it in a browser"),
    "invalid": N_("not a valid address ({detail}): correct it"),
    "loop": N_(
        "redirect loop: {target}: browsers give up; tell the site's owner, or link another page"
    ),
    "hops": N_("more than {hops} redirects (the last to {target}): link the page they lead to"),
    "moved": N_("moved permanently to {target}: write the new address instead"),
    "redirected": N_("redirects to {target} (temporary): keep the address as written"),
    "mailto": N_("mailto: '{detail}' is not an e-mail address: write name@example.com"),
    "javascript": N_("a javascript: link runs script and the build refuses it: remove it"),
    "data": N_("a data: link embeds a file and the build refuses it: link a page instead"),
    "vbscript": N_("a vbscript: link runs script and the build refuses it: remove it"),
    "file": N_(
        "a file: link opens a file on the author's computer, never on the customer's: link a "
        "page on the web"
    ),
    "scheme": N_("not checked: {detail}: links are not checked"),
    "long": N_(
        "an address of {detail} characters: many servers and tools refuse one over 2,048; "
        "link a shorter address"
    ),
}


def describe(outcome: Outcome, url: str = "") -> str:
    """What happened, and what to do."""
    code, status = outcome.code, outcome.status or 0
    if code == "status":
        return _status(status) + (
            " " + tr("(after redirects, at {target})").format(target=_short(outcome.target))
            if outcome.target
            else ""
        )
    if code == "tls":
        text = _TLS.get(outcome.detail)
        return tr(text) if text else tr("TLS: {detail}").format(detail=outcome.detail)
    return tr(_SIMPLE[code]).format(
        seconds=f"{outcome.seconds:g}",
        host=urlsplit(url).hostname or url,
        detail=outcome.detail,
        target=_short(outcome.target),
        status=status,
        hops=MAX_HOPS,
    )


def _status(status: int) -> str:
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = ""
    head = f"{status} {reason}".strip()
    if status in (404, 410):
        what = tr("the page is gone: link its new address, or remove the link")
    elif status >= 500:
        what = tr("the server failed: if it still does next week, tell the site's owner")
    elif status in (401, 403, 407, 429):
        what = tr(
            "the server refused the checker (a sign-in, or no robots): open it in a browser "
            "to confirm"
        )
    else:
        what = tr("the server refuses this address: check it in a browser and correct it")
    return f"{head}: {what}"


def _short(url: str) -> str:
    return url if len(url) <= SHOWN else url[: SHOWN - 1] + "…"


def as_text(checked: Checked) -> str:
    """The links to act on, grouped (dead first), then one line of totals."""
    lines = []
    for level in ("dead", "look", "info"):
        found = [f for f in checked.findings if f.severity == level]
        if found:
            lines.append(tr(_HEADINGS[level]).format(count=len(found)))
            lines += [
                f"  {f.place.file}:{f.place.line}:{f.place.column}: {_short(f.place.url)}: "
                + describe(f.outcome, f.place.url)
                for f in found
            ]
            lines.append("")
    counts = {level: sum(f.severity == level for f in checked.findings) for level in _HEADINGS}
    lines.append(
        tr(
            "Checked {links} links ({addresses} addresses, {cached} answered within the last "
            "day) in {seconds:.1f} s: {dead} dead, {look} to look at, {info} for information."
        ).format(
            links=len(checked.findings),
            addresses=checked.addresses,
            cached=checked.cached,
            seconds=checked.seconds,
            **counts,
        )
    )
    return "\n".join(lines)
