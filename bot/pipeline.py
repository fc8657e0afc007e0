"""A shopper turn as an ordered list of responders.

The message is scored first (sentiment in context, the conversation's state updated); then
each responder in `RESPONDERS` is asked in turn whether the message is its own, and the first
that says yes answers it. The order is the priority: adding a step is one entry here.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

from bot.language import detect_language
from bot.orders.references import language_words, without_data
from bot.parts import BotParts
from bot.responders import (
    Courtesy,
    EmailWhileAway,
    EscalationRules,
    GroundedAnswer,
    HeldBackEscalation,
    HumanHasConversation,
    InjectionRefusal,
    KnowledgeUnavailable,
    NoKnowledge,
    OrderRequests,
    ProductDiscovery,
    QuestionWhileProposing,
    RepeatedNoKnowledge,
    Responder,
    SomeoneElsesDetails,
    StatementWithoutKnowledge,
    TurnContext,
)
from bot.state import ConversationState
from bot.status import ConversationStatus
from bot.store import StoredConversation
from bot.turns import Overrides, StreamEvent, elapsed_ms

Message = dict[str, str]

RESPONDERS: tuple[type[Responder], ...] = (
    EmailWhileAway,  # handed over outside hours, the shopper leaves the e-mail asked for
    HumanHasConversation,  # a person has it: the bot stays quiet
    InjectionRefusal,  # the message tries to instruct the bot
    SomeoneElsesDetails,  # another person's address or phone asked for: a clear no
    EscalationRules,  # asked for a person, unhappy, abusive, going round in circles
    OrderRequests,  # the shopper's own orders, from the order system
    HeldBackEscalation,  # unhappy, held back for an order request the flow did not take
    Courtesy,  # hello, thank you
    KnowledgeUnavailable,  # the knowledge cannot be searched
    ProductDiscovery,  # looking for a product: real ones from the catalog
    QuestionWhileProposing,  # nothing found for a question before an order change's yes
    StatementWithoutKnowledge,  # "I ordered the hoodie last week", nothing found
    RepeatedNoKnowledge,  # nothing found, too many times in a row: a person
    NoKnowledge,  # nothing found: say so
    GroundedAnswer,  # the model's reply from the passages found
)
"""Who answers a message: the first of these that claims it."""


class TurnPipeline:
    """Scores a message, then lets the first responder that claims it answer."""

    def __init__(
        self, parts: BotParts, responders: tuple[type[Responder], ...] = RESPONDERS
    ) -> None:
        self.parts = parts
        self.responders = [responder(parts) for responder in responders]

    async def run(
        self,
        messages: list[Message],
        session: str,
        overrides: Overrides,
        user_position: int | None,
        conversation: StoredConversation | None = None,
    ) -> AsyncIterator[StreamEvent]:
        """Answer the last message of ``messages``: stored at ``user_position`` in the
        conversation ``session``, or (None) a conversation given as data, nothing stored."""
        context = await self.prepare(messages, session, overrides, user_position, conversation)
        for responder in self.responders:
            if await responder.claims(context):
                async for event in responder.respond(context):
                    yield event
                return
        raise AssertionError(f"No responder claimed the message of {session}.")

    async def prepare(
        self,
        messages: list[Message],
        session: str,
        overrides: Overrides,
        user_position: int | None,
        conversation: StoredConversation | None,
    ) -> TurnContext:
        """Score the message and load the conversation's state with the scores added."""
        parts = self.parts
        started = time.perf_counter()
        persist = user_position is not None
        question = messages[-1]["content"]
        # Addresses, e-mails and numbers are data, not feelings: the mood is read without them.
        scored = [*messages[:-1], {**messages[-1], "content": without_data(question)}]
        sentiment = await parts.cpu.run(parts.scorer.score, scored, len(scored) - 1)
        scoring_ms = elapsed_ms(started)
        state = ConversationState()
        status = ConversationStatus.BOT
        if persist:
            if conversation is None:
                conversation = await asyncio.to_thread(parts.store.get, session)
            state = ConversationState.from_json(conversation.data.get("bot_state"))
            status = conversation.status
        state = parts.policy.observe(sentiment, state)
        if user_position is not None:
            scores = {**sentiment.as_dict(), "predicted_csat": state.predicted_csat}
            await asyncio.to_thread(
                parts.store.update_message, session, user_position, {"sentiment": scores}
            )
        return TurnContext(
            messages=messages,
            session=session,
            persist=persist,
            overrides=overrides,
            started=started,
            language=shopper_language(messages),
            sentiment=sentiment,
            scoring_ms=scoring_ms,
            status=status,
            state=state,
        )


def shopper_language(messages: list[Message]) -> str:
    """The language of the shopper's words, not of the data in them: a message that is only
    data (an e-mail, a postcode, an address) is in the language of their last words before."""
    for message in reversed(messages):
        if message.get("role") == "user":
            words = language_words(message.get("content") or "")
            if words:
                return detect_language(words)
    return detect_language(messages[-1].get("content") or "")
