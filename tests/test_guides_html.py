"""A guide cannot run script unless the portal says so: real builds refuse every hostile
form in a guide's Markdown, in either language, with file:line and what to write instead,
write no site, allow an <iframe> only from a listed host, and publish everything when the
portal trusts its authors (`allow_raw_html: true`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.build.outputs import Options
from generator.site.guard import HtmlPolicy, findings, scheme
from tests.helpers import edit, phasebook

GUIDE = Path("content/guides/hello.md")
TRANSLATION = Path("content/guides/hello.en.md")
YOUTUBE = '<iframe src="https://www.youtube-nocookie.com/embed/abc" title="Tour"></iframe>'

# Each hostile form on a line of its own: (what, the Markdown, what the message says).
HOSTILE = [
    ("a script element", "<script>alert(1)</script>", "<script> runs"),
    ("an event handler", '<img src="a.png" OnError="alert(1)">', "onerror= on <img>"),
    ("a slash for a space", "<svg/onload=alert(1)>", "onload= on <svg>"),
    ("a Markdown link", "[click](JaVaScRiPt:alert(1))", "a javascript: address"),
    ("an encoded image", "![pic](&#106;avascript:alert(1))", "a javascript: address"),
    ("a tab and a space", '<a href=" &#x09;java&#x0A;script:alert(1)">x</a>', "javascript:"),
    ("a control character", '<a href="&#x01;javascript:alert(1)">x</a>', "javascript:"),
    ("vbscript", '<a href="vbscript:msgbox(1)">x</a>', "a vbscript: address"),
    ("a data form", '<form action="data:text/html,x"><button>go</button></form>', "data:"),
    ("formaction", '<button formaction="javascript:alert(1)">go</button>', "javascript:"),
    ("xlink:href", '<svg><a xlink:href="javascript:alert(1)">x</a></svg>', "javascript:"),
    ("attr_list", "[x](https://example.com){onclick='alert(1)'}", "onclick= on <a>"),
    ("a comment a browser ends", "<!--><script>alert(2)</script>-->", "<script> runs"),
    ("an object", '<object data="x.swf"></object>', "<object> can load script"),
    ("a base", '<base href="https://evil.example/">', "<base> can load script"),
    ("an unlisted iframe", YOUTUBE, "<iframe> from www.youtube-nocookie.com is not allowed"),
]
# A code example is shown, not run: never refused.
EXAMPLE = '```html\n<script src="https://cdn.example/widget.js"></script>\n```\n'


def hostile_guide(project: Path) -> dict[int, tuple[str, str]]:
    """The guide with every hostile form appended, a code example first: line → form."""
    text = (project / GUIDE).read_text(encoding="utf-8") + "\n" + EXAMPLE
    lines: dict[int, tuple[str, str]] = {}
    for what, markdown, says in HOSTILE:
        text += "\n"
        lines[text.count("\n") + 1] = (what, says)
        text += markdown + "\n"
    (project / GUIDE).write_text(text, encoding="utf-8")
    return lines


def options(project: Path, text: str) -> None:
    edit(project / "mkdocs.yml", "  - phasebook\n", "  - phasebook:\n" + text)


def test_every_hostile_form_is_refused_at_its_line(minimal: Path) -> None:
    lines = hostile_guide(minimal)
    result = phasebook(minimal, "build")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert not (minimal / "site").exists(), "no site written"
    reported = re.findall(r"content/guides/hello\.md:(\d+):\d+: (.*)", result.stderr)
    assert f"{len(HOSTILE)} problems in the portal sources" in result.stderr, result.stderr
    for number, (what, says) in lines.items():
        messages = [message for line, message in reported if int(line) == number]
        assert any(says in m for m in messages), f"{what} at line {number}: {result.stderr}"
        assert all("remove it" in m or "instead" in m or "link to" in m for m in messages)
    assert not any(int(line) in range(1, min(lines)) for line, _ in reported), "code example"


def test_a_translation_is_refused_by_its_own_file(minimal: Path) -> None:
    (minimal / TRANSLATION).write_text(
        "# Hello\n\nSign in.\n\n<img src=x onerror=alert(1)>\n", encoding="utf-8"
    )
    result = phasebook(minimal, "build")
    assert result.returncode != 0
    assert "content/guides/hello.en.md:5:12: the attribute onerror= on <img>" in result.stderr
    assert not (minimal / "site").exists()


def test_an_iframe_from_a_listed_host_is_published_in_both_languages(minimal: Path) -> None:
    options(minimal, "      embed_hosts: [www.youtube-nocookie.com]\n")
    evil = '<iframe src="https://evil.example/embed"></iframe>'
    guide = minimal / GUIDE
    guide.write_text(guide.read_text() + f"\n{EXAMPLE}\n{YOUTUBE}\n\n{evil}\n", encoding="utf-8")
    refused = phasebook(minimal, "build")
    assert refused.returncode != 0
    assert "hello.md:11:22: an <iframe> from evil.example is not allowed" in refused.stderr
    assert "youtube" not in refused.stderr, "the listed host is allowed"
    edit(guide, evil, "")
    built = phasebook(minimal, "build")
    assert built.returncode == 0, built.stderr
    for page in ("site/guides/hello/index.html", "site/en/guides/hello/index.html"):
        text = (minimal / page).read_text(encoding="utf-8")
        assert YOUTUBE in text
        assert "&lt;script src=" in text and '<script src="https://cdn' not in text


def test_allow_raw_html_publishes_what_the_authors_wrote(minimal: Path) -> None:
    options(minimal, "      allow_raw_html: true\n")
    hostile_guide(minimal)
    result = phasebook(minimal, "build")
    assert result.returncode == 0, result.stderr
    page = (minimal / "site/guides/hello/index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" in page and YOUTUBE in page


@pytest.mark.parametrize("host", ["https://www.youtube-nocookie.com", "player.vimeo.com/video"])
def test_embed_hosts_are_host_names(minimal: Path, host: str) -> None:
    options(minimal, f"      embed_hosts: ['{host}']\n")
    result = phasebook(minimal, "build")
    assert result.returncode != 0
    assert "expected a host name such as www.youtube-nocookie.com" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_example_portal_builds_with_its_guides(example_site: Path) -> None:
    for page in ("guides/getting-started/index.html", "en/guides/getting-started/index.html"):
        assert (example_site / page).is_file()


@pytest.mark.parametrize(
    ("url", "found"),
    [
        ("javascript:x", "javascript"),
        (" \x01\tJaVa\tScRiPt:x", "javascript"),
        ("java\nscript:x", "javascript"),
        ("DATA:text/html,x", "data"),
        ("https://example.com/javascript:x", "https"),
        ("guides/a.md", ""),
        ("#javascript:x", ""),
        ("jav%61script:x", ""),  # a browser reads no scheme here: a relative address
    ],
)
def test_the_scheme_is_read_as_a_browser_reads_it(url: str, found: str) -> None:
    assert scheme(url) == found


def test_nothing_is_refused_when_raw_html_is_allowed() -> None:
    page = "<script>alert(1)</script><a href='javascript:x'>x</a>"
    assert len(findings(page, HtmlPolicy())) == 2
    assert findings(page, HtmlPolicy(allow_raw_html=True)) == []


def test_the_commands_read_the_new_options() -> None:
    read = Options.read({"allow_raw_html": True, "embed_hosts": ["player.vimeo.com"]})
    assert read.allow_raw_html and read.embed_hosts == ("player.vimeo.com",)
    assert Options.read({"embed_hosts": "player.vimeo.com"}).embed_hosts == ()
