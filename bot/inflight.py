"""Replies being written right now: counted, so that a shutdown can wait for them, and
stored as ``interrupted`` (with what the shopper saw) when they are cut short."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from bot.errors import IdempotencyConflict, InvalidMessage

if TYPE_CHECKING:
    from bot.shopbot import ShopBot
    from bot.turns import StreamEvent

log = logging.getLogger(__name__)


class ReplyTracker:
    """Wraps `ShopBot.astream_events` for servers (web app, API, widget)."""

    def __init__(self, bot: ShopBot) -> None:
        self.bot = bot
        self.in_flight = 0
        self._background: set[asyncio.Task[None]] = set()

    def answer_waiting_soon(self, session: str) -> None:
        """After a hand-back, in the background: the bot answers what the shopper asked
        while waiting for a person (the shopper's page shows it as it polls)."""
        task = asyncio.get_running_loop().create_task(self._answer_waiting(session))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _answer_waiting(self, session: str) -> None:
        self.in_flight += 1
        try:
            async for _event in self.bot.astream_waiting(session):
                pass
        except Exception:
            log.exception("Could not answer the waiting question of %s", session)
        finally:
            self.in_flight -= 1

    async def events(
        self, message: str, session: str, request_key: str | None = None
    ) -> AsyncIterator[StreamEvent]:
        """The turn's events; if the caller stops early, the partial reply is kept."""
        shown: list[str] = []
        finished = False
        self.in_flight += 1
        try:
            async for event in self.bot.astream_events(
                message, session=session, request_key=request_key
            ):
                if event.turn is not None:
                    finished = True
                else:
                    shown.append(event.text)
                yield event
        except (InvalidMessage, IdempotencyConflict):
            finished = True  # the message was refused, not stored: no reply was cut short
            raise
        finally:
            self.in_flight -= 1
            if not finished:
                self.store_interrupted(session, "".join(shown))

    def store_interrupted(self, session: str, shown: str) -> None:
        """Keep a reply that was cut short, marked as such (never raises)."""
        try:
            conversation = self.bot.store.get(session)
            if conversation.messages and conversation.messages[-1].role == "user":
                self.bot.store.append(session, "assistant", shown.strip(), {"interrupted": True})
                log.warning("Reply in %s interrupted after %d characters", session, len(shown))
        except Exception:
            log.exception("Could not store the interrupted reply of %s", session)

    async def drain(self, timeout_s: float = 25.0) -> bool:
        """Wait until no reply is being written (True), or give up after ``timeout_s``."""
        deadline = time.monotonic() + timeout_s
        while self.in_flight > 0 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        return self.in_flight == 0
