"""Build a synthetic portal of N programs and print what the build costs, side by side
with plain MkDocs building the very same pages.

    python benchmarks/build_scale.py [--runs N] [SIZE …]   # 3 runs of 100, 1,000, 10,000

For each N: wall time of `mkdocs build` with Phasebook (every portal language); the same
pages written by `phasebook export` and built by plain MkDocs, one build per language (same
theme, nav and search settings, no plugin), and the ratio of the two, the headline figure;
the time inside the plugin, and of it the Whoosh index and the related content; peak RSS
of both (and of the largest of Phasebook's child processes: the other language's build, the
index worker); pages, HTML bytes per page, site size and the browser search index (raw and gzip).
Every build runs in a fresh child process, so its peak RSS is its own.
"""

from __future__ import annotations

import functools
import gzip
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import vocabulary  # beside this file
import yaml

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
THEME = {
    "name": "material",
    "language": "ja",
    "font": False,
    "features": ["navigation.tabs", "navigation.sections"],
}


def generate(root: Path, count: int, seed: int = 7) -> None:
    """Write mkdocs.yml, phases/ and content/ for a portal of `count` programs."""
    rng = random.Random(seed)
    (root / "phases").mkdir(parents=True)
    (root / "content" / "guides").mkdir(parents=True)
    (root / "content" / "index.md").write_text("# ベンチマーク ポータル\n", encoding="utf-8")
    config = {
        "site_name": "Benchmark",
        "docs_dir": "content",
        "theme": THEME,
        "plugins": ["search", "phasebook"],
    }
    _write(root / "mkdocs.yml", config)
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
        "portal": {
            "title": "ベンチマーク",
            "vendor": "Bench",
            "product": "Bench Cloud",
            "languages": ["ja", "en"],
            "timezone": "Asia/Tokyo",
        },
        "stages": stages,
        "tiers": tiers,
    }
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
    summary = {"ja": vocabulary.japanese(rng), "en": vocabulary.english(rng)}
    roll = i % 20
    if roll < 8:
        day = 1 + (i * 7) % 27
        sessions = [
            {
                "starts": f"2027-{m:02d}-{day:02d}T{10 + (i % 7):02d}:00:00+09:00",
                "language": "ja" if m % 3 else "en",
                "register": f"https://events.example.com/{i}/{m}",
            }
            for m in (1, 2, 3)
        ]
        program = {
            "id": f"atx-{i}",
            "kind": "atx",
            "title": title,
            "summary": summary,
            "tier": "free",
            "level": rng.choice(["beginner", "intermediate", "advanced"]),
            "duration_minutes": 60,
            "topics": [{"ja": ja, "en": en}],
            "sessions": sessions,
        }
        if i % 2:
            program["recording"] = f"https://videos.example.com/atx/{i}"
        return program
    if roll < 11:
        atx = [p["id"] for p in siblings if p["kind"] == "atx"]
        return {
            "id": f"acc-{i}",
            "kind": "accelerator",
            "title": title,
            "summary": summary,
            "tier": rng.choice(["standard", "premier"]),
            "duration_minutes": 90,
            "prerequisites": atx[-1:],
            "outcomes": [{"ja": f"{ja}の改善計画"}],
            "request": f"https://example.com/request/{i}",
        }
    if roll < 17:
        page = f"guides/guide-{i}.md"
        body = "\n\n".join(f"## 手順 {n}\n\n" + vocabulary.japanese(rng, 4) for n in range(1, 4))
        (root / "content" / page).write_text(f"# {title['ja']}\n\n{body}\n", encoding="utf-8")
        return {
            "id": f"guide-{i}",
            "kind": "guide",
            "tier": "free",
            "page": page,
            "summary": summary,
        }
    url = f"https://videos.example.com/{i}"
    return {
        "id": f"video-{i}",
        "kind": "video",
        "title": title,
        "summary": summary,
        "tier": "free",
        "url": url,
        "duration_minutes": 8,
    }


def _write(path: Path, data: object) -> None:
    """Block YAML, as authors write it (and as `phasebook new` and the example portal do):
    until December 2026 these files were JSON, which is YAML too but which no author
    writes, and which the preview's program-by-program reading (yamlparts.py) leaves to a
    whole-file parse."""
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text = yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False, width=1000)
    path.write_text(text, encoding="utf-8")


def prerender(project: Path, plain: Path) -> None:
    """The pages Phasebook makes for `project` in every language, written by `phasebook
    export`: plain docs trees with the same theme, nav and search settings and no plugin."""
    from generator.build.export import Source, export_tree, read_config, write_tree
    from generator.build.outputs import layout
    from generator.search.documents import documents
    from generator.search.related import related
    from generator.source.load import load_portal

    portal = load_portal(project / "phases", project / "content", root=project)
    docs = documents(portal, project / "content")
    config = read_config(project / "mkdocs.yml")
    source = Source(layout(project, project / "mkdocs.yml"), config, related(docs))
    for lang in portal.info.languages:
        write_tree(export_tree(portal, source, lang), plain / lang)
    languages = "\n".join(portal.info.languages)
    (plain / "languages").write_text(languages, encoding="utf-8")


def build_once(project: Path) -> dict:
    """Build `project` in this process and return the figures (run in a child process)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from site_plugins.plugin import PhasebookPlugin

    spent = {"plugin": 0.0, "index": 0.0, "related": 0.0}

    def timed(owner, name: str, bucket: str) -> None:
        method = getattr(owner, name)

        @functools.wraps(method)
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                spent[bucket] += time.perf_counter() - start

        setattr(owner, name, wrapper)

    # Time in the plugin's hooks is time the build waits for Phasebook, including waiting
    # for the index that a second process builds meanwhile.
    for name in ("on_config", "on_files", "on_page_markdown", "on_post_page", "on_post_build"):
        timed(PhasebookPlugin, name, "plugin")
    site = project / "site"
    # An export is one plain build per language, the first at the root as the plugin does.
    listed = project / "languages"
    trees = (
        [project]
        if not listed.exists()
        else [project / lang for lang in listed.read_text(encoding="utf-8").split()]
    )
    start = time.perf_counter()
    for n, tree in enumerate(trees):
        os.chdir(tree)
        target = site if n == 0 else site / tree.name
        config = load_config(str(tree / "mkdocs.yml"), site_dir=str(target))
        build(config)
    wall = time.perf_counter() - start
    plugin = config.plugins.get("phasebook")
    for name, seconds in getattr(plugin, "timings", {}).items():
        spent[name.removesuffix("_s")] = seconds
    pages = [p for p in site.rglob("*.html")]
    html_bytes = sum(p.stat().st_size for p in pages)
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    index = (site / "search" / "search_index.json").read_bytes()
    return {
        "wall_s": round(wall, 2),
        **{f"{k}_s": round(v, 1) for k, v in spent.items()},
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        # The other languages' builds and the index worker: the largest of them.
        "child_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
        "pages": len(pages),
        "bytes_per_page": html_bytes // max(len(pages), 1),
        "site_mb": round(total / 1e6, 1),
        "search_kb": round(len(index) / 1024),
        "search_gz_kb": round(len(gzip.compress(index, mtime=0)) / 1024),
    }


def child(project: Path) -> dict:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1796083200", "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(project)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        sys.exit(f"building {project} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


COLUMNS = [
    ("programs", 8),
    ("run", 3),
    ("wall s", 7),
    ("plain s", 7),
    ("ratio", 6),
    ("plugin s", 8),
    ("index s", 7),
    ("related s", 9),
    ("RSS MB", 6),
    ("+child MB", 9),
    ("plain MB", 8),
    ("pages", 6),
    ("B/page", 7),
    ("site MB", 7),
    ("search KB (gz)", 14),
]


def main(argv: list[str]) -> None:
    if argv[:1] == ["--child"]:
        print(json.dumps(build_once(Path(argv[1]))))
        return
    runs = 3
    if argv[:1] == ["--runs"]:
        runs, argv = max(1, int(argv[1])), argv[2:]
    sizes = [int(a) for a in argv] or [100, 1000, 10000]
    print(" ".join(f"{name:>{width}}" for name, width in COLUMNS), flush=True)
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="phasebook-bench-") as tmp:
            project, plain = Path(tmp) / "phasebook", Path(tmp) / "plain"
            generate(project, size)
            prerender(project, plain)
            ratios = [_run(size, n, project, plain)[0] for n in range(1, runs + 1)]
        spread = f"{min(ratios):.2f}–{max(ratios):.2f}"
        print(
            f"{size:>8} median ratio {statistics.median(ratios):.2f} "
            f"(spread {spread} over {runs} runs)",
            flush=True,
        )


def measure(programs: int, runs: int = 3) -> dict:
    """For benchmarks/table.py: the ratio's median and spread over `runs` runs at `programs`
    programs, and the largest peak RSS of Phasebook's build (its own process, and the
    largest of its children). Each run's line goes to stderr."""
    with tempfile.TemporaryDirectory(prefix="phasebook-bench-") as tmp:
        project, plain = Path(tmp) / "phasebook", Path(tmp) / "plain"
        generate(project, programs)
        prerender(project, plain)
        done = [_run(programs, n, project, plain, sys.stderr) for n in range(1, runs + 1)]
    ratios = [ratio for ratio, _ in done]
    return {
        "build_ratio_median": round(statistics.median(ratios), 2),
        "build_ratio_spread": (round(min(ratios), 2), round(max(ratios), 2)),
        "peak_rss_mb": max(r["peak_rss_mb"] for _, r in done),
        "child_rss_mb": max(r["child_rss_mb"] for _, r in done),
    }


def _run(size: int, number: int, project: Path, plain: Path, out=sys.stdout) -> tuple[float, dict]:
    """One run of both builds, in turn first and second (the machine warms up and cools
    down between them); prints its line and returns the ratio and Phasebook's figures."""
    order = (project, plain) if number % 2 else (plain, project)
    measured = {path: child(path) for path in order}
    r, p = measured[project], measured[plain]
    ratio = r["wall_s"] / p["wall_s"]
    cells = [
        size,
        number,
        r["wall_s"],
        p["wall_s"],
        f"{ratio:.2f}",
        r["plugin_s"],
        r["index_s"],
        r["related_s"],
        r["peak_rss_mb"],
        r["child_rss_mb"],
        p["peak_rss_mb"],
        r["pages"],
        r["bytes_per_page"],
        r["site_mb"],
        f"{r['search_kb']} ({r['search_gz_kb']})",
    ]
    line = " ".join(f"{c:>{w}}" for c, (_, w) in zip(cells, COLUMNS, strict=True))
    print(line, file=out, flush=True)
    return ratio, r


if __name__ == "__main__":
    main(sys.argv[1:])
