"""The `ChatBackend` protocol and the machinery its implementations share.

A backend owns an event loop in a thread of its own: the vLLM engine and HTTP clients are
bound to the loop they were started on, while shopbot is called from plain threads (the CLI,
the Python API) and from the web server's loop. `LoopBackend.stream` bridges one generation
to whichever loop (or thread) asks for it, with a time limit, a bounded queue and
cancellation that reaches the engine when the caller goes away.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
import time
import uuid
from collections.abc import AsyncIterator, Coroutine, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar, cast, runtime_checkable

from bot.errors import BackendError, BackendOverloaded, BackendTimeout, BackendUnavailable

T = TypeVar("T")
Message = dict[str, str]


@dataclass(frozen=True)
class GenerationRequest:
    """One reply to generate from chat messages (system, user, assistant roles)."""

    messages: list[Message]
    max_tokens: int = 200
    temperature: float = 0.0
    repetition_penalty: float = 1.0
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    assistant_prefix: str = ""
    """Text the reply must start with; the model continues it (and it is part of the reply)."""
    stop: tuple[str, ...] = ()
    min_tokens: int = 0
    """Tokens generated before an end-of-sequence token may end the reply (benchmarks use it
    to make two runs do the same work)."""
    json_schema: dict[str, Any] | None = None
    """When set, the reply is JSON that follows this schema (vLLM's structured outputs)."""


@dataclass(frozen=True)
class Chunk:
    """A piece of a streamed reply: new text, and once finished, the token counts."""

    text: str
    finished: bool = False
    finish_reason: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0


@runtime_checkable
class ChatBackend(Protocol):
    """Generates chat replies. Implementations: vLLM in-process, remote OpenAI-compatible, fake."""

    name: str

    def warm_up(self) -> None:
        """Start the engine or connect; may take long. Idempotent."""

    def stream(self, request: GenerationRequest) -> AsyncIterator[Chunk]:
        """Stream the reply, from any event loop."""

    def stream_sync(self, request: GenerationRequest) -> Iterator[Chunk]:
        """Stream the reply to a plain thread."""

    def count_tokens(self, messages: list[Message]) -> int:
        """Prompt tokens these messages take with the model's chat template."""

    @property
    def context_window(self) -> int:
        """Maximum prompt plus reply tokens."""

    async def health(self) -> bool:
        """True when the engine really produces a token."""

    def close(self) -> None:
        """Stop the engine and release resources. Idempotent."""


class LoopThread:
    """An asyncio event loop running in a daemon thread."""

    def __init__(self, name: str) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def submit(self, coro: Coroutine[Any, Any, T]) -> Future[T]:
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def run(self, coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        return self.submit(coro).result(timeout)

    def stop(self) -> None:
        if self.loop.is_running():
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(timeout=10)


_DONE = object()


def _unwrap(item: Any) -> Chunk | None:
    """The next chunk, or None once the reply is complete; raises what the producer hit."""
    if item is _DONE:
        return None
    if isinstance(item, BaseException):
        raise item
    return cast(Chunk, item)


class LoopBackend:
    """Base of backends whose generation runs on their own loop thread.

    Subclasses implement ``_start`` (on the loop, once), ``_generate`` (on the loop; an async
    iterator of `Chunk` deltas) and ``_stop``.
    """

    name = "base"

    def __init__(self, *, timeout_s: float = 60.0, max_pending: int = 256) -> None:
        self.timeout_s = timeout_s
        self.max_pending = max_pending
        self._pending = 0
        self._pending_lock = threading.Lock()
        self._loop_thread: LoopThread | None = None
        self._start_lock = threading.Lock()
        self._started = False
        self._streams: dict[int, Any] = {}
        """The inbox ``put`` of every reply being streamed, so that a failure reaches them all."""
        self.last_progress = time.monotonic()
        """When the engine last produced a chunk (or went from idle to busy)."""
        self.down_reason: str | None = None
        """Why the engine cannot answer right now (a restart is under way), else None."""

    # -- subclass hooks -------------------------------------------------------------------
    async def _start(self) -> None:  # pragma: no cover - trivial default
        return None

    def _generate(self, request: GenerationRequest) -> AsyncIterator[Chunk]:
        raise NotImplementedError

    async def _stop(self) -> None:
        return None

    # -- lifecycle ------------------------------------------------------------------------
    def warm_up(self) -> None:
        with self._start_lock:
            if self._started:
                return
            self._loop_thread = LoopThread(f"shopbot-{self.name}")
            try:
                self._loop_thread.run(self._start())
            except BackendError:
                self._loop_thread.stop()
                self._loop_thread = None
                raise
            except Exception as exc:
                self._loop_thread.stop()
                self._loop_thread = None
                raise BackendUnavailable(f"The {self.name} backend failed to start: {exc}") from exc
            self._started = True

    def close(self) -> None:
        with self._start_lock:
            if not self._started or self._loop_thread is None:
                return
            with contextlib.suppress(Exception):
                self._loop_thread.run(self._stop(), timeout=30)
            self._loop_thread.stop()
            self._loop_thread = None
            self._started = False

    @property
    def pending(self) -> int:
        """Replies being generated or waiting for the engine."""
        return self._pending

    def _loop(self) -> LoopThread:
        if not self._started or self._loop_thread is None:
            self.warm_up()
        assert self._loop_thread is not None
        return self._loop_thread

    def _reserve(self) -> None:
        if self.down_reason is not None:  # fail at once: the shopper gets the fallback now
            raise BackendUnavailable(f"The {self.name} engine is down: {self.down_reason}")
        with self._pending_lock:
            if self._pending == 0:
                self.last_progress = time.monotonic()
            if self._pending >= self.max_pending:
                raise BackendOverloaded(
                    f"{self._pending} replies are already waiting for the model; "
                    "try again shortly (engine.max_queue raises the limit)."
                )
            self._pending += 1

    def _release(self) -> None:
        with self._pending_lock:
            self._pending -= 1

    def _track(self, put: Any) -> int:
        key = id(put)
        self._streams[key] = put
        return key

    def fail_pending(self, error: BackendError) -> int:
        """End every reply being streamed with ``error`` (from any thread); how many."""
        streams = list(self._streams.values())
        for put in streams:
            put(error)
        return len(streams)

    # -- streaming ------------------------------------------------------------------------
    def _produce(self, request: GenerationRequest, put: Any) -> Future[None]:
        """Run the generation on the backend loop, handing each chunk to ``put``."""

        async def produce() -> None:
            try:
                async for chunk in self._generate(request):
                    self.last_progress = time.monotonic()
                    put(chunk)
            except asyncio.CancelledError:
                raise
            except BackendError as exc:
                put(exc)
            except Exception as exc:
                put(BackendUnavailable(f"The {self.name} backend failed: {exc}"))
                raise
            finally:
                put(_DONE)

        return self._loop().submit(produce())

    async def stream(self, request: GenerationRequest) -> AsyncIterator[Chunk]:
        loop = asyncio.get_running_loop()
        inbox: asyncio.Queue[Any] = asyncio.Queue()
        self._reserve()

        def put(item: Any) -> None:
            loop.call_soon_threadsafe(inbox.put_nowait, item)

        key = self._track(put)
        try:
            future = self._produce(request, put)
            deadline = time.monotonic() + self.timeout_s
            try:
                while True:
                    remaining = max(deadline - time.monotonic(), 0.001)
                    try:
                        item = await asyncio.wait_for(inbox.get(), timeout=remaining)
                    except TimeoutError as exc:
                        raise self._timeout() from exc
                    if (chunk := _unwrap(item)) is None:
                        return
                    yield chunk
            finally:
                future.cancel()
        finally:
            self._streams.pop(key, None)
            self._release()

    def stream_sync(self, request: GenerationRequest) -> Iterator[Chunk]:
        inbox: queue.Queue[Any] = queue.Queue()
        self._reserve()
        key = self._track(inbox.put)
        try:
            future = self._produce(request, inbox.put)
            deadline = time.monotonic() + self.timeout_s
            try:
                while True:
                    try:
                        item = inbox.get(timeout=max(deadline - time.monotonic(), 0.001))
                    except queue.Empty as exc:
                        raise self._timeout() from exc
                    if (chunk := _unwrap(item)) is None:
                        return
                    yield chunk
            finally:
                future.cancel()
        finally:
            self._streams.pop(key, None)
            self._release()

    def _timeout(self) -> BackendTimeout:
        return BackendTimeout(
            f"No complete reply within {self.timeout_s:.0f} s (engine.timeout_s)."
        )

    async def health(self) -> bool:
        probe = GenerationRequest(messages=[{"role": "user", "content": "Hi"}], max_tokens=1)
        try:
            async for chunk in self.stream(probe):
                if chunk.completion_tokens or chunk.text:
                    return True
        except BackendError:
            return False
        return False
