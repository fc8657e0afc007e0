"""`shopbot eval sentiment`, `shopbot bench sentiment` and `shopbot sentiment` as users run them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from tests.test_cli import shopbot


def test_eval_sentiment_prints_one_json_document(tmp_path: Path) -> None:
    result = shopbot("eval", "sentiment", "--json", home=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)  # exactly one document: json.loads fails otherwise
    for name in ("ours", "lexicon_rules", "vader"):
        assert set(report[name]) == {"all", "en", "zh"}
        assert report[name]["all"]["messages"] == 325
        assert {"precision", "recall", "f1"} <= set(report[name]["all"]["escalation"])
        assert {"precision", "recall", "f1"} <= set(report[name]["all"]["abuse"])
    ours, vader = report["ours"]["all"], report["vader"]["all"]
    assert ours["dissatisfaction_auc"] > vader["dissatisfaction_auc"]
    assert ours["escalation"]["f1"] > vader["escalation"]["f1"]
    assert report["goals"] == {"dissatisfaction_auc>=0.90": True, "escalation_f1>=0.85": True}
    held = report["training_heldout"]["all"]
    assert held["learned"]["dissatisfaction_auc"] > held["lexicon_rules"]["dissatisfaction_auc"]
    demo = report["conversations"]
    assert demo["csat_mae"] < demo["csat_mae_constant_mean"] and demo["csat_pearson"] > 0.4


def test_bench_sentiment(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "sentiment", "--json", "--queries", "60"]) == 0
    report = json.loads(capsys.readouterr().out)
    for name in ("ours", "lexicon_rules", "vader"):
        timing = report["all"][name]
        assert timing["messages"] == 60 and 0 < timing["p50_ms"] <= timing["p95_ms"]


def test_sentiment_command_scores_every_shopper_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conversation = {
        "id": "x1",
        "messages": [
            {"role": "user", "content": "Hi, where is my parcel?"},
            {"role": "assistant", "content": "Sorry, I don't have information about that."},
            {"role": "user", "content": "Useless. Get me a real person NOW."},
        ],
    }
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps(conversation) + "\n", encoding="utf-8")
    assert main(["sentiment", "--input", str(path), "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["index"] for line in lines] == [0, 2]
    keys = {"id", "index", "sentiment", "dissatisfaction", "abusive", "escalate", "reasons"}
    assert all(set(line) == keys for line in lines)
    calm, angry = lines
    assert not calm["escalate"] and calm["dissatisfaction"] < 0.5
    assert angry["escalate"] and angry["dissatisfaction"] >= 0.5 and angry["reasons"]
