"""The model's own chat template and token counting."""

from __future__ import annotations

import logging
from functools import cached_property
from typing import Any

from bot.errors import ModelNotFoundError

log = logging.getLogger(__name__)

Message = dict[str, str]


class ChatTemplate:
    """Renders chat messages with the model's chat template and counts their tokens."""

    def __init__(self, model: str) -> None:
        self.model = model

    @cached_property
    def tokenizer(self) -> Any:
        from transformers import AutoTokenizer

        try:
            return AutoTokenizer.from_pretrained(self.model)
        except OSError as exc:
            raise ModelNotFoundError(
                f"Cannot load the tokenizer of {self.model!r} offline: {exc}. Set SHOPBOT_MODEL "
                "to a local model folder or a model already in the Hugging Face cache."
            ) from exc

    def render(self, messages: list[Message], assistant_prefix: str = "") -> str:
        """The prompt text: the messages, then the start of the assistant's reply."""
        text = self.tokenizer.apply_chat_template(
            messages, tokenize=False, add_generation_prompt=True
        )
        return str(text) + assistant_prefix

    def encode(self, messages: list[Message], assistant_prefix: str = "") -> list[int]:
        text = self.render(messages, assistant_prefix)
        return list(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def count(self, messages: list[Message]) -> int:
        return len(self.encode(messages))


class ApproximateCounter:
    """Token counting when the tokenizer is not available locally (a remote-only model)."""

    def count(self, messages: list[Message]) -> int:
        # About 3.5 characters a token for English, fewer for Chinese: stay on the safe side.
        chars = sum(len(m["content"]) + 8 for m in messages)
        cjk = sum(1 for m in messages for ch in m["content"] if "\u4e00" <= ch <= "\u9fff")
        return int((chars - cjk) / 3.0 + cjk * 1.2) + 4
