"""Chatwoot as a `Helpdesk`: shopbot connected as an agent bot of one or more inboxes.

What Chatwoot documents, and this adapter relies on:
- Agent bots: new conversations of a connected inbox start as ``pending`` (the bot's); the
  bot hands off by toggling the status to ``open``; agents give a conversation back by setting
  it to ``pending`` again. https://www.chatwoot.com/docs/product/others/agent-bots/
- Events arrive as webhooks (``message_created``, ``conversation_opened``,
  ``conversation_resolved``, ``conversation_status_changed`` ...), payloads as in
  https://www.chatwoot.com/docs/product/others/webhook-events/ (``message_type`` is
  ``incoming``/``outgoing``; ``private`` marks notes; ``sender.type`` is ``contact``,
  ``user`` or ``agent_bot``; ``conversation.id`` is the number the API takes).
- Chatwoot 4.13+ signs agent-bot events (chatwoot/chatwoot#13892): ``X-Chatwoot-Signature:
  sha256=HMAC-SHA256(secret, "{X-Chatwoot-Timestamp}.{raw body}")``, and sends
  ``X-Chatwoot-Delivery``. Older versions sign nothing and cannot send headers
  (chatwoot/chatwoot#4732): a random ``?token=`` in the bot's URL verifies those.
- An event is retried on 429/500 and, once the retries are spent or after a time-out
  (``WEBHOOK_TIMEOUT``, 5 s by default), Chatwoot opens the conversation to the team
  (chatwoot/chatwoot#12379, #13521): events are acknowledged at once and answered afterwards.
- Replies and private notes: ``POST /api/v1/accounts/{account}/conversations/{id}/messages``
  ``{"content", "message_type": "outgoing", "private"}``; hand-off: ``POST .../toggle_status``
  ``{"status": "open"}``; the agent bot's access token goes in the ``api_access_token``
  header (Chatwoot's swagger: swagger/paths/application/conversation/messages/create.yml,
  toggle_status.yml).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Mapping
from typing import Any

from bot.errors import (
    EventMalformed,
    EventNotVerified,
    HelpdeskRejected,
    HelpdeskUnavailable,
)
from bot.helpdesk.contract import (
    Action,
    ActionKind,
    ChannelKind,
    Contact,
    ConversationRef,
    DeskStatus,
    Done,
    EventKind,
    HelpdeskEvent,
)
from bot.settings import ChatwootSettings

log = logging.getLogger(__name__)
NAME = "chatwoot"
SIGNATURE_HEADER = "x-chatwoot-signature"
TIMESTAMP_HEADER = "x-chatwoot-timestamp"
DELIVERY_HEADER = "x-chatwoot-delivery"
TOKEN_PARAMETER = "token"

STATUSES = {
    "pending": DeskStatus.BOT,
    "open": DeskStatus.TEAM,
    "snoozed": DeskStatus.TEAM,
    "resolved": DeskStatus.RESOLVED,
}
STATUS_EVENTS = {"conversation_opened": "open", "conversation_resolved": "resolved"}
CHANNELS = {
    "Channel::WebWidget": ("web", ChannelKind.CHAT),
    "Channel::Email": ("email", ChannelKind.EMAIL),
    "Channel::Whatsapp": ("whatsapp", ChannelKind.MESSAGING),
    "Channel::TwilioSms": ("sms", ChannelKind.MESSAGING),
    "Channel::Sms": ("sms", ChannelKind.MESSAGING),
    "Channel::Telegram": ("telegram", ChannelKind.MESSAGING),
    "Channel::Line": ("line", ChannelKind.MESSAGING),
    "Channel::FacebookPage": ("facebook", ChannelKind.MESSAGING),
    "Channel::Instagram": ("instagram", ChannelKind.MESSAGING),
    "Channel::TwitterProfile": ("twitter", ChannelKind.MESSAGING),
    "Channel::Tiktok": ("tiktok", ChannelKind.MESSAGING),
    "Channel::Api": ("api", ChannelKind.CHAT),
}
# Conversation payloads number message types; message payloads name them.
MESSAGE_TYPES = {0: "incoming", 1: "outgoing", 2: "activity", 3: "template"}


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Chatwoot's signature of a delivery (what the fake Chatwoot sends too)."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def _text(value: Any) -> str:
    return "" if value is None else str(value)


class ChatwootHelpdesk:
    """`Helpdesk` for Chatwoot. ``transport`` (an httpx transport) lets tests talk to a fake
    Chatwoot in-process."""

    name = NAME

    def __init__(self, settings: ChatwootSettings, transport: Any = None) -> None:
        self.settings = settings
        self._transport = transport
        self._client: Any = None

    # -- incoming events -------------------------------------------------------------------
    def verify(self, body: bytes, headers: Mapping[str, str], query: Mapping[str, str]) -> None:
        secret = self.settings.webhook_secret
        token = self.settings.webhook_token
        if secret is None and token is None:
            raise EventNotVerified(
                "Chatwoot events cannot be verified: set SHOPBOT_CHATWOOT__WEBHOOK_SECRET to the "
                "agent bot's secret (Chatwoot 4.13+), or SHOPBOT_CHATWOOT__WEBHOOK_TOKEN to a "
                "random string and end the bot's webhook URL with ?token=THAT_STRING."
            )
        signature = headers.get(SIGNATURE_HEADER)
        if secret is not None and signature:
            stamp = headers.get(TIMESTAMP_HEADER, "")
            try:
                skew = abs(time.time() - float(stamp))
            except ValueError:
                raise EventNotVerified(f"{TIMESTAMP_HEADER} is missing or not a number.") from None
            if skew > self.settings.max_clock_skew_s:
                raise EventNotVerified(
                    f"The event was signed {skew:.0f} s away from now (more than "
                    f"chatwoot.max_clock_skew_s = {self.settings.max_clock_skew_s:g}): a replay, "
                    "or a clock to set right."
                )
            if hmac.compare_digest(sign(secret.get_secret_value(), stamp, body), signature):
                return
            raise EventNotVerified(
                "The event's X-Chatwoot-Signature does not match: check that "
                "SHOPBOT_CHATWOOT__WEBHOOK_SECRET is the agent bot's current secret."
            )
        given = query.get(TOKEN_PARAMETER, "")
        if token is not None and given:
            if hmac.compare_digest(given.encode(), token.get_secret_value().encode()):
                return
            raise EventNotVerified("The ?token= of the webhook URL is not the configured one.")
        raise EventNotVerified(
            "The event carries neither an X-Chatwoot-Signature nor a ?token= that shopbot "
            "accepts (chatwoot.webhook_secret / chatwoot.webhook_token)."
        )

    def parse(self, body: bytes, headers: Mapping[str, str]) -> list[HelpdeskEvent]:
        try:
            payload = json.loads(body)
        except ValueError as exc:
            raise EventMalformed(f"A Chatwoot event must be JSON: {exc}") from exc
        if not isinstance(payload, dict) or not isinstance(payload.get("event"), str):
            raise EventMalformed("A Chatwoot event is a JSON object with an 'event' name.")
        name = payload["event"]
        if name == "message_created":
            event = self._message(payload)
        elif name in STATUS_EVENTS or name == "conversation_status_changed":
            event = self._status(payload, name, headers.get(DELIVERY_HEADER))
        else:  # widget opened, typing, contact changes, message edits: nothing to do
            return []
        if event is None or not self._served(payload, event):
            return []
        return [event]

    def _served(self, payload: dict[str, Any], event: HelpdeskEvent) -> bool:
        account = event.ref.account
        if self.settings.account_id is not None and account != str(self.settings.account_id):
            log.warning(
                "Chatwoot event for account %s ignored (serving %s).",
                account,
                self.settings.account_id,
            )
            return False
        inboxes = self.settings.inbox_ids
        return not inboxes or (event.ref.inbox or "") in {str(i) for i in inboxes}

    def _ref(self, payload: dict[str, Any], conversation: dict[str, Any]) -> ConversationRef:
        account = (payload.get("account") or {}).get("id")
        if account is None:
            messages = conversation.get("messages") or [{}]
            account = messages[0].get("account_id") or self.settings.account_id
        number = conversation.get("display_id") or conversation.get("id")
        if number is None or account is None:
            raise EventMalformed("A Chatwoot event names its conversation (conversation.id).")
        inbox = conversation.get("inbox_id") or (payload.get("inbox") or {}).get("id")
        return ConversationRef(NAME, _text(account), _text(number), _text(inbox) or None)

    @staticmethod
    def _contact(conversation: dict[str, Any], sender: dict[str, Any]) -> Contact:
        meta_sender = (conversation.get("meta") or {}).get("sender") or {}
        email = meta_sender.get("email") or sender.get("email")
        return Contact(meta_sender.get("name") or sender.get("name"), email or None)

    def _message(self, payload: dict[str, Any]) -> HelpdeskEvent | None:
        conversation = payload.get("conversation")
        if not isinstance(conversation, dict):
            raise EventMalformed("A Chatwoot message_created event carries its conversation.")
        kind = payload.get("message_type")
        kind = MESSAGE_TYPES.get(kind, kind) if isinstance(kind, int) else kind
        sender = payload.get("sender") or {}
        content = _text(payload.get("content")).strip()
        if payload.get("private") or not content:
            return None  # notes are the team's own; attachments alone are left to people
        if kind == "incoming":
            event_kind = EventKind.SHOPPER_MESSAGE
        elif kind == "outgoing" and sender.get("type") == "user":
            event_kind = EventKind.AGENT_MESSAGE
        else:  # the bot's own echo, automation, activity lines
            return None
        ref = self._ref(payload, conversation)
        channel_name, channel = CHANNELS.get(
            _text(conversation.get("channel")), ("chat", ChannelKind.CHAT)
        )
        message_id = _text(payload.get("id"))
        if not message_id:
            raise EventMalformed("A Chatwoot message_created event carries the message id.")
        author = sender.get("available_name") or sender.get("name")
        return HelpdeskEvent(
            key=f"message:{ref.account}:{message_id}",
            kind=event_kind,
            ref=ref,
            desk_status=STATUSES.get(_text(conversation.get("status"))),
            content=content,
            channel=channel,
            channel_name=channel_name,
            message_id=message_id,
            author=(_text(author) or None) if event_kind is EventKind.AGENT_MESSAGE else None,
            contact=self._contact(conversation, sender if kind == "incoming" else {}),
        )

    def _status(
        self, payload: dict[str, Any], name: str, delivery: str | None
    ) -> HelpdeskEvent | None:
        status = STATUS_EVENTS.get(name) or _text(payload.get("status"))
        if status not in STATUSES:
            return None
        ref = self._ref(payload, payload)
        # A redelivery repeats the delivery id; without one, the moment of the change.
        when = payload.get("updated_at") or payload.get("timestamp") or ""
        stamp = delivery or f"{status}:{when}"
        channel_name, channel = CHANNELS.get(
            _text(payload.get("channel")), ("chat", ChannelKind.CHAT)
        )
        return HelpdeskEvent(
            key=f"status:{ref.account}:{ref.conversation}:{stamp}",
            kind=EventKind.STATUS_CHANGED,
            ref=ref,
            desk_status=STATUSES[status],
            channel=channel,
            channel_name=channel_name,
            contact=self._contact(payload, {}),
        )

    # -- calls to Chatwoot ------------------------------------------------------------------
    def _http(self) -> Any:
        if self._client is None:
            import httpx

            if not self.settings.enabled:
                from bot.errors import ConfigError

                raise ConfigError(
                    "Chatwoot is not configured: set SHOPBOT_CHATWOOT__BASE_URL, "
                    "SHOPBOT_CHATWOOT__ACCOUNT_ID and SHOPBOT_CHATWOOT__API_TOKEN."
                )
            assert self.settings.api_token is not None and self.settings.base_url
            self._client = httpx.AsyncClient(
                base_url=self.settings.base_url.rstrip("/"),
                headers={"api_access_token": self.settings.api_token.get_secret_value()},
                timeout=self.settings.timeout_s,
                transport=self._transport,
            )
        return self._client

    async def perform(self, action: Action) -> Done:
        ref = action.ref
        path = f"/api/v1/accounts/{ref.account}/conversations/{ref.conversation}"
        if action.kind in (ActionKind.REPLY, ActionKind.NOTE):
            body = {
                "content": action.content,
                "message_type": "outgoing",
                "private": action.kind is ActionKind.NOTE,
                "content_type": "text",
            }
            answer = await self._call(f"{path}/messages", body)
            created = answer.get("id")
            return Done(_text(created) or None)
        status = {
            ActionKind.HAND_TO_TEAM: "open",
            ActionKind.RETURN_TO_BOT: "pending",
            ActionKind.RESOLVE: "resolved",
        }[action.kind]
        await self._call(f"{path}/toggle_status", {"status": status})
        return Done()

    async def _call(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        import httpx

        try:
            response = await self._http().post(path, json=body)
        except httpx.HTTPError as exc:
            raise HelpdeskUnavailable(
                f"Chatwoot cannot be reached: {type(exc).__name__}: {exc}"
            ) from exc
        status = response.status_code
        if status < 300:
            try:
                answer = response.json()
            except ValueError:
                answer = {}
            return answer if isinstance(answer, dict) else {}
        if status == 429 or status >= 500:
            retry = response.headers.get("retry-after")
            raise HelpdeskUnavailable(
                f"Chatwoot answered HTTP {status} to {path}",
                retry_after_s=float(retry) if retry and retry.isdigit() else None,
            )
        if status in (401, 403):
            # Not given up: once the token is set right, everything queued goes out.
            raise HelpdeskUnavailable(
                f"Chatwoot refused shopbot's token (HTTP {status}) for {path}: check "
                "SHOPBOT_CHATWOOT__API_TOKEN (the agent bot's access token) and "
                "SHOPBOT_CHATWOOT__ACCOUNT_ID."
            )
        raise HelpdeskRejected(f"Chatwoot answered HTTP {status} to {path}: {response.text[:300]}")

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
