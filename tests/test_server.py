"""`phasebook serve`: the built site and GET /api/search, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.helpers import ROOT, http_get


def api(server: str, **params: str | int) -> tuple[int, dict]:
    status, data = http_get(f"{server}/api/search?{urlencode(params)}")
    assert isinstance(data, dict)
    return status, data


def test_serves_the_built_site(server: str) -> None:
    status, page = http_get(server + "/phases/implement/")
    assert status == 200 and "導入" in page


def test_search_returns_ranked_results_with_facets(server: str) -> None:
    status, data = api(server, q="アラート")
    assert status == 200
    first = data["results"][0]
    assert set(first) >= {"title", "url", "snippet", "phase", "tier", "kind"}
    assert first["url"].startswith("/") and "<mark>" in first["snippet"]
    # The URL of every hit is a page the same server serves.
    assert http_get(server + first["url"])[0] == 200
    assert data["total"] == sum(data["facets"]["kind"].values())
    assert data["facets"]["phase"]["engage"] >= 2


def test_filters_narrow_results_and_facets(server: str) -> None:
    status, data = api(server, q="アラート", phase="engage", kind="accelerator")
    assert status == 200
    assert [r["url"] for r in data["results"]] == ["/programs/acc-engage-alert-tuning/"]
    assert data["facets"]["kind"] == {"accelerator": 1}


def test_results_in_english_link_to_the_english_pages(server: str) -> None:
    """The same matches, titled and linked in the language the reader asked for."""
    _, japanese = api(server, q="SSO")
    status, english = api(server, q="SSO", lang="en")
    assert status == 200
    assert english["total"] == japanese["total"] > 0
    pairs = {r["url"]: r["title"] for r in english["results"]}
    assert pairs["/en/guides/sso-setup/"] == "Setting up single sign-on (SSO)"
    assert {r["url"] for r in japanese["results"]} == {u.removeprefix("/en") for u in pairs}
    assert all(http_get(server + url)[0] == 200 for url in pairs)


def test_snippets_are_escaped_html(server: str) -> None:
    status, data = api(server, q="SAML")
    assert status == 200 and data["results"]
    assert all(
        "<" not in r["snippet"].replace("<mark>", "").replace("</mark>", "")
        for r in data["results"]
    )


def test_limit_is_capped(server: str) -> None:
    status, data = api(server, q="設定", limit=1000)
    assert status == 200
    assert len(data["results"]) == min(50, data["total"]) and data["total"] > 10


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": ""}, "the query is empty: type what you are looking for"),
        ({"q": "x" * 501}, "q is longer than 500 characters: shorten it"),
        ({"q": '"導入'}, 'unbalanced quote: close the phrase with " or remove the quote'),
        ({"q": "導入", "limit": "ten"}, "limit must be a whole number from 1 to 50 (got 'ten')"),
        ({"q": "導入", "limit": "0"}, "limit must be a whole number from 1 to 50 (got '0')"),
        (
            {"q": "導入", "phase": "nope"},
            "unknown phase 'nope' (known: adopt, engage, "
            "implement, optimize, prep, recommend, renew, use)",
        ),
        (
            {"q": "導入", "kind": "webinar"},
            "unknown kind 'webinar' (known: accelerator, atx, faq, guide, phase, plan, video)",
        ),
        (
            {"q": "導入", "sort": "date"},
            "unknown parameter 'sort' (known: kind, lang, limit, phase, q, tier)",
        ),
        ({"q": "導入", "lang": "fr"}, "unknown lang 'fr' (known: en, ja)"),
    ],
)
def test_bad_parameters_get_400_with_a_json_error(
    server: str, params: dict[str, str], message: str
) -> None:
    assert api(server, **params) == (400, {"error": message})


def test_refuses_to_start_without_a_built_site(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "generator.cli", "serve", "--site", str(tmp_path / "none")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"No built site in {tmp_path / 'none'}: run ./dev build (or mkdocs build) first."
    )
