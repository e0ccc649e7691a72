"""Hostile files: whatever a name under phases/ or content/ is (a folder, a pipe, a socket,
a link out of the project or in a loop, a file not in UTF-8 or huge), the loader answers
file:line:col and what to do, never a traceback, a hang or a read of something it must not."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import pytest

from tests.helpers import load, problems


def test_a_directory_named_like_a_phase_file(minimal: Path) -> None:
    (minimal / "phases" / "extra.yml").mkdir()
    assert "phases/extra.yml:1:1: is a folder, not a file: rename it or move it away" in problems(
        minimal
    )


def test_a_dangling_link_named_like_a_phase_file(minimal: Path) -> None:
    (minimal / "phases" / "extra.yml").symlink_to(minimal / "nowhere.yml")
    assert (
        "phases/extra.yml:1:1: is a link to a file that does not exist: fix or delete the link"
        in problems(minimal)
    )


def test_a_pipe_named_like_a_phase_file_does_not_hang(minimal: Path) -> None:
    os.mkfifo(minimal / "phases" / "extra.yml")
    assert (
        "phases/extra.yml:1:1: is not a regular file (a pipe, socket or device): "
        "replace it with a file" in problems(minimal)
    )


def test_dev_zero_behind_a_phase_file_is_never_read(minimal: Path) -> None:
    (minimal / "phases" / "extra.yml").symlink_to("/dev/zero")
    found = problems(minimal)
    assert (
        "phases/extra.yml:1:1: links outside phases/ (to /dev/zero): copy the file into "
        "phases/ instead of linking to it" in found
    )


def test_a_pipe_named_like_a_guide_does_not_hang(minimal: Path) -> None:
    os.mkfifo(minimal / "content" / "guides" / "notes.md")
    assert problems(minimal) == [
        "content/guides/notes.md:1:1: is not a regular file (a pipe, socket or device): "
        "replace it with a file"
    ]


def test_a_socket_in_content_is_refused(minimal: Path, tmp_path: Path) -> None:
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(minimal / "content" / "sock.md"))
        assert problems(minimal) == [
            "content/sock.md:1:1: cannot be read (No such device or address): check its permissions"
        ]


def test_a_guide_linked_to_etc_passwd_is_refused(minimal: Path) -> None:
    guide = minimal / "content" / "guides" / "hello.md"
    guide.unlink()
    guide.symlink_to("/etc/passwd")
    assert problems(minimal) == [
        "content/guides/hello.md:1:1: links outside content/ (to /etc/passwd): copy the file "
        "into content/ instead of linking to it"
    ]


def test_a_folder_linked_from_outside_content_is_refused(minimal: Path, tmp_path: Path) -> None:
    (minimal / "content" / "shared").symlink_to("/etc")
    assert problems(minimal) == [
        "content/shared:1:1: links outside content/ (to /etc): copy the file into content/ "
        "instead of linking to it"
    ]


def test_a_link_inside_content_is_fine(minimal: Path) -> None:
    (minimal / "content" / "alias.md").symlink_to("guides/hello.md")
    load(minimal)


def test_a_link_loop_in_content_is_refused(minimal: Path) -> None:
    (minimal / "content" / "guides" / "loop").symlink_to("..")
    assert problems(minimal) == [
        "content/guides/loop:1:1: is a link to a folder that contains it: delete the link"
    ]


def test_a_dangling_guide_link_is_refused(minimal: Path) -> None:
    (minimal / "content" / "old.md").symlink_to("gone.md")
    assert problems(minimal) == [
        "content/old.md:1:1: is a link to a file that does not exist: fix or delete the link"
    ]


def test_a_guide_that_is_not_utf8(minimal: Path) -> None:
    (minimal / "content" / "guides" / "hello.md").write_bytes(
        "# はじめて\n\n".encode() + "日本語".encode("shift_jis")
    )
    assert problems(minimal) == [
        "content/guides/hello.md:3:1: not UTF-8 (byte 0x93): save the file as UTF-8"
    ]


def test_an_unlisted_markdown_page_that_is_not_utf8(minimal: Path) -> None:
    (minimal / "content" / "memo.md").write_bytes(b"ok\n\xff")
    assert problems(minimal) == [
        "content/memo.md:2:1: not UTF-8 (byte 0xff): save the file as UTF-8"
    ]


def test_a_huge_markdown_page(minimal: Path) -> None:
    with (minimal / "content" / "big.md").open("w") as out:
        out.write(("x" * 1023 + "\n") * 6 * 1024)
    assert problems(minimal) == ["content/big.md:1:1: is larger than 5 MB: split it up"]


def test_images_of_any_size_are_not_read(minimal: Path) -> None:
    with (minimal / "content" / "photo.png").open("wb") as out:
        out.truncate(8 * 1024 * 1024)
    load(minimal)


def test_a_source_read_before_is_read_again_whenever_it_may_have_changed(tmp_path: Path) -> None:
    """The preview keeps what it read of each source (sourcefiles.read_source): a file
    changed since, even to the same size with its modification time put back, or replaced
    by another, or made unreadable, is read again; one just written is never kept."""
    from generator.source.sourcefiles import SourceProblem, read_source

    path = tmp_path / "guide.md"
    path.write_text("# 一\n", encoding="utf-8")
    old = time.time() - 60
    os.utime(path, (old, old))
    assert read_source(path, "guide.md") == "# 一\n".encode()
    path.write_text("# 二\n", encoding="utf-8")  # the same size
    os.utime(path, (old, old))  # and the same time
    assert read_source(path, "guide.md") == "# 二\n".encode()
    other = tmp_path / "other.md"
    other.write_text("# 三\n", encoding="utf-8")
    os.utime(other, (old, old))
    other.replace(path)
    assert read_source(path, "guide.md") == "# 三\n".encode()
    path.unlink()
    path.mkdir()
    with pytest.raises(SourceProblem):
        read_source(path, "guide.md")
    fresh = tmp_path / "fresh.md"
    fresh.write_text("a", encoding="utf-8")
    assert read_source(fresh, "fresh.md") == b"a"
    with fresh.open("r+b") as raw:  # rewritten within the file system's time grain
        raw.write(b"b")
    stamp = fresh.stat()
    os.utime(fresh, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert read_source(fresh, "fresh.md") == b"b"
