"""People acting through shopbot (its console, its helpdesk API) on a conversation that lives
in a helpdesk: the same is done in the helpdesk, where the shopper is. An agent's reply goes
out through the helpdesk as "NAME: text"; a hand-back or a close changes the conversation's
status there too. Through the outbox, like the bot's own calls."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol

from bot.helpdesk.contract import Action, ActionKind, ConversationRef
from bot.helpdesk.ledger import HelpdeskLedger
from bot.store import ConversationStore


class Relaying(Protocol):
    """What the relay needs of its bridge (`bot.helpdesk.bridge.HelpdeskBridge`)."""

    name: str

    @property
    def store(self) -> ConversationStore: ...

    @property
    def ledger(self) -> HelpdeskLedger: ...

    def calls_queued(self) -> None: ...


_FROM_HELPDESK: ContextVar[bool] = ContextVar("from_helpdesk", default=False)
"""Set while the bridge itself hands back or closes, following the helpdesk: that change
must not be sent back to the helpdesk."""


@contextmanager
def from_helpdesk() -> Iterator[None]:
    """The desk actions inside come from the helpdesk: not relayed back to it."""
    token = _FROM_HELPDESK.set(True)
    try:
        yield
    finally:
        _FROM_HELPDESK.reset(token)


class DeskRelay:
    """A `bot.humans.DeskListener` that relays to one helpdesk."""

    def __init__(self, bridge: Relaying) -> None:
        self.bridge = bridge

    def agent_replied(self, session: str, content: str, agent: str) -> None:
        self._relay(session, ActionKind.REPLY, f"{agent}: {content}")

    def handed_back(self, session: str, notice: str) -> None:
        self._relay(session, ActionKind.RETURN_TO_BOT)
        if notice:  # the shopper is in the helpdesk: told there, whoever handed it back
            self._relay(session, ActionKind.REPLY, notice, always=True)

    def closed(self, session: str) -> None:
        self._relay(session, ActionKind.RESOLVE)

    def _relay(
        self, session: str, kind: ActionKind, content: str = "", *, always: bool = False
    ) -> None:
        """Do in the helpdesk what was done here (not what came from the helpdesk itself,
        unless ``always``: a message of the bot's own)."""
        if _FROM_HELPDESK.get() and not always:
            return
        bridge = self.bridge
        details = bridge.store.get(session).data.get("helpdesk") or {}
        if details.get("name") != bridge.name:
            return  # not one of this helpdesk's conversations
        ref = ConversationRef(
            bridge.name, details["account"], details["conversation"], details.get("inbox")
        )
        action = Action(kind, ref, content)
        key = f"relay:{session}:{kind.value}:{uuid.uuid4().hex}"
        bridge.ledger.enqueue(key, session, kind.value, action.as_dict())
        bridge.calls_queued()
