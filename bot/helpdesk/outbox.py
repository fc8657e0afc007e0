"""Delivering what shopbot owes a helpdesk: each queued call is made, in order per
conversation, and retried with back-off while the helpdesk does not take it, so that a
helpdesk that is down for a while loses nothing (and gets nothing twice)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.errors import HelpdeskRejected, HelpdeskUnavailable
from bot.helpdesk.contract import Action, Helpdesk
from bot.helpdesk.ledger import HelpdeskLedger, LedgerEntry

log = logging.getLogger(__name__)
MADE, GIVEN_UP, WAITING = "made", "given up", "waiting"


@dataclass(frozen=True)
class Backoff:
    """Waits between attempts: ``first_s``, doubling, at most ``max_s``; a call still not
    made after ``give_up_after_s`` is marked failed (and logged as an error)."""

    first_s: float = 0.5
    max_s: float = 30.0
    give_up_after_s: float = 72 * 3600.0

    def wait(self, attempts: int, hint: float | None = None) -> float:
        wait = min(self.max_s, self.first_s * 2.0 ** max(0, attempts - 1))
        return float(max(wait, min(hint or 0.0, self.max_s)))


class Outbox:
    """Makes the calls queued in a helpdesk's ledger (a background task of the web app)."""

    def __init__(
        self, helpdesk: Helpdesk, ledger: HelpdeskLedger, backoff: Backoff | None = None
    ) -> None:
        self.helpdesk = helpdesk
        self.ledger = ledger
        self.backoff = backoff or Backoff()
        self._wake = asyncio.Event()
        self.delivered = 0
        self.failures = 0
        self.last_error: str | None = None
        """Why the helpdesk did not take the last call made (None: it did)."""

    def wake(self) -> None:
        """New calls were queued: look now rather than at the next tick."""
        self._wake.set()

    async def deliver_due(self) -> int:
        """Make every call that is due (one per conversation per round, rounds repeated
        while calls go through); the number made."""
        made = 0
        while True:
            due = await asyncio.to_thread(self.ledger.due_calls)
            if not due:
                return made
            outcomes = await asyncio.gather(*(self._make(entry) for entry in due))
            made += outcomes.count(MADE)
            if all(outcome == WAITING for outcome in outcomes):
                return made  # the next calls wait behind these

    async def _make(self, entry: LedgerEntry) -> str:
        """Make one call: `MADE`, `GIVEN_UP` (the next call of its conversation may go) or
        `WAITING` (retried later; the conversation's next calls wait)."""
        action = Action.from_dict(entry.data)
        try:
            done = await self.helpdesk.perform(action)
        except HelpdeskRejected as exc:
            log.error(
                "%s refused %s for %s for good: %s",
                self.helpdesk.name,
                action.kind.value,
                entry.conversation_id,
                exc,
            )
            await asyncio.to_thread(
                self.ledger.finish_call, entry.id, error=str(exc), retry_in_s=-1
            )
            self.failures += 1
            self.last_error = str(exc)
            return GIVEN_UP
        except HelpdeskUnavailable as exc:
            attempts = entry.attempts + 1
            age = (datetime.now(UTC) - entry.created_at).total_seconds()
            give_up = age > self.backoff.give_up_after_s
            wait = self.backoff.wait(attempts, exc.retry_after_s)
            (log.error if give_up else log.warning)(
                "%s did not take %s for %s (attempt %d): %s; %s",
                self.helpdesk.name,
                action.kind.value,
                entry.conversation_id,
                attempts,
                exc,
                "giving up" if give_up else f"retrying in {wait:.1f} s",
            )
            await asyncio.to_thread(
                self.ledger.finish_call,
                entry.id,
                error=str(exc),
                retry_in_s=-1 if give_up else wait,
            )
            self.failures += 1
            self.last_error = str(exc)
            return GIVEN_UP if give_up else WAITING
        await asyncio.to_thread(self.ledger.finish_call, entry.id, external_id=done.external_id)
        self.delivered += 1
        self.last_error = None
        return MADE

    async def run(self, interval_s: float = 1.0) -> None:
        """Deliver until cancelled."""
        await keep_running(self.deliver_due, self._wake, interval_s, f"{self.helpdesk.name} outbox")


async def keep_running(
    work: Callable[[], Awaitable[object]], wake: asyncio.Event, interval_s: float, what: str
) -> None:
    """Do ``work`` every ``interval_s``, or as soon as ``wake`` is set, until cancelled; a
    failure (the database down for a moment) is logged and the loop goes on."""
    while True:
        wake.clear()
        try:
            await work()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("%s error", what)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), interval_s)
