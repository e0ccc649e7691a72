"""Rewrite the palette block of assets/phasebook.css from the installed Material's colours.

Run after upgrading mkdocs-material (tests/test_palette.py says when):

    python -m tools.palette
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

from generator.site.palette import END, START, palette_css

ROOT = Path(__file__).resolve().parent.parent
STYLESHEET = ROOT / "generator" / "site" / "assets" / "phasebook.css"


def material_palette() -> str:
    """The text of Material's palette stylesheet, found beside the installed theme."""
    spec = find_spec("material")
    if spec is None or spec.origin is None:
        raise SystemExit("mkdocs-material is not installed in this environment")
    folder = Path(spec.origin).parent / "templates" / "assets" / "stylesheets"
    (path,) = folder.glob("palette.*.min.css")
    return path.read_text(encoding="utf-8")


def rewritten(stylesheet: str, block: str) -> str:
    """`stylesheet` with its generated block replaced by `block` (appended if none)."""
    if START in stylesheet:
        before, _, rest = stylesheet.partition(START)
        _, _, after = rest.partition(END + "\n")
        return before + block + after
    return stylesheet.rstrip("\n") + "\n\n" + block


def main() -> None:
    text = STYLESHEET.read_text(encoding="utf-8")
    STYLESHEET.write_text(rewritten(text, palette_css(material_palette())), encoding="utf-8")


if __name__ == "__main__":
    main()
