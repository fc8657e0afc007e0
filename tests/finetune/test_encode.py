"""Loss only on the target assistant turns, rendered with the model's own chat template."""

from __future__ import annotations

from finetune.data import Example
from finetune.encode import IGNORE, collate, encode_example


def example() -> Example:
    messages = [
        {"role": "system", "content": "You are the store's assistant."},
        {"role": "user", "content": "Where is my parcel?"},
        {"role": "assistant", "content": "Orders ship within a day."},
        {"role": "user", "content": "That's not what I asked."},
        {"role": "assistant", "content": "It left this morning."},
        {"role": "user", "content": "Thanks!"},
        {"role": "assistant", "content": "You're welcome!"},
    ]
    return Example("c1", "en", messages, [False, False, False, False, True, False, True])


def test_only_target_assistant_tokens_have_labels(tokenizer) -> None:
    encoded = encode_example(tokenizer, example(), max_length=512)
    full = tokenizer.apply_chat_template(example().messages, tokenize=False)
    # The ids are exactly the model's own template, tokenized.
    assert tokenizer.decode(encoded.input_ids) == full
    assert len(encoded.input_ids) == len(encoded.labels)
    labelled = [
        t for t, label in zip(encoded.input_ids, encoded.labels, strict=True) if label != IGNORE
    ]
    assert all(
        label in (IGNORE, token)
        for token, label in zip(encoded.input_ids, encoded.labels, strict=True)
    )
    text = tokenizer.decode(labelled)
    assert text == "It left this morning.<|im_end|>\nYou're welcome!<|im_end|>\n"
    # Nothing of the system prompt, the shopper, the role headers or the non-target reply.
    for context in (
        "store's assistant",
        "parcel",
        "not what I asked",
        "Orders ship",
        "assistant\n",
    ):
        assert context not in text


def test_truncation_and_padding(tokenizer) -> None:
    short = encode_example(tokenizer, example(), max_length=40)
    assert len(short.input_ids) == 40
    full = encode_example(tokenizer, example(), max_length=512)
    batch = collate([short, full], pad_id=tokenizer.pad_token_id)
    assert batch["input_ids"].shape == (2, len(full.input_ids))
    assert batch["attention_mask"][0].sum() == 40
    assert (batch["labels"][0, 40:] == IGNORE).all()


def test_masked_loss_is_the_models_own_loss_on_labelled_tokens(tokenizer, bundled_folder) -> None:
    import torch
    from transformers import AutoModelForCausalLM

    from finetune.encode import masked_loss

    model = AutoModelForCausalLM.from_pretrained(bundled_folder, dtype=torch.float32)
    encoded = [encode_example(tokenizer, example(), 512), encode_example(tokenizer, example(), 60)]
    batch = collate(encoded, pad_id=tokenizer.pad_token_id)
    with torch.no_grad():
        summed, count = masked_loss(model, batch)
        reference = model(**batch).loss
    assert count == sum(e.target_tokens for e in encoded)
    assert abs(float(summed) / count - float(reference)) < 1e-3


def test_facts_stated_before_the_reply_are_prompt_not_target(tokenizer) -> None:
    prefix = "Returns are free within 30 days [1]. "
    messages = [
        {"role": "system", "content": "You are the store's assistant."},
        {"role": "user", "content": "Can I return it?"},
        {"role": "assistant", "content": prefix + "Happy to help!"},
    ]
    example = Example("c1", "en", messages, [False, False, True], prefix)
    encoded = encode_example(tokenizer, example, max_length=512)
    assert tokenizer.decode(encoded.input_ids) == tokenizer.apply_chat_template(
        messages, tokenize=False
    )
    labelled = [t for t, label in zip(encoded.input_ids, encoded.labels, strict=True)
                if label != IGNORE]  # fmt: skip
    assert tokenizer.decode(labelled) == "Happy to help!<|im_end|>\n"
