"""The human agent's copilot: a three-line summary of a conversation (`summary`) and a
suggested reply grounded in the knowledge and the order case, checked like the bot's own
replies (`suggestion`). Served in the console, the helpdesk API and the hand-off note."""

from bot.copilot.suggestion import (
    Copilot,
    Suggestion,
    check_draft,
    order_case_hits,
)
from bot.copilot.summary import clip, order_case_line, summary_lines

__all__ = [
    "Copilot",
    "Suggestion",
    "check_draft",
    "clip",
    "order_case_hits",
    "order_case_line",
    "summary_lines",
]
