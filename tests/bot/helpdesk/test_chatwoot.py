"""The Chatwoot adapter on its own: events verified, Chatwoot's documented payloads read, its
API called as documented (against the fake Chatwoot, in-process)."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from bot.errors import EventMalformed, EventNotVerified, HelpdeskRejected, HelpdeskUnavailable
from bot.helpdesk import Action, ActionKind, ChannelKind, ConversationRef, DeskStatus, EventKind
from bot.helpdesk.chatwoot import ChatwootHelpdesk, sign
from bot.helpdesk.fake_chatwoot import FakeChatwoot
from bot.settings import ChatwootSettings, Settings

FIXTURES = Path(__file__).parent / "fixtures"
SECRET = "bot-webhook-secret"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def adapter(**values: object) -> ChatwootHelpdesk:
    base = {
        "base_url": "http://chatwoot.test",
        "api_token": SecretStr("bot-access-token"),
        "account_id": 1,
        "webhook_secret": SecretStr(SECRET),
    }
    return ChatwootHelpdesk(ChatwootSettings.model_validate({**base, **values}))


def signed(body: bytes, secret: str = SECRET, at: float | None = None) -> dict[str, str]:
    stamp = str(int(at if at is not None else time.time()))
    return {"x-chatwoot-timestamp": stamp, "x-chatwoot-signature": sign(secret, stamp, body)}


# -- verification ------------------------------------------------------------------------------
def test_a_signed_event_is_verified_and_a_forged_one_refused() -> None:
    desk, body = adapter(), fixture("message_created.json")
    desk.verify(body, signed(body), {})
    with pytest.raises(EventNotVerified, match="does not match"):
        desk.verify(body, signed(body, "another-secret"), {})
    with pytest.raises(EventNotVerified, match="does not match"):
        desk.verify(body.replace(b'"hi"', b'"ho"'), signed(body), {})  # tampered
    with pytest.raises(EventNotVerified, match="neither"):
        desk.verify(body, {}, {})


def test_an_old_signature_is_a_replay() -> None:
    desk, body = adapter(), fixture("message_created.json")
    with pytest.raises(EventNotVerified, match="max_clock_skew_s"):
        desk.verify(body, signed(body, at=time.time() - 3600), {})


def test_unsigned_chatwoot_versions_are_verified_by_the_url_token() -> None:
    desk = adapter(webhook_secret=None, webhook_token=SecretStr("t0k3n"))
    body = fixture("message_created.json")
    desk.verify(body, {}, {"token": "t0k3n"})
    with pytest.raises(EventNotVerified, match="not the configured"):
        desk.verify(body, {}, {"token": "guess"})


def test_nothing_configured_says_how_to_verify() -> None:
    with pytest.raises(EventNotVerified, match="SHOPBOT_CHATWOOT__WEBHOOK_SECRET"):
        adapter(webhook_secret=None).verify(b"{}", {}, {})


def test_secrets_are_refused_in_the_config_file(tmp_path: Path) -> None:
    from bot.errors import ConfigError

    config = tmp_path / "shopbot.toml"
    config.write_text('[chatwoot]\nbase_url = "https://chat.example"\napi_token = "abc"\n')
    with pytest.raises(ConfigError, match="SHOPBOT_CHATWOOT__API_TOKEN"):
        Settings.load({"SHOPBOT_CONFIG": str(config)})
    config.write_text('[chatwoot]\nbase_url = "https://chat.example"\naccount_id = 3\n')
    env = {"SHOPBOT_CONFIG": str(config), "SHOPBOT_CHATWOOT__API_TOKEN": "abc"}
    loaded = Settings.load(env).chatwoot
    assert loaded.enabled and loaded.account_id == 3
    assert "abc" not in json.dumps(Settings.load(env).masked())


# -- Chatwoot's documented payloads --------------------------------------------------------------
def test_the_documented_message_created_sample_is_a_shopper_message() -> None:
    body = fixture("message_created.json")
    (event,) = adapter().parse(body, {})
    assert event.kind is EventKind.SHOPPER_MESSAGE
    assert event.content == "hi" and event.message_id == "118"
    assert event.ref == ConversationRef("chatwoot", "1", "10", "1")
    assert event.ref.shopbot_id == "chatwoot-1-10"
    assert event.desk_status is DeskStatus.TEAM  # the sample's conversation is open
    assert event.channel is ChannelKind.CHAT and event.channel_name == "web"
    assert event.contact.name == "little-haze-776"
    assert event.key == "message:1:118"  # a redelivery has the same key


def test_the_documented_status_samples_are_status_changes() -> None:
    desk = adapter()
    (changed,) = desk.parse(fixture("conversation_status_changed.json"), {})
    assert changed.kind is EventKind.STATUS_CHANGED and changed.desk_status is DeskStatus.TEAM
    assert changed.ref.shopbot_id == "chatwoot-1-10"
    assert changed.contact.email == "jane@acme.inc"
    # conversation_opened carries the status before the change: the event's name decides.
    (opened,) = desk.parse(fixture("conversation_opened.json"), {})
    assert opened.desk_status is DeskStatus.TEAM
    with_delivery = desk.parse(fixture("conversation_opened.json"), {"x-chatwoot-delivery": "d1"})
    assert with_delivery[0].key.endswith(":d1")


def _message(**changes: object) -> bytes:
    payload = json.loads(fixture("message_created.json"))
    payload.update(changes)
    return json.dumps(payload).encode()


def test_what_shopbot_leaves_alone() -> None:
    desk = adapter()
    bot_echo = _message(message_type="outgoing", sender={"id": 3, "type": "agent_bot"})
    note = _message(message_type="outgoing", private=True, sender={"id": 1, "type": "user"})
    activity = _message(message_type="activity", sender=None)
    empty = _message(content=None)  # an attachment alone
    for body in (bot_echo, note, activity, empty):
        assert desk.parse(body, {}) == []
    typing = json.dumps({"event": "conversation_typing_on", "conversation": {}}).encode()
    assert desk.parse(typing, {}) == []
    other_account = _message(account={"id": 99, "name": "Someone else"})
    assert desk.parse(other_account, {}) == []
    assert adapter(inbox_ids=[2]).parse(fixture("message_created.json"), {}) == []


def test_an_agents_reply_is_an_agent_message() -> None:
    agent = {"id": 1, "name": "John", "available_name": "John D.", "type": "user"}
    (event,) = adapter().parse(_message(message_type="outgoing", sender=agent), {})
    assert event.kind is EventKind.AGENT_MESSAGE and event.author == "John D."


def test_payloads_chatwoot_never_sends_are_refused() -> None:
    desk = adapter()
    for body in (b"not json", b"[]", b'{"no": "event"}'):
        with pytest.raises(EventMalformed):
            desk.parse(body, {})
    with pytest.raises(EventMalformed):
        desk.parse(json.dumps({"event": "message_created", "content": "x"}).encode(), {})


def test_the_fake_chatwoot_sends_what_the_docs_show() -> None:
    """The fake's payloads have the documented sample's keys, so tests against the fake
    exercise what real Chatwoot sends."""
    fake = FakeChatwoot()
    conversation = fake.open_conversation()
    shopper = {**conversation.contact, "type": "contact"}
    message = fake._add(conversation, "hello", "incoming", shopper)
    produced = fake.message_payload(conversation, message)
    documented = json.loads(fixture("message_created.json"))
    documented.pop("_source")
    assert set(documented) <= set(produced)
    assert set(documented["conversation"]) - {"additional_attributes"} <= set(
        produced["conversation"]
    )
    status = fake.conversation_payload(conversation)
    documented_status = json.loads(fixture("conversation_status_changed.json"))
    assert set(documented_status) - {"_source", "event"} <= set(status)


# -- calls to Chatwoot -----------------------------------------------------------------------------
def test_replies_notes_and_hand_offs_go_through_chatwoots_api() -> None:
    fake = FakeChatwoot(deliver_transport=httpx.MockTransport(lambda r: httpx.Response(200)))
    desk = ChatwootHelpdesk(adapter().settings, httpx.ASGITransport(app=fake))
    conversation = fake.open_conversation()
    ref = ConversationRef("chatwoot", "1", str(conversation.id), "1")

    async def scenario() -> None:
        done = await desk.perform(Action(ActionKind.REPLY, ref, "Refunds take 5-7 days."))
        assert done.external_id == str(conversation.messages[-1].id)
        await desk.perform(Action(ActionKind.NOTE, ref, "Why: asked for a human"))
        await desk.perform(Action(ActionKind.HAND_TO_TEAM, ref))
        await fake.idle()
        await desk.aclose()

    asyncio.run(scenario())
    reply, note = conversation.messages
    assert reply.sender["type"] == "agent_bot" and not reply.private
    assert note.private and "Why" in note.content
    assert conversation.status == "open"
    assert [call[1].rsplit("/", 1)[1] for call in fake.api_calls] == [
        "messages",
        "messages",
        "toggle_status",
    ]


def test_chatwoot_failures_are_sorted_into_retry_and_give_up() -> None:
    fake = FakeChatwoot()
    conversation = fake.open_conversation()
    ref = ConversationRef("chatwoot", "1", str(conversation.id))
    gone = ConversationRef("chatwoot", "1", "999")

    async def scenario() -> None:
        desk = ChatwootHelpdesk(adapter().settings, httpx.ASGITransport(app=fake))
        fake.down = True
        with pytest.raises(HelpdeskUnavailable, match="503"):
            await desk.perform(Action(ActionKind.REPLY, ref, "hi"))
        fake.down = False
        with pytest.raises(HelpdeskRejected, match="404"):
            await desk.perform(Action(ActionKind.REPLY, gone, "hi"))
        wrong = adapter(api_token=SecretStr("wrong")).settings
        with pytest.raises(HelpdeskUnavailable, match="SHOPBOT_CHATWOOT__API_TOKEN"):
            await ChatwootHelpdesk(wrong, httpx.ASGITransport(app=fake)).perform(
                Action(ActionKind.REPLY, ref, "hi")
            )

        def refuse(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("connection refused", request=request)

        unreachable = ChatwootHelpdesk(adapter().settings, httpx.MockTransport(refuse))
        with pytest.raises(HelpdeskUnavailable, match="cannot be reached"):
            await unreachable.perform(Action(ActionKind.HAND_TO_TEAM, ref))

    asyncio.run(scenario())
    assert conversation.messages == []
