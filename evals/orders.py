"""`shopbot eval orders`: scripted shoppers against the demo order database, through the whole
engine (scoring, the order assistant, knowledge answers from the real model in between).

Each task is run several times from a freshly seeded database; a run succeeds when the
database ends in exactly the expected state (everything not listed must be as seeded), the
conversation ends with a human exactly when expected, and the replies say what they must and
never what they must not (another customer's data).
"""

from __future__ import annotations

import argparse
import copy
import json
import logging
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

from bot.errors import InputError
from bot.output import print_json
from bot.settings import Settings
from bot.status import ConversationStatus

log = logging.getLogger(__name__)
TASKS = Path(__file__).resolve().parents[1] / "data" / "eval" / "order_tasks.jsonl"
KINDS = ("status", "cancel", "address", "return", "exchange", "nochange", "identity", "billing")


def load_tasks(path: Path) -> list[dict[str, Any]]:
    tasks = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            task = json.loads(line)
            if not task["turns"] or not isinstance(task["expect"], dict):
                raise TypeError("turns must not be empty and expect must be an object")
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise InputError(
                f"not a task (needs id, turns, expect): {exc}", path=str(path), line=number
            ) from exc
        tasks.append(task)
    return tasks


def merged(base: Any, changes: Any) -> Any:
    """``base`` with ``changes`` laid over it (dicts merge, anything else is replaced)."""
    if isinstance(base, dict) and isinstance(changes, dict):
        out = copy.deepcopy(base)
        for key, value in changes.items():
            out[key] = merged(out.get(key), value) if key in out else copy.deepcopy(value)
        return out
    return copy.deepcopy(changes)


def expected_state(initial: dict[str, Any], expect: dict[str, Any]) -> dict[str, Any]:
    state = copy.deepcopy(initial)
    state["orders"] = merged(initial["orders"], expect.get("changes") or {})
    state["reserved"] = merged(initial.get("reserved") or {}, expect.get("reserved") or {})
    return state


def differences(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Where two states differ, as readable paths (first few)."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        found = []
        for key in sorted(set(expected) | set(actual), key=str):
            found += differences(expected.get(key), actual.get(key), f"{path}/{key}")
        return found
    return [] if expected == actual else [f"{path}: expected {expected!r}, got {actual!r}"]


def judge(task: dict[str, Any], replies: list[Any], initial: dict, final: dict) -> dict[str, Any]:
    expect = task["expect"]
    texts = [r.reply for r in replies]
    joined = "\n".join(texts).lower()
    state_diff = differences(expected_state(initial, expect), final)
    escalated = any(r.escalated for r in replies)
    missing = [s for s in expect.get("reply_contains", []) if s.lower() not in joined]
    leaked = [s for s in expect.get("reply_excludes", []) if s.lower() in joined]
    verdict = {
        "state_ok": not state_diff,
        "escalation_ok": escalated == bool(expect.get("escalated")),
        "replies_ok": not missing and not leaked,
    }
    verdict["ok"] = all(verdict.values())
    if not verdict["ok"]:
        verdict["details"] = {
            "state": state_diff[:5],
            "escalated": escalated,
            "missing": missing,
            "leaked": leaked,
            "replies": texts,
        }
    return verdict


def run_tasks(
    bot: Any, tasks: list[dict[str, Any]], repeats: int
) -> tuple[list[dict[str, Any]], float]:
    """Every task ``repeats`` times, each from a freshly seeded database."""
    system = bot.orders.system
    started = time.perf_counter()
    results = []
    for number, task in enumerate(tasks, 1):
        for run in range(repeats):
            system.reset()
            initial = system.snapshot()
            session = f"eval-{task['id']}-{run}-{uuid.uuid4().hex[:8]}"
            replies = []
            for message in task["turns"]:
                turn = bot.chat(message, session=session)
                replies.append(turn)
                if turn.status == ConversationStatus.WAITING_FOR_AGENT:
                    break
            verdict = judge(task, replies, initial, system.snapshot())
            results.append({"id": task["id"], "run": run, "language": task["language"], **verdict})
        log.info("order tasks: %d/%d done", number, len(tasks))
    return results, time.perf_counter() - started


def kind_of(task_id: str) -> str:
    """A task's kind from its id: "cancel-en-03" and a store's "hp-cancel-en-03" alike."""
    return next((part for part in task_id.split("-") if part in KINDS), task_id.split("-")[0])


def summarise(results: list[dict[str, Any]], repeats: int) -> dict[str, Any]:
    by_task: dict[str, list[bool]] = defaultdict(list)
    groups: dict[str, list[bool]] = defaultdict(list)
    for r in results:
        by_task[r["id"]].append(r["ok"])
        groups[f"kind:{kind_of(r['id'])}"].append(r["ok"])
        groups[f"language:{r['language']}"].append(r["ok"])
    summary = {
        "tasks": len(by_task),
        "repeats": repeats,
        "runs": len(results),
        "run_success": round(sum(r["ok"] for r in results) / max(1, len(results)), 3),
        "task_success_all_runs": round(
            sum(all(v) for v in by_task.values()) / max(1, len(by_task)), 3
        ),
        "by_group": {
            name: {"runs": len(v), "success": round(sum(v) / len(v), 3)}
            for name, v in sorted(groups.items())
        },
        "failed_tasks": sorted(t for t, v in by_task.items() if not all(v)),
    }
    return summary


def eval_orders(args: argparse.Namespace, settings: Settings) -> int:
    """Entry point of `shopbot eval orders`: the demo store's tasks, or with ``--store`` a
    platform store's, served through its platform's fake (evals/order_stores.py)."""
    if getattr(args, "store", None):
        from evals.order_stores import eval_store

        return eval_store(args, settings)
    from bot.shopbot import ShopBot

    tasks = load_tasks(Path(getattr(args, "tasks", None) or TASKS))
    if args.queries:
        tasks = tasks[: args.queries]
    repeats = getattr(args, "repeats", None) or 4
    with tempfile.TemporaryDirectory(prefix="shopbot-eval-orders-") as scratch:
        # Never the store's own databases: a scratch copy of the demo orders and conversations.
        orders = settings.orders.model_copy(
            update={"backend": "demo", "database_url": f"sqlite:///{scratch}/orders.db"}
        )
        local = settings.model_copy(
            update={"orders": orders, "database_url": f"sqlite:///{scratch}/conversations.db"}
        )
        bot = ShopBot(local)
        try:  # a warm-up that fails (e.g. an index of another embedder) still closes
            bot.warm_up()  # the engine it started, or the process never exits
            results, seconds = run_tasks(bot, tasks, repeats)
        finally:
            bot.close()
    report = {"model": settings.model, "seconds": round(seconds, 1), **summarise(results, repeats)}
    if args.out:
        Path(args.out).write_text(json.dumps({**report, "results": results}, indent=1), "utf-8")
    if args.json:
        print_json(report)
    else:
        print(
            f"{report['tasks']} tasks x {repeats}: {report['run_success']:.1%} of runs end in the "
            f"expected state; {report['task_success_all_runs']:.1%} of tasks succeed every time."
        )
        for name in report["failed_tasks"]:
            print(f"  failed: {name}")
    return 0
