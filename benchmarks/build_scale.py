"""Build a synthetic portal of N programs and print what the build costs.

    python benchmarks/build_scale.py 100 1000

For each N: wall time of `mkdocs build`, the share spent inside the Phasebook plugin, peak
RSS, pages written, HTML bytes per page and the browser search index (raw and gzip). Every N
runs in a fresh child process, so peak RSS belongs to that build alone.
"""

from __future__ import annotations

import functools
import gzip
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PHASES = [
    ("onboard", "prep", "導入準備", "Onboarding prep"),
    ("onboard", "implement", "導入", "Implement"),
    ("use", "use", "利用", "Use"),
    ("use", "engage", "定着", "Engage"),
    ("use", "adopt", "活用", "Adopt"),
    ("use", "optimize", "最適化", "Optimize"),
    ("expand", "renew", "更新", "Renew"),
    ("expand", "recommend", "推薦", "Recommend"),
]
STAGES = {"onboard": ("導入", "Onboard"), "use": ("利用", "Use"), "expand": ("拡張", "Expand")}
TOPICS = [
    ("エージェントの展開", "agent rollout"),
    ("アラートの調整", "alert tuning"),
    ("シングルサインオン", "single sign-on"),
    ("API 連携", "API integration"),
    ("レポートの自動送信", "scheduled reports"),
    ("ライセンスの最適化", "licence optimisation"),
    ("セキュリティ設定", "security settings"),
    ("導入効果の可視化", "showing value"),
]
SENTENCE = (
    "{ja}について、実際の管理コンソールの画面を使いながら、設定の手順と運用のコツを説明します。"
    "よくある質問とつまずきやすい点も紹介します。"
)


def generate(root: Path, count: int, seed: int = 7) -> None:
    """Write mkdocs.yml, phases/ and content/ for a portal of `count` programs."""
    rng = random.Random(seed)
    (root / "phases").mkdir(parents=True)
    (root / "content" / "guides").mkdir(parents=True)
    (root / "content" / "index.md").write_text("# ベンチマーク ポータル\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: Benchmark\ndocs_dir: content\n"
        "theme: {name: material, language: ja, font: false, "
        "features: [navigation.tabs, navigation.sections]}\n"
        "plugins: [search, phasebook]\n",
        encoding="utf-8",
    )
    stages = [
        {"id": sid, "name": {"ja": ja, "en": en}, "phases": [p[1] for p in PHASES if p[0] == sid]}
        for sid, (ja, en) in STAGES.items()
    ]
    tiers = [
        {"id": "free", "name": "無償", "paid": False, "summary": "すべてのお客様に"},
        {"id": "standard", "name": "スタンダード", "paid": True, "summary": "1対1の支援"},
        {"id": "premier", "name": "プレミア", "paid": True, "summary": "専任の担当者"},
    ]
    lifecycle = {
        "portal": {"title": "ベンチマーク", "vendor": "Bench", "product": "Bench Cloud",
                   "languages": ["ja", "en"], "timezone": "Asia/Tokyo"},
        "stages": stages,
        "tiers": tiers,
    }  # fmt: skip
    _write(root / "phases" / "lifecycle.yml", lifecycle)
    per_phase: dict[str, list[dict]] = {p: [] for _, p, _, _ in PHASES}
    for i in range(count):
        phase = PHASES[i % len(PHASES)][1]
        per_phase[phase].append(_program(root, i, phase, per_phase[phase], rng))
    for _, pid, ja, en in PHASES:
        phase = {
            "id": pid,
            "name": {"ja": ja, "en": en},
            "summary": {"ja": f"{ja}のフェーズです。", "en": f"The {en} phase."},
            "tasks": [{"ja": f"{t[0]}を確認する", "en": f"Check {t[1]}"} for t in TOPICS[:4]],
            "exit_criteria": [{"text": "ユーザーの90%以上がログイン", "target": ">= 90%"}],
            "programs": per_phase[pid],
        }
        _write(root / "phases" / f"{pid}.yml", phase)


def _program(root: Path, i: int, phase: str, siblings: list[dict], rng: random.Random) -> dict:
    ja, en = TOPICS[i % len(TOPICS)]
    title = {"ja": f"{ja}の実践 第{i}回", "en": f"{en.capitalize()} in practice #{i}"}
    summary = {"ja": SENTENCE.format(ja=ja), "en": f"Hands-on {en}, step by step."}
    roll = i % 20
    if roll < 8:
        day = 1 + (i * 7) % 27
        sessions = [
            {"starts": f"2027-{m:02d}-{day:02d}T{10 + (i % 7):02d}:00:00+09:00",
             "language": "ja" if m % 3 else "en",
             "register": f"https://events.example.com/{i}/{m}"}
            for m in (1, 2, 3)
        ]  # fmt: skip
        program = {"id": f"atx-{i}", "kind": "atx", "title": title, "summary": summary,
                   "tier": "free", "level": rng.choice(["beginner", "intermediate", "advanced"]),
                   "duration_minutes": 60, "topics": [{"ja": ja, "en": en}],
                   "sessions": sessions}  # fmt: skip
        if i % 2:
            program["recording"] = f"https://videos.example.com/atx/{i}"
        return program
    if roll < 11:
        atx = [p["id"] for p in siblings if p["kind"] == "atx"]
        return {"id": f"acc-{i}", "kind": "accelerator", "title": title, "summary": summary,
                "tier": rng.choice(["standard", "premier"]), "duration_minutes": 90,
                "prerequisites": atx[-1:], "outcomes": [{"ja": f"{ja}の改善計画"}],
                "request": f"https://example.com/request/{i}"}  # fmt: skip
    if roll < 17:
        page = f"guides/guide-{i}.md"
        body = "\n\n".join(f"## 手順 {n}\n\n" + SENTENCE.format(ja=ja) * 3 for n in range(1, 4))
        (root / "content" / page).write_text(f"# {title['ja']}\n\n{body}\n", encoding="utf-8")
        return {"id": f"guide-{i}", "kind": "guide", "tier": "free", "page": page,
                "summary": summary}  # fmt: skip
    url = f"https://videos.example.com/{i}"
    return {"id": f"video-{i}", "kind": "video", "title": title, "summary": summary,
            "tier": "free", "url": url, "duration_minutes": 8}  # fmt: skip


def _write(path: Path, data: object) -> None:
    # JSON is YAML: fast to write, and the loader reads it like any hand-written file.
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def measure(project: Path) -> dict:
    """Build `project` in this process and return the figures (run in a child process)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from site_plugins.plugin import PhasebookPlugin

    spent = [0.0]

    def timed(method):
        @functools.wraps(method)
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                spent[0] += time.perf_counter() - start

        return wrapper

    for name in ("on_config", "on_files", "on_page_markdown"):
        setattr(PhasebookPlugin, name, timed(getattr(PhasebookPlugin, name)))
    site = project / "site"
    start = time.perf_counter()
    os.chdir(project)
    build(load_config(str(project / "mkdocs.yml"), site_dir=str(site)))
    wall = time.perf_counter() - start
    pages = [p for p in site.rglob("*.html")]
    html_bytes = sum(p.stat().st_size for p in pages)
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    index = (site / "search" / "search_index.json").read_bytes()
    return {
        "search_kb": round(len(index) / 1024),
        "search_gz_kb": round(len(gzip.compress(index, mtime=0)) / 1024),
        "wall_s": round(wall, 2),
        "plugin_s": round(spent[0], 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "pages": len(pages),
        "bytes_per_page": html_bytes // max(len(pages), 1),
        "site_mb": round(total / 1e6, 1),
    }


def main(argv: list[str]) -> None:
    if argv[:1] == ["--child"]:
        print(json.dumps(measure(Path(argv[1]))))
        return
    sizes = [int(a) for a in argv] or [100, 1000]
    header = f"{'programs':>8} {'wall s':>8} {'plugin s':>8} {'plugin %':>8} {'peak RSS MB':>11}"
    print(header + f" {'pages':>6} {'bytes/page':>10} {'site MB':>8} {'search KB (gzip)':>16}")
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="phasebook-bench-") as tmp:
            project = Path(tmp)
            generate(project, size)
            env = {**os.environ, "SOURCE_DATE_EPOCH": "1796083200", "NO_MKDOCS_2_WARNING": "1"}
            out = subprocess.run(
                [sys.executable, __file__, "--child", tmp],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            r = json.loads(out.strip().splitlines()[-1])
            share = 100 * r["plugin_s"] / r["wall_s"]
            print(
                f"{size:>8} {r['wall_s']:>8} {r['plugin_s']:>8} {share:>7.1f}% "
                f"{r['peak_rss_mb']:>11} {r['pages']:>6} {r['bytes_per_page']:>10} "
                f"{r['site_mb']:>8} {r['search_kb']:>8} ({r['search_gz_kb']})",
                flush=True,
            )


if __name__ == "__main__":
    main(sys.argv[1:])
