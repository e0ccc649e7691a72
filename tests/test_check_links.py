"""`phasebook check-links`: every external link of a portal, asked as a CS team's weekly CI
run would ask it, of HTTPS servers on 127.0.0.1 with their own certificate authority
(trustme), trusted through SSL_CERT_FILE. No request leaves the machine: every address in
these portals is on 127.0.0.1, or goes to a local proxy that answers for the whole web.
"""

from __future__ import annotations

import re
import socket
import ssl
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import trustme
import yaml

from generator.authoring.init import init_portal
from generator.authoring.linksources import markdown_links
from tests.helpers import checksums, free_port, phasebook

SLOW = 3.0  # seconds the slow page takes; the tests wait 1 s for an answer
ROUTES = {  # path → status, Location
    "/ok": (200, None),
    "/old": (301, "/ok"),
    "/temp": (302, "/ok"),
    "/missing": (404, None),
    "/gone": (410, None),
    "/broken": (500, None),
    "/slow": (200, None),
    "/loop-a": (302, "/loop-b"),
    "/loop-b": (307, "/loop-a"),
    "/no-head": (200, None),
    "/ガイド": (200, None),
}


class _Routes(BaseHTTPRequestHandler):
    server: _TlsServer

    def do_HEAD(self) -> None:
        self._answer()

    def do_GET(self) -> None:
        self._answer()

    def _answer(self) -> None:
        self.server.seen[(self.command, self.path)] += 1
        path = unquote(urlsplit(self.path).path)
        if path == "/no-head" and self.command == "HEAD":
            status, location = 405, None  # a server that refuses HEAD
        else:
            status, location = ROUTES.get(path, (404, None))
        if path == "/slow":
            time.sleep(SLOW)
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


class _TlsServer(ThreadingHTTPServer):
    """HTTPS on 127.0.0.1 with the certificate given; counts every request by method and
    path. The TLS handshake happens in the request's thread."""

    daemon_threads = True

    def __init__(self, cert: trustme.LeafCert) -> None:
        super().__init__(("127.0.0.1", 0), _Routes)
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(self.context)
        self.seen: Counter[tuple[str, str]] = Counter()
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def base(self) -> str:
        return f"https://127.0.0.1:{self.server_port}"

    def finish_request(self, request, client_address) -> None:  # type: ignore[override]
        try:
            with self.context.wrap_socket(request, server_side=True) as tls:
                super().finish_request(tls, client_address)
        except OSError:
            pass  # a client that refused the certificate, or gave up on the slow page

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


class _Silent:
    """A host that accepts connections and never says a word."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.accepted: list[socket.socket] = []
        self.base = f"https://127.0.0.1:{self.socket.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                self.accepted.append(self.socket.accept()[0])
            except OSError:
                return

    def stop(self) -> None:
        self.socket.close()
        for conn in self.accepted:
            conn.close()


class _Proxy:
    """An HTTP proxy that writes down where each client wanted to go, and refuses (502):
    the whole web as a machine behind a broken proxy sees it."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.asked: list[str] = []
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn = self.socket.accept()[0]
            except OSError:
                return
            with conn:
                self.asked.append(conn.recv(4096).decode("latin-1").split("\r\n")[0])
                conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")

    def stop(self) -> None:
        self.socket.close()


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> tuple[trustme.CA, Path]:
    authority = trustme.CA()
    cafile = tmp_path_factory.mktemp("ca") / "ca.pem"
    authority.cert_pem.write_to_path(str(cafile))
    return authority, cafile


@pytest.fixture(scope="module")
def web(ca: tuple[trustme.CA, Path]) -> Iterator[_TlsServer]:
    server = _TlsServer(ca[0].issue_cert("127.0.0.1"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def bad_tls(ca: tuple[trustme.CA, Path]) -> Iterator[dict[str, _TlsServer]]:
    authority = ca[0]
    servers = {
        "expired": _TlsServer(
            authority.issue_cert(
                "127.0.0.1", not_before=datetime(2020, 1, 1), not_after=datetime(2021, 1, 1)
            )
        ),
        "wrong-host": _TlsServer(authority.issue_cert("portal.other.test")),
        "unknown-ca": _TlsServer(trustme.CA().issue_cert("127.0.0.1")),
    }
    yield servers
    for server in servers.values():
        server.stop()


@pytest.fixture(scope="module")
def silent() -> Iterator[_Silent]:
    host = _Silent()
    yield host
    host.stop()


def local(minimal: Path, base: str, guide: str, register: str = "/missing") -> Path:
    """The minimal portal with every address on the local server, and `guide` as its guide:
    the recording answers, the registration is gone (or `register`), the video has moved."""
    replacements = {
        "https://example.com/rec/atx-start": f"{base}/ok?recording",
        "https://example.com/register/1": f"{base}{register}",
        "https://example.com/video/tour": f"{base}/old",
        "https://example.com/sales": f"{base}/ok?sales",
    }
    for path in (minimal / "phases").glob("*.yml"):
        text = path.read_text(encoding="utf-8")
        for old, new in replacements.items():
            text = text.replace(old, new)
        assert "https://example.com" not in text, "no request may leave the machine"
        path.write_text(text, encoding="utf-8")
    (minimal / "content" / "guides" / "hello.md").write_text(guide, encoding="utf-8")
    return minimal


_LINE = re.compile(r"^  (?P<place>\S+:\d+:\d+): (?P<url>\S+): (?P<message>.*)$", re.M)


def reported(output: str) -> dict[str, list[tuple[str, str]]]:
    """url → [(file:line:col, message)] of every line the run printed for a link."""
    found: dict[str, list[tuple[str, str]]] = {}
    for match in _LINE.finditer(output):
        found.setdefault(match["url"], []).append((match["place"], match["message"]))
    return found


def at(project: Path, place: str) -> str:
    """The source text from `file:line:col` on: where an editor jumps to."""
    file, line, column = place.rsplit(":", 2)
    text = (project / file).read_text(encoding="utf-8").splitlines()[int(line) - 1]
    return text[int(column) - 1 :]


def check(project: Path, cafile: Path | None, *args: str, **extra: str):
    env = {"SSL_CERT_FILE": str(cafile)} if cafile else {}
    result = phasebook(project, "check-links", "--timeout", "1", *args, env_extra=env | extra)
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


GUIDE = """\
# はじめてのログイン

まず [ログイン画面]({base}/ok) を開きます。登録は [こちら]({base}/missing)。
![図]({base}/gone)
<{base}/broken>
[一時的な案内][temp] と <a href="{base}/loop-a">ループ</a>、[HEAD を断るサーバー]({base}/no-head)。
[遅いページ]({base}/slow?guide) [閉じたポート](https://127.0.0.1:{closed}/x)
[メール](mailto:not-an-address) と [窓口](mailto:cs@example.com?subject=%E8%B3%AA%E5%95%8F)
例は `[code]({base}/code-span)` のように書きます。

```bash
curl {base}/in-a-fence
```

<!-- [下書き]({base}/commented) -->

[temp]: {base}/temp
"""


def test_each_dead_or_moved_link_is_named_at_its_place_with_what_to_do(
    minimal: Path, web: _TlsServer, ca: tuple[trustme.CA, Path]
) -> None:
    base, closed = web.base, free_port()
    project = local(minimal, base, GUIDE.format(base=base, closed=closed))
    result = check(project, ca[1])
    assert result.returncode == 1, "a dead link fails the run, --strict or not"
    found = reported(result.stdout)
    for url, places in found.items():
        assert all(at(project, place).startswith(url) for place, _ in places), url
    # Columns after an address depend on the server's port: lines are compared from here.
    found = {u: [(p.rsplit(":", 1)[0], m) for p, m in places] for u, places in found.items()}
    guide = "content/guides/hello.md"
    assert found[f"{base}/missing"] == [
        (
            f"{guide}:3",
            "404 Not Found: the page is gone: link its new address, or remove the link",
        ),
        (
            "phases/start.yml:25",
            "404 Not Found: the page is gone: link its new address, or remove the link",
        ),
    ], "every place of an address, YAML and guide alike"
    assert found[f"{base}/gone"][0][0] == f"{guide}:4"
    assert found[f"{base}/gone"][0][1].startswith("410 Gone: ")
    assert found[f"{base}/broken"] == [
        (
            f"{guide}:5",
            "500 Internal Server Error: the server failed: if it still does next "
            "week, tell the site's owner",
        )
    ]
    assert found[f"{base}/old"] == [
        ("phases/run.yml:9", f"moved permanently to {base}/ok: write the new address instead")
    ]
    assert found[f"{base}/temp"] == [
        (f"{guide}:17", f"redirects to {base}/ok (temporary): keep the address as written")
    ]
    assert found[f"{base}/loop-a"][0][1].startswith(
        f"redirect loop: {base}/loop-a → {base}/loop-b → {base}/loop-a: "
    )
    assert found[f"{base}/slow?guide"][0][1].startswith("no answer within 1 s: ")
    assert found[f"https://127.0.0.1:{closed}/x"][0][1].startswith("connection refused: ")
    assert found["mailto:not-an-address"] == [
        (
            f"{guide}:8",
            "mailto: 'not-an-address' is not an e-mail address: write name@example.com",
        )
    ]
    assert not {f"{base}/ok", f"{base}/no-head", f"{base}/ok?recording", f"{base}/ok?sales"} & set(
        found
    ), "what answers is not reported"
    assert "mailto:cs@example.com" not in result.stdout
    sections = [line for line in result.stdout.splitlines() if line and not line.startswith(" ")]
    assert sections[:3] == ["Dead links (6):", "To look at (3):", "For information (1):"]
    assert sections[3].startswith("Checked 16 links (15 addresses, 0 answered within the last day)")
    # Asked once each (HEAD, then GET to confirm an error), wherever they are written;
    # examples in code and comments are not links at all.
    assert web.seen[("HEAD", "/missing")] == web.seen[("GET", "/missing")] == 1
    assert web.seen[("HEAD", "/no-head")] == web.seen[("GET", "/no-head")] == 1
    assert not [p for _, p in web.seen if p in ("/code-span", "/in-a-fence", "/commented")]


def test_tls_problems_are_named_and_ssl_cert_file_is_trusted(
    minimal: Path, web: _TlsServer, bad_tls: dict[str, _TlsServer], ca: tuple[trustme.CA, Path]
) -> None:
    links = "\n".join(f"[{name}]({server.base}/ok)" for name, server in bad_tls.items())
    project = local(minimal, web.base, f"# TLS\n\n{links}\n")
    found = reported(check(project, ca[1]).stdout)
    message = {name: found[f"{server.base}/ok"][0][1] for name, server in bad_tls.items()}
    assert message["expired"].startswith("TLS: the certificate has expired")
    assert message["wrong-host"].startswith("TLS: the certificate is for another host name")
    assert message["unknown-ca"].startswith(
        "TLS: the certificate is signed by an authority this machine does not trust"
    )
    assert "SSL_CERT_FILE" in message["unknown-ca"], "what a team with its own CA does"
    assert f"{web.base}/ok?sales" not in found, "trusted through SSL_CERT_FILE"
    # Without SSL_CERT_FILE the local authority is unknown, like any other.
    untrusted = reported(check(project, None, "--fresh").stdout)
    assert untrusted[f"{web.base}/ok?sales"][0][1].startswith("TLS: the certificate is signed")


def test_redirects_fail_only_with_strict_and_a_temporary_one_never(
    minimal: Path, web: _TlsServer, ca: tuple[trustme.CA, Path]
) -> None:
    project = local(minimal, web.base, f"# R\n\n[a]({web.base}/temp?strict)\n", "/ok?register")
    assert check(project, ca[1]).returncode == 0, "a moved video is to look at, not dead"
    assert check(project, ca[1], "--strict").returncode == 1
    run = project / "phases" / "run.yml"
    run.write_text(run.read_text().replace(f"{web.base}/old", f"{web.base}/ok?video"))
    result = check(project, ca[1], "--strict")
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith("For information (1):\n")


def test_answers_are_kept_a_day_under_the_state_folder(
    minimal: Path, web: _TlsServer, ca: tuple[trustme.CA, Path]
) -> None:
    closed = free_port()
    guide = f"# C\n\n[a]({web.base}/ok?cache) [b]({web.base}/gone?cache) [c](https://127.0.0.1:{closed}/)\n"
    project = local(minimal, web.base, guide)
    sources = checksums(project)
    first = check(project, ca[1])
    assert web.seen[("HEAD", "/ok?cache")] == 1 and web.seen[("GET", "/gone?cache")] == 1
    second = check(project, ca[1])
    assert web.seen[("HEAD", "/ok?cache")] == 1, "answered from the cache: no request"
    assert web.seen[("GET", "/gone?cache")] == 1
    assert reported(second.stdout) == reported(first.stdout)
    assert "(8 addresses, 6 answered within the last day)" in second.stdout, (
        "a connection refused is asked again next time"
    )
    check(project, ca[1], "--fresh")
    assert web.seen[("HEAD", "/ok?cache")] == 2
    assert (project / ".phasebook" / "links.json").is_file()
    assert checksums(project) == sources, "nothing written under phases/ or content/"


def test_a_host_that_never_answers_costs_seconds(
    minimal: Path, web: _TlsServer, silent: _Silent, ca: tuple[trustme.CA, Path]
) -> None:
    links = " ".join(f"[{i}]({silent.base}/page-{i})" for i in range(6))
    project = local(minimal, web.base, f"# S\n\n{links}\n", "/ok?register")
    before = len(silent.accepted)
    started = time.monotonic()
    result = check(project, ca[1], "--timeout", "1", "--max-time", "60")
    assert time.monotonic() - started < 20
    assert len(silent.accepted) - before == 2, "asked twice at once, then never again"
    messages = [
        m
        for url, places in reported(result.stdout).items()
        if url.startswith(silent.base)
        for _, m in places
    ]
    assert len(messages) == 6 and all(m.startswith("no answer within 1 s") for m in messages)
    assert result.returncode == 0, "silence is to look at (it may pass), not dead"
    assert check(project, ca[1], "--strict").returncode == 1
    # The whole run is bound too, whatever the timeout of one request.
    started = time.monotonic()
    bounded = check(project, ca[1], "--timeout", "60", "--max-time", "2", "--fresh")
    assert time.monotonic() - started < 20
    lines = reported(bounded.stdout)[f"{silent.base}/page-0"]
    assert lines[0][1] == "not checked: the run's time limit (2 s, --max-time) was reached first"


def test_a_machine_without_network_gets_one_line(minimal: Path, web: _TlsServer) -> None:
    guide = "# N\n\n[a](https://bücher.example/) [b](https://portal.example.org/x)\n"
    project = local(minimal, web.base, guide)
    for path in (project / "phases").glob("*.yml"):  # only the two hosts of the web
        path.write_text(path.read_text().replace(web.base, "https://portal.example.org"))
    proxy = _Proxy()
    try:
        result = check(project, None, HTTPS_PROXY=proxy.url)
    finally:
        proxy.stop()
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith("No link could be checked: none of the 2 hosts answered (")
    assert len(result.stderr.splitlines()) == 1
    assert "CONNECT xn--bcher-kva.example:443 HTTP/1.1" in proxy.asked, "IDNA, as browsers do"


def test_hostile_addresses_get_a_clear_line_and_no_request(
    minimal: Path, web: _TlsServer, ca: tuple[trustme.CA, Path]
) -> None:
    long = f"{web.base}/ok?" + "a" * 3000
    guide = (
        "# H\n\n[x](javascript:alert(1)) [y](data:text/html,hi) [z](file:///C:/share/plan.xlsx)\n"
        f"[long]({long}) [port](https://127.0.0.1:99999/) [ftp](ftp://files.example/a)\n"
        f"[日本語のパス]({web.base}/ガイド)\n"
    )
    project = local(minimal, web.base, guide)
    result = check(project, ca[1])
    assert result.returncode == 1
    found = {url: places[0][1] for url, places in reported(result.stdout).items()}
    assert found["javascript:alert(1)"].startswith("a javascript: link runs script")
    assert found["data:text/html,hi"].startswith("a data: link embeds a file")
    assert found["file:///C:/share/plan.xlsx"].startswith("a file: link opens a file on the author")
    assert found["ftp://files.example/a"] == "not checked: ftp: links are not checked"
    assert found["https://127.0.0.1:99999/"].startswith("not a valid address (")
    shown = long[:119] + "…"
    assert found[shown].startswith(f"an address of {len(long)} characters")
    assert not [p for _, p in web.seen if p.startswith("/ok?aaa")], "too long to ask"
    assert web.seen[("HEAD", "/%E3%82%AC%E3%82%A4%E3%83%89")] == 1, "percent-encoded"
    assert f"{web.base}/ガイド" not in found


def test_messages_speak_the_teams_language(
    minimal: Path, web: _TlsServer, ca: tuple[trustme.CA, Path]
) -> None:
    project = local(minimal, web.base, f"# J\n\n[a]({web.base}/gone?ja)\n")
    result = check(project, ca[1], PHASEBOOK_LANG="ja")
    assert result.returncode == 1
    assert "リンク切れ（2件）:" in result.stdout and "410 Gone: " in result.stdout


def test_the_ci_workflow_checks_links_every_week(tmp_path: Path) -> None:
    init_portal(tmp_path / "p", "en")
    text = (tmp_path / "p" / ".github" / "workflows" / "portal.yml").read_text()
    workflow = yaml.safe_load(text)
    weekly = [c["cron"] for c in workflow[True]["schedule"] if c["cron"].split()[4] != "*"]
    assert weekly == ["0 0 * * 1"], "once a week, on Monday morning in Japan"
    links = workflow["jobs"]["links"]
    assert links["if"] == (
        "github.event.schedule == '0 0 * * 1' || github.event_name == 'workflow_dispatch'"
    )
    assert "phasebook check-links" in [s.get("run") for s in links["steps"]]
    assert workflow["jobs"]["check"]["if"] == "github.event.schedule != '0 0 * * 1'", (
        "the weekly run checks links, and does not publish the site again"
    )


def test_links_are_read_from_markdown_as_it_renders_them() -> None:
    text = (
        "[a](https://x.test/a_(b)) [b](<https://x.test/with space>)\n"
        "  [ref]: https://x.test/ref\n"
        "<https://x.test/auto> <team@x.test> <span>`<https://x.test/span>`</span>\n"
        '<img src="https://x.test/img?a=1&amp;b=2">\n'
        "    ```\n    [c](https://x.test/fenced)\n    ```\n"
        "[relative](../guides/x.md) [anchor](#top) [//](//x.test/scheme-relative)\n"
        "``` unclosed\n[d](https://x.test/after-unclosed-fence)\n"
    )
    found = [(p.line, p.column, p.url) for p in markdown_links(text, "g.md")]
    assert sorted(found) == [
        (1, 5, "https://x.test/a_(b)"),
        (1, 32, "https://x.test/with space"),
        (2, 10, "https://x.test/ref"),
        (3, 2, "https://x.test/auto"),
        (3, 24, "mailto:team@x.test"),
        (4, 11, "https://x.test/img?a=1&b=2"),
        (8, 48, "https://x.test/scheme-relative"),
    ]
