"""The private note a hand-off leaves for the team in the helpdesk: why the bot handed over,
how unhappy the shopper is, the predicted CSAT, the order case, and the copilot's summary."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.copilot import Suggestion, order_case_line, summary_lines
from bot.hours import when_text
from bot.offline import contact_email
from bot.store import StoredConversation

_WORDS = {
    "en": {
        "title": "shopbot handed this conversation to the team.",
        "why": "Why",
        "scores": "Dissatisfaction {latest} now, {peak} at most · predicted CSAT {csat}/5",
        "order": "Order case",
        "facts": "facts",
        "summary": "Summary",
        "when": "Team availability",
        "outside": "handed over outside business hours",
        "told": "the shopper was told a person replies {when}",
        "email": "e-mail {email}",
        "email_asked": "e-mail asked for, none given yet",
        "email_left": "The shopper left an e-mail address while the team was away: {email}",
        "suggestion": "Suggested reply (checked like the bot's own; edit as you see fit)",
        "sources": "Sources",
    },
    "zh": {
        "title": "shopbot 已将此对话转交人工团队。",
        "why": "原因",
        "scores": "当前不满度 {latest}，最高 {peak} · 预测满意度 {csat}/5",
        "order": "订单情况",
        "facts": "事实",
        "summary": "摘要",
        "when": "人工服务时间",
        "outside": "非人工服务时间转人工",
        "told": "已告知顾客人工客服会在{when}回复",
        "email": "邮箱 {email}",
        "email_asked": "已请顾客留下邮箱，尚未提供",
        "email_left": "顾客在非人工服务时间留下了邮箱：{email}",
        "suggestion": "建议回复（已按机器人回复的标准检查，可修改后发送）",
        "sources": "参考资料",
    },
}


def _fmt(value: object) -> str:
    return "–" if value is None else f"{float(value):.2f}"  # type: ignore[arg-type]


def availability_line(conversation: StoredConversation) -> str | None:
    """Handed over outside business hours: what the shopper was told, and whether their
    e-mail address is known (None inside business hours)."""
    offline = conversation.data.get("offline") or {}
    if not offline.get("outside_hours"):
        return None
    language = conversation.language or "en"
    words = _WORDS.get(language, _WORDS["en"])
    parts = [words["outside"]]
    if offline.get("next_open") and offline.get("at"):
        zone = ZoneInfo(offline["timezone"]) if offline.get("timezone") else None
        next_open = datetime.fromisoformat(offline["next_open"]).astimezone(zone)
        when = when_text(next_open, datetime.fromisoformat(offline["at"]), language)
        parts.append(words["told"].format(when=when))
    if email := contact_email(conversation):
        parts.append(words["email"].format(email=email))
    elif offline.get("email_asked"):
        parts.append(words["email_asked"])
    return ("；" if language == "zh" else "; ").join(parts)


def handoff_note(
    conversation: StoredConversation,
    reasons: Sequence[str],
    *,
    extra: Sequence[str] = (),
) -> str:
    """The note, in the conversation's language (outside business hours it says so, and
    what the shopper was told); ``extra`` adds sections (the copilot's suggestion)."""
    availability = availability_line(conversation)
    words = _WORDS.get(conversation.language or "en", _WORDS["en"])
    colon = "：" if conversation.language == "zh" else ": "
    lines = [f"**{words['title']}**"]
    if reasons:
        lines.append(f"{words['why']}{colon}{'; '.join(reasons)}")
    scores = [m.data["sentiment"] for m in conversation.messages if "sentiment" in m.data]
    csat = conversation.data.get("predicted_csat")
    if scores or csat is not None:
        lines.append(
            words["scores"].format(
                latest=_fmt(scores[-1].get("dissatisfaction") if scores else None),
                peak=_fmt(max((s.get("dissatisfaction", 0.0) for s in scores), default=None)),
                csat="–" if csat is None else f"{float(csat):.1f}",
            )
        )
    case = conversation.data.get("order_case") or {}
    if line := order_case_line(case, conversation.language):
        facts = (case.get("decision") or {}).get("facts") or {}
        shown = ", ".join(f"{k}={v}" for k, v in facts.items() if v not in (None, ""))
        lines.append(
            f"{words['order']}{colon}{line}" + (f" ({words['facts']}: {shown})" if shown else "")
        )
    if availability:
        lines.append(f"{words['when']}{colon}{availability}")
    lines.append("")
    lines.append(f"**{words['summary']}**")
    lines.extend(f"{n}. {text}" for n, text in enumerate(summary_lines(conversation), start=1))
    for section in extra:
        lines.extend(["", section])
    return "\n".join(lines)


def suggestion_section(suggestion: Suggestion, language: str | None) -> str:
    """The copilot's suggested reply as a section of the note."""
    words = _WORDS.get(language or "en", _WORDS["en"])
    colon = "：" if language == "zh" else ": "
    lines = [f"**{words['suggestion']}**", suggestion.text]
    if suggestion.sources:
        cited = " · ".join(f"[{s.get('n')}] {s.get('title')}" for s in suggestion.sources)
        lines.append(f"{words['sources']}{colon}{cited}")
    return "\n".join(lines)


def email_left_note(conversation: StoredConversation) -> str | None:
    """When the bot's last reply thanked the shopper for an e-mail address left while the
    team was away: a note telling the team (None otherwise)."""
    replies = [m for m in conversation.messages if m.role == "assistant"]
    email = contact_email(conversation)
    if not replies or replies[-1].data.get("offline") != "email_kept" or not email:
        return None
    words = _WORDS.get(conversation.language or "en", _WORDS["en"])
    return words["email_left"].format(email=email)
