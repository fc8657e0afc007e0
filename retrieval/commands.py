"""The retrieval subcommands: ``ingest``, ``search``; ``bench retrieval`` and ``eval retrieval``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.output import print_json

if TYPE_CHECKING:
    from bot.settings import Settings
    from retrieval.documents import Hit, SearchFilters


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``ingest`` and ``search``."""
    ingest = sub.add_parser(
        "ingest", help="Load the catalog, policies and dialogues into the index."
    )
    ingest.add_argument("--catalog", type=Path, help="Catalog: JSON Lines (or .json, .csv).")
    ingest.add_argument(
        "--from",
        dest="platform",
        choices=["shopify", "woocommerce"],
        help="Import the catalog (products and variants) from the store's platform, with the "
        "credentials of the orders.shopify / orders.woocommerce settings.",
    )
    ingest.add_argument("--policies", type=Path, help="Folder of policy/FAQ .md and .txt files.")
    ingest.add_argument("--dialogues", type=Path, help="Past conversations (JSON Lines).")
    ingest.add_argument("--reset", action="store_true", help="Rebuild the index from scratch.")
    ingest.add_argument("--json", action="store_true", help="Print the counts as JSON.")
    ingest.set_defaults(handler=ingest_command)

    search = sub.add_parser("search", help="Search the index.")
    search.add_argument("query", nargs="?", help="What to look for.")
    search.add_argument(
        "--queries", type=Path, help="A file of queries, one a line (JSON Lines out)."
    )
    search.add_argument("--k", type=int, default=None, help="How many hits (default: top_k).")
    search.add_argument("--source", choices=["catalog", "policy", "dialogue"])
    search.add_argument("--category", help="Only products of this category.")
    search.add_argument("--brand", help="Only products of this brand.")
    search.add_argument("--min-price", type=float)
    search.add_argument("--max-price", type=float)
    search.add_argument("--in-stock", action="store_true", help="Only what is in stock.")
    search.add_argument("--json", action="store_true", help="Print JSON.")
    search.set_defaults(handler=search_command)


def _knowledge(settings: Settings, progress: bool = True) -> Any:
    from retrieval.knowledge import KnowledgeBase

    return KnowledgeBase(settings, progress=progress)


def ingest_command(args: argparse.Namespace, settings: Settings) -> int:
    """``shopbot ingest``."""
    platform = getattr(args, "platform", None)
    if platform and args.catalog:
        print("shopbot ingest: give --catalog or --from, not both", file=sys.stderr)
        return 2
    if not (args.catalog or platform or args.policies or args.dialogues):
        print(
            "shopbot ingest: give --catalog (or --from shopify|woocommerce), --policies and/or "
            "--dialogues",
            file=sys.stderr,
        )
        return 2
    if platform:
        from bot.orders.platforms.ingest import import_catalog

        args.catalog = import_catalog(settings, platform)
        print(f"imported the {platform} catalog into {args.catalog}", file=sys.stderr)
    kb = _knowledge(settings)
    report = kb.ingest(args.catalog, args.policies, args.dialogues, reset=args.reset)
    if args.json:
        print_json(report.to_dict())
    else:
        for source, counts in report.sources.items():
            print(
                f"{source}: {counts.records} records, {counts.passages} passages "
                f"({counts.added} added, {counts.updated} updated, {counts.unchanged} unchanged, "
                f"{counts.removed} removed, {len(counts.errors)} errors, {counts.skipped_text()})"
            )
        print(f"done in {report.seconds:.1f} s")
    return 0  # bad records are reported (stderr and report) and skipped, not a failure


def _filters(args: argparse.Namespace) -> SearchFilters | None:
    from retrieval.documents import SearchFilters

    filters = SearchFilters(
        category=args.category,
        brand=args.brand,
        min_price=args.min_price,
        max_price=args.max_price,
        in_stock=True if args.in_stock else None,
    )
    return None if filters.is_empty() else filters


def search_command(args: argparse.Namespace, settings: Settings) -> int:
    """``shopbot search``."""
    if not args.query and not args.queries:
        print("shopbot search: give a QUERY or --queries FILE", file=sys.stderr)
        return 2
    kb = _knowledge(settings)
    filters = _filters(args)
    if args.queries:
        from retrieval.loading import read_text

        queries = [q.strip() for q in read_text(args.queries).splitlines() if q.strip()]
        results = kb.search_many(queries, k=args.k, source=args.source, filters=filters)
        for query, hits in zip(queries, results, strict=True):
            if args.json:
                print_json({"query": query, "hits": [h.to_dict() for h in hits]})
            else:
                print(f"# {query}")
                _print_hits(hits)
        return 0
    hits = kb.search(args.query, k=args.k, source=args.source, filters=filters)
    if args.json:
        print_json({"hits": [h.to_dict() for h in hits]})
    else:
        _print_hits(hits)
    return 0


def _print_hits(hits: list[Hit]) -> None:
    if not hits:
        print("  (nothing found)")
    for n, hit in enumerate(hits, 1):
        text = " ".join(hit.text.split())
        print(f"{n}. [{hit.score:.2f}] {hit.title}  ({hit.id})")
        print(f"   {text[:160]}{'…' if len(text) > 160 else ''}")
