"""Measures of a fine-tuned model: held-out loss on the grounded examples, and token F1 of a
reply against what the store really said (words for English, characters for Chinese). The
gate that uses them through the real engine is `finetune.gate`.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from finetune.encode import Encoded, collate, masked_loss

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[\u3400-\u9fff]")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def token_f1(prediction: str, reference: str) -> float:
    """Harmonic mean of token precision and recall (bag of tokens)."""
    pred, ref = Counter(tokens(prediction)), Counter(tokens(reference))
    common = sum((pred & ref).values())
    if not common:
        return 0.0
    precision, recall = common / sum(pred.values()), common / sum(ref.values())
    return 2 * precision * recall / (precision + recall)


def heldout_loss(model: Any, tokenizer: Any, examples: list[Encoded], batch_size: int = 4) -> float:
    """Mean cross-entropy per target token over all held-out examples."""
    import torch

    device = next(model.parameters()).device
    total, count = 0.0, 0
    model.eval()
    with torch.no_grad(), torch.autocast(device_type=device.type, dtype=torch.bfloat16):
        for start in range(0, len(examples), batch_size):
            batch = collate(examples[start : start + batch_size], tokenizer.pad_token_id)
            batch = {k: v.to(device) for k, v in batch.items()}
            loss, tokens = masked_loss(model, batch)
            total += float(loss)
            count += tokens
    return total / max(1, count)
