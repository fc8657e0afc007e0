"""The app under load for `shopbot bench load`: a `shopbot serve` started on loopback (or
one already running), and the engine core processes under it."""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bot.errors import ConfigError
from bot.settings import Settings
from evals.stack import free_port

START_TIMEOUT_S = 900.0


@dataclass
class ServedApp:
    url: str
    api_key: str
    pid: int | None
    """The server process (its engine core is a child of it)."""
    start_s: float | None = None
    """How long the server took to answer /healthz with 200 (when started here)."""


def engine_core_pids(server_pid: int) -> list[int]:
    """vLLM engine core processes under ``server_pid`` (named ``VLLM::EngineCore``)."""
    import psutil

    found = []
    for child in psutil.Process(server_pid).children(recursive=True):
        try:
            title = " ".join(child.cmdline()) or child.name()
        except psutil.Error:
            continue
        if "EngineCore" in title:
            found.append(child.pid)
    return found


def listening_pid(url: str) -> int | None:
    """The process listening on ``url``'s port on this machine, if it can be seen."""
    import psutil

    port = httpx.URL(url).port
    try:
        for conn in psutil.net_connections(kind="tcp"):
            if conn.status == psutil.CONN_LISTEN and conn.laddr.port == port and conn.pid:
                return int(conn.pid)
    except psutil.Error:
        return None
    return None


@contextmanager
def serve_for_load(
    args: argparse.Namespace, settings: Settings, workdir: Path
) -> Iterator[ServedApp]:
    """The app at ``--url``, or a new `shopbot serve` on loopback (stopped afterwards)."""
    if args.url:
        if not args.api_key:
            raise ConfigError("--url needs --api-key (a helpdesk API key of that server).")
        pid = args.server_pid or listening_pid(args.url)
        yield ServedApp(args.url.rstrip("/"), args.api_key, pid)
        return
    port = free_port()
    key = secrets.token_hex(16)
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "SHOPBOT_HOME": str(settings.home.resolve()),
        "SHOPBOT_API_KEYS": key,
        # Conversations of the load test go to a database of their own.
        "SHOPBOT_DATABASE_URL": f"sqlite:///{workdir / 'load.db'}",
    }
    log_path = workdir / "serve.log"
    command = [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    print(f"bench load: starting shopbot serve on {url} (log: {log_path})...", file=sys.stderr)
    started = time.monotonic()
    with log_path.open("w") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            _wait_ready(process, f"{url}/healthz", log_path)
            start_s = round(time.monotonic() - started, 1)
            print(f"bench load: server ready after {start_s:.0f} s", file=sys.stderr)
            yield ServedApp(url, key, process.pid, start_s)
        finally:
            process.terminate()
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_ready(process: subprocess.Popen[bytes], url: str, log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ConfigError(f"shopbot serve exited early:\n{log_path.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=30).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1.0)
    raise ConfigError(f"shopbot serve was not ready within {START_TIMEOUT_S:.0f} s")
