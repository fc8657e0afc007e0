"""`shopbot eval orders --store data/stores/NAME`: scripted shoppers against a platform store
served through its fake (`bot.orders.platforms`) and shopbot's connector for that platform,
through the whole engine.

Tasks are in the blind writers' format (`/work/team/blind/orders/FORMAT.md`, as
`data/eval/order_tasks.jsonl` plus): ``changes`` lists per order only what must change
(``status``, ``address`` fields, ``items`` by line), and the side effects the store's README
describes count as part of an expected change (a cancellation's payments and refunds, an
address change's counter, an exchange's counter and the unit it holds); any other difference
in any order fails the run. ``reply_contains`` entries may be lists of alternatives. Every turn
is sent, also after a hand-off (a shopper keeps writing). pass^1 is the share of runs that pass,
pass^k the share of tasks that pass all k runs.
"""

from __future__ import annotations

import argparse
import json
import logging
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

from bot.errors import InputError
from bot.settings import Settings
from evals.orders import load_tasks, summarise

log = logging.getLogger(__name__)


# -- judging -------------------------------------------------------------------------------
def _said(text: str, wanted: Any) -> bool:
    options = wanted if isinstance(wanted, list) else [wanted]
    return any(str(o).casefold() in text for o in options)


def _same(a: Any, b: Any) -> bool:
    return " ".join(str(a).split()).casefold() == " ".join(str(b).split()).casefold()


def state_problems(
    expect: dict[str, Any], initial: dict[str, Any], final: dict[str, Any]
) -> tuple[list[str], list[str]]:
    """(what the expected changes lack, changes nobody asked for), as readable lines."""
    changes = expect.get("changes") or {}
    missing: list[str] = []
    unasked: list[str] = []
    held: dict[str, int] = defaultdict(int)  # units an expected exchange may hold
    before, after = initial["orders"], final["orders"]
    for number in sorted(set(before) | set(after)):
        old, new, wanted = before.get(number), after.get(number), changes.get(number)
        if wanted is None:
            if old != new:
                unasked.append(f"{number} changed without being asked: {_diff(old, new)}")
        elif old is None or new is None:
            missing.append(f"{number} is not an order of the store")
        else:
            _check_order(number, wanted, old, new, missing, unasked, held)
    grown = final.get("reserved", {})
    for sku, units in sorted(grown.items()):
        extra = units - initial.get("reserved", {}).get(sku, 0) - held.get(sku, 0)
        if extra > 0:
            unasked.append(f"{extra} more unit(s) of {sku} held than an asked exchange needs")
    return missing, unasked


def _check_order(
    number: str,
    wanted: dict[str, Any],
    old: dict[str, Any],
    new: dict[str, Any],
    missing: list[str],
    unasked: list[str],
    held: dict[str, int],
) -> None:
    free: set[str] = set()  # parts of the order an expected change may touch
    if "status" in wanted:
        free |= {"status", "payments", "refunds"}
        if new["status"] != wanted["status"]:
            missing.append(f"{number} status {new['status']!r}, not {wanted['status']!r}")
    if "address" in wanted:
        free |= {"address", "address_changes"}
        for key, value in wanted["address"].items():
            if not _same(new["address"].get(key, ""), value):
                missing.append(f"{number} address {key} {new['address'].get(key)!r}, not {value!r}")
        moved = new["address"] != old["address"]
        if moved and new["address_changes"] != old["address_changes"] + 1:
            unasked.append(f"{number} address_changes {old['address_changes']} -> "
                           f"{new['address_changes']}")  # fmt: skip
    if "items" in wanted:
        free.add("items")
        asked = {str(k): v for k, v in wanted["items"].items()}
        for line in sorted(set(old["items"]) | set(new["items"])):
            _check_line(f"{number} line {line}", asked.get(line), old["items"].get(line),
                        new["items"].get(line), missing, unasked, held)  # fmt: skip
    for key in sorted(set(old) | set(new)):
        if key not in free and old.get(key) != new.get(key):
            unasked.append(f"{number} {key}: {_diff(old.get(key), new.get(key))}")


_LINE_FREE = ("status", "refund_method", "exchanges", "exchange_sku")


def _check_line(
    where: str,
    asked: dict[str, Any] | None,
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
    missing: list[str],
    unasked: list[str],
    held: dict[str, int],
) -> None:
    if asked is None or old is None or new is None:
        if old != new:
            unasked.append(f"{where} changed without being asked: {_diff(old, new)}")
        elif asked is not None:
            missing.append(f"{where} does not exist")
        return
    for key in ("status", "refund_method", "exchange_sku"):
        if key in asked and not _same(new.get(key, ""), asked[key]):
            missing.append(f"{where} {key} {new.get(key)!r}, not {asked[key]!r}")
    if new["status"] == "exchange_requested" and old["status"] != "exchange_requested":
        if new["exchanges"] != old["exchanges"] + 1:
            unasked.append(f"{where} exchanges {old['exchanges']} -> {new['exchanges']}")
        held[new["exchange_sku"]] += new["quantity"]
    kept = {k: v for k, v in old.items() if k not in _LINE_FREE}
    if {k: new.get(k) for k in kept} != kept:
        unasked.append(f"{where}: {_diff(old, new)}")


def _diff(old: Any, new: Any) -> str:
    if isinstance(old, dict) and isinstance(new, dict):
        keys = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
        return "; ".join(f"{k}: {old.get(k)!r} -> {new.get(k)!r}" for k in keys)[:400]
    return f"{old!r} -> {new!r}"[:400]


def judge(task: dict[str, Any], replies: list[Any], initial: dict, final: dict) -> dict[str, Any]:
    expect = task["expect"]
    texts = [r.reply for r in replies]
    joined = "\n".join(texts).casefold()
    missing_state, unasked = state_problems(expect, initial, final)
    escalated = any(r.escalated for r in replies)
    missing = [w for w in expect.get("reply_contains", []) if not _said(joined, w)]
    leaked = [w for w in expect.get("reply_excludes", []) if _said(joined, w)]
    verdict = {
        "state_ok": not missing_state and not unasked,
        "unasked_change": bool(unasked),
        "escalation_ok": escalated == bool(expect.get("escalated")),
        "replies_ok": not missing and not leaked,
    }
    verdict["ok"] = verdict["state_ok"] and verdict["escalation_ok"] and verdict["replies_ok"]
    if not verdict["ok"]:
        verdict["details"] = {
            "state": (missing_state + unasked)[:6],
            "escalated": escalated,
            "missing": missing,
            "leaked": leaked,
            "replies": texts,
        }
    return verdict


# -- running -------------------------------------------------------------------------------
def summary(results: list[dict[str, Any]], repeats: int) -> dict[str, Any]:
    """The demo eval's summary, with its two shares named pass^1 and pass^k."""
    base = summarise(results, repeats)
    return {
        **base,
        "pass^1": base["run_success"],
        f"pass^{repeats}": base["task_success_all_runs"],
        "runs_with_unasked_changes": sum(r["unasked_change"] for r in results),
    }


def run_store_tasks(
    bot: Any, served: Any, tasks: list[dict[str, Any]], repeats: int
) -> list[dict[str, Any]]:
    """Every task ``repeats`` times, each from the store as its files have it."""
    results = []
    for number, task in enumerate(tasks, 1):
        for run in range(repeats):
            served.reset()
            initial = served.snapshot()
            session = f"eval-{task['id']}-{run}-{uuid.uuid4().hex[:8]}"
            replies = [bot.chat(message, session=session) for message in task["turns"]]
            verdict = judge(task, replies, initial, served.snapshot())
            results.append({"id": task["id"], "run": run, "language": task["language"], **verdict})
        log.info("store tasks: %d/%d done", number, len(tasks))
    return results


def store_tasks(path: Path, store: str) -> list[dict[str, Any]]:
    tasks = [t for t in load_tasks(path) if t.get("store", store) == store]
    if not tasks:
        raise InputError(f"no task of the store {store!r} in the file", path=str(path))
    return tasks


def eval_store(args: argparse.Namespace, settings: Settings) -> int:
    from bot.orders.platforms.served import make_fake, served_store, store_platform, store_policy
    from bot.output import print_json
    from bot.shopbot import ShopBot

    folder = Path(args.store)
    platform = store_platform(folder)
    if not getattr(args, "tasks", None):
        raise InputError("give the store's tasks with --tasks FILE", path=str(folder))
    tasks = store_tasks(Path(args.tasks), folder.name)
    if args.queries:
        tasks = tasks[: args.queries]
    repeats = getattr(args, "repeats", None) or 4
    policy = store_policy(folder, settings.orders)  # store_platform read its files
    limits = {"bucket_size": 400, "leak_per_s": 20.0} if platform == "shopify" else {}  # Plus
    fake = make_fake(platform, folder=folder, **limits)
    started = time.perf_counter()
    with (
        served_store(platform, fake, policy) as served,
        tempfile.TemporaryDirectory(prefix="shopbot-eval-store-") as scratch,
    ):
        local = settings.model_copy(
            update={"orders": served.settings, "database_url": f"sqlite:///{scratch}/c.db"}
        )
        bot = ShopBot(local)
        try:  # a warm-up that fails (e.g. an index of another embedder) still closes
            bot.warm_up()  # the engine it started, or the process never exits
            results = run_store_tasks(bot, served, tasks, repeats)
        finally:
            bot.close()
    report = {
        "store": folder.name,
        "platform": platform,
        "model": settings.model,
        "seconds": round(time.perf_counter() - started, 1),
        **summary(results, repeats),
    }
    if args.out:
        Path(args.out).write_text(
            json.dumps({**report, "results": results}, indent=1, ensure_ascii=False), "utf-8"
        )
    if args.json:
        print_json(report)
    else:
        print(
            f"{folder.name} ({platform}): {report['tasks']} tasks x {repeats}: pass^1 "
            f"{report['pass^1']:.1%}, pass^{repeats} {report[f'pass^{repeats}']:.1%}; "
            f"{report['runs_with_unasked_changes']} runs changed what nobody asked for."
        )
        for name in report["failed_tasks"]:
            print(f"  failed: {name}")
    return 0
