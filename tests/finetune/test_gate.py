"""The evaluation gate, the quality measure and how a promoted model is picked up."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.model_files import promoted_chat_model, resolve_chat_model
from bot.settings import Settings
from finetune.gate import decide, token_f1, unsupported

CURRENT = {"loss": 2.0, "overlap_f1": 0.30, "unsupported_rate": 0.10}


def test_gate_promotes_only_a_better_model() -> None:
    better = {"loss": 1.5, "overlap_f1": 0.35, "unsupported_rate": 0.05}
    assert decide(CURRENT, better).promote
    worse = {"loss": 2.1, "overlap_f1": 0.35, "unsupported_rate": 0.05}
    gate = decide(CURRENT, worse)
    assert not gate.promote and "held-out loss" in gate.reasons[0]
    chatty = {"loss": 1.5, "overlap_f1": 0.10, "unsupported_rate": 0.05}
    assert not decide(CURRENT, chatty).promote
    inventive = {"loss": 1.5, "overlap_f1": 0.35, "unsupported_rate": 0.40}
    assert not decide(CURRENT, inventive).promote
    assert not decide(CURRENT, dict(CURRENT)).promote  # equal is not better


def test_force_overrides_the_gate() -> None:
    worse = {"loss": 3.0, "overlap_f1": 0.0, "unsupported_rate": 1.0}
    gate = decide(CURRENT, worse, force=True)
    assert gate.promote and gate.forced and len(gate.reasons) == 3


def test_token_f1_english_and_chinese() -> None:
    assert token_f1("Refunds take 5 days.", "refunds take 5 days") == 1.0
    assert token_f1("hello there", "goodbye") == 0.0
    assert 0 < token_f1("退款五天到账", "退款需要五个工作日") < 1


def test_unsupported_facts_are_flagged() -> None:
    context = [{"role": "user", "content": "Where is order NW-123456?"}]
    assert not unsupported("Order NW-123456 ships today.", context, "It ships today.")
    assert unsupported("Order NW-999999 ships today.", context, "It ships today.")
    assert unsupported("That costs $79.00.", context, "It ships today.")


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
