"""Internals a stranger must not reach (issue 27): the hand-over between language builds,
its scratch after a kill, a hand-written page inside another language's tree, and titles
that read as nothing or in another order than they are written."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from generator.site.pages import collisions
from generator.system.handover import HandoverFailed, Receiver, send
from tests.helpers import ENV, RUN, checksums, edit, load, phasebook, problems, tree

# -- the hand-over between language builds --------------------------------------------------

# What once made `phasebook build` fail with a traceback, or wait forever (the last).
HOSTILE_TWIN = [
    "{",
    '"en"',
    '{"lang": "en"}',
    '{"lang": "en", "site_url": null, "now": "yesterday", "related": "/x"}',
    '{"lang": "en", "site_url": null, "now": "2026-12-01T00:00:00+00:00", '
    '"related": "/nonexistent/related.json"}',
]


@pytest.mark.parametrize("value", HOSTILE_TWIN)
def test_a_stray_phasebook_twin_has_no_effect(
    minimal: Path, minimal_built_once: Path, value: str
) -> None:
    result = phasebook(minimal, "build", env_extra={"PHASEBOOK_TWIN": value}, timeout=240)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert tree(minimal / "site") == tree(minimal_built_once / "site"), "the normal site"


def test_the_child_waits_for_the_hand_over_no_longer_than_its_deadline() -> None:
    read, write = os.pipe()  # the parent holds its end open and says nothing
    try:
        started = time.monotonic()
        with pytest.raises(HandoverFailed, match="sent nothing in 0 s"):
            Receiver(read, os.getppid()).receive(0.3)
        assert time.monotonic() - started < 2
    finally:
        os.close(read)
        os.close(write)


def test_the_child_stops_waiting_when_its_parent_has_ended() -> None:
    read, write = os.pipe()
    try:
        not_my_parent = os.getpid()  # the parent a reparented child would no longer have
        started = time.monotonic()
        with pytest.raises(HandoverFailed, match="the build that started this one has ended"):
            Receiver(read, not_my_parent).receive(60)
        assert time.monotonic() - started < 2
    finally:
        os.close(read)
        os.close(write)


def test_a_closed_pipe_ends_the_wait_at_once() -> None:
    read, write = os.pipe()
    os.close(write)  # what a parent's death does to its end
    try:
        with pytest.raises(HandoverFailed, match="has ended"):
            Receiver(read, os.getppid()).receive(60)
    finally:
        os.close(read)


def test_a_hand_over_larger_than_a_pipe_arrives_whole() -> None:
    read, write = os.pipe()
    related = {f"program-{n}": [f"other-{n}-{k}" for k in range(8)] for n in range(5000)}
    writer = threading.Thread(target=send, args=(write, related))
    writer.start()  # blocks until the reader reads: it needs a thread, as Twins has
    try:
        receiver = Receiver(read, os.getppid())
        assert receiver.receive(30) == related
        writer.join(10)
    finally:
        os.close(read)
        os.close(write)


def _other_language_build(root: int) -> bool:
    """A process below `root` building the second language (its `-d` ends in /en)."""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        english = b"build" in args and any(a.endswith(b"/en") for a in args)
        if english and _below(int(cmdline.parent.name), root):
            return True
    return False


def _below(pid: int, root: int) -> bool:
    while pid > 1:
        if pid == root:
            return True
        try:
            pid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except OSError:
            return False
    return False


def _killed_while_english_builds(project: Path, temp: Path) -> bool:
    """`phasebook build` killed (SIGKILL, the command only) while its English build runs;
    False if the build ended before that could be seen."""
    process = subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "build"],
        cwd=project,
        env=ENV | {"TMPDIR": str(temp)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while not _other_language_build(process.pid):
        if process.poll() is not None:
            return False
        assert time.monotonic() < deadline, "the English build never started"
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(30)
    return True


def test_a_build_killed_while_the_languages_build_leaves_nothing_in_the_temp_folder(
    built_minimal: Path, tmp_path: Path
) -> None:
    temp = tmp_path / "temp"
    temp.mkdir()
    edit(built_minimal / "phases" / "run.yml", "管理画面ツアー", "管理画面ツアー第2版")
    # The English build lasts a second or two: a build that ends before it is seen is
    # started again (three times at most), so the kill lands while it runs.
    assert any(_killed_while_english_builds(built_minimal, temp) for _ in range(3))
    time.sleep(1)  # the children follow by the kernel's parent-death signal
    assert [p.name for p in temp.iterdir() if "phasebook" in p.name] == []
    again = phasebook(built_minimal, "build", env_extra={"TMPDIR": str(temp)})
    assert again.returncode == 0, again.stderr
    assert (
        "第2版" in (built_minimal / "site" / "programs" / "video-tour" / "index.html").read_text()
    )
    assert [p.name for p in temp.iterdir() if "phasebook" in p.name] == []


# -- a hand-written page inside another language's tree -------------------------------------


@pytest.mark.parametrize("page", ["en/index.md", "en/guides/extra.md", "en.md"])
def test_a_page_in_another_languages_tree_is_refused_naming_it(
    built_minimal: Path, page: str
) -> None:
    path = built_minimal / "content" / page
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# Hand-written\n", encoding="utf-8")
    site, sources = tree(built_minimal / "site"), checksums(built_minimal)
    result = phasebook(built_minimal, "build")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert (
        f"content/{page}:1:1: content/en/ is where the portal builds its en pages (/en/): "
        f"rename or move content/{page}"
    ) in result.stderr
    assert tree(built_minimal / "site") == site and checksums(built_minimal) == sources


def test_a_first_language_folder_or_a_translation_beside_a_page_is_no_collision() -> None:
    written = {"ja/notes.md", "guides/x.en.md", "english/x.md", "index.md"}
    assert collisions([], written, "content", ["en"]) == []


# -- titles that read as nothing, or in another order ----------------------------------------

INVISIBLE = ["\u200b", "\u200b\u200c\u200d", "\u2060\ufeff", "\u3164", "\u00ad \u200e", "\u2800"]
BIDI = [chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]]


def _title(minimal: Path, title: str, summary: str = "日々の運用です。") -> None:
    text = RUN.replace("管理画面ツアー", title).replace("日々の運用です。", summary)
    (minimal / "phases" / "run.yml").write_text(text, encoding="utf-8")


@pytest.mark.parametrize("title", INVISIBLE)
def test_a_title_of_invisible_characters_is_refused_where_it_is(minimal: Path, title: str):
    _title(minimal, title)
    found = problems(minimal)
    assert len(found) == 1
    assert found[0].startswith("phases/run.yml:7:12: programs[0].title: ")
    assert "text is only invisible characters (U+" in found[0]


@pytest.mark.parametrize("control", BIDI)
def test_bidi_overrides_and_embeddings_are_refused_where_they_are(minimal: Path, control: str):
    _title(minimal, f"管理{control}画面ツアー", summary=f"日々の{control}運用です。")
    found = problems(minimal)
    code = f"U+{ord(control):04X}"
    said = f"bidirectional control {code} in the text: delete it"
    assert [p.split(": ", 2)[:2] for p in found if said in p] == [
        ["phases/run.yml:3:10", "summary"],
        ["phases/run.yml:7:12", "programs[0].title"],
    ]


def test_invisible_characters_inside_words_and_right_to_left_marks_stay_allowed(
    minimal: Path,
) -> None:
    # A soft hyphen in a long word, a zero-width joiner in an emoji, a right-to-left mark.
    _title(minimal, "管理\u00ad画面ツアー 👩\u200d💻 \u200fשלום")
    portal = load(minimal)
    assert (
        portal.program("video-tour")[1].title["ja"] == "管理\u00ad画面ツアー 👩\u200d💻 \u200fשלום"
    )
