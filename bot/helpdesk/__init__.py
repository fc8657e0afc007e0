"""shopbot inside a store's helpdesk (Chatwoot first; Zendesk or Freshdesk alike).

- `contract`: the `Helpdesk` protocol an adapter implements, and the typed events and
  actions that cross it;
- `chatwoot`: the Chatwoot adapter (shopbot as an agent bot);
- `bridge`: what every helpdesk shares: events kept once and handled in order, the bot's
  answers and hand-offs turned into calls; `outbox`: those calls made with retries;
  `ledger`: both kept in the conversation database;
- `formatting`: replies written for the channel (chat, e-mail, messaging); `notes`: the
  hand-off note for the team.

docs/helpdesk.md says how to connect shopbot to Chatwoot and how to write an adapter.
"""

from bot.helpdesk.bridge import Accepted, HelpdeskBridge
from bot.helpdesk.contract import (
    Action,
    ActionKind,
    ChannelKind,
    Contact,
    ConversationRef,
    DeskStatus,
    Done,
    EventKind,
    Helpdesk,
    HelpdeskEvent,
)

__all__ = [
    "Accepted",
    "Action",
    "ActionKind",
    "ChannelKind",
    "Contact",
    "ConversationRef",
    "DeskStatus",
    "Done",
    "EventKind",
    "Helpdesk",
    "HelpdeskBridge",
    "HelpdeskEvent",
]


def make_helpdesk_bridge(
    bot: object, transport: object = None, turns: object = None, copilot: object = None
) -> HelpdeskBridge | None:
    """The bridge for the helpdesk configured in ``bot.settings`` (Chatwoot), or None;
    ``turns`` answers a message (a `ReplyTracker`'s ``events`` in the web app)."""
    from bot.helpdesk.chatwoot import ChatwootHelpdesk
    from bot.helpdesk.outbox import Backoff

    settings = bot.settings.chatwoot  # type: ignore[attr-defined]
    if not settings.enabled:
        return None
    backoff = Backoff(max_s=settings.retry_max_s, give_up_after_s=settings.give_up_after_h * 3600)
    return HelpdeskBridge(
        bot,  # type: ignore[arg-type]
        ChatwootHelpdesk(settings, transport),
        backoff=backoff,
        concurrency=settings.concurrency,
        turns=turns,  # type: ignore[arg-type]
        copilot=copilot,  # type: ignore[arg-type]
    )
