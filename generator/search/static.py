"""The browser search's index: a Pagefind bundle of one language tree, made from the pages
as built, their text folded as the browser folds queries (generator/text/cjk.py).

Pagefind's binary does the work (`pagefind[extended]` from PyPI: Japanese and Chinese
segmentation, and an index the browser loads in small chunks, only those a query needs).
Its Python API waits 100 ms for each answer of the binary (1.5.2), which is 100 s for
1,000 pages: so each page's text is written to a folder of small HTML files, which the
binary's command line indexes in about a second.
"""

from __future__ import annotations

import dataclasses
import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from pagefind.service import get_executable

from generator.search.facts import SearchFacts, vocabulary
from generator.system.processes import as_child, child_env, die_with_parent
from generator.text.cjk import HANGUL, WORD, fold_words, long_vowel_variants

BUNDLE = "pagefind"
# Material's page body, and the heading in it: what a result is found by and shows.
ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*?)</article>', re.S)
HEADING = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.S)
TAG = re.compile(r"<[^>]+>")
PERMALINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.S)
# The related pages' list (generator/site/templates/related.html.j2): other pages' titles,
# which would find this page for their words.
RELATED = re.compile(r'<h2 id="related">.*?</ul>', re.S)
# Where Latin letters or digits meet Japanese or Korean (API連携, API연동은): a space, as
# the browser splits the query there (search.js), else Pagefind keeps one word.
SCRIPT_CHANGE = re.compile(
    rf"(?<=[A-Za-z0-9])(?=[{WORD}{HANGUL}])|(?<=[{WORD}{HANGUL}])(?=[A-Za-z0-9])"
)
TEXT = re.compile(r">([^<]+)<")
# What the templates keep out of search (filters, schedules, the start page's route, a
# page's facts line): Pagefind leaves out an element so marked, and what is inside it.
EXCLUDED = re.compile(r"\sdata-search-exclude(?==|\s|>)")
# The text of a page indexed at most: a phase page of 10,000 programs lists 1,250 of them
# (1 MB), and a phone that lists it among the results fetches all that Pagefind holds of
# it. What a page is found by comes first (title, summary, tasks); the programs it lists
# are found on their own pages.
CAP = 6000
# What the browser fetches of a bundle; Pagefind's own interfaces are not used.
KEPT = ("pagefind.js", "pagefind-entry.json")
KEPT_SUFFIXES = (".pagefind", ".pf_meta")
KEPT_FOLDERS = ("index", "fragment", "filter")
# What the browser fetches only when no page answers a query: the way on, and the words of
# the portal's titles and topics to offer instead (generator/search/facts.py).
GUIDANCE = "guidance.json"


class StaticIndexFailed(RuntimeError):
    """Pagefind could not index the pages; the message holds what it said."""


def pages(tree: Path, skip: tuple[str, ...] = ()) -> Iterator[tuple[Path, str, str]]:
    """(path in the tree, title, body) of each built page of `tree`, in a stable order.
    `skip` names the folders of the other language trees inside this one."""
    for path in sorted(tree.rglob("*.html")):
        relative = path.relative_to(tree)
        if relative.parts[0] in (*skip, BUNDLE) or relative.parts[0].startswith("."):
            continue
        found = ARTICLE.search(path.read_text(encoding="utf-8"))
        if found is None or relative.as_posix() == "404.html":
            continue
        body = capped(RELATED.sub("", PERMALINK.sub("", found.group(1))))
        heading = HEADING.search(body)
        title = html.unescape(TAG.sub("", heading.group(1))).strip() if heading else ""
        yield relative, title, body


def capped(body: str, limit: int = CAP) -> str:
    """`body` cut after the element's text that reaches `limit` characters."""
    seen = 0
    for text in TEXT.finditer(body):
        seen += len(text.group(1))
        if seen >= limit:
            return body[: text.end(1)]
    return body


def url(relative: Path) -> str:
    """The URL of the page at `relative` in its tree, as the model's `page_url` gives it."""
    path = relative.as_posix()
    return path[: -len("index.html")] if path.endswith("index.html") else path


def record(lang: str, title: str, body: str, shown: dict[str, str] | None = None) -> str:
    """The page as Pagefind reads it: full-width letters and half-width kana folded (the
    browser folds the query by NFKC), katakana words also without their long-vowel marks
    (generator/text/cjk.py), and the title as written, which results show, with `shown`
    (a program's kind, phase and tier) as more of what they show, not searched."""
    meta = html.escape(f"title:{title}", quote=True)
    facts = "".join(
        f'<span data-pagefind-meta="{key}">{html.escape(value)}</span>'
        for key, value in (shown or {}).items()
    )
    body = EXCLUDED.sub(' data-search-exclude data-pagefind-ignore="all"', body)
    folded = TEXT.sub(lambda text: f">{SCRIPT_CHANGE.sub(' ', text.group(1))}<", fold_words(body))
    variants = html.escape(" ".join(long_vowel_variants(html.unescape(TAG.sub(" ", folded)))))
    return (
        f'<!doctype html><html lang="{lang}"><body>'
        f'<main data-pagefind-body data-pagefind-meta="{meta}">{folded}<p>{variants}</p>'
        f"<div data-pagefind-ignore>{facts}</div></main>"
        "</body></html>"
    )


def build(
    tree: Path, lang: str, skip: tuple[str, ...] = (), facts: SearchFacts | None = None
) -> None:
    """Index the pages of `tree` into `tree/pagefind/`, replacing the previous bundle only
    once the new one is complete."""
    facts = facts or SearchFacts()
    work = Path(tempfile.mkdtemp(prefix=".pagefind-", dir=tree))
    try:
        titles = []
        for relative, title, body in pages(tree, skip):
            target = work / "pages" / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shown = facts.pages.get(url(relative))
            target.write_text(record(lang, title, body, shown), encoding="utf-8")
            titles.append(title)
        _run(work / "pages", work / BUNDLE, lang)
        _keep_what_the_browser_reads(work / BUNDLE)
        guidance = facts.help | {"vocabulary": vocabulary([*titles, *facts.topics])}
        text = json.dumps(guidance, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        (work / BUNDLE / GUIDANCE).write_text(text, encoding="utf-8")
        _swap(work / BUNDLE, tree / BUNDLE, work / "old")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run(site: Path, out: Path, lang: str) -> None:
    binary = get_executable()
    if binary is None:
        raise StaticIndexFailed("Pagefind is not installed: pip install 'pagefind[extended]'")
    site.mkdir(parents=True, exist_ok=True)
    command = [str(binary), "--site", str(site), "--output-path", str(out)]
    command += ["--force-language", lang, "--silent"]
    done = subprocess.run(
        command, capture_output=True, text=True, check=False, preexec_fn=die_with_parent()
    )
    if done.returncode != 0 or not (out / "pagefind.js").is_file():
        said = (done.stderr or done.stdout).strip()
        raise StaticIndexFailed(f"the browser search index (Pagefind) failed: {said}")


def _keep_what_the_browser_reads(bundle: Path) -> None:
    for item in bundle.iterdir():
        if item.is_dir():
            if item.name not in KEPT_FOLDERS:
                shutil.rmtree(item)
        elif item.name not in KEPT and not item.name.endswith(KEPT_SUFFIXES):
            item.unlink()


def _swap(new: Path, target: Path, old: Path) -> None:
    if target.exists():
        target.rename(old)
    new.rename(target)


class Background:
    """The preview's indexing: one run at a time per tree, the latest request last (a save
    during a run is indexed once that run ends). The pages are served before it starts."""

    def __init__(self, idle: Callable[[str | None], None] = lambda failure: None) -> None:
        self._idle = idle  # told when every tree is indexed: None, or what failed
        self._lock = threading.Lock()
        self._wanted: dict[Path, tuple[str, tuple[str, ...], SearchFacts | None]] = {}
        self._running: set[Path] = set()
        self._coming: set[Path] = set()  # trees a build will ask for once they are written
        self.failure: str | None = None

    def request(
        self,
        tree: Path,
        lang: str,
        skip: tuple[str, ...] = (),
        facts: SearchFacts | None = None,
        coming: tuple[Path, ...] = (),
    ) -> None:
        """Index `tree` (once more, if it is being indexed); `coming` are the trees this
        build writes next (its other languages): until they are asked for and indexed too,
        the search is not up to date, whichever tree is done first."""
        with self._lock:
            self._coming.discard(tree)
            self._coming.update(coming)
            self._wanted[tree] = (lang, skip, facts)
            if tree in self._running:
                return
            self._running.add(tree)
        threading.Thread(target=self._loop, args=(tree,), daemon=True).start()

    def _loop(self, tree: Path) -> None:
        while True:
            with self._lock:
                if tree not in self._wanted:
                    self._running.discard(tree)
                    idle = not self._running and not self._wanted and not self._coming
                    break
                lang, skip, facts = self._wanted.pop(tree)
            try:
                _build_aside(tree, lang, skip, facts)
                self.failure = None
            except (OSError, StaticIndexFailed) as exc:
                self.failure = str(exc)
        if idle:
            self._idle(self.failure)


def _build_aside(tree: Path, lang: str, skip: tuple[str, ...], facts: SearchFacts | None) -> None:
    """`build` in a process of its own at a lower priority: reading and folding every page
    of the tree is Python's work, which in a thread of the preview took the lock and the
    core from the next save's rebuild (at 10,000 programs, 20,000 pages per language)."""
    shared = json.dumps({"skip": skip, "facts": dataclasses.asdict(facts) if facts else None})
    command = [sys.executable, "-m", __name__, str(tree), lang]
    done = subprocess.run(
        command, input=shared, capture_output=True, text=True, env=child_env(background=True)
    )
    if done.returncode != 0:
        said = done.stderr.strip().splitlines()
        raise StaticIndexFailed(
            said[-1] if said else f"the search index ended with {done.returncode}"
        )


def main(argv: list[str]) -> int:
    """`python -m generator.search.static TREE LANG`, the rest on stdin (_build_aside)."""
    as_child()
    tree, lang = argv
    shared = json.loads(sys.stdin.read())
    given = shared["facts"]
    facts = SearchFacts(given["pages"], tuple(given["topics"]), given["help"]) if given else None
    try:
        build(Path(tree), lang, tuple(shared["skip"]), facts)
    except (OSError, StaticIndexFailed) as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
