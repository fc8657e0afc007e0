"""`shopbot finetune`: fine-tune the chat model on the store's past conversations."""

from __future__ import annotations

import argparse
import sys

from bot.output import print_json
from bot.settings import Settings


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "finetune",
        help="Fine-tune the chat model (LoRA) on resolved, well-rated past conversations.",
        description=(
            "Builds training data from past conversations (resolved, CSAT >= --min-csat, "
            "personal data masked), fine-tunes the model with LoRA, compares it with the "
            "current model on held-out conversations and promotes it to serving when better."
        ),
    )
    parser.add_argument("--data", default="data/conversations.jsonl", help="Conversations JSONL.")
    parser.add_argument("--out", help="Output model folder (default: SHOPBOT_HOME/finetune/run-*).")
    parser.add_argument("--base", help="Model to fine-tune (default: the configured model).")
    parser.add_argument("--max-steps", type=int, help="Training steps (default: finetune.epochs).")
    parser.add_argument("--min-csat", type=int, help="Lowest CSAT to learn from (default 4).")
    parser.add_argument("--learning-rate", type=float, help="Peak learning rate.")
    parser.add_argument("--force", action="store_true", help="Promote even when not better.")
    parser.add_argument("--no-promote", action="store_true", help="Never promote this run.")
    parser.add_argument("--resume", action="store_true", help="Continue from --out's checkpoint.")
    parser.add_argument("--json", action="store_true", help="Print the report as one JSON.")
    parser.set_defaults(handler=run_finetune)


def run_finetune(args: argparse.Namespace, settings: Settings) -> int:
    from finetune.run import finetune

    if args.resume and not args.out:
        print("shopbot: error: --resume needs --out (the run folder to continue)", file=sys.stderr)
        return 2
    report = finetune(
        settings,
        data=args.data,
        out=args.out,
        base=args.base,
        max_steps=args.max_steps,
        min_csat=args.min_csat,
        learning_rate=args.learning_rate,
        force=args.force,
        promote=not args.no_promote,
        resume=args.resume,
    )
    if args.json:
        print_json(report.to_json())
        return 0
    print(
        f"Fine-tuned {report.base} for {report.steps} steps on {report.train_examples} "
        f"conversations in {report.seconds_training:.0f} s "
        f"({report.steps_per_second:.2f} steps/s).\n"
        f"Held-out loss {report.eval_loss_before:.3f} -> {report.eval_loss_after:.3f} "
        f"({report.loss_reduction:.1%} lower); reply overlap {report.overlap_before:.3f} -> "
        f"{report.overlap_after:.3f}; unsupported facts {report.unsupported_before:.0%} -> "
        f"{report.unsupported_after:.0%}.\n"
        f"Model: {report.out}  (adapter: {report.adapter}; curve: {report.loss_curve})\n"
        + (
            "Promoted: `shopbot serve` and `shopbot chat` now use it."
            + (" (forced)" if report.forced else "")
            if report.promoted
            else "Not promoted: " + "; ".join(report.gate_reasons)
        )
    )
    return 0
