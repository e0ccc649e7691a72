"""Another language's build: `python -m site_plugins.twin FD ENGINE ARGS…`, started by the
first language's (`languages.start_twin`), reading what they share from pipe FD.

This module imports nothing of MkDocs: the engine it runs must be the first to import its
own modules (ProperDocs stands in for `mkdocs` only when it is), so the plugin reads what
was received from here once the engine has loaded it.
"""

from __future__ import annotations

import os
import runpy
import sys
from datetime import datetime

from generator.build import engine
from generator.i18n.messages import tr
from generator.system import handover
from generator.text.errors import printable

MAIN = "site_plugins.twin"
# How long another language's build waits for the first one: for what they share (sent
# before the process exists, so at once) and for the related content (sent when the first
# build's index worker has found it, which takes seconds: only a stuck build waits this long).
START_SECONDS = 60.0
RELATED_SECONDS = 900.0

_handed: dict | None = None  # in another language's build: what the first one sent


class TwinFailed(RuntimeError):
    """The first language's build sent nothing usable in time; the message says why."""


def twin_of() -> dict | None:
    """What the first language's build shares with this one, when this is another
    language's build; `related` then waits for the related content. Nothing else (no
    environment variable, no file) can make a build another language's."""
    return _handed


def main(argv: list[str]) -> None:
    """Read what the first build shares, then run the engine with ARGS as its own command."""
    global _handed
    try:
        fd, name, args = int(argv[0]), argv[1], argv[2:]
        if name not in engine.ENGINES:
            raise ValueError(name)
    except (IndexError, ValueError):
        sys.exit(tr("this runs only as another language's build, started by `mkdocs build`"))
    receiver = handover.Receiver(fd, os.getppid())
    try:
        shared = receiver.receive(START_SECONDS)
        if not isinstance(shared.get("lang"), str):
            raise ValueError(shared)
        datetime.fromisoformat(shared["now"])
    except handover.HandoverFailed as exc:
        sys.exit(str(exc))
    except (OSError, KeyError, TypeError, ValueError):  # not a pipe from start_twin
        sys.exit(tr("the first language's build sent an unreadable message"))
    _handed = {**shared, "related": lambda: _related(receiver)}
    sys.argv = [name, *args]
    runpy.run_module(name, run_name="__main__", alter_sys=True)


def _related(receiver: handover.Receiver) -> dict[str, list[str]]:
    """The related content, once the first language's build has found it."""
    try:
        related = receiver.receive(RELATED_SECONDS)
    except (handover.HandoverFailed, OSError) as exc:
        raise TwinFailed(printable(str(exc))) from None
    finally:
        receiver.close()
    return related


if __name__ == "__main__":
    from site_plugins.twin import main as twin_main  # the module the plugin reads

    twin_main(sys.argv[1:])
