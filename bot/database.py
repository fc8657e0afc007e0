"""One way to open a SQLAlchemy database by URL, for every database shopbot keeps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine
from sqlalchemy.pool import StaticPool


def open_engine(url: str, error: type[Exception], setting: str, what: str = "database") -> Engine:
    """An engine for ``url``: SQLite files get their folder and may be used from any thread
    (an in-memory SQLite is one database shared by all threads); a bad URL or a missing driver
    raises ``error`` naming the ``setting`` that fixes it."""
    kwargs: dict[str, Any] = {"pool_pre_ping": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        path = url.split("///", 1)[-1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        else:
            kwargs["poolclass"] = StaticPool
    try:
        return create_engine(url, **kwargs)
    except Exception as exc:  # bad URL or missing driver
        raise error(
            f"Cannot use the {what} {url!r}: {exc}. Check {setting} "
            "(PostgreSQL needs `pip install 'shopbot[postgres]'`)."
        ) from exc
