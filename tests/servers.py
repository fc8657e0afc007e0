"""Real servers that tests start themselves on 127.0.0.1 (and stop): PostgreSQL, `vllm
serve`, a Chroma server, `shopbot serve` replicas. They live in `evals.stack`, which
`shopbot bench replicas` uses too."""

from __future__ import annotations

import threading
import time
from typing import Any

from evals.stack import (
    Replica,
    chroma_server,
    free_port,
    postgres_server,
    running_process,
    shopbot_replicas,
    stop_process,
    vllm_server,
    wait_for_vllm,
)

__all__ = [
    "FakeChatwootServer",
    "Replica",
    "chroma_server",
    "free_port",
    "postgres_server",
    "running_process",
    "shopbot_replicas",
    "stop_process",
    "vllm_server",
    "wait_for_vllm",
]


class FakeChatwootServer:
    """The fake Chatwoot (`bot.helpdesk.fake_chatwoot`) served over HTTP on 127.0.0.1 by
    uvicorn in a thread; `stop` and `start` again on the same port make it go away (refused
    connections) and come back."""

    def __init__(self, app: Any, port: int) -> None:
        self.app = app
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self._server: Any = None
        self._thread: threading.Thread | None = None

    def start(self, timeout: float = 30) -> None:
        import uvicorn

        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"the fake Chatwoot did not start on port {self.port}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=30)
        self._server = self._thread = None

    def __enter__(self) -> FakeChatwootServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
