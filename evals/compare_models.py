"""Both bundled chat models measured side by side in one run: `shopbot eval chat` (by kind and
language, invented figures) and `shopbot bench chat` (throughput, time to first token).

    python -m evals.compare_models --out artifacts/models.json

Each model runs the real commands in a process of its own (one engine at a time on the
machine); the table is printed on stderr, the whole report as one JSON document on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bot.bundled import BUNDLED_CHAT_MODELS

MODELS = list(BUNDLED_CHAT_MODELS)


def run_command(args: list[str], model: str, env: dict[str, str]) -> dict[str, Any]:
    """One `shopbot ... --json` command with ``model``; its JSON document."""
    command = [sys.executable, "-m", "bot.cli", *args, "--json"]
    print(f"compare: {model}: {' '.join(args)}", file=sys.stderr, flush=True)
    started = time.monotonic()
    done = subprocess.run(
        command, env={**env, "SHOPBOT_MODEL": model}, stdout=subprocess.PIPE, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"compare: {' '.join(command)} failed with {done.returncode}")
    document = json.loads(done.stdout.strip().splitlines()[-1])
    document["command_seconds"] = round(time.monotonic() - started, 1)
    return document


def measure(model: str, env: dict[str, str], conversations: str, turns: int) -> dict[str, Any]:
    quality = run_command(["eval", "chat"], model, env)
    bench = ["bench", "chat", "--conversations", conversations, "--turns", str(turns)]
    speed = run_command([*bench, "--queries", "8"], model, env)
    return {"model": model, "eval_chat": quality, "bench_chat": speed}


def table(results: list[dict[str, Any]]) -> str:
    """A Markdown table: one column per model."""
    groups = sorted({g for r in results for g in r["eval_chat"]["summary"]})
    rows = [["", *(r["model"] for r in results)], ["---"] * (len(results) + 1)]
    for group in groups:
        cells = []
        for r in results:
            s = r["eval_chat"]["summary"].get(group)
            ok, invented = s["correct_and_none_invented"], s["invented"]
            cells.append(f"{ok:.3f} (invented {invented:.3f}, n={s['questions']})")
        rows.append([f"eval chat {group}", *cells])
    levels = [level["conversations"] for level in results[0]["bench_chat"]["levels"]]
    for index, level in enumerate(levels):
        for key, name in (
            ("output_tokens_per_s", "output tok/s"),
            ("ttft_ms_p50", "TTFT p50 ms"),
            ("ttft_ms_p95", "TTFT p95 ms"),
            ("turn_ms_p50", "turn p50 ms"),
        ):
            cells = [str(r["bench_chat"]["levels"][index]["pipeline"][key]) for r in results]
            rows.append([f"bench chat {level} conversations: pipeline {name}", *cells])
        cells = [
            str(r["bench_chat"]["levels"][index]["engine"]["output_tokens_per_s"]) for r in results
        ]
        rows.append([f"bench chat {level} conversations: raw engine tok/s", *cells])
    rows.append(
        [
            "transformers one at a time tok/s",
            *(str(r["bench_chat"]["baseline"]["output_tokens_per_s"]) for r in results),
        ]
    )
    rows.append(["eval chat seconds", *(str(r["eval_chat"]["seconds"]) for r in results)])
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", default=",".join(MODELS), help="Comma-separated models.")
    parser.add_argument("--conversations", default="1,16", help="bench chat concurrency levels.")
    parser.add_argument("--turns", type=int, default=2, help="bench chat turns per conversation.")
    parser.add_argument("--out", type=Path, help="Also write the report here.")
    args = parser.parse_args(argv)
    env = dict(os.environ)
    started = time.monotonic()
    results = [
        measure(model, env, args.conversations, args.turns) for model in args.models.split(",")
    ]
    report = {
        "results": results,
        "table": table(results),
        "seconds": round(time.monotonic() - started, 1),
        "load_average": os.getloadavg(),
    }
    print(report["table"], file=sys.stderr)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
