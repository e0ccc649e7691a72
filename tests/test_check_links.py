"""`phasebook check-links` as a weekly CI run uses it, against HTTPS servers on 127.0.0.1 with
their own certificate authority (trustme) trusted through SSL_CERT_FILE. No request leaves
the machine: every address here is on 127.0.0.1, or goes to a local proxy that refuses all.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import trustme
import yaml

from generator.authoring.init import init_portal
from generator.authoring.linksources import markdown_links, yaml_links
from generator.source.yamlfile import parse_yaml
from tests.helpers import checksums, free_port, phasebook
from tests.local_web import Proxy, Silent, TlsServer


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> tuple[trustme.CA, Path]:
    authority = trustme.CA()
    cafile = tmp_path_factory.mktemp("ca") / "ca.pem"
    authority.cert_pem.write_to_path(str(cafile))
    return authority, cafile


@pytest.fixture(scope="module")
def web(ca: tuple[trustme.CA, Path]) -> Iterator[TlsServer]:
    server = TlsServer(ca[0].issue_cert("127.0.0.1"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def bad_tls(ca: tuple[trustme.CA, Path]) -> Iterator[dict[str, TlsServer]]:
    authority = ca[0]
    servers = {
        "expired": TlsServer(
            authority.issue_cert(
                "127.0.0.1", not_before=datetime(2020, 1, 1), not_after=datetime(2021, 1, 1)
            )
        ),
        "wrong-host": TlsServer(authority.issue_cert("portal.other.test")),
        "unknown-ca": TlsServer(trustme.CA().issue_cert("127.0.0.1")),
    }
    yield servers
    for server in servers.values():
        server.stop()


@pytest.fixture(scope="module")
def silent() -> Iterator[Silent]:
    host = Silent()
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

まず [ログイン画面]({base}/ok) を開きます。登録は [こちら]({base}/missing?main)。
![図]({base}/gone)
<{base}/broken>
[一時的な案内][temp] と <a href="{base}/loop-a">ループ</a>、[HEAD 拒否]({base}/no-head?main)。
[遅いページ]({base}/slow?guide) [閉じたポート](https://127.0.0.1:{closed}/x)
[メール](mailto:not-an-address) と [窓口](mailto:cs@example.com?subject=%E8%B3%AA%E5%95%8F)
例は `[code]({base}/code-span)` のように書きます。

```bash
curl {base}/in-a-fence
```

<!-- [下書き]({base}/commented) -->

[temp]: {base}/temp
"""


GONE = "404 Not Found: the page is gone: link its new address, or remove the link"


def test_each_dead_or_moved_link_is_named_at_its_place_with_what_to_do(
    minimal: Path, web: TlsServer, ca: tuple[trustme.CA, Path]
) -> None:
    base, closed = web.base, free_port()
    guide_text = GUIDE.format(base=base, closed=closed)
    project = local(minimal, base, guide_text, "/missing?main")
    result = check(project, ca[1])
    assert result.returncode == 1, "a dead link fails the run, --strict or not"
    found = reported(result.stdout)
    for url, places in found.items():
        assert all(at(project, place).startswith(url) for place, _ in places), url
    # Columns after an address depend on the server's port: lines are compared from here.
    found = {u: [(p.rsplit(":", 1)[0], m) for p, m in places] for u, places in found.items()}
    guide = "content/guides/hello.md"
    assert found[f"{base}/missing?main"] == [(f"{guide}:3", GONE), ("phases/start.yml:25", GONE)]
    assert found[f"{base}/gone"][0][0] == f"{guide}:4"
    assert found[f"{base}/gone"][0][1].startswith("410 Gone: ")
    assert found[f"{base}/broken"] == [
        (
            f"{guide}:5",
            "500 Internal Server Error: the server failed: if it still does next "
            "week, tell the site's owner",
        )
    ]
    moved = f"moved permanently to {base}/ok: write the new address instead"
    assert found[f"{base}/old"] == [("phases/run.yml:9", moved)]
    temporary = f"redirects to {base}/ok (temporary): keep the address as written"
    assert found[f"{base}/temp"] == [(f"{guide}:17", temporary)]
    loop = f"redirect loop: {base}/loop-a → {base}/loop-b → {base}/loop-a: "
    assert found[f"{base}/loop-a"][0][1].startswith(loop)
    assert found[f"{base}/slow?guide"][0][1].startswith("no answer within 1 s: ")
    assert found[f"https://127.0.0.1:{closed}/x"][0][1].startswith("connection refused: ")
    mailto = "mailto: 'not-an-address' is not an e-mail address: write name@example.com"
    assert found["mailto:not-an-address"] == [(f"{guide}:8", mailto)]
    answering = {f"{base}/ok", f"{base}/no-head?main", f"{base}/ok?recording", f"{base}/ok?sales"}
    assert not answering & set(found), "what answers is not reported"
    assert "mailto:cs@example.com" not in result.stdout
    sections = [line for line in result.stdout.splitlines() if line and not line.startswith(" ")]
    assert sections[:3] == ["Dead links (6):", "To look at (3):", "For information (1):"]
    assert sections[3].startswith("Checked 16 links (15 addresses, 0 answered within the last day)")
    # Asked once each (HEAD, then GET to confirm an error), wherever they are written;
    # examples in code and comments are not links at all.
    assert web.seen[("HEAD", "/missing?main")] == web.seen[("GET", "/missing?main")] == 1
    assert web.seen[("HEAD", "/no-head?main")] == web.seen[("GET", "/no-head?main")] == 1
    assert not [p for _, p in web.seen if p in ("/code-span", "/in-a-fence", "/commented")]


def test_tls_problems_are_named_and_ssl_cert_file_is_trusted(
    minimal: Path, web: TlsServer, bad_tls: dict[str, TlsServer], ca: tuple[trustme.CA, Path]
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
    minimal: Path, web: TlsServer, ca: tuple[trustme.CA, Path]
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
    minimal: Path, web: TlsServer, ca: tuple[trustme.CA, Path]
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
    minimal: Path, web: TlsServer, silent: Silent, ca: tuple[trustme.CA, Path]
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


def test_a_machine_without_network_gets_one_line(minimal: Path, web: TlsServer) -> None:
    guide = "# N\n\n[a](https://bücher.example/) [b](https://portal.example.org/x)\n"
    project = local(minimal, web.base, guide)
    for path in (project / "phases").glob("*.yml"):  # only the two hosts of the web
        path.write_text(path.read_text().replace(web.base, "https://portal.example.org"))
    proxy = Proxy()
    try:
        result = check(project, None, HTTPS_PROXY=proxy.url)
    finally:
        proxy.stop()
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith("No link could be checked: none of the 2 hosts answered (")
    assert len(result.stderr.splitlines()) == 1
    assert "CONNECT xn--bcher-kva.example:443 HTTP/1.1" in proxy.asked, "IDNA, as browsers do"


def test_hostile_addresses_get_a_clear_line_and_no_request(
    minimal: Path, web: TlsServer, ca: tuple[trustme.CA, Path]
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
    minimal: Path, web: TlsServer, ca: tuple[trustme.CA, Path]
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


def test_every_address_in_yaml_is_found_at_its_value_and_faq_answers_are_markdown() -> None:
    text = (
        "tiers:\n"
        "  - id: premier\n"
        "    contact: mailto:sales@example.com\n"
        "    x-note: https://ignored.example/  # extensions are not the portal's\n"
        "faq:\n"
        "  - question: 申し込みは？\n"
        "    answer: |\n"
        "      [申込フォーム](https://x.test/form) から。`https://x.test/code` は例です。\n"
        "programs:\n"
        "  - summary: 詳しくは https://x.test/in-text を見てください\n"
        "    url: https://x.test/video\n"
    )
    found = [(p.line, p.column, p.url) for p in yaml_links(parse_yaml(text, "phases/a.yml"))]
    assert found == [
        (3, 14, "mailto:sales@example.com"),
        (7, 13, "https://x.test/form"),
        (11, 10, "https://x.test/video"),
    ]


def test_a_portal_that_does_not_load_is_named_and_nothing_is_asked(minimal: Path) -> None:
    (minimal / "phases" / "run.yml").write_text("id: run\nname: [\n", encoding="utf-8")
    result = check(minimal, None)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith("1 problem in the portal sources:\n  phases/run.yml:")


@pytest.mark.parametrize(
    "cache",
    [
        "not json",
        '{"checked": {"URL": {"at": "yesterday", "outcome": {"code": "ok"}}}}',
        '{"checked": {"URL": {"at": NOW, "outcome": {"code": "ok", "colour": 1}}}}',
        '{"checked": {"URL": {"at": NOW, "outcome": {"code": "status", "status": "410"}}}}',
        None,  # .phasebook is a file: nothing can be kept, and the check runs all the same
    ],
)
def test_a_broken_cache_is_no_cache(
    minimal: Path, web: TlsServer, ca: tuple[trustme.CA, Path], cache: str | None
) -> None:
    url = f"{web.base}/gone?broken-cache-{hash(cache)}"
    project = local(minimal, web.base, f"# B\n\n[a]({url})\n", "/ok?register")
    if cache is None:
        (project / ".phasebook").write_text("a file")
    else:
        (project / ".phasebook").mkdir()
        written = cache.replace("URL", url).replace("NOW", str(time.time()))
        (project / ".phasebook" / "links.json").write_text(written)
    result = check(project, ca[1])
    assert result.returncode == 1 and reported(result.stdout)[url][0][1].startswith("410 Gone")
    assert web.seen[("HEAD", url.removeprefix(web.base))] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--timeout", "nan"), "'nan' is not a number of seconds"),
        (("--max-time", "NaN"), "'NaN' is not a number of seconds"),
        (("--timeout", "0"), "0.0 is not in the range 0.1<=x<=300"),
        (("--timeout", "inf"), "inf is not in the range 0.1<=x<=300"),
        (("--max-time", "-1"), "-1.0 is not in the range"),
        (("--jobs", "0"), "0 is not in the range 1<=x<=64"),
        (("--jobs", "65"), "65 is not in the range 1<=x<=64"),
        (("--timeout", "soon"), "'soon' is not a valid number"),
    ],
)
def test_a_bad_option_value_is_one_line_and_exit_2(
    minimal: Path, args: tuple[str, ...], message: str
) -> None:
    """Nothing is asked of any host and nothing written: a nan timeout would have made every
    request time out at once and called each link one to look at."""
    before = checksums(minimal)
    result = phasebook(minimal, "check-links", *args)
    assert result.returncode == 2, result.stdout
    assert message in result.stderr and "Traceback" not in result.stderr
    assert checksums(minimal) == before
