"""Search with Whoosh: relevance on the example portal, query errors, the CLI, related content."""

from __future__ import annotations

import json
import random
import re
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import pytest
import yaml

from generator.search import scoring
from generator.search.analysis import terms
from generator.search.documents import documents
from generator.search.index import build_index, open_index, to_whoosh
from generator.search.job import build_now
from generator.search.query import QueryError, normalize, parse
from generator.search.related import Relatedness, related
from generator.search.scoring import Scores, search
from generator.source.load import load_portal
from tests.helpers import EPOCH, ROOT, mkdocs_build, phasebook

RELEVANCE = yaml.safe_load((ROOT / "tests" / "search_relevance.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    now = datetime.fromtimestamp(int(EPOCH), UTC)
    portal = load_portal(ROOT / "phases", ROOT / "content", root=ROOT, now=now)
    target = tmp_path_factory.mktemp("search") / "index"
    return build_index(documents(portal, ROOT / "content"), target)


def test_whoosh_is_the_pinned_fork_and_only_the_index_module_uses_it() -> None:
    """Whoosh's engine in one module; the analysis borrows its Porter stemmer, nothing more."""
    assert version("whoosh-ng") == "5.4.0"
    imports = {
        path.relative_to(ROOT).as_posix(): found
        for folder in ("generator", "site_plugins", "benchmarks", "tools")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if (found := re.findall(r"^[ \t]*(?:from|import) whoosh.*", path.read_text("utf-8"), re.M))
    }
    assert sorted(imports) == ["generator/search/analysis.py", "generator/search/index.py"]
    assert imports["generator/search/analysis.py"] == ["from whoosh.lang.porter import stem"]


def test_relevance_set_recall_at_5_is_at_least_95_percent(index: Path) -> None:
    cases = [c for c in RELEVANCE if not c.get("browser_only")]
    assert len(cases) >= 58
    misses = []
    for case in cases:
        # A tier's hit is a place on the plans page (plans/#tier-standard): the page.
        urls = [hit.url.split("#")[0] for hit in search(index, case["query"], limit=5).hits]
        if case["page"] not in urls:
            misses.append((case["query"], case["page"], urls))
    recall = 1 - len(misses) / len(cases)
    assert recall >= 0.95, misses


@pytest.mark.parametrize(
    ("query", "absent"),
    [
        ("サクセス", "programs/atx-use-console/"),  # アクセス holds クセ and セス, not サクセス
        ("設定", "programs/video-case-story/"),
    ],
)
def test_bigrams_do_not_match_scattered(index: Path, query: str, absent: str) -> None:
    urls = [hit.url for hit in search(index, query, limit=50).hits]
    assert urls and absent not in urls


def test_long_vowel_spellings_find_the_same_pages(index: Path) -> None:
    def found(q: str) -> list[str]:
        return [hit.url for hit in search(index, q, limit=50).hits]

    assert found("アクセラレータ") == found("アクセラレーター")
    assert found("ユーザコミュニティ") == found("ユーザーコミュニティ")


def test_filters_and_facets(index: Path) -> None:
    everything = search(index, "アラート", limit=50)
    assert set(everything.facets["phase"]) >= {"engage"}
    only = search(index, "アラート", phase="engage", kind="accelerator", limit=50)
    assert [hit.url for hit in only.hits] == ["programs/acc-engage-alert-tuning/"]
    assert only.facets["kind"] == {"accelerator": 1}


def test_a_query_asked_again_with_other_filters_answers_as_if_asked_first(index: Path) -> None:
    """A server keeps each query's matches for the next (a reader narrowing to a phase asks
    the same words again): every filter, limit and language, in any order, on one open
    index, answers what it answers on an index opened for it alone."""
    kept = open_index(index)
    asks = [
        {"text": text, "phase": phase, "tier": tier, "limit": limit, "lang": lang}
        for text in ("アラート", "SSO -アラート", "導", "alert")
        for phase in (None, "engage", "use")
        for tier in (None, "free")
        for limit, lang in ((3, "en"), (50, None))
    ]
    random.Random(7).shuffle(asks)
    for ask in asks:
        found = search(kept, **ask)
        assert found == search(open_index(index), **ask), ask
        every = search(open_index(index), ask["text"], limit=1000, lang=ask["lang"]).hits
        within = [
            hit
            for hit in every
            if ask["phase"] in (None, hit.phase) and ask["tier"] in (None, hit.tier)
        ]
        assert found.hits == within[: ask["limit"]] and found.total == len(within), ask
    assert kept.scored, "the queries' matches were kept"
    assert all(len(scores) > 0 for scores in kept.scored.values())


def test_a_query_too_broad_is_refused_each_time_and_never_kept(
    index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A query over MAX_POSTINGS is refused before any posting is read, asked again too: a
    refused query is never kept, so the kept matches cannot answer it."""
    monkeypatch.setattr(scoring, "MAX_POSTINGS", 5)
    opened = open_index(index)
    for _ in range(2):
        with pytest.raises(QueryError, match="too broad to rank quickly: use fewer"):
            search(opened, "アラート")
    assert not opened.scored


def test_kept_matches_stay_within_their_bounds(index: Path) -> None:
    """Hostile queries, each new, push out older matches but never grow past the bounds."""
    opened = open_index(index)
    with opened.searching() as searcher:
        scores = Scores(searcher, {}, opened.scored)
        scores.KEEP_QUERIES, scores.KEEP_SCORED = 5, 40
        for word in ("アラート", "設定", "導入", "SSO", "レポート", "権限", "alert", "API"):
            found = scores.of(parse(word))
            assert found == Scores(searcher, {}).of(parse(word)), word
            assert len(opened.scored) <= 5
            assert sum(map(len, opened.scored.values())) <= max(40, len(found)), word


def test_snippet_marks_whole_query_words(index: Path) -> None:
    hit = search(index, "アクセラレータ", marks=("[", "]"), limit=1).hits[0]
    assert "[アクセラレーター]" in hit.snippet
    hit = search(index, "サクセス", marks=("[", "]"), limit=1).hits[0]
    assert "[サクセス]" in hit.snippet and "[クセ]" not in hit.snippet


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"導入', 'unbalanced quote: close the phrase with " or remove the quote'),
        ("AND", "'AND' needs a word on each side: add one or remove 'AND'"),
        ("導入 OR", "'OR' needs a word on each side: add one or remove 'OR'"),
        ("導入 AND OR 設定", "'OR' needs a word on each side: add one or remove 'OR'"),
        ("NOT", "'NOT' needs a word after it: add one or remove 'NOT'"),
        ("- 導入", "the query only excludes: add a word that names what you want"),
        ("the of", "the query has only common words (the, of …): add a specific word"),
        ("   ", "the query is empty: type what you are looking for"),
        ("あ" * 501, "the query is longer than 500 characters: shorten it"),
    ],
)
def test_malformed_queries_say_what_to_do(index: Path, query: str, message: str) -> None:
    with pytest.raises(QueryError) as caught:
        search(index, query)
    assert str(caught.value) == message


def test_exclusion_and_required_words(index: Path) -> None:
    urls = [h.url for h in search(index, "アラート -チューニング", limit=50).hits]
    assert urls and "programs/acc-engage-alert-tuning/" not in urls

    def urls(query: str) -> set[str]:
        return {hit.url for hit in search(index, query, limit=100).hits}

    both = urls("API AND 連携")
    assert both and both == urls("API") & urls("連携")


def test_cli_search_prints_ranked_results(minimal: Path) -> None:
    result = phasebook(minimal, "search", "設計")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("1. ") and "programs/" in lines[1]
    assert "**設計**" in result.stdout, "matches are marked when not on a terminal"
    assert (minimal / ".phasebook" / "index" / "FINGERPRINT").is_file()


def test_cli_search_json_with_filters(minimal: Path) -> None:
    result = phasebook(minimal, "search", "設計", "--kind", "accelerator", "--json")
    data = json.loads(result.stdout)
    assert {hit["kind"] for hit in data["results"]} == {"accelerator"}
    assert all("<mark>" in hit["snippet"] for hit in data["results"])
    assert set(data["facets"]) == {"phase", "tier", "kind"}


def test_cli_search_in_english(minimal: Path) -> None:
    result = phasebook(minimal, "search", "設計", "--lang", "en", "--kind", "accelerator", "--json")
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)["results"]
    assert hits and all(h["url"].startswith("en/programs/") for h in hits)
    japanese = json.loads(
        phasebook(minimal, "search", "設計", "--kind", "accelerator", "--json").stdout
    )
    assert [h["url"] for h in japanese["results"]] == [h["url"][3:] for h in hits]
    assert [h["title"] for h in japanese["results"]] != [h["title"] for h in hits]


@pytest.mark.parametrize("lang", ["fr", "", "EN", "en/../ja"])
def test_cli_search_refuses_a_language_the_portal_does_not_have(minimal: Path, lang: str):
    result = phasebook(minimal, "search", "設計", "--lang", lang)
    assert result.returncode == 2
    assert result.stderr.strip() == f"--lang {lang!r}: the portal's languages are ja, en"


def test_cli_search_rebuilds_a_stale_index(minimal: Path) -> None:
    assert phasebook(minimal, "search", "ダッシュボード").stdout.startswith("No results")
    run = minimal / "phases" / "run.yml"
    run.write_text(
        run.read_text(encoding="utf-8").replace("日々の運用です。", "ダッシュボードの見方です。"),
        encoding="utf-8",
    )
    assert phasebook(minimal, "search", "ダッシュボード").stdout.startswith("1. 運用")


def test_cli_search_malformed_query_is_a_message(minimal: Path) -> None:
    result = phasebook(minimal, "search", '"設計')
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "Cannot search for '\"設計': unbalanced quote: close the phrase with \" or remove the quote"
    )
    assert "Traceback" not in result.stderr


def test_related_content_is_on_pages_and_deterministic(
    minimal: Path, tmp_path: Path, example_site: Path
) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    assert mkdocs_build(minimal, first).returncode == 0
    assert mkdocs_build(minimal, second).returncode == 0
    page = (first / "programs" / "acc-start" / "index.html").read_text(encoding="utf-8")
    section = page[page.index('id="related"') :]
    links = re.findall(r'<li><a href="([^"]+)"', section[: section.index("</ul>")])
    assert 1 <= len(links) <= 3 and all(not link.startswith("../../phases") for link in links)
    guide = (example_site / "guides" / "sso-setup" / "index.html").read_text(encoding="utf-8")
    section = guide[guide.index('id="related"') :]
    assert len(re.findall(r"<li><a ", section[: section.index("</ul>")])) == 3
    assert page == (second / "programs" / "acc-start" / "index.html").read_text(encoding="utf-8")


def test_set_scoring_matches_what_whoosh_matches(index: Path) -> None:
    """The documents a query finds are those Whoosh's own matchers find, for every query of
    the relevance set and the operators; the page ranked first has Whoosh's best score."""
    opened = open_index(index)
    queries = [c["query"] for c in RELEVANCE] + [
        "SSO -アラート",
        '"シングルサインオン"',
        "アラート AND 設定",
        "+SSO 権限",
    ]
    with opened.searching() as searcher:
        for text in queries:
            query = parse(text)
            assert to_whoosh(normalize(query)) == to_whoosh(query).normalize(), text
            mine = Scores(searcher, {}).of(normalize(query))
            assert mine is not None, text
            assert set(mine) == set(searcher.matches(query)), text
    found = search(opened, "アラート")
    assert found.hits[0].url == "guides/alert-tuning/" and found.total >= 5


@pytest.mark.parametrize(("fan", "numterms"), [(50, 12), (5, 3)])
def test_related_content_kept_up_to_date_equals_a_fresh_computation(
    fan: int, numterms: int
) -> None:
    """The preview's related content after edits (words added and removed, rare and common,
    a page emptied, several pages at once) is what a fresh build computes. With a `fan` of
    5 most terms have more pages than their strongest: an edited page leaves their strongest,
    enters it, or stays out of it; with 3 key terms a page, a term whose weight changed
    enters a page's key terms, leaves them or stays out of them."""
    now = datetime.fromtimestamp(int(EPOCH), UTC)
    portal = load_portal(ROOT / "phases", ROOT / "content", root=ROOT, now=now)
    docs = documents(portal, ROOT / "content")
    kept = Relatedness(fan=fan, numterms=numterms)
    fresh = lambda docs: Relatedness(fan=fan, numterms=numterms)(docs)  # noqa: E731
    assert kept(docs) == fresh(docs)
    assert fresh(docs) == related(docs) or fan != 50
    rng = random.Random(15)
    words = ["アラート", "の", "ダッシュボード", "SSO", "連携する", "quota", "設定", "更新"]
    pages = [n for n, d in enumerate(docs) if d["kind"] != "phase"]
    for step in range(40):
        docs = [dict(d) for d in docs]
        for n in rng.sample(pages, 1 if step % 4 else 3):
            body = docs[n]["body"].split()
            if step % 7 == 0:
                body = []
            elif body and rng.random() < 0.5:
                del body[rng.randrange(len(body))]
            else:
                body.insert(rng.randrange(len(body) + 1), rng.choice(words) * rng.randint(1, 3))
            docs[n]["body"] = " ".join(body)
            docs[n]["text"] = docs[n]["title"] + "\n" + docs[n]["body"]
        assert kept(docs) == fresh(docs), f"after edit {step}"


def test_index_is_outside_the_site_and_kept_when_a_build_fails(
    minimal: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    assert mkdocs_build(minimal, site).returncode == 0
    stamp = (minimal / ".phasebook" / "index" / "FINGERPRINT").read_text(encoding="utf-8")
    assert not list(site.rglob("FINGERPRINT"))
    # A broken link fails the strict build after the index was staged: the old one stays.
    guide = minimal / "content" / "guides" / "hello.md"
    guide.write_text(guide.read_text(encoding="utf-8") + "\n[x](missing.md)\n", encoding="utf-8")
    assert mkdocs_build(minimal, site).returncode == 1
    assert (minimal / ".phasebook" / "index" / "FINGERPRINT").read_text(encoding="utf-8") == stamp
    assert sorted(p.name for p in (minimal / ".phasebook").iterdir()) == ["index"]


@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        ("ＳＳＯ", "SSO"),
        ("ｓｓｏ", "sso"),
        ("ＡＰＩ連携", "API連携"),
        ("ｱﾗｰﾄ", "アラート"),
        ("ﾀﾞｯｼｭﾎﾞｰﾄﾞ", "ダッシュボード"),
        ("アクセラレータ", "アクセラレーター"),
        ("セキュリティー", "セキュリティ"),
    ],
)
def test_any_width_or_long_vowel_finds_what_the_plain_word_finds(
    index: Path, typed: str, plain: str
) -> None:
    found = [h.url for h in search(index, typed, limit=20).hits]
    assert found and found == [h.url for h in search(index, plain, limit=20).hits]


def test_plan_words_lead_to_the_plans_page_and_its_tiers(index: Path) -> None:
    hits = search(index, "有償", limit=3).hits
    assert {h.url for h in hits} == {"plans/", "plans/#tier-standard", "plans/#tier-premier"}
    sla = {h.url for h in search(index, "SLA", limit=5).hits}
    assert sla == {"plans/#tier-standard", "plans/#tier-premier"}
    english = search(index, "price", limit=1, lang="en").hits[0]
    assert (english.url, english.title) == ("en/plans/", "Support plans compared")


KOREAN_LIFECYCLE = """\
portal:
  title: 테스트 포털
  vendor: 예시
  product: 예시 클라우드
  languages: [ko]
  timezone: Asia/Seoul
stages:
  - id: onboard
    name: 도입
    phases: [start]
tiers:
  - id: free
    name: 무료
    paid: false
    summary: 모든 고객
"""
KOREAN_PHASE = """\
id: start
name: 시작
summary: 계약 직후의 단계입니다.
tasks:
  - 관리자 계정을 만든다
exit_criteria:
  - text: 관리자가 로그인을 마쳤다
programs:
  - id: atx-sso
    kind: atx
    title: SSO 설정 가이드
    summary: 싱글 사인온을 설정하는 방법을 단계별로 안내합니다.
    tier: free
    level: beginner
    duration_minutes: 60
    sessions: []
  - id: acc-search
    kind: accelerator
    title: 한국어 검색 최적화
    summary: 포털에서 한국어 문서가 잘 찾아지도록 색인을 조정합니다.
    tier: free
    duration_minutes: 90
    request: https://example.com/request
  - id: acc-permission
    kind: accelerator
    title: 권한 설계 검토
    summary: 사용자의 권한과 보안 정책을 함께 검토합니다.
    tier: free
    duration_minutes: 90
    request: https://example.com/request
  - id: video-dashboard
    kind: video
    title: 대시보드 둘러보기
    summary: 대시보드에서 사용량과 알림을 확인하는 방법을 보여 드립니다.
    tier: free
    url: https://example.com/video
    duration_minutes: 8
"""


@pytest.fixture(scope="module")
def korean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The index of a Korean-only portal, built as `phasebook search` builds it."""
    project = tmp_path_factory.mktemp("korean")
    (project / "phases").mkdir()
    (project / "content").mkdir()
    (project / "phases" / "lifecycle.yml").write_text(KOREAN_LIFECYCLE, encoding="utf-8")
    (project / "phases" / "start.yml").write_text(KOREAN_PHASE, encoding="utf-8")
    portal = load_portal(project / "phases", project / "content", root=project)
    return build_now(documents(portal, project / "content"), project / "index", "")


def test_every_script_is_indexed() -> None:
    found = {t for t, _, _ in terms("한국어 검색 가이드 SSO 설정 導入フェーズ Einführung")}
    assert {"한국어", "검색", "가이드", "sso", "설정", "導入", "フェ", "einführung"} <= found


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("검색", "programs/acc-search/"),  # a word
        ("설정을", "programs/atx-sso/"),  # with the object particle the page does not have
        ("권한을 검토", "programs/acc-permission/"),
        ("대시보드에서", "programs/video-dashboard/"),
        ("SSO 설정", "programs/atx-sso/"),  # mixed scripts
        ("사인온", "programs/atx-sso/"),  # inside a longer word of the page (사인온을)
    ],
)
def test_korean_queries_find_the_right_program_first(korean: Path, query: str, first: str):
    hits = search(korean, query).hits
    assert hits and hits[0].url == first, [h.url for h in hits]


def test_a_korean_word_is_marked_without_the_particle_typed(korean: Path) -> None:
    hit = search(korean, "설정을", marks=("[", "]"), limit=1).hits[0]
    assert "사인온을 [설정]하는" in hit.snippet


def test_a_mixed_korean_query_ranks_the_page_with_most_of_its_words_first(korean: Path):
    hits = search(korean, "한국어 검색 가이드 SSO 설정").hits
    assert [h.url for h in hits[:2]] == ["programs/atx-sso/", "programs/acc-search/"]
