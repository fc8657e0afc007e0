"""What shoppers may do with their own conversation (the chat page and the store widget).

A shopper proves a conversation is theirs with the token handed out when it was opened; only
its hash is stored. The shopper's view leaves out scores and internal data.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Any

from bot.store import ConversationStore, StoredConversation

TOKEN_FIELD = "shopper_token_sha256"
SOURCE_FIELDS = ("n", "title", "source", "url", "path", "product_id")
_CITATION = re.compile(r"\[(\d{1,2})\]")
_SPACED_CITATION = re.compile(r"(\s*)\[(\d{1,2})\]")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_conversation(store: ConversationStore, channel: str = "widget") -> tuple[str, str]:
    """A new conversation and the shopper's token for it: ``(id, token)``."""
    conversation_id = store.create(None, channel)
    token = secrets.token_urlsafe(24)
    store.update_data(conversation_id, {TOKEN_FIELD: _digest(token)})
    return conversation_id, token


def owns(conversation: StoredConversation, token: str | None) -> bool:
    """True when ``token`` is the shopper token of ``conversation``."""
    expected = conversation.data.get(TOKEN_FIELD)
    if not (isinstance(expected, str) and expected and token):
        return False
    return hmac.compare_digest(expected, _digest(token))


def shopper_source(source: dict[str, Any]) -> dict[str, Any]:
    """A cited source as a shopper sees it: title and, for products, the page to open."""
    entry = {k: source[k] for k in SOURCE_FIELDS if k in source}
    url = str(entry.get("url") or "")
    if url and not url.startswith(("http://", "https://")):
        entry.pop("url")  # never hand a javascript: or relative link to a page
    return entry


def cited_sources(reply: str, sources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The sources a shopper is shown: those the reply cites as [n], else all of them."""
    shown = [shopper_source(s) for s in sources]
    cited = {int(n) for n in _CITATION.findall(reply)}
    return [s for s in shown if s.get("n") in cited] or shown


def as_shown(reply: str, sources: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """The reply and the sources shown with it, numbered as shown: [1], [2]... in the order
    listed (a reply citing only its fourth hit shows "[1]" and one source numbered 1)."""
    shown = cited_sources(reply, sources)
    number = {s.get("n"): i for i, s in enumerate(shown, start=1)}

    def renumber(match: re.Match[str]) -> str:
        new = number.get(int(match.group(2)))
        return f"{match.group(1)}[{new}]" if new else ""  # a marker to nothing goes, space too

    text = _SPACED_CITATION.sub(renumber, reply)
    return text, [{**s, "n": number[s.get("n")]} for s in shown]


def shopper_view(conversation: StoredConversation, after: int = -1) -> dict[str, Any]:
    """The conversation as its shopper may see it: messages after position ``after``."""
    messages = []
    for m in conversation.messages:
        if m.position <= after or not m.content:
            continue
        item: dict[str, Any] = {"position": m.position, "role": m.role, "content": m.content}
        if m.role == "assistant":
            item["content"], item["sources"] = as_shown(m.content, m.data.get("sources") or [])
        if m.data.get("notice"):
            item["notice"] = m.data["notice"]
        if m.role == "agent":
            item["agent"] = m.data.get("agent") or ""
        if m.data.get("feedback"):
            item["feedback"] = m.data["feedback"]
        if m.data.get("interrupted"):
            item["interrupted"] = True
        messages.append(item)
    return {
        "id": conversation.id,
        "status": conversation.status,
        "human": conversation.status.with_humans,
        "language": conversation.language,
        "rating": conversation.data.get("rating"),
        "messages": messages,
    }
