"""The evaluation gate, the quality measure and how a promoted model is picked up."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.fakes import SimpleHit
from bot.model_files import promoted_chat_model, resolve_chat_model
from bot.settings import Settings
from bot.turn_prompt import TurnPrompt
from bot.turns import Turn
from finetune.data import StoreTurn
from finetune.gate import decide, score_turn, summarize
from finetune.grounded import GROUNDED, NOT_HELD, GroundedTurn
from finetune.measures import token_f1
from finetune.run import rollback

CURRENT = {
    "all": {"token_f1": 0.30, "facts_correct": 0.5, "invented": 0.10, "unsupported": 0.0},
    "en": {"token_f1": 0.30, "facts_correct": 0.5, "invented": 0.10},
    "zh": {"token_f1": 0.30, "facts_correct": 0.5, "invented": 0.10},
}


def better(**changes) -> dict:
    new = {k: dict(v) for k, v in CURRENT.items()}
    for group in ("all", "en", "zh"):
        new[group]["token_f1"] = 0.35
    for key, value in changes.items():
        group, measure = key.split("__")
        new[group][measure] = value
    return new


def test_gate_promotes_only_a_better_model() -> None:
    assert decide(CURRENT, better(), loss_current=2.0, loss_candidate=1.5).promote
    gate = decide(CURRENT, better(), loss_current=2.0, loss_candidate=2.1)
    assert not gate.promote and "held-out loss" in gate.reasons[0]
    same = decide(CURRENT, CURRENT, loss_current=2.0, loss_candidate=1.5)
    assert not same.promote and "token-F1" in same.reasons[0]  # equal is not better
    inventive = decide(CURRENT, better(all__invented=0.2), loss_current=2, loss_candidate=1)
    assert not inventive.promote and "invented" in inventive.reasons[0]
    wrong = decide(CURRENT, better(all__facts_correct=0.4), loss_current=2, loss_candidate=1)
    assert not wrong.promote
    # Better overall but worse in Chinese: not promoted.
    chinese = decide(CURRENT, better(zh__token_f1=0.2), loss_current=2, loss_candidate=1)
    assert not chinese.promote and chinese.reasons[0].startswith("zh:")


def test_force_overrides_the_gate() -> None:
    gate = decide(CURRENT, CURRENT, loss_current=1.0, loss_candidate=3.0, force=True)
    assert gate.promote and gate.forced and len(gate.reasons) == 2


def test_token_f1_english_and_chinese() -> None:
    assert token_f1("Refunds take 5 days.", "refunds take 5 days") == 1.0
    assert token_f1("hello there", "goodbye") == 0.0
    assert 0 < token_f1("退款五天到账", "退款需要五个工作日") < 1


def test_a_turn_is_scored_on_the_replies_the_shopper_gets() -> None:
    hit = SimpleHit("policy:r", "policy", "Refunds", "Refunds take 5-7 business days.")
    prompt = TurnPrompt([{"role": "system", "content": "x"}], "", [hit], "en")
    store = StoreTurn("c", "en", [{"role": "user", "content": "refund time?"}], "5-7 days.")
    grounded = GroundedTurn(store, prompt, store.reply, GROUNDED)
    right = Turn("s", "Refunds take 5-7 business days.", [], {}, False)
    caught = Turn("s", "Refunds take a while.", [], {}, False)
    caught.withheld = [{"sentence": "It takes 3 days.", "reason": "3", "check": "grounding"}]
    scores = [score_turn(grounded, right), score_turn(grounded, caught)]
    assert scores[0].figures_correct and not scores[0].invented
    assert not scores[1].figures_correct and scores[1].invented
    unsure = Turn("s", "I'm not certain about that detail.", [], {}, False)
    scores.append(score_turn(GroundedTurn(store, prompt, "x", NOT_HELD), unsure))
    summary = summarize(scores)
    assert summary["all"]["facts_correct"] == 0.5 and summary["all"]["invented"] == 0.3333
    assert summary["en"]["offers_person"] == 1.0 and summary["all"]["turns"] == 3


def test_rollback_serves_the_previous_model_then_the_bundled_one(tmp_path: Path) -> None:
    settings = Settings.model_validate({"home": tmp_path / "home"})
    first, second = tmp_path / "first", tmp_path / "second"
    for folder in (first, second):
        folder.mkdir()
        (folder / "config.json").write_text("{}")
    record = settings.home / "finetune" / "promoted.json"
    record.parent.mkdir(parents=True)
    record.write_text(json.dumps({"model": str(second), "previous": {"model": str(first)}}))
    models = tmp_path / "home" / "models" / "SmolLM2-135M-Instruct"
    models.mkdir(parents=True)
    (models / "config.json").write_text("{}")
    assert rollback(settings) == {"serving": str(first), "removed": str(second)}
    assert rollback(settings) == {"serving": str(models), "removed": str(first)}
    assert not record.exists()
    with pytest.raises(ConfigError, match="nothing to roll back"):
        rollback(settings)


def promote(settings: Settings, folder: Path) -> None:
    (folder / "config.json").parent.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text("{}")
    record = settings.home / "finetune" / "promoted.json"
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps({"model": str(folder)}))


def test_promoted_model_is_served_with_bundled_and_explicit_model_wins(tmp_path: Path) -> None:
    settings = Settings.model_validate({"home": tmp_path / "home"})
    assert promoted_chat_model(settings) is None
    promote(settings, tmp_path / "tuned")
    assert resolve_chat_model(settings) == str(tmp_path / "tuned")
    explicit = settings.model_copy(update={"model": str(tmp_path / "other")})
    promote(explicit, tmp_path / "other")  # a model folder of its own
    assert resolve_chat_model(explicit) == str((tmp_path / "other").resolve())
    off = Settings.model_validate({"home": tmp_path / "home", "finetune": {"use_promoted": False}})
    assert promoted_chat_model(off) is None


def test_bad_promotion_record_is_a_config_error(tmp_path: Path) -> None:
    settings = Settings.model_validate({"home": tmp_path})
    (tmp_path / "finetune").mkdir()
    (tmp_path / "finetune" / "promoted.json").write_text("not json")
    with pytest.raises(ConfigError, match=r"promoted\.json"):
        promoted_chat_model(settings)


def test_missing_training_library_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from finetune.train import require_training_libraries

    monkeypatch.setitem(sys.modules, "peft", None)  # as if not installed
    with pytest.raises(ConfigError, match=r"pip install 'shopbot\[finetune\]'"):
        require_training_libraries()


def test_the_gate_knowledge_passes_the_catalog_filters_on() -> None:
    """Product discovery searches the catalog with filters; the gate's knowledge (held-out
    transcripts left out) must take them, or the gate fails on a product question."""
    from finetune.gate import WithoutConversations

    class Recording:
        def __init__(self) -> None:
            self.calls: list[dict[str, object]] = []

        def search_many(self, queries, k=5, source=None, filters=None):
            self.calls.append({"k": k, "source": source, "filters": filters})
            return [[] for _ in queries]

    inner = Recording()
    knowledge = WithoutConversations(inner, {"c1"})
    assert knowledge.search("a red kettle", k=30, source="catalog", filters={"colour": "red"}) == []
    assert inner.calls[-1] == {"k": 32, "source": "catalog", "filters": {"colour": "red"}}
