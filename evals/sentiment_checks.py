"""Abuse and asking for a person: the exact rules, the model's score as a second signal, and
both together, measured on a labelled set."""

from __future__ import annotations

from typing import Any

from bot.sentiment.metrics import prf, roc_auc


def rules_and_model(
    rows: list[dict[str, Any]], judged: list[dict[str, Any]], settings: Any
) -> dict[str, Any]:
    """For abuse and for asking a person: the rule alone, the model's dissatisfaction at the
    hand-off threshold alone, either of them, and the AUC of the model's score."""
    threshold = settings.escalation.dissatisfaction_threshold
    model = [j["dis"] >= threshold for j in judged]
    report: dict[str, Any] = {"threshold": threshold}
    for label in ("abusive", "wants_human"):
        truth = [bool(r["labels"][label]) for r in rows]
        rule = [bool(j[label]) for j in judged]
        auc = roc_auc(truth, [j["dis"] for j in judged])
        report[label] = {
            "rule": prf(truth, rule),
            "model": prf(truth, model),
            "either": prf(truth, [a or b for a, b in zip(rule, model, strict=True)]),
            "model_auc": None if auc is None else round(auc, 4),
        }
    return report
