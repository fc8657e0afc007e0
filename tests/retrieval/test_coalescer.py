"""Queries of shoppers asking at the same time are embedded together (fast, no model)."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from retrieval.embedder import Coalescer


def fake_encode(calls: list[list[str]]):
    def encode(texts: list[str]) -> np.ndarray:
        calls.append(texts)
        time.sleep(0.05)  # long enough for other callers to pile up
        return np.array([[float(len(t)), float(t.count("x"))] for t in texts])

    return encode


def test_concurrent_callers_share_batches_and_get_their_own_vectors() -> None:
    calls: list[list[str]] = []
    coalescer = Coalescer(fake_encode(calls))
    results: dict[int, np.ndarray] = {}

    def ask(i: int) -> None:
        results[i] = coalescer.embed(["x" * i, "y" * (i + 1)])

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(1, 17)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) < 16 and sum(len(c) for c in calls) == 32
    for i, vectors in results.items():
        assert vectors.tolist() == [[i, i], [i + 1, 0]]


def test_a_failed_batch_fails_its_callers_and_the_next_batch_runs() -> None:
    def encode(texts: list[str]) -> np.ndarray:
        if "boom" in texts:
            raise RuntimeError("embedder down")
        return np.ones((len(texts), 2))

    coalescer = Coalescer(encode)
    with pytest.raises(RuntimeError, match="embedder down"):
        coalescer.embed(["boom"])
    assert coalescer.embed(["fine"]).shape == (1, 2)
