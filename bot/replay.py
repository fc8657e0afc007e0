"""A retried request (same idempotency key, perhaps through another replica after the first
one died) continues from what the store already holds instead of repeating it."""

from __future__ import annotations

from bot.store import StoredConversation
from bot.turns import Turn


def history_before(conversation: StoredConversation, position: int) -> list[dict[str, str]]:
    """The messages the shopper's message at ``position`` answers to."""
    return [
        {"role": m.role, "content": m.content}
        for m in conversation.messages
        if m.position < position
    ]


def stored_reply(conversation: StoredConversation, position: int) -> Turn | None:
    """The reply already stored for the shopper's message at ``position``, as a `Turn`."""
    later = [m for m in conversation.messages if m.position > position]
    question = next((m for m in conversation.messages if m.position == position), None)
    if question is None or not later or later[0].role != "assistant":
        return None
    reply = later[0]
    escalated = conversation.status.with_humans
    return Turn(
        conversation.id,
        reply.content,
        list(reply.data.get("sources") or []),
        dict(question.data.get("sentiment") or {}),
        escalated,
        conversation.status,
        conversation.language or "en",
    )
