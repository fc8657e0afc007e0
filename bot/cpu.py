"""CPU-bound work of a turn (scoring, retrieval, the prompt) run off the event loop."""

from __future__ import annotations

import asyncio
import functools
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


class CpuPool:
    """A pool of about one thread per core for the turns' CPU work.

    The loop's default pool has more threads than cores; while the engine keeps the cores
    busy, extra threads only take turns at the GIL. With 16 conversations that made a
    20 ms search take 370 ms; on two threads it took 60-90 ms (`shopbot bench chat`).
    Waiting on the database stays on the default pool."""

    def __init__(self, threads: int | None = None) -> None:
        self.threads = threads or os.cpu_count() or 2
        self._pool: ThreadPoolExecutor | None = None

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="shopbot-cpu")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, functools.partial(function, *args))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False)
            self._pool = None
