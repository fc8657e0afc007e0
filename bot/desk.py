"""The agents' desk: the queue of conversations that need a human, with why and how bad."""

from __future__ import annotations

from typing import Any

from bot.reasons import stored_codes
from bot.status import HUMAN_STATUSES, ConversationStatus
from bot.store import ConversationStore, StoredConversation


def queue_entry(conversation: StoredConversation) -> dict[str, Any]:
    """One row of the agents' queue: status, reasons, scores, the latest shopper words."""
    escalation = conversation.data.get("escalation") or {}
    scores = [m.data["sentiment"] for m in conversation.messages if "sentiment" in m.data]
    shopper = [m.content for m in conversation.messages if m.role == "user"]
    return {
        "id": conversation.id,
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
