"""What the platform fakes share: loading a store's files with its times moved to now, and
serving an ASGI app on a loopback port."""

from __future__ import annotations

import copy
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.errors import ConfigError

_ISO = re.compile(r"^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?$")
EPOCH_KEYS = {"date_shipped"}  # Unix times written as text (the Shipment Tracking extension)


def read_store(folder: Path, platform: str) -> tuple[dict[str, Any], datetime]:
    """A store folder's payloads (``<key>.json`` → key) and the moment they were made for."""
    try:
        store = json.loads((folder / "store.json").read_text(encoding="utf-8"))
        data = {
            name.removesuffix(".json"): json.loads((folder / name).read_text(encoding="utf-8"))
            for name in store["files"]
        }
    except (OSError, ValueError, KeyError) as exc:
        raise ConfigError(
            f"{folder} is not a store folder (store.json and the files it lists): {exc}"
        ) from exc
    if store.get("platform") != platform:
        raise ConfigError(f"{folder} holds a {store.get('platform')} store, not {platform}.")
    return data, datetime.fromisoformat(store["generated_at"])


def moved(data: Any, by: timedelta) -> Any:
    """A deep copy with every timestamp moved by ``by`` (ISO texts and Unix-time texts)."""
    data = copy.deepcopy(data)
    _move(data, by)
    return data


def _move(node: Any, by: timedelta) -> None:
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in list(items):
        if isinstance(value, dict | list):
            _move(value, by)
        elif isinstance(value, str) and _ISO.match(value):
            node[key] = _shift(value, by)
        elif key in EPOCH_KEYS and isinstance(value, str) and value.isdigit():
            node[key] = str(int(int(value) + by.total_seconds()))


def _shift(text: str, by: timedelta) -> str:
    plain = " " in text and "T" not in text
    moment = datetime.fromisoformat(text.replace(" ", "T") if plain else text)
    shifted = moment + by
    if plain:
        return shifted.strftime("%Y-%m-%d %H:%M:%S")
    spec = "seconds" if "." not in text else "microseconds"
    out = shifted.isoformat(timespec=spec)
    return out.replace("+00:00", "Z") if text.endswith("Z") else out


def since(generated_at: datetime) -> timedelta:
    """How far a store's times move so that its "now" is this moment (whole seconds)."""
    return timedelta(seconds=int((datetime.now(UTC) - generated_at).total_seconds()))


@contextmanager
def serve_app(app: Any, name: str) -> Iterator[str]:
    """``app`` served by uvicorn on a free loopback port in a thread; yields its base URL."""
    import socket

    import uvicorn

    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))  # the port is held from here on: no race for it
    port = int(listening.getsockname()[1])
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [listening]}, name=name, daemon=True
    )
    thread.start()
    for _ in range(500):
        if server.started:
            break
        threading.Event().wait(0.02)
    else:
        raise RuntimeError(f"the {name} server did not start")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        listening.close()
