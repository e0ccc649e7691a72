"""Generated pages kept between preview rebuilds, each under a key made of what it is made
from, so that a saved edit re-renders only the pages whose inputs changed.

A key is a digest of the model objects a page is rendered from. A program's page is made
from the program, its phase's heading (not the phase's other programs), its prerequisites,
the lifecycle (stages, tiers, portal info) and the list of phases; a phase's page from its
programs too; a catalogue from the programs of its kind; the start page, the schedule and
the feeds from the sessions. A site's own templates may read anything in the portal, so
with those every page depends on everything. `tests/test_preview.py` compares the result
of scripted edits with a clean build, byte for byte.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar

from jinja2.bccache import Bucket, BytecodeCache

from generator.source import model as m

T = TypeVar("T")
# The kinds of entries that hold every language's texts (feeds/catalog.py: api/catalog.json
# and its entries): keyed on every language, where a page is keyed on its own.
EVERY_LANGUAGE = "catalog"
Keep = Callable[..., Any]  # (make, kind, program ids, phase) → what make gives, or gave
Key = Hashable  # a memo's key: the kind of result and the digests it is made from


def digest(*parts: object) -> str:
    text = json.dumps(parts, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


class Memo:
    """Results by key, kept from one build to the next; what a build did not ask for is
    dropped after it (`sweep`), so memory follows the portal, not the number of edits.

    What a result was made from (the keys asked for while it was made: a schedule page's
    rows, a feed's events) is kept with it: a later build that takes the result as it is
    asks for none of them, and they stay for when it is made again."""

    def __init__(self) -> None:
        self.kept: dict[Key, object] = {}
        self.used: dict[Key, object] = {}
        self.parts: dict[Key, list[Key]] = {}  # a result's key → the keys it was made from
        self.making: list[list[Key]] = []  # the keys asked for by each result being made

    def get(self, key: Key, make: Callable[[], T]) -> T:
        if self.making:
            self.making[-1].append(key)
        if key in self.used:
            return self.used[key]  # type: ignore[return-value]
        if key in self.kept:
            value = self.kept[key]
            self._keep_parts(key)
        else:
            self.making.append([])
            try:
                value = make()
            finally:
                parts = self.making.pop()
                if parts:  # most results are made of nothing kept on its own
                    self.parts[key] = parts
                else:
                    self.parts.pop(key, None)
        self.used[key] = value
        return value  # type: ignore[return-value]

    def _keep_parts(self, key: Key) -> None:
        """A kept result's parts are used too, and theirs."""
        waiting = list(self.parts.get(key, ()))
        while waiting:
            part = waiting.pop()
            if part in self.kept and part not in self.used:
                self.used[part] = self.kept[part]
                waiting += self.parts.get(part, ())

    def sweep(self) -> None:
        self.kept, self.used = self.used, {}
        self.parts = {key: self.parts[key] for key in self.kept if key in self.parts}


def in_language(value: object, lang: str, first: str, languages: set[str]) -> object:
    """`value` (a program's fields, as JSON) with each of its localized texts (a mapping
    from the portal's languages to strings) as a page in `lang` shows it: its text in
    `lang`, else in the first language (portal.text), and which language that was."""
    if isinstance(value, list | tuple):
        return [in_language(v, lang, first, languages) for v in value]
    if not isinstance(value, dict):
        return value
    if value and value.keys() <= languages and all(isinstance(v, str) for v in value.values()):
        shown = next((k for k in (lang, m.ANY_LANGUAGE, first) if k in value), next(iter(value)))
        return [shown, value[shown]]
    return {k: in_language(v, lang, first, languages) for k, v in value.items()}


def make(make: Callable[[], T], kind: str, ids: list[str], phase: str | None = None) -> T:
    """What a `Keeper` does without a memo: nothing is kept."""
    return make()


def per_phase(keep: Keep, portal: m.Portal, kind: str, make: Callable[[m.PhaseView], T]) -> list[T]:
    """`make(view)` for each phase, kept while the phase's programs are the same: a save
    then asks for one key per phase file, where a key per program meant 10,000 lookups for
    each list a feed or page holds at 10,000 programs. What `make` keeps of each program is
    kept with it (Memo.parts) for the phase that changed."""
    return [
        keep(lambda v=view: make(v), kind, [p.id for p in view.phase.programs], view.phase.id)
        for view in portal.phases
    ]


class TemplateCache(BytecodeCache):
    """Compiled templates, kept for the life of the process: each build has new Jinja
    environments (ours and the theme's), and a preview rebuild need not compile again. A
    template's entry is found by its source, so an edited one is compiled anew."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = TemplateCache()


class Inputs:
    """The keys of one portal's pages in one language (with the renderer's settings)."""

    def __init__(
        self,
        portal: m.Portal,
        settings: object,
        everything: bool = False,
        lang: str | None = None,
        memo: Memo | None = None,
    ) -> None:
        self.portal, self.memo = portal, memo
        lifecycle = portal.lifecycle.model_dump_json()
        headers = [
            (v.source, v.stage.model_dump_json(), v.phase.model_dump_json(exclude={"programs"}))
            for v in portal.phases
        ]
        self.header = {v.phase.id: digest(h) for v, h in zip(portal.phases, headers, strict=True)}
        self.every = self._digests(None)  # api/catalog.json holds every language's texts
        # A site's templates may show any language's text: every page then keys on them all.
        self.program = self.every if everything or lang is None else self._digests(lang)
        self.base = digest(settings, lifecycle, headers)
        if everything:  # a site's templates: any page may show anything
            self.base = digest(self.base, list(self.program.values()))

    def _digests(self, lang: str | None) -> dict[str, str]:
        """Each program's digest as the pages of `lang` show it (None: in every language), so
        that a Japanese title edited renders no English page again. Worked out once per
        portal and language, and kept by phase while its phase and what its programs' pages
        say of them are the same (`_PHASES`): a save changes one phase file, and working out
        10,000 digests, even each one kept (`_DIGESTS`), took a twentieth of a save."""
        name = f"program digests {lang or '*'}"
        derived = self.portal.derived
        if name not in derived:
            languages = {*self.portal.info.languages, m.ANY_LANGUAGE}
            said = (self.portal.language, tuple(sorted(languages)))  # how texts are shown
            derived[name] = {
                pid: found
                for view in self.portal.phases
                for pid, found in self._phase_digests(view, lang, said).items()
            }
        return derived[name]  # type: ignore[return-value]

    def _phase_digests(
        self, view: m.PhaseView, lang: str | None, said: tuple[str, tuple[str, ...]]
    ) -> dict[str, str]:
        """A phase's programs' digests, made again when the phase (the very object: load.py
        keeps it while its file is the same), the build's minute (which sessions are over),
        or a program's dates or a guide's title changed."""
        portal, phase = self.portal, view.phase
        dates = [portal.dates.get(p.id) for p in phase.programs]
        titles = [portal.guide_titles.get(p.page) for p in phase.programs if p.written]  # type: ignore[attr-defined]
        made_from = (Same(phase), portal.now, said, dates, titles)

        def made() -> dict[str, str]:
            return {
                p.id: self._digest(phase.id, p, self._extra(p), lang, said) for p in phase.programs
            }

        return _PHASES.get((phase.id, lang), made_from, made)

    def _digest(
        self,
        phase: str,
        program: m.ProgramBase,
        extra: object,
        lang: str | None,
        said: tuple[str, tuple[str, ...]],
    ) -> str:
        def made() -> str:
            text = _json(program)
            if lang is None:
                return digest(phase, text, extra)
            first, languages = said[0], set(said[1])
            shown = lambda v: in_language(v, lang, first, languages)  # noqa: E731
            return digest(phase, shown(json.loads(text)), shown(extra))

        if self.memo is None:
            return made()
        return _DIGESTS.get((program.id, lang), (program, phase, extra, said), made)

    def _extra(self, program: m.ProgramBase) -> object:
        """What a program's digest needs beyond its own fields: which sessions are over (the
        clock moves), a written page's title (its first heading), its dates (from front
        matter or git as well as from its fields)."""
        dates = self.portal.dates.get(program.id)
        if program.scheduled:
            over = [self.portal.is_over(program, s) for s in program.sessions]  # type: ignore[attr-defined]
            return over, dates
        if program.written:
            return self.portal.guide_titles.get(program.page), dates  # type: ignore[attr-defined]
        return dates

    def of(self, kind: str, program_ids: list[str], phase: str | None = None) -> Key:
        """The key of a page of `kind` made from these programs (and this phase's heading):
        the digests themselves, not a digest of them. A save asks for some 20,000 keys at
        10,000 programs, and a tuple of strings is compared by the very strings it holds."""
        digests = self.every if kind.split(" ", 1)[0] == EVERY_LANGUAGE else self.program
        programs = [digests[i] for i in program_ids]
        return (kind, self.base, self.header.get(phase or "", ""), *programs)


class Same:
    """A part of a `made_from` that counts as the same only when it is the very object: a
    phase's model or view, which an unchanged phase file keeps between loads. Compared field
    by field, a phase of 1,250 programs took as long to compare as to make again."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Same) and other.value is self.value

    __hash__ = None  # type: ignore[assignment]


class Kept:
    """Results kept by name while what they are made from stays the same: the very objects
    (a phase file's model is the same object while its text is: load._parsed_phase), else
    equal ones. A preview save asks again for what it did not change; at most `most`
    names are kept, as files and programs come and go in a long preview."""

    def __init__(self, most: int = 100_000) -> None:
        self.most = most
        self.kept: dict[object, tuple[tuple, object]] = {}

    def get(self, name: object, made_from: tuple, make: Callable[[], T]) -> T:
        kept = self.kept.get(name)
        if kept is not None and kept[0] == made_from:  # a tuple: each part `is`, else ==
            return kept[1]  # type: ignore[return-value]
        if len(self.kept) >= self.most:
            self.kept.clear()
        value = make()
        self.kept[name] = (made_from, value)
        return value


_JSON = Kept()  # each program's JSON: a save serialized them all again per language
_DIGESTS = Kept(300_000)  # each program's digest in each language, and in all of them
_PHASES = Kept()  # each phase's programs' digests, in each language and in all of them


def _json(program: m.ProgramBase) -> str:
    return _JSON.get(program.id, (program,), program.model_dump_json)


class Keeper:
    """`keep(make, kind, ids, phase)`: `make()`, or what it gave last time for the same
    inputs. Without a memo (a one-off build) it simply calls `make`."""

    def __init__(
        self,
        memo: Memo | None,
        portal: m.Portal,
        settings: object,
        templates: Path | None,
        lang: str | None = None,
    ) -> None:
        self.memo = memo
        if memo is not None:
            everything = templates is not None
            self.inputs = Inputs(portal, (settings, _tree(templates)), everything, lang, memo)

    def __call__(
        self, make: Callable[[], T], kind: str, ids: list[str], phase: str | None = None
    ) -> T:
        if self.memo is None:
            return make()
        return self.memo.get(self.inputs.of(kind, ids, phase), make)


def _tree(folder: Path | None) -> list[tuple[str, str]]:
    """A site's template folder, file by file: a template saved during a preview counts."""
    if folder is None:
        return []
    return [
        (p.relative_to(folder).as_posix(), hashlib.blake2b(p.read_bytes()).hexdigest())
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    ]
