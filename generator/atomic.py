"""Replace a directory (the site, the search index) only by a complete new one.

A build writes into a fresh directory beside its target, on the same file system, and then
renames it into place: a reader never sees half of one, and a failed build leaves the
previous one exactly as it was.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path


def install(staging: Path, target: Path) -> Path | None:
    """Put the complete `staging` in place of `target`. The old one is kept beside it and
    returned, for `restore` until the caller `discard`s it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    old = target.with_name(target.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    kept = None
    if target.exists():
        target.rename(old)
        kept = old
    shutil.move(staging, target)
    return kept


def restore(kept: Path | None, target: Path) -> None:
    """Undo `install`: the previous directory (or none) is back."""
    shutil.rmtree(target, ignore_errors=True)
    if kept is not None and kept.exists():
        kept.rename(target)


def staging_dir(target: Path) -> Path:
    """A new directory beside `target` (same file system, so `install` is a rename)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; a site must stay readable by a web server
    return staging


def discard(kept: Path | None) -> None:
    """Drop what `install` kept, once the new directory is known to be good."""
    if kept is not None:
        shutil.rmtree(kept, ignore_errors=True)
