"""The possible outcomes of a shopper turn, one small class each.

A responder answers one question, "is this message mine?" (`claims`), and when it is, gives
the reply (`respond`): text deltas for the shopper, then the finished `Turn`. They are asked
in the order `bot.pipeline.RESPONDERS` lists; the first that claims the message answers it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from functools import cached_property

from bot.answering import Found, cited_sources
from bot.discovery import Discovery, discovery_reply, read_request
from bot.errors import BackendError
from bot.escalation import Decision
from bot.language import COURTESY_KINDS, message_kind, phrase
from bot.offline import Notice, contact_email, find_email
from bot.orders.reader import read_request as read_order_request
from bot.orders.turn import OrderReply
from bot.parts import BotParts
from bot.reasons import Reason, ReasonCode
from bot.safety import asks_for_someone_elses_details, detect_injection
from bot.sentiment import SentimentResult
from bot.state import ConversationState
from bot.status import ConversationStatus
from bot.turns import Overrides, StreamEvent, Turn, elapsed_ms

log = logging.getLogger(__name__)
Message = dict[str, str]
DISSATISFIED = 0.5
"""The dissatisfaction (0..1) at which a reply opens with an apology."""


@dataclass
class TurnContext:
    """The shopper message being answered, and what the turn has learnt about it so far."""

    messages: list[Message]  # the conversation up to and including the message
    session: str
    persist: bool  # False: a conversation given as data (nothing is stored or changed)
    overrides: Overrides
    started: float  # `time.perf_counter()` when the turn began
    language: str
    sentiment: SentimentResult
    scoring_ms: float
    status: ConversationStatus
    state: ConversationState  # with this message's scores
    decision: Decision | None = None  # the escalation policy's, once asked
    held_back: Decision | None = None  # a hand-off held back while the order flow answers
    order_reply: OrderReply | None = None  # the order assistant's, once asked
    found: Found | None = field(default=None, repr=False)  # retrieval's, once searched
    discovery: Discovery | None = field(default=None, repr=False)  # products, once looked for

    @property
    def question(self) -> str:
        return self.messages[-1]["content"]

    @cached_property
    def kind(self) -> str:
        """'greeting', 'thanks', 'statement' or 'question' (`bot.language.message_kind`)."""
        return message_kind(self.question)

    @property
    def opening(self) -> str:
        """An apology first when the shopper is unhappy (the answer follows all the same)."""
        if self.sentiment.dissatisfaction >= DISSATISFIED:
            return phrase(self.language, "sorry_for_trouble") + " "
        return ""

    def phrase_turn(self, key: str) -> Turn:
        """One of the bot's set phrases as the reply; the conversation stays with the bot."""
        reply = phrase(self.language, key)
        return Turn(
            self.session, reply, [], self.sentiment.as_dict(), False, language=self.language
        )


class Responder(ABC):
    """One possible outcome of a turn."""

    def __init__(self, parts: BotParts) -> None:
        self.parts = parts

    @abstractmethod
    async def claims(self, context: TurnContext) -> bool:
        """Whether this responder answers the message."""

    @abstractmethod
    def respond(self, context: TurnContext) -> AsyncIterator[StreamEvent]:
        """The reply: text deltas, then the finished turn (stored unless given as data)."""

    async def knowledge(self, context: TurnContext) -> Found:
        """What retrieval found for the message (searched once per turn)."""
        if context.found is None:
            context.found = await self.parts.answers.find(context.messages)
        return context.found


class EmailWhileAway(Responder):
    """Handed over outside business hours and asked for an e-mail address, the shopper gives
    one: it is kept for the team (console, helpdesk note), and the shopper is thanked; the
    conversation still waits for a person."""

    async def claims(self, context: TurnContext) -> bool:
        if not context.persist or context.status is not ConversationStatus.WAITING_FOR_AGENT:
            return False
        if find_email(context.question) is None:
            return False
        conversation = await asyncio.to_thread(self.parts.store.get, context.session)
        offline = conversation.data.get("offline") or {}
        return bool(offline.get("email_asked")) and not offline.get("email")

    async def respond(self, context: TurnContext) -> AsyncIterator[StreamEvent]:
        email = find_email(context.question)
        assert email is not None
        store, session = self.parts.store, context.session
        offline = (await asyncio.to_thread(store.get, session)).data.get("offline") or {}
        kept = {"offline": {**offline, "email": email, "email_given_at": _now()}}
        await asyncio.to_thread(store.update_data, session, kept)
        reply = self.parts.notice.email_kept(context.language, email)
        waiting = ConversationStatus.WAITING_FOR_AGENT
        sentiment = context.sentiment.as_dict()
        turn = Turn(session, reply, [], sentiment, True, waiting, context.language)
        extra = {"offline": "email_kept"}
        async for event in self.parts.replier.say(turn, context.persist, context.state, extra):
            yield event


def _now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat()


class HumanHasConversation(Responder):
    """A human has the conversation (or it waits for one): the bot stays quiet."""

    async def claims(self, context: TurnContext) -> bool:
        return context.status.with_humans

    async def respond(self, context: TurnContext) -> AsyncIterator[StreamEvent]:
        state = context.state
        if context.persist:  # no reply is stored: keep the scores with the conversation
            kept = {"bot_state": state.to_json(), "predicted_csat": state.predicted_csat}
            await asyncio.to_thread(self.parts.store.update_data, context.session, kept)
        sentiment = context.sentiment.as_dict()
        turn = Turn(context.session, "", [], sentiment, True, context.status, context.language)
        yield StreamEvent("turn", turn=turn)


class InjectionRefusal(Responder):
    """The message tries to instruct the bot: refuse."""

    async def claims(self, context: TurnContext) -> bool:
        return detect_injection(context.question).flagged

    async def respond(self, context: TurnContext) -> AsyncIterator[StreamEvent]:
        reasons = detect_injection(context.question).reasons
        log.warning("Prompt injection attempt in %s: %s", context.session, ", ".join(reasons))
        turn = context.phrase_turn("refuse_injection")
        turn.withheld = [{"sentence": "[shopper message]", "reason": r} for r in reasons]
        turn.timings = {"total_ms": elapsed_ms(context.started)}
        extra = {"injection": reasons}
        async for event in self.parts.replier.say(turn, context.persist, context.state, extra):
            yield event


class SomeoneElsesDetails(Responder):
    """Another person's address, phone or e-mail asked for ("my wife ordered ..., which address
    is it going to?"): a clear no and how the account holder can ask, not a hand-off (a person
    could not say more); asking for a person or abuse still hand over."""

    async def claims(self, context: TurnContext) -> bool:
        mood = context.sentiment
        if mood.wants_human or mood.abusive:
            return False
        return asks_for_someone_elses_details(context.question)

    async def respond(self, context: TurnContext) -> AsyncIterator[StreamEvent]:
        turn = context.phrase_turn("someone_elses_details")
        extra = {"privacy": "someone_elses_details"}
        async for event in self.parts.replier.say(turn, context.persist, context.state, extra):
            yield event


class EscalationRules(Responder):
    """The escalation policy says a person should take over (asked for, unhappy, stuck)."""

    async def claims(self, context: TurnContext) -> bool:
        decision = self.parts.policy.before_reply(
            context.sentiment, context.state, context.question, context.messages
        )
        context.decision = decision
        if decision.escalate and self._order_flow_first(context, decision):
            context.held_back = decision
            return False
        if decision.escalate and context.kind == "closing" and _by_mood_only(decision):
            return False  # "fine, forget it": they let it drop; nobody would be waiting
        return decision.escalate

    def _order_flow_first(self, context: TurnContext, decision: Decision) -> bool:
        """A verified shopper's next request ("I'd rather get my money back, scrap it", 那就撤单
        吧) is not taken from the order flow by that one message's dissatisfaction score: doing
        it is the remedy; nor is a plain yes or no to the flow's own question by rising scores.
        An unhappy "where's my stuff??" is answered (the answer is the remedy), even before
        the shopper is known; a shopper not known yet who drops the request while asked who
        they are ("actually no, forget it") is told nothing changed. Asked for a person, abuse
        and rising unhappiness still hand over, and so do other unhappy first messages."""
        orders, state = self.parts.orders, context.state.orders
        if orders is None:
            return False
        codes = {r.code for r in decision.reasons}
        if codes == {ReasonCode.DISSATISFIED} and orders.asks_where(context.question, state):
            return True  # "where's my stuff??": the answer is the remedy; the flow asks who
        if state is None:
            return False
        # Rising scores too, for a plain yes or no to the flow's own question ("算了，不取消了";
        # "actually no, forget it" while asked who they are).
        answers = codes <= _MOOD_CODES and orders.answers_its_question(context.question, state)
        if not state.customer:
            return answers and state.awaiting == "identity"
        if codes == {ReasonCode.DISSATISFIED}:
            return orders.takes(context.question, state)
        return answers

    async def respond(self, context: TurnContext) -> AsyncIterator[StreamEvent]:
        assert context.decision is not None
        # The facts asked for come with the hand-off: nobody should wait for a person to
        # learn a price or a return window.
        answer, sources = "", []
        if context.kind == "question":
            found = await self.knowledge(context)
            if found.relevant:
                lead = await self.parts.cpu.run(
                    self.parts.answers.leads.write,
                    context.question,
                    found.relevant,
                    context.language,
                )
                if lead.text:
                    answer, sources = lead.text + " ", cited_sources(lead.text, lead.cited)
        reasons = context.decision.reasons
        async for event in _hand_off(self.parts, context, reasons, answer=answer, sources=sources):
            yield event


# The hand-off reasons that come from the mood scores alone (not asked for, no abuse).
_MOOD_CODES = frozenset({ReasonCode.DISSATISFIED, ReasonCode.DISSATISFACTION_RISING})


def _by_mood_only(decision: Decision) -> bool:
    """Whether only the mood scores call for the hand-off (not asked for, no abuse)."""
    return {r.code for r in decision.reasons} <= _MOOD_CODES


class HeldBackEscalation(EscalationRules):
    """The hand-off held back for an order request the order flow did not take after all."""

    async def claims(self, context: TurnContext) -> bool:
        context.decision = context.held_back
        return context.held_back is not None


class OrderRequests(Responder):
    """The shopper's own orders: the order assistant answers from the order system."""

    async def claims(self, context: TurnContext) -> bool:
        orders = self.parts.orders
        if orders is None:
            return False
        # A capable model may read the message into a structured request first (the rules
        # stay in charge; bot.orders.reader).
        read = None
        if self.parts.reads_orders_with_model:
            read = await read_order_request(self.parts.backend, context.question)
        # Asking is answering: the reply is kept, and the order state is kept even when the
        # message is not about orders (identity details given in passing).
        reply = await asyncio.to_thread(
            orders.handle,
            context.question,
            context.state.orders,
            context.language,
            context.session,
            context.persist,
            read,
        )
        context.state.orders = reply.state
        context.order_reply = reply
        return reply.handled

    async def respond(self, context: TurnContext) -> AsyncIterator[StreamEvent]:
        reply = context.order_reply
        assert reply is not None
        escalated = bool(reply.escalate)
        status = ConversationStatus.WAITING_FOR_AGENT if escalated else ConversationStatus.BOT
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
        text, notice = reply.text, None
        if escalated:  # outside business hours: when a person will answer
            email = None
            if context.persist:
                conversation = await asyncio.to_thread(self.parts.store.get, context.session)
                email = contact_email(conversation)
            notice = self.parts.notice.addendum(reply.language, email)
            text += notice.text
        sentiment = context.sentiment.as_dict()
        turn = Turn(context.session, text, sources, sentiment, escalated, status)
        turn.language = reply.language
        turn.reasons = list(reply.escalate)
        turn.timings = {"total_ms": elapsed_ms(context.started)}
        yield StreamEvent("delta", turn.reply)
        state = self.parts.policy.record_success(context.state)
        await self.parts.replier.store_reply(turn, context.persist, state, {"orders": True})
        if context.persist and escalated:
            await asyncio.to_thread(self._escalate_case, context.session, reply, notice)
        yield StreamEvent("turn", turn=turn)

    def _escalate_case(self, session: str, reply: OrderReply, notice: Notice | None) -> None:
        self.parts.store.update_data(session, {"order_case": reply.case})
        self.parts.desk.record_escalation(session, list(reply.escalate), notice)


class QuestionWhileProposing(OrderRequests):
    """A question asked before the yes to an order change ("how long does the refund take?")
    that the knowledge has nothing for: the order flow says so and describes the change again,
    instead of offering a person whom the next yes, meant for the change, would call."""

    async def claims(self, context: TurnContext) -> bool:
        orders = self.parts.orders
        if orders is None or (await self.knowledge(context)).relevant:
            return False
        reply = await asyncio.to_thread(
            orders.resume_unanswered,
            context.question,
            context.state.orders,
            context.language,
            context.session,
            context.persist,
        )
        if reply is None or not reply.handled:
            return False
        context.state.orders = reply.state
        context.order_reply = reply
        return True


class Courtesy(Responder):
    """A greeting or a thank-you: answered kindly, no search."""

    async def claims(self, context: TurnContext) -> bool:
        return context.kind in COURTESY_KINDS

    async def respond(self, context: TurnContext) -> AsyncIterator[StreamEvent]:
        turn = context.phrase_turn(context.kind)
        extra = {"courtesy": context.kind}
        async for event in self.parts.replier.say(turn, context.persist, context.state, extra):
            yield event


class KnowledgeUnavailable(Responder):
    """The knowledge cannot be searched: say so honestly and offer a person."""

    async def claims(self, context: TurnContext) -> bool:
        return (await self.knowledge(context)).error is not None

    async def respond(self, context: TurnContext) -> AsyncIterator[StreamEvent]:
        error = (await self.knowledge(context)).error
        log.warning("Knowledge unavailable for %s: %s", context.session, error)
        turn = context.phrase_turn("knowledge_unavailable")
        extra = {"degraded": "retrieval"}
        async for event in self.parts.replier.say(turn, context.persist, context.state, extra):
            yield event


class ProductDiscovery(Responder):
    """The shopper is looking for something ("a headlamp under 25", "something like X but
    cheaper", "is X in stock? if not, what else?"): real products from the catalog, each with
    its price, stock and link, after the named product's own price and stock."""

    STANDOUT = 3.0
    """How far (standard deviations) the best product must stand out from the other
    candidates when retrieval does not find it relevant itself: the best of some forty
    candidates stands out by about 2.2 by chance alone, for a dentist as for headphones."""

    async def claims(self, context: TurnContext) -> bool:
        request = read_request(context.question)
        if not request.is_discovery or not hasattr(self.parts.knowledge, "products"):
            return False  # not looking for products, or a knowledge without a catalog
        found = await self.knowledge(context)
        discovery = await self.parts.cpu.run(self.parts.discovery.find, context.question, request)
        context.discovery = discovery
        if not discovery.suggestions:
            return False
        if discovery.named and (request.alternative or request.cheaper):
            return True
        named = {p.id for p in discovery.named}
        if all(s.product.id in named for s in discovery.suggestions):
            return False  # only the product asked about: its facts answer, not a listing
        # Retrieval's calibrated score says whether the catalog has what is asked for ("what
        # headphones do you sell": several close products, none standing out from the others).
        min_score = self.parts.settings.retrieval.min_score
        fits = discovery.close_fit or max(s.hit.score for s in discovery.suggestions) >= min_score
        if not fits and discovery.standout < self.STANDOUT:
            return False
        # A policy answers it outright ("how many points do I need for a voucher?").
        policy_first = bool(found.relevant) and found.relevant[0].source == "policy"
        sure_policy = policy_first and found.relevant[0].score >= 0.95
        return not (sure_policy and not request.has_limits and discovery.standout < self.STANDOUT)

    async def respond(self, context: TurnContext) -> AsyncIterator[StreamEvent]:
        discovery = context.discovery
        assert discovery is not None
        found = await self.knowledge(context)
        answers = self.parts.answers
        lead = await self.parts.cpu.run(
            answers.leads.product_facts, context.question, found.relevant, context.language
        )
        listing, suggested = discovery_reply(discovery, context.language, len(lead.cited) + 1)
        reply = context.opening + " ".join(t for t in (lead.text, listing) if t)
        hits = [*lead.cited, *suggested]
        sentiment = context.sentiment.as_dict()
        turn = Turn(context.session, reply, cited_sources(reply, hits), sentiment, False)
        turn.language = context.language
        turn.timings = {
            "retrieval_ms": round(found.retrieval_ms, 1),
            "total_ms": elapsed_ms(context.started),
        }
        state = self.parts.policy.record_success(context.state)
        extra = {"discovery": [s.product.id for s in discovery.suggestions]}
        async for event in self.parts.replier.say(turn, context.persist, state, extra):
            yield event


class StatementWithoutKnowledge(Responder):
    """The shopper told something about themselves ("I ordered the hoodie last week") and
    nothing matches it: ask how to help, which is no failure."""

    async def claims(self, context: TurnContext) -> bool:
        if context.kind != "statement" or read_request(context.question).has_limits:
            return False  # "Gift idea for my dad, max €250" asks, without a question mark
        return not (await self.knowledge(context)).relevant

    async def respond(self, context: TurnContext) -> AsyncIterator[StreamEvent]:
        turn = context.phrase_turn("statement")
        extra = {"courtesy": "statement"}
        async for event in self.parts.replier.say(turn, context.persist, context.state, extra):
            yield event


class RepeatedNoKnowledge(Responder):
    """Nothing relevant found, once too often in a row: a person takes over."""

    async def claims(self, context: TurnContext) -> bool:
        if (await self.knowledge(context)).relevant:
            return False
        policy = self.parts.policy
        return policy.too_many_failures(policy.record_failure(context.state))

    async def respond(self, context: TurnContext) -> AsyncIterator[StreamEvent]:
        context.state = self.parts.policy.record_failure(context.state)
        reasons = [Reason(ReasonCode.NO_KNOWLEDGE, {"count": context.state.failures})]
        async for event in _hand_off(self.parts, context, reasons):
            yield event


class NoKnowledge(Responder):
    """Nothing relevant found: say so rather than guess (the failure is counted)."""

    async def claims(self, context: TurnContext) -> bool:
        return not (await self.knowledge(context)).relevant

    async def respond(self, context: TurnContext) -> AsyncIterator[StreamEvent]:
        found = await self.knowledge(context)
        orders = self.parts.orders
        lookup = orders.offer_lookup(context.question, context.state.orders) if orders else None
        if lookup is not None:  # about their purchase: the order flow can do it, no person
            context.state.orders = lookup
            turn = context.phrase_turn("order_lookup")
        else:
            context.state = self.parts.policy.record_failure(context.state)
            turn = context.phrase_turn("no_knowledge")
        turn.timings = {
            "retrieval_ms": found.retrieval_ms,
            "total_ms": elapsed_ms(context.started),
        }
        extra = {"no_knowledge": True}
        async for event in self.parts.replier.say(turn, context.persist, context.state, extra):
            yield event


class GroundedAnswer(Responder):
    """Everything else: the reply written from the passages found, checked as it streams; a
    person takes over when the model fails."""

    async def claims(self, context: TurnContext) -> bool:
        return True

    async def respond(self, context: TurnContext) -> AsyncIterator[StreamEvent]:
        found = await self.knowledge(context)
        parts = self.parts
        try:
            async for event in parts.answers.generate(
                context.messages,
                context.session,
                found.relevant,
                context.language,
                context.sentiment,
                context.overrides,
                context.started,
                opening=context.opening,
            ):
                if event.turn is not None:
                    event.turn.timings["scoring_ms"] = context.scoring_ms
                    event.turn.timings["retrieval_ms"] = round(found.retrieval_ms, 1)
                    stored_at = time.perf_counter()
                    state = parts.policy.record_success(context.state)
                    await parts.replier.store_reply(event.turn, context.persist, state)
                    event.turn.timings["store_ms"] = elapsed_ms(stored_at)
                yield event
        except BackendError as exc:
            log.warning("Backend failed for %s: %s", context.session, exc)
            reasons = [Reason(ReasonCode.BACKEND_FAILED, {"error": str(exc)})]
            async for event in _hand_off(parts, context, reasons, model_failed=True):
                yield event


async def _hand_off(
    parts: BotParts,
    context: TurnContext,
    reasons: list[Reason],
    *,
    model_failed: bool = False,
    answer: str = "",
    sources: list[dict[str, object]] | None = None,
) -> AsyncIterator[StreamEvent]:
    """A person takes over; ``answer`` (facts already found, citing ``sources``) comes first."""
    async for event in parts.replier.hand_off(
        session=context.session,
        language=context.language,
        sentiment=context.sentiment,
        reasons=reasons,
        persist=context.persist,
        started=context.started,
        state=context.state,
        model_failed=model_failed,
        opening=context.opening + answer,
        sources=sources,
    ):
        yield event
