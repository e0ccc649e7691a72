"""A phase file read program by program (generator/source/yamlparts.py) gives exactly what
the whole file's parse gives, or leaves the file to it: the same data, the same line and
column for every value and key, and the same problems."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
import yaml

from generator.source import yamlparts
from generator.source.load import load_portal
from generator.source.yamlfile import parse_yaml
from generator.source.yamlparts import parse_in_parts

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import build_scale  # noqa: E402


def same(text: str) -> bool:
    """True when read in parts; fails when the parts differ from the whole."""
    whole, parts = parse_yaml(text, "phases/x.yml"), parse_in_parts(text, "phases/x.yml")
    if parts is None:
        return False
    assert parts.data == whole.data and list(parts.data) == list(whole.data)  # type: ignore[arg-type]
    assert parts.values == whole.values
    assert parts.keys == whole.keys
    assert parts.problems == whole.problems == []
    return True


BASE = """\
id: use
name: {ja: 利用, en: Use}
summary:
  ja: 利用のフェーズです。
programs:
  - id: atx-1
    kind: atx
    title:
      ja: 管理画面ツアー
    topics:
      - ja: 権限
      - ja: 監査
  # a comment between two programs
  - id: video-1
    kind: video
    summary: |
      一行目
      - 箇条書きに見える行
    title: {ja: 動画}
exit_criteria:
  - text: {ja: ログインできる}
"""


def test_the_example_portal_and_the_benchmark_portal_read_in_parts_as_a_whole(
    tmp_path: Path,
) -> None:
    build_scale.generate(tmp_path / "scale", 300)  # PyYAML's layout: dashes at column 0
    files = sorted((ROOT / "phases").glob("*.yml")) + sorted(
        (tmp_path / "scale").glob("phases/*.yml")
    )
    read = [f for f in files if f.name not in ("lifecycle.yml", "plans.yml")]
    assert len(read) >= 16
    for path in read:
        assert same(path.read_text(encoding="utf-8")), path


@pytest.mark.parametrize(
    "text",
    [
        BASE,
        BASE.replace("\n", "\r\n"),
        "\ufeff" + BASE,
        BASE.replace("programs:\n", "programs:   # 提供プログラム\n"),
        BASE.replace("  # a comment", "# a comment at the first column"),
        BASE.replace("    title: {ja: 動画}\n", "    note: |+\n      keep\n\n\n"),
        BASE.replace("exit_criteria:\n  - text: {ja: ログインできる}\n", "")
        + "    tail: |+\n      last\n\n",
        BASE.replace("summary: |\n", "summary: >\n"),
        BASE.replace("  - id:", "- id:").replace("\n    ", "\n  ").replace("\n      ", "\n    "),
        BASE + "faq: []\n",
        BASE.replace("title: {ja: 動画}", "title: {ja: 動画}\n    x-note: 社内用"),
    ],
    ids=[
        "block",
        "crlf",
        "bom",
        "comment after programs",
        "comment at column 1",
        "kept line breaks",
        "kept line breaks at the end",
        "folded",
        "dashes at column 1",
        "a key after the last",
        "vendor key",
    ],
)
def test_block_files_read_in_parts_as_a_whole(text: str) -> None:
    assert same(text)


@pytest.mark.parametrize(
    "text",
    [
        BASE.replace("kind: atx", "kind: &k atx").replace("kind: video", "kind: *k"),
        BASE.replace("kind: video", "kind: video\n    kind: atx"),
        BASE.replace("kind: video", "kind: [video"),
        BASE.replace("title: {ja: 動画}", 'title: "動画\n  - id: atx-2"'),
        BASE + "programs: []\n",
        "id: use\nprograms: [{id: a, kind: video}]\n",
        "id: use\nprograms:\n",
        BASE.replace("一行目", "一行目\u2028二行目"),
        "---\n" + BASE,
        BASE.replace("    kind: atx", " kind: atx"),
        BASE.replace("kind: atx", "kind: !!python/object atx"),
    ],
    ids=[
        "alias to another program",
        "duplicate key",
        "syntax error",
        "a quoted text cut at a dash",
        "programs twice",
        "flow style",
        "no program",
        "line separator",
        "document marker",
        "a line left of the dashes",
        "a tag",
    ],
)
def test_what_parts_cannot_vouch_for_is_read_whole(text: str, tmp_path: Path) -> None:
    """Left to the whole file's parse, which finds the problem (or the value) as always."""
    assert parse_in_parts(text, "phases/x.yml") is None


def test_random_edits_read_in_parts_as_a_whole_or_not_at_all() -> None:
    """Lines an author (or a bad paste) might put anywhere: whatever the result, it is the
    whole file's, or the file is left to it."""
    snippets = [
        "  - id: extra",
        "    kind: video",
        "- id: x",
        "  # note",
        "# note",
        "",
        "      - ja: 追加",
        'x-note: "a: b"',
        "    summary: |",
        "    summary: >-",
        "  - |",
        "\t- tab",
        "    title: {ja: 'a # b'}",
        "programs:",
        "faq: []",
        "    - ja: 深い",
        '  - "quoted',
        '  continued"',
    ]
    rng = random.Random(24)
    base = BASE.split("\n")
    read = 0
    for _ in range(400):
        lines = list(base)
        for _ in range(rng.randint(1, 3)):
            lines.insert(rng.randrange(len(lines) + 1), rng.choice(snippets))
        text = "\n".join(lines)
        whole, parts = parse_yaml(text, "x.yml"), parse_in_parts(text, "x.yml")
        if parts is not None:
            read += 1
            assert (parts.data, parts.values, parts.keys) == (whole.data, whole.values, whole.keys)
            assert whole.problems == []
    assert read > 50  # the cases compared are many, not only those left whole


def test_a_saved_title_composes_that_program_again_and_no_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = BASE.replace(
        "programs:\n",
        "programs:\n"
        + "".join(
            f"  - id: video-{n}\n    kind: video\n    title: {{ja: 動画{n}}}\n" for n in range(50)
        ),
    )
    assert same(text)
    composed: list[str] = []
    compose = yaml.compose

    def counted(stream, Loader):
        composed.append(stream)
        return compose(stream, Loader=Loader)

    monkeypatch.setattr(yamlparts.yaml, "compose", counted)
    edited = text.replace("ja: 動画7}", "ja: 動画7（改訂）}")
    assert parse_in_parts(edited, "phases/x.yml") is not None
    assert len(composed) == 1 and "video-7" in composed[0]
    monkeypatch.undo()
    assert same(edited)


def test_a_portal_loads_alike_either_way(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The model, and where each program is written, as the whole files give them."""
    build_scale.generate(tmp_path / "p", 120)
    project = tmp_path / "p"
    parts = load_portal(project / "phases", project / "content", root=project)
    monkeypatch.setattr("generator.source.load.parse_in_parts", lambda text, label: None)
    from generator.source import load

    load._parsed_phase.cache_clear()
    whole = load_portal(project / "phases", project / "content", root=project, now=parts.now)
    assert [v.phase for v in parts.phases] == [v.phase for v in whole.phases]
    assert parts.located == whole.located


def test_too_many_values_stop_the_parts_early_and_the_whole_file_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A file of more values than a file may hold (aliases, or a pasted list of hundreds of
    thousands of lines, within the 5 MB a source may weigh): the parts stop as soon as the
    count is over, not after composing every item, and the whole file's parse names it."""
    from generator.source import yamlfile

    monkeypatch.setattr(yamlfile, "MAX_NODES", 50)
    monkeypatch.setattr(yamlparts, "MAX_NODES", 50)
    composed: list[str] = []
    compose = yaml.compose
    monkeypatch.setattr(
        yamlparts.yaml, "compose", lambda s, Loader: composed.append(s) or compose(s, Loader=Loader)
    )
    yamlparts._item.cache_clear()
    text = "id: x\nprograms:\n" + "".join(f"  - item{n}\n" for n in range(200))
    assert parse_in_parts(text, "phases/x.yml") is None
    assert len(composed) < 60  # the head, and the items until the count was over
    monkeypatch.undo()
    monkeypatch.setattr(yamlfile, "MAX_NODES", 50)
    (problem,) = parse_yaml(text, "phases/x.yml").problems
    assert problem.file == "phases/x.yml" and "too many values" in problem.message
