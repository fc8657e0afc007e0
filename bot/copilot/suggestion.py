"""The suggested reply: for the shopper request the knowledge answers best, drafted by the
bot's own knowledge-answers part from the knowledge and the order case, then through the
output checks every reply of the bot passes. The agent sends it as it is or edits it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.copilot.summary import order_case_line, summary_lines
from bot.fakes import SimpleHit
from bot.grounding import FactGuard, GuardedStream
from bot.knowledge import HitLike
from bot.language import COURTESY_KINDS, message_kind
from bot.store import StoredConversation

if TYPE_CHECKING:
    from bot.shopbot import ShopBot
    from bot.turns import Turn


def order_case_hits(case: dict[str, Any] | None) -> list[SimpleHit]:
    """The order case as facts a suggested reply may state (its numbers and dates are then
    grounded, like a policy's); nothing when there is no case."""
    if not case or not case.get("order"):
        return []
    decision = case.get("decision") or {}
    facts = decision.get("facts") or {}
    parts = [order_case_line(case)]
    parts += [_fact(str(k), v) for k, v in facts.items() if v not in (None, "")]
    return [
        SimpleHit(
            id=f"order:{case['order']}",
            source="order",
            title=f"Order {case['order']}",
            text=". ".join(p for p in parts if p) + ".",
            score=1.0,
            metadata={"order_number": case["order"]},
        )
    ]


_UNITS = ("days", "hours", "weeks", "months", "years")


def _fact(key: str, value: Any) -> str:
    """``days_since_delivery: 40`` as "days since delivery: 40 days", so that "40 days" in a
    suggestion is grounded with its unit."""
    label = key.replace("_", " ")
    unit = next((u for u in _UNITS if u in key.split("_")), None)
    if unit and isinstance(value, int | float) and not isinstance(value, bool):
        return f"{label}: {value:g} {unit}"
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value)
    return f"{label}: {value}"


@dataclass
class CheckedDraft:
    """A suggested reply after the output checks: what may be sent, and what was held back."""

    text: str
    withheld: list[dict[str, str]] = field(default_factory=list)


def check_draft(
    text: str,
    hits: Sequence[HitLike],
    shopper_texts: Iterable[str],
    secrets: Iterable[str] = (),
    instructions: str = "",
) -> CheckedDraft:
    """``text`` sentence by sentence through the checks the bot's own replies pass (secrets,
    instructions, other people's personal data, numbers and promises the facts do not
    support); what fails is left out and reported."""
    guard = FactGuard(hits, list(shopper_texts), secrets, instructions=instructions)
    stream = GuardedStream(guard)
    stream.feed(text)
    stream.finish()
    return CheckedDraft(stream.text.strip(), guard.report.withheld)


EMPATHY = {
    "en": "I'm sorry for the trouble, and thank you for your patience.",
    "zh": "非常抱歉给您带来不便，感谢您的耐心。",
}
NOTHING_FOUND = {
    "en": "Thank you for your message. I'm looking into this for you now and will get back to "
    "you here shortly.",
    "zh": "感谢您的留言，我正在为您核实，稍后会在这里回复您。",
}
UPSET_FROM = 0.5
"""Peak dissatisfaction from which the suggestion opens with an apology."""


@dataclass
class Suggestion:
    """A reply the agent can send as it is or edit: checked, with the sources it stands on."""

    text: str
    sources: list[dict[str, Any]] = field(default_factory=list)
    withheld: list[dict[str, str]] = field(default_factory=list)
    language: str = "en"

    def as_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "sources": self.sources,
            "withheld": len(self.withheld),
            "language": self.language,
        }


def draft_history(conversation: StoredConversation) -> list[dict[str, str]]:
    """The conversation as the model reads it for a suggestion: up to the shopper's latest
    message, without the bot's hand-off announcements."""
    messages = [
        {"role": m.role, "content": m.content}
        for m in conversation.messages
        if m.content and not m.data.get("handoff")
    ]
    while messages and messages[-1]["role"] != "user":
        messages.pop()
    return messages


def upset(conversation: StoredConversation) -> bool:
    scores = [m.data["sentiment"] for m in conversation.messages if "sentiment" in m.data]
    return max((s.get("dissatisfaction", 0.0) for s in scores), default=0.0) >= UPSET_FROM


class Copilot:
    """The agent's copilot over a bot's own parts: the same knowledge, the same model, the
    same output checks as the bot's replies."""

    def __init__(self, bot: ShopBot) -> None:
        self.bot = bot

    def summary(self, conversation: StoredConversation) -> list[str]:
        return summary_lines(conversation)

    async def suggest(self, conversation: StoredConversation) -> Suggestion:
        """A reply to the shopper's latest message, grounded in the knowledge and the order
        case, checked like the bot's own; opened with an apology for an upset shopper."""
        from bot.language import detect_language, phrase
        from bot.prompting import system_message

        history = draft_history(conversation)
        shopper = [m["content"] for m in history if m["role"] == "user"]
        language = conversation.language or (detect_language(shopper[-1]) if shopper else "en")
        if language not in NOTHING_FOUND:
            language = "en"
        focus, found = await self._focus(history)
        facts = [*order_case_hits(conversation.data.get("order_case")), *found]
        text, sources, withheld = NOTHING_FOUND[language], [], []
        if facts and focus:
            drafted = await self._draft(focus, facts, language, conversation.id)
            if drafted.reply.strip() and drafted.reply != phrase(language, "unsure"):
                text, sources, withheld = drafted.reply, drafted.sources, list(drafted.withheld)
        if upset(conversation):
            text = EMPATHY[language] + ("" if language == "zh" else " ") + text
        settings = self.bot.settings
        checked = check_draft(
            text,
            facts,
            shopper,
            [s.get_secret_value() for s in settings.secrets],
            system_message(settings.store_name, settings.system_prompt, [], language),
        )
        return Suggestion(checked.text, sources, withheld + checked.withheld, language)

    async def _focus(
        self, history: list[dict[str, str]]
    ) -> tuple[list[dict[str, str]], list[HitLike]]:
        """The shopper request the suggestion answers, and the knowledge for it: of the
        shopper's requests (an angry "this is ridiculous" last is not one the knowledge can
        answer), the one the knowledge answers best, the latest on a tie. Returns the
        conversation up to that request, and its passages."""
        answers = self.bot.parts.answers
        best: tuple[float, int] | None = None
        chosen: list[HitLike] = []
        for index, message in enumerate(history):
            if message["role"] != "user" or message_kind(message["content"]) in COURTESY_KINDS:
                continue
            found = await answers.find([message])
            if found.relevant and (best is None or (found.relevant[0].score, index) >= best):
                best, chosen = (found.relevant[0].score, index), found.relevant
        if best is None:
            return history, []
        return history[: best[1] + 1], chosen

    async def _draft(
        self, history: list[dict[str, str]], facts: list[HitLike], language: str, session: str
    ) -> Turn:
        """The bot's knowledge-answers part writes it, from ``facts``, as it writes replies."""
        import time

        from bot.sentiment import SentimentResult
        from bot.turns import Overrides

        calm = SentimentResult(0.0, 0.0, False, False, False)
        turn = None
        async for event in self.bot.parts.answers.generate(
            history, f"copilot-{session}", facts, language, calm, Overrides(), time.perf_counter()
        ):
            if event.turn is not None:
                turn = event.turn
        assert turn is not None
        return turn
