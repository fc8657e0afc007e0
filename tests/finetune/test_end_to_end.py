"""`shopbot finetune` on a slice of the demo store with the bundled model on the CPU: grounded
examples from the store's own index, training, the gate through the real engine (both models
answer held-out turns), promotion; the promoted adapter answers through a live `shopbot
serve`; one command rolls it back; the gate refuses a model that is not better."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

import httpx
import pytest

from bot.bundled import writes_whole_answers
from evals.stack import free_port, running_process, shopbot_command
from tests.conftest import ROOT, make_settings

# A run trains, then starts the engine four times (the gate, twice; the live server): on a
# busy machine that is more than the suite's 15 minutes a test.
pytestmark = [pytest.mark.slow, pytest.mark.integration, pytest.mark.timeout(2400)]

# Small enough for a few minutes on 2 shared cores, large enough for the loss to move.
FAST = {
    "SHOPBOT_FINETUNE__BATCH_SIZE": "2",
    "SHOPBOT_FINETUNE__MAX_LENGTH": "512",
    "SHOPBOT_FINETUNE__EVAL_SAMPLES": "6",
    "SHOPBOT_FINETUNE__HELDOUT_FRACTION": "0.2",
    "SHOPBOT_STORE_NAME": "Northwind Lane",
    "SHOPBOT_ENGINE__MAX_MODEL_LEN": "1024",
    "SHOPBOT_ENGINE__MAX_TOKENS": "48",
    # The whole suite runs in one session: its shared engines (tests/conftest.py) are alive
    # while this test starts three more in subprocesses. A few short replies at once need
    # far less than the default 2 GiB each, and asking for more than the memory left fails
    # the engine's start.
    "SHOPBOT_ENGINE__KV_CACHE_GB": "0.5",
}


# Chinese conversations (by their line) whose answers the store's policies hold (international
# shipping, express cost, dispatch time, payment): the bundled model writes no Chinese, so
# none of their turns may become an example or a turn the gate measures.
CHINESE_HELD_OUT = (101, 183, 444, 461)


def demo_slice(path: Path, lines: int) -> Path:
    rows = (ROOT / "data" / "conversations.jsonl").read_text(encoding="utf-8").splitlines()
    chosen = rows[:lines] + [rows[i] for i in CHINESE_HELD_OUT if i >= lines]
    path.write_text("\n".join(chosen) + "\n", encoding="utf-8")
    return path


def cli(*args: str, env: dict[str, str], timeout: float = 2100) -> subprocess.CompletedProcess[str]:
    """Run one command; its output goes to files, not pipes, so an engine process left behind
    cannot keep the call waiting, and a timeout shows where the command was."""
    logs = Path(env["SHOPBOT_HOME"]) / "cli-logs"
    logs.mkdir(parents=True, exist_ok=True)
    out_path, err_path = logs / f"{args[0]}.out", logs / f"{args[0]}.err"
    with out_path.open("w") as out, err_path.open("w") as err:
        process = subprocess.Popen(
            shopbot_command(*args), env=env, stdout=out, stderr=err, text=True, cwd=ROOT,
            start_new_session=True,
        )  # fmt: skip
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            pytest.fail(f"`shopbot {' '.join(args)}` ran over {timeout:.0f} s; its stderr "
                        f"ended with:\n{err_path.read_text()[-4000:]}")  # fmt: skip
    stdout, stderr = out_path.read_text(), err_path.read_text()
    assert code == 0, stderr[-3000:]
    return subprocess.CompletedProcess(process.args, code, stdout, stderr)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One real run through the command line: the store's policies and 100 past conversations
    ingested, 10 steps, then the gate through the real engine."""
    tmp = tmp_path_factory.mktemp("finetune")
    home = tmp / "home"
    make_settings(home)  # shares the converted bundled model with the other tests
    # The first 100 conversations, and the Chinese ones of CHINESE_HELD_OUT.
    data = demo_slice(tmp / "conversations.jsonl", 100)
    env = {**os.environ, **FAST, "SHOPBOT_HOME": str(home)}
    cli("ingest", "--policies", str(ROOT / "data" / "policies"), "--dialogues", str(data),
        env=env)  # fmt: skip
    # --force: a 10-step model's replies on 6 turns are too noisy for the gate to judge here;
    # the gate itself is tested below and in test_gate.py.
    done = cli("finetune", "--data", str(data), "--out", str(tmp / "out"), "--max-steps", "10",
               "--force", "--json", env=env)  # fmt: skip
    report = json.loads(done.stdout)  # one JSON document on stdout, nothing else
    return {"report": report, "home": home, "data": data, "env": env, "stderr": done.stderr}


def test_finetune_trains_on_grounded_examples_and_the_gate_uses_the_engine(run: dict) -> None:
    report, out = run["report"], Path(run["report"]["out"])
    assert {"out", "train_examples", "eval_loss_before", "eval_loss_after", "promoted"} <= set(
        report
    )
    assert report["train_examples"] > 20 and report["steps"] == 10
    assert report["eval_loss_after"] < report["eval_loss_before"]
    assert "fine-tuning" in run["stderr"]  # the progress bar is on stderr
    grounding = report["data"]["train_grounding"]
    assert grounding["after_lead"] > 0 and grounding["not_held"] > 0
    # The bundled model writes no Chinese (Chinese replies are stated from data): Chinese
    # turns teach it nothing, and the gate measures the turns it writes.
    assert set(grounding["by_language"]) == {"en"}
    examples = [json.loads(line) for line in (out / "examples.jsonl").open(encoding="utf-8")]
    # The bot's own prompt: persona, rules and the retrieved passages, cited by number.
    assert all(e["prompt"][0]["role"] == "system" for e in examples)
    assert any("Facts:\n[1] " in e["prompt"][0]["content"] for e in examples)
    # After the facts stated from data, the example shows them apart from the target.
    assert any(e["kind"] == "after_lead" and e["prefix"].strip() for e in examples)
    # Both models answered held-out turns through the real engine, per language.
    for side in ("current", "candidate"):
        measures = report["gate"][side]
        assert {"all", "en"} <= set(measures), measures
        assert measures["all"]["turns"] == report["gate"]["turns"] > 0
        assert measures["all"]["token_f1"] is not None and measures["all"]["invented"] is not None
    samples = [json.loads(line) for line in (out / "samples.jsonl").open(encoding="utf-8")]
    assert samples and all(s["reply_new"].strip() for s in samples)
    for name in ("config.json", "model.safetensors", "tokenizer.json", "chat_template.jinja"):
        assert (out / name).exists(), name
    # Served by its path, it still answers as the bundled model (the facts stated first).
    assert not writes_whole_answers(str(out))
    assert (out / "adapter" / "adapter_config.json").exists()
    assert (out / "loss_curve.png").read_bytes()[:4] == b"\x89PNG"
    assert report["promoted"] and report["forced"]
    promoted = json.loads((run["home"] / "finetune" / "promoted.json").read_text())
    assert promoted["model"] == str(out) and promoted["adapter"] == report["adapter"]


def test_the_promoted_adapter_answers_through_the_live_server(run: dict, tmp_path: Path) -> None:
    port = free_port()
    env = {**run["env"], "SHOPBOT_FINETUNE__SERVE_AS": "adapter", "SHOPBOT_API_KEYS": "k1"}
    env["SHOPBOT_ENGINE__ENFORCE_EAGER"] = "true"
    # The first reply through a LoRA adapter on a busy CPU can take longer than the watchdog's
    # 30 s; this test is about the adapter answering, not about how soon.
    env["SHOPBOT_ENGINE__WATCHDOG_S"] = "180"
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    command = shopbot_command("serve", "--port", str(port))
    with running_process(command, ready_url=f"{url}/healthz", log_path=log, env=env,
                         cwd=ROOT, timeout=600):  # fmt: skip
        headers = {"Authorization": "Bearer k1"}
        with httpx.Client(base_url=url, headers=headers, timeout=120) as client:
            conversation = client.post("/api/v1/conversations").json()["id"]
            answer = client.post(
                f"/api/v1/conversations/{conversation}/messages",
                json={"content": "How long do refunds to a credit card take?"},
            )
    assert answer.status_code == 200, answer.text
    assert answer.json()["reply"].strip() and answer.json()["sources"]
    text = log.read_text()
    assert f"LoRA adapter {run['report']['adapter']}" in text


def test_the_gate_refuses_a_model_that_is_not_better_and_rollback_is_one_command(
    run: dict, tmp_path: Path
) -> None:
    from finetune import finetune

    home = run["home"]
    record = home / "finetune" / "promoted.json"
    before = record.read_text()
    settings = make_settings(
        home,
        store_name="Northwind Lane",
        finetune={"eval_samples": 2, "heldout_fraction": 0.2},
        engine={"kv_cache_gb": 0.5},  # the gate's engines start beside the session's
    )
    data = demo_slice(tmp_path / "c.jsonl", 24)
    # A learning rate of zero leaves the model as it was: not better than the current one.
    same = finetune(settings, data=data, out=tmp_path / "same", base=run["report"]["out"],
                    max_steps=1, learning_rate=0.0, progress=False)  # fmt: skip
    assert not same.promoted and "held-out loss" in same.gate_reasons[0]
    assert record.read_text() == before

    done = cli("finetune", "--rollback", "--json", env=run["env"])
    rolled = json.loads(done.stdout)
    assert rolled["removed"] == run["report"]["out"]
    assert rolled["serving"] == run["report"]["base"]  # back to the bundled model
    assert not record.exists()
