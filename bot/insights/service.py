"""Reports for the web console: built in a worker thread, one at a time, reused for a while."""

from __future__ import annotations

import threading
import time
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.errors import InputError
from bot.insights.history import SQLHistory, parse_day
from bot.insights.report import ReportOptions, build_report

if TYPE_CHECKING:
    from bot.settings import Settings
    from bot.store import ConversationStore


class InsightsService:
    """The insights report over the bot's own store and knowledge, cached per date range.
    ``source`` is the bot (anything with ``store`` and ``knowledge``), read only when a
    report is asked for, so that mounting the page opens nothing."""

    def __init__(self, source: Any, settings: Settings) -> None:
        self.source = source
        self.settings = settings
        self._cache: dict[tuple[Any, ...], tuple[float, dict[str, Any]]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def options(since: str | None, until: str | None) -> ReportOptions:
        """Report options from the page's date fields (YYYY-MM-DD, both inclusive)."""
        start: datetime | None = parse_day(since) if since else None
        end: datetime | None = parse_day(until, end=True) if until else None
        if start and end and start >= end:
            raise InputError("The start date must be before the end date.")
        return ReportOptions(since=start, until=end)

    def report(self, since: str | None = None, until: str | None = None) -> dict[str, Any]:
        options = self.options(since, until)
        key = (options.since, options.until)
        with self._lock:  # one report at a time: each takes the embedder for a while
            cached = self._cache.get(key)
            if cached and time.monotonic() - cached[0] < self.settings.insights.cache_s:
                return cached[1]
            store: ConversationStore = self.source.store
            knowledge = self.source.knowledge
            if not hasattr(store, "engine"):
                raise InputError("Insights need the SQL conversation store.")
            embedder = getattr(knowledge, "embedder", None)
            searcher = knowledge if hasattr(knowledge, "search_many") else None
            report = build_report(
                SQLHistory(store),  # type: ignore[arg-type]
                self.settings,
                embedder,
                searcher if embedder is not None else None,
                options,
                reasons_embedder=getattr(
                    getattr(knowledge, "multilingual", None), "embedder", None
                ),
            )
            self._cache[key] = (time.monotonic(), report)
            return report
