"""The insights report: metrics, contact reasons and knowledge gaps in one document, and the
same as CSV (long format: one figure a row) and as a short text for people."""

from __future__ import annotations

import csv
import io
import time
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.insights.gaps import Searcher, find_gaps
from bot.insights.history import HistorySource
from bot.insights.metrics import compute_metrics
from bot.insights.reasons import contact_reasons

if TYPE_CHECKING:
    from bot.settings import Settings
    from retrieval.embedder import Embedder


@dataclass
class ReportOptions:
    since: datetime | None = None
    until: datetime | None = None
    reasons: bool = True
    gaps: bool = True
    k: int | None = None  # contact-reason groups; None: chosen by silhouette


def build_report(
    history: HistorySource,
    settings: Settings,
    embedder: Embedder | None,
    knowledge: Searcher | None,
    options: ReportOptions | None = None,
    reasons_embedder: Embedder | None = None,
) -> dict[str, Any]:
    """Everything a support lead reads each week, over the conversations in the range.
    ``reasons_embedder`` groups the contact reasons (the multilingual encoder groups Chinese and
    English conversations by meaning); ``embedder`` otherwise."""
    options = options or ReportOptions()
    started = time.perf_counter()
    conversations = history.conversations(options.since, options.until)
    report: dict[str, Any] = {
        "range": {
            "since": options.since.isoformat() if options.since else None,
            "until": options.until.isoformat() if options.until else None,
            "first": conversations[0].created_at.isoformat() if conversations else None,
            "last": conversations[-1].created_at.isoformat() if conversations else None,
        },
        "metrics": compute_metrics(conversations),
    }
    grouping = reasons_embedder or embedder
    if options.reasons and grouping is not None:
        k = options.k or settings.insights.reason_groups or None
        report["reasons"] = contact_reasons(
            conversations, grouping, k=k, growth_threshold=settings.insights.growth_threshold
        )
    if options.gaps and embedder is not None:
        from retrieval.embedder import reads_chinese

        min_score = settings.insights.gap_min_score or settings.retrieval.min_score
        report["gaps"] = find_gaps(
            conversations,
            knowledge,
            embedder,
            min_score,
            reads_chinese=reads_chinese(embedder),
            sentence_min=settings.insights.gap_sentence_min,
        )
    report["seconds"] = round(time.perf_counter() - started, 2)
    # Shoppers' own words reach support leads and spreadsheets: not their personal data.
    from bot.privacy import mask_data

    masked: dict[str, Any] = mask_data(report)  # type: ignore[assignment]
    return masked


def report_csv(report: dict[str, Any]) -> str:
    """The report as CSV rows of ``section, key, week, metric, value``."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "key", "week", "metric", "value"])
    metrics = report["metrics"]
    for row in [{"week": "all", **metrics["overall"]}, *metrics["weekly"]]:
        for name, value in _flat(row):
            if name != "week":
                writer.writerow(["metrics", "", row["week"], name, value])
    reasons = report.get("reasons") or {}
    weeks = reasons.get("weeks") or []
    for group in reasons.get("groups") or []:
        key = group["label"]
        writer.writerow(["reasons", key, "all", "conversations", group["size"]])
        writer.writerow(["reasons", key, "all", "growth", group["growth"]])
        for week, count in zip(weeks, group["weekly"], strict=True):
            writer.writerow(["reasons", key, week, "conversations", count])
    for group in (report.get("gaps") or {}).get("groups") or []:
        key = group["question"]
        writer.writerow(["gaps", key, "all", "questions", group["size"]])
        for signal, count in group["signals"].items():
            writer.writerow(["gaps", key, "all", f"signal: {signal}", count])
        writer.writerow(["gaps", key, "all", "examples", " | ".join(group["examples"])])
        writer.writerow(["gaps", key, "all", "draft_faq", group["draft_faq"]])
    return out.getvalue()


def _flat(row: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    items: list[tuple[str, Any]] = []
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            items += _flat(value, f"{name}.")
        else:
            items.append((name, "" if value is None else value))
    return items


def report_text(report: dict[str, Any]) -> str:
    """A few lines a person reads in the terminal."""
    m = report["metrics"]["overall"]
    if not m["conversations"]:
        return "No conversations in this range."
    lines = [
        f"Conversations: {m['conversations']} ({report['range']['first'][:10]} to "
        f"{report['range']['last'][:10]})",
        f"Resolved by the bot alone: {m['automated_resolutions']} "
        f"({_pct(m['automated_resolution_rate'])})",
        f"Escalated to a human: {m['escalations']} ({_pct(m['escalation_rate'])})",
    ]
    for reason, figures in m["escalations_by_reason"].items():
        lines.append(f"  {reason}: {figures['conversations']} ({_pct(figures['rate'])})")
    agreement = m["csat_agreement"]
    lines += [
        f"Median shopper turns: {m['median_turns']}",
        f"CSAT rated: {m['rated_csat']} ({m['rated']} ratings); predicted: {m['predicted_csat']}"
        + (f"; agreement MAE {agreement['mae']}" if agreement.get("pairs") else ""),
        f"Thumbs: {m['thumbs_up']} up, {m['thumbs_down']} down",
        f"Handed over outside business hours: {m['outside_hours']} "
        f"({_pct(m['outside_hours_rate'])} of escalations), e-mail known for "
        f"{m['outside_hours_email']} ({_pct(m['outside_hours_email_rate'])})",
    ]
    reasons = report.get("reasons")
    if reasons and reasons["groups"]:
        lines.append(f"Top contact reasons ({reasons['k']} groups):")
        for group in reasons["groups"][:8]:
            trend = " (growing)" if group["growing"] else ""
            lines.append(f"  {group['size']:4d}  {group['label']}{trend}")
    gaps = report.get("gaps")
    if gaps:
        lines.append(
            f"Knowledge gaps: {gaps['gap_questions']} of {gaps['questions_checked']} questions, "
            f"{len(gaps['groups'])} groups:"
        )
        for group in gaps["groups"][:8]:
            lines.append(f"  {group['size']:4d}  {group['question'][:90]}")
    return "\n".join(lines)


def _pct(rate: float | None) -> str:
    return "-" if rate is None else f"{100 * rate:.1f}%"
