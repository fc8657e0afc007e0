"""Checkpoints: an interrupted run continues where it stopped."""

from __future__ import annotations

from pathlib import Path

import pytest

from finetune.data import build_dataset
from finetune.encode import encode_all
from finetune.train import TrainConfig, add_lora, latest_checkpoint, load_model, train

pytestmark = pytest.mark.slow


def test_resume_continues_from_the_last_checkpoint(
    tmp_path: Path, bundled_folder: str, demo_conversations: Path
) -> None:
    import torch

    torch.set_num_threads(1)
    lines = demo_conversations.read_text(encoding="utf-8").splitlines()[:12]
    (tmp_path / "c.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    data = build_dataset(tmp_path / "c.jsonl", store_name="Shop")
    config = TrainConfig(max_steps=2, batch_size=2, save_every=1, progress=False)
    model, tokenizer = load_model(bundled_folder, "cpu")
    examples = encode_all(tokenizer, data.train, 96)
    first = train(add_lora(model, config), tokenizer, examples, config, tmp_path)
    assert first.steps == 2 and latest_checkpoint(tmp_path / "checkpoints").name == "step-000002"

    longer = TrainConfig(max_steps=3, batch_size=2, save_every=1, progress=False)
    model, tokenizer = load_model(bundled_folder, "cpu")
    resumed = train(add_lora(model, longer), tokenizer, examples, longer, tmp_path)
    assert resumed.resumed_from == 2 and resumed.steps == 3
    assert [step for step, _ in resumed.losses] == [1, 2, 3]
    assert resumed.losses[:2] == first.losses
