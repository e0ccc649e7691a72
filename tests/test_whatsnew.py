"""What's new: dates as written (phase files, front matter) or from a real git history, what
a shallow clone or no git at all gives, bad dates located, /new/ in both languages, the
feeds announced in every page's head, review dates and stale translations in `report`."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from generator.site.pages import site_files
from generator.site.render import Renderer
from tests.helpers import FIXTURES, edit, load, mkdocs_build, phasebook, problems, text_of

JST = "+09:00"


def _git(folder: Path, *args: str, when: str | None = None) -> str:
    """git as an author runs it, with a fixed date, so that the history is the same on every
    machine and run."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(folder),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "CS",
        "GIT_AUTHOR_EMAIL": "cs@example.com",
        "GIT_COMMITTER_NAME": "CS",
        "GIT_COMMITTER_EMAIL": "cs@example.com",
    }
    if when:
        env |= {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    done = subprocess.run(
        ["git", "-C", str(folder), *args], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


@pytest.fixture
def history(tmp_path: Path) -> Path:
    """The minimal portal, undated, in a git repository: everything committed on March 1st,
    then atx-start's title changed on May 1st and the guide on June 1st."""
    project = tmp_path / "portal"
    shutil.copytree(FIXTURES / "minimal", project)  # which writes no date
    _git(project, "init", "-q", "-b", "main")
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "portal", when=f"2026-03-01T10:00:00{JST}")
    edit(project / "phases" / "start.yml", "en: First design}", "en: First design (revised)}")
    _git(project, "commit", "-qam", "title", when=f"2026-05-01T10:00:00{JST}")
    guide = project / "content" / "guides" / "hello.md"
    guide.write_text(guide.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    _git(project, "commit", "-qam", "guide", when=f"2026-06-01T10:00:00{JST}")
    return project


def _date(path: Path, after: str, *lines: str) -> None:
    """Dates written into a program of a phase file, after its line that ends in `after`."""
    edit(path, f"{after}\n", f"{after}\n" + "".join(f"    {line}\n" for line in lines))


def _day(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment else None


def test_git_dates_each_program_by_its_own_lines_and_each_guide_by_its_file(
    history: Path,
) -> None:
    portal = load(history)
    assert portal.dates_notice is None
    atx, acc = portal.dates["atx-start"], portal.dates["acc-start"]
    # Only atx-start's lines changed in May: its neighbours in the same file keep March.
    assert (_day(atx.published), _day(atx.updated)) == (
        "2026-03-01T01:00:00+00:00",
        "2026-05-01T01:00:00+00:00",
    )
    assert _day(acc.updated) == "2026-03-01T01:00:00+00:00"
    assert _day(portal.dates["guide-hello"].updated) == "2026-06-01T01:00:00+00:00"
    assert _day(portal.dates["video-tour"].published) == "2026-03-01T01:00:00+00:00"


def test_an_edit_not_committed_yet_does_not_move_a_date(history: Path) -> None:
    edit(history / "phases" / "start.yml", "en: Design review}", "en: Design review (new)}")
    assert _day(load(history).dates["acc-start"].updated) == "2026-03-01T01:00:00+00:00"


def test_a_written_date_wins_over_the_history(history: Path) -> None:
    edit(
        history / "phases" / "start.yml",
        "    kind: accelerator\n",
        "    kind: accelerator\n    published: 2026-02-01\n",
    )
    dated = load(history).dates["acc-start"]
    assert dated.published == dated.updated == datetime.fromisoformat(f"2026-02-01T00:00:00{JST}")


def test_a_shallow_clone_says_so_and_dates_only_what_is_written(
    history: Path, tmp_path: Path
) -> None:
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{history}", str(clone)], check=True
    )
    portal = load(clone)
    assert "shallow git clone" in (portal.dates_notice or "")
    assert "git fetch --unshallow" in (portal.dates_notice or "")
    # Its one commit would date every item on June 1st: none is dated instead.
    assert all(d.changed is None for d in portal.dates.values())
    renderer = Renderer(portal, lang="ja")
    files = {
        f.src: f.content for f in site_files(portal, renderer, site_url=None, directory_urls=True)
    }
    assert "日付のある項目はまだありません。" in files["new.md"]
    assert "最終更新" not in files["programs/atx-start.md"]


def test_without_git_the_build_says_so_in_one_line(minimal: Path, tmp_path: Path) -> None:
    result = mkdocs_build(minimal, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    notes = [ln for ln in result.stderr.splitlines() if "no git history here" in ln]
    assert len(notes) == 1, result.stderr
    assert "site_url is not set in mkdocs.yml: no Atom feeds are written" in result.stderr
    assert not (tmp_path / "site" / "new" / "atom.xml").exists()
    assert (tmp_path / "site" / "new" / "index.html").is_file()


def test_front_matter_dates_a_guide_and_its_translation_apart(minimal: Path) -> None:
    guides = minimal / "content" / "guides"
    text = (guides / "hello.md").read_text(encoding="utf-8")
    (guides / "hello.md").write_text(
        f"---\npublished: 2026-08-01\nupdated: 2026-10-01T09:30:00+09:00\n---\n{text}",
        encoding="utf-8",
    )
    (guides / "hello.en.md").write_text(
        "---\nupdated: 2026-09-01\n---\n# First login\n\nLog in.\n", encoding="utf-8"
    )
    dated = load(minimal).dates["guide-hello"]
    assert dated.published == datetime.fromisoformat(f"2026-08-01T00:00:00{JST}")
    assert dated.updated == datetime.fromisoformat("2026-10-01T09:30:00+09:00")
    assert dated.translations["en"].updated == datetime.fromisoformat(f"2026-09-01T00:00:00{JST}")


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("published: 2026-13-45", "cannot read value '2026-13-45'"),
        ("published: 2026-11-01T10:00:00", "has a time but no UTC offset"),
        ("published: '1.11.2026'", "'1.11.2026' is not a date (write it like 2026-11-20"),
        ("published: 1999-01-01", "1999-01-01 is out of range"),
    ],
)
def test_a_date_that_does_not_parse_is_located(minimal: Path, written: str, message: str) -> None:
    _date(minimal / "phases" / "run.yml", "minutes: 8", written)
    found = problems(minimal)
    assert len(found) == 1 and found[0].startswith(
        "phases/run.yml:11:16: programs[0].published: "
    ), found
    assert message in found[0]


def test_published_later_than_updated_is_refused(minimal: Path) -> None:
    _date(
        minimal / "phases" / "run.yml", "minutes: 8", "published: 2026-10-01", "updated: 2026-09-20"
    )
    assert problems(minimal) == [
        "phases/run.yml:12:14: updated (2026-09-20) is earlier than published (2026-10-01): "
        "an item changes after it is published, so correct one of the two"
    ]


def test_a_date_after_the_build_says_what_it_would_mean(minimal: Path) -> None:
    # The build's date is 2026-12-01 (SOURCE_DATE_EPOCH): the 2nd is in its future.
    _date(minimal / "phases" / "run.yml", "minutes: 8", "published: 2026-12-02")
    result = phasebook(minimal, "validate")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert (
        "phases/run.yml:11:16: 2026-12-02 is later than this build's date (2026-12-01): What's "
        "new and the feeds would list it as the newest change until then"
    ) in result.stdout + result.stderr


def test_a_bad_date_in_front_matter_is_located_in_the_page(minimal: Path) -> None:
    guide = minimal / "content" / "guides" / "hello.md"
    guide.write_text("---\ntitle: Hello\nupdated: yesterday\n---\n" + guide.read_text())
    assert problems(minimal) == [
        "content/guides/hello.md:3:10: 'yesterday' is not a date (write it like 2026-11-20, "
        "or 2026-11-20T10:00:00+09:00)"
    ]


# -- one real build of a dated portal in two languages, shared by the tests below --------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal portal published at https://example.com/portal/, its English guide
    translated before the Japanese one last changed, acc-start past its review date."""
    project = tmp_path_factory.mktemp("whatsnew") / "portal"
    shutil.copytree(FIXTURES / "minimal", project)
    edit(project / "mkdocs.yml", "site_name:", "site_url: https://example.com/portal/\nsite_name:")
    guides = project / "content" / "guides"
    text = (guides / "hello.md").read_text(encoding="utf-8")
    (guides / "hello.md").write_text(f"---\nupdated: 2026-11-25\n---\n{text}", encoding="utf-8")
    (guides / "hello.en.md").write_text(
        "---\npublished: 2026-09-20\n---\n# First login\n\nLog in.\n", encoding="utf-8"
    )
    start = project / "phases" / "start.yml"
    _date(start, "minutes: 60", "published: 2026-10-01", "updated: 2026-11-20")
    _date(start, "minutes: 90", "published: 2026-10-15", "review_by: 2026-11-30")
    _date(project / "phases" / "run.yml", "minutes: 8", "published: 2026-09-01")
    result = mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.stderr
    return project


def _linked(page: Path) -> list[str]:
    """The titles of the programs /new/ lists, in order."""
    text = page.read_text(encoding="utf-8")
    items = re.findall(r'<ul class="pb-new"[^>]*>(.*?)</ul>', text, re.DOTALL)[0]
    found = re.findall(r'</strong> <a href="[^"]+">(.*?)</a>', items)
    return [html.unescape(re.sub(r"<[^>]+>", "", t)) for t in found]


def test_new_lists_changes_newest_first_in_every_language(site: Path) -> None:
    ja = _linked(site / "site" / "new" / "index.html")
    en = _linked(site / "site" / "en" / "new" / "index.html")
    # The guide: 11-25 in Japanese, but its English page is of 09-20.
    assert ja == [
        "はじめてのログイン",
        "<script>alert(1)</script> はじめての設計",  # shown as text, not run
        "設計レビュー",
        "管理画面ツアー",
    ]
    assert en == ["First design", "Design review", "First login", "Console tour"]


def test_every_page_announces_the_portal_feed_and_a_phase_page_its_own(site: Path) -> None:
    pages = sorted((site / "site").rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        text = page.read_text(encoding="utf-8")
        head = text[: text.index("</head>")]
        feeds = re.findall(r'<link rel="alternate feed" type="application/atom\+xml" [^>]*>', head)
        en = "/site/en/" in page.as_posix()
        root = "https://example.com/portal/" + ("en/" if en else "")
        assert f'href="{root}new/atom.xml"' in feeds[0], page
        phase = re.search(r"/phases/(\w+)/index\.html$", page.as_posix())
        if phase:
            assert len(feeds) == 2 and f'href="{root}new/phases/{phase.group(1)}.xml"' in feeds[1]
        else:
            assert len(feeds) == 1, page


def test_pages_say_when_they_were_last_updated_in_their_language(site: Path) -> None:
    ja = (site / "site" / "programs" / "atx-start" / "index.html").read_text(encoding="utf-8")
    assert '最終更新: <time datetime="2026-11-20T00:00:00+09:00">2026年11月20日</time>' in ja
    en = (site / "site" / "en" / "guides" / "hello" / "index.html").read_text(encoding="utf-8")
    assert 'Last updated: <time datetime="2026-09-20T00:00:00+09:00">Sep 20, 2026</time>' in en


def test_a_translation_older_than_its_original_says_so_on_its_page(site: Path) -> None:
    en = text_of(site / "site" / "en" / "guides" / "hello" / "index.html")
    assert "The original has changed since" in en
    assert "The Japanese page was updated after this translation" in en
    ja = text_of(site / "site" / "guides" / "hello" / "index.html")
    assert "原文が更新されています" not in ja


def test_report_lists_stale_translations_and_past_reviews_and_strict_fails(site: Path) -> None:
    result = phasebook(site, "report")
    assert (
        "content/guides/hello.en.md:1:1: guides/hello.en.md: this translation is older than "
        "guides/hello.md, changed on 2026-11-25" in result.stdout
    )
    assert (
        "phases/start.yml:36:16: acc-start: due for review since 2026-11-30: check that it is "
        "still true" in result.stdout
    ), result.stdout
    data = phasebook(site, "report", "--format", "json").stdout
    assert '"past-review-by"' in data and '"translation-older"' in data


def test_strict_report_fails_on_a_past_review_date_alone(minimal: Path) -> None:
    accepted = {
        "start.yml": "[no-experiences, no-provided]",
        "run.yml": "[no-tasks, no-experiences, no-provided, no-exit-criteria, untranslated]",
    }
    for name, codes in accepted.items():
        path = minimal / "phases" / name
        path.write_text(path.read_text() + f"report:\n  accept: {codes}\n  reason: 承知済み\n")
    assert phasebook(minimal, "report", "--strict").returncode == 0
    run = minimal / "phases" / "run.yml"
    _date(run, "minutes: 8", "published: 2026-09-01", "review_by: 2026-12-01")
    strict = phasebook(minimal, "report", "--strict")
    assert strict.returncode == 1
    assert "video-tour: due for review since 2026-12-01" in strict.stdout
    edit(run, "review_by: 2026-12-01", "review_by: 2026-12-02")  # tomorrow: not due yet
    assert phasebook(minimal, "report", "--strict").returncode == 0


def test_the_same_history_and_build_date_give_the_same_site(history: Path) -> None:
    def made() -> dict[str, object]:
        portal = load(history)
        out = {}
        for lang in ("ja", "en"):
            renderer = Renderer(portal, lang=lang)
            for f in site_files(portal, renderer, site_url="https://e.com/", directory_urls=True):
                out[f"{lang}/{f.src}"] = f.content
        return out

    first, second = made(), made()
    assert first == second
    assert "2026年6月1日" in first["ja/new.md"]  # dated by the history, not by the clock


def test_the_ci_workflow_init_writes_fetches_the_whole_history(tmp_path: Path) -> None:
    """CI's default checkout is a shallow clone, which would leave What's new undated."""
    assert phasebook(tmp_path, "init", "p").returncode == 0
    workflow = yaml.safe_load((tmp_path / "p" / ".github" / "workflows" / "portal.yml").read_text())
    dated = [  # the jobs that report or build: what they show is dated
        job
        for job in workflow["jobs"].values()
        if {"phasebook build", "phasebook report --strict"} & {s.get("run") for s in job["steps"]}
    ]
    checkouts = [
        step
        for job in dated
        for step in job["steps"]
        if step.get("uses", "").startswith("actions/checkout@")
    ]
    assert len(checkouts) == 2 and all(s["with"]["fetch-depth"] == 0 for s in checkouts)
