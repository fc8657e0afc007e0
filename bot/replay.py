"""A retried request (same idempotency key, perhaps through another replica after the first
one died) continues from what the store already holds instead of repeating it."""

from __future__ import annotations

from bot.store import StoredConversation, StoredMessage
from bot.turns import Turn


def history_before(conversation: StoredConversation, position: int) -> list[dict[str, str]]:
    """The messages the shopper's message at ``position`` answers to."""
    return [
        {"role": m.role, "content": m.content}
        for m in conversation.messages
        if m.position < position
    ]


def is_reply(message: StoredMessage) -> bool:
    """An answer to the shopper (the bot's or a person's), not a notice such as "you are
    back with the bot"."""
    return message.role in ("assistant", "agent") and not message.data.get("notice")


def unanswered_question(conversation: StoredConversation) -> int | None:
    """The position of the shopper's last message when nothing has answered it (they wrote
    while waiting for a person, who handed back without replying), else None."""
    last_reply = max((m.position for m in conversation.messages if is_reply(m)), default=-1)
    waiting = [m for m in conversation.messages if m.role == "user" and m.position > last_reply]
    return waiting[-1].position if waiting else None


def stored_reply(conversation: StoredConversation, position: int) -> Turn | None:
    """The reply already stored for the shopper's message at ``position``, as a `Turn`."""
    later = [m for m in conversation.messages if m.position > position and not m.data.get("notice")]
    question = next((m for m in conversation.messages if m.position == position), None)
    if question is None or not later or later[0].role != "assistant":
        return None
    reply = later[0]
    escalated = conversation.status.with_humans
    # The scores as the turn gave them (the store keeps the predicted CSAT beside them).
    scores = dict(question.data.get("sentiment") or {})
    scores.pop("predicted_csat", None)
    return Turn(
        conversation.id,
        reply.content,
        list(reply.data.get("sources") or []),
        scores,
        escalated,
        conversation.status,
        conversation.language or "en",
    )
