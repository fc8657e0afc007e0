"""Reports of the evaluations and benchmarks: kept in a file, printed as JSON or readable."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from bot.output import print_json


def emit_report(result: dict[str, Any], args: argparse.Namespace) -> None:
    """Write the report to ``--out`` if given; print it as one JSON document (``--json``) or
    indented for people."""
    out = getattr(args, "out", None)
    if out:
        Path(out).write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    if getattr(args, "json", False):
        print_json(result)
    else:
        print(json.dumps(result, indent=2, ensure_ascii=False))


def percentile(values: list[float], q: float, digits: int = 1) -> float | None:
    """The ``q``-th percentile of ``values`` (the nearest rank), rounded; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return round(ordered[index], digits)
