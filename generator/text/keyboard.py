"""What a Japanese keyboard types into YAML by mistake, named at its own line.

With the input method on, `:`, ` `, `-` and digits come out full width (`：`, `　`, `－`,
`６０`). YAML then reports something generic, often a line too late ("could not find
expected ':'"). These checks find the full-width character itself and say what to type.
"""

from __future__ import annotations

import re
import unicodedata

from generator.i18n.messages import tr

# Full width as the input method types them, and what the author meant.
_STRUCTURE = [
    # `tier： free`: a key, then a full-width colon.
    (
        re.compile(
            r"^[ \u3000]*(?:[-－ー−―‐][ \u3000]+)?[^\s:：#'\"\[{][^:：#]*?(：)(?=[ \u3000]|$)"
        ),
        lambda: tr("full-width colon '：': type a half-width ':'"),
    ),
    # `tier:　free`: a half-width colon, then a full-width space.
    (
        re.compile(r"^[ ]*(?:-[ ]+)?[^\s:#'\"\[{][^:#]*?:(\u3000)"),
        lambda: tr("full-width space '　' after the colon: type a half-width space"),
    ),
    # `　tier: free`: indented with full-width spaces.
    (
        re.compile(r"^ *(\u3000+)\S"),
        lambda: tr("indented with a full-width space '　': indent with half-width spaces"),
    ),
    # `－ item`: a list item marked with a full-width hyphen or a long-vowel mark.
    (
        re.compile(r"^ *([－ー−―‐])[ \u3000]+\S"),
        lambda: tr("list item marked with a full-width '{char}': type a half-width '-'"),
    ),
]


def structure_mistake(text: str, last_line: int) -> tuple[int, int, str] | None:
    """The first full-width character in YAML structure up to `last_line` (1-based), as
    (line, column, message); YAML's own error comes at or after the mistake."""
    for number, line in enumerate(text.splitlines()[:last_line], 1):
        for pattern, message in _STRUCTURE:
            found = pattern.search(line)
            if found:
                return number, found.start(1) + 1, message().format(char=found.group(1))
    return None


def narrow(text: str) -> str:
    """What the author meant: full-width letters, digits and signs as ASCII, `ー` as `-`."""
    return unicodedata.normalize("NFKC", text).replace("ー", "-").replace("−", "-")


def value_mistake(value: object) -> str | None:
    """A value typed in full width where a number, date or id was wanted."""
    if not isinstance(value, str) or narrow(value) == value:
        return None
    meant = narrow(value)
    if meant.strip().isdigit():
        return tr("full-width digits '{value}': type '{meant}'").format(value=value, meant=meant)
    return tr("full-width characters in '{value}': type '{meant}'").format(value=value, meant=meant)


def key_mistake(key: str, known: set[str]) -> str | None:
    """A key typed in full width (`ｔｉｅｒ`) or with full-width spaces around it."""
    meant = narrow(key).strip()
    if meant != key and meant in known:
        return tr("key '{key}' is typed in full width: type '{meant}'").format(key=key, meant=meant)
    return None
