"""`ShopBot`: one shopper turn from message to stored, grounded, scored reply.

`ShopBot` is the Python API. It is made of `bot.parts.BotParts` (the backend, knowledge,
store, scorer, policies and the parts built from them); a turn runs through
`bot.pipeline.TurnPipeline`, its ordered responders; people take conversations over through
`bot.humans.HumanDesk`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from typing import Any, TypeVar

from bot.backends import ChatBackend
from bot.backends.base import LoopThread
from bot.escalation import EscalationPolicy
from bot.humans import HumanDesk
from bot.knowledge import Knowledge
from bot.messages import clean_message
from bot.orders.assistant import OrderAssistant
from bot.parts import BotParts
from bot.pipeline import TurnPipeline
from bot.reasons import Reason
from bot.replay import history_before, stored_reply, unanswered_question
from bot.sentiment import SentimentScorer
from bot.settings import Settings
from bot.status import ConversationStatus
from bot.store import ConversationStore, StoredConversation, StoredMessage
from bot.turns import Overrides, StreamEvent, Turn, elapsed_ms

log = logging.getLogger(__name__)
Message = dict[str, str]
T = TypeVar("T")


class ShopBot:
    """The store's chat bot. Cheap to construct; ``warm_up()`` starts the model and the index."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        backend: ChatBackend | None = None,
        knowledge: Knowledge | None = None,
        store: ConversationStore | None = None,
        scorer: SentimentScorer | None = None,
        policy: EscalationPolicy | None = None,
        orders: OrderAssistant | None = None,
    ) -> None:
        self.settings = settings or Settings()
        self.parts = BotParts(
            self.settings,
            backend=backend,
            knowledge=knowledge,
            store=store,
            scorer=scorer,
            policy=policy,
            orders=orders,
        )
        self.pipeline = TurnPipeline(self.parts)
        self._loop: LoopThread | None = None
        self.observers: list[Callable[[Turn], None]] = []
        """Called with every finished turn (metrics, analytics)."""
        self.last_turn: Turn | None = None
        """The turn `stream` finished last."""

    @classmethod
    def from_config(cls, **kwargs: Any) -> ShopBot:
        """A bot configured from `shopbot.toml` and ``SHOPBOT_*`` variables."""
        from bot.model_files import force_offline

        force_offline()
        return cls(Settings.load(), **kwargs)

    @property
    def backend(self) -> ChatBackend:
        return self.parts.backend

    @property
    def scorer(self) -> SentimentScorer:
        return self.parts.scorer

    @property
    def policy(self) -> EscalationPolicy:
        """The escalation policy."""
        return self.parts.policy

    @property
    def knowledge(self) -> Knowledge:
        return self.parts.knowledge

    @property
    def store(self) -> ConversationStore:
        return self.parts.store

    @property
    def orders(self) -> OrderAssistant | None:
        """The order assistant, or None when no order system is configured."""
        return self.parts.orders

    @property
    def humans(self) -> HumanDesk:
        """Hands conversations to people and takes them back."""
        return self.parts.desk

    def warm_up(self) -> None:
        parts = self.parts
        parts.backend.warm_up()
        parts.knowledge.warm_up()
        parts.answers.prime_policy_sentences()
        parts.scorer.warm_up()
        _ = parts.store
        _ = parts.orders

    def close(self) -> None:
        """Release what this bot started (a backend passed in is left to its owner)."""
        self.parts.close()
        if self._loop is not None:
            self._loop.stop()
            self._loop = None

    def __enter__(self) -> ShopBot:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- public API -----------------------------------------------------------------------
    def chat(self, message: str, session: str | None = None) -> Turn:
        turn = None
        for event in self._sync_events(message, session):
            if event.kind == "turn":
                turn = event.turn
        assert turn is not None
        return turn

    def stream(self, message: str, session: str | None = None) -> Iterator[str]:
        """Yield the reply as it is written; ``self.last_turn`` holds the finished turn."""
        for event in self._sync_events(message, session):
            if event.kind == "delta":
                yield event.text
            elif event.kind == "turn":
                self.last_turn = event.turn

    async def achat(self, message: str, session: str | None = None) -> Turn:
        turn = None
        async for event in self.astream_events(message, session):
            if event.kind == "turn":
                turn = event.turn
        assert turn is not None
        return turn

    def answer(self, messages: list[Message], overrides: Overrides | None = None) -> Turn:
        """Answer the last shopper message of a conversation given as data; nothing stored."""
        return self.run(self.aanswer(messages, overrides))

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        """Run ``work`` (e.g. many `aanswer` calls gathered) on the bot's own event loop, where
        its turns and its engine's streams live, and wait for the result."""
        return self._bot_loop().run(work)

    async def aanswer(self, messages: list[Message], overrides: Overrides | None = None) -> Turn:
        turn = None
        events = self.pipeline.run(messages, "offline", overrides or Overrides(), None)
        async for event in events:
            if event.kind == "turn":
                turn = event.turn
        assert turn is not None
        return turn

    # -- the turn -------------------------------------------------------------------------
    def _bot_loop(self) -> LoopThread:
        if self._loop is None:
            self._loop = LoopThread("shopbot-turns")
        return self._loop

    def _sync_events(self, message: str, session: str | None) -> Iterator[StreamEvent]:
        import queue

        inbox: queue.Queue[Any] = queue.Queue()
        done = object()

        async def pump() -> None:
            try:
                async for event in self.astream_events(message, session):
                    inbox.put(event)
            except BaseException as exc:
                inbox.put(exc)
            finally:
                inbox.put(done)

        future = self._bot_loop().submit(pump())
        try:
            while (item := inbox.get()) is not done:
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            future.cancel()

    async def astream_events(
        self, message: str, session: str | None = None, *, request_key: str | None = None
    ) -> AsyncIterator[StreamEvent]:
        """The turn as events: text deltas for the shopper, then the stored `Turn`.

        ``request_key`` (an idempotency key): a retry finds the message stored before and
        answers it, or returns its stored reply, instead of storing it twice."""
        message = clean_message(message, self.settings.limits.max_message_chars)
        session = session or uuid.uuid4().hex
        async for event in self._observed(self._turn_events(message, session, request_key)):
            yield event

    async def _observed(self, events: AsyncIterator[StreamEvent]) -> AsyncIterator[StreamEvent]:
        """``events``, each finished turn shown to the observers on its way."""
        async for event in events:
            if event.turn is not None:
                for observe in self.observers:
                    try:
                        observe(event.turn)
                    except Exception:  # an observer must never break a conversation
                        log.exception("Turn observer failed")
            yield event

    async def astream_waiting(self, session: str) -> AsyncIterator[StreamEvent]:
        """After a hand-back: the bot answers the shopper's last message if no one has (it
        was written while the conversation waited for a person). Nothing when all is answered."""
        conversation = await asyncio.to_thread(self.store.get, session)
        position = unanswered_question(conversation)
        if position is None or conversation.status != ConversationStatus.BOT:
            return
        history = history_before(conversation, position)
        question = next(m for m in conversation.messages if m.position == position)
        history.append({"role": "user", "content": question.content})
        events = self.pipeline.run(history, session, Overrides(), position, conversation)
        async for event in self._observed(events):
            yield event

    async def _turn_events(
        self, message: str, session: str, request_key: str | None = None
    ) -> AsyncIterator[StreamEvent]:
        started = time.perf_counter()
        conversation, position = await _completed_even_if_cancelled(
            asyncio.to_thread(self._begin_turn, session, message, request_key)
        )
        store_ms = elapsed_ms(started)
        if request_key and (answered := stored_reply(conversation, position)) is not None:
            yield StreamEvent("delta", answered.reply)
            yield StreamEvent("turn", turn=answered)
            return
        history = history_before(conversation, position)
        history.append({"role": "user", "content": message})
        events = self.pipeline.run(history, session, Overrides(), position, conversation)
        async for event in events:
            if event.turn is not None:
                event.turn.timings["store_ms"] = round(
                    store_ms + event.turn.timings.get("store_ms", 0.0), 1
                )
            yield event

    def _begin_turn(
        self, session: str, message: str, request_key: str | None = None
    ) -> tuple[StoredConversation, int]:
        """Store the shopper's message (before anything else happens) and load the thread."""
        store = self.store
        store.ensure(session)
        conversation = store.get(session)
        if conversation.status == ConversationStatus.CLOSED:
            store.set_status(session, ConversationStatus.BOT)
            conversation.status = ConversationStatus.BOT
        stored = store.append(session, "user", message, request_key=request_key)
        return conversation, stored.position

    # -- humans -------------------------------------------------------------------------
    def request_human(self, session: str, reason: Reason | None = None) -> None:
        """Hand a conversation over on request (the "talk to a person" button)."""
        self.humans.request_human(session, reason)

    def escalations(self) -> list[StoredConversation]:
        """Conversations waiting for a human, oldest escalation first."""
        return self.humans.escalations()

    def agent_message(self, session: str, content: str, agent: str) -> StoredMessage:
        """A human agent's reply: delivered to the shopper; the bot stays quiet meanwhile."""
        return self.humans.agent_message(session, content, agent)

    def handback(self, session: str, agent: str | None = None) -> None:
        """Return the conversation to the bot, keeping its context."""
        self.humans.handback(session, agent)

    def close_conversation(self, session: str) -> None:
        self.humans.close_conversation(session)

    def feedback(self, session: str, position: int, helpful: bool) -> None:
        """The shopper's thumbs up or down on one reply."""
        self.humans.feedback(session, position, helpful)

    def rate(self, session: str, stars: int) -> None:
        """The shopper's end-of-chat rating, 1 to 5."""
        self.humans.rate(session, stars)


async def _completed_even_if_cancelled(work: Coroutine[Any, Any, T]) -> T:
    """Await ``work``; if the caller is cancelled meanwhile (a request timed out), let the
    work finish before the cancellation goes on, so that what the caller answers (a 504
    saying "retry") is never sent while the shopper's message is half-way into the store."""
    task = asyncio.ensure_future(work)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        with contextlib.suppress(Exception):
            await task
        raise
