"""Handing a conversation to humans: the handoff packet and the signed webhook.

A handoff is written to the database outbox in the same breath as the status change, then
delivered by `WebhookDispatcher`, which signs each call with HMAC-SHA256 and retries with
back-off until the helpdesk accepts it; a target that is down loses nothing.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from typing import Any

from bot.privacy import mask_personal_data
from bot.reasons import Reason, codes, texts
from bot.settings import EscalationSettings
from bot.status import ConversationStatus
from bot.store import ConversationStore, StoredConversation

log = logging.getLogger(__name__)
SIGNATURE_HEADER = "X-Shopbot-Signature"
TIMESTAMP_HEADER = "X-Shopbot-Timestamp"


def _clip(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def summarize(
    conversation: StoredConversation, reasons: list[str], mask_personal: bool = False
) -> str:
    """A short extractive summary a human agent can read in five seconds; with
    ``mask_personal``, emails, phones, cards and addresses masked (the summary travels to
    helpdesks and chat tools that need not hold them)."""
    shopper = [m.content for m in conversation.messages if m.role == "user"]
    bot = [m for m in conversation.messages if m.role == "assistant"]
    parts = []
    if shopper:
        parts.append(f'Shopper first wrote: "{_clip(shopper[0])}"')
    if len(shopper) > 1:
        parts.append(f'Latest: "{_clip(shopper[-1])}"')
    answered = [m for m in bot if not m.data.get("no_knowledge") and not m.data.get("handoff")]
    unanswered = [m for m in bot if m.data.get("no_knowledge")]
    parts.append(
        f"The bot replied {len(answered)} time(s)"
        + (f" and found no answer {len(unanswered)} time(s)" if unanswered else "")
        + "."
    )
    if reasons:
        parts.append("Handed over because: " + "; ".join(reasons) + ".")
    summary = " ".join(parts)
    return mask_personal_data(summary) if mask_personal else summary


def handoff_packet(
    conversation: StoredConversation, reasons: list[Reason], mask_summary: bool = False
) -> dict[str, Any]:
    """Everything the human needs: transcript, summary, what the bot tried, scores, reasons."""
    transcript = [
        {
            "position": m.position,
            "role": m.role,
            "content": m.content,
            "at": m.created_at.isoformat(),
            **({"sentiment": m.data["sentiment"]} if "sentiment" in m.data else {}),
            **({"agent": m.data["agent"]} if "agent" in m.data else {}),
        }
        for m in conversation.messages
    ]
    tried = []
    for message in conversation.messages:
        if message.role == "assistant" and message.data.get("sources"):
            tried.append(
                {
                    "reply": message.content,
                    "sources": [
                        {k: s.get(k) for k in ("id", "title", "source", "score") if k in s}
                        for s in message.data["sources"]
                    ],
                }
            )
    scores = [m.data["sentiment"] for m in conversation.messages if "sentiment" in m.data]
    return {
        "event": "conversation.escalated",
        "conversation_id": conversation.id,
        "status": ConversationStatus.WAITING_FOR_AGENT.value,
        "language": conversation.language,
        "reasons": texts(reasons),
        "reason_codes": codes(reasons),
        "summary": summarize(conversation, texts(reasons), mask_summary),
        "transcript": transcript,
        "bot_tried": tried,
        # An order request outside the policy: what was asked, checked and refused.
        **(
            {"order_case": conversation.data["order_case"]}
            if conversation.data.get("order_case")
            else {}
        ),
        # Handed over outside business hours: when people are back, the e-mail left.
        **({"offline": conversation.data["offline"]} if conversation.data.get("offline") else {}),
        "scores": {
            "latest": scores[-1] if scores else None,
            "max_dissatisfaction": max((s["dissatisfaction"] for s in scores), default=0.0),
            "predicted_csat": conversation.data.get("predicted_csat"),
        },
    }


def sign(body: bytes, secret: str, timestamp: str) -> str:
    """``sha256=<hex>`` over ``timestamp.body``; receivers recompute it with the shared secret."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(body: bytes, secret: str, timestamp: str, signature: str) -> bool:
    return hmac.compare_digest(sign(body, secret, timestamp).encode(), signature.encode())


class WebhookDispatcher:
    """Delivers the outbox to the configured URL, signed, with retries and back-off."""

    def __init__(self, store: ConversationStore, settings: EscalationSettings) -> None:
        self.store = store
        self.settings = settings

    @property
    def enabled(self) -> bool:
        return bool(self.settings.webhook_url)

    def _backoff(self, attempts: int) -> float:
        return min(300.0, 0.5 * 2.0**attempts)

    async def deliver_due(self) -> int:
        """Try every delivery that is due once; the number delivered."""
        url = self.settings.webhook_url
        if not url:
            return 0
        import httpx

        delivered = 0
        due = await asyncio.to_thread(self.store.due_deliveries)
        if not due:
            return 0
        secret = (
            self.settings.webhook_secret.get_secret_value() if self.settings.webhook_secret else ""
        )
        async with httpx.AsyncClient(timeout=10.0) as client:
            for delivery in due:
                body = json.dumps(delivery.payload, ensure_ascii=False).encode()
                stamp = str(int(time.time()))
                headers = {"Content-Type": "application/json", TIMESTAMP_HEADER: stamp}
                if secret:
                    headers[SIGNATURE_HEADER] = sign(body, secret, stamp)
                headers["X-Shopbot-Delivery"] = str(delivery.id)
                error = None
                try:
                    response = await client.post(url, content=body, headers=headers)
                    if response.status_code >= 300:
                        error = f"HTTP {response.status_code}"
                except httpx.HTTPError as exc:
                    error = f"{type(exc).__name__}: {exc}"
                if error is None:
                    delivered += 1
                    await asyncio.to_thread(self.store.finish_delivery, delivery.id, True)
                    continue
                attempts = delivery.attempts + 1
                give_up = attempts > self.settings.webhook_retries
                log.warning(
                    "Webhook delivery %s for %s failed (attempt %d): %s%s",
                    delivery.id,
                    delivery.conversation_id,
                    attempts,
                    error,
                    "; giving up" if give_up else "",
                )
                await asyncio.to_thread(
                    self.store.finish_delivery,
                    delivery.id,
                    False,
                    error,
                    -1 if give_up else self._backoff(attempts),
                )
        return delivered

    async def run(self, interval_s: float = 1.0) -> None:
        """Deliver until cancelled (a background task of the web app)."""
        while True:
            try:
                await self.deliver_due()
            except asyncio.CancelledError:
                raise
            except Exception:  # never let one bad delivery stop the loop
                log.exception("Webhook dispatcher error")
            await asyncio.sleep(interval_s)
