"""The `requirements.txt` that `init` writes: the line that tells the portal's CI where to
install Phasebook from, found from where this Phasebook was installed from (PEP 610's
direct_url.json), because a pin such as `phasebook==0.1.0` is served by no public index."""

from __future__ import annotations

import json
import subprocess
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlparse

_HEADER = """\
# What CI installs (.github/workflows/portal.yml): Phasebook, from wherever your team keeps
# it. One line says where, as pip reads it; uncomment one of these, or keep the one below:
# a git URL, at a tag or a commit:
#   phasebook @ git+https://github.com/your-org/phasebook@v{version}
# a wheel (or a checkout) kept in this repository:
#   ./tools/phasebook-{version}-py3-none-any.whl
# a package index, named on a line above it (--index-url https://pypi.example.com/simple/):
#   phasebook=={version}
"""
_UNKNOWN = """\
# init could not tell where this Phasebook came from (a checkout with no `origin` that CI can
# reach): write one of the lines above, or CI stops at its first step and says so.
"""
# Remotes a CI runner can clone from; a path on the author's machine is not one.
_REACHABLE = ("https://", "http://", "ssh://", "git@")


def requirements_txt() -> bytes:
    try:
        dist = metadata.distribution("phasebook")
    except metadata.PackageNotFoundError:
        return (_HEADER.format(version="0.1.0") + _UNKNOWN).encode()
    line = installed_from(dist)
    return (_HEADER.format(version=dist.version) + (f"{line}\n" if line else _UNKNOWN)).encode()


def installed_from(dist: metadata.Distribution) -> str | None:
    """The requirement that installs this very Phasebook again elsewhere, or None."""
    raw = dist.read_text("direct_url.json")
    if raw is None:  # installed from a package index: the same index serves it
        return f"phasebook=={dist.version}"
    info = json.loads(raw)
    url = info.get("url", "")
    if "vcs_info" in info:
        vcs = info["vcs_info"]
        return f"phasebook @ {vcs.get('vcs', 'git')}+{url}@{vcs['commit_id']}"
    if "archive_info" in info and url.startswith("https://"):
        return f"phasebook @ {url}"
    if "dir_info" in info and url.startswith("file://"):
        return checkout_requirement(Path(unquote(urlparse(url).path)))
    return None


def checkout_requirement(checkout: Path) -> str | None:
    """A git checkout (the README's `./dev` newcomer): its `origin` at the commit checked
    out, when a CI runner can reach that remote."""
    origin, commit = (
        _git(checkout, "remote", "get-url", "origin"),
        _git(checkout, "rev-parse", "HEAD"),
    )
    if not origin or not commit or not origin.startswith(_REACHABLE):
        return None
    if origin.startswith("git@"):  # scp-like git@host:path, which pip does not read
        host, _, path = origin[len("git@") :].partition(":")
        origin = f"ssh://git@{host}/{path}"
    return f"phasebook @ git+{origin}@{commit}"


def _git(checkout: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(checkout), *args], capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None
