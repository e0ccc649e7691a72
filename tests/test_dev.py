"""The README's promises, kept by `./dev` on a fresh clone: a safe build, a busy port said in
one line, a first run that shows what it does at once, a clear word about an old Python."""

from __future__ import annotations

import hashlib
import os
import select
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import ROOT, tree


def clone(tmp_path: Path, *, venv: bool = True) -> Path:
    """A fresh clone of this checkout (its committed state), sharing this run's .venv so
    that no test installs anything."""
    target = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(target)], check=True)
    if venv:
        stamp = ROOT / ".venv" / f".installed-{_sha1(ROOT / 'pyproject.toml')[:12]}"
        assert stamp.exists(), "run the tests through ./dev pytest: .venv is not set up"
        (target / ".venv").symlink_to(ROOT / ".venv")
    return target


def _sha1(path: Path) -> str:
    return hashlib.sha1(path.read_bytes()).hexdigest()


def dev(project: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 300):
    base = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "SOURCE_DATE_EPOCH": "1796083200",
        "HOME": os.environ.get("HOME", "/root"),
        "PHASEBOOK_LANG": "en",
    }
    return subprocess.run(
        [str(project / "dev"), *args],
        cwd=project,
        env=base | (env or {}),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_dev_build_is_the_safe_build(tmp_path: Path) -> None:
    project = clone(tmp_path)
    first = dev(project, "build")
    assert first.returncode == 0, first.stderr
    assert "MkDocs 2.0" not in first.stdout + first.stderr, "no banner for CS staff"
    before = tree(project / "site")
    guide = project / "content" / "guides" / "sso-setup.md"
    guide.write_text(guide.read_text(encoding="utf-8") + "\n[broken](nowhere.md)\n")
    failed = dev(project, "build")
    assert failed.returncode == 1
    assert f"Build failed: {project / 'site'} is unchanged." in failed.stderr
    assert tree(project / "site") == before, "site/ byte-identical after a failed build"


def _busy_port() -> tuple[socket.socket, int]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    return sock, sock.getsockname()[1]


def test_dev_serve_on_a_busy_port_says_so_in_one_line(tmp_path: Path) -> None:
    project = clone(tmp_path)
    sock, port = _busy_port()
    with sock:
        result = dev(project, "serve", "--port", str(port), timeout=60)
    assert result.returncode == 1
    assert result.stderr == f"port {port} is in use: `./dev serve --port {port + 1}`\n"


def test_phasebook_serve_on_a_busy_port_says_so_in_one_line(minimal: Path) -> None:
    """Said at once: the port is checked before the search index is built."""
    (minimal / "site").mkdir()
    (minimal / "site" / "index.html").write_text("<h1>built</h1>\n", encoding="utf-8")
    sock, port = _busy_port()
    with sock:
        result = subprocess.run(
            [sys.executable, "-m", "generator.cli", "serve", "--port", str(port)],
            cwd=minimal,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 1
    assert result.stderr == f"port {port} is in use: `phasebook serve --port {port + 1}`\n"
    assert not (minimal / ".phasebook" / "index").exists(), "nothing indexed for a busy port"


def test_dev_serve_answers_on_the_port_it_is_given(tmp_path: Path) -> None:
    project = clone(tmp_path)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [str(project / "dev"), "serve", "--port", str(port)],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
                    conn.sendall(b"GET /phases/implement/ HTTP/1.0\r\n\r\n")
                    reply = conn.recv(64)
                break
            except OSError:
                assert process.poll() is None, process.stderr.read()
                time.sleep(0.2)
        assert reply.startswith(b"HTTP/1.0 200"), reply
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        process.stderr.close()


def test_the_first_run_says_what_it_does_within_5_seconds(tmp_path: Path) -> None:
    project = clone(tmp_path, venv=False)
    process = subprocess.Popen(
        [str(project / "dev"), "build"],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        ready, _, _ = select.select([process.stderr], [], [], 5)
        assert ready, "nothing printed within 5 s"
        assert (
            process.stderr.readline() == "Setting up .venv (first run, about a minute)…\n".encode()
        )
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        process.stderr.close()


@pytest.mark.parametrize(
    ("fake", "message"),
    [
        ("echo 'Python 3.9.2'; exit 1", "Python 3.11 or newer is needed; python3 is Python 3.9.2."),
        (
            'case "$*" in *ensurepip*) exit 1;; *) exit 0;; esac',
            "Python's venv module is missing: apt-get install -y python3-venv (Debian, Ubuntu)",
        ),
    ],
)
def test_an_old_python_or_a_missing_venv_is_named(tmp_path: Path, fake: str, message: str):
    project = clone(tmp_path, venv=False)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").write_text(f"#!/bin/sh\n{fake}\n")
    (bin_dir / "python3").chmod(0o755)
    result = dev(project, "build", env={"PATH": f"{bin_dir}:/usr/bin:/bin"}, timeout=60)
    assert result.returncode == 1
    assert message in result.stderr
    assert not (project / ".venv").exists()


@pytest.mark.parametrize("port", ["abc", "0", "70000", "-1", "", None])
def test_dev_serve_refuses_a_port_that_is_no_port(tmp_path: Path, port: str | None) -> None:
    """None: `--port` with nothing after it."""
    project = clone(tmp_path)
    result = dev(project, "serve", "--port", *([port] if port is not None else []), timeout=60)
    assert result.returncode == 1
    assert result.stderr == f"--port must be a number from 1 to 65535 (got '{port or ''}')\n"


def _first_lines(project: Path, count: int) -> list[str]:
    """The first `count` lines `./dev build` prints, then the run is stopped."""
    process = subprocess.Popen(
        [str(project / "dev"), "build"],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        return [process.stderr.readline() for _ in range(count)]
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        process.stderr.close()


def test_a_venv_without_pip_is_made_again_with_a_notice(tmp_path: Path) -> None:
    """What Ctrl+C during `python3 -m venv` leaves: a python, and no pip in it."""
    project = clone(tmp_path, venv=False)
    subprocess.run(["python3", "-m", "venv", "--without-pip", str(project / ".venv")], check=True)
    assert _first_lines(project, 2) == [
        "Setting up .venv again: the last set-up was interrupted (about a minute)…\n",
        "[1/3] creating the virtual environment\n",
    ]


def test_a_venv_whose_python_is_gone_is_made_again(tmp_path: Path) -> None:
    """A .venv from another machine or a removed Python: its python does not start."""
    project = clone(tmp_path, venv=False)
    (project / ".venv" / "bin").mkdir(parents=True)
    (project / ".venv" / "bin" / "python").symlink_to(tmp_path / "no-such-python")
    assert _first_lines(project, 1) == [
        "Setting up .venv again: the last set-up was interrupted (about a minute)…\n"
    ]


def test_a_first_set_up_stopped_with_ctrl_c_recovers_on_the_next_run(tmp_path: Path) -> None:
    """Ctrl+C while the virtual environment is made (a python there, no pip yet), then the
    README's command again: it sets up and builds, instead of `No module named pip`."""
    project = clone(tmp_path, venv=False)
    process = subprocess.Popen(
        [str(project / "dev"), "build"],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    made = [project / name / "bin" / "python" for name in (".venv", ".venv.tmp")]
    deadline = time.monotonic() + 60
    while not any(p.exists() for p in made) and time.monotonic() < deadline:
        time.sleep(0.01)
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl+C sends the terminal's process group
    process.wait(timeout=60)
    assert any(p.exists() for p in made), "stopped while the environment was being made"
    result = dev(project, "build", timeout=600)
    assert result.returncode == 0, result.stderr
    assert (project / "site" / "index.html").exists()
    assert not (project / ".venv.tmp").exists()
    # setuptools' editable-install notice is not for the newcomer: no "!!" block, no stars.
    assert "Editable install" not in result.stderr and "****" not in result.stderr


def test_the_first_build_says_each_thing_once_and_nothing_to_ignore(tmp_path: Path) -> None:
    """Built as of 2030, when every session of the example is over: each stale ATX is named
    once (not once per language), in the team's language; no staging folder's name, no
    unlabelled "Documentation built in …" per language, no line twice."""
    project = clone(tmp_path)
    result = dev(project, "build", env={"SOURCE_DATE_EPOCH": "1893456000", "PHASEBOOK_LANG": "ja"})
    assert result.returncode == 0, result.stderr
    printed = (result.stdout + result.stderr).splitlines()
    assert len(printed) == len(set(printed)), printed
    stale = [line for line in printed if "atx-engage-training" in line]
    assert len(stale) == 1 and "ATX のセッションがすべて終了し" in stale[0], printed
    for noise in ("Documentation built in", "Building documentation", ".site-", "Cleaning site"):
        assert not [line for line in printed if noise in line], (noise, printed)
    assert result.stdout == f"{project / 'site'} にビルドしました\n", "said once, at the end"
