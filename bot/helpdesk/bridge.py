"""The bridge between a helpdesk and the bot, the same for every helpdesk.

An event from the helpdesk is verified, read and kept in the ledger before it is
acknowledged (`accept`: quick, so that the helpdesk's time limit is never the bot's); it is
then handled in the background, the events of one conversation in the order received:

- the shopper wrote: the message goes into the conversation (keyed by the helpdesk's ids) and
  the bot answers it, unless a person owns the conversation; the answer, formatted for the
  channel, is queued for the helpdesk; a hand-off also queues a private note for the team and
  opens the conversation to them;
- a person wrote to the shopper: their words join the bot's history and the bot stays quiet;
- the conversation changed hands: given to the bot again, it resumes; resolved, it closes.

Handling an event twice (a crash half-way, a redelivery) stores and sends nothing twice:
events are kept once by key, messages are stored under the event's key, calls are queued
under keys derived from it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.errors import StoreError
from bot.helpdesk.contract import (
    Action,
    ActionKind,
    ChannelKind,
    DeskStatus,
    EventKind,
    Helpdesk,
    HelpdeskEvent,
)
from bot.helpdesk.formatting import shopper_reply, strip_quoted_email
from bot.helpdesk.ledger import HelpdeskLedger, LedgerEntry
from bot.helpdesk.notes import email_left_note, handoff_note, suggestion_section
from bot.helpdesk.outbox import Backoff, Outbox, keep_running
from bot.helpdesk.relay import DeskRelay, from_helpdesk
from bot.reasons import Reason, ReasonCode
from bot.status import HUMAN_STATUSES, ConversationStatus
from bot.store import ConversationStore, StoredConversation

if TYPE_CHECKING:
    from bot.copilot import Copilot
    from bot.shopbot import ShopBot
    from bot.turns import StreamEvent, Turn

log = logging.getLogger(__name__)
HUMAN = HUMAN_STATUSES
MAX_EVENT_ATTEMPTS = 5
"""A failure that is not the database's (a bug) is retried this often, then left failed."""

TurnEvents = Callable[..., AsyncIterator["StreamEvent"]]


@dataclass(frozen=True)
class Accepted:
    """What one delivery from the helpdesk brought: events kept, and redeliveries of events
    kept before (acknowledged, nothing more)."""

    events: int
    duplicates: int


def handed_over(conversation: StoredConversation, turn: Turn) -> bool:
    """Did ``turn`` hand the conversation over (and not just answer while it waits for a
    person, as when the shopper leaves an e-mail address)? Its reasons say so; a turn
    replayed from the store (a redelivered event) by the hand-off message it stored."""
    if not turn.escalated or conversation.status not in HUMAN:
        return False
    if turn.reasons:
        return True
    replies = [m for m in conversation.messages if m.role == "assistant" and m.content]
    return any(m.content == turn.reply and m.data.get("handoff") for m in replies[-1:])


class HelpdeskBridge:
    """Connects one helpdesk (`Helpdesk`) to a `ShopBot`."""

    def __init__(
        self,
        bot: ShopBot,
        helpdesk: Helpdesk,
        *,
        ledger: HelpdeskLedger | None = None,
        backoff: Backoff | None = None,
        concurrency: int = 8,
        turns: TurnEvents | None = None,
        copilot: Copilot | None = None,
    ) -> None:
        self.bot = bot
        self.helpdesk = helpdesk
        self.name = helpdesk.name
        self.backoff = backoff or Backoff()
        self._ledger = ledger
        self._outbox: Outbox | None = None
        self._turns = turns or bot.astream_events
        self.copilot = copilot
        """Writes the suggested reply into the hand-off note (none without)."""
        self._gate = asyncio.Semaphore(concurrency)
        self._working: dict[str, asyncio.Task[None]] = {}
        self._wake = asyncio.Event()
        self._loops: list[asyncio.Task[None]] = []

    @property
    def ledger(self) -> HelpdeskLedger:
        if self._ledger is None:
            self._ledger = HelpdeskLedger(self.bot.store.engine, self.name)  # type: ignore[attr-defined]
        return self._ledger

    @property
    def store(self) -> ConversationStore:
        return self.bot.store

    def calls_queued(self) -> None:
        """Calls were queued (by the relay): make them now rather than at the next tick."""
        self.outbox.wake()

    @property
    def outbox(self) -> Outbox:
        if self._outbox is None:
            self._outbox = Outbox(self.helpdesk, self.ledger, self.backoff)
        return self._outbox

    # -- receiving ---------------------------------------------------------------------------
    def accept(
        self, body: bytes, headers: Mapping[str, str], query: Mapping[str, str] | None = None
    ) -> Accepted:
        """Verify a delivery, read it and keep its events (blocking: call in a thread).
        Raises `EventNotVerified`, `EventMalformed` or `StoreError` (then the helpdesk should
        deliver again)."""
        lowered = {k.lower(): v for k, v in headers.items()}
        self.helpdesk.verify(body, lowered, query or {})
        kept = duplicates = 0
        for event in self.helpdesk.parse(body, lowered):
            if self.ledger.record_event(
                event.key, event.ref.shopbot_id, event.kind.value, event.as_dict()
            ):
                kept += 1
            else:
                duplicates += 1
        return Accepted(kept, duplicates)

    def wake(self) -> None:
        """Events were kept: handle them now rather than at the next tick."""
        self._wake.set()

    # -- handling ------------------------------------------------------------------------------
    async def handle_pending(self) -> int:
        """Start handling the next event of every conversation not being worked on; how many
        were started."""
        entries = await asyncio.to_thread(self.ledger.pending_events, exclude=list(self._working))
        for entry in entries:
            self._working[entry.conversation_id] = asyncio.create_task(self._work(entry))
        return len(entries)

    async def _work(self, entry: LedgerEntry) -> None:
        try:
            async with self._gate:
                await self.handle(entry)
        finally:
            self._working.pop(entry.conversation_id, None)
            self.wake()  # the conversation's next event, if any

    async def handle(self, entry: LedgerEntry) -> None:
        """Handle one kept event; on failure it is retried later (or, after
        `MAX_EVENT_ATTEMPTS` failures that are not the database's, left failed)."""
        event = HelpdeskEvent.from_dict(entry.data)
        try:
            if event.kind is EventKind.SHOPPER_MESSAGE:
                await self._shopper_message(event)
            elif event.kind is EventKind.AGENT_MESSAGE:
                await asyncio.to_thread(self._agent_message, event)
            else:
                await asyncio.to_thread(self._status_changed, event)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            attempts = entry.attempts + 1
            transient = isinstance(exc, StoreError)
            give_up = not transient and attempts >= MAX_EVENT_ATTEMPTS
            wait = self.backoff.wait(attempts)
            log.log(
                logging.ERROR if give_up else logging.WARNING,
                "%s event %s of %s failed (attempt %d): %s: %s; %s",
                self.name,
                entry.key,
                entry.conversation_id,
                attempts,
                type(exc).__name__,
                exc,
                "giving up" if give_up else f"retrying in {wait:.1f} s",
                exc_info=not transient,
            )
            with contextlib.suppress(Exception):  # the database may be what failed
                await asyncio.to_thread(
                    self.ledger.finish_event,
                    entry.id,
                    f"{type(exc).__name__}: {exc}"[:500],
                    -1 if give_up else wait,
                )
            return
        await asyncio.to_thread(self.ledger.finish_event, entry.id)

    # -- the three kinds of event -------------------------------------------------------------
    async def _shopper_message(self, event: HelpdeskEvent) -> None:
        conversation = await asyncio.to_thread(self._sync, event)
        text = event.content
        if event.channel is ChannelKind.EMAIL:
            text = strip_quoted_email(text)
        limits = self.bot.settings.limits
        text = text[: limits.max_message_chars]
        turns = sum(1 for m in conversation.messages if m.role == "user")
        if turns >= limits.max_turns and conversation.status not in HUMAN:
            too_long = Reason(ReasonCode.CONVERSATION_TOO_LONG, {"turns": turns})
            await asyncio.to_thread(self._to_team, conversation.id, too_long)
            await asyncio.to_thread(self._queue_hand_to_team, event)
        turn = None
        async for step in self._turns(text, conversation.id, request_key=event.key):
            if step.turn is not None:
                turn = step.turn
        if turn is None or not turn.reply.strip():
            return  # a person owns the conversation: the message is in the history, no reply
        handed = await asyncio.to_thread(self._queue_reply, event, turn)
        if handed is not None:
            conversation, reasons = handed
            extra = await self._suggestion_section(conversation)
            await asyncio.to_thread(self._queue_handoff, event, conversation, reasons, extra)

    async def _suggestion_section(self, conversation: StoredConversation) -> list[str]:
        """The copilot's suggested reply, for the note (nothing if it cannot write one)."""
        if self.copilot is None:
            return []
        try:
            suggestion = await self.copilot.suggest(conversation)
        except Exception:  # the note goes out without it rather than not at all
            log.exception("No copilot suggestion for %s", conversation.id)
            return []
        return [suggestion_section(suggestion, conversation.language)]

    def _queue_reply(
        self, event: HelpdeskEvent, turn: Turn
    ) -> tuple[StoredConversation, list[str]] | None:
        """Queue the reply; when the turn handed the conversation over, the conversation
        and the reasons (the note and the hand-off are queued next)."""
        conversation = self.bot.store.get(event.ref.shopbot_id)
        content = shopper_reply(
            turn.reply,
            turn.sources,
            event.channel,
            turn.language,
            contact_name=event.contact.name,
            store_name=self.bot.settings.store_name,
        )
        self._enqueue(event, "reply", ActionKind.REPLY, content)
        self.outbox.wake()
        if (note := email_left_note(conversation)) is not None:
            self._enqueue(event, "email_note", ActionKind.NOTE, note)
        if not handed_over(conversation, turn):
            return None
        reasons = turn.escalation_reasons or (
            (conversation.data.get("escalation") or {}).get("reasons") or []
        )
        return conversation, list(reasons)

    def _queue_handoff(
        self,
        event: HelpdeskEvent,
        conversation: StoredConversation,
        reasons: list[str],
        extra: list[str],
    ) -> None:
        """The note for the team, then the conversation opened to them."""
        note = handoff_note(conversation, reasons, extra=extra)
        self._enqueue(event, "note", ActionKind.NOTE, note)
        self._queue_hand_to_team(event)

    def _agent_message(self, event: HelpdeskEvent) -> None:
        """A person wrote to the shopper in the helpdesk: into the history, the bot quiet."""
        conversation = self._sync(event)
        store = self.bot.store
        data = {"agent": event.author or "agent", "helpdesk": self.name}
        store.append(conversation.id, "agent", event.content, data, request_key=event.key)
        store.set_status(conversation.id, ConversationStatus.AGENT)
        if event.desk_status is DeskStatus.BOT:
            # A person answered while the bot owned it: now the person does, in the helpdesk too.
            self._queue_hand_to_team(event)

    def _status_changed(self, event: HelpdeskEvent) -> None:
        conversation = self._sync(event)
        status = conversation.status
        if event.desk_status is DeskStatus.TEAM and status not in HUMAN:
            self._to_team(conversation.id, self._opened_here)
        elif event.desk_status is DeskStatus.BOT and status in HUMAN:
            with from_helpdesk():
                self.bot.handback(conversation.id)
        elif event.desk_status is DeskStatus.RESOLVED and status != ConversationStatus.CLOSED:
            with from_helpdesk():
                self.bot.close_conversation(conversation.id)

    # -- the conversation in shopbot's store ----------------------------------------------------
    def _sync(self, event: HelpdeskEvent) -> StoredConversation:
        """The conversation of ``event`` in shopbot's store (made on first sight, keyed by the
        helpdesk's ids), its helpdesk details kept, its owner brought in line with the
        helpdesk's when a shopper writes."""
        store = self.bot.store
        conversation_id = event.ref.shopbot_id
        store.ensure(conversation_id, channel=f"{self.name}:{event.channel_name}"[:32])
        conversation = store.get(conversation_id)
        known = conversation.data.get("helpdesk") or {}
        contact = dict(known.get("contact") or {})
        contact.update({k: v for k, v in vars(event.contact).items() if v})
        details = {
            "name": self.name,
            "account": event.ref.account,
            "conversation": event.ref.conversation,
            "inbox": event.ref.inbox,
            "channel": event.channel_name,
            "channel_kind": event.channel.value,
            "contact": contact,
        }
        if known != details:
            store.update_data(conversation_id, {"helpdesk": details})
            conversation.data["helpdesk"] = details
        if event.kind is EventKind.SHOPPER_MESSAGE and not self._answered(event):
            # A replayed event's status is older than what its first handling did.
            self._reconcile(conversation, event.desk_status)
        return conversation

    def _answered(self, event: HelpdeskEvent) -> bool:
        """The bot's reply to this shopper message was queued before (the event is handled
        again after a crash or a redelivery)."""
        key = f"{event.key}:reply"
        return any(call.key == key for call in self.ledger.calls(event.ref.shopbot_id))

    def _reconcile(self, conversation: StoredConversation, desk: DeskStatus | None) -> None:
        """Follow the helpdesk on who owns the conversation (an event about the change may
        never come: Chatwoot does not tell every version of an agent bot)."""
        status = conversation.status
        if desk is DeskStatus.TEAM and status not in HUMAN:
            self._to_team(conversation.id, self._opened_here)
            conversation.status = ConversationStatus.WAITING_FOR_AGENT
        elif desk is DeskStatus.BOT and status in HUMAN:
            if self.ledger.owes(conversation.id, ActionKind.HAND_TO_TEAM.value):
                return  # our own hand-off has not reached the helpdesk yet
            with from_helpdesk():
                self.bot.handback(conversation.id)
            conversation.status = ConversationStatus.BOT
        elif desk is DeskStatus.RESOLVED and status in HUMAN:
            with from_helpdesk():  # the shopper's message reopens it
                self.bot.close_conversation(conversation.id)
            conversation.status = ConversationStatus.CLOSED

    @property
    def _opened_here(self) -> Reason:
        return Reason(ReasonCode.OPENED_IN_HELPDESK, {"helpdesk": self.name})

    def _to_team(self, conversation_id: str, reason: Reason) -> None:
        """People took the conversation over in the helpdesk: the bot stays quiet."""
        self.bot.humans.record_escalation(conversation_id, [reason])

    # -- calls owed to the helpdesk -------------------------------------------------------------
    def _enqueue(
        self, event: HelpdeskEvent, suffix: str, kind: ActionKind, content: str = ""
    ) -> None:
        action = Action(kind, event.ref, content)
        self.ledger.enqueue(
            f"{event.key}:{suffix}", event.ref.shopbot_id, kind.value, action.as_dict()
        )

    def _queue_hand_to_team(self, event: HelpdeskEvent) -> None:
        self._enqueue(event, "hand_to_team", ActionKind.HAND_TO_TEAM)
        self.outbox.wake()

    def attach(self) -> None:
        """Listen to the bot's desk: what people do through shopbot on this helpdesk's
        conversations is done in the helpdesk too (`bot.helpdesk.relay`)."""
        listeners = self.bot.humans.listeners
        if not any(isinstance(x, DeskRelay) and x.bridge is self for x in listeners):
            listeners.append(DeskRelay(self))

    # -- running -----------------------------------------------------------------------------------
    async def run(self, interval_s: float = 1.0) -> None:
        """Handle events until cancelled (a background task of the web app)."""
        await keep_running(self.handle_pending, self._wake, interval_s, f"{self.name} events")

    def start(self) -> None:
        """Start handling events and delivering calls in the background (on this loop)."""
        self.attach()
        self._loops = [
            asyncio.create_task(self.run(), name=f"{self.name}-events"),
            asyncio.create_task(self.outbox.run(), name=f"{self.name}-outbox"),
        ]

    async def stop(self, timeout_s: float = 20.0) -> None:
        """Stop the loops; events being handled get ``timeout_s`` to finish (any cut short
        are handled again after a restart: nothing is lost)."""
        for task in self._loops:
            task.cancel()
        working = list(self._working.values())
        if working:
            await asyncio.wait(working, timeout=timeout_s)
        for task in [*self._loops, *working]:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._loops = []
        await self.helpdesk.aclose()

    async def settle(self, timeout_s: float = 60.0) -> None:
        """Handle every pending event and make every due call, until nothing is left to do
        now (tests and one-shot runs)."""
        deadline = asyncio.get_running_loop().time() + timeout_s
        while asyncio.get_running_loop().time() < deadline:
            started = await self.handle_pending()
            if self._working:
                await asyncio.wait(list(self._working.values()))
            made = await self.outbox.deliver_due()
            if not started and not made and not self._working:
                return
        raise TimeoutError(f"{self.name}: events still pending after {timeout_s:g} s")

    async def health(self) -> dict[str, Any]:
        """For /healthz: events and calls by state; ``ok`` while nothing has failed for good
        and the helpdesk took the last call made."""
        try:
            counts = await asyncio.to_thread(self.ledger.counts)
        except Exception as exc:  # the database check reports the cause
            return {"ok": False, "helpdesk": self.name, "reason": f"{type(exc).__name__}"}
        ok = not counts.get("calls_failed") and not counts.get("events_failed")
        ok = ok and self.outbox.last_error is None
        report: dict[str, Any] = {"ok": ok, "helpdesk": self.name, **counts}
        if self.outbox.last_error:
            report["reason"] = self.outbox.last_error
        return report
