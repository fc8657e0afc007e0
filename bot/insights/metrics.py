"""Service metrics over stored conversations: volume, automated resolution, escalations by
reason code (`bot.reasons.ReasonCode`), handling turns, rated and predicted CSAT, thumbs,
overall and per ISO week."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.offline import contact_email
from bot.reasons import ReasonCode, stored_codes
from bot.status import ConversationStatus
from bot.store import StoredConversation


def _moment(value: datetime | str) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def week_of(moment: datetime) -> str:
    """The Monday that starts the ISO week of ``moment``, as YYYY-MM-DD."""
    day = moment.date()
    return (day - timedelta(days=day.weekday())).isoformat()


@dataclass
class Facts:
    """What the metrics need from one conversation."""

    id: str
    week: str
    escalated: bool
    reasons: list[str]  # reason codes
    human: bool  # escalated, or a human agent wrote in it
    closed: bool
    reopened: bool
    automated: bool  # closed without a human and not reopened
    turns: int  # shopper messages
    rating: int | None
    predicted: float | None
    thumbs_up: int
    thumbs_down: int
    outside_hours: bool = False  # handed over outside business hours
    email_left: bool = False  # ... and the shopper's e-mail address is known for the reply


def facts(conversation: StoredConversation) -> Facts:
    data = conversation.data
    escalation = data.get("escalation") or {}
    escalated = bool(escalation)
    human = escalated or any(m.role == "agent" for m in conversation.messages)
    closed = conversation.status == ConversationStatus.CLOSED
    closes = sorted(_moment(c) for c in data.get("closed_at") or [])
    # Reopened: the shopper wrote again after the conversation was first closed.
    reopened = bool(closes) and any(
        m.role == "user" and _moment(m.created_at) > closes[0] for m in conversation.messages
    )
    feedback = Counter(m.data.get("feedback") for m in conversation.messages)
    rating = data.get("rating")
    predicted = data.get("predicted_csat")
    offline = data.get("offline") or {}
    return Facts(
        id=conversation.id,
        week=week_of(conversation.created_at),
        escalated=escalated,
        reasons=sorted({code.value for code in stored_codes(escalation)}),
        human=human,
        closed=closed,
        reopened=reopened,
        automated=closed and not human and not reopened,
        turns=sum(1 for m in conversation.messages if m.role == "user"),
        rating=int(rating) if rating is not None else None,
        predicted=float(predicted) if predicted is not None else None,
        thumbs_up=feedback.get("up", 0),
        thumbs_down=feedback.get("down", 0),
        outside_hours=escalated and bool(offline.get("outside_hours")),
        email_left=escalated
        and bool(offline.get("outside_hours"))
        and bool(contact_email(conversation)),
    )


@dataclass
class Summary:
    """The metrics of a set of conversations."""

    conversations: int = 0
    automated_resolutions: int = 0
    escalations: int = 0
    reopened: int = 0
    escalations_by_reason: dict[str, int] = field(default_factory=dict)
    median_turns: float | None = None
    rated: int = 0
    rated_csat: float | None = None
    predicted: int = 0
    predicted_csat: float | None = None
    agreement: dict[str, Any] = field(default_factory=dict)
    thumbs_up: int = 0
    thumbs_down: int = 0
    outside_hours: int = 0
    outside_hours_email: int = 0

    def to_dict(self) -> dict[str, Any]:
        n = self.conversations
        return {
            "conversations": n,
            "automated_resolutions": self.automated_resolutions,
            "automated_resolution_rate": _rate(self.automated_resolutions, n),
            "escalations": self.escalations,
            "escalation_rate": _rate(self.escalations, n),
            "escalations_by_reason": {
                reason: {"conversations": count, "rate": _rate(count, n)}
                for reason, count in self.escalations_by_reason.items()
            },
            "reopened": self.reopened,
            "median_turns": self.median_turns,
            "rated": self.rated,
            "rated_csat": self.rated_csat,
            "predicted": self.predicted,
            "predicted_csat": self.predicted_csat,
            "csat_agreement": self.agreement,
            "thumbs_up": self.thumbs_up,
            "thumbs_down": self.thumbs_down,
            "thumbs_up_share": _rate(self.thumbs_up, self.thumbs_up + self.thumbs_down),
            # Handed over while the team was away (business hours), and of those, with the
            # shopper's e-mail address known for the reply.
            "outside_hours": self.outside_hours,
            "outside_hours_rate": _rate(self.outside_hours, self.escalations),
            "outside_hours_email": self.outside_hours_email,
            "outside_hours_email_rate": _rate(self.outside_hours_email, self.outside_hours),
        }


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _mean(values: list[float]) -> float | None:
    return round(statistics.fmean(values), 3) if values else None


def summarize(items: list[Facts]) -> Summary:
    """The metrics of these conversations."""
    reasons: Counter[str] = Counter()
    for item in items:
        if item.escalated:
            reasons.update(item.reasons or [ReasonCode.OTHER.value])
    rated = [f.rating for f in items if f.rating is not None]
    predicted = [f.predicted for f in items if f.predicted is not None]
    return Summary(
        conversations=len(items),
        automated_resolutions=sum(f.automated for f in items),
        escalations=sum(f.escalated for f in items),
        reopened=sum(f.reopened for f in items),
        escalations_by_reason=dict(reasons.most_common()),
        median_turns=float(statistics.median(f.turns for f in items)) if items else None,
        rated=len(rated),
        rated_csat=_mean([float(r) for r in rated]),
        predicted=len(predicted),
        predicted_csat=_mean(predicted),
        agreement=csat_agreement(items),
        thumbs_up=sum(f.thumbs_up for f in items),
        thumbs_down=sum(f.thumbs_down for f in items),
        outside_hours=sum(f.outside_hours for f in items),
        outside_hours_email=sum(f.email_left for f in items),
    )


def csat_agreement(items: list[Facts]) -> dict[str, Any]:
    """How well the predicted CSAT matches the shoppers' ratings, where both exist."""
    pairs = [(f.predicted, float(f.rating)) for f in items if f.predicted and f.rating]
    if not pairs:
        return {"pairs": 0}
    predicted, rated = zip(*pairs, strict=True)
    result: dict[str, Any] = {
        "pairs": len(pairs),
        "mae": round(statistics.fmean(abs(p - r) for p, r in pairs), 3),
        "within_one_star": round(sum(abs(p - r) <= 1 for p, r in pairs) / len(pairs), 4),
    }
    if len(pairs) > 2 and len(set(predicted)) > 1 and len(set(rated)) > 1:
        result["pearson"] = round(statistics.correlation(predicted, rated), 3)
    return result


def compute_metrics(conversations: list[StoredConversation]) -> dict[str, Any]:
    """The overall metrics and the same per week (weeks start on Monday)."""
    items = [facts(c) for c in conversations]
    weeks: dict[str, list[Facts]] = {}
    for item in sorted(items, key=lambda f: f.week):
        weeks.setdefault(item.week, []).append(item)
    return {
        "overall": summarize(items).to_dict(),
        "weekly": [{"week": week, **summarize(group).to_dict()} for week, group in weeks.items()],
    }
