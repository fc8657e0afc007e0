"""LoRA supervised fine-tuning with a small loop of our own (loss only on labelled tokens).

SmolLM2's chat template has no ``{% generation %}`` markers, which trl's assistant-only loss
needs, so labels are built in :mod:`finetune.encode` and this loop trains on them. Runs on a
GPU when there is one, else on the CPU with bf16 autocast. Checkpoints (adapter, optimizer,
scheduler, step, losses) are written every ``save_every`` steps and resumed from.
"""

from __future__ import annotations

import json
import logging
import math
import random
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from finetune.encode import Encoded, collate, masked_loss

log = logging.getLogger(__name__)
EXTRA_HINT = "pip install 'shopbot[finetune]'"


def require_training_libraries() -> None:
    """Import torch, peft and transformers, or say which extra installs them."""
    missing = []
    for name in ("torch", "peft", "transformers", "matplotlib"):
        try:
            __import__(name)
        except ImportError:
            missing.append(name)
    if missing:
        from bot.errors import ConfigError

        raise ConfigError(
            f"Fine-tuning needs {', '.join(missing)}: install the extra with `{EXTRA_HINT}`."
        )


@dataclass
class TrainConfig:
    max_steps: int
    batch_size: int = 4
    learning_rate: float = 5e-4
    warmup_steps: int = 5
    lora_r: int = 16
    lora_alpha: int = 32
    seed: int = 0
    save_every: int = 20
    progress: bool = True


@dataclass
class TrainResult:
    steps: int
    seconds: float
    tokens: int
    losses: list[tuple[int, float]] = field(default_factory=list)
    resumed_from: int = 0

    @property
    def steps_per_second(self) -> float:
        return self.steps / self.seconds if self.seconds else 0.0


def device_and_dtype() -> tuple[str, Any, bool]:
    """(device, weight dtype, bf16 autocast?): a GPU when present, else the CPU."""
    import torch

    if torch.cuda.is_available():
        return "cuda", torch.float32, torch.cuda.is_bf16_supported()
    return "cpu", torch.float32, True


def load_model(model_path: str, device: str) -> tuple[Any, Any]:
    """The model (float32 weights) and its tokenizer."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_path)
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    model: Any = AutoModelForCausalLM.from_pretrained(model_path, dtype=torch.float32)
    return model.to(device), tokenizer


def add_lora(model: Any, config: TrainConfig) -> Any:
    from peft import LoraConfig, get_peft_model

    lora = LoraConfig(
        r=config.lora_r,
        lora_alpha=config.lora_alpha,
        lora_dropout=0.05,
        target_modules="all-linear",
        task_type="CAUSAL_LM",
    )
    # Recomputing activations in the backward pass keeps a CPU run near 3 GB instead of 8+.
    model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    return get_peft_model(model, lora)


def batches(examples: list[Encoded], batch_size: int, seed: int, epoch: int) -> list[list[Encoded]]:
    """One epoch's batches: shuffled, then similar lengths grouped to save padding."""
    rng = random.Random(seed * 1000 + epoch)
    order = list(examples)
    rng.shuffle(order)
    pool = batch_size * 8
    out: list[list[Encoded]] = []
    for start in range(0, len(order), pool):
        chunk = sorted(order[start : start + pool], key=lambda e: len(e.input_ids))
        out += [chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size)]
    rng.shuffle(out)
    return out


def train(
    model: Any, tokenizer: Any, examples: list[Encoded], config: TrainConfig, out: Path
) -> TrainResult:
    """Train the LoRA model in place for ``config.max_steps`` steps; checkpoints under ``out``."""
    import torch
    from tqdm import tqdm

    device, _, autocast = device_and_dtype()
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=config.learning_rate, weight_decay=0.0)
    total = config.max_steps

    def schedule(step: int) -> float:
        if step < config.warmup_steps:
            return (step + 1) / config.warmup_steps
        progress = (step - config.warmup_steps) / max(1, total - config.warmup_steps)
        return 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)
    checkpoints = out / "checkpoints"
    result = TrainResult(steps=0, seconds=0.0, tokens=0)
    start_step = _resume(model, optimizer, scheduler, checkpoints, result)
    per_epoch = max(1, math.ceil(len(examples) / config.batch_size))
    model.train()
    bar = tqdm(
        total=total,
        initial=start_step,
        desc="fine-tuning",
        unit="step",
        file=sys.stderr,
        disable=not config.progress,
    )
    started = time.monotonic() - result.seconds
    step = start_step
    while step < total:
        epoch, index = divmod(step, per_epoch)
        batch = batches(examples, config.batch_size, config.seed, epoch)[index]
        tensors = {k: v.to(device) for k, v in collate(batch, tokenizer.pad_token_id).items()}
        with torch.autocast(device_type=device, dtype=torch.bfloat16, enabled=autocast):
            summed, count = masked_loss(model, tensors)
            loss = summed / max(1, count)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        step += 1
        result.tokens += int(tensors["attention_mask"].sum())
        result.losses.append((step, float(loss.detach())))
        bar.set_postfix(loss=f"{float(loss.detach()):.3f}", epoch=epoch + 1)
        bar.update(1)
        result.seconds = time.monotonic() - started
        if step % config.save_every == 0 or step == total:
            _save_checkpoint(model, optimizer, scheduler, checkpoints, step, result)
    bar.close()
    result.steps = step
    model.eval()
    return result


def _save_checkpoint(
    model: Any, optimizer: Any, scheduler: Any, root: Path, step: int, result: TrainResult
) -> None:
    import torch

    target = root / f"step-{step:06d}"
    staging = root / f".step-{step:06d}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    model.save_pretrained(staging)
    torch.save(
        {"optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict()},
        staging / "trainer.pt",
    )
    state = {
        "step": step,
        "seconds": result.seconds,
        "tokens": result.tokens,
        "losses": result.losses,
    }
    (staging / "state.json").write_text(json.dumps(state))
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    for old in sorted(root.glob("step-*"))[:-2]:  # keep the last two
        shutil.rmtree(old, ignore_errors=True)


def latest_checkpoint(root: Path) -> Path | None:
    found = sorted(p for p in root.glob("step-*") if (p / "state.json").exists())
    return found[-1] if found else None


def _resume(model: Any, optimizer: Any, scheduler: Any, root: Path, result: TrainResult) -> int:
    """Load the newest checkpoint under ``root`` if any; return the step to continue from."""
    import torch
    from peft import set_peft_model_state_dict
    from safetensors.torch import load_file

    checkpoint = latest_checkpoint(root)
    if checkpoint is None:
        return 0
    set_peft_model_state_dict(model, load_file(checkpoint / "adapter_model.safetensors"))
    trainer = torch.load(checkpoint / "trainer.pt", weights_only=False)
    optimizer.load_state_dict(trainer["optimizer"])
    scheduler.load_state_dict(trainer["scheduler"])
    state = json.loads((checkpoint / "state.json").read_text())
    result.seconds, result.tokens = state["seconds"], state["tokens"]
    result.losses = [tuple(x) for x in state["losses"]]
    result.resumed_from = state["step"]
    log.info("Resuming from %s (step %d).", checkpoint, state["step"])
    return int(state["step"])


def save_outputs(model: Any, tokenizer: Any, out: Path) -> Path:
    """The adapter under ``out/adapter``, the merged bf16 model (with tokenizer) in ``out``."""
    import torch

    adapter = out / "adapter"
    model.save_pretrained(adapter)
    tokenizer.save_pretrained(adapter)
    merged = model.merge_and_unload()
    merged.to(torch.bfloat16).save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
    merged.to(torch.float32)
    return adapter


def plot_losses(losses: list[tuple[int, float]], eval_points: dict[str, float], path: Path) -> None:
    """A loss-curve PNG: training loss per step (and its moving average), held-out losses."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    if losses:
        steps, values = zip(*losses, strict=True)
        ax.plot(steps, values, color="#9db4d8", linewidth=1, label="train loss (batch)")
        window = max(1, len(values) // 10)
        smooth = [
            sum(values[max(0, i - window + 1) : i + 1])
            / len(values[max(0, i - window + 1) : i + 1])
            for i in range(len(values))
        ]
        ax.plot(
            steps, smooth, color="#1f4e99", linewidth=2, label=f"train loss ({window}-step mean)"
        )
        last = steps[-1]
    else:
        last = 1
    colors = {"held-out before": "#c0392b", "held-out after": "#27ae60"}
    for name, value in eval_points.items():
        x = 0 if "before" in name else last
        ax.scatter(
            [x], [value], color=colors.get(name, "black"), zorder=3, label=f"{name}: {value:.3f}"
        )
    ax.set_xlabel("step")
    ax.set_ylabel("loss (assistant tokens)")
    ax.set_title("shopbot fine-tuning")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
