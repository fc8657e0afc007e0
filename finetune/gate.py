"""The evaluation gate: held-out loss, reply quality on held-out conversations, promotion rule.

Reply quality: for a fixed sample of held-out store turns, the model's greedy reply (given the
system prompt and the conversation so far) is compared with what the store really said
(token F1; words for English, characters for Chinese), and checked by the engine's own
`FactGuard`: a reply with a number, price or order number that neither the conversation nor
the real reply contains counts as unsupported.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from bot.grounding import FactGuard, split_sentences
from finetune.data import Example
from finetune.encode import Encoded, collate, masked_loss

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[\u3400-\u9fff]")


@dataclass
class Quality:
    overlap_f1: float
    unsupported_rate: float
    samples: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Gate:
    promote: bool
    forced: bool
    reasons: list[str]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


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


def sample_turns(examples: list[Example], limit: int) -> list[tuple[list[dict[str, str]], str]]:
    """(context, real reply) for the first target turn of each held-out conversation."""
    turns = []
    for example in examples:
        for i, (message, target) in enumerate(zip(example.messages, example.targets, strict=True)):
            if target and i > 1:
                turns.append((example.messages[:i], message["content"]))
                break
        if len(turns) >= limit:
            break
    return turns


def generate_replies(
    model: Any,
    tokenizer: Any,
    contexts: list[list[dict[str, str]]],
    max_new_tokens: int = 64,
    batch_size: int = 8,
) -> list[str]:
    """Greedy replies, left-padded batches."""
    import torch

    device = next(model.parameters()).device
    tokenizer.padding_side = "left"
    replies: list[str] = []
    model.eval()
    for start in range(0, len(contexts), batch_size):
        prompts = [
            tokenizer.apply_chat_template(c, tokenize=False, add_generation_prompt=True)
            for c in contexts[start : start + batch_size]
        ]
        batch = tokenizer(prompts, return_tensors="pt", padding=True, add_special_tokens=False)
        batch = {k: v.to(device) for k, v in batch.items()}
        with torch.no_grad(), torch.autocast(device_type=device.type, dtype=torch.bfloat16):
            output = model.generate(
                **batch,
                max_new_tokens=max_new_tokens,
                do_sample=False,
                repetition_penalty=1.15,
                pad_token_id=tokenizer.pad_token_id,
            )
        width = batch["input_ids"].shape[1]
        replies += [
            tokenizer.decode(row[width:], skip_special_tokens=True).strip() for row in output
        ]
    tokenizer.padding_side = "right"
    return replies


def unsupported(reply: str, context: list[dict[str, str]], reference: str) -> bool:
    """True when FactGuard withholds a sentence of the reply (invented number, price, order)."""
    guard = FactGuard([], [m["content"] for m in context] + [reference])
    sentences, rest = split_sentences(reply)
    return any(guard.check(s) is None for s in [*sentences, rest] if s.strip())


def reply_quality(
    model: Any, tokenizer: Any, turns: list[tuple[list[dict[str, str]], str]], max_new_tokens: int
) -> Quality:
    contexts = [context for context, _ in turns]
    replies = generate_replies(model, tokenizer, contexts, max_new_tokens)
    f1s, flagged, samples = [], 0, []
    for (context, reference), reply in zip(turns, replies, strict=True):
        f1s.append(token_f1(reply, reference))
        bad = unsupported(reply, context, reference)
        flagged += bad
        samples.append(
            {
                "shopper": context[-1]["content"],
                "reference": reference,
                "reply": reply,
                "unsupported": bad,
            }
        )
    n = max(1, len(turns))
    return Quality(sum(f1s) / n, flagged / n, samples)


def decide(
    current: dict[str, float],
    candidate: dict[str, float],
    *,
    force: bool = False,
    min_loss_gain: float = 0.0,
    overlap_tolerance: float = 0.02,
    unsupported_tolerance: float = 0.05,
) -> Gate:
    """Promote when the candidate beats the current model on held-out loss without replying
    worse (overlap) or inventing more facts; ``force`` promotes regardless."""
    reasons = []
    if not candidate["loss"] < current["loss"] * (1 - min_loss_gain):
        reasons.append(f"held-out loss {candidate['loss']:.4f} is not below {current['loss']:.4f}")
    if candidate["overlap_f1"] < current["overlap_f1"] - overlap_tolerance:
        reasons.append(
            f"reply overlap {candidate['overlap_f1']:.3f} is worse than {current['overlap_f1']:.3f}"
        )
    if candidate["unsupported_rate"] > current["unsupported_rate"] + unsupported_tolerance:
        reasons.append(
            f"unsupported-fact rate {candidate['unsupported_rate']:.2f} is above "
            f"{current['unsupported_rate']:.2f}"
        )
    if not reasons:
        return Gate(True, False, ["beats the current model"])
    return Gate(force, force, reasons)
