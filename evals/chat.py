"""`shopbot eval chat`: does the bot state the right fact and invent none?

Each question of ``data/eval/chat_facts.jsonl`` is answered by the full bot (retrieval,
grounding, the configured model). A reply is *correct* when it states every expected fact;
it *invents* when it states a price, stock level or number that the store's own data (the
product's catalog entry, the expected policy file) does not hold. Judged against the data
files, not against what retrieval returned, so the check is independent of the bot.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from bot.grounding import numbers_in
from bot.output import print_json
from bot.settings import Settings

DATA = Path("data")
_PRICE = re.compile(r"[$¥€£]\s?\d[\d,]*(?:\.\d+)?|\d[\d,]*(?:\.\d+)?\s?(?:USD|dollars|美元|元)")
_IN = re.compile(r"\bin stock\b|有货", re.I)
_OUT = re.compile(r"out of stock|sold out|unavailable|缺货|售罄|无货", re.I)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("–", "-").replace("—", "-")).lower()


def _fact_present(fact: str, reply: str) -> bool:
    fact_n, reply_n = _norm(fact), _norm(reply)
    if fact_n in reply_n:
        return True
    fact_numbers = numbers_in(fact)
    if fact_numbers and fact_numbers <= numbers_in(reply):
        words = [w for w in re.findall(r"[a-z]+", fact_n) if len(w) > 3]
        return all(w in reply_n for w in words)
    if fact_n in ("in stock", "有货"):
        return bool(_IN.search(reply)) and not _OUT.search(reply)
    if fact_n in ("out of stock", "缺货"):
        return bool(_OUT.search(reply))
    return False


def load_catalog(path: Path) -> dict[str, dict[str, Any]]:
    products = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                product = json.loads(line)
                products[product["id"]] = product
    return products


def _allowed_numbers(item: dict[str, Any], catalog: dict[str, Any], policies: Path) -> set[float]:
    allowed = numbers_in(item["question"]) | numbers_in(" ".join(item["expected_facts"]))
    product = catalog.get(item.get("product_id") or "")
    if product:
        allowed |= numbers_in(json.dumps(product, ensure_ascii=False))
    if item.get("policy_path"):
        path = policies / item["policy_path"]
        if path.exists():
            allowed |= numbers_in(path.read_text(encoding="utf-8"))
    return allowed


def judge(
    item: dict[str, Any], reply: str, catalog: dict[str, Any], policies: Path
) -> dict[str, Any]:
    correct = all(_fact_present(f, reply) for f in item["expected_facts"])
    invented: list[str] = []
    stray = numbers_in(re.sub(r"\[\d+\]", "", reply)) - _allowed_numbers(item, catalog, policies)
    if stray:
        invented.append("numbers not in the store's data: " + ", ".join(f"{n:g}" for n in stray))
    if item["kind"] == "stock":
        expected_out = any(_norm(f) in ("out of stock", "缺货") for f in item["expected_facts"])
        if expected_out and _IN.search(reply) and not _OUT.search(reply):
            invented.append("says in stock")
        if not expected_out and _OUT.search(reply) and not _IN.search(reply):
            invented.append("says out of stock")
    return {"correct": correct, "invented": invented, "ok": correct and not invented}


async def _answer_all(bot: Any, items: list[dict[str, Any]], concurrency: int) -> list[Any]:
    gate = asyncio.Semaphore(concurrency)

    async def one(item: dict[str, Any]) -> Any:
        async with gate:
            return await bot.aanswer([{"role": "user", "content": item["question"]}])

    return await asyncio.gather(*(one(item) for item in items))


def eval_chat(args: argparse.Namespace, settings: Settings) -> int:
    """Entry point of `shopbot eval chat`."""
    from bot.shopbot import ShopBot

    path = DATA / "eval" / "chat_facts.jsonl"
    items = [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    if args.queries:
        items = items[: args.queries]
    catalog = load_catalog(DATA / "catalog.jsonl")
    bot = ShopBot(settings)
    bot.warm_up()
    started = time.perf_counter()
    try:
        turns = bot.run(_answer_all(bot, items, 16))
    finally:
        bot.close()
    elapsed = time.perf_counter() - started
    results = []
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item, turn in zip(items, turns, strict=True):
        verdict = judge(item, turn.reply, catalog, DATA / "policies")
        record = {
            "id": item["id"],
            "kind": item["kind"],
            "language": item["language"],
            "question": item["question"],
            "reply": turn.reply,
            **verdict,
        }
        results.append(record)
        groups[f"kind:{item['kind']}"].append(verdict)
        groups[f"language:{item['language']}"].append(verdict)
        groups["all"].append(verdict)
    summary = {
        name: {
            "questions": len(vs),
            "correct": round(sum(v["correct"] for v in vs) / len(vs), 3),
            "invented": round(sum(bool(v["invented"]) for v in vs) / len(vs), 3),
            "correct_and_none_invented": round(sum(v["ok"] for v in vs) / len(vs), 3),
        }
        for name, vs in sorted(groups.items())
    }
    report = {"model": settings.model, "seconds": round(elapsed, 1), "summary": summary}
    if args.out:
        Path(args.out).write_text(
            "\n".join(json.dumps(r, ensure_ascii=False) for r in results) + "\n", encoding="utf-8"
        )
    if args.json:
        print_json(report)
    else:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    failed = [r for r in results if not r["ok"]][:5]
    for r in failed:
        print(
            f"not ok {r['id']}: {r['question']!r} -> {r['reply']!r} {r['invented']}",
            file=sys.stderr,
        )
    return 0
