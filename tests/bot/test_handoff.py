"""From calm to escalated to handed back, with a webhook receiver that fails first."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot import ShopBot
from bot.backends import FakeBackend
from bot.fakes import StaticKnowledge
from bot.handoff import SIGNATURE_HEADER, TIMESTAMP_HEADER, WebhookDispatcher, verify
from bot.settings import Settings
from tests.bot.test_shopbot import KNOWLEDGE
from tests.conftest import make_settings

SECRET = "whsec-test"


class Receiver:
    """A helpdesk stand-in: fails the first ``failures`` calls, then accepts."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls: list[dict[str, object]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.calls.append(
                    {
                        "body": body,
                        "signature": self.headers.get(SIGNATURE_HEADER),
                        "timestamp": self.headers.get(TIMESTAMP_HEADER),
                    }
                )
                status = 500 if len(receiver.calls) <= receiver.failures else 200
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver(failures=1)
    yield server
    server.close()


def _settings(home: Path, url: str) -> Settings:
    return make_settings(
        home,
        escalation={"webhook_url": url, "webhook_secret": SECRET, "webhook_retries": 5},
    )


def deliver_until_done(dispatcher: WebhookDispatcher, conversation_id: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        asyncio.run(dispatcher.deliver_due())
        if all(d.status == "delivered" for d in dispatcher.store.deliveries(conversation_id)):
            return
        time.sleep(0.3)
    raise AssertionError("the webhook was never delivered")


def walk(bot: ShopBot, receiver: Receiver) -> None:
    calm = bot.chat("Hi! How long do refunds to a credit card take?", session="w1")
    assert not calm.escalated and calm.sentiment["dissatisfaction"] < 0.5

    angry = bot.chat("That's useless. I want to speak to a real person NOW!", session="w1")
    assert angry.escalated and angry.status == "waiting_for_agent"
    assert any("human" in reason for reason in angry.escalation_reasons)

    # The webhook target is down at first; the packet waits in the outbox, then arrives.
    dispatcher = WebhookDispatcher(bot.store, bot.settings.escalation)
    deliver_until_done(dispatcher, "w1")
    assert len(receiver.calls) == 2
    final = receiver.calls[-1]
    assert verify(final["body"], SECRET, final["timestamp"], final["signature"])
    packet = json.loads(final["body"])
    assert packet["conversation_id"] == "w1" and packet["reasons"]
    assert [m["role"] for m in packet["transcript"]][:2] == ["user", "assistant"]
    assert packet["summary"] and packet["bot_tried"][0]["sources"]
    assert packet["scores"]["max_dissatisfaction"] >= 0.5

    # The bot stays quiet while a human works the conversation.
    assert [c.id for c in bot.escalations()] == ["w1"]
    bot.agent_message("w1", "Hi, this is Sam. Your refund was issued today.", agent="sam")
    quiet = bot.chat("ok thank you Sam", session="w1")
    assert quiet.reply == "" and quiet.status == "agent"

    bot.handback("w1", agent="sam")
    back = bot.chat("One more thing: how long do refunds to a credit card take?", session="w1")
    assert not back.escalated and back.status == "bot" and back.reply
    roles = [m.role for m in bot.store.get("w1").messages]
    assert roles.count("agent") == 1 and roles[-1] == "assistant"


def test_handoff_walkthrough_with_the_fake_backend(tmp_path: Path, receiver: Receiver) -> None:
    bot = ShopBot(
        _settings(tmp_path / "home", receiver.url),
        backend=FakeBackend(lambda r: "Refunds take 5-7 business days [1]."),
        knowledge=StaticKnowledge(KNOWLEDGE),
    )
    walk(bot, receiver)


@pytest.mark.slow
@pytest.mark.integration
def test_handoff_walkthrough_with_the_real_engine(
    vllm_backend: object, tmp_path: Path, receiver: Receiver
) -> None:
    bot = ShopBot(
        _settings(tmp_path / "home", receiver.url),
        backend=vllm_backend,  # type: ignore[arg-type]
        knowledge=StaticKnowledge(KNOWLEDGE),
    )
    walk(bot, receiver)


def test_signature_rejects_tampering() -> None:
    body = b'{"a": 1}'
    from bot.handoff import sign

    signature = sign(body, SECRET, "123")
    assert verify(body, SECRET, "123", signature)
    assert not verify(b'{"a": 2}', SECRET, "123", signature)
    assert not verify(body, "other", "123", signature)


def _run_waiting(bot: ShopBot, session: str) -> list[object]:
    async def collect() -> list[object]:
        return [event async for event in bot.astream_waiting(session)]

    return asyncio.run(collect())


@pytest.mark.parametrize(
    ("language", "question", "notice"),
    [
        ("en", "How long do refunds to a credit card take?", "back with our virtual assistant"),
        ("zh", "退款到信用卡要多久？", "您已回到智能助手"),
    ],
)
def test_after_a_handback_the_bot_answers_the_question_left_waiting(
    tmp_path: Path, language: str, question: str, notice: str
) -> None:
    bot = ShopBot(
        make_settings(tmp_path / "home"),
        backend=FakeBackend(lambda r: "Refunds take 5-7 business days [1]."),
        knowledge=StaticKnowledge(KNOWLEDGE),
    )
    first = "我要人工客服！" if language == "zh" else "I want to talk to a person please"
    assert bot.chat(first, session="h1").escalated
    bot.agent_message("h1", "Hi, Sam here.", agent="Sam")
    assert bot.chat(question, session="h1").reply == ""  # with the person: no bot reply
    assert _run_waiting(bot, "h1") == []  # still with the person: nothing happens

    bot.handback("h1", agent="Sam")
    events = _run_waiting(bot, "h1")
    turn = events[-1].turn  # type: ignore[attr-defined]
    assert turn is not None and turn.status == "bot" and turn.reply
    messages = bot.store.get("h1").messages
    assert [m.role for m in messages[-4:]] == ["agent", "user", "assistant", "assistant"]
    told, answer = messages[-2], messages[-1]
    assert told.data["notice"] == "handback" and notice in told.content
    assert answer.content == turn.reply and not answer.data.get("notice")
    assert _run_waiting(bot, "h1") == []  # answered once
    bot.close()


def test_the_unanswered_question_is_the_shoppers_last_message_after_any_reply() -> None:
    from datetime import UTC, datetime

    from bot.replay import unanswered_question
    from bot.status import ConversationStatus
    from bot.store import StoredConversation, StoredMessage

    def conversation(*messages: tuple[str, dict[str, object]]) -> StoredConversation:
        now = datetime.now(UTC)
        stored = [
            StoredMessage(i, role, f"m{i}", now, dict(data))
            for i, (role, data) in enumerate(messages)
        ]
        return StoredConversation("c", ConversationStatus.BOT, "web", "en", now, now, {}, stored)

    user, bot_reply, notice = ("user", {}), ("assistant", {}), ("assistant", {"notice": "handback"})
    assert unanswered_question(conversation(user, bot_reply)) is None
    assert unanswered_question(conversation(user, bot_reply, user, user)) == 3
    assert unanswered_question(conversation(user, ("agent", {}), user, notice)) == 2
    assert unanswered_question(conversation()) is None
