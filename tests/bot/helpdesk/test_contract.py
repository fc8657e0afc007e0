"""What every `Helpdesk` adapter must do, whichever helpdesk it speaks to. An adapter for
another helpdesk adds a kit (its adapter, a fake of its API, deliveries as it sends them) to
``KITS``; these tests then run against it too."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import httpx
import pytest
from pydantic import SecretStr

from bot.errors import EventNotVerified, HelpdeskRejected, HelpdeskUnavailable
from bot.helpdesk import Action, ActionKind, DeskStatus, EventKind, Helpdesk, HelpdeskEvent
from bot.helpdesk.chatwoot import ChatwootHelpdesk, sign
from bot.helpdesk.fake_chatwoot import FakeChatwoot
from bot.settings import ChatwootSettings


@dataclass
class Delivery:
    body: bytes
    headers: dict[str, str]
    query: dict[str, str]


class Kit(Protocol):
    """One helpdesk's adapter with a fake of the helpdesk around it."""

    helpdesk: Helpdesk

    def shopper_message(self, text: str) -> Delivery: ...

    def agent_message(self, text: str, agent: str) -> Delivery: ...

    def handed_back(self) -> Delivery: ...

    def forged(self, delivery: Delivery) -> Delivery: ...

    def created(self) -> list[dict[str, Any]]:
        """What the helpdesk holds for the conversation: {"text", "private"} per message,
        and {"status"} last."""
        ...

    def go_down(self, down: bool) -> None: ...


class ChatwootKit:
    def __init__(self) -> None:
        self.fake = FakeChatwoot(
            deliver_transport=httpx.MockTransport(lambda r: httpx.Response(200))
        )
        settings = ChatwootSettings(
            base_url="http://chatwoot.test",
            api_token=SecretStr(self.fake.bot_token),
            account_id=self.fake.account_id,
            webhook_secret=SecretStr(str(self.fake.secret)),
        )
        self.helpdesk = ChatwootHelpdesk(settings, httpx.ASGITransport(app=self.fake))
        self.conversation = self.fake.open_conversation()

    def _signed(self, payload: dict[str, Any]) -> Delivery:
        body = json.dumps(payload).encode()
        stamp = str(int(time.time()))
        headers = {
            "X-Chatwoot-Timestamp": stamp,
            "X-Chatwoot-Signature": sign(str(self.fake.secret), stamp, body),
        }
        return Delivery(body, headers, {})

    def shopper_message(self, text: str) -> Delivery:
        sender = {**self.conversation.contact, "type": "contact"}
        message = self.fake._add(self.conversation, text, "incoming", sender)
        return self._signed(self.fake.message_payload(self.conversation, message))

    def agent_message(self, text: str, agent: str) -> Delivery:
        sender = {"id": 1, "name": agent, "available_name": agent, "type": "user"}
        message = self.fake._add(self.conversation, text, "outgoing", sender)
        return self._signed(self.fake.message_payload(self.conversation, message))

    def handed_back(self) -> Delivery:
        self.conversation.status = "pending"
        payload = self.fake.conversation_payload(self.conversation)
        return self._signed({**payload, "event": "conversation_status_changed"})

    def forged(self, delivery: Delivery) -> Delivery:
        return Delivery(delivery.body.replace(b'"content"', b'"content" '), delivery.headers, {})

    def created(self) -> list[dict[str, Any]]:
        made = [
            {"text": m.content, "private": m.private}
            for m in self.conversation.messages
            if (m.sender or {}).get("type") == "agent_bot"
        ]
        return [*made, {"status": self.conversation.status}]

    def go_down(self, down: bool) -> None:
        self.fake.down = down


KITS = {"chatwoot": ChatwootKit}


@pytest.fixture(params=sorted(KITS))
def kit(request: pytest.FixtureRequest) -> Iterator[Kit]:
    made = KITS[request.param]()
    yield made
    asyncio.run(made.helpdesk.aclose())


def read(kit: Kit, delivery: Delivery) -> list[HelpdeskEvent]:
    headers = {k.lower(): v for k, v in delivery.headers.items()}
    kit.helpdesk.verify(delivery.body, headers, delivery.query)
    return kit.helpdesk.parse(delivery.body, headers)


def test_a_shopper_message_reads_as_one(kit: Kit) -> None:
    first = kit.shopper_message("Where is my parcel?")
    (event,) = read(kit, first)
    assert event.kind is EventKind.SHOPPER_MESSAGE and event.content == "Where is my parcel?"
    assert event.desk_status is DeskStatus.BOT
    assert event.ref.shopbot_id.startswith(kit.helpdesk.name + "-")
    assert read(kit, first)[0].key == event.key  # a redelivery: the same key
    (later,) = read(kit, kit.shopper_message("Hello?"))
    assert later.key != event.key and later.ref == event.ref
    assert HelpdeskEvent.from_dict(json.loads(json.dumps(event.as_dict()))) == event


def test_an_agents_message_and_a_hand_back_read_as_such(kit: Kit) -> None:
    (agent,) = read(kit, kit.agent_message("Dana here.", "Dana"))
    assert agent.kind is EventKind.AGENT_MESSAGE and agent.author == "Dana"
    (back,) = read(kit, kit.handed_back())
    assert back.kind is EventKind.STATUS_CHANGED and back.desk_status is DeskStatus.BOT


def test_a_forged_delivery_is_refused(kit: Kit) -> None:
    delivery = kit.shopper_message("Where is my parcel?")
    with pytest.raises(EventNotVerified):
        read(kit, kit.forged(delivery))
    with pytest.raises(EventNotVerified):
        read(kit, type(delivery)(delivery.body, {}, {}))


def test_actions_reach_the_helpdesk_and_failures_are_sorted(kit: Kit) -> None:
    (event,) = read(kit, kit.shopper_message("I want a person"))

    async def scenario() -> None:
        done = await kit.helpdesk.perform(
            Action(ActionKind.REPLY, event.ref, "A person will reply.")
        )
        assert done.external_id
        await kit.helpdesk.perform(Action(ActionKind.NOTE, event.ref, "Why: asked for a human"))
        await kit.helpdesk.perform(Action(ActionKind.HAND_TO_TEAM, event.ref))
        kit.go_down(True)
        with pytest.raises(HelpdeskUnavailable):
            await kit.helpdesk.perform(Action(ActionKind.REPLY, event.ref, "lost?"))
        kit.go_down(False)
        gone = type(event.ref)(event.ref.helpdesk, event.ref.account, "99999", None)
        with pytest.raises(HelpdeskRejected):
            await kit.helpdesk.perform(Action(ActionKind.REPLY, gone, "nobody"))
        await kit.helpdesk.perform(Action(ActionKind.RETURN_TO_BOT, event.ref))

    asyncio.run(scenario())
    assert kit.created() == [
        {"text": "A person will reply.", "private": False},
        {"text": "Why: asked for a human", "private": True},
        {"status": "pending"},
    ]
