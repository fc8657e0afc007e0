"""The agents' desk: the queue of conversations that need a human, with why and how bad."""

from __future__ import annotations

from typing import Any

from bot.offline import contact_email
from bot.privacy import find_personal_data
from bot.reasons import stored_codes
from bot.status import HUMAN_STATUSES, ConversationStatus
from bot.store import ConversationStore, StoredConversation

SHOPPER_LABEL_CHARS = 80


def shopper_label(conversation: StoredConversation) -> str:
    """How agents know the shopper: a name they gave (to the helpdesk or to check an
    order), else the first e-mail they wrote, else their first message."""
    known = conversation.data.get("shopper") or {}
    orders = (conversation.data.get("bot_state") or {}).get("orders") or {}
    name = known.get("name") or (orders.get("identity") or {}).get("name") or known.get("email")
    if name:
        return str(name)[:SHOPPER_LABEL_CHARS]
    written = [m.content for m in conversation.messages if m.role == "user"]
    for text in written:
        email = next((f.value for f in find_personal_data(text) if f.kind == "email"), None)
        if email:
            return email
    if not written:
        return "(no message yet)"
    first = " ".join(written[0].split())
    return first if len(first) <= SHOPPER_LABEL_CHARS else first[: SHOPPER_LABEL_CHARS - 1] + "…"


def queue_entry(conversation: StoredConversation) -> dict[str, Any]:
    """One row of the agents' queue: status, reasons, scores, the latest shopper words."""
    escalation = conversation.data.get("escalation") or {}
    scores = [m.data["sentiment"] for m in conversation.messages if "sentiment" in m.data]
    shopper = [m.content for m in conversation.messages if m.role == "user"]
    return {
        "id": conversation.id,
        "shopper": shopper_label(conversation),
        "created_at": conversation.created_at.isoformat(),
        "status": conversation.status,
        "channel": conversation.channel,
        "language": conversation.language,
        "reasons": escalation.get("reasons", []),
        "reason_codes": [code.value for code in stored_codes(escalation)],
        "escalated_at": escalation.get("at"),
        "updated_at": conversation.updated_at.isoformat(),
        "dissatisfaction": scores[-1].get("dissatisfaction") if scores else None,
        "max_dissatisfaction": max((s.get("dissatisfaction", 0.0) for s in scores), default=None),
        "sentiment": scores[-1].get("sentiment") if scores else None,
        "predicted_csat": conversation.data.get("predicted_csat"),
        "rating": conversation.data.get("rating"),
        "last_message": shopper[-1] if shopper else None,
        "messages": len(conversation.messages),
        # Handed over outside business hours: when people are back, and the shopper's e-mail.
        "offline": conversation.data.get("offline") or None,
        "email": contact_email(conversation),
    }


def agent_queue(store: ConversationStore, limit: int = 200) -> list[dict[str, Any]]:
    """Conversations waiting for a human (oldest escalation first), then those a human has."""
    rows = []
    for status in HUMAN_STATUSES:
        for summary in store.list(status=status, limit=limit):
            rows.append(queue_entry(store.get(summary.id)))
    waiting = ConversationStatus.WAITING_FOR_AGENT
    rows.sort(key=lambda r: (r["status"] != waiting, r["escalated_at"] or ""))
    return rows
