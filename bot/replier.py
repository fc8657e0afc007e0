"""How a turn ends: the reply shown, stored with the conversation's state, or the
conversation handed to a human."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from bot.humans import HumanDesk
from bot.offline import HandoffNotice, contact_email
from bot.reasons import Reason
from bot.sentiment import SentimentResult
from bot.state import ConversationState
from bot.status import ConversationStatus
from bot.store import ConversationStore
from bot.turns import StreamEvent, Turn, elapsed_ms


class Replier:
    """Shows, stores and hands over: the endings every responder shares."""

    def __init__(self, store: ConversationStore, desk: HumanDesk, notice: HandoffNotice) -> None:
        self.store = store
        self.desk = desk
        self.notice = notice

    async def say(
        self, turn: Turn, persist: bool, state: ConversationState, extra: dict[str, Any]
    ) -> AsyncIterator[StreamEvent]:
        """A reply that needs no model: shown whole, stored, done."""
        yield StreamEvent("delta", turn.reply)
        await self.store_reply(turn, persist, state, extra)
        yield StreamEvent("turn", turn=turn)

    async def hand_off(
        self,
        *,
        session: str,
        language: str,
        sentiment: SentimentResult,
        reasons: list[Reason],
        persist: bool,
        started: float,
        state: ConversationState,
        model_failed: bool = False,
        opening: str = "",
        sources: list[dict[str, object]] | None = None,
    ) -> AsyncIterator[StreamEvent]:
        """Tell the shopper a person will take over, and queue the conversation for one;
        ``opening`` (an apology, the facts already found: they cite ``sources``) comes first."""
        email = await asyncio.to_thread(self._known_email, session) if persist else None
        notice = self.notice.handoff(language, reasons, email, model_failed)
        reply = notice.text if model_failed else opening + notice.text
        cited = [] if model_failed else list(sources or [])
        yield StreamEvent("delta", reply)
        waiting = ConversationStatus.WAITING_FOR_AGENT
        turn = Turn(session, reply, cited, sentiment.as_dict(), True, waiting, language)
        turn.reasons = reasons
        turn.timings = {"total_ms": elapsed_ms(started)}
        if persist:
            await self.store_reply(turn, persist, state, {"handoff": True})
            await asyncio.to_thread(self.desk.record_escalation, session, reasons, notice)
        yield StreamEvent("turn", turn=turn)

    def _known_email(self, session: str) -> str | None:
        return contact_email(self.store.get(session))

    async def store_reply(
        self,
        turn: Turn,
        persist: bool,
        state: ConversationState,
        extra: dict[str, Any] | None = None,
    ) -> None:
        """Store the reply and the conversation's state (nothing for answers given as data)."""
        if not persist:
            return
        data = {
            "sources": turn.sources,
            "usage": turn.usage,
            "withheld": turn.withheld,
            "timings": turn.timings,
            **(extra or {}),
        }
        conversation = {
            "bot_state": state.to_json(),
            "language": turn.language,
            "predicted_csat": state.predicted_csat,
        }
        await asyncio.to_thread(self._finish_turn, turn, data, conversation)

    def _finish_turn(self, turn: Turn, data: dict[str, Any], conversation: dict[str, Any]) -> None:
        """Store the reply and the conversation's state in one trip to the store's thread."""
        self.store.append(turn.session, "assistant", turn.reply, data)
        self.store.update_data(turn.session, conversation)
