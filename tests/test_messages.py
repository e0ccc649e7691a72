"""Messages in the team's language: every message id translated, and Japanese or English as
the portal (or --lang, or PHASEBOOK_LANG) says, file:line:col and advice kept."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.helpers import ENV, ROOT, edit
from tools import catalog

LOCALE = ROOT / "generator" / "i18n" / "locale"
# Every catalog of both domains: the team's messages and the portal's words.
CATALOGS = sorted(LOCALE.glob("*/LC_MESSAGES/*.po"))
# `{tier}` in the team's messages; `%(phase)s` in the portal's words, and the `{0}` the
# browser fills in (data-pb-format).
PLACEHOLDER = re.compile(r"\{[a-z_0-9]*\}|%\([a-z_]+\)s")


def test_both_domains_have_their_japanese_catalog() -> None:
    names = {p.relative_to(LOCALE).as_posix() for p in CATALOGS}
    assert {"ja/LC_MESSAGES/phasebook.po", "ja/LC_MESSAGES/portal.po"} <= names


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: f"{p.parent.parent.name}-{p.stem}")
def test_the_catalog_translates_every_message_and_nothing_else(path: Path) -> None:
    with path.open("rb") as po:
        translated = read_po(po, locale=path.parent.parent.name)
    used = catalog.extract(path.stem)
    known = {m.id for m in translated if m.id}
    assert sorted(set(used) - known) == [], "run ./dev messages and translate the new ids"
    assert sorted(known - set(used)) == [], "ids no longer used: run ./dev messages"
    for message in translated:
        if not message.id:
            continue
        assert message.string, f"not translated: {message.id!r}"
        assert "fuzzy" not in message.flags, f"fuzzy: {message.id!r}"
        assert sorted(PLACEHOLDER.findall(message.id)) == sorted(
            PLACEHOLDER.findall(message.string)
        ), f"placeholders differ: {message.id!r}"


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: f"{p.parent.parent.name}-{p.stem}")
def test_the_compiled_catalog_is_the_catalog(path: Path) -> None:
    """Commands and builds read the .mo (compiling the .po every time would cost ~40 ms)."""
    assert path.with_suffix(".mo").read_bytes() == catalog.compiled(path), (
        "run ./dev messages to compile the catalog"
    )


def run(project: Path, *args: str, lang: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in ENV.items() if k != "PHASEBOOK_LANG"}
    if lang:
        env["PHASEBOOK_LANG"] = lang
    return subprocess.run(
        [sys.executable, "-m", "generator.cli", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_a_japanese_portal_gets_japanese_messages(minimal: Path) -> None:
    edit(minimal / "phases" / "run.yml", "tier: free", "tier: gold")
    result = run(minimal, "validate")
    assert result.returncode == 1
    assert result.stderr.splitlines()[1] == (
        "  phases/run.yml:8:11: programs[0].tier: 不明なプラン 'gold'（あるのは: free, premier）"
    )


@pytest.mark.parametrize(
    ("how", "args", "env"),
    [
        ("--lang", ("--lang", "en", "validate"), None),
        ("PHASEBOOK_LANG", ("validate",), "en"),
    ],
)
def test_english_when_asked(minimal: Path, how: str, args: tuple, env: str | None) -> None:
    edit(minimal / "phases" / "run.yml", "tier: free", "tier: gold")
    result = run(minimal, *args, lang=env)
    assert result.stderr.splitlines()[1] == (
        "  phases/run.yml:8:11: programs[0].tier: unknown tier 'gold' (known: free, premier)"
    )


def test_an_english_portal_gets_english_messages(tmp_path: Path) -> None:
    assert run(tmp_path, "init", "p", "--lang", "en").returncode == 0
    project = tmp_path / "p"
    edit(project / "phases" / "prep.yml", "tier: free", "tier: gold")
    result = run(project, "validate")
    assert "unknown tier 'gold' (known: free, premium)" in result.stderr


def test_a_broken_lifecycle_still_speaks_the_portals_language(minimal: Path) -> None:
    edit(minimal / "phases" / "lifecycle.yml", "tiers:\n", "tiers：\n")
    result = run(minimal, "validate")
    assert result.stderr.splitlines()[1] == (
        "  phases/lifecycle.yml:14:6: 全角のコロン「：」→ 半角「:」"
    )


def test_keyboard_mistakes_in_japanese(minimal: Path) -> None:
    edit(minimal / "phases" / "run.yml", "duration_minutes: 8", "duration_minutes: ８")
    result = run(minimal, "validate")
    assert result.stderr.splitlines()[1] == (
        "  phases/run.yml:10:23: programs[0].duration_minutes: 全角の数字「８」→ 半角「8」"
    )


def test_report_and_cli_messages_in_japanese(minimal: Path) -> None:
    report = run(minimal, "report")
    assert report.stdout.splitlines()[0].split() == [
        "フェーズ",
        "タスク",
        "顧客体験",
        "提供物",
        "完了条件（目標値）",
        "プログラム（無償で自力で進めるもの）",
        "よくある質問",
    ]
    assert "phases/run.yml:1:5: run: タスク（tasks）がありません。" in report.stdout
    assert run(minimal, "validate").stdout == (
        "OK: 2フェーズ、4プログラム（ATX 1、アクセラレーター 1、ガイド 1、動画 1）、"
        "今後の開催 1回\n"
    )


def test_help_in_japanese(minimal: Path) -> None:
    listing = run(minimal, "--help").stdout
    assert (
        "Phasebook: phases/*.yml と content/*.md からカスタマーサクセス ポータルを作ります。"
        in listing
    )
    assert "すべてのソースファイルを検査し" in listing
    build = run(minimal, "build", "--help").stdout
    assert "サイトと検索インデックスを別の場所でビルドし" in build
    assert "サイトの出力先。" in build
    english = run(minimal, "--lang", "en", "build", "--help").stdout
    assert "Where the site goes." in english


def test_scaffolded_text_is_in_the_portals_language(minimal: Path) -> None:
    assert run(minimal, "new", "phase", "extra", "--name", "追加").returncode == 0
    assert "summary: 追加のフェーズで、お客様が目指すことを書きます。" in (
        minimal / "phases" / "extra.yml"
    ).read_text(encoding="utf-8")


def test_the_report_of_problems_is_japanese_from_its_first_line(minimal: Path) -> None:
    edit(minimal / "phases" / "run.yml", "tier: free", "tier: gold")
    assert run(minimal, "validate").stderr.splitlines()[0] == "ポータルのソースに問題が1件あります:"


@pytest.mark.parametrize("value", ["fr", "", "ja; rm -rf /"])
def test_an_unknown_lang_option_is_a_usage_error(minimal: Path, value: str) -> None:
    result = run(minimal, "--lang", value, "validate")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "Invalid value for '--lang'" in result.stderr


@pytest.mark.parametrize("value", ["fr", "<script>", "x" * 5000, "ja_JP.UTF-8"])
def test_any_phasebook_lang_falls_back_to_what_is_supported(minimal: Path, value: str) -> None:
    """An environment setting is a preference: unknown ones give the portal's language."""
    edit(minimal / "phases" / "run.yml", "tier: free", "tier: gold")
    result = run(minimal, "validate", lang=value)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0] == "ポータルのソースに問題が1件あります:"
