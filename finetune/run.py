"""One fine-tuning run from conversations to a served model: the Python API behind
`shopbot finetune`.

Output folder ``out``: the merged bf16 model with tokenizer and chat template (a folder vLLM
and shopbot serve), ``adapter/`` (the LoRA adapter), ``checkpoints/``, ``report.json``,
``loss_curve.png`` and ``samples.jsonl`` (held-out replies before and after).
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.model_files import promotion_file, resolve_chat_model
from bot.settings import Settings
from finetune.data import build_dataset

log = logging.getLogger(__name__)
DEFAULT_DATA = Path("data/conversations.jsonl")


@dataclass
class FinetuneReport:
    """What a run did and measured; ``report.json`` in the output folder."""

    out: str
    base: str
    train_examples: int
    heldout_examples: int
    eval_loss_before: float
    eval_loss_after: float
    overlap_before: float
    overlap_after: float
    unsupported_before: float
    unsupported_after: float
    steps: int
    seconds_training: float
    seconds_total: float
    steps_per_second: float
    tokens_per_second: float
    promoted: bool
    forced: bool
    gate_reasons: list[str]
    adapter: str
    loss_curve: str
    data: dict[str, Any] = field(default_factory=dict)
    current_model: str = ""
    resumed_from: int = 0

    @property
    def loss_reduction(self) -> float:
        return 1 - self.eval_loss_after / self.eval_loss_before if self.eval_loss_before else 0.0

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "loss_reduction": round(self.loss_reduction, 4)}


def finetune(
    settings: Settings,
    *,
    data: Path | str = DEFAULT_DATA,
    out: Path | str | None = None,
    base: str | None = None,
    max_steps: int | None = None,
    min_csat: int | None = None,
    learning_rate: float | None = None,
    force: bool = False,
    promote: bool = True,
    resume: bool = False,
    progress: bool = True,
) -> FinetuneReport:
    """Build the data, fine-tune ``base`` with LoRA, evaluate, save, and promote if better."""
    from finetune.train import require_training_libraries

    require_training_libraries()
    import torch

    from finetune import gate as ev
    from finetune import train as tr
    from finetune.encode import encode_all

    started = time.monotonic()
    cfg = settings.finetune
    threads = cfg.threads or idle_cores()
    torch.set_num_threads(threads)
    out_dir = (
        Path(out)
        if out
        else settings.home / "finetune" / datetime.now(UTC).strftime("run-%Y%m%d-%H%M%S")
    )
    if (out_dir / "config.json").exists() and not resume:
        raise_exists(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    base_model = base or resolve_chat_model(settings, promoted=False)
    current_model = resolve_chat_model(settings)
    dataset = build_dataset(
        Path(data),
        store_name=settings.store_name,
        persona=settings.system_prompt,
        min_csat=cfg.min_csat if min_csat is None else min_csat,
        heldout_fraction=cfg.heldout_fraction,
        seed=cfg.seed,
    )
    log.info(
        "Training data: %s; %d train, %d held-out conversations.",
        dataset.stats,
        len(dataset.train),
        len(dataset.heldout),
    )
    device, _, _ = tr.device_and_dtype()
    model, tokenizer = tr.load_model(base_model, device)
    train_set = encode_all(tokenizer, dataset.train, cfg.max_length)
    heldout_set = encode_all(tokenizer, dataset.heldout, cfg.max_length)
    if not train_set or not heldout_set:
        from bot.errors import InputError

        raise InputError(
            f"too few usable conversations ({len(train_set)} train, {len(heldout_set)} "
            f"held-out) with resolved=true and csat >= {min_csat or cfg.min_csat}",
            path=str(data),
        )
    turns = ev.sample_turns(dataset.heldout, cfg.eval_samples)
    log.info(
        "Evaluating the base model %s on %d held-out conversations...", base_model, len(heldout_set)
    )
    before = _measure(ev, model, tokenizer, heldout_set, turns)
    current = before
    if Path(current_model).resolve() != Path(base_model).resolve():
        log.info("Evaluating the currently served model %s...", current_model)
        served, served_tok = tr.load_model(current_model, device)
        current = _measure(ev, served, served_tok, heldout_set, turns)
        del served

    steps = max_steps or max(1, round(cfg.epochs * len(train_set) / cfg.batch_size))
    config = tr.TrainConfig(
        max_steps=steps,
        batch_size=cfg.batch_size,
        seed=cfg.seed,
        lora_r=cfg.lora_r,
        lora_alpha=2 * cfg.lora_r,
        progress=progress,
        learning_rate=learning_rate if learning_rate is not None else cfg.learning_rate,
        save_every=max(5, min(50, steps // 4)),
    )
    if not resume:
        import shutil

        shutil.rmtree(out_dir / "checkpoints", ignore_errors=True)
    model = tr.add_lora(model, config)
    result = tr.train(model, tokenizer, train_set, config, out_dir)
    adapter = tr.save_outputs(model, tokenizer, out_dir)
    merged, merged_tok = tr.load_model(str(out_dir), device)  # exactly what will be served
    after = _measure(ev, merged, merged_tok, heldout_set, turns)
    gate = ev.decide(current["metrics"], after["metrics"], force=force)
    curve = out_dir / "loss_curve.png"
    tr.plot_losses(
        result.losses,
        {"held-out before": before["metrics"]["loss"], "held-out after": after["metrics"]["loss"]},
        curve,
    )
    report = FinetuneReport(
        out=str(out_dir.resolve()),
        base=base_model,
        current_model=current_model,
        train_examples=len(train_set),
        heldout_examples=len(heldout_set),
        eval_loss_before=round(before["metrics"]["loss"], 4),
        eval_loss_after=round(after["metrics"]["loss"], 4),
        overlap_before=round(before["metrics"]["overlap_f1"], 4),
        overlap_after=round(after["metrics"]["overlap_f1"], 4),
        unsupported_before=round(before["metrics"]["unsupported_rate"], 4),
        unsupported_after=round(after["metrics"]["unsupported_rate"], 4),
        steps=result.steps,
        seconds_training=round(result.seconds, 1),
        seconds_total=0.0,
        steps_per_second=round(result.steps_per_second, 3),
        tokens_per_second=round(result.tokens / result.seconds, 1) if result.seconds else 0.0,
        promoted=gate.promote and promote,
        forced=gate.forced,
        gate_reasons=gate.reasons,
        adapter=str(adapter.resolve()),
        loss_curve=str(curve.resolve()),
        data={
            **asdict(dataset.stats),
            "train_target_tokens": sum(e.target_tokens for e in train_set),
            "eval_replies": len(turns),
            "device": device,
            "threads": threads,
        },
        resumed_from=result.resumed_from,
    )
    _write_samples(out_dir / "samples.jsonl", before["samples"], after["samples"])
    if report.promoted:
        write_promotion(settings, report)
    report.seconds_total = round(time.monotonic() - started, 1)
    (out_dir / "report.json").write_text(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    return report


def idle_cores() -> int:
    """CPU threads worth using now: the cores other processes leave idle (at least one).

    On a shared machine, more threads than idle cores makes every parallel step wait for a
    descheduled thread (measured here: generation 10x slower with 2 threads at load 8).
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, round((cores or 1) - os.getloadavg()[0])))


def _measure(
    ev: Any, model: Any, tokenizer: Any, heldout: list[Any], turns: list[Any]
) -> dict[str, Any]:
    loss = ev.heldout_loss(model, tokenizer, heldout)
    quality = ev.reply_quality(model, tokenizer, turns, max_new_tokens=48)
    metrics = {
        "loss": loss,
        "overlap_f1": quality.overlap_f1,
        "unsupported_rate": quality.unsupported_rate,
    }
    log.info(
        "held-out loss %.4f, reply overlap %.3f, unsupported %.2f",
        loss,
        quality.overlap_f1,
        quality.unsupported_rate,
    )
    return {"metrics": metrics, "samples": quality.samples}


def _write_samples(path: Path, before: list[dict[str, Any]], after: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for old, new in zip(before, after, strict=True):
            row = {
                "shopper": old["shopper"],
                "reference": old["reference"],
                "reply_before": old["reply"],
                "unsupported_before": old["unsupported"],
                "reply_after": new["reply"],
                "unsupported_after": new["unsupported"],
            }
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def write_promotion(settings: Settings, report: FinetuneReport) -> Path:
    """Record ``report.out`` as the model `shopbot serve` / `chat` use with model 'bundled'."""
    path = promotion_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {
        "model": report.out,
        "promoted_at": datetime.now(UTC).isoformat(),
        "forced": report.forced,
        "eval_loss": report.eval_loss_after,
        "overlap_f1": report.overlap_after,
        "replaces": report.current_model,
    }
    staging = path.with_suffix(".tmp")
    staging.write_text(json.dumps(record, indent=2))
    staging.replace(path)
    log.info("Promoted %s: `shopbot serve` and `shopbot chat` now use it.", report.out)
    return path


def raise_exists(out_dir: Path) -> None:
    from bot.errors import ConfigError

    raise ConfigError(
        f"{out_dir} already holds a model; choose another --out, or pass --resume to continue "
        "the run whose checkpoints are there."
    )
