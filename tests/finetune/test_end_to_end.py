"""`shopbot finetune` on a slice of the demo store with the bundled model on the CPU, then the
merged folder served by the real vLLM engine; the gate refuses a model that is not better
unless forced."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import Settings
from tests.conftest import ROOT, make_settings

pytestmark = [pytest.mark.slow, pytest.mark.integration]

# Small enough for a few minutes on 2 shared cores, large enough for the loss to move.
FAST = {
    "SHOPBOT_FINETUNE__MAX_LENGTH": "256",
    "SHOPBOT_FINETUNE__BATCH_SIZE": "4",
    "SHOPBOT_FINETUNE__EVAL_SAMPLES": "4",
    "SHOPBOT_FINETUNE__HELDOUT_FRACTION": "0.2",
    "SHOPBOT_STORE_NAME": "Northwind Lane",
}


def demo_slice(path: Path, lines: int) -> Path:
    rows = (ROOT / "data" / "conversations.jsonl").read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(rows[:lines]) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One real run through the command line: 10 steps on the first 80 demo conversations."""
    tmp = tmp_path_factory.mktemp("finetune")
    home = tmp / "home"
    make_settings(home)  # shares the converted bundled model with the other tests
    data = demo_slice(tmp / "conversations.jsonl", 80)
    env = {**os.environ, **FAST, "SHOPBOT_HOME": str(home)}
    command = [sys.executable, "-m", "bot.cli", "finetune", "--data", str(data)]
    # --force: a 10-step model's replies on 4 samples are too noisy for the gate to judge
    # here; the gate itself is tested below and in test_gate.py.
    command += ["--out", str(tmp / "out"), "--max-steps", "10", "--force", "--json"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout)  # one JSON document on stdout, nothing else
    return {"report": report, "home": home, "data": data, "env": env, "stderr": done.stderr}


def test_finetune_trains_evaluates_and_promotes(run: dict) -> None:
    report, out = run["report"], Path(run["report"]["out"])
    assert {"out", "train_examples", "eval_loss_before", "eval_loss_after"} <= set(report)
    assert report["train_examples"] > 20 and report["steps"] == 10
    assert report["eval_loss_after"] < report["eval_loss_before"]
    assert "fine-tuning" in run["stderr"]  # the progress bar is on stderr
    for name in ("config.json", "model.safetensors", "tokenizer.json", "chat_template.jinja"):
        assert (out / name).exists(), name
    assert json.loads((out / "config.json").read_text())["dtype"] == "bfloat16"
    assert (out / "adapter" / "adapter_config.json").exists()
    assert (out / "loss_curve.png").read_bytes()[:4] == b"\x89PNG"
    assert (
        json.loads((out / "report.json").read_text())["eval_loss_after"]
        == report["eval_loss_after"]
    )
    assert report["promoted"]
    promoted = json.loads((run["home"] / "finetune" / "promoted.json").read_text())
    assert promoted["model"] == str(out)
    settings = Settings.model_validate({"home": run["home"]})
    from bot.model_files import resolve_chat_model

    assert resolve_chat_model(settings) == str(out)


def test_merged_folder_answers_in_the_real_vllm_engine(run: dict) -> None:
    from bot.backends.base import GenerationRequest
    from bot.backends.vllm_engine import VLLMBackend
    from bot.settings import EngineSettings

    out = run["report"]["out"]
    backend = VLLMBackend(out, EngineSettings(enforce_eager=True, max_model_len=1024))
    backend.warm_up()
    try:
        messages = [
            {"role": "system", "content": "You are the assistant of Northwind Lane."},
            {"role": "user", "content": "How long do refunds to a credit card take?"},
        ]
        reply = "".join(
            chunk.text
            for chunk in backend.stream_sync(
                GenerationRequest(messages=messages, max_tokens=24, temperature=0.0)
            )
        )
    finally:
        backend.close()
    assert reply.strip()


def test_gate_refuses_a_model_that_is_not_better_unless_forced(run: dict, tmp_path: Path) -> None:
    from finetune import finetune

    home = run["home"]
    record = home / "finetune" / "promoted.json"
    before = record.read_text()
    settings = make_settings(
        home, store_name="Northwind Lane",
        finetune={"max_length": 256, "eval_samples": 2, "heldout_fraction": 0.2},
    )  # fmt: skip
    data = demo_slice(tmp_path / "c.jsonl", 24)
    # A learning rate of zero leaves the model as it was: not better than the current one.
    same = finetune(settings, data=data, out=tmp_path / "same", base=run["report"]["out"],
                    max_steps=1, learning_rate=0.0, progress=False)  # fmt: skip
    assert not same.promoted and same.gate_reasons
    assert record.read_text() == before
    forced = finetune(settings, data=data, out=tmp_path / "forced", base=run["report"]["out"],
                      max_steps=1, learning_rate=0.0, force=True, progress=False)  # fmt: skip
    assert forced.promoted and forced.forced
    assert json.loads(record.read_text())["model"] == forced.out


def test_adapter_is_served_on_the_base_model_through_vllm_lora(run: dict, tmp_path: Path) -> None:
    from bot.backends import make_backend
    from bot.backends.base import GenerationRequest

    adapter = run["report"]["adapter"]
    settings = make_settings(
        tmp_path / "home",
        finetune={"use_promoted": False},
        engine={"enforce_eager": True, "max_model_len": 1024, "lora_path": adapter},
    )
    backend = make_backend(settings)
    backend.warm_up()
    try:
        messages = [{"role": "user", "content": "My order hasn't arrived yet."}]
        request = GenerationRequest(messages=messages, max_tokens=16, temperature=0.0)
        reply = "".join(chunk.text for chunk in backend.stream_sync(request))
    finally:
        backend.close()
    assert backend.lora_path == adapter and reply.strip()
