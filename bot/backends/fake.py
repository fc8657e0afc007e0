"""A fake backend for fast tests of the logic around the model."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

from bot.backends.base import Chunk, GenerationRequest, LoopBackend, Message
from bot.errors import BackendUnavailable

Responder = Callable[[GenerationRequest], str]


def echo_context(request: GenerationRequest) -> str:
    """Answer with the first line of retrieved context, as a grounded model would."""
    system = request.messages[0]["content"] if request.messages else ""
    for line in system.splitlines():
        if line.startswith("[") and "]" in line:
            return f"According to {line.split(']')[0]}]: {line.split(']', 1)[1].strip()}"
    return "I'm sorry, I don't have that information. I can connect you with a colleague."


class FakeBackend(LoopBackend):
    """Streams a scripted reply word by word; can be told to fail or to be slow."""

    name = "fake"

    def __init__(
        self,
        responder: Responder = echo_context,
        *,
        delay_s: float = 0.0,
        fail: bool = False,
        timeout_s: float = 10.0,
        max_pending: int = 256,
        context_window: int = 2048,
    ) -> None:
        super().__init__(timeout_s=timeout_s, max_pending=max_pending)
        self.responder = responder
        self.delay_s = delay_s
        self.fail = fail
        self._context_window = context_window
        self.requests: list[GenerationRequest] = []

    @property
    def context_window(self) -> int:
        return self._context_window

    def count_tokens(self, messages: list[Message]) -> int:
        return sum(len(m["content"].split()) + 4 for m in messages)

    async def _generate(self, request: GenerationRequest) -> AsyncIterator[Chunk]:
        self.requests.append(request)
        if self.fail:
            raise BackendUnavailable("The fake backend was told to fail.")
        if request.assistant_prefix:
            yield Chunk(text=request.assistant_prefix)
        words = self.responder(request).split(" ")
        words = words[: request.max_tokens]
        for i, word in enumerate(words):
            if self.delay_s:
                await asyncio.sleep(self.delay_s)
            yield Chunk(text=word if i == 0 else " " + word)
        yield Chunk(
            text="",
            finished=True,
            finish_reason="stop",
            prompt_tokens=self.count_tokens(request.messages),
            completion_tokens=len(words),
        )
