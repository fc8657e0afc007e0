"""The model's prompt for a shopper turn, built by the bot's own code without answering.

Fine-tuning data and the fine-tuning gate need exactly what the model would be given for a
turn (the retrieved passages in the bot's prompt format, the conversation fitted to the
window), so they ask the bot for it here rather than rebuilding it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.knowledge import HitLike
from bot.language import COURTESY_KINDS, detect_language, message_kind
from bot.safety import detect_injection
from bot.turns import Overrides

if TYPE_CHECKING:
    from bot.shopbot import ShopBot

Message = dict[str, str]


@dataclass
class TurnPrompt:
    """What the model is given for one turn."""

    messages: list[Message]
    """The chat messages: system (persona, rules, passages) and the conversation."""
    assistant_prefix: str
    """Facts stated from data that the reply starts with (the model continues them)."""
    hits: list[HitLike]
    language: str


def turn_prompt(
    bot: ShopBot,
    messages: list[Message],
    *,
    leave_out: Callable[[HitLike], bool] | None = None,
    extra_hits: Sequence[HitLike] = (),
) -> TurnPrompt | None:
    """The prompt the model gets for the last shopper message of ``messages`` (stored roles:
    user, assistant, agent), or None when the bot answers that turn without the model
    (courtesy, an injection attempt, no relevant knowledge, a language the model does not
    write). ``leave_out`` drops hits (e.g. the conversation's own transcript); ``extra_hits``
    go first."""
    question = messages[-1]["content"]
    if message_kind(question) in COURTESY_KINDS or detect_injection(question).flagged:
        return None
    answers = bot.parts.answers
    found = [h for h in answers.retrieve(messages) if leave_out is None or not leave_out(h)]
    extra_ids = {e.id for e in extra_hits}
    hits = list(extra_hits) + [h for h in answers.relevant(found) if h.id not in extra_ids]
    if not hits:
        return None
    language = detect_language(question)
    prepared = answers.prepare(messages, "prompt", hits, language, Overrides())
    if prepared.request is None:
        return None
    return TurnPrompt(prepared.request.messages, prepared.request.assistant_prefix, hits, language)
