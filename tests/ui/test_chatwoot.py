"""shopbot as a Chatwoot agent bot, end to end against the fake Chatwoot (in-process, fake
model): answered in the conversation, an angry shopper opened to the team with the note, the
agent's words in the bot's history, the bot quiet meanwhile, hand-back, retried events
answered once, Chatwoot down for 30 s losing nothing, e-mail replies written as e-mails."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import httpx
import pytest

from bot import ShopBot
from bot.backends import FakeBackend
from bot.fakes import StaticKnowledge
from bot.helpdesk.fake_chatwoot import FakeChatwoot
from bot.settings import Settings
from tests.bot.test_shopbot import KNOWLEDGE
from tests.ui.chatwoot_desk import WEBHOOK, Desk
from tests.ui.conftest import REFUND_REPLY

QUESTION = "How long do refunds to a credit card take?"
ANGRY = "This is useless!!! I want to talk to a real person NOW."


def make_bot(settings: Settings) -> ShopBot:
    backend = FakeBackend(lambda r: REFUND_REPLY)
    shopbot = ShopBot(settings, backend=backend, knowledge=StaticKnowledge(KNOWLEDGE))
    shopbot.warm_up()
    return shopbot


@pytest.fixture
def desk(settings: Settings) -> Iterator[Desk]:
    made = Desk(settings, make_bot)
    yield made
    made.bot.close()


@pytest.fixture
def bot(desk: Desk) -> ShopBot:
    return desk.bot


def test_a_shopper_is_answered_in_the_conversation(desk: Desk) -> None:
    fake = desk.fake
    conversation = fake.open_conversation(name="Jane Doe")

    async def scenario() -> None:
        delivery = await fake.shopper_writes(conversation, QUESTION)
        assert delivery.attempts == [200]
        await desk.settle()

    asyncio.run(scenario())
    (who, reply) = desk.seen_by_shopper(conversation)[-1]
    assert who == "bot" and "5-7 business days" in reply
    assert "Sources:" in reply and "Refunds > Credit cards" in reply  # [1] written out
    assert conversation.status == "pending"  # still the bot's
    stored = desk.shopbot_conversation(conversation)
    assert [m.role for m in stored.messages] == ["user", "assistant"]
    assert stored.channel == "chatwoot:web" and stored.status == "bot"
    assert stored.data["helpdesk"]["conversation"] == str(conversation.id)


def test_an_angry_shopper_is_opened_to_the_team_with_a_note(desk: Desk) -> None:
    fake = desk.fake
    conversation = fake.open_conversation()

    async def scenario() -> None:
        await fake.shopper_writes(conversation, QUESTION)
        await desk.settle()
        await fake.shopper_writes(conversation, ANGRY)
        await desk.settle()

    asyncio.run(scenario())
    assert conversation.status == "open"
    who, handoff = desk.seen_by_shopper(conversation)[-1]
    assert who == "bot" and "member of our team" in handoff
    (note,) = desk.notes(conversation)
    assert "the shopper asked for a human" in note
    assert "predicted CSAT" in note and "Dissatisfaction" in note
    assert "Summary" in note and QUESTION in note  # the copilot's three lines
    assert "Suggested reply" in note and "5-7 business days" in note  # and its suggestion
    assert desk.shopbot_conversation(conversation).status == "waiting_for_agent"
    # The note went before the status change: the team opens it with the note there.
    kinds = [path.rsplit("/", 1)[1] for _m, path, _s in fake.api_calls]
    assert kinds[-3:] == ["messages", "messages", "toggle_status"]


def test_the_agent_owns_it_then_hands_it_back(desk: Desk, bot: ShopBot) -> None:
    fake = desk.fake
    conversation = fake.open_conversation()

    async def scenario() -> None:
        await fake.shopper_writes(conversation, ANGRY)
        await desk.settle()
        await fake.agent_writes(conversation, "Hi, Dana here. I can extend your return window.")
        await fake.shopper_writes(conversation, "Thank you Dana, how long will the refund take?")
        await desk.settle()
        silent = len(conversation.public())
        await fake.agent_sets_status(conversation, "pending")  # back to the bot
        await desk.settle()
        assert len(conversation.public()) == silent  # no reply until the shopper writes
        await fake.shopper_writes(conversation, QUESTION)
        await desk.settle()

    asyncio.run(scenario())
    seen = desk.seen_by_shopper(conversation)
    assert [who for who, _ in seen] == ["shopper", "bot", "Dana", "shopper", "shopper", "bot"]
    assert "5-7 business days" in seen[-1][1]
    stored = desk.shopbot_conversation(conversation)
    agent = next(m for m in stored.messages if m.role == "agent")
    assert agent.data["agent"] == "Dana" and "extend your return window" in agent.content
    assert stored.status == "bot" and stored.messages[-1].role == "assistant"
    # The agent's words were in the model's prompt when the bot resumed.
    prompt = bot.backend.requests[-1].messages  # type: ignore[attr-defined]
    assert any("(Human agent) Hi, Dana here" in m["content"] for m in prompt)


def test_a_hand_back_is_seen_even_when_chatwoot_does_not_tell_the_bot(
    settings: Settings,
) -> None:
    """Older Chatwoot versions send a bot no event when a conversation is set to pending:
    the next shopper message, in a pending conversation, says it."""
    desk = Desk(settings, make_bot, FakeChatwoot(bot_url=WEBHOOK, status_events=False))
    fake = desk.fake
    conversation = fake.open_conversation()

    async def scenario() -> None:
        await fake.shopper_writes(conversation, ANGRY)
        await desk.settle()
        await fake.agent_writes(conversation, "Dana here, sorted it out for you.")
        await desk.settle()
        assert await fake.agent_sets_status(conversation, "pending") is None  # nothing sent
        await fake.shopper_writes(conversation, QUESTION)
        await desk.settle()

    try:
        asyncio.run(scenario())
    finally:
        desk.bot.close()
    assert "5-7 business days" in desk.seen_by_shopper(conversation)[-1][1]
    assert desk.shopbot_conversation(conversation).status == "bot"


def test_an_agent_who_answers_a_pending_conversation_takes_it(desk: Desk) -> None:
    fake = desk.fake
    conversation = fake.open_conversation()

    async def scenario() -> None:
        await fake.shopper_writes(conversation, QUESTION)
        await desk.settle()
        await fake.agent_writes(conversation, "Jumping in: it's Sam from the team.")
        await desk.settle()
        await fake.shopper_writes(conversation, "Great, and can I return it by post?")
        await desk.settle()

    asyncio.run(scenario())
    assert conversation.status == "open"  # the person's now, in Chatwoot too
    assert desk.seen_by_shopper(conversation)[-1][0] == "shopper"  # the bot kept quiet


def test_when_chatwoot_opened_it_after_a_failure_the_bot_keeps_quiet(desk: Desk) -> None:
    fake = desk.fake
    conversation = fake.open_conversation()
    fake._bot_failed(conversation.id)  # Chatwoot's own fallback: open to the team

    async def scenario() -> None:
        await fake.shopper_writes(conversation, QUESTION)
        await desk.settle()

    asyncio.run(scenario())
    assert [who for who, _ in desk.seen_by_shopper(conversation)] == ["shopper"]
    stored = desk.shopbot_conversation(conversation)
    assert stored.status == "waiting_for_agent" and stored.messages[0].content == QUESTION


def test_a_retried_event_is_answered_once(desk: Desk) -> None:
    fake = desk.fake
    conversation = fake.open_conversation()

    async def scenario() -> None:
        await fake.shopper_writes(conversation, QUESTION)
        again = await fake.redeliver_last()  # the same delivery before it was handled ...
        await desk.settle()
        later = await fake.redeliver_last()  # ... and after it was answered
        await desk.settle()
        assert again.attempts == [200] and later.attempts == [200]

    asyncio.run(scenario())
    replies = [text for who, text in desk.seen_by_shopper(conversation) if who == "bot"]
    assert len(replies) == 1
    assert len(desk.shopbot_conversation(conversation).messages) == 2


def test_an_event_handled_twice_changes_nothing_twice(desk: Desk) -> None:
    """A crash after the answer was stored but before the event was marked done: handling
    it again stores and sends nothing new."""
    fake = desk.fake
    conversation = fake.open_conversation()

    async def scenario() -> None:
        await fake.shopper_writes(conversation, ANGRY)
        await desk.settle()
        entry = desk.bridge.ledger.events()[0]  # the shopper message (then our status change)
        assert entry.kind == "shopper_message"
        await desk.bridge.handle(entry)
        await desk.settle()

    asyncio.run(scenario())
    assert len(desk.seen_by_shopper(conversation)) == 2
    assert len(desk.notes(conversation)) == 1
    assert len(desk.shopbot_conversation(conversation).messages) == 2


def test_forged_and_unstorable_events_are_refused(desk: Desk, monkeypatch) -> None:
    from bot.errors import StoreError

    async def post(headers: dict[str, str]) -> httpx.Response:
        transport = httpx.ASGITransport(app=desk.app)
        async with httpx.AsyncClient(transport=transport) as client:
            body = b'{"event": "message_created"}'
            return await client.post(WEBHOOK, content=body, headers=headers)

    assert asyncio.run(post({})).status_code == 401
    stamp = str(int(time.time()))
    forged = {"X-Chatwoot-Timestamp": stamp, "X-Chatwoot-Signature": "sha256=" + "0" * 64}
    assert asyncio.run(post(forged)).status_code == 401

    def down(*args: object, **kwargs: object) -> bool:
        raise StoreError("the database is down")

    monkeypatch.setattr(desk.bridge.ledger, "record_event", down)
    conversation = desk.fake.open_conversation()
    delivery = asyncio.run(desk.fake.shopper_writes(conversation, QUESTION))
    assert delivery.attempts == [500, 500, 500]  # Chatwoot redelivers on a 500
    assert conversation.status == "open"  # and then hands the conversation to people


def test_an_unconfigured_shopbot_says_what_to_set(web_app: object) -> None:
    async def post() -> httpx.Response:
        transport = httpx.ASGITransport(app=web_app)
        async with httpx.AsyncClient(transport=transport) as client:
            return await client.post(WEBHOOK, json={"event": "message_created"})

    response = asyncio.run(post())
    assert response.status_code == 404
    assert "SHOPBOT_CHATWOOT__BASE_URL" in response.json()["error"]["message"]


def test_email_replies_are_written_as_emails(desk: Desk) -> None:
    fake = desk.fake
    conversation = fake.open_conversation(inbox_id=2, name="Jane Doe", email="jane@example.com")
    email = (
        f"Hi,\n\n{QUESTION}\n\nThanks, Jane\n\n"
        "On Tue, 9 Jun 2026 at 10:00, Northwind Lane <support@northwind.example> wrote:\n"
        "> Is there anything else we can help with?\n"
    )

    async def scenario() -> None:
        await fake.shopper_writes(conversation, email)
        await desk.settle()

    asyncio.run(scenario())
    reply = desk.seen_by_shopper(conversation)[-1][1]
    assert reply.startswith("Hello Jane Doe,\n\n")
    assert "5-7 business days" in reply
    assert "Sources:\n[1] Refunds > Credit cards" in reply
    assert reply.endswith("Kind regards,\nNorthwind Lane customer service")
    stored = desk.shopbot_conversation(conversation)
    assert "wrote:" not in stored.messages[0].content  # the quoted thread was left out
    assert stored.channel == "chatwoot:email"
    assert stored.data["helpdesk"]["contact"]["email"] == "jane@example.com"


@pytest.mark.slow
def test_chatwoot_down_for_30_seconds_loses_nothing(desk: Desk) -> None:
    """Chatwoot's API answers 503 for 30 s while its workers still deliver the shopper's
    messages: every reply reaches the conversation once, in order, when it is back."""
    fake = desk.fake
    conversation = fake.open_conversation()
    questions = [QUESTION, "And how long do refunds to a credit card take after a return?"]

    async def scenario() -> None:
        desk.bridge.start()  # the web app's background loops, as in `shopbot serve`
        try:
            fake.down = True
            down_at = time.monotonic()
            await fake.shopper_writes(conversation, questions[0])
            await asyncio.sleep(10)
            await fake.shopper_writes(conversation, questions[1])
            await asyncio.sleep(30 - (time.monotonic() - down_at))
            refused = sum(1 for _m, _p, status in fake.api_calls if status == 503)
            assert refused >= 4, fake.api_calls  # retried meanwhile, backing off
            assert [who for who, _ in desk.seen_by_shopper(conversation)] == ["shopper"] * 2
            health = await desk.bridge.health()
            assert not health["ok"] and "503" in health["reason"] and health["calls_pending"] == 2
            fake.down = False
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if len(desk.seen_by_shopper(conversation)) == 4:
                    break
                await asyncio.sleep(0.5)
            await asyncio.sleep(2)  # nothing more arrives afterwards
        finally:
            await desk.bridge.stop()

    asyncio.run(scenario())
    seen = desk.seen_by_shopper(conversation)
    assert [who for who, _ in seen] == ["shopper", "shopper", "bot", "bot"], seen
    assert all("5-7 business days" in text for _, text in seen[2:])
    calls = desk.bridge.ledger.calls()
    assert [c.status for c in calls] == ["done", "done"]
    assert asyncio.run(desk.bridge.health()) == {
        "ok": True,
        "helpdesk": "chatwoot",
        "calls_done": 2,
        "events_done": 2,
    }
    assert calls[0].attempts >= 4  # the first reply waited through the outage
    stored = desk.shopbot_conversation(conversation)
    assert [m.role for m in stored.messages] == ["user", "assistant", "user", "assistant"]


def test_outside_business_hours_the_email_is_asked_for_and_noted(settings: Settings) -> None:
    from datetime import UTC, datetime

    from bot.settings import BusinessHoursSettings

    night = datetime(2026, 6, 9, 14, 0, tzinfo=UTC)  # Tuesday 22:00 in Shanghai
    hours = BusinessHoursSettings(timezone="Asia/Shanghai", weekly={"mon-fri": ["09:00-18:00"]})

    def night_bot(configured: Settings) -> ShopBot:
        bot = make_bot(configured.model_copy(update={"hours": hours}))
        bot.parts.notice.clock = lambda: night
        return bot

    desk = Desk(settings, night_bot)
    fake = desk.fake
    web = fake.open_conversation(name="Sam Lee")
    email = fake.open_conversation(inbox_id=2, name="Wang Fang", email="wang@example.cn")

    async def scenario() -> None:
        await fake.shopper_writes(web, ANGRY)
        await fake.shopper_writes(email, ANGRY)
        await desk.settle()
        await fake.shopper_writes(web, "sure: sam.lee@example.com")
        await desk.settle()

    try:
        asyncio.run(scenario())
    finally:
        desk.bot.close()
    said = [text for who, text in desk.seen_by_shopper(web) if who == "bot"]
    assert "reply tomorrow at 09:00 CST" in said[0] and "e-mail address" in said[0]
    assert said[1].startswith("Thank you! We'll reply to sam.lee@example.com tomorrow")
    first_note, email_note = desk.notes(web)
    assert (
        "handed over outside business hours; the shopper was told a person replies tomorrow at "
        "09:00 CST; e-mail asked for, none given yet"
    ) in first_note
    assert email_note.endswith("while the team was away: sam.lee@example.com")
    assert web.status == "open"
    # An e-mail conversation: the address is known, so it is not asked for.
    (mail_reply,) = [text for who, text in desk.seen_by_shopper(email) if who == "bot"]
    assert "tomorrow at 09:00 CST" in mail_reply and "e-mail address" not in mail_reply
    assert "e-mail wang@example.cn" in desk.notes(email)[0]


def test_what_an_agent_does_in_shopbots_console_happens_in_chatwoot(desk: Desk) -> None:
    """The console and the helpdesk API act on the bot (`agent_message`, `handback`,
    `close_conversation`); for a Chatwoot conversation the shopper is in Chatwoot, so the
    same reaches Chatwoot, once (its own echoes are not taken for new events)."""
    fake, bot = desk.fake, desk.bot
    desk.bridge.attach()  # as `shopbot serve` does at start-up
    conversation = fake.open_conversation()

    async def scenario() -> None:
        await fake.shopper_writes(conversation, ANGRY)
        await desk.settle()
        shopbot_id = desk.shopbot_conversation(conversation).id
        await asyncio.to_thread(
            bot.agent_message, shopbot_id, "Sorry about that! Fixing it.", "Dana"
        )
        await desk.settle()
        assert conversation.status == "open"
        await asyncio.to_thread(bot.handback, shopbot_id, "Dana")
        await desk.settle()
        assert conversation.status == "pending"
        await asyncio.to_thread(bot.close_conversation, shopbot_id)
        await desk.settle()

    asyncio.run(scenario())
    seen = desk.seen_by_shopper(conversation)
    assert seen[-2:] == [
        ("bot", "Dana: Sorry about that! Fixing it."),
        ("bot", "You're back with our virtual assistant. If you need a person again, just ask."),
    ]
    assert conversation.status == "resolved"
    stored = desk.shopbot_conversation(conversation)
    # No echo of Dana's reply; the hand-back's own notice is the bot's last word.
    assert [m.role for m in stored.messages] == ["user", "assistant", "agent", "assistant"]
    assert stored.messages[-1].data == {"notice": "handback"}
    assert stored.status == "closed"
