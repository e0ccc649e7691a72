"""The one error type of the core, so that every front end reports content problems alike."""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.i18n.messages import tr

# What a terminal would obey instead of show: C0 and C1 controls, escape sequences above all.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    """`text` for a terminal or a log: control characters from the sources (in a file
    name, say) shown as `\\x1b`, never obeyed."""
    return _CONTROL.sub(lambda c: f"\\x{ord(c.group()):02x}", text)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in the sources, located precisely enough to jump to it in an editor."""

    file: str
    line: int
    column: int
    where: str
    message: str

    @classmethod
    def of_file(cls, file: str, message: str) -> Problem:
        """A problem with a file as a whole: editors jump to its first line."""
        return cls(file, 1, 1, "", message)

    def __str__(self) -> str:
        where = f" {self.where}:" if self.where else ""
        place = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        return f"{place}:{where} {self.message}"


class ContentError(Exception):
    """Raised once per load with every problem found, never one at a time."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__(self.report())

    def report(self) -> str:
        count = len(self.problems)
        if count == 1:
            head = tr("1 problem in the portal sources:")
        else:
            head = tr("{count} problems in the portal sources:").format(count=count)
        lines = [head]
        lines += [f"  {p}" for p in self.problems]
        return printable("\n".join(lines))
