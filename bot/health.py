"""Readiness of the parts a reply needs: the model engine, the database, the index.

- engine down (dead, hung, restarting) or database unreachable: ``unavailable``; shoppers get
  the fallback reply (engine) or a clear retry-later error (database), nothing is lost;
- index (Chroma) unreachable: ``degraded``; the bot still answers, honestly saying it cannot
  look things up right now and offering a person.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.shopbot import ShopBot

PROBE_ID = "healthz-probe"


@dataclass
class Health:
    status: str
    """``ok``, ``degraded`` (answers without retrieval) or ``unavailable``."""
    engine: str
    checks: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def http_status(self) -> int:
        return 503 if self.status == "unavailable" else 200

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "engine": self.engine, "checks": self.checks}


async def _check(fn: Any, timeout_s: float) -> dict[str, Any]:
    try:
        await asyncio.wait_for(fn(), timeout_s)
    except TimeoutError:
        return {"ok": False, "reason": f"no answer within {timeout_s:g} s"}
    except Exception as exc:  # any failure of the part is the answer, not an error
        return {"ok": False, "reason": f"{type(exc).__name__}: {exc}"[:300]}
    return {"ok": True}


async def check_health(bot: ShopBot, timeout_s: float = 15.0) -> Health:
    """Check the engine (a real token), the database and the index, concurrently."""
    backend = bot.backend

    async def engine() -> None:
        if (reason := getattr(backend, "down_reason", None)) is not None:
            raise RuntimeError(reason)
        if not await backend.health():
            raise RuntimeError("the engine produced no token")

    async def database() -> None:
        await asyncio.to_thread(bot.store.exists, PROBE_ID)

    async def index() -> None:
        await asyncio.to_thread(bot.knowledge.search, "opening hours", 1)

    results = await asyncio.gather(
        _check(engine, timeout_s), _check(database, 5.0), _check(index, 5.0)
    )
    checks = dict(zip(("engine", "database", "index"), results, strict=True))
    supervisor = getattr(backend, "supervisor", None)
    if supervisor is not None:
        checks["engine"]["restarts"] = supervisor.restarts
    if not checks["engine"]["ok"] or not checks["database"]["ok"]:
        status = "unavailable"
    elif not checks["index"]["ok"]:
        status = "degraded"
    else:
        status = "ok"
    return Health(status, backend.name, checks)
