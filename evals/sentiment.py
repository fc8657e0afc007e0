"""`shopbot eval sentiment` and `shopbot bench sentiment`.

eval: on the labelled set ``data/eval/sentiment_labelled.jsonl`` (never used to build the
scorer), ROC-AUC of dissatisfaction and precision/recall/F1 of escalation and abuse, overall
and per language, for our scorer (with the escalation policy, as the engine runs it), the
lexicon-and-rules scorer alone, and plain VADER (compound score only; it knows no Chinese).
Also: the learned-vs-rules comparison on held-out folds of the training set, and the
predicted CSAT against the rated demo conversations.

bench: milliseconds per message (p50/p95) for our scorer and for VADER alone.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from bot.escalation import EscalationPolicy, judge_conversation
from bot.output import print_json
from bot.sentiment import LexiconSentimentScorer, SentimentScorer, make_scorer, predicted_csat
from bot.sentiment.metrics import prf, roc_auc
from bot.sentiment.training import TRAIN, as_messages, load_labelled, train
from bot.settings import Settings
from bot.state import ConversationState

DATA = Path("data")
EVAL_SET = DATA / "eval" / "sentiment_labelled.jsonl"
VADER_ESCALATE = -0.5
"""Plain VADER: a compound score at or below this counts as 'escalate' and as 'abusive'."""


def _vader() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def judge_ours(
    scorer: SentimentScorer, policy: EscalationPolicy | None, row: dict[str, Any]
) -> dict[str, Any]:
    """Score one labelled message in context; escalation decided as the engine decides it."""
    messages, index = as_messages(row)
    if policy is None:
        result = scorer.score(messages, index)
        escalate = result.escalate
    else:
        *_, (_, result, decision) = judge_conversation(scorer, policy, messages)
        escalate = decision.escalate
    return {
        "dis": result.dissatisfaction,
        "abusive": result.abusive,
        "wants_human": result.wants_human,
        "escalate": escalate,
    }


def judge_vader(vader: Any, row: dict[str, Any]) -> dict[str, Any]:
    compound = float(vader.polarity_scores(row["message"])["compound"])
    negative = compound <= VADER_ESCALATE
    return {"dis": (1.0 - compound) / 2.0, "abusive": negative, "escalate": negative}


def metrics(rows: list[dict[str, Any]], judged: list[dict[str, Any]]) -> dict[str, Any]:
    labels = [r["labels"] for r in rows]
    auc = roc_auc([lab["dissatisfied"] for lab in labels], [j["dis"] for j in judged])
    return {
        "messages": len(rows),
        "dissatisfaction_auc": None if auc is None else round(auc, 4),
        "escalation": prf([lab["escalate"] for lab in labels], [j["escalate"] for j in judged]),
        "abuse": prf([lab["abusive"] for lab in labels], [j["abusive"] for j in judged]),
    }


def by_language(rows: list[dict[str, Any]], judged: list[dict[str, Any]]) -> dict[str, Any]:
    out = {}
    for language in ("all", "en", "zh"):
        keep = [i for i, r in enumerate(rows) if language in ("all", r["language"])]
        out[language] = metrics([rows[i] for i in keep], [judged[i] for i in keep])
    return out


def conversations_check(
    scorer: SentimentScorer, policy: EscalationPolicy, path: Path
) -> dict[str, Any]:
    """On the rated demo conversations: the predicted CSAT after the last shopper message vs
    the rating, and 'would have escalated before an agent spoke' vs the recorded outcome."""
    predicted, actual, escalated, would = [], [], [], []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            messages, outcome = record["messages"], record.get("outcome") or {}
            state = ConversationState()
            first_agent = next(
                (i for i, m in enumerate(messages) if m["role"] == "agent"), len(messages)
            )
            escalate = False
            for index, result, decision in judge_conversation(scorer, policy, messages):
                state = policy.observe(result, state)
                escalate = escalate or (decision.escalate and index < first_agent)
            if "escalated" in outcome:
                escalated.append(bool(outcome["escalated"]))
                would.append(escalate)
            if outcome.get("csat") is not None:
                csat = state.predicted_csat
                predicted.append(csat if csat is not None else predicted_csat([]))
                actual.append(float(outcome["csat"]))
    mean = statistics.fmean(actual)
    return {
        "conversations": len(actual),
        "csat_pearson": round(statistics.correlation(predicted, actual), 4),
        "csat_mae": round(
            statistics.fmean(abs(p - a) for p, a in zip(predicted, actual, strict=True)), 4
        ),
        "csat_mae_constant_mean": round(statistics.fmean(abs(mean - a) for a in actual), 4),
        "escalation_vs_outcome": prf(escalated, would),
    }


def evaluate(settings: Settings, path: Path = EVAL_SET) -> dict[str, Any]:
    rows = load_labelled(path)
    ours = make_scorer(settings)
    ours.warm_up()
    policy = EscalationPolicy(settings.escalation)
    rules = LexiconSentimentScorer(settings.escalation.dissatisfaction_threshold)
    vader = _vader()
    report: dict[str, Any] = {
        "eval_set": str(path),
        "scorer": settings.escalation.scorer,
        "threshold": settings.escalation.dissatisfaction_threshold,
        "ours": by_language(rows, [judge_ours(ours, policy, r) for r in rows]),
        "ours_scorer_only": by_language(rows, [judge_ours(ours, None, r) for r in rows]),
        "lexicon_rules": by_language(rows, [judge_ours(rules, None, r) for r in rows]),
        "vader": by_language(rows, [judge_vader(vader, r) for r in rows]),
    }
    from evals.sentiment_checks import rules_and_model

    judged = [judge_ours(ours, None, r) for r in rows]
    report["rules_and_model"] = rules_and_model(rows, judged, settings)
    overall = report["ours"]["all"]
    report["goals"] = {
        "dissatisfaction_auc>=0.90": (overall["dissatisfaction_auc"] or 0) >= 0.90,
        "escalation_f1>=0.85": overall["escalation"]["f1"] >= 0.85,
    }
    if TRAIN.exists():
        report["training_heldout"] = train(TRAIN)
    conversations = DATA / "conversations.jsonl"
    if conversations.exists():
        report["conversations"] = conversations_check(ours, policy, conversations)
    return report


def _print_table(report: dict[str, Any]) -> None:
    print(f"Sentiment evaluation on {report['eval_set']}")
    print(
        f"{'scorer':18} {'lang':4} {'n':>4} {'AUC':>6} {'esc P':>6} {'esc R':>6} {'esc F1':>6}"
        f" {'abuse F1':>8}"
    )
    for name in ("ours", "ours_scorer_only", "lexicon_rules", "vader"):
        for language, m in report[name].items():
            auc = m["dissatisfaction_auc"]
            e = m["escalation"]
            print(
                f"{name:18} {language:4} {m['messages']:>4} "
                f"{'-' if auc is None else f'{auc:.3f}':>6} {e['precision']:>6.3f} "
                f"{e['recall']:>6.3f} {e['f1']:>6.3f} {m['abuse']['f1']:>8.3f}"
            )
    print("goals:", report["goals"])
    for label, m in report["rules_and_model"].items():
        if isinstance(m, dict):
            print(
                f"{label}: rule F1 {m['rule']['f1']:.3f}, model at the threshold F1 "
                f"{m['model']['f1']:.3f}, either F1 {m['either']['f1']:.3f}, model AUC "
                f"{m['model_auc']}"
            )
    if "training_heldout" in report:
        held = report["training_heldout"]["all"]
        learned, rules = held["learned"], held["lexicon_rules"]
        print(
            f"held-out training folds: learned AUC {learned['dissatisfaction_auc']:.3f} "
            f"F1 {learned['escalation']['f1']:.3f} vs lexicon rules AUC "
            f"{rules['dissatisfaction_auc']:.3f} F1 {rules['escalation']['f1']:.3f}"
        )
    if "conversations" in report:
        print(
            "demo conversations (CSAT vs ratings, escalation vs outcome):", report["conversations"]
        )


def eval_sentiment(args: argparse.Namespace, settings: Settings) -> int:
    if getattr(args, "cross_domain", False):
        from evals.sentiment_training import eval_cross_domain

        return eval_cross_domain(args, settings)
    report = evaluate(settings)
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    if args.json:
        print_json(report)
    else:
        _print_table(report)
    return 0


def _stats(samples: list[float]) -> dict[str, float]:
    samples = sorted(samples)
    return {
        "messages": len(samples),
        "p50_ms": round(samples[len(samples) // 2], 3),
        "p95_ms": round(samples[min(len(samples) - 1, int(len(samples) * 0.95))], 3),
        "mean_ms": round(statistics.fmean(samples), 3),
    }


def _timings(function: Any, items: list[Any]) -> list[float]:
    samples = []
    for item in items:
        t0 = time.perf_counter()
        function(item)
        samples.append((time.perf_counter() - t0) * 1000)
    return samples


def bench_sentiment(args: argparse.Namespace, settings: Settings) -> int:
    """Milliseconds per shopper message, in its context, over the demo conversations."""
    items: list[tuple[list[dict[str, str]], int, str]] = []
    with (DATA / "conversations.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            messages = record["messages"]
            items += [
                (messages, i, record.get("language", "en"))
                for i, m in enumerate(messages)
                if m["role"] == "user"
            ]
    count = args.queries or 1000
    items, warm = items[:count], items[count : count + 20] or items[:20]
    ours, rules, vader = make_scorer(settings), LexiconSentimentScorer(), _vader()
    for scorer in (ours, rules):  # first calls load lexicons, models and caches: not timed
        scorer.warm_up()
        for messages, index, _ in warm:
            scorer.score(messages, index)
    # One timed pass each, in conversation order (as a live chat scores them): a message's
    # vector is computed once, so the per-language figures are cut from the same pass.
    samples = {
        "ours": _timings(lambda it: ours.score(it[0], it[1]), items),
        "lexicon_rules": _timings(lambda it: rules.score(it[0], it[1]), items),
        "vader": _timings(lambda it: vader.polarity_scores(it[0][it[1]]["content"]), items),
    }
    report: dict[str, Any] = {"scorer": settings.escalation.scorer, "goal_ms": 10}
    for language in ("all", "en", "zh"):
        keep = [n for n, it in enumerate(items) if language in ("all", it[2])]
        report[language] = {
            name: _stats([times[n] for n in keep]) for name, times in samples.items()
        }
    if args.json:
        print_json(report)
    else:
        for language in ("all", "en", "zh"):
            for name, t in report[language].items():
                print(
                    f"{language:4} {name:14} n={t['messages']:5} p50 {t['p50_ms']:.3f} ms  "
                    f"p95 {t['p95_ms']:.3f} ms",
                    file=sys.stdout,
                )
    return 0
