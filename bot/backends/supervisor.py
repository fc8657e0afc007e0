"""Keeps an in-process engine alive: notices when it dies or hangs, and restarts it.

While the engine is down, every reply being written and every new one fails at once with
`BackendUnavailable` (the chat engine turns that into a polite reply and an escalation), the
backend's ``down_reason`` says why (``/healthz`` reports it), and a restart runs in the
background, waiting longer after each failed attempt.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Protocol

from bot.errors import BackendError, BackendUnavailable

log = logging.getLogger(__name__)


class Supervised(Protocol):
    """What the supervisor needs of a backend (`LoopBackend` subclasses provide it)."""

    name: str
    down_reason: str | None
    last_progress: float

    @property
    def pending(self) -> int: ...

    def engine_problem(self) -> str | None:
        """Why the engine is dead (its process exited, ...), or None while it lives."""

    def fail_pending(self, error: BackendError) -> int: ...

    async def restart_engine(self) -> None:
        """Stop what is left of the engine and start a new one (without blocking the loop)."""


class EngineSupervisor:
    """Watches one backend's engine from the backend's own event loop."""

    def __init__(
        self,
        backend: Supervised,
        *,
        watchdog_s: float,
        backoff_s: float = 2.0,
        backoff_max_s: float = 60.0,
        poll_s: float = 0.25,
    ) -> None:
        self.backend = backend
        self.watchdog_s = watchdog_s
        self.backoff_s = backoff_s
        self.backoff_max_s = backoff_max_s
        self.poll_s = poll_s
        self.restarts = 0
        """Engine restarts completed."""
        self.failures: list[dict[str, object]] = []
        """Each failure noticed: when (wall clock), why, and how long the restart took."""
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Begin watching (call on the backend's loop)."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._watch())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None

    def problem(self) -> str | None:
        """Why the engine needs a restart now, or None."""
        if (reason := self.backend.engine_problem()) is not None:
            return reason
        waiting = self.backend.pending
        idle_for = time.monotonic() - self.backend.last_progress
        if waiting and idle_for > self.watchdog_s:
            return (
                f"the engine produced no token for {idle_for:.0f} s while {waiting} "
                f"reply(ies) waited (engine.watchdog_s = {self.watchdog_s:g})"
            )
        return None

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self.poll_s)
            try:
                reason = self.problem()
            except Exception:  # a broken check must not stop the watch
                log.exception("Engine check failed")
                continue
            if reason is not None:
                await self.recover(reason)

    async def recover(self, reason: str) -> None:
        """Fail what is waiting, then restart the engine until it runs again."""
        backend = self.backend
        noticed = time.monotonic()
        backend.down_reason = f"{reason}; restarting"
        failed = backend.fail_pending(
            BackendUnavailable(f"The {backend.name} engine stopped: {reason}.")
        )
        log.error(
            "The %s engine stopped (%s); %d reply(ies) got the fallback; restarting it",
            backend.name,
            reason,
            failed,
        )
        delay = self.backoff_s
        attempt = 0
        while True:
            attempt += 1
            try:
                await backend.restart_engine()
                break
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                backend.down_reason = (
                    f"{reason}; restart {attempt} failed ({exc}); next try in {delay:.0f} s"
                )
                log.error("Restarting the %s engine failed: %s", backend.name, exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.backoff_max_s)
        took = time.monotonic() - noticed
        self.restarts += 1
        self.failures.append(
            {"at": time.time(), "reason": reason, "restart_s": round(took, 1), "attempts": attempt}
        )
        backend.last_progress = time.monotonic()
        backend.down_reason = None
        log.warning(
            "The %s engine is back after %.1f s (%d attempt(s))", backend.name, took, attempt
        )
