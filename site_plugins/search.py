"""Material's browser search index, folded as the browser folds every query."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from generator.text.cjk import fold_words


def fold_search_index(
    site_dir: Path, complete: Callable[[list[dict]], list[dict]] | None = None
) -> None:
    """Material's browser index with its letters and kana folded as the browser folds
    every query (NFKC, generator/site/assets/phasebook.js): ＳＳＯ, ｓｓｏ and SSO, ｱﾗｰﾄ and
    アラート meet. `complete` (the preview) adds the entries of the pages it did not
    rebuild, folded already: the file is read and written once."""
    path = site_dir / "search" / "search_index.json"
    data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
    docs = data.get("docs", []) if data is not None else []
    for doc in docs:
        for key in ("title", "text"):
            if isinstance(doc.get(key), str):
                doc[key] = fold_words(doc[key])
    if complete is not None:
        docs = complete(docs)
    if data is not None:
        data["docs"] = docs
        path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), "utf-8")
