"""The command line: ``shopbot ingest`` / ``search`` (hashing embedder, Chroma on disk)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main

pytestmark = [pytest.mark.slow, pytest.mark.integration]


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("SHOPBOT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SHOPBOT_EMBEDDER", "hashing")
    monkeypatch.setenv("SHOPBOT_CONFIG", str(tmp_path / "none.toml"))
    (tmp_path / "none.toml").write_text("", encoding="utf-8")
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_ingest_and_search_json(env: Path, store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["ingest", "--catalog", str(store / "catalog.jsonl"), "--policies"]
    args += [str(store / "policies"), "--dialogues", str(store / "conversations.jsonl"), "--json"]
    code, out, err = run(capsys, *args)
    assert code == 0
    report = json.loads(out)
    assert set(report) == {"catalog", "policy", "dialogue"}
    assert report["catalog"]["errors"][0] == {
        "path": str(store / "catalog.jsonl"),
        "line": 5,
        "error": report["catalog"]["errors"][0]["error"],
    }
    assert "catalog.jsonl:5" in err
    code, out, _ = run(capsys, *args)
    assert all(c["unchanged"] == c["passages"] for c in json.loads(out).values())

    code, out, _ = run(capsys, "search", "blue linen shirt in M", "--json", "--k", "3")
    hits = json.loads(out)["hits"]
    assert code == 0 and len(hits) <= 3
    assert set(hits[0]) == {"id", "source", "title", "text", "score", "metadata"}
    assert hits[0]["metadata"]["sku"] == "LS-BLU-M"

    code, out, _ = run(capsys, "search", "shirt", "--json", "--max-price", "50", "--in-stock")
    assert all(h["metadata"]["price"] <= 50 for h in json.loads(out)["hits"])
    code, out, _ = run(capsys, "search", "refund", "--source", "policy", "--json")
    assert {h["source"] for h in json.loads(out)["hits"]} == {"policy"}

    queries = env / "queries.txt"
    queries.write_text("退款到信用卡要多久\nMUG-350\n", encoding="utf-8")
    code, out, _ = run(capsys, "search", "--queries", str(queries), "--json")
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["query"] for line in lines] == ["退款到信用卡要多久", "MUG-350"]
    assert lines[1]["hits"][0]["metadata"]["product_id"] == "P300"

    code, out, _ = run(capsys, "search", "MUG-350")
    assert code == 0 and "Ceramic Coffee Mug" in out


def test_missing_input_file_fails_clearly(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "ingest", "--catalog", str(env / "missing.jsonl"), "--json")
    assert code == 2 and out == "" and "missing.jsonl" in err
