"""Two replicas' stores on one PostgreSQL: concurrent writers of one conversation lose and
duplicate nothing; each due webhook delivery is claimed by one replica only."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from bot.store import SQLConversationStore
from tests.scaleout.conftest import new_database

pytestmark = [pytest.mark.integration]


@pytest.fixture
def replicas(postgres_url: str) -> Iterator[tuple[SQLConversationStore, SQLConversationStore]]:
    import uuid

    url = new_database(postgres_url, f"shared{uuid.uuid4().hex[:8]}")
    yield SQLConversationStore(url), SQLConversationStore(url)


def run_together(*jobs: object) -> None:
    threads = [threading.Thread(target=job) for job in jobs]  # type: ignore[arg-type]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)


def test_two_replicas_append_to_one_conversation(replicas: tuple) -> None:
    a, b = replicas
    conversation = a.create()

    def writer(store: SQLConversationStore, name: str) -> None:
        for n in range(15):
            store.append(conversation, "user", f"{name}-{n}")

    run_together(*(lambda s=s, n=n: writer(s, n) for s, n in ((a, "a"), (b, "b"), (a, "c"))))
    messages = b.get(conversation).messages
    assert [m.position for m in messages] == list(range(45))
    assert sorted(m.content for m in messages) == sorted(
        f"{w}-{n}" for w in "abc" for n in range(15)
    )


def test_the_same_request_through_both_replicas_is_stored_once(replicas: tuple) -> None:
    a, b = replicas
    conversation = a.create()
    results = []
    run_together(
        *(
            lambda s=s: results.append(s.append(conversation, "user", "退款？", request_key="r1"))
            for s in (a, b, a, b)
        )
    )
    assert len(a.get(conversation).messages) == 1
    assert {r.position for r in results} == {0}


def test_each_due_delivery_goes_to_one_replica(replicas: tuple) -> None:
    a, b = replicas
    for n in range(30):
        a.enqueue_delivery(f"c{n}", "escalation", {"n": n})
    claimed: dict[str, list[int]] = {"a": [], "b": []}

    def claim(store: SQLConversationStore, name: str) -> None:
        for _ in range(5):
            claimed[name].extend(d.id for d in store.due_deliveries(limit=4))

    run_together(lambda: claim(a, "a"), lambda: claim(b, "b"))
    everything = claimed["a"] + claimed["b"]
    assert len(everything) == len(set(everything)) == 30
    assert a.due_deliveries() == []  # claimed: nobody else takes them while they are out
