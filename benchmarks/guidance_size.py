"""The size of the browser search's guidance file (pagefind/guidance.json: the phases, the
contacts and the vocabulary offered when no page answers a query) at 100, 1,000 and 10,000
programs, for each language of a synthetic portal (benchmarks/build_scale.py's generator).

    python benchmarks/guidance_size.py [SIZE …]

The file is made from the loaded model, the words of every program's title and topics and of
each phase's name, as the build makes it from the built pages' titles (without building the
pages, which takes minutes at 10,000): the browser fetches it only when a query finds
nothing, so it is outside the first query's download.
"""

from __future__ import annotations

import gzip
import json
import random
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import build_scale  # noqa: E402  (beside this file)
import vocabulary  # noqa: E402  (beside this file)

from generator.search import facts  # noqa: E402
from generator.source.load import load_portal  # noqa: E402


def guidance(project: Path, lang: str) -> bytes:
    portal = load_portal(
        project / "phases", project / "content", root=project, now=datetime.now(UTC)
    )
    known = facts.of(portal, lang)
    titles = [portal.title(p, lang) for _, p in portal.programs()]
    titles += [portal.t(v.phase.name, lang) for v in portal.phases]
    content = known.help | {"vocabulary": facts.vocabulary([*titles, *known.topics])}
    return json.dumps(content, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def varied(count: int, lang: str) -> bytes:
    """The vocabulary alone, were every one of `count` titles and topics made of different
    words (the generator's titles repeat 20 topics): phrases of the example's guides."""
    rng = random.Random(count)
    make = vocabulary.japanese if lang == "ja" else vocabulary.english
    texts = [make(rng)[:40] for _ in range(2 * count)]
    return json.dumps(facts.vocabulary(texts), ensure_ascii=False, separators=(",", ":")).encode()


def _row(size: int, lang: str, kind: str, data: bytes, words: int) -> None:
    kb, packed = len(data) / 1000, len(gzip.compress(data, 6)) / 1000
    print(f"{size:>8} {lang:4} {kind:9} {words:>6} {kb:>7.1f} {packed:>8.1f}")


def main(sizes: list[int]) -> None:
    print(f"{'programs':>8} {'lang':4} {'titles':9} {'words':>6} {'KB':>7} {'KB gzip':>8}")
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="phasebook-guidance-") as tmp:
            project = Path(tmp)
            build_scale.generate(project, size)
            for lang in ("ja", "en"):
                data = guidance(project, lang)
                _row(size, lang, "generator", data, len(json.loads(data)["vocabulary"]))
                data = varied(size, lang)
                _row(size, lang, "varied", data, len(json.loads(data)))


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [100, 1_000, 10_000])
