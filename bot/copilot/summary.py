"""The three-line summary of a conversation an agent reads in five seconds: what the
shopper wants, what happened so far, where things stand now.

Extractive (the shopper's own words, counts and scores, never a model's paraphrase), so it
cannot invent anything; its labels follow the conversation's language.
"""

from __future__ import annotations

from typing import Any

from bot.language import COURTESY_KINDS, message_kind
from bot.offline import contact_email
from bot.store import StoredConversation

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
        if m.role == "user" and m.content.strip() and message_kind(m.content) not in COURTESY_KINDS
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
