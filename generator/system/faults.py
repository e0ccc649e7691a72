"""Named points where the fault-injection tests kill a real process.

`PHASEBOOK_KILL_AT=<point>` makes the process kill itself with SIGKILL when it reaches that
point, the way a power cut or `kill -9` would: no handler runs, nothing is cleaned up.
`<point>:SIGTERM` (or another signal's name) sends that signal instead, the way a service
manager or a closed terminal would. The tests then check that the next run finds the
sources, the site and the index intact. Without the variable a point costs one dictionary
look-up.
"""

from __future__ import annotations

import os
import signal

VARIABLE = "PHASEBOOK_KILL_AT"


def point(name: str) -> None:
    wanted, _, signame = os.environ.get(VARIABLE, "").partition(":")
    if wanted == name:
        os.kill(os.getpid(), signal.Signals[signame or "SIGKILL"])
