"""The ledger and the outbox: each event kept once, a conversation's calls made in order,
retried with back-off while the helpdesk is away, given up only when it refuses for good."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.errors import HelpdeskRejected, HelpdeskUnavailable
from bot.helpdesk import Action, ActionKind, ConversationRef, Done
from bot.helpdesk.ledger import HelpdeskLedger, HelpdeskOutboxRow
from bot.helpdesk.outbox import Backoff, Outbox
from bot.settings import Settings
from bot.store import SQLConversationStore


class ScriptedDesk:
    """A helpdesk that fails while ``down`` and records what it was asked."""

    name = "scripted"

    def __init__(self) -> None:
        self.down = False
        self.refuse: set[str] = set()
        self.made: list[tuple[str, str]] = []

    async def perform(self, action: Action) -> Done:
        if self.down:
            raise HelpdeskUnavailable("down for maintenance", retry_after_s=0.0)
        if action.content in self.refuse:
            raise HelpdeskRejected("no such conversation")
        self.made.append((action.ref.conversation, action.content))
        return Done(str(len(self.made)))


@pytest.fixture
def ledger(settings: Settings) -> HelpdeskLedger:
    store = SQLConversationStore(settings.resolved_database_url)
    return HelpdeskLedger(store.engine, "scripted")


def queue(ledger: HelpdeskLedger, conversation: str, content: str) -> None:
    ref = ConversationRef("scripted", "1", conversation)
    action = Action(ActionKind.REPLY, ref, content)
    ledger.enqueue(f"{conversation}:{content}", ref.shopbot_id, "reply", action.as_dict())


def test_an_event_is_kept_once(ledger: HelpdeskLedger) -> None:
    assert ledger.record_event("message:1:5", "c1", "shopper_message", {"a": 1})
    assert not ledger.record_event("message:1:5", "c1", "shopper_message", {"a": 1})
    assert len(ledger.events()) == 1
    assert HelpdeskLedger(ledger.engine, "other").record_event("message:1:5", "c1", "x", {})


def test_events_of_a_conversation_are_handed_out_one_at_a_time(ledger: HelpdeskLedger) -> None:
    for key, conversation in (("e1", "a"), ("e2", "a"), ("e3", "b")):
        ledger.record_event(key, conversation, "shopper_message", {})
    first = ledger.pending_events()
    assert [e.key for e in first] == ["e1", "e3"]  # one per conversation, oldest first
    assert ledger.pending_events() == []  # both leased: e2 waits for e1
    ledger.finish_event(first[0].id)
    assert [e.key for e in ledger.pending_events()] == ["e2"]
    ledger.record_event("e4", "c", "shopper_message", {})
    assert ledger.pending_events(exclude=["c"]) == []  # this process is busy with c


def test_calls_go_in_order_and_wait_out_an_outage(ledger: HelpdeskLedger) -> None:
    desk = ScriptedDesk()
    # Waits long enough that a busy machine's scheduling delays do not change what is due.
    outbox = Outbox(desk, ledger, Backoff(first_s=0.4, max_s=1.6))
    for content in ("one", "two", "three"):
        queue(ledger, "a", content)
    queue(ledger, "b", "other")

    async def scenario() -> None:
        desk.down = True
        assert await outbox.deliver_due() == 0
        assert await outbox.deliver_due() == 0  # nothing due yet: backing off
        await asyncio.sleep(0.8)
        assert await outbox.deliver_due() == 0
        desk.down = False
        await asyncio.sleep(2.0)
        assert await outbox.deliver_due() == 4

    asyncio.run(scenario())
    assert [c for conv, c in desk.made if conv == "a"] == ["one", "two", "three"]
    calls = ledger.calls()
    assert all(c.status == "done" for c in calls)
    assert calls[0].attempts == 3 and calls[0].last_error is None
    assert calls[0].external_id is not None and ledger.sent_by_us(calls[0].external_id)
    assert ledger.counts() == {"calls_done": 4}


def test_a_refused_call_is_given_up_and_the_next_goes(ledger: HelpdeskLedger) -> None:
    desk = ScriptedDesk()
    desk.refuse = {"gone"}
    queue(ledger, "a", "gone")
    queue(ledger, "a", "after")
    asyncio.run(Outbox(desk, ledger).deliver_due())
    assert [c.status for c in ledger.calls()] == ["failed", "done"]
    assert desk.made == [("a", "after")]


def test_a_call_the_helpdesk_never_takes_is_given_up_after_its_time(
    ledger: HelpdeskLedger,
) -> None:
    desk = ScriptedDesk()
    desk.down = True
    queue(ledger, "a", "late")
    with ledger._session() as session, session.begin():
        row = session.query(HelpdeskOutboxRow).one()
        row.created_at = datetime.now(UTC) - timedelta(hours=73)
    asyncio.run(Outbox(desk, ledger, Backoff(give_up_after_s=72 * 3600)).deliver_due())
    (call,) = ledger.calls()
    assert call.status == "failed" and "down for maintenance" in (call.last_error or "")


def test_queueing_twice_under_one_key_queues_once(ledger: HelpdeskLedger) -> None:
    queue(ledger, "a", "once")
    queue(ledger, "a", "once")
    assert len(ledger.calls()) == 1
    assert ledger.owes("scripted-1-a", "reply")
    assert ledger.retry_now() == 1


def test_backoff_doubles_up_to_its_cap() -> None:
    backoff = Backoff(first_s=0.5, max_s=30)
    assert [backoff.wait(n) for n in (1, 2, 3, 6, 7, 20)] == [0.5, 1, 2, 16, 30, 30]
    assert backoff.wait(1, hint=12) == 12  # the helpdesk's Retry-After, within the cap
