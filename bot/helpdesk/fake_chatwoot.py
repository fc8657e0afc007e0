"""A local fake Chatwoot: the part of Chatwoot an agent bot talks to, for tests and demos.

It is an ASGI app (run it in-process with httpx's ASGI transport, or under uvicorn) holding
accounts' conversations in memory, and a driver that plays the shopper and the human agents:
each message or status change is delivered to the agent bot's URL as Chatwoot delivers it.
What it reproduces, and where Chatwoot documents it:

- Payloads: ``message_created`` (the message, its ``sender``, ``inbox``, the whole
  ``conversation`` with ``channel``, ``status``, ``meta.sender`` and ``account``) and the
  conversation events ``conversation_opened``, ``conversation_resolved`` and
  ``conversation_status_changed`` (the conversation's own fields, ``changed_attributes``), as
  on https://www.chatwoot.com/docs/product/others/webhook-events/ (chatwoot/docs
  docs/product/others/webhook-events.md). ``conversation.id`` is the conversation's number in
  its account, the one the API takes.
- Agent bots: conversations of an inbox with a bot start ``pending``; the bot hands over by
  toggling to ``open``; agents give it back with ``pending``; messages the bot creates come
  back to it as ``outgoing`` with ``sender.type`` ``agent_bot``.
  https://www.chatwoot.com/docs/product/others/agent-bots/ (chatwoot/docs
  docs/product/others/agent-bots.md); app/listeners/agent_bot_listener.rb (which events a
  bot gets: older versions only ``conversation_opened``/``conversation_resolved``, newer ones
  also ``conversation_status_changed``: ``status_events``).
- The API: ``POST /api/v1/accounts/{account}/conversations/{id}/messages`` with
  ``content``, ``message_type``, ``private``, ``content_type``; ``POST .../toggle_status``
  with ``status`` (open, resolved, pending, snoozed), answering
  ``{"meta": {}, "payload": {"success", "current_status", "conversation_id"}}``; the token
  in the ``api_access_token`` header (chatwoot/chatwoot swagger:
  swagger/paths/application/conversation/messages/create.yml, toggle_status.yml,
  swagger/definitions/request/conversation/create_message_payload.yml).
- Delivery: signed like Chatwoot 4.13+ (``X-Chatwoot-Signature: sha256=HMAC(secret,
  "{timestamp}.{body}")``, ``X-Chatwoot-Timestamp``, ``X-Chatwoot-Delivery``; chatwoot/chatwoot
  PR #13892, issue #13862) or unsigned with the bot's URL as given (older versions); retried on
  429 and 500 (3 attempts, chatwoot/chatwoot PR #13521); a 5 s time-out
  (``WEBHOOK_TIMEOUT``); when a ``message_created`` delivery fails for good, a ``pending``
  conversation is opened to the team (lib/webhooks/trigger.rb, PR #12379).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.helpdesk.chatwoot import sign

INBOXES = {
    1: ("Northwind web chat", "Channel::WebWidget"),
    2: ("support@northwind.example", "Channel::Email"),
    3: ("Northwind WhatsApp", "Channel::Whatsapp"),
}
MESSAGE_TYPES = {"incoming": 0, "outgoing": 1, "activity": 2, "template": 3}
RETRY_STATUSES = (429, 500)
_ROUTE = re.compile(
    r"^/api/v1/accounts/(?P<account>\d+)/conversations/(?P<conversation>\d+)(?P<rest>/[a-z_]+)?$"
)


def _now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class FakeMessage:
    id: int
    content: str
    message_type: str  # incoming, outgoing, activity, template
    private: bool
    sender: dict[str, Any] | None
    created_at: int = field(default_factory=lambda: int(time.time()))
    content_type: str = "text"


@dataclass
class FakeConversation:
    id: int
    inbox_id: int
    contact: dict[str, Any]
    status: str = "pending"
    messages: list[FakeMessage] = field(default_factory=list)
    updated_at: str = field(default_factory=_now_iso)

    def public(self) -> list[FakeMessage]:
        """What the shopper sees: no private notes, no activity lines."""
        return [m for m in self.messages if not m.private and m.message_type != "activity"]


@dataclass
class Delivery:
    """One delivery of an event to the bot, as Chatwoot's job log would show it."""

    event: str
    delivery_id: str
    attempts: list[int | str]  # HTTP statuses, or the error of each attempt

    @property
    def ok(self) -> bool:
        return (
            bool(self.attempts) and isinstance(self.attempts[-1], int) and self.attempts[-1] < 300
        )


class FakeChatwoot:
    """One Chatwoot account with an agent bot connected to its inboxes."""

    def __init__(
        self,
        *,
        account_id: int = 1,
        bot_url: str = "http://shopbot.test/api/v1/integrations/chatwoot/webhook",
        bot_token: str = "bot-access-token",
        secret: str | None = "bot-webhook-secret",
        status_events: bool = True,
        deliver_transport: Any = None,
        retry_wait_s: float = 0.2,
        timeout_s: float = 5.0,
    ) -> None:
        self.account_id = account_id
        self.bot_url = bot_url
        self.bot_token = bot_token
        self.agent_token = "agent-user-token"
        self.secret = secret
        self.status_events = status_events
        self.deliver_transport = deliver_transport
        self.retry_wait_s = retry_wait_s
        self.timeout_s = timeout_s
        self.conversations: dict[int, FakeConversation] = {}
        self.deliveries: list[Delivery] = []
        self.api_calls: list[tuple[str, str, int]] = []  # (method, path, status)
        self.down = False
        """While true the API answers 503 (Chatwoot's web servers are down)."""
        self._ids = itertools.count(1)
        self._messages = itertools.count(100)
        self._contacts = itertools.count(10)
        self._last_payload: tuple[dict[str, Any], str] | None = None
        self._background: set[asyncio.Task[Any]] = set()

    # -- payloads (webhook-events.md) ---------------------------------------------------------
    def _account(self) -> dict[str, Any]:
        return {"id": self.account_id, "name": "Northwind Lane"}

    def _message_json(self, conversation: FakeConversation, message: FakeMessage) -> dict[str, Any]:
        """A message as the API returns it and conversation payloads list it (numbered type)."""
        return {
            "id": message.id,
            "content": message.content,
            "account_id": self.account_id,
            "inbox_id": conversation.inbox_id,
            "conversation_id": conversation.id,
            "message_type": MESSAGE_TYPES[message.message_type],
            "created_at": message.created_at,
            "private": message.private,
            "status": "sent",
            "source_id": None,
            "content_type": message.content_type,
            "content_attributes": {},
            "sender_type": (message.sender or {}).get("type"),
            "sender_id": (message.sender or {}).get("id"),
            "sender": message.sender,
        }

    def conversation_payload(self, conversation: FakeConversation) -> dict[str, Any]:
        """``conversation.webhook_data``: the body of conversation events and the
        ``conversation`` of message events."""
        _name, channel = INBOXES[conversation.inbox_id]
        return {
            "additional_attributes": {},
            "can_reply": True,
            "channel": channel,
            "id": conversation.id,
            "inbox_id": conversation.inbox_id,
            "contact_inbox": {
                "id": conversation.contact["id"],
                "contact_id": conversation.contact["id"],
                "inbox_id": conversation.inbox_id,
                "source_id": str(uuid.uuid5(uuid.NAMESPACE_URL, str(conversation.contact["id"]))),
                "hmac_verified": False,
            },
            "messages": [self._message_json(conversation, m) for m in conversation.messages[-1:]],
            "meta": {
                "sender": {**conversation.contact, "type": "contact"},
                "assignee": None,
            },
            "status": conversation.status,
            "unread_count": 0,
            "agent_last_seen_at": 0,
            "contact_last_seen_at": 0,
            "timestamp": int(time.time()),
            "updated_at": conversation.updated_at,
        }

    def message_payload(
        self, conversation: FakeConversation, message: FakeMessage
    ) -> dict[str, Any]:
        name, _channel = INBOXES[conversation.inbox_id]
        return {
            "id": message.id,
            "content": message.content,
            "created_at": datetime.fromtimestamp(message.created_at, UTC).isoformat(),
            "message_type": message.message_type,
            "content_type": message.content_type,
            "private": message.private,
            "content_attributes": {},
            "source_id": None,
            "sender": message.sender,
            "inbox": {"id": conversation.inbox_id, "name": name},
            "conversation": self.conversation_payload(conversation),
            "account": self._account(),
            "event": "message_created",
        }

    # -- delivering events to the bot ---------------------------------------------------------
    async def _deliver(self, payload: dict[str, Any], delivery_id: str | None = None) -> Delivery:
        import httpx

        body = json.dumps(payload).encode()
        delivery = Delivery(payload["event"], delivery_id or str(uuid.uuid4()), [])
        self._last_payload = (payload, delivery.delivery_id)
        async with httpx.AsyncClient(
            transport=self.deliver_transport, timeout=self.timeout_s
        ) as client:
            for attempt in range(3):
                headers = {"Content-Type": "application/json", "Accept": "application/json"}
                if self.secret is not None:
                    stamp = str(int(time.time()))
                    headers["X-Chatwoot-Timestamp"] = stamp
                    headers["X-Chatwoot-Signature"] = sign(self.secret, stamp, body)
                    headers["X-Chatwoot-Delivery"] = delivery.delivery_id
                try:
                    response = await client.post(self.bot_url, content=body, headers=headers)
                    delivery.attempts.append(response.status_code)
                    if response.status_code not in RETRY_STATUSES:
                        break
                except httpx.HTTPError as exc:
                    delivery.attempts.append(type(exc).__name__)
                    break  # a time-out or a refused connection is not retried
                if attempt < 2:
                    await asyncio.sleep(self.retry_wait_s)
        self.deliveries.append(delivery)
        if not delivery.ok and payload["event"] == "message_created":
            self._bot_failed(payload["conversation"]["id"])
        return delivery

    def _bot_failed(self, conversation_id: int) -> None:
        """Chatwoot's fallback: the bot failed, so people get the conversation."""
        conversation = self.conversations[conversation_id]
        if conversation.status == "pending":
            conversation.status = "open"
            self._add(
                conversation,
                "Conversation was marked open by system due to an error with the agent bot.",
                "activity",
                None,
            )

    async def redeliver_last(self) -> Delivery:
        """Deliver the last event again with its delivery id (what a retrying job does)."""
        assert self._last_payload is not None, "nothing was delivered yet"
        payload, delivery_id = self._last_payload
        return await self._deliver(payload, delivery_id)

    # -- the shopper and the agents -----------------------------------------------------------
    def _add(
        self,
        conversation: FakeConversation,
        content: str,
        message_type: str,
        sender: dict[str, Any] | None,
        private: bool = False,
    ) -> FakeMessage:
        message = FakeMessage(next(self._messages), content, message_type, private, sender)
        conversation.messages.append(message)
        conversation.updated_at = _now_iso()
        return message

    def open_conversation(
        self, inbox_id: int = 1, name: str = "Jane Doe", email: str | None = None
    ) -> FakeConversation:
        contact = {"id": next(self._contacts), "name": name, "email": email, "phone_number": None}
        conversation = FakeConversation(next(self._ids), inbox_id, contact)
        self.conversations[conversation.id] = conversation
        return conversation

    async def shopper_writes(self, conversation: FakeConversation, content: str) -> Delivery:
        sender = {**conversation.contact, "type": "contact"}
        message = self._add(conversation, content, "incoming", sender)
        return await self._deliver(self.message_payload(conversation, message))

    async def agent_writes(
        self,
        conversation: FakeConversation,
        content: str,
        agent: str = "Dana",
        private: bool = False,
    ) -> Delivery:
        sender = {"id": 1, "name": agent, "available_name": agent, "type": "user"}
        message = self._add(conversation, content, "outgoing", sender, private)
        return await self._deliver(self.message_payload(conversation, message))

    async def agent_sets_status(
        self, conversation: FakeConversation, status: str
    ) -> Delivery | None:
        """An agent changes the status in the dashboard (hand-back: ``pending``)."""
        return await self._status_changed(conversation, status)

    async def _status_changed(
        self, conversation: FakeConversation, status: str, previous: str | None = None
    ) -> Delivery | None:
        previous = conversation.status if previous is None else previous
        conversation.status = status
        conversation.updated_at = _now_iso()
        if previous == status:
            return None
        payload = self.conversation_payload(conversation)
        if self.status_events:
            payload["changed_attributes"] = {
                "status": {"previous_value": previous, "current_value": status}
            }
            return await self._deliver({**payload, "event": "conversation_status_changed"})
        legacy = {"open": "conversation_opened", "resolved": "conversation_resolved"}
        if status in legacy:
            return await self._deliver({**payload, "event": legacy[status]})
        return None  # older versions tell a bot nothing of a hand-back

    def _later(self, work: Any) -> None:
        """Deliver in the background, as Chatwoot's job queue does after the API answered."""
        task = asyncio.get_running_loop().create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def idle(self) -> None:
        """Wait until every delivery started by an API call is done."""
        while self._background:
            await asyncio.gather(*self._background, return_exceptions=True)

    # -- the API (ASGI) ------------------------------------------------------------------------
    async def __call__(
        self, scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]
    ) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        status, answer = await self._api(scope, body)
        self.api_calls.append((scope["method"], scope["path"], status))
        raw = json.dumps(answer).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": raw})

    async def _api(self, scope: dict[str, Any], body: bytes) -> tuple[int, dict[str, Any]]:
        if self.down:
            return 503, {"error": "Service Unavailable"}
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        token = headers.get("api_access_token")
        if token not in (self.bot_token, self.agent_token):
            return 401, {"error": "You need to sign in or sign up before continuing."}
        match = _ROUTE.match(scope["path"])
        if match is None or int(match["account"]) != self.account_id:
            return 404, {"error": "Resource could not be found"}
        conversation = self.conversations.get(int(match["conversation"]))
        if conversation is None:
            return 404, {"error": "Resource could not be found"}
        rest = match["rest"] or ""
        if scope["method"] == "GET" and rest == "":
            return 200, self.conversation_payload(conversation)
        if scope["method"] == "GET" and rest == "/messages":
            return 200, {
                "payload": [self._message_json(conversation, m) for m in conversation.messages]
            }
        if scope["method"] != "POST":
            return 404, {"error": "Resource could not be found"}
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            return 400, {"error": "Invalid JSON"}
        by_bot = token == self.bot_token
        if rest == "/messages":
            content = data.get("content")
            if not isinstance(content, str) or not content:
                return 422, {"error": "content is required"}
            sender = (
                {"id": 7, "name": "shopbot", "type": "agent_bot"}
                if by_bot
                else {"id": 1, "name": "Dana", "type": "user"}
            )
            kind = data.get("message_type", "outgoing")
            message = self._add(conversation, content, kind, sender, bool(data.get("private")))
            # Chatwoot tells the bot about every message, its own included (outgoing, agent_bot).
            self._later(self._deliver(self.message_payload(conversation, message)))
            return 200, self._message_json(conversation, message)
        if rest == "/toggle_status":
            status = data.get("status")
            if status not in ("open", "resolved", "pending", "snoozed"):
                return 422, {"error": "status is not valid"}
            previous, conversation.status = conversation.status, status  # saved, then told
            self._later(self._status_changed(conversation, status, previous))
            return 200, {
                "meta": {},
                "payload": {
                    "success": True,
                    "current_status": status,
                    "conversation_id": conversation.id,
                },
            }
        return 404, {"error": "Resource could not be found"}
