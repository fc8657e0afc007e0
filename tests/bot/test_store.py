"""One contract every `ConversationStore` passes: a SQLite file and a real PostgreSQL server."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from bot.errors import ConversationNotFound, IdempotencyConflict, StoreError
from bot.status import ConversationStatus
from bot.store import ConversationStore, SQLConversationStore


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> SQLConversationStore:
    if request.param == "sqlite":
        return SQLConversationStore(f"sqlite:///{tmp_path / 'c.db'}")
    request.applymarker(pytest.mark.integration)
    url = request.getfixturevalue("postgres_url")
    store = SQLConversationStore(url)
    from bot.store import Base

    with store.engine.begin() as connection:  # a clean slate per test
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
    return store


def test_it_is_a_conversation_store(store: SQLConversationStore) -> None:
    assert isinstance(store, ConversationStore)


def test_messages_are_kept_in_order_with_their_data(store: SQLConversationStore) -> None:
    cid = store.create(channel="widget")
    store.append(cid, "user", "Where is my order?", {"sentiment": {"dissatisfaction": 0.1}})
    store.append(cid, "assistant", "Let me check.", {"sources": [{"id": "policy:x"}]})
    store.update_message(cid, 0, {"feedback": "up"})
    conversation = store.get(cid)
    assert [m.role for m in conversation.messages] == ["user", "assistant"]
    assert conversation.messages[0].data == {
        "sentiment": {"dissatisfaction": 0.1},
        "feedback": "up",
    }
    assert conversation.messages[1].data["sources"][0]["id"] == "policy:x"
    assert conversation.channel == "widget" and conversation.status == "bot"


def test_a_new_store_on_the_same_database_sees_everything(store: SQLConversationStore) -> None:
    cid = store.create()
    store.append(cid, "user", "你好，我的快递到哪里了？")
    again = SQLConversationStore(store.url)
    assert again.get(cid).messages[0].content == "你好，我的快递到哪里了？"


def test_status_data_and_listing(store: SQLConversationStore) -> None:
    a, b = store.create(), store.create()
    store.set_status(a, "waiting_for_agent")
    store.update_data(a, {"escalation": {"reasons": ["asked for a human"]}, "language": "zh"})
    waiting = store.list(status="waiting_for_agent")
    assert [c.id for c in waiting] == [a]
    assert waiting[0].language == "zh" and waiting[0].data["escalation"]["reasons"]
    assert {c.id for c in store.list()} >= {a, b}
    with pytest.raises(ValueError, match="Unknown status"):
        store.set_status(a, "sleeping")


def test_unknown_and_duplicate_ids(store: SQLConversationStore) -> None:
    with pytest.raises(ConversationNotFound):
        store.get("nope")
    with pytest.raises(ConversationNotFound):
        store.append("nope", "user", "hi")
    store.create("fixed-id")
    with pytest.raises(StoreError, match="already exists"):
        store.create("fixed-id")
    assert store.ensure("fixed-id") == "fixed-id"


def test_concurrent_writers_lose_nothing(store: SQLConversationStore) -> None:
    cid = store.create()

    def write(worker: int) -> None:
        for i in range(10):
            store.append(cid, "user", f"{worker}-{i}")

    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    messages = store.get(cid).messages
    assert len(messages) == 40
    assert [m.position for m in messages] == list(range(40))
    assert {m.content for m in messages} == {f"{w}-{i}" for w in range(4) for i in range(10)}


def test_outbox_and_request_keys(store: SQLConversationStore) -> None:
    cid = store.create()
    delivery = store.enqueue_delivery(cid, "escalation", {"conversation_id": cid})
    assert [d.id for d in store.due_deliveries()] == [delivery]
    store.finish_delivery(delivery, False, "HTTP 500", retry_in_s=3600)
    assert store.due_deliveries() == []
    assert store.deliveries(cid)[0].attempts == 1
    # One rule for retries: a request key names one message of the conversation.
    first = store.append(cid, "user", "hi", request_key="k1")
    assert store.append(cid, "user", "hi", request_key="k1").position == first.position
    with pytest.raises(IdempotencyConflict):
        store.append(cid, "user", "something else", request_key="k1")
    assert [m.content for m in store.get(cid).messages] == ["hi"]


def test_a_bad_url_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="SHOPBOT_DATABASE_URL"):
        SQLConversationStore("nosuchdb://x")


def test_ensure_creates_once(store: SQLConversationStore) -> None:
    assert not store.exists("s-ensure")
    assert store.ensure("s-ensure", channel="widget") == "s-ensure"
    store.append("s-ensure", "user", "hi")
    assert store.ensure("s-ensure") == "s-ensure"  # there already: kept as it is
    conversation = store.get("s-ensure")
    assert store.exists("s-ensure") and conversation.channel == "widget"
    assert len(conversation.messages) == 1


def test_a_retried_message_is_stored_once(store: SQLConversationStore) -> None:
    cid, other = store.create(), store.create()
    first = store.append(cid, "user", "Where is my order?", request_key="req-1")
    again = store.append(cid, "user", "Where is my order?", request_key="req-1")
    assert again.position == first.position == 0
    assert store.append(other, "user", "hello", request_key="req-1").position == 0
    assert store.append(cid, "user", "and another", request_key="req-2").position == 1
    assert [m.content for m in store.get(cid).messages] == ["Where is my order?", "and another"]


def test_conversation_data_is_merged_and_the_language_kept(store: SQLConversationStore) -> None:
    cid = store.create()
    store.update_data(cid, {"bot_state": {"abusive": False}, "rating": 4})
    store.update_data(cid, {"rating": 5, "language": "zh"})
    conversation = store.get(cid)
    assert conversation.data == {"bot_state": {"abusive": False}, "rating": 5, "language": "zh"}
    assert conversation.language == "zh"
    with pytest.raises(ConversationNotFound):
        store.update_data("nope", {"rating": 1})
    with pytest.raises(ConversationNotFound):
        store.update_message(cid, 7, {"feedback": "up"})


def test_statuses_are_typed_and_listed_newest_first(store: SQLConversationStore) -> None:
    first, second, third = store.create(), store.create(), store.create()
    for cid in (first, second, third):
        store.set_status(cid, ConversationStatus.AGENT)
        store.append(cid, "agent", f"Sam here for {cid}.")
    store.set_status(second, ConversationStatus.CLOSED)
    conversation = store.get(first)
    assert conversation.status is ConversationStatus.AGENT
    assert [c.id for c in store.list(status=ConversationStatus.AGENT)][:2] == [third, first]
    assert len(store.list(status=ConversationStatus.AGENT, limit=1)) == 1
    assert store.get(second).status == "closed"  # the stored value, as the APIs give it
    with pytest.raises(ConversationNotFound):
        store.set_status("nope", ConversationStatus.BOT)


def test_a_claimed_delivery_is_leased_and_then_delivered_or_given_up(
    store: SQLConversationStore,
) -> None:
    cid = store.create()
    ok = store.enqueue_delivery(cid, "escalation", {"n": 1})
    bad = store.enqueue_delivery(cid, "escalation", {"n": 2})
    claimed = store.due_deliveries(lease_s=60)
    assert [d.id for d in claimed] == [ok, bad] and claimed[0].payload == {"n": 1}
    assert store.due_deliveries() == []  # leased: no other replica gets them
    store.finish_delivery(ok, True)
    store.finish_delivery(bad, False, "HTTP 500", retry_in_s=-1)
    outcome = {d.id: (d.status, d.attempts, d.last_error) for d in store.deliveries(cid)}
    assert outcome == {ok: ("delivered", 1, None), bad: ("failed", 1, "HTTP 500")}
    assert store.due_deliveries(lease_s=0) == []
