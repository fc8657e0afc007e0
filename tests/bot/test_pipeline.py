"""A turn is an ordered list of responders: the first that claims the message answers it."""

from __future__ import annotations

from collections.abc import AsyncIterator

from bot import ShopBot
from bot.backends import FakeBackend
from bot.fakes import StaticKnowledge
from bot.pipeline import RESPONDERS, TurnPipeline, shopper_language
from bot.responders import (
    Courtesy,
    EmailWhileAway,
    GroundedAnswer,
    HumanHasConversation,
    Responder,
    TurnContext,
)
from bot.settings import Settings
from bot.status import ConversationStatus
from bot.turns import StreamEvent
from tests.bot.test_shopbot import KNOWLEDGE


def test_the_order_is_written_once_and_something_always_answers() -> None:
    # Only the e-mail left while the team is away is answered before a person's silence.
    assert RESPONDERS[:2] == (EmailWhileAway, HumanHasConversation)
    assert RESPONDERS[-1] is GroundedAnswer
    assert len(set(RESPONDERS)) == len(RESPONDERS)
    for responder in RESPONDERS:
        assert responder.__doc__, f"{responder.__name__} says what it answers"


class Weather(Responder):
    """Questions about the weather (a step added by one entry in the list)."""

    async def claims(self, context: TurnContext) -> bool:
        return "weather" in context.question.lower()

    async def respond(self, context: TurnContext) -> AsyncIterator[StreamEvent]:
        turn = context.phrase_turn("unsure")
        async for event in self.parts.replier.say(turn, context.persist, context.state, {}):
            yield event


def test_adding_a_step_is_one_entry(settings: Settings) -> None:
    bot = ShopBot(settings, backend=FakeBackend(), knowledge=StaticKnowledge(KNOWLEDGE))
    at = RESPONDERS.index(Courtesy)
    bot.pipeline = TurnPipeline(bot.parts, (*RESPONDERS[:at], Weather, *RESPONDERS[at:]))
    try:
        turn = bot.chat("What's the weather like today?", session="w")
        assert "not certain" in turn.reply and turn.status == ConversationStatus.BOT
        assert bot.backend.requests == []  # type: ignore[attr-defined]  # the model never asked
        assert "How can I help" in bot.chat("hi", session="w2").reply  # the others answer
    finally:
        bot.close()


def test_a_conversation_a_human_has_gets_no_reply(settings: Settings) -> None:
    bot = ShopBot(settings, backend=FakeBackend(), knowledge=StaticKnowledge(KNOWLEDGE))
    try:
        bot.chat("hi", session="h")
        bot.agent_message("h", "Sam here.", "sam")
        turn = bot.chat("How long do refunds to a credit card take?", session="h")
        assert turn.reply == "" and turn.status == ConversationStatus.AGENT and turn.escalated
        state = bot.store.get("h").data["bot_state"]
        assert len(state["dissatisfaction"]) == 2  # the scores are still kept
    finally:
        bot.close()


def test_a_message_of_data_keeps_the_shoppers_language() -> None:
    chinese_then_email = [
        {"role": "user", "content": "我的订单在哪里"},
        {"role": "assistant", "content": "请提供邮箱和订单号。"},
        {"role": "user", "content": "zhang.wei@example.com"},
    ]
    assert shopper_language(chinese_then_email) == "zh"
    assert shopper_language([{"role": "user", "content": "Where is my order? I am 张伟"}]) == "en"


def test_a_request_with_a_budget_is_not_taken_for_a_statement(settings: Settings) -> None:
    """ "Gift idea for my dad, max €250" has no question mark, yet asks: nothing found is said
    as nothing found, not "thanks for letting me know"."""
    bot = ShopBot(settings, backend=FakeBackend(), knowledge=StaticKnowledge(KNOWLEDGE))
    try:
        told = bot.chat("I ordered the black hoodie last week.", session="s1")
        assert "Thanks for letting me know" in told.reply
        asked = bot.chat("Gift idea for my dad, he's into birdwatching. Max €250", session="s2")
        assert "Thanks for letting me know" not in asked.reply
    finally:
        bot.close()
