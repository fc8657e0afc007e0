"""`shopbot finetune`: fine-tune the chat model on the store's past conversations."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.output import print_json
from bot.settings import Settings


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "finetune",
        help="Fine-tune the chat model (LoRA) on resolved, well-rated past conversations.",
        description=(
            "Builds training examples from past conversations (resolved, CSAT >= --min-csat, "
            "personal data masked) with the prompt the bot itself builds for each turn (the "
            "passages retrieved from the store's index), fine-tunes the model with LoRA, "
            "compares it with the served model on held-out conversations through the real "
            "engine and output checks, and promotes it to serving when better. "
            "--rollback serves what was served before the last promotion."
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
    parser.add_argument(
        "--rollback",
        action="store_true",
        help="Stop serving the promoted model: serve the one before it (or the bundled one).",
    )
    parser.add_argument("--json", action="store_true", help="Print the report as one JSON.")
    parser.set_defaults(handler=run_finetune)


def run_finetune(args: argparse.Namespace, settings: Settings) -> int:
    from finetune.run import finetune

    if args.rollback:
        from finetune.run import rollback

        done = rollback(settings)
        if args.json:
            print_json(done)
        else:
            print(f"Rolled back {done['removed']}; now serving {done['serving']}.")
        return 0
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
        f"grounded examples in {report.seconds_training:.0f} s "
        f"({report.steps_per_second:.2f} steps/s).\n"
        f"Held-out loss {report.eval_loss_before:.3f} -> {report.eval_loss_after:.3f} "
        f"({report.loss_reduction:.1%} lower).\n"
        + gate_table(report.gate)
        + f"\nModel: {report.out}  (adapter: {report.adapter}; curve: {report.loss_curve})\n"
        + (
            "Promoted: `shopbot serve` and `shopbot chat` now use it "
            "(`shopbot finetune --rollback` undoes it)." + (" (forced)" if report.forced else "")
            if report.promoted
            else "Not promoted: " + "; ".join(report.gate_reasons)
        )
    )
    return 0


def gate_table(gate: dict[str, Any]) -> str:
    """The gate's measures of both models, one line per language and measure."""
    from finetune.gate import MEASURES

    lines = [f"{'through the real engine':<28}{'served':>10}{'new':>10}"]
    for group in gate.get("current", {}):
        if group == "seconds":
            continue
        for measure in MEASURES:
            now = gate["current"][group].get(measure)
            new = gate["candidate"].get(group, {}).get(measure)
            shown = ["-" if v is None else f"{v:.3f}" for v in (now, new)]
            lines.append(f"{group + ' ' + measure:<28}{shown[0]:>10}{shown[1]:>10}")
    return "\n".join(lines)
