"""Training examples from the store's past support conversations.

Only resolved conversations with a good CSAT are used. The store's side (human agents, and
the bot's own turns when the shopper did not push back on them) are the targets; the
shopper's turns and the store's system prompt are context. Personal data is masked first,
identical examples are kept once, and the split into train and held-out is by conversation.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.errors import InputError
from bot.prompting import DEFAULT_PERSONA, LANGUAGE_RULE
from finetune.privacy import mask_personal_data, strip_agent_intro

Message = dict[str, str]

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

    @property
    def key(self) -> str:
        text = json.dumps([self.messages, self.targets], ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.conversation_id,
            "language": self.language,
            "messages": self.messages,
            "targets": self.targets,
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
    train: list[Example]
    heldout: list[Example]
    stats: DataStats = field(default_factory=DataStats)


def system_prompt(store_name: str, persona: str | None, language: str) -> str:
    """The store's system prompt as the bot uses it (persona and reply language)."""
    text = (persona or DEFAULT_PERSONA).replace("{store}", store_name)
    rule = LANGUAGE_RULE.get(language, "")
    return f"{text}\n{rule}" if rule else text


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


def conversation_example(
    record: dict[str, Any], system: str, conversation_id: str
) -> Example | None:
    """The example of one conversation, or None when it has no good store turn."""
    messages: list[Message] = [{"role": "system", "content": system}]
    targets = [False]
    raw = record["messages"]
    for i, message in enumerate(raw):
        content = mask_personal_data(message["content"].strip())
        if message["role"] == "user":
            if messages[-1]["role"] == "user":  # two shopper messages in a row: one turn
                messages[-1]["content"] += "\n" + content
            else:
                messages.append({"role": "user", "content": content})
                targets.append(False)
            continue
        if message["role"] == "agent":
            content, good = strip_agent_intro(content), True
        else:
            following = next((m for m in raw[i + 1 :] if m["role"] == "user"), None)
            pushed_back = following is not None and _shouting_or_pushback(following["content"])
            repeated = any(m["content"] == content for m in messages if m["role"] == "assistant")
            good = not (pushed_back or repeated or _REPEAT.search(content))
        if messages[-1]["role"] == "system":  # the store spoke first: not a reply
            continue
        messages.append({"role": "assistant", "content": content})
        targets.append(good)
    while messages[-1]["role"] != "assistant" and len(messages) > 1:
        messages.pop()
        targets.pop()
    if not any(targets):
        return None
    language = record.get("language") or "en"
    return Example(conversation_id, language, messages, targets)


def _shouting_or_pushback(text: str) -> bool:
    letters = [c for c in text if c.isalpha() and c.isascii()]
    shouting = len(letters) >= 8 and sum(c.isupper() for c in letters) / len(letters) > 0.7
    return shouting or bool(_PUSHBACK.search(text))


def build_dataset(
    path: Path,
    *,
    store_name: str,
    persona: str | None = None,
    min_csat: int = 4,
    heldout_fraction: float = 0.1,
    seed: int = 0,
) -> Dataset:
    """Read, filter, mask, deduplicate and split the conversations of ``path``."""
    stats = DataStats()
    examples: list[Example] = []
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
        language = record.get("language") or "en"
        system = system_prompt(store_name, persona, language)
        example = conversation_example(record, system, conversation_id)
        if example is None:
            stats.skipped_no_target += 1
            continue
        if example.key in seen:
            stats.duplicates += 1
            continue
        seen.add(example.key)
        stats.used += 1
        stats.target_turns += sum(example.targets)
        examples.append(example)
    train, heldout = split_by_conversation(examples, heldout_fraction, seed)
    return Dataset(train, heldout, stats)


def split_by_conversation(
    examples: list[Example], heldout_fraction: float, seed: int
) -> tuple[list[Example], list[Example]]:
    """Deterministic split: a conversation's examples all land on the same side."""

    def bucket(example: Example) -> float:
        digest = hashlib.sha256(f"{seed}:{example.conversation_id}".encode()).digest()
        return int.from_bytes(digest[:8], "big") / 2**64

    train = [e for e in examples if bucket(e) >= heldout_fraction]
    heldout = [e for e in examples if bucket(e) < heldout_fraction]
    if not heldout and len(train) > 1:  # tiny inputs: still hold one conversation out
        heldout = [train.pop()]
    return train, heldout
