"""The human agent's copilot: a three-line summary of a conversation, and the parts of a
suggested reply that do not depend on how it is written (the order case as facts it may
use, and the output checks every suggestion passes, the same as the bot's own replies).

The summary is extractive (the shopper's own words, counts and scores, never a model's
paraphrase), so it cannot invent anything; its labels follow the conversation's language.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.fakes import SimpleHit
from bot.grounding import FactGuard, GuardedStream, HitLike
from bot.language import message_kind
from bot.offline import contact_email
from bot.store import StoredConversation

if TYPE_CHECKING:
    from bot.engine import ShopBot
    from bot.turns import Turn

CLIP = 140
_LABELS = {
    "en": {
        "asks": "Asks",
        "then": "then",
        "so_far": "So far",
        "bot": "the bot replied {n}×",
        "bot_failed": "found nothing {n}×",
        "agents": "{names} replied {n}×",
        "handed": "handed over: {reasons}",
        "order": "order {order}: {request} {verdict}",
        "refused": "refused ({reasons})",
        "allowed": "allowed",
        "asked": "asked",
        "now": "Now",
        "latest": "latest",
        "dissatisfaction": "dissatisfaction {now} (peak {peak})",
        "csat": "predicted CSAT {csat}/5",
        "email": "e-mail {email}",
        "no_email": "no e-mail known",
        "nothing": "nothing yet",
    },
    "zh": {
        "asks": "诉求",
        "then": "之后",
        "so_far": "经过",
        "bot": "机器人回复 {n} 次",
        "bot_failed": "{n} 次未找到答案",
        "agents": "{names} 回复 {n} 次",
        "handed": "转人工原因：{reasons}",
        "order": "订单 {order}：{request}{verdict}",
        "refused": "被拒（{reasons}）",
        "allowed": "可办理",
        "asked": "已提出",
        "now": "现状",
        "latest": "最新",
        "dissatisfaction": "不满度 {now}（最高 {peak}）",
        "csat": "预测满意度 {csat}/5",
        "email": "邮箱 {email}",
        "no_email": "未知邮箱",
        "nothing": "暂无",
    },
}


def _labels(language: str | None) -> dict[str, str]:
    return _LABELS.get(language or "en", _LABELS["en"])


def clip(text: str, limit: int = CLIP) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _quote(text: str, language: str | None) -> str:
    return f"「{clip(text)}」" if language == "zh" else f"“{clip(text)}”"


def _requests(conversation: StoredConversation) -> list[str]:
    """The shopper's messages that ask or tell something (not hellos and thanks)."""
    return [
        m.content
        for m in conversation.messages
        if m.role == "user"
        and m.content.strip()
        and message_kind(m.content) not in ("greeting", "thanks")
    ]


def _number(value: Any) -> str:
    return "–" if value is None else f"{float(value):.2f}"


def order_case_line(case: dict[str, Any] | None, language: str | None = "en") -> str:
    """The order case in one clause: which order, what was asked, what the policy said."""
    if not case or not case.get("order"):
        return ""
    words = _labels(language)
    decision = case.get("decision") or {}
    reasons = list(decision.get("reasons") or []) or (
        [case["reason"]] if case.get("reason") else []
    )
    if decision.get("allowed") is True:
        verdict = words["allowed"]
    elif reasons:
        verdict = words["refused"].format(
            reasons=", ".join(str(r).replace("_", " ") for r in reasons)
        )
    else:
        verdict = words["asked"]
    request = str(case.get("request") or decision.get("action") or "").replace("_", " ")
    return (
        words["order"]
        .format(order=case["order"], request=request, verdict=verdict)
        .replace("  ", " ")
    )


def summary_lines(conversation: StoredConversation) -> list[str]:
    """Three lines an agent reads in five seconds: what the shopper wants, what happened so
    far, and where things stand now (mood, predicted CSAT, whether an e-mail is known)."""
    language = conversation.language
    words = _labels(language)
    sep = "；" if language == "zh" else "; "
    colon = "：" if language == "zh" else ": "
    requests = _requests(conversation)
    if requests:
        asks = _quote(requests[0], language)
        if len(requests) > 2:  # the latest request is on the third line
            asks += f" {words['then']} {_quote(requests[1], language)}"
    else:
        asks = words["nothing"]

    bot = [m for m in conversation.messages if m.role == "assistant" and m.content]
    failed = [m for m in bot if m.data.get("no_knowledge")]
    agents = [m for m in conversation.messages if m.role == "agent"]
    history = [words["bot"].format(n=len(bot))]
    if failed:
        history.append(words["bot_failed"].format(n=len(failed)))
    if agents:
        names = ", ".join(dict.fromkeys(str(m.data.get("agent") or "agent") for m in agents))
        history.append(words["agents"].format(names=names, n=len(agents)))
    reasons = (conversation.data.get("escalation") or {}).get("reasons") or []
    if reasons:
        history.append(words["handed"].format(reasons=", ".join(reasons)))
    if order := order_case_line(conversation.data.get("order_case"), language):
        history.append(order)

    scores = [m.data["sentiment"] for m in conversation.messages if "sentiment" in m.data]
    now = []
    if len(requests) > 1:
        now.append(f"{words['latest']} {_quote(requests[-1], language)}")
    if scores:
        peak = max(s.get("dissatisfaction", 0.0) for s in scores)
        now.append(
            words["dissatisfaction"].format(
                now=_number(scores[-1].get("dissatisfaction")), peak=_number(peak)
            )
        )
    csat = conversation.data.get("predicted_csat")
    if csat is not None:
        now.append(words["csat"].format(csat=f"{float(csat):.1f}"))
    email = contact_email(conversation)
    now.append(words["email"].format(email=email) if email else words["no_email"])
    return [
        f"{words['asks']}{colon}{asks}",
        f"{words['so_far']}{colon}{sep.join(history)}",
        f"{words['now']}{colon}{sep.join(now)}",
    ]


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


# -- the suggested reply ------------------------------------------------------------------------
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
            if message["role"] != "user" or message_kind(message["content"]) in (
                "greeting",
                "thanks",
            ):
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
