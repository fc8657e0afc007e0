"""Chat model backends behind one protocol (`ChatBackend`: the in-process vLLM engine, a remote
OpenAI-compatible server, a fake for tests), and the function that picks one from the settings.
It owns generation and the engine's life (start, watchdog, restart); it may import only the
foundation of `bot` (settings, errors, model files), never the turn pipeline above it."""

from __future__ import annotations

import contextlib
import logging

from bot.backends.base import ChatBackend, Chunk, GenerationRequest, LoopBackend
from bot.backends.fake import FakeBackend
from bot.errors import ShopbotError
from bot.settings import Settings

log = logging.getLogger(__name__)

__all__ = [
    "ChatBackend",
    "Chunk",
    "FakeBackend",
    "GenerationRequest",
    "LoopBackend",
    "make_backend",
]


def make_backend(settings: Settings) -> ChatBackend:
    """The backend the settings ask for (not started: call ``warm_up()``)."""
    from bot.bundled import bundled_chat_model
    from bot.model_files import promoted_adapter, resolve_chat_model

    kind = settings.engine.backend
    if kind == "fake":
        return FakeBackend(timeout_s=settings.engine.timeout_s)
    if kind == "remote":
        from bot.backends.remote import RemoteBackend

        # Count tokens with the model's own tokenizer when it is here; else estimate.
        tokenizer = None
        with contextlib.suppress(ShopbotError):
            if bundled_chat_model(settings.model) is None:
                tokenizer = resolve_chat_model(settings)
        return RemoteBackend(settings.engine, tokenizer_model=tokenizer)
    from bot.backends.vllm_engine import VLLMBackend

    lora = settings.engine.lora_path
    promoted = promoted_adapter(settings) if lora is None else None
    if promoted is not None:  # the promoted fine-tune, as its adapter on the base model
        model, lora = promoted
        log.info("Serving the promoted fine-tune as its LoRA adapter %s on %s", lora, model)
    else:  # an adapter applies to its base model, never on top of a promoted (merged) one
        model = resolve_chat_model(settings, promoted=lora is None)
    return VLLMBackend(model, settings.engine, lora)
