"""`ShopBot`: one shopper turn from message to stored, grounded, scored reply."""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from bot.answering import GroundedAnswers, Knowledge
from bot.backends import ChatBackend, make_backend
from bot.backends.base import LoopThread
from bot.errors import BackendError, RetrievalError
from bot.escalation import EscalationPolicy
from bot.extractive import SentencePicker
from bot.humans import HumanHandoff
from bot.language import detect_language, message_kind, phrase
from bot.orders.assistant import OrderAssistant, OrderReply, OrderState
from bot.replay import history_before, stored_reply
from bot.safety import detect_injection
from bot.sentiment import SentimentResult, SentimentScorer, make_scorer
from bot.settings import BUNDLED, Settings
from bot.store import ConversationStore, SQLConversationStore, StoredConversation
from bot.turns import Overrides, StreamEvent, Turn, elapsed_ms

log = logging.getLogger(__name__)
Message = dict[str, str]
T = TypeVar("T")


class ShopBot(GroundedAnswers, HumanHandoff):
    """The chat engine. Cheap to construct; ``warm_up()`` starts the model and the index."""

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
        self._owns_backend = backend is None
        self.backend = backend or make_backend(self.settings)
        self._knowledge = knowledge
        self._store = store
        self.scorer = scorer or make_scorer(self.settings)
        self.policy = policy or EscalationPolicy(self.settings.escalation)
        self._loop: LoopThread | None = None
        self._cpu_pool: ThreadPoolExecutor | None = None
        self.observers: list[Callable[[Turn], None]] = []
        """Called with every finished turn (metrics, analytics)."""
        self.grounded_lead = self.settings.model == BUNDLED
        self._sentence_picker: SentencePicker | None = None
        self._orders = orders
        self._orders_built = orders is not None

    @classmethod
    def from_config(cls, **kwargs: Any) -> ShopBot:
        """A bot configured from `shopbot.toml` and ``SHOPBOT_*`` variables."""
        from bot.models import force_offline

        force_offline()
        return cls(Settings.load(), **kwargs)

    @property
    def knowledge(self) -> Knowledge:
        if self._knowledge is None:
            from retrieval import KnowledgeBase

            self._knowledge = KnowledgeBase(self.settings)
        return self._knowledge

    @property
    def store(self) -> ConversationStore:
        if self._store is None:
            self._store = SQLConversationStore(self.settings.resolved_database_url)
        return self._store

    @property
    def orders(self) -> OrderAssistant | None:
        """The order assistant, or None when no order system is configured."""
        if not self._orders_built:
            from bot.orders.audit import MemoryAuditLog, SQLAuditLog
            from bot.orders.factory import build_order_system

            system = build_order_system(self.settings)
            if system is not None:
                engine = getattr(self.store, "engine", None)
                audit = SQLAuditLog(engine) if engine is not None else MemoryAuditLog()
                self._orders = OrderAssistant(system, self.settings.orders, audit)
            self._orders_built = True
        return self._orders

    def warm_up(self) -> None:
        self.backend.warm_up()
        self.knowledge.warm_up()
        self.prime_policy_sentences()
        self.scorer.warm_up()
        _ = self.store
        _ = self.orders

    def close(self) -> None:
        """Release what this bot started (a backend passed in is left to its owner)."""
        if self._owns_backend:
            self.backend.close()
        if self._loop is not None:
            self._loop.stop()
            self._loop = None
        if self._cpu_pool is not None:
            self._cpu_pool.shutdown(wait=False)
            self._cpu_pool = None

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
        return self._bot_loop().run(self.aanswer(messages, overrides))

    async def aanswer(self, messages: list[Message], overrides: Overrides | None = None) -> Turn:
        turn = None
        async for event in self._respond(messages, "offline", overrides or Overrides(), None):
            if event.kind == "turn":
                turn = event.turn
        assert turn is not None
        return turn

    # -- the turn -------------------------------------------------------------------------
    async def _on_cpu(self, function: Callable[..., T], *args: Any) -> T:
        """Run CPU-bound work off the event loop, in a pool of about one thread per core.

        The loop's default pool has more threads than cores; while the engine keeps the cores
        busy, extra threads only take turns at the GIL. With 16 conversations that made a
        20 ms search take 370 ms; on two threads it took 60-90 ms (`shopbot bench chat`).
        Waiting on the database stays on the default pool."""
        if self._cpu_pool is None:
            threads = self.settings.cpu_threads or os.cpu_count() or 2
            self._cpu_pool = ThreadPoolExecutor(threads, thread_name_prefix="shopbot-cpu")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._cpu_pool, functools.partial(function, *args))

    def _bot_loop(self) -> LoopThread:
        if self._loop is None:
            self._loop = LoopThread("shopbot-engine")
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
        session = session or uuid.uuid4().hex
        async for event in self._turn_events(message, session, request_key):
            if event.turn is not None:
                for observe in self.observers:
                    try:
                        observe(event.turn)
                    except Exception:  # an observer must never break a conversation
                        log.exception("Turn observer failed")
            yield event

    async def _turn_events(
        self, message: str, session: str, request_key: str | None = None
    ) -> AsyncIterator[StreamEvent]:
        started = time.perf_counter()
        conversation, position = await asyncio.to_thread(
            self._begin_turn, session, message, request_key
        )
        store_ms = elapsed_ms(started)
        if request_key and (answered := stored_reply(conversation, position)) is not None:
            yield StreamEvent("delta", answered.reply)
            yield StreamEvent("turn", turn=answered)
            return
        history = history_before(conversation, position)
        history.append({"role": "user", "content": message})
        async for event in self._respond(history, session, Overrides(), position, conversation):
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
        if conversation.status == "closed":
            store.set_status(session, "bot")
            conversation.status = "bot"
        stored = store.append(session, "user", message, request_key=request_key)
        return conversation, stored.position

    async def _respond(
        self,
        messages: list[Message],
        session: str,
        overrides: Overrides,
        user_position: int | None,
        conversation: StoredConversation | None = None,
    ) -> AsyncIterator[StreamEvent]:
        started = time.perf_counter()
        persist = user_position is not None
        question = messages[-1]["content"]
        language = detect_language(question)
        index = len(messages) - 1
        sentiment = await self._on_cpu(self.scorer.score, messages, index)
        scoring_ms = elapsed_ms(started)
        state: dict[str, Any] = {}
        status = "bot"
        if persist:
            if conversation is None:
                conversation = await asyncio.to_thread(self.store.get, session)
            state = dict(conversation.data.get("bot_state") or {})
            status = conversation.status
        state = self.policy.observe(sentiment, state)
        if persist:
            scores = {**sentiment.as_dict(), "predicted_csat": state["predicted_csat"]}
            await asyncio.to_thread(
                self.store.update_message, session, user_position, {"sentiment": scores}
            )
        if status in ("waiting_for_agent", "agent"):
            if persist:  # no reply is stored: keep the scores with the conversation
                await asyncio.to_thread(
                    self.store.update_data,
                    session,
                    {"bot_state": state, "predicted_csat": state["predicted_csat"]},
                )
            turn = Turn(session, "", [], sentiment.as_dict(), True, status, language)
            yield StreamEvent("turn", turn=turn)
            return

        injection = detect_injection(question)
        if injection.flagged:
            log.warning("Prompt injection attempt in %s: %s", session, ", ".join(injection.reasons))
            turn = self._bot_turn(session, "refuse_injection", language, sentiment)
            turn.withheld = [
                {"sentence": "[shopper message]", "reason": r} for r in injection.reasons
            ]
            turn.timings = {"total_ms": elapsed_ms(started)}
            async for event in self._say(turn, persist, state, {"injection": injection.reasons}):
                yield event
            return

        decision = self.policy.before_reply(sentiment, state, question, messages)
        if decision.escalate:
            async for event in self._hand_off(
                session, language, sentiment, decision.reasons, persist, started, state
            ):
                yield event
            return

        if self.orders is not None:
            order_state = OrderState.from_json(state.get("orders"))
            order_reply = await asyncio.to_thread(
                self.orders.handle, question, order_state, language, session, persist
            )
            state["orders"] = order_reply.state.to_json()
            if order_reply.handled:
                async for event in self._order_turn(
                    order_reply, session, sentiment, persist, state, started
                ):
                    yield event
                return

        kind = message_kind(question)
        if kind in ("greeting", "thanks"):
            turn = self._bot_turn(session, kind, language, sentiment)
            async for event in self._say(turn, persist, state, {"courtesy": kind}):
                yield event
            return

        t0 = time.perf_counter()
        try:
            hits = await self._on_cpu(self._retrieve, messages)
        except RetrievalError as exc:  # degraded: say so honestly and offer a person
            log.warning("Knowledge unavailable for %s: %s", session, exc)
            turn = self._bot_turn(session, "knowledge_unavailable", language, sentiment)
            async for event in self._say(turn, persist, state, {"degraded": "retrieval"}):
                yield event
            return
        retrieval_ms = (time.perf_counter() - t0) * 1000
        min_score = self.settings.retrieval.min_score
        # Knowledge that tries to instruct the model is not knowledge: leave it out.
        relevant = [
            h for h in hits if h.score >= min_score and not detect_injection(h.text).flagged
        ]
        if not relevant and kind == "statement":  # "I ordered the hoodie last week": go on
            turn = self._bot_turn(session, kind, language, sentiment)
            async for event in self._say(turn, persist, state, {"courtesy": kind}):
                yield event
            return
        if not relevant:
            state = self.policy.record_failure(state)
            if self.policy.too_many_failures(state):
                async for event in self._hand_off(
                    session,
                    language,
                    sentiment,
                    ["the bot could not answer repeatedly"],
                    persist,
                    started,
                    state,
                ):
                    yield event
                return
            turn = self._bot_turn(session, "no_knowledge", language, sentiment)
            turn.timings = {"retrieval_ms": retrieval_ms, "total_ms": elapsed_ms(started)}
            async for event in self._say(turn, persist, state, {"no_knowledge": True}):
                yield event
            return

        try:
            async for event in self._generate(
                messages, session, relevant, language, sentiment, overrides, started, state
            ):
                if event.turn is not None:
                    event.turn.timings["scoring_ms"] = scoring_ms
                    event.turn.timings["retrieval_ms"] = round(retrieval_ms, 1)
                    stored_at = time.perf_counter()
                    await self._store_reply(event.turn, persist, self.policy.record_success(state))
                    event.turn.timings["store_ms"] = elapsed_ms(stored_at)
                yield event
        except BackendError as exc:
            log.warning("Backend failed for %s: %s", session, exc)
            async for event in self._hand_off(
                session,
                language,
                sentiment,
                [f"model backend failed: {exc}"],
                persist,
                started,
                fallback=True,
            ):
                yield event

    @staticmethod
    def _bot_turn(session: str, phrase_key: str, language: str, sentiment: SentimentResult) -> Turn:
        """One of the bot's set phrases as the reply; the conversation stays with the bot."""
        reply = phrase(language, phrase_key)
        return Turn(session, reply, [], sentiment.as_dict(), False, "bot", language)

    async def _say(
        self, turn: Turn, persist: bool, state: dict[str, Any], extra: dict[str, Any]
    ) -> AsyncIterator[StreamEvent]:
        """A reply that needs no model: shown whole, stored, done."""
        yield StreamEvent("delta", turn.reply)
        await self._store_reply(turn, persist, state, extra)
        yield StreamEvent("turn", turn=turn)

    async def _order_turn(
        self,
        reply: OrderReply,
        session: str,
        sentiment: SentimentResult,
        persist: bool,
        state: dict[str, Any],
        started: float,
    ) -> AsyncIterator[StreamEvent]:
        """An order reply: stated from the order system's data, handed over if it says so."""
        escalated = bool(reply.escalate)
        status = "waiting_for_agent" if escalated else "bot"
        sources = [
            {
                "n": i + 1,
                "id": f"policy:{name}",
                "source": "policy",
                "title": name.rsplit(".", 1)[0].replace("_", " ").capitalize(),
                "path": name,
            }
            for i, name in enumerate(reply.sources)
        ]
        turn = Turn(session, reply.text, sources, sentiment.as_dict(), escalated, status)
        turn.language = reply.language
        turn.escalation_reasons = list(reply.escalate)
        turn.timings = {"total_ms": elapsed_ms(started)}
        yield StreamEvent("delta", turn.reply)
        await self._store_reply(turn, persist, self.policy.record_success(state), {"orders": True})
        if persist and escalated:
            await asyncio.to_thread(self._escalate_order_case, session, reply)
        yield StreamEvent("turn", turn=turn)

    def _escalate_order_case(self, session: str, reply: OrderReply) -> None:
        self.store.update_data(session, {"order_case": reply.case})
        self._record_escalation(session, list(reply.escalate))

    async def _hand_off(
        self,
        session: str,
        language: str,
        sentiment: SentimentResult,
        reasons: list[str],
        persist: bool,
        started: float,
        state: dict[str, Any] | None = None,
        fallback: bool = False,
    ) -> AsyncIterator[StreamEvent]:
        reply = phrase(language, "backend_failed" if fallback else "waiting_for_agent")
        if not fallback:
            reply = self.policy.handoff_message(language, reasons)
        yield StreamEvent("delta", reply)
        turn = Turn(session, reply, [], sentiment.as_dict(), True, "waiting_for_agent", language)
        turn.escalation_reasons = reasons
        turn.timings = {"total_ms": elapsed_ms(started)}
        if persist:
            await self._store_reply(turn, persist, state or {}, {"handoff": True})
            await asyncio.to_thread(self._record_escalation, session, reasons)
        yield StreamEvent("turn", turn=turn)

    # -- humans ---------------------------------------------------------------------------
    async def _store_reply(
        self, turn: Turn, persist: bool, state: dict[str, Any], extra: dict[str, Any] | None = None
    ) -> None:
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
            "bot_state": state,
            "language": turn.language,
            "predicted_csat": state.get("predicted_csat"),
        }
        await asyncio.to_thread(self._finish_turn, turn, data, conversation)

    def _finish_turn(self, turn: Turn, data: dict[str, Any], conversation: dict[str, Any]) -> None:
        """Store the reply and the conversation's state in one trip to the store's thread."""
        self.store.append(turn.session, "assistant", turn.reply, data)
        self.store.update_data(turn.session, conversation)
