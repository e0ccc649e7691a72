"""Hostile input, built for real: `mkdocs build --strict` either refuses it with file:line
and exit 1, or shows every text literally, in the HTML and in the calendar feeds."""

from __future__ import annotations

import gzip
import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from mkdocs.commands.build import build as mkdocs_build_in_process
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from generator.build import engine
from generator.site.render import yaml_string
from generator.source.load import load_portal
from generator.text.errors import ContentError
from tests.helpers import ENV, EPOCH, edit, mkdocs_build, text_of


def refused(project: Path, *expected: str) -> str:
    """Build, expect exit 1 without a traceback or a site, and the messages in stderr."""
    site = project / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert not site.exists(), "a refused build writes no site"
    for line in expected:
        assert line in result.stderr, result.stderr
    return result.stderr


# -- emoji and characters beyond the BMP ------------------------------------------------------


def test_emoji_and_rare_kanji_reach_every_page_intact(minimal: Path) -> None:
    edit(minimal / "phases" / "lifecycle.yml", "テスト ポータル", "テスト ポータル 🚀")
    edit(minimal / "phases" / "start.yml", "{ja: はじめに,", "{ja: はじめに 😀,")
    edit(minimal / "phases" / "run.yml", "管理画面ツアー", "𠮷野家の管理画面ツアー")
    edit(minimal / "mkdocs.yml", "  - phasebook\n", "  - search\n  - phasebook\n")
    site = minimal / "site"
    result = mkdocs_build(minimal, site)
    assert result.returncode == 0, result.stderr
    phase = (site / "phases" / "start" / "index.html").read_text(encoding="utf-8")
    assert re.search(r"<h1[^>]*>はじめに 😀", phase), "the heading, not its front matter"
    assert "<title>はじめに 😀 - Minimal portal</title>" in phase
    assert "\\u" not in text_of(site / "phases" / "start" / "index.html")
    video = text_of(site / "programs" / "video-tour" / "index.html")
    assert video.startswith("𠮷野家の管理画面ツアー")
    fragments = (site / "pagefind" / "fragment").glob("*.pf_fragment")
    found = [
        json.loads(gzip.decompress(f.read_bytes()).removeprefix(b"pagefind_dcd")) for f in fragments
    ]
    pages = {d["url"]: d for d in found}
    assert pages["/programs/video-tour/"]["meta"]["title"] == "𠮷野家の管理画面ツアー"
    # Pagefind marks where it split the words with zero-width spaces.
    assert "𠮷野家" in pages["/programs/video-tour/"]["content"].replace("\u200b", "")
    assert pages["/phases/start/"]["content"], "the search text of the page is not empty"


# -- templates a site overrides --------------------------------------------------------------


def _override(project: Path, name: str, text: str) -> None:
    (project / "overrides").mkdir(exist_ok=True)
    (project / "overrides" / name).write_text(text, encoding="utf-8")
    edit(
        project / "mkdocs.yml",
        "  - phasebook\n",
        "  - phasebook:\n      templates_dir: overrides\n",
    )


def test_a_syntax_error_in_an_override_names_the_template_and_line(minimal: Path) -> None:
    _override(minimal, "program.md.j2", "# {{ title(program) }}\n\n{{ program.id ( }}\n")
    refused(minimal, "overrides/program.md.j2:3:1: template error: unexpected '}'")


def test_an_unknown_name_in_an_override_names_the_template_and_line(minimal: Path) -> None:
    _override(minimal, "phase.md.j2", "# {{ phase.id }}\n\n{{ phase.nickname }}\n")
    refused(minimal, "overrides/phase.md.j2:3:1: template error:", "has no attribute 'nickname'")


def test_a_missing_templates_dir_is_an_error(minimal: Path) -> None:
    edit(
        minimal / "mkdocs.yml", "  - phasebook\n", "  - phasebook:\n      templates_dir: overides\n"
    )
    refused(minimal, "templates_dir 'overides' does not exist (create it, or remove the option")


@pytest.mark.parametrize("value", ["0", "-1", "x", "true", "1.5"])
def test_catalogue_page_size_must_be_a_positive_number(minimal: Path, value: str) -> None:
    edit(
        minimal / "mkdocs.yml",
        "  - phasebook\n",
        f"  - phasebook:\n      catalogue_page_size: {value}\n",
    )
    shown = {"true": "True", "x": "'x'"}.get(value, value)
    refused(
        minimal,
        "Config value 'plugins': Plugin 'phasebook' option 'catalogue_page_size': "
        f"expected a whole number from 1, got {shown}",
    )


# -- hand-written files where the portal generates one -------------------------------------


@pytest.mark.parametrize(
    ("path", "url", "source"),
    [
        ("plans.md", "plans/", "phases/"),
        ("programs/atx-start.md", "programs/atx-start/", "phases/start.yml"),
        ("api/catalog.json", "api/catalog.json", "phases/"),
        ("phases/run.md", "phases/run/", "phases/run.yml"),
        ("schedule.ics", "schedule.ics", "phases/"),
        ("atx.md", "atx/", "phases/"),
    ],
)
def test_a_hand_written_file_is_never_silently_replaced(
    minimal: Path, path: str, url: str, source: str
) -> None:
    target = minimal / "content" / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("# 手書き\n", encoding="utf-8")
    refused(
        minimal,
        f"content/{path}:1:1: the portal generates this file from {source} (/{url}): "
        f"rename or move content/{path}",
    )


def test_a_hand_written_start_page_still_wins(minimal: Path) -> None:
    assert (minimal / "content" / "index.md").exists()
    assert mkdocs_build(minimal, minimal / "site").returncode == 0


# -- sources that used to hang, crash or pass silently --------------------------------------


def test_a_pipe_in_content_fails_the_build_at_once(minimal: Path) -> None:
    os.mkfifo(minimal / "content" / "notes.md")
    refused(minimal, "content/notes.md:1:1: is not a regular file (a pipe, socket or device)")


def test_a_guide_that_is_not_utf8_fails_with_its_place(minimal: Path) -> None:
    (minimal / "content" / "guides" / "hello.md").write_bytes(b"# Hello\n\n\x82\xa0\n")
    refused(minimal, "content/guides/hello.md:3:1: not UTF-8 (byte 0x82): save the file as UTF-8")


def test_a_line_break_in_a_title_fails_before_the_feeds(minimal: Path) -> None:
    edit(minimal / "phases" / "lifecycle.yml", "{ja: テスト ポータル,", '{ja: "テスト\\nポータル",')
    refused(minimal, "phases/lifecycle.yml:2:10: portal.title: line break U+000A in the text")


def test_a_garbage_source_date_epoch_fails_the_build(minimal: Path) -> None:
    env = {**ENV, "SOURCE_DATE_EPOCH": "yesterday"}
    result = subprocess.run(
        engine.command("build", "--strict", "-d", str(minimal / "other")),
        cwd=minimal,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "SOURCE_DATE_EPOCH: 'yesterday' is not a number of seconds since 1970" in result.stderr


@pytest.mark.parametrize("blank", ["", " ", "\t"])
def test_a_blank_source_date_epoch_is_unset_not_a_traceback(minimal: Path, blank: str) -> None:
    """`SOURCE_DATE_EPOCH= phasebook build`: the loader reads blank as unset; MkDocs, which
    dates pages with int() of it, must read it the same way rather than stop."""
    result = subprocess.run(
        engine.command("build", "--strict", "-d", str(minimal / "other")),
        cwd=minimal,
        env={**ENV, "SOURCE_DATE_EPOCH": blank},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert (minimal / "other" / "index.html").is_file()


@pytest.mark.parametrize("page", ["./guides/hello.md", "guides/../guides/hello.md"])
def test_a_guide_path_written_another_way_keeps_its_header(minimal: Path, page: str) -> None:
    edit(minimal / "phases" / "start.yml", "page: guides/hello.md", f"page: {page}")
    result = mkdocs_build(minimal, minimal / "site")
    assert result.returncode == 0, result.stderr
    guide = (minimal / "site" / "guides" / "hello" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<p class="pb-meta"[ >]', guide)


# -- any one-line text: refused, or shown literally in the page and in the feed ----------------

TITLE_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"])
    | st.sampled_from(list("<>&\"'`*_[]{}()#+-.!|~^=$\\%:;,\n\r\t\x00\x1b\u2028\u00a0\u3000 ")),
    min_size=1,
    max_size=24,
)


@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(TITLE_TEXT)
def test_any_title_is_refused_or_shown_literally(
    minimal: Path, tmp_path_factory: pytest.TempPathFactory, title: str
) -> None:
    project = tmp_path_factory.mktemp("title") / "portal"
    shutil.copytree(minimal, project)
    start = project / "phases" / "start.yml"
    edit(start, '"<script>alert(1)</script> はじめての設計"', yaml_string(title))
    try:
        load_portal(project / "phases", project / "content", root=project)
    except ContentError as exc:
        assert len(exc.problems) == 1
        assert exc.problems[0].file == "phases/start.yml" and exc.problems[0].line == 16
        return
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(project / "site"))
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        mkdocs_build_in_process(config)
    except MkDocsException as exc:
        raise AssertionError(f"a title that loads broke the build: {exc}") from exc
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH")
        if previous is not None:
            os.environ["SOURCE_DATE_EPOCH"] = previous
    page = (project / "site" / "programs" / "atx-start" / "index.html").read_text()
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1)
    shown = html.unescape(re.sub(r"<[^>]+>", "", heading))
    assert " ".join(shown.split()) == " ".join(title.split())
    feed = Calendar.from_ical((project / "site" / "schedule" / "start.ics").read_bytes())
    events = feed.walk("VEVENT")
    assert len(events) == 2
    assert {str(e["SUMMARY"]) for e in events} == {f"[ATX] {title}"}
