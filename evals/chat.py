"""`shopbot eval chat`: the whole bot answers a store's labelled questions; each reply is judged
(see `evals.judge`) and the figures are given by kind, language and cross-language.

Without options the demo store is asked (``data/eval/chat_facts.jsonl``), from the knowledge
already ingested in ``SHOPBOT_HOME``. With ``--store DIR`` any store is asked: its catalog
(``DIR/catalog.jsonl``, ``.json`` or ``.csv``), policies (``DIR/policies/``) and past dialogues
(``DIR/conversations.jsonl``, optional) are ingested into a home of their own
(``--home``, default ``SHOPBOT_HOME/eval-stores/NAME``; re-ingesting unchanged data is cheap),
and its questions come from ``--questions FILE`` (default ``DIR/questions*.jsonl``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.errors import InputError
from bot.reasons import ReasonCode
from bot.settings import Settings
from evals.judge import StoreData, judge, rate

DATA = Path("data")
CONCURRENCY = 4
"""Questions in flight at once. More measures the overload, not the answers: with 16 on a
2-core CPU, a quarter of the bergvik store's turns ran past ``engine.timeout_s`` and were
handed to a person (``backend_failed`` in the report counts such turns)."""


@dataclass
class StoreFiles:
    """A store to evaluate: its knowledge and its questions."""

    name: str
    catalog: Path
    policies: Path | None
    dialogues: Path | None
    questions: Path
    ingest: bool
    """False for the store already ingested in the configured home (the demo store)."""


def _first(folder: Path, names: list[str]) -> Path | None:
    return next((folder / n for n in names if (folder / n).exists()), None)


def store_files(store: Path | None, questions: Path | None) -> StoreFiles:
    """The files of ``--store`` (or of the demo store), with a clear error if one is missing."""
    if store is None:
        return StoreFiles(
            "demo",
            DATA / "catalog.jsonl",
            DATA / "policies",
            None,
            questions or DATA / "eval" / "chat_facts.jsonl",
            ingest=False,
        )
    if not store.is_dir():
        raise InputError("--store must be a store folder (catalog and policies/)", path=str(store))
    catalog = _first(store, ["catalog.jsonl", "catalog.ndjson", "catalog.json", "catalog.csv"])
    if catalog is None:
        raise InputError("no catalog.jsonl (or .json, .csv) in the store folder", path=str(store))
    if questions is None:
        found = sorted(store.glob("questions*.jsonl"))
        if len(found) != 1:
            raise InputError(
                "give the store's questions with --questions FILE "
                f"({len(found)} questions*.jsonl files in the store folder)",
                path=str(store),
            )
        questions = found[0]
    policies = store / "policies"
    return StoreFiles(
        store.resolve().name,
        catalog,
        policies if policies.is_dir() else None,
        _first(store, ["conversations.jsonl", "dialogues.jsonl"]),
        questions,
        ingest=True,
    )


def read_questions(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        raise InputError("questions file not found", path=str(path))
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"invalid JSON: {exc.msg}", path=str(path), line=number) from exc
        if not isinstance(item, dict) or "question" not in item or "id" not in item:
            raise InputError(
                "each line needs an 'id' and a 'question'", path=str(path), line=number
            )
        items.append(item)
    return items


def store_settings(settings: Settings, store: StoreFiles, home: Path | None) -> Settings:
    """The settings with the store's own home (converted models shared with the configured one)."""
    if not store.ingest:
        return settings
    home = home or settings.home / "eval-stores" / store.name
    home.mkdir(parents=True, exist_ok=True)
    models = home / "models"
    shared = (settings.home / "models").resolve()
    if not models.exists() and models.resolve() != shared:
        shared.mkdir(parents=True, exist_ok=True)
        models.symlink_to(shared, target_is_directory=True)
    retrieval = settings.retrieval.model_copy(update={"collection": f"eval-{store.name}"[:60]})
    return settings.model_copy(update={"home": home, "retrieval": retrieval})


def ingest(settings: Settings, store: StoreFiles) -> dict[str, Any]:
    from retrieval.knowledge import KnowledgeBase

    report = KnowledgeBase(settings).ingest(store.catalog, store.policies, store.dialogues)
    return report.to_dict()


def require_knowledge(settings: Settings) -> None:
    """Refuse to ask a store whose knowledge was never ingested: every answer would be "no
    reliable information" and the report a meaningless 0."""
    from retrieval.knowledge import KnowledgeBase

    index = KnowledgeBase(settings, progress=False).index
    index.warm_up()
    if index.count() == 0:
        raise InputError(
            "the knowledge index is empty: ingest the demo store first (`make ingest`, or "
            "`shopbot ingest --catalog data/catalog.jsonl --policies data/policies "
            "--dialogues data/conversations.jsonl`), or ask another store with --store DIR",
            path=str(settings.home),
        )


async def _answer_all(bot: Any, items: list[dict[str, Any]], concurrency: int) -> list[Any]:
    gate = asyncio.Semaphore(concurrency)

    async def one(item: dict[str, Any]) -> Any:
        async with gate:
            return await bot.aanswer([{"role": "user", "content": item["question"]}])

    return await asyncio.gather(*(one(item) for item in items))


def answer(settings: Settings, items: list[dict[str, Any]]) -> tuple[list[Any], float]:
    """Every question answered by the whole bot; also the seconds it took."""
    from bot.shopbot import ShopBot

    bot = ShopBot(settings)
    bot.warm_up()
    started = time.perf_counter()
    try:
        turns = bot.run(_answer_all(bot, items, CONCURRENCY))
    finally:
        bot.close()
    return turns, time.perf_counter() - started


def record(item: dict[str, Any], turn: Any, store: StoreData) -> dict[str, Any]:
    """One question's line in the detailed report."""
    verdict = judge(item, turn.reply, store)
    return {
        "id": item["id"],
        "kind": item.get("kind", "other"),
        "language": item.get("language", "en"),
        "cross_language": bool(item.get("cross_language")),
        "question": item["question"],
        "reply": turn.reply,
        "sources": [s.get("title") for s in turn.sources],
        "escalated": bool(turn.escalated),
        "backend_failed": any(r.code == ReasonCode.BACKEND_FAILED for r in turn.reasons),
        **verdict.as_dict(),
    }


def summarize(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Rates per group: all, kind, language, cross-language, and kind by language."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        groups["all"].append(r)
        groups[f"kind:{r['kind']}"].append(r)
        groups[f"language:{r['language']}"].append(r)
        groups[f"cross_language:{str(r['cross_language']).lower()}"].append(r)
    summary = {}
    for name, rs in sorted(groups.items()):
        line: dict[str, Any] = {
            "questions": len(rs),
            "correct": rate(r["correct"] for r in rs),
            "invented": rate(bool(r["invented"]) for r in rs),
            "correct_and_none_invented": rate(r["ok"] for r in rs),
            "reply_in_language": rate(r["reply_language"] == r["language"] for r in rs),
            "backend_failed": rate(r["backend_failed"] for r in rs),
        }
        if name == "kind:discovery":
            line["wrong_suggestions"] = rate(bool(r["wrong_suggestions"]) for r in rs)
        summary[name] = line
    return summary


def eval_chat(args: argparse.Namespace, settings: Settings) -> int:
    """Entry point of `shopbot eval chat`."""
    from bot.output import print_json

    store = store_files(
        Path(args.store) if getattr(args, "store", None) else None,
        Path(args.questions) if getattr(args, "questions", None) else None,
    )
    items = read_questions(store.questions)
    if args.queries:
        items = items[: args.queries]
    data = StoreData.load(store.catalog, store.policies)
    run_settings = store_settings(
        settings, store, Path(args.home) if getattr(args, "home", None) else None
    )
    ingested = None
    if store.ingest:
        print(f"Ingesting the store {store.name} into {run_settings.home} ...", file=sys.stderr)
        ingested = ingest(run_settings, store)
    else:
        require_knowledge(run_settings)
    turns, seconds = answer(run_settings, items)
    records = [record(item, turn, data) for item, turn in zip(items, turns, strict=True)]
    report: dict[str, Any] = {
        "store": store.name,
        "questions_file": str(store.questions),
        "model": settings.model,
        "embedder": settings.embedder,
        "seconds": round(seconds, 1),
        "summary": summarize(records),
    }
    if ingested is not None:
        report["ingested"] = {k: v.get("passages") for k, v in ingested.items()}
    if args.out:
        Path(args.out).write_text(
            "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8"
        )
    if args.json:
        print_json(report)
    else:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    for r in [r for r in records if not r["ok"]][:5]:
        print(
            f"not ok {r['id']} ({r['kind']}): {r['question']!r} -> {r['reply']!r} "
            f"missing={r['missing']} {r['invented']} {r['wrong_suggestions']}",
            file=sys.stderr,
        )
    return 0


def rejudge(details: Path, store: StoreFiles) -> dict[str, dict[str, Any]]:
    """Judge the replies of a detailed report again (after the judge changed)."""
    data = StoreData.load(store.catalog, store.policies)
    items = {item["id"]: item for item in read_questions(store.questions)}
    records = []
    for line in details.read_text(encoding="utf-8").splitlines():
        old = json.loads(line)
        verdict = judge(items[old["id"]], old["reply"], data)
        records.append({**old, **verdict.as_dict()})
    return summarize(records)
