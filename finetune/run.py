"""One fine-tuning run from conversations to a served model: the Python API behind
`shopbot finetune`.

Output folder ``out``: the merged bf16 model with tokenizer and chat template (a folder vLLM
and shopbot serve), ``adapter/`` (the LoRA adapter, servable on the base model through vLLM's
LoRA support), ``checkpoints/``, ``report.json``, ``loss_curve.png``, ``examples.jsonl`` (the
grounded training examples' kinds) and ``samples.jsonl`` (held-out replies of both models).
"""

from __future__ import annotations

import gc
import json
import logging
import os
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from bot.bundled import TRAINED_FROM, bundled_chat_model
from bot.errors import ConfigError, InputError
from bot.model_files import promotion_file, read_promotion, resolve_chat_model
from bot.settings import Settings
from finetune.data import build_dataset

if TYPE_CHECKING:
    from finetune.gate import TurnScore
    from finetune.grounded import GroundedTurn

log = logging.getLogger(__name__)


class _InALanguage(Protocol):
    @property
    def language(self) -> str: ...


T = TypeVar("T", bound=_InALanguage)
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
    overlap_before: float | None
    """Token F1 with the agents' replies, current model (through the real engine)."""
    overlap_after: float | None
    unsupported_before: float | None
    """Share of replies in which the checks withheld an invented figure, current model."""
    unsupported_after: float | None
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
    gate: dict[str, Any] = field(default_factory=dict)
    """Both models' measures through the real engine, overall and per language."""
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
    knowledge: Any = None,
) -> FinetuneReport:
    """Build grounded examples, fine-tune ``base`` with LoRA, compare it with the served model
    through the real engine, save, and promote it if better. ``knowledge``: the store's
    index (default: the one in ``settings.home``, filled by `shopbot ingest`)."""
    from finetune.train import require_training_libraries

    require_training_libraries()
    import torch

    from finetune import gate as gt
    from finetune import measures as ev
    from finetune import train as tr
    from finetune.encode import encode_all
    from finetune.grounded import GroundedExamples, prompt_bot

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
    base_model = base or resolve_chat_model(settings, promoted=False)
    current_model = resolve_chat_model(settings)
    dataset = build_dataset(
        Path(data),
        min_csat=cfg.min_csat if min_csat is None else min_csat,
        heldout_fraction=cfg.heldout_fraction,
        seed=cfg.seed,
    )
    knowledge = knowledge or _store_knowledge(settings)
    prompts = prompt_bot(settings, knowledge, base_model, cfg.max_length)
    builder = GroundedExamples(prompts, knowledge)
    log.info("Building grounded examples for %d store replies...", len(dataset.train))
    train_turns, train_stats = builder.build(dataset.train, cfg.not_held_share)
    held_turns, held_stats = builder.build(dataset.heldout, cfg.not_held_share)
    log.info("Training examples: %s; held-out: %s", train_stats, held_stats)
    out_dir.mkdir(parents=True, exist_ok=True)
    _write_examples(out_dir / "examples.jsonl", train_turns)

    device, _, _ = tr.device_and_dtype()
    model, tokenizer = tr.load_model(base_model, device)
    train_set = encode_all(tokenizer, [g.example() for g in train_turns], cfg.max_length)
    heldout_set = encode_all(tokenizer, [g.example() for g in held_turns], cfg.max_length)
    if not train_set or not heldout_set:
        raise InputError(
            f"too few usable store replies ({len(train_set)} train, {len(heldout_set)} "
            f"held-out) in resolved conversations with csat >= {min_csat or cfg.min_csat} "
            "whose questions the store's knowledge answers",
            path=str(data),
        )
    loss_before = ev.heldout_loss(model, tokenizer, heldout_set)
    loss_current = loss_before
    if Path(current_model).resolve() != Path(base_model).resolve():
        served, served_tok = tr.load_model(current_model, device)
        loss_current = ev.heldout_loss(served, served_tok, heldout_set)
        del served
    log.info("Held-out loss: base %.4f, served %.4f", loss_before, loss_current)

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
    # Served by its path, the folder answers as the model it was trained to be served as.
    (out_dir / TRAINED_FROM).write_text(json.dumps({"model": settings.model}) + "\n")
    del model
    merged, merged_tok = tr.load_model(str(out_dir), device)  # exactly what will be served
    loss_after = ev.heldout_loss(merged, merged_tok, heldout_set)
    del merged
    gc.collect()
    curve = out_dir / "loss_curve.png"
    tr.plot_losses(
        result.losses, {"held-out before": loss_before, "held-out after": loss_after}, curve
    )

    gate_turns = balanced(held_turns, cfg.eval_samples)
    now: dict[str, Any] = {}
    new: dict[str, Any] = {}
    now_scores: list[gt.TurnScore] = []
    new_scores: list[gt.TurnScore] = []
    if loss_after < loss_current or force:
        gate_knowledge = gt.WithoutConversations(knowledge, {t.conversation_id for t in held_turns})
        log.info("The gate: %d held-out turns, both models, real engine...", len(gate_turns))
        now, now_scores = gt.measure_model(settings, current_model, gate_knowledge, gate_turns)
        new, new_scores = gt.measure_model(settings, str(out_dir), gate_knowledge, gate_turns)
    else:
        log.info("Held-out loss did not fall: the replies are not measured.")
    decision = gt.decide(
        now, new, loss_current=loss_current, loss_candidate=loss_after, force=force
    )
    report = FinetuneReport(
        out=str(out_dir.resolve()),
        base=base_model,
        current_model=current_model,
        train_examples=len(train_set),
        heldout_examples=len(heldout_set),
        eval_loss_before=round(loss_current, 4),
        eval_loss_after=round(loss_after, 4),
        overlap_before=now.get("all", {}).get("token_f1"),
        overlap_after=new.get("all", {}).get("token_f1"),
        unsupported_before=now.get("all", {}).get("invented"),
        unsupported_after=new.get("all", {}).get("invented"),
        steps=result.steps,
        seconds_training=round(result.seconds, 1),
        seconds_total=0.0,
        steps_per_second=round(result.steps_per_second, 3),
        tokens_per_second=round(result.tokens / result.seconds, 1) if result.seconds else 0.0,
        promoted=decision.promote and promote,
        forced=decision.forced,
        gate_reasons=decision.reasons,
        adapter=str(adapter.resolve()),
        loss_curve=str(curve.resolve()),
        gate={"current": now, "candidate": new, "turns": len(gate_turns)},
        data={
            **asdict(dataset.stats),
            "train_grounding": train_stats.to_json(),
            "heldout_grounding": held_stats.to_json(),
            "train_target_tokens": sum(e.target_tokens for e in train_set),
            "device": device,
            "threads": threads,
        },
        resumed_from=result.resumed_from,
    )
    _write_samples(out_dir / "samples.jsonl", now_scores, new_scores)
    if report.promoted:
        write_promotion(settings, report)
    report.seconds_total = round(time.monotonic() - started, 1)
    (out_dir / "report.json").write_text(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    return report


def _store_knowledge(settings: Settings) -> Any:
    """The store's own index, which must hold its knowledge already."""
    from retrieval import KnowledgeBase

    knowledge = KnowledgeBase(settings)
    knowledge.warm_up()
    if not any(knowledge.stats().values()):
        raise ConfigError(
            f"The store's index in {settings.home} is empty: training examples are built with "
            "the passages the bot retrieves. Run `shopbot ingest --catalog ... --policies ... "
            "--dialogues ...` first (`make finetune-demo` does it for the demo store)."
        )
    return knowledge


def balanced(turns: list[T], limit: int) -> list[T]:
    """Up to ``limit`` turns, the languages taking turns (so each is measured)."""
    by_language: dict[str, list[T]] = {}
    for turn in turns:
        by_language.setdefault(turn.language, []).append(turn)
    picked: list[T] = []
    queues = list(by_language.values())
    while len(picked) < limit and any(queues):
        for queue in queues:
            if queue and len(picked) < limit:
                picked.append(queue.pop(0))
    return picked


def idle_cores(sample_s: float = 1.0) -> int:
    """CPU threads worth using now: the cores other processes leave idle (at least one).

    On a shared machine, more threads than idle cores makes every parallel step wait for a
    descheduled thread (measured here: generation 10x slower with 2 threads at load 8).
    The idle time is sampled while this process sleeps: the load average would count this
    process's own work of the last minute (or the `shopbot ingest` just before) as another's,
    and train on one core of two idle ones.
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cores = cores or 1
    idle = _idle_fraction(sample_s)
    busy = os.getloadavg()[0] if idle is None else (1.0 - idle) * cores
    return max(1, min(cores, round(cores - busy)))


def _idle_fraction(sample_s: float) -> float | None:
    """The share of CPU time idle over ``sample_s`` seconds (/proc/stat), or None off Linux."""

    def times() -> tuple[int, int] | None:
        try:
            fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
        except OSError:
            return None
        values = [int(v) for v in fields]
        return values[3] + (values[4] if len(values) > 4 else 0), sum(values[:8])

    first = times()
    if first is None:
        return None
    time.sleep(sample_s)
    second = times()
    if second is None or second[1] <= first[1]:
        return None
    return (second[0] - first[0]) / (second[1] - first[1])


def _write_examples(path: Path, turns: list[GroundedTurn]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for g in turns:
            row: dict[str, Any] = {"id": g.conversation_id, "kind": g.kind, "language": g.language}
            row["prompt"] = g.prompt.messages
            if g.prefix:  # the facts stated from data, given before the target
                row["prefix"] = g.prefix
            row["target"] = g.target
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def _write_samples(path: Path, before: list[TurnScore], after: list[TurnScore]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for old, new in zip(before, after, strict=True):
            row = {
                "language": old.language,
                "reference": old.reference,
                "reply_current": old.reply,
                "invented_current": old.invented,
                "reply_new": new.reply,
                "invented_new": new.invented,
            }
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def write_promotion(settings: Settings, report: FinetuneReport) -> Path:
    """Record ``report.out`` as the model `shopbot serve` / `chat` use for the configured
    bundled model; the record it replaces is kept inside it, for `shopbot finetune
    --rollback`."""
    path = promotion_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    bundled = bundled_chat_model(settings.model)
    record = {
        "model": report.out,
        "adapter": report.adapter,
        "base": report.base,
        "bundled": bundled.name if bundled else settings.model,
        "promoted_at": datetime.now(UTC).isoformat(),
        "forced": report.forced,
        "eval_loss": report.eval_loss_after,
        "token_f1": report.overlap_after,
        "replaces": report.current_model,
        "previous": read_promotion(settings),
    }
    _write_record(path, record)
    log.info("Promoted %s: `shopbot serve` and `shopbot chat` now use it.", report.out)
    return path


def rollback(settings: Settings) -> dict[str, Any]:
    """Serve what was served before the last promotion: the previous promoted model, or the
    bundled one. Returns ``{"serving", "removed"}``."""
    path = promotion_file(settings)
    record = read_promotion(settings)
    if record is None:
        raise ConfigError(f"Nothing is promoted ({path} does not exist): nothing to roll back.")
    previous = record.get("previous")
    if previous:
        _write_record(path, previous)
    else:
        path.unlink()
    serving = resolve_chat_model(settings)
    log.info("Rolled back %s; now serving %s.", record["model"], serving)
    return {"serving": serving, "removed": record["model"]}


def _write_record(path: Path, record: dict[str, Any]) -> None:
    staging = path.with_suffix(".tmp")
    staging.write_text(json.dumps(record, indent=2))
    staging.replace(path)


def raise_exists(out_dir: Path) -> None:
    raise ConfigError(
        f"{out_dir} already holds a model; choose another --out, or pass --resume to continue "
        "the run whose checkpoints are there."
    )
