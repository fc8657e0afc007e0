"""Both bundled chat models measured side by side in one run, one engine at a time, on the
store already ingested in ``SHOPBOT_HOME``:

- quality: `shopbot eval chat`'s questions (``data/eval/chat_facts.jsonl``, every
  ``--every``-th one so that each kind and language keeps its share) answered by the whole
  bot and judged by `shopbot eval chat`'s own judge: right fact stated, figures invented,
  by kind and by language;
- speed: `shopbot bench chat`'s pipeline run (past conversations' shopper messages, N
  conversations at once, several turns each) and the same requests straight to the engine:
  output tokens/s and time to first token.

    python -m evals.compare_models --out artifacts/models.json

The table is printed on stderr, the whole report as one JSON document on stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bot.bundled import BUNDLED_CHAT_MODELS
from bot.settings import Settings

DATA = Path("data")
MODELS = list(BUNDLED_CHAT_MODELS)


def quality(bot: Any, items: list[dict[str, Any]]) -> dict[str, Any]:
    """`shopbot eval chat`'s judgement of the bot's replies to ``items``, by group."""
    from evals.chat import CONCURRENCY, _answer_all, record, summarize
    from evals.judge import StoreData

    store = StoreData.load(DATA / "catalog.jsonl", DATA / "policies")
    started = time.perf_counter()
    turns = bot._bot_loop().run(_answer_all(bot, items, CONCURRENCY))
    seconds = time.perf_counter() - started
    records = [record(item, turn, store) for item, turn in zip(items, turns, strict=True)]
    return {"seconds": round(seconds, 1), "summary": summarize(records), "replies": records}


def speed(bot: Any, backend: Any, levels: list[int], turns: int) -> list[dict[str, Any]]:
    """`shopbot bench chat`'s pipeline and raw-engine runs at each concurrency level."""
    from evals.bench_chat import (
        _cold_cache,
        load_conversations,
        run_engine,
        run_pipeline,
        same_work,
    )

    results = []
    for level in levels:
        conversations = load_conversations(DATA / "conversations.jsonl", level, turns)
        backend.requests.clear()
        backend.completion_tokens.clear()
        print(f"compare: pipeline, {level} conversations x {turns} turns", file=sys.stderr)
        _cold_cache(backend.inner)
        pipeline = asyncio.run(run_pipeline(bot, conversations, f"c{level}"))
        fixed = same_work(list(backend.requests), dict(backend.completion_tokens))
        _cold_cache(backend.inner)
        engine = asyncio.run(run_engine(backend.inner, fixed, level))
        results.append(
            {
                "conversations": level,
                "turns": turns,
                "pipeline": pipeline.summary(),
                "engine": engine.summary(),
            }
        )
    return results


def measure(
    settings: Settings, model: str, knowledge: Any, items: list[dict[str, Any]], levels: list[int]
) -> dict[str, Any]:
    """One model: its engine started, the questions answered, the load run, the engine shut."""
    from bot.backends import make_backend
    from bot.shopbot import ShopBot
    from evals.bench_chat import RecordingBackend

    home = Path(tempfile.mkdtemp(prefix="shopbot-compare-"))
    (home / "models").symlink_to((settings.home / "models").resolve(), target_is_directory=True)
    name, _, promoted = model.partition("@")
    if promoted:  # the store's promoted fine-tune of this bundled model
        (home / "finetune").symlink_to((settings.home / "finetune").resolve())
    finetune = settings.finetune.model_copy(update={"use_promoted": bool(promoted)})
    local = settings.model_copy(
        update={"home": home, "database_url": None, "model": name, "finetune": finetune}
    )
    started = time.monotonic()
    backend = RecordingBackend(make_backend(local))
    backend.warm_up()
    start_s = time.monotonic() - started
    bot = ShopBot(local, backend=backend, knowledge=knowledge)  # type: ignore[arg-type]
    bot.warm_up()
    try:
        print(f"compare: {model}: {len(items)} eval chat questions", file=sys.stderr)
        judged = quality(bot, items)
        runs = speed(bot, backend, levels, 2)
    finally:
        bot.close()
        backend.inner.close()
    return {
        "model": model,
        "served": getattr(backend.inner, "model", model),
        "engine_start_s": round(start_s, 1),
        "eval_chat": judged,
        "bench_chat": runs,
    }


def table(results: list[dict[str, Any]]) -> str:
    """A Markdown table: one column per model."""
    rows = [["", *(r["model"] for r in results)], ["---"] * (len(results) + 1)]
    for group in sorted(results[0]["eval_chat"]["summary"]):
        cells = []
        for r in results:
            s = r["eval_chat"]["summary"][group]
            ok, invented = s["correct_and_none_invented"], s["invented"]
            cells.append(f"{ok:.3f} (invented {invented:.3f}, n={s['questions']})")
        rows.append([f"eval chat {group}: correct, none invented", *cells])
    rows.append(["eval chat seconds", *(str(r["eval_chat"]["seconds"]) for r in results)])
    for index, run in enumerate(results[0]["bench_chat"]):
        level = run["conversations"]
        for part, key, name in (
            ("pipeline", "output_tokens_per_s", "pipeline output tok/s"),
            ("pipeline", "ttft_ms_p50", "pipeline TTFT p50 ms"),
            ("pipeline", "ttft_ms_p95", "pipeline TTFT p95 ms"),
            ("pipeline", "turn_ms_p50", "pipeline turn p50 ms"),
            ("engine", "output_tokens_per_s", "raw engine output tok/s"),
        ):
            cells = [str(r["bench_chat"][index][part][key]) for r in results]
            rows.append([f"bench chat, {level} conversations: {name}", *cells])
    rows.append(["engine start s (compiled)", *(str(r["engine_start_s"]) for r in results)])
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


def main(argv: list[str] | None = None) -> int:
    from bot.model_files import force_offline

    force_offline()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--models",
        default=",".join(MODELS),
        help="Comma-separated models; MODEL@promoted serves the store's promoted fine-tune of it.",
    )
    parser.add_argument("--every", type=int, default=1, help="Every N-th eval chat question.")
    parser.add_argument("--conversations", default="1,8", help="Concurrency levels of the load.")
    parser.add_argument("--out", type=Path, help="Also write the report here.")
    args = parser.parse_args(argv)
    from retrieval import KnowledgeBase

    settings = Settings.load()
    path = DATA / "eval" / "chat_facts.jsonl"
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    items = items[:: args.every]
    knowledge = KnowledgeBase(settings)
    knowledge.warm_up()
    levels = [int(x) for x in args.conversations.split(",")]
    started = time.monotonic()
    results = [
        measure(settings, model, knowledge, items, levels) for model in args.models.split(",")
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
