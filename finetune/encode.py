"""Token ids and labels with the model's own chat template: loss only on target assistant turns.

The template is rendered one message at a time; the tokens a target assistant message adds
after the ``<|im_start|>assistant`` generation prompt (its text and end-of-turn marker) keep
their ids as labels, every other token gets ``IGNORE`` (-100). The example's ``prefix`` (facts
stated from data that the last reply starts with) is part of the prompt, as when served.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.errors import ConfigError
from finetune.data import Example

IGNORE = -100


@dataclass
class Encoded:
    input_ids: list[int]
    labels: list[int]
    conversation_id: str

    @property
    def target_tokens(self) -> int:
        return sum(1 for label in self.labels if label != IGNORE)


def _render(tokenizer: Any, messages: list[dict[str, str]], generation_prompt: bool) -> str:
    return str(
        tokenizer.apply_chat_template(
            messages, tokenize=False, add_generation_prompt=generation_prompt
        )
    )


def _ids(tokenizer: Any, text: str) -> list[int]:
    return list(tokenizer(text, add_special_tokens=False)["input_ids"])


def encode_example(tokenizer: Any, example: Example, max_length: int) -> Encoded:
    """Input ids and labels of one example, cut at ``max_length`` tokens."""
    input_ids: list[int] = []
    labels: list[int] = []
    rendered = ""
    messages = example.messages
    for i, (message, target) in enumerate(zip(messages, example.targets, strict=True)):
        upto = messages[: i + 1]
        if message["role"] == "assistant":
            prompt = _render(tokenizer, messages[:i], generation_prompt=True)
            if i == len(messages) - 1:
                prompt += example.prefix
            full = _render(tokenizer, upto, generation_prompt=False)
            _check_prefix(rendered, prompt)
            _check_prefix(prompt, full)
            prompt_ids = _ids(tokenizer, prompt[len(rendered) :])
            reply_ids = _ids(tokenizer, full[len(prompt) :])
            input_ids += prompt_ids + reply_ids
            labels += [IGNORE] * len(prompt_ids) + (
                reply_ids if target else [IGNORE] * len(reply_ids)
            )
        else:
            full = _render(tokenizer, upto, generation_prompt=False)
            _check_prefix(rendered, full)
            piece = _ids(tokenizer, full[len(rendered) :])
            input_ids += piece
            labels += [IGNORE] * len(piece)
        rendered = full
        if len(input_ids) >= max_length:
            break
    return Encoded(input_ids[:max_length], labels[:max_length], example.conversation_id)


def _check_prefix(prefix: str, text: str) -> None:
    if not text.startswith(prefix):
        raise ConfigError(
            "The model's chat template does not render a conversation as a growing prefix, so "
            "assistant turns cannot be located for the loss; use a model with a standard "
            "chat template."
        )


def encode_all(tokenizer: Any, examples: list[Example], max_length: int) -> list[Encoded]:
    """Encoded examples that keep at least one target token."""
    encoded = [encode_example(tokenizer, e, max_length) for e in examples]
    return [e for e in encoded if e.target_tokens]


def collate(batch: list[Encoded], pad_id: int) -> dict[str, Any]:
    """Right-padded tensors: input_ids, attention_mask, labels."""
    import torch

    width = max(len(e.input_ids) for e in batch)
    ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
    labels = torch.full((len(batch), width), IGNORE, dtype=torch.long)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    for row, e in enumerate(batch):
        n = len(e.input_ids)
        ids[row, :n] = torch.tensor(e.input_ids)
        labels[row, :n] = torch.tensor(e.labels)
        mask[row, :n] = 1
    return {"input_ids": ids, "attention_mask": mask, "labels": labels}


def masked_loss(model: Any, batch: dict[str, Any]) -> tuple[Any, int]:
    """(summed cross-entropy, token count) over the labelled tokens of a batch.

    Logits are computed only at the positions that predict a labelled token (the union over
    the batch), which saves most of the output layer's time and memory.
    """
    import torch

    labels = batch["labels"]
    predicting = (labels[:, 1:] != IGNORE).any(dim=0).nonzero().flatten()
    logits = model(
        input_ids=batch["input_ids"],
        attention_mask=batch["attention_mask"],
        logits_to_keep=predicting,
    ).logits
    targets = labels[:, predicting + 1]
    loss = torch.nn.functional.cross_entropy(
        logits.float().reshape(-1, logits.shape[-1]),
        targets.reshape(-1),
        ignore_index=IGNORE,
        reduction="sum",
    )
    return loss, int((targets != IGNORE).sum())
