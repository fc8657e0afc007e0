"""`shopbot insights`: the service report over stored conversations (or a JSON Lines file)."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from bot.errors import InputError
from bot.output import print_json
from bot.settings import Settings


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "insights",
        help="Resolution, escalations, CSAT, contact reasons and knowledge gaps.",
    )
    parser.add_argument("--since", help="First day (YYYY-MM-DD), inclusive.")
    parser.add_argument("--until", help="Last day (YYYY-MM-DD), inclusive.")
    parser.add_argument("--json", action="store_true", help="Print one JSON document.")
    parser.add_argument("--csv", type=Path, help="Also write the report as CSV to this file.")
    parser.add_argument(
        "--input", type=Path, help="Report on this conversation JSON Lines file, not the store."
    )
    parser.add_argument(
        "--import",
        dest="import_file",
        type=Path,
        help="First import past conversations (JSON Lines, with created_at) into the store.",
    )
    parser.add_argument("--groups", type=int, help="Contact-reason groups (default: chosen).")
    parser.add_argument("--no-reasons", action="store_true", help="Skip the contact reasons.")
    parser.add_argument("--no-gaps", action="store_true", help="Skip the knowledge gaps.")
    parser.set_defaults(handler=insights_command)


def insights_command(args: argparse.Namespace, settings: Settings) -> int:
    from bot.insights.history import SQLHistory, parse_day
    from bot.insights.report import ReportOptions, build_report, report_csv, report_text
    from bot.store import SQLConversationStore

    if args.input and args.import_file:
        raise InputError("give either --input (report on a file) or --import, not both")
    if args.groups is not None and args.groups < 1:
        raise InputError("--groups must be 1 or more")
    options = ReportOptions(
        since=parse_day(args.since) if args.since else None,
        until=parse_day(args.until, end=True) if args.until else None,
        reasons=not args.no_reasons,
        gaps=not args.no_gaps,
        k=args.groups,
    )
    if options.since and options.until and options.since >= options.until:
        raise InputError("--since must be before --until")
    with tempfile.TemporaryDirectory(prefix="shopbot-insights-") as scratch:
        if args.input:
            store = SQLConversationStore(f"sqlite:///{Path(scratch) / 'input.db'}")
            _import(store, args.input, settings)
        else:
            store = SQLConversationStore(settings.resolved_database_url)
            if args.import_file:
                _import(store, args.import_file, settings)
        embedder, grouping, knowledge = _retrieval(settings, options)
        print("Building the report...", file=sys.stderr)
        report = build_report(
            SQLHistory(store), settings, embedder, knowledge, options, reasons_embedder=grouping
        )
        store.engine.dispose()
    if args.csv:
        try:
            args.csv.write_text(report_csv(report), encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write the CSV: {exc.strerror}", path=str(args.csv)) from exc
        print(f"CSV written to {args.csv}", file=sys.stderr)
    if args.json:
        print_json(report)
    else:
        print(report_text(report))
    return 0


def _import(store: Any, path: Path, settings: Settings) -> None:
    from bot.escalation import EscalationPolicy
    from bot.insights.history import import_history, read_history_file
    from bot.sentiment import make_scorer

    if not path.is_file():
        raise InputError("no such file", path=str(path))
    scorer = make_scorer(settings)
    scorer.warm_up()
    errors: list[str] = []
    print(f"Importing {path} (scoring every shopper message)...", file=sys.stderr)
    result = import_history(
        store,
        read_history_file(path, errors),
        scorer,
        EscalationPolicy(settings.escalation),
        progress=True,
    )
    for error in errors + result.errors:
        print(f"shopbot: skipped {error}", file=sys.stderr)
    print(
        f"Imported {result.imported} conversations ({result.skipped} already stored).",
        file=sys.stderr,
    )


def _retrieval(settings: Settings, options: Any) -> tuple[Any, Any, Any]:
    """The embedder, the multilingual one that groups contact reasons (None without it), and
    the knowledge base when its index holds anything."""
    if not (options.reasons or options.gaps):
        return None, None, None
    from retrieval.knowledge import KnowledgeBase

    # Wired as `shopbot serve` wires it (with the multilingual partner): gaps are judged by the
    # same search that answers shoppers, reasons grouped as the console groups them.
    knowledge = KnowledgeBase(settings, progress=False)
    embedder = knowledge.embedder
    embedder.warm_up()
    grouping = knowledge.multilingual.embedder if knowledge.multilingual else None
    if grouping is not None and options.reasons:
        grouping.warm_up()
    if not options.gaps:
        return embedder, grouping, None
    knowledge.warm_up()
    if not any(knowledge.stats().values()):
        print(
            "shopbot: the knowledge index is empty (run `shopbot ingest`): knowledge gaps "
            "come only from recorded replies and thumbs.",
            file=sys.stderr,
        )
        return embedder, grouping, None
    return embedder, grouping, knowledge
