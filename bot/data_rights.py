"""A shopper's rights over their stored conversations: export them, delete them.

By conversation id, or by the shopper's email or phone number as they wrote it in the chat
(the first email and the first phone the shopper wrote in a conversation are taken as
theirs, compared in a normal form). Deleting also removes the
conversation from the index of past conversations if it was ingested there.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from bot.errors import InputError
from bot.privacy import find_personal_data, identity_key
from bot.store import StoredConversation


class RightsStore(Protocol):
    """What export and deletion need of the conversation store."""

    def get(self, conversation_id: str) -> StoredConversation: ...

    def delete(self, conversation_id: str) -> None: ...

    def conversations_mentioning(self, fragment: str, role: str = "user") -> list[str]: ...


class DialogueIndex(Protocol):
    """The retrieval index's parts used to drop a conversation (`ChromaIndex` is one)."""

    def scan(self, batch: int = 5000) -> Any: ...

    def delete(self, ids: Sequence[str]) -> None: ...

    def bump_revision(self) -> str: ...


def shopper_key(identifier: str) -> str:
    """The normal form of an email or phone number, or a clear error saying what to give."""
    found = find_personal_data(identifier.strip())
    kinds = {f.kind for f in found}
    if "email" in kinds:
        return next(f.key for f in found if f.kind == "email")
    if "phone" in kinds:
        return next(f.key for f in found if f.kind == "phone")
    digits = re.sub(r"\D", "", identifier)
    if 7 <= len(digits) <= 15 and not re.search(r"[A-Za-z@]", identifier):
        return identity_key("phone", digits)
    raise InputError(
        f"{identifier!r} is neither an email address nor a phone number: give the one the "
        "shopper wrote in the chat, e.g. jane@example.com or +1 614 555 0100."
    )


def own_identities(conversation: StoredConversation) -> set[str]:
    """The shopper's own email and phone: the first of each they wrote in the conversation
    (one mentioning someone else's address later does not make it theirs)."""
    first: dict[str, str] = {}
    for message in conversation.messages:
        if message.role != "user":
            continue
        for found in find_personal_data(message.content):
            if found.kind in ("email", "phone"):
                first.setdefault(found.kind, found.key)
    return set(first.values())


def conversations_of(store: RightsStore, identifier: str) -> list[str]:
    """Ids of the conversations of the shopper with this email or phone number."""
    key = shopper_key(identifier)
    kind, value = key.split(":", 1)
    # A cheap text search narrows the candidates; the normal form decides.
    fragment = value if kind == "email" else value[-4:]
    return [
        conversation_id
        for conversation_id in store.conversations_mentioning(fragment)
        if key in own_identities(store.get(conversation_id))
    ]


def export_conversation(conversation: StoredConversation) -> dict[str, Any]:
    """Everything stored about one conversation, as JSON-able data."""
    return {
        "id": conversation.id,
        "status": conversation.status,
        "channel": conversation.channel,
        "language": conversation.language,
        "created_at": conversation.created_at.isoformat(),
        "updated_at": conversation.updated_at.isoformat(),
        "data": conversation.data,
        "messages": [
            {
                "position": m.position,
                "role": m.role,
                "content": m.content,
                "created_at": m.created_at.isoformat(),
                "data": m.data,
            }
            for m in conversation.messages
        ],
    }


def export(
    store: RightsStore, conversation_id: str | None = None, shopper: str | None = None
) -> dict[str, Any]:
    """The export of one conversation, or of every conversation of one shopper."""
    ids = targets(store, conversation_id, shopper)
    return {
        "exported_at": datetime.now(UTC).isoformat(),
        "shopper": shopper,
        "conversations": [export_conversation(store.get(i)) for i in ids],
    }


def delete(
    store: RightsStore,
    conversation_id: str | None = None,
    shopper: str | None = None,
    index: DialogueIndex | None = None,
) -> dict[str, Any]:
    """Delete one conversation, or every conversation of one shopper, from the database
    and from the index of past conversations."""
    ids = targets(store, conversation_id, shopper)
    removed = remove_from_index(index, ids) if index is not None and ids else []
    for conversation_id_ in ids:
        store.delete(conversation_id_)
    return {"deleted": ids, "index_passages_removed": removed}


def remove_from_index(index: DialogueIndex, conversation_ids: Sequence[str]) -> list[str]:
    """Drop the past-conversation passages of these conversations; their passage ids."""
    wanted = set(conversation_ids)
    doomed = [
        passage_id
        for passage_id, _text, metadata in index.scan()
        if (metadata or {}).get("source") == "dialogue"
        and str((metadata or {}).get("conversation_id")) in wanted
    ]
    if doomed:
        index.delete(doomed)
        index.bump_revision()  # every process rebuilds its keyword index
    return doomed


def targets(store: RightsStore, conversation_id: str | None, shopper: str | None) -> list[str]:
    """The conversation ids meant: the one given, or every one of the shopper."""
    if bool(conversation_id) == bool(shopper):
        raise InputError("give either a conversation id or the shopper's email or phone")
    if conversation_id:
        store.get(conversation_id)  # ConversationNotFound says which id is unknown
        return [conversation_id]
    return conversations_of(store, shopper or "")
