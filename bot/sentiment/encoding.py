"""The sentence-encoder part of a message's features: what the message says (its vector in
the multilingual encoder's space) and how it relates to the conversation before it."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from threading import Lock

import numpy as np

from bot.sentiment.base import Message

Embed = Callable[[Sequence[str]], np.ndarray]
CONTEXT_NAMES = ("cos_last_reply", "cos_earlier_user")
EARLIER = 3  # earlier shopper messages compared with this one


class VectorCache:
    """Vectors of recent texts: a conversation's earlier messages are not embedded again."""

    def __init__(self, embed: Embed, size: int = 4096) -> None:
        self._embed = embed
        self._size = size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = Lock()

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if missing:
            fresh = self._embed(missing)
            with self._lock:
                for text, vector in zip(missing, fresh, strict=True):
                    self._vectors[text] = vector
                while len(self._vectors) > self._size:
                    self._vectors.popitem(last=False)
        with self._lock:
            out = []
            for text in texts:
                vector = self._vectors.get(text)
                if vector is None:  # pushed out by another caller meanwhile
                    vector = self._embed([text])[0]
                else:
                    self._vectors.move_to_end(text)
                out.append(vector)
        return np.stack(out) if out else np.zeros((0, 0), np.float32)


def context_texts(messages: list[Message], index: int) -> tuple[str, str, list[str]]:
    """The message, the bot's reply before it and the shopper's earlier messages (since a
    human agent last spoke)."""
    start = max((i + 1 for i, m in enumerate(messages[:index]) if m["role"] == "agent"), default=0)
    before = messages[start:index]
    reply = next((m["content"] for m in reversed(before) if m["role"] == "assistant"), "")
    earlier = [m["content"] for m in before if m["role"] == "user"][-EARLIER:]
    return messages[index]["content"].strip(), reply.strip(), earlier


def encoder_features(
    messages: list[Message], index: int, embed: Embed, context: bool = True
) -> np.ndarray:
    """[message vector..., and with ``context``: cosine to the last bot reply, highest cosine
    to an earlier shopper message] (0 where there is nothing to compare)."""
    text, reply, earlier = context_texts(messages, index)
    if not context:
        return np.asarray(embed([text])[0], np.float32)
    texts = [text] + ([reply] if reply else []) + earlier
    vectors = embed(texts)
    own = vectors[0]
    cos_reply = float(own @ vectors[1]) if reply else 0.0
    rest = vectors[2:] if reply else vectors[1:]
    cos_earlier = float(np.max(rest @ own)) if len(rest) else 0.0
    out: np.ndarray = np.concatenate([own, [cos_reply, cos_earlier]]).astype(np.float32)
    return out
