"""Service insights over stored conversations: resolution, escalations by reason code,
satisfaction, contact reasons (clustered, no hand-made labels) and knowledge gaps.

It reads the conversation store and may import the turn pipeline's pieces (the escalation
policy to score imported history), retrieval (embedders, the knowledge) and the foundation;
the web app's insights page and `shopbot insights` sit above it."""

from bot.insights.gaps import find_gaps
from bot.insights.history import SQLHistory, import_history, parse_day
from bot.insights.metrics import compute_metrics
from bot.insights.reasons import agreement, contact_reasons
from bot.insights.report import ReportOptions, build_report, report_csv, report_text

__all__ = [
    "ReportOptions",
    "SQLHistory",
    "agreement",
    "build_report",
    "compute_metrics",
    "contact_reasons",
    "find_gaps",
    "import_history",
    "parse_day",
    "report_csv",
    "report_text",
]
