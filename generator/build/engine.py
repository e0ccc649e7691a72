"""The engine that builds and previews the site: MkDocs 1.x, or ProperDocs, its continuation
(same commands, same plugin API, our plugin unchanged). `phasebook build`, `./dev` and the
tests all start it through here. PHASEBOOK_ENGINE=properdocs chooses it when both are
installed; otherwise MkDocs if it is there, else ProperDocs.

`python -m generator.build.engine serve …` runs the chosen engine with those arguments.
"""

from __future__ import annotations

import importlib.util
import os
import sys

from generator.i18n.messages import tr

ENGINES = ("mkdocs", "properdocs")
ENGINE_ENV = "PHASEBOOK_ENGINE"


class NoEngine(RuntimeError):
    pass


def engine() -> str:
    chosen = os.environ.get(ENGINE_ENV)
    if chosen:
        if chosen not in ENGINES:
            message = tr("{variable}={value}: use one of {engines}")
            raise NoEngine(
                message.format(
                    variable=ENGINE_ENV, value=repr(chosen)[:40], engines=", ".join(ENGINES)
                )
            )
        if importlib.util.find_spec(chosen) is None:
            message = tr("{variable}={value}, but {value} is not installed: pip install {value}")
            raise NoEngine(message.format(variable=ENGINE_ENV, value=chosen))
        return chosen
    for name in ENGINES:
        if importlib.util.find_spec(name) is not None:
            return name
    raise NoEngine(tr("neither mkdocs nor properdocs is installed: pip install mkdocs"))


def command(*args: str) -> list[str]:
    """The command line that runs the engine with `args` (build, serve …)."""
    return [sys.executable, "-m", engine(), *args]


if __name__ == "__main__":
    try:
        argv = command(*sys.argv[1:])
    except NoEngine as exc:
        sys.exit(str(exc))
    os.execv(argv[0], argv)
