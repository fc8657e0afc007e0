"""The store replies worth learning from, out of the store's past support conversations.

Only resolved conversations with a good CSAT are used. The store's side (human agents, and
the bot's own turns when the shopper did not push back on them) are the replies; each comes
with the conversation before it. Personal data is masked first, identical turns are kept
once, and the split into train and held-out is by conversation. `finetune.grounded` turns
them into training examples with the prompt the bot itself would build.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from bot.errors import InputError
from finetune.privacy import mask_personal_data, strip_agent_intro

Message = dict[str, str]


class _ByConversation(Protocol):
    conversation_id: str


T = TypeVar("T", bound=_ByConversation)

# A shopper's reply that says the previous bot answer missed: that answer is not a target.
_PUSHBACK = re.compile(
    r"not what I asked|not answering|read my message|already told|said that already|"
    r"asked this|three times|copy-paste|are you even|annoyed|worst|useless|"
    r"问的不是|看清楚|问了三遍|都问了|答非所问|没用|复制粘贴",
    re.IGNORECASE,
)
# The bot repeating itself after a misunderstanding.
_REPEAT = re.compile(
    r"^(?:Let me (?:explain|put it) (?:that )?again|Sorry, (?:maybe|perhaps) I misunderstood|"
    r"我再解释一下|抱歉可能我没理解清楚)",
    re.IGNORECASE,
)


@dataclass
class Example:
    """One training sequence: chat messages, and which assistant messages carry the loss."""

    conversation_id: str
    language: str
    messages: list[Message]
    targets: list[bool]
    prefix: str = ""
    """Text the last assistant message starts with that the model is given, not taught: the
    facts the bot states from data before the model continues (`bot.turn_prompt`)."""

    @property
    def key(self) -> str:
        text = json.dumps([self.messages, self.targets, self.prefix], ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.conversation_id,
            "language": self.language,
            "messages": self.messages,
            "targets": self.targets,
            "prefix": self.prefix,
        }


@dataclass
class DataStats:
    conversations: int = 0
    used: int = 0
    skipped_unresolved: int = 0
    skipped_low_csat: int = 0
    skipped_no_target: int = 0
    duplicates: int = 0
    target_turns: int = 0


@dataclass
class Dataset:
    train: list[StoreTurn]
    heldout: list[StoreTurn]
    stats: DataStats = field(default_factory=DataStats)


def read_conversations(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, conversation) for every non-empty line; InputError names file:line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read conversations: {exc}", path=str(path)) from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"not valid JSON ({exc.msg})", path=str(path), line=number) from exc
        _validate(record, str(path), number)
        yield number, record


def _validate(record: Any, path: str, line: int) -> None:
    if not isinstance(record, dict):
        raise InputError("a conversation must be a JSON object", path=path, line=line)
    messages = record.get("messages")
    if not isinstance(messages, list) or not messages:
        raise InputError('"messages" must be a non-empty list', path=path, line=line)
    for i, message in enumerate(messages):
        if not isinstance(message, dict) or not isinstance(message.get("content"), str):
            raise InputError(f"message {i} needs a string content", path=path, line=line)
        if message.get("role") not in ("user", "assistant", "agent"):
            raise InputError(
                f"message {i} has role {message.get('role')!r}; expected user, assistant or agent",
                path=path,
                line=line,
            )
    outcome = record.get("outcome")
    if outcome is not None and not isinstance(outcome, dict):
        raise InputError('"outcome" must be an object', path=path, line=line)


@dataclass
class StoreTurn:
    """One reply of the store's side worth learning, with the conversation before it (stored
    roles: user, assistant, agent; personal data masked)."""

    conversation_id: str
    language: str
    context: list[Message]
    reply: str

    @property
    def key(self) -> str:
        text = json.dumps([self.context, self.reply], ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.conversation_id,
            "language": self.language,
            "context": self.context,
            "reply": self.reply,
        }


def store_turns(record: dict[str, Any], conversation_id: str) -> list[StoreTurn]:
    """The good store replies of one conversation: every human agent's reply, and the bot's
    replies the shopper did not push back on (nor that repeat themselves), each after a
    shopper message."""
    language = record.get("language") or "en"
    context: list[Message] = []
    turns: list[StoreTurn] = []
    raw = record["messages"]
    for i, message in enumerate(raw):
        content = mask_personal_data(message["content"].strip())
        role = message["role"]
        if role == "user":
            if context and context[-1]["role"] == "user":  # two in a row: one turn
                context[-1] = {"role": "user", "content": context[-1]["content"] + "\n" + content}
            else:
                context.append({"role": "user", "content": content})
            continue
        if role == "agent":
            content, good = strip_agent_intro(content), True
        else:
            following = next((m for m in raw[i + 1 :] if m["role"] == "user"), None)
            pushed_back = following is not None and _shouting_or_pushback(following["content"])
            repeated = any(m["content"] == content for m in context if m["role"] != "user")
            good = not (pushed_back or repeated or _REPEAT.search(content))
        if good and context and context[-1]["role"] == "user":
            turns.append(StoreTurn(conversation_id, language, list(context), content))
        if context:  # the store speaking first is not a reply, nor context worth keeping
            context.append({"role": role, "content": content})
    return turns


def _shouting_or_pushback(text: str) -> bool:
    letters = [c for c in text if c.isalpha() and c.isascii()]
    shouting = len(letters) >= 8 and sum(c.isupper() for c in letters) / len(letters) > 0.7
    return shouting or bool(_PUSHBACK.search(text))


def build_dataset(
    path: Path,
    *,
    min_csat: int = 4,
    heldout_fraction: float = 0.1,
    seed: int = 0,
) -> Dataset:
    """Read, filter, mask, deduplicate and split the store replies of ``path``."""
    stats = DataStats()
    turns: list[StoreTurn] = []
    seen: set[str] = set()
    for number, record in read_conversations(path):
        stats.conversations += 1
        outcome = record.get("outcome") or {}
        if not outcome.get("resolved"):
            stats.skipped_unresolved += 1
            continue
        csat = outcome.get("csat")
        if not isinstance(csat, int | float) or csat < min_csat:
            stats.skipped_low_csat += 1
            continue
        conversation_id = str(record.get("id") or f"line-{number}")
        found = store_turns(record, conversation_id)
        if not found:
            stats.skipped_no_target += 1
            continue
        stats.used += 1
        for turn in found:
            if turn.key in seen:  # templated conversations that mask to the same text
                stats.duplicates += 1
                continue
            seen.add(turn.key)
            stats.target_turns += 1
            turns.append(turn)
    train, heldout = split_by_conversation(turns, heldout_fraction, seed)
    return Dataset(train, heldout, stats)


def split_by_conversation(
    items: list[T], heldout_fraction: float, seed: int
) -> tuple[list[T], list[T]]:
    """Deterministic split: a conversation's items all land on the same side."""

    def bucket(item: T) -> float:
        digest = hashlib.sha256(f"{seed}:{item.conversation_id}".encode()).digest()
        return int.from_bytes(digest[:8], "big") / 2**64

    train = [e for e in items if bucket(e) >= heldout_fraction]
    heldout = [e for e in items if bucket(e) < heldout_fraction]
    if not heldout and len({e.conversation_id for e in train}) > 1:
        # tiny inputs: still hold one conversation out
        last = train[-1].conversation_id
        heldout = [e for e in train if e.conversation_id == last]
        train = [e for e in train if e.conversation_id != last]
    return train, heldout
