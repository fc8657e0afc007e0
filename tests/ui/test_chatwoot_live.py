"""A real `shopbot serve` (real vLLM engine, embedder, Chroma) as the agent bot of a fake
Chatwoot served over HTTP: an English conversation from question to hand-off, a person, and
hand-back; a Chinese one on WhatsApp; Chatwoot unreachable for a while."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import httpx
import pytest

from bot.helpdesk.fake_chatwoot import FakeConversation
from bot.language import detect_language
from tests.live import LIVE_API_KEY, LiveServer

pytestmark = [pytest.mark.slow, pytest.mark.integration]
REPLY_S = 180.0


def wait_for(condition: Callable[[], bool], what: str, timeout: float = REPLY_S) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.25)


def bot_replies(conversation: FakeConversation) -> list[str]:
    return [m.content for m in conversation.public() if (m.sender or {}).get("type") == "agent_bot"]


def transcript(live_server: LiveServer, conversation: FakeConversation) -> dict:
    shopbot_id = f"chatwoot-{live_server.chatwoot.account_id}-{conversation.id}"
    response = httpx.get(
        f"{live_server.url}/api/v1/conversations/{shopbot_id}",
        headers={"Authorization": f"Bearer {LIVE_API_KEY}"},
        timeout=30,
    )
    response.raise_for_status()
    return response.json()


def test_an_english_conversation_from_question_to_hand_back(live_server: LiveServer) -> None:
    chatwoot = live_server.chatwoot
    conversation = chatwoot.open_conversation(name="Sam Lee")

    delivered = asyncio.run(
        chatwoot.shopper_writes(conversation, "How many days do I have to return an item?")
    )
    assert delivered.attempts == [200]
    wait_for(lambda: len(bot_replies(conversation)) == 1, "the answer")
    answer = bot_replies(conversation)[0]
    assert "30 days" in answer and "Sources:" in answer

    again = asyncio.run(chatwoot.redeliver_last())  # a retried delivery: answered once
    assert again.attempts == [200]

    asyncio.run(chatwoot.shopper_writes(conversation, "This is useless, get me a human agent now"))
    wait_for(lambda: conversation.status == "open", "the hand-off")
    wait_for(lambda: any(m.private for m in conversation.messages), "the note")
    note = next(m.content for m in conversation.messages if m.private)
    assert "the shopper asked for a human" in note and "predicted CSAT" in note
    assert len(bot_replies(conversation)) == 2  # the answer, then "a person will reply"

    asyncio.run(chatwoot.agent_writes(conversation, "Hi, I'm Dana. I can extend it to 45 days."))
    asyncio.run(chatwoot.shopper_writes(conversation, "Thanks Dana!"))
    asyncio.run(chatwoot.agent_sets_status(conversation, "pending"))  # back to the bot
    asyncio.run(
        chatwoot.shopper_writes(conversation, "And how long do refunds to a credit card take?")
    )
    # The shopper is told the bot is back (in Chatwoot, where they are), then answered.
    wait_for(lambda: len(bot_replies(conversation)) == 4, "the answer after the hand-back")
    assert bot_replies(conversation)[2].startswith("You're back with our virtual assistant")
    assert "5-7" in bot_replies(conversation)[-1].replace("–", "-")

    stored = transcript(live_server, conversation)
    roles = [m["role"] for m in stored["messages"]]
    assert roles == [
        *("user", "assistant", "user", "assistant", "agent", "user"),
        *("assistant", "user", "assistant"),  # the hand-back notice, the question, its answer
    ]
    assert stored["messages"][4]["agent"] == "Dana" and stored["status"] == "bot"
    assert stored["channel"] == "chatwoot:web"


def test_a_chinese_conversation_on_whatsapp(live_server: LiveServer) -> None:
    chatwoot = live_server.chatwoot
    conversation = chatwoot.open_conversation(inbox_id=3, name="王芳")
    asyncio.run(chatwoot.shopper_writes(conversation, "退款多久能到账？"))  # the README's
    wait_for(lambda: len(bot_replies(conversation)) == 1, "the Chinese answer")
    answer = bot_replies(conversation)[0]
    assert detect_language(answer) == "zh"
    assert "5–7个工作日" in answer.replace("-", "–")  # cards: 5-7 working days
    assert "参考资料：" in answer and "](" not in answer  # sources in plain text
    assert transcript(live_server, conversation)["channel"] == "chatwoot:whatsapp"


def test_chatwoot_unreachable_for_a_while(live_server: LiveServer) -> None:
    """Chatwoot's web servers gone (refused connections) while its workers still deliver a
    shopper's message: the reply waits in the outbox and arrives once when it is back."""
    chatwoot = live_server.chatwoot
    conversation = chatwoot.open_conversation(name="Ana")
    live_server.chatwoot_server.stop()
    try:
        asyncio.run(
            chatwoot.shopper_writes(conversation, "How long do refunds to a credit card take?")
        )
        time.sleep(15)
        assert bot_replies(conversation) == []
    finally:
        live_server.chatwoot_server.start()
    wait_for(lambda: len(bot_replies(conversation)) == 1, "the reply after the outage", 90)
    time.sleep(3)
    assert len(bot_replies(conversation)) == 1
    assert "5-7" in bot_replies(conversation)[0].replace("–", "-")
