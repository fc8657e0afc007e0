"""How many threads a fine-tune takes: the cores others leave idle, sampled while it waits."""

from __future__ import annotations

import os

import pytest

from finetune import run


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def test_the_idle_share_is_measured_from_the_machine() -> None:
    idle = run._idle_fraction(0.2)
    assert idle is None or 0.0 <= idle <= 1.0


@pytest.mark.parametrize(("idle", "expected"), [(1.0, "all"), (0.0, 1), (0.01, 1)])
def test_idle_cores_follow_the_sampled_idle_time(
    monkeypatch: pytest.MonkeyPatch, idle: float, expected: int | str
) -> None:
    monkeypatch.setattr(run, "_idle_fraction", lambda sample_s: idle)
    # The load average of the last minute (this process's own work included) is not read.
    monkeypatch.setattr(os, "getloadavg", lambda: (99.0, 99.0, 99.0))
    assert run.idle_cores() == (cores() if expected == "all" else expected)


def test_without_proc_stat_the_load_average_decides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run, "_idle_fraction", lambda sample_s: None)
    monkeypatch.setattr(os, "getloadavg", lambda: (99.0, 99.0, 99.0))
    assert run.idle_cores() == 1
    monkeypatch.setattr(os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    assert run.idle_cores() == cores()
