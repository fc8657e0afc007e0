"""Real servers that tests start themselves on 127.0.0.1 (and stop): PostgreSQL, `vllm
serve`, a Chroma server, `shopbot serve` replicas. They live in `evals.stack`, which
`shopbot bench replicas` uses too."""

from __future__ import annotations

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
