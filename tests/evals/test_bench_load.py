"""`shopbot bench load` against the session's real `shopbot serve` (vLLM, Chroma, SQLite):
a few conversations over HTTP, then the same with the engine core process killed mid-run.

Every turn ends in a reply or the fallback (never an error), every acknowledged message and
every reply delivered is in the stored transcripts afterwards, /healthz reports the engine
down and then up again, and a new shopper is answered by the model after the restart. The
real figures at 64 x 10 come from the command itself (see the README); no time is asserted
here beyond "the fallback came long before the reply timeout".
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import build_parser
from evals.bench_load import bench_load
from tests.conftest import make_settings
from tests.live import LIVE_API_KEY, LiveServer

pytestmark = [pytest.mark.slow, pytest.mark.integration]


def test_load_and_an_engine_kill_lose_nothing(
    live_server: LiveServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = build_parser().parse_args(
        [
            "bench",
            "load",
            "--json",
            "--url",
            live_server.url,
            "--api-key",
            LIVE_API_KEY,
            "--conversations",
            "4",
            "--turns",
            "2",
            "--kill-engine-at",
            "0.5",
        ]
    )
    assert args.handler(args, make_settings(tmp_path / "home")) == 0
    report = json.loads(capsys.readouterr().out)  # exactly one JSON document

    clean = report["run"]
    assert clean["turns"] == 8 and clean["errors"] == 0
    assert clean["answered"] >= 1 and clean["ttft_s"]["p50"] is not None
    assert clean["lost_messages"] == clean["lost_replies"] == clean["duplicated"] == 0

    killed = report["kill_run"]
    kill = killed["kill"]
    assert kill["killed_pids"] and kill["in_flight_at_kill"] >= 1
    assert killed["errors"] == 0  # a reply or the fallback, never an error
    assert killed["fallback_replies"] >= 1
    # The fallback came from noticing the death, not from the 60 s reply timeout.
    assert killed["escalation_reasons"].get("model backend failed: the engine stopped", 0) >= 1
    assert "model backend failed: timeout" not in killed["escalation_reasons"]
    assert kill["in_flight_settled_after_s"] is not None
    assert kill["health_down_after_s"] is not None and kill["health_ok_after_s"] is not None
    assert kill["answered_after_s"] is not None  # the model answers again
    assert killed["lost_messages"] == killed["lost_replies"] == killed["duplicated"] == 0


def test_bench_load_is_registered() -> None:
    args = build_parser().parse_args(["bench", "load", "--url", "http://x", "--api-key", "k"])
    assert args.target == "load" and args.kill_engine_at is None
    assert bench_load.__module__ == "evals.bench_load"
