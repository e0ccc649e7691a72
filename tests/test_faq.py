"""Questions customers ask, per phase: the `faq:` of a phase file, checked with file:line:col,
shown on the phase page as disclosure widgets in both languages, read back as FAQPage
structured data, found by the server's search and the browser's index, scaffolded by
`phasebook new faq`, and counted by `phasebook report`."""

from __future__ import annotations

import html
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import extruct
import pytest
from playwright.sync_api import Browser, expect

from tests.helpers import FIXTURES, RUN, checksums, edit, phasebook, problems, serve_folder

# Two questions in both languages and one not yet translated; the second is as hostile as
# a question can be (it is plain text), and its answer shows a tag in a code span.
HOSTILE_QUESTION = "<b>太字</b> と </script><script>alert(1)</script> は？"
FAQ = """\
faq:
  - id: alerts
    question: {ja: アラートの通知先は変更できますか？, en: "Can we change where alerts are sent?"}
    answer:
      ja: |
        はい。**設定 › 通知** で宛先を追加できます。
        手順は[ガイド](../guides/hello.md)にあります。
      en: |
        Yes: add recipients under **Settings › Notifications**.
        The steps are in [the guide](../guides/hello.md).
  - question: "<b>太字</b> と </script><script>alert(1)</script> は？"
    answer: "タグは `<script>` のように書けます。"
  - question: {ja: 英語の回答はまだありませんか？}
    answer: {ja: 翻訳中です。更新の前にご確認ください。}
"""


def _portal(root: Path, faq: str = FAQ) -> Path:
    shutil.copytree(FIXTURES / "minimal", root)
    (root / "phases" / "run.yml").write_text(RUN + faq, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal portal with the FAQ above, built once (site, search index, and the
    browser's index of Material's search plugin, as the example portal has it)."""
    project = _portal(tmp_path_factory.mktemp("faq") / "portal")
    edit(project / "mkdocs.yml", "  - phasebook\n", "  - search\n  - phasebook\n")
    result = phasebook(project, "build")
    assert result.returncode == 0, result.stderr
    return project


def _page(project: Path, lang: str = "") -> str:
    prefix = f"{lang}/" if lang else ""
    return (project / "site" / prefix / "phases" / "run" / "index.html").read_text("utf-8")


def _widgets(page: str) -> list[tuple[str, str, str, str]]:
    """Each question's (id, summary attributes, summary text, answer HTML), in page order."""
    found = re.findall(
        r'<details class="pb-faq question" id="([^"]+)">\s*'
        r"<summary([^>]*)>(.*?)</summary>(.*?)</details>",
        page,
        re.S,
    )
    return [(i, attrs, html.unescape(text), answer) for i, attrs, text, answer in found]


# -- the source format: every mistake located -----------------------------------------------


@pytest.mark.parametrize(
    ("faq", "expected"),
    [
        (
            'faq:\n  - question: "  "\n    answer: はい\n',
            "phases/run.yml:12:15: faq[0].question: text is empty (write it, or remove it)",
        ),
        (
            "faq:\n  - question: {ja: 使えますか？, en: '\u3000'}\n    answer: はい\n",
            "phases/run.yml:12:15: faq[0].question",  # a full-width space is no text either
        ),
        (
            "faq:\n  - question: 使えますか？\n",
            "phases/run.yml:12:5: faq[0].answer: required field 'answer' is missing (add it)",
        ),
        (
            "faq:\n  - question: 使えますか？\n    answer: ''\n",
            "phases/run.yml:13:13: faq[0].answer: text is empty (write it, or remove it)",
        ),
        (
            "faq: 使えますか？\n",
            "phases/run.yml:11:6: faq: expected a list (lines starting with '- '), got "
            "'使えますか？'",
        ),
        (
            "faq:\n  - question: [a, b]\n    answer: はい\n",
            "phases/run.yml:12:15: faq[0].question",
        ),
        (
            "faq:\n  - questoin: 使えますか？\n    answer: はい\n",
            "phases/run.yml:12:5: faq[0].questoin: unknown key 'questoin' (did you mean "
            "'question'?)",
        ),
        (
            'faq:\n  - question: 閉じる？\n    answer: {ja: "`</div>` は表示", en: "</DIV >"}\n',
            "phases/run.yml:13:38: faq[0].answer.en: '</DIV >' would end the answer's box on "
            "the page: remove it (to show it, put it in backticks: `</DIV >`)",
        ),
        (
            "faq:\n  - question: 閉じる？\n    answer: |\n      注意 <!-- 残りを隠す\n",
            "phases/run.yml:13:13: faq[0].answer: '<!--' would end the answer's box",
        ),
        (
            'faq:\n  - question: "使えますか？\\n本当に？"\n    answer: はい\n',
            "phases/run.yml:12:15: faq[0].question: line break U+000A in the text",
        ),
    ],
)
def test_a_bad_question_or_answer_is_located(tmp_path: Path, faq: str, expected: str) -> None:
    found = problems(_portal(tmp_path / "p", faq))
    assert any(p.startswith(expected) for p in found), found


def test_a_question_asked_twice_names_the_first(tmp_path: Path) -> None:
    faq = (
        "faq:\n"
        "  - question: {ja: SSO の設定は誰が行いますか？, en: Who sets up SSO?}\n"
        "    answer: 管理者です。\n"
        "  - question: {ja: SSOの設定は誰が行いますか?, en: Who configures SSO?}\n"  # half width
        "    answer: 情報システム部門です。\n"
        "  - id: same\n    question: 別の質問\n    answer: はい\n"
        "  - id: same\n    question: また別の質問\n    answer: はい\n"
    )
    found = problems(_portal(tmp_path / "p", faq))
    assert found == [
        "phases/run.yml:14:15: faq[1].question: this question is already asked (first at "
        "phases/run.yml:12:15): merge the two, or remove one",
        "phases/run.yml:19:9: faq[3].id: this id is already used (first at "
        "phases/run.yml:16:9): merge the two, or remove one",
    ]


def test_a_question_in_a_language_the_portal_does_not_speak(tmp_path: Path) -> None:
    faq = "faq:\n  - question: {ja: 使えますか？, fr: Est-ce possible ?}\n    answer: はい\n"
    found = problems(_portal(tmp_path / "p", faq))
    assert any(
        p.startswith("phases/run.yml:12:28: faq[0].question.fr: language 'fr'") for p in found
    ), found


# -- the page -------------------------------------------------------------------------------


def test_the_phase_page_shows_each_question_as_a_disclosure_widget(built: Path) -> None:
    page = _page(built)
    assert '<h2 id="faq">よくある質問' in page
    widgets = _widgets(page)
    assert widgets[0][0] == "faq-alerts"
    assert [w[2] for w in widgets] == [
        "アラートの通知先は変更できますか？",
        HOSTILE_QUESTION,  # shown as written: text, not markup
        "英語の回答はまだありませんか？",
    ]
    # Every anchor is unique and stable, the answer's Markdown is rendered, links rewritten.
    assert len({w[0] for w in widgets}) == 3
    assert "<strong>設定 › 通知</strong>" in widgets[0][3]
    assert 'href="../../guides/hello/"' in widgets[0][3]
    # A tag in a code span is shown, never run; the hostile question made no element.
    assert "<code>&lt;script&gt;</code>" in widgets[1][3]
    assert "<script>alert(1)" not in page and "<b>太字" not in page


def test_the_english_page_speaks_english_and_marks_what_is_not_translated(built: Path) -> None:
    page = _page(built, "en")
    assert '<h2 id="faq">Frequently asked questions' in page
    widgets = _widgets(page)
    assert widgets[0][:3] == ("faq-alerts", "", "Can we change where alerts are sent?")
    assert "<strong>Settings › Notifications</strong>" in widgets[0][3]
    # Not translated: shown in Japanese, as every text of the portal is, and said to the
    # browser (screen readers, translation tools) by its lang.
    assert widgets[2][1:3] == (' lang="ja"', "英語の回答はまだありませんか？")
    assert '<div class="pb-faq__answer" lang="ja">' in widgets[2][3]
    # Same anchors as the Japanese page: a link works in either language.
    assert [w[0] for w in widgets] == [w[0] for w in _widgets(_page(built))]


def _entities(page: str) -> list[dict]:
    """The page's JSON-LD entities as a JSON-LD reader gives them, its @graph unfolded."""
    found = extruct.extract(page, syntaxes=["json-ld"], uniform=True)["json-ld"]
    return [e for d in found for e in d.get("@graph", [d])]


def test_the_page_carries_faqpage_structured_data(built: Path) -> None:
    for lang, first in (
        ("", "アラートの通知先は変更できますか？"),
        ("en", "Can we change where alerts are sent?"),
    ):
        page = _page(built, lang)
        # One script element for the page's structured data: the questions are in it.
        assert page.count('<script type="application/ld+json">') == 1
        faq = [d for d in _entities(page) if d.get("@type") == "FAQPage"]
        assert len(faq) == 1
        assert faq[0]["inLanguage"] == (lang or "ja")
        questions = faq[0]["mainEntity"]
        assert [q["@type"] for q in questions] == ["Question"] * 3
        assert questions[0]["name"] == first
        # The hostile question stays text inside the <script>: read back exactly.
        assert questions[1]["name"] == HOSTILE_QUESTION
        # Code in an answer is its text, and stays text too.
        assert questions[1]["acceptedAnswer"]["text"] == "タグは <script> のように書けます。"
        answer = questions[0]["acceptedAnswer"]
        assert answer["@type"] == "Answer"
        assert "**" not in answer["text"] and "](" not in answer["text"]
    ja = next(d for d in _entities(_page(built)) if d["@type"] == "FAQPage")
    text = ja["mainEntity"][0]["acceptedAnswer"]["text"]
    assert text == "はい。設定 › 通知 で宛先を追加できます。手順はガイドにあります。"


def test_a_phase_without_questions_has_no_faq(built: Path) -> None:
    page = (built / "site" / "phases" / "start" / "index.html").read_text("utf-8")
    assert 'id="faq"' not in page and "FAQPage" not in page and "pb-faq" not in page


# -- search ---------------------------------------------------------------------------------


def test_the_server_search_finds_a_word_of_an_answer(built: Path) -> None:
    result = phasebook(built, "search", "宛先", "--json")
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)["results"]
    assert hits[0]["kind"] == "faq"
    assert hits[0]["title"] == "アラートの通知先は変更できますか？"
    assert hits[0]["url"] == "phases/run/#faq-alerts"
    english = json.loads(phasebook(built, "search", "recipients", "--lang", "en", "--json").stdout)
    assert english["results"][0]["title"] == "Can we change where alerts are sent?"
    assert english["results"][0]["url"] == "en/phases/run/#faq-alerts"
    only = json.loads(phasebook(built, "search", "宛先", "--kind", "faq", "--json").stdout)
    assert {h["kind"] for h in only["results"]} == {"faq"}


# -- the guard: an answer is Markdown, checked as a guide is --------------------------------


def test_script_in_an_answer_is_refused_at_its_line(tmp_path: Path) -> None:
    faq = (
        "faq:\n"
        "  - question: 画像は？\n"
        "    answer: |\n"
        '      こちらです <img src=x onerror="alert(1)">\n'
        "  - question: リンクは？\n"
        "    answer: '[ここ](javascript:alert(1)) をクリック'\n"
    )
    project = _portal(tmp_path / "p", faq)
    before = checksums(project)
    result = phasebook(project, "build")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "phases/run.yml:14:24: the attribute onerror= on <img>" in result.stderr
    assert "phases/run.yml:16:19: a javascript: address" in result.stderr
    assert not (project / "site").exists()
    assert checksums(project) == before


# -- phasebook new faq ----------------------------------------------------------------------


def test_new_faq_appends_to_the_phase_file_keeping_comments(minimal: Path) -> None:
    run = minimal / "phases" / "run.yml"
    edit(run, "programs:\n", "# 運用フェーズのプログラム\nprograms:  # 一覧\n")
    result = phasebook(minimal, "new", "faq", "run", "--question", "yes: 本当に？")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "wrote phases/run.yml"
    result = phasebook(minimal, "new", "faq", "run")
    assert result.returncode == 0, result.stderr
    text = run.read_text("utf-8")
    assert "# 運用フェーズのプログラム\nprograms:  # 一覧\n" in text
    assert text.endswith(
        "faq:\n"
        "  - question:\n"
        "      ja: 'yes: 本当に？'\n"
        "    answer:\n"
        "      ja: ここに回答を書いてください（Markdown で箇条書きやリンクも使えます）。\n"
        "      en: 'Write the answer here (Markdown: lists and links work).'\n"
        "  - question:\n"
        "      ja: '質問 2: お客様から聞かれることを書いてください。'\n"
        "      en: 'Question 2: write what customers ask.'\n"
        "    answer:\n"
        "      ja: ここに回答を書いてください（Markdown で箇条書きやリンクも使えます）。\n"
        "      en: 'Write the answer here (Markdown: lists and links work).'\n"
    )
    assert phasebook(minimal, "validate").returncode == 0


def test_new_faq_in_a_one_language_portal_writes_plain_text(tmp_path: Path) -> None:
    project = tmp_path / "portal"
    assert phasebook(tmp_path, "init", str(project), "--lang", "en").returncode == 0
    result = phasebook(project, "new", "faq", "prep", "--answer", "Yes: see **Settings**.")
    assert result.returncode == 0, result.stderr
    written = (project / "phases" / "prep.yml").read_text("utf-8")
    assert written.endswith(
        "faq:\n"
        "  - question: 'Question 1: write what customers ask.'\n"
        "    answer: 'Yes: see **Settings**.'\n"
    )


def test_new_faq_refuses_an_unknown_phase_and_changes_nothing(minimal: Path) -> None:
    before = checksums(minimal)
    result = phasebook(minimal, "new", "faq", "nope", "--question", "何？")
    assert result.returncode == 1
    assert "unknown phase 'nope' (known: start, run)" in result.stderr
    assert "Traceback" not in result.stderr
    assert checksums(minimal) == before


def test_new_faq_refuses_a_question_that_breaks_the_portal(minimal: Path) -> None:
    before = checksums(minimal)
    assert phasebook(minimal, "new", "faq", "run", "--question", "同じ？").returncode == 0
    again = phasebook(minimal, "new", "faq", "run", "--question", "同じ?")
    assert again.returncode == 1
    assert "this question is already asked" in again.stderr
    line = phasebook(minimal, "new", "faq", "run", "--question", "二行\nの質問")
    assert line.returncode == 1 and "--question must be one line" in line.stderr
    assert checksums(minimal) != before  # the first question, and only it, was written
    assert (minimal / "phases" / "run.yml").read_text("utf-8").count("question:") == 1


def test_new_faq_never_writes_outside_phases(minimal: Path, tmp_path: Path) -> None:
    """A phase file linked from outside phases/ is refused by the loader: nothing is written."""
    outside = tmp_path / "elsewhere.yml"
    shutil.move(minimal / "phases" / "run.yml", outside)
    (minimal / "phases" / "run.yml").symlink_to(outside)
    before = outside.read_bytes()
    result = phasebook(minimal, "new", "faq", "run", "--question", "外へ？")
    assert result.returncode == 1
    assert "copy the file into phases/ instead of linking to it" in result.stderr
    assert outside.read_bytes() == before
    assert (minimal / "phases" / "run.yml").is_symlink()


# -- phasebook report -----------------------------------------------------------------------


def test_report_counts_the_questions_as_self_service(tmp_path: Path) -> None:
    project = _portal(tmp_path / "p")
    data = json.loads(phasebook(project, "report", "--format", "json").stdout)
    rows = {row["id"]: row for row in data["phases"]}
    assert (rows["run"]["faq"], rows["start"]["faq"]) == (3, 0)
    codes = {(g["subject"], g["code"]) for g in data["gaps"]}
    # A FAQ is something provided in the phase; it does not walk a customer through it.
    assert ("run", "no-provided") not in codes
    assert ("start", "no-provided") in codes
    text = phasebook(project, "report").stdout.splitlines()
    assert text[0].split()[-1] == "FAQ"
    assert text[2].split()[-1] == "3"


def test_new_faq_never_writes_through_a_link(minimal: Path) -> None:
    """A phase file linked to another file in phases/ loads, but is not edited through."""
    phases = minimal / "phases"
    (phases / "keep").mkdir()
    shutil.move(phases / "run.yml", phases / "keep" / "run-real.yml")
    (phases / "run.yml").symlink_to("keep/run-real.yml")
    before = checksums(minimal)
    result = phasebook(minimal, "new", "faq", "run", "--question", "リンク先へ？")
    assert result.returncode == 1
    assert "phases/run.yml is not a file in phases/: edit it by hand" in result.stderr
    assert checksums(minimal) == before and (phases / "run.yml").is_symlink()


# -- in a real browser ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def site_url(built: Path) -> Iterator[str]:
    yield from serve_folder(built / "site")


@pytest.mark.browser
def test_a_link_to_a_question_opens_it_and_the_keyboard_opens_the_others(
    browser: Browser, site_url: str
) -> None:
    context = browser.new_context(base_url=site_url)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto("phases/run/#faq-alerts")
    expect(page.locator("#faq-alerts")).to_have_attribute("open", "")
    expect(page.locator("#faq-alerts .pb-faq__answer")).to_be_visible()
    closed = page.locator("details.pb-faq").nth(2)
    expect(closed).not_to_have_attribute("open", "")
    expect(closed.locator(".pb-faq__answer")).to_be_hidden()
    closed.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(closed.locator(".pb-faq__answer")).to_be_visible()
    context.close()
    assert not errors, errors


@pytest.mark.browser
@pytest.mark.parametrize(
    ("root", "lang", "word"), [("", "ja", "宛先"), ("en/", "en", "recipients")]
)
def test_the_browser_search_finds_an_answer(
    browser: Browser, site_url: str, root: str, lang: str, word: str
) -> None:
    """The answers are in the page Pagefind indexes: a word found only in an answer brings
    the phase page up in the header search box, in each language."""
    from tests.test_browser import browser_search

    context = browser.new_context(base_url=site_url)
    page = context.new_page()
    page.goto(f"./{root}")
    page.keyboard.press("/")
    found = browser_search(page, word, lang)
    context.close()
    assert f"{root}phases/run/" in found, found


@pytest.mark.browser
@pytest.mark.parametrize("root", ["", "en/"])
def test_axe_finds_nothing_serious_in_the_questions(
    browser: Browser, site_url: str, root: str
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(base_url=site_url)
    page = context.new_page()
    page.goto(f"{root}phases/run/")
    page.evaluate("document.querySelectorAll('details.pb-faq').forEach(d => d.open = true)")
    violations = Axe().run(page).response["violations"]
    context.close()
    bad = [
        (v["id"], v["nodes"][0]["target"])
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, bad
