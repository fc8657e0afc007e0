"""Chat model backends behind one protocol, and the function that picks one."""

from __future__ import annotations

from bot.backends.base import ChatBackend, Chunk, GenerationRequest, LoopBackend
from bot.backends.fake import FakeBackend
from bot.settings import Settings

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
    from bot.models import resolve_chat_model

    kind = settings.engine.backend
    if kind == "fake":
        return FakeBackend(timeout_s=settings.engine.timeout_s)
    if kind == "remote":
        from bot.backends.remote import RemoteBackend

        tokenizer = None
        if settings.model != "bundled" or (settings.home / "models").exists():
            try:
                tokenizer = resolve_chat_model(settings)
            except Exception:
                tokenizer = None
        return RemoteBackend(settings.engine, tokenizer_model=tokenizer)
    from bot.backends.vllm_engine import VLLMBackend

    return VLLMBackend(resolve_chat_model(settings), settings.engine)
