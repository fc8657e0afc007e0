"""Checkpoints: an interrupted run continues where it stopped."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.fakes import SimpleHit, StaticKnowledge
from finetune.data import Example, StoreTurn, build_dataset
from finetune.encode import encode_all
from finetune.grounded import GroundedExamples, prompt_bot
from finetune.train import TrainConfig, add_lora, latest_checkpoint, load_model, train
from retrieval.policies import load_policies
from tests.conftest import DATA, make_settings

pytestmark = pytest.mark.slow

MAX_LENGTH = 512  # the bot's prompt (rules, passages, conversation) and the reply


def grounded_examples(turns: list[StoreTurn], model: str, home: Path) -> list[Example]:
    """The examples `shopbot finetune` builds (the bot's own prompts for each store reply),
    with the demo store's policies searched by word overlap instead of the embedded index."""
    policies = load_policies(DATA / "policies").passages
    knowledge = StaticKnowledge(
        [SimpleHit(p.id, p.source, p.title, p.text, metadata=p.metadata) for p in policies]
    )
    bot = prompt_bot(make_settings(home, store_name="Shop"), knowledge, model, MAX_LENGTH)
    grounded, _ = GroundedExamples(bot, knowledge).build(turns)
    return [g.example() for g in grounded]


def test_resume_continues_from_the_last_checkpoint(
    tmp_path: Path, bundled_folder: str, demo_conversations: Path
) -> None:
    import torch

    torch.set_num_threads(1)
    lines = demo_conversations.read_text(encoding="utf-8").splitlines()[:12]
    (tmp_path / "c.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    data = build_dataset(tmp_path / "c.jsonl")
    config = TrainConfig(max_steps=2, batch_size=2, save_every=1, progress=False)
    model, tokenizer = load_model(bundled_folder, "cpu")
    grounded = grounded_examples(data.train, bundled_folder, tmp_path / "home")
    examples = encode_all(tokenizer, grounded, MAX_LENGTH)
    assert len(examples) >= 2  # a batch at least
    first = train(add_lora(model, config), tokenizer, examples, config, tmp_path)
    assert first.steps == 2 and latest_checkpoint(tmp_path / "checkpoints").name == "step-000002"

    longer = TrainConfig(max_steps=3, batch_size=2, save_every=1, progress=False)
    model, tokenizer = load_model(bundled_folder, "cpu")
    resumed = train(add_lora(model, longer), tokenizer, examples, longer, tmp_path)
    assert resumed.resumed_from == 2 and resumed.steps == 3
    assert [step for step, _ in resumed.losses] == [1, 2, 3]
    assert resumed.losses[:2] == first.losses
