"""What a hand-off tells the shopper, inside and outside business hours, and capturing the
shopper's e-mail address while nobody is at work.

Inside hours a person is joining. Outside, the shopper learns when a person will answer
(from `bot.hours`), and is asked for an e-mail address unless one is known (an e-mail
conversation, a helpdesk contact, or given before); the case waits in the agents' queue,
marked as taken outside hours (``data["offline"]``, which the console and the insights read).
`HandoffNotice` is the part of the bot that says it; the functions below are its words.
With no business hours configured (a team around the clock) a hand-off says what it always
said.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bot.hours import BusinessHours, HoursLike, HoursState, when_text
from bot.privacy import EMAIL

if TYPE_CHECKING:
    from bot.escalation import EscalationPolicy
    from bot.reasons import Reason
    from bot.store import StoredConversation

_TEXTS = {
    "en": {
        "joining": (
            "I've passed this conversation to a member of our team, who is joining now. They "
            "can see everything we've discussed."
        ),
        "away": (
            "Our team is away right now. A person will reply {when}; they will see everything "
            "we've discussed."
        ),
        "away_unknown": (
            "Our team is away right now. A person will reply as soon as they can; they will "
            "see everything we've discussed."
        ),
        "ask_email": " If you leave your e-mail address here, we'll answer you there too.",
        "away_short": "Our team is away right now and will reply {when}.",
        "away_short_unknown": "Our team is away right now and will reply as soon as they can.",
        "sorry": "I'm sorry, I'm having trouble answering right now.",
        "email_kept": "Thank you! We'll reply to {email} {when}, and here as well.",
        "email_kept_unknown": "Thank you! We'll reply to {email} as soon as we can.",
    },
    "zh": {
        "joining": "我已为您转接人工客服，同事正在加入对话，可以看到我们之前的全部聊天记录。",
        "away": "人工客服目前不在线，同事会在{when}回复您，并能看到我们之前的全部聊天记录。",
        "away_unknown": "人工客服目前不在线，同事会尽快回复您，并能看到我们之前的全部聊天记录。",
        "ask_email": "如果方便，请在这里留下您的邮箱，我们也会通过邮件回复您。",
        "away_short": "人工客服目前不在线，会在{when}回复您。",
        "away_short_unknown": "人工客服目前不在线，会尽快回复您。",
        "sorry": "抱歉，我现在暂时无法回答。",
        "email_kept": "谢谢！我们会在{when}回复到 {email}，也会在这里回复您。",
        "email_kept_unknown": "谢谢！我们会尽快回复到 {email}。",
    },
}


def _texts(language: str) -> dict[str, str]:
    return _TEXTS.get(language, _TEXTS["en"])


@dataclass(frozen=True)
class Availability:
    """Whether people are at work when a conversation is handed over, and if not, when."""

    open: bool
    next_open: datetime | None = None
    at: datetime | None = None

    @classmethod
    def of(cls, hours: BusinessHours, at: datetime | None = None) -> Availability:
        state: HoursState = hours.state(at)
        return cls(state.open, state.next_open, state.at)

    def when(self, language: str = "en") -> str | None:
        """'tomorrow at 09:00 CET' (None when open, or never opening again)."""
        if self.open or self.next_open is None or self.at is None:
            return None
        return when_text(self.next_open, self.at, language)

    def as_data(self) -> dict[str, Any]:
        """What is kept with the conversation (``data["offline"]``) when it is handed over
        outside hours; None-free so the console and insights can read it as is."""
        zone = getattr(self.at.tzinfo, "key", None) if self.at else None
        return {
            "outside_hours": not self.open,
            "at": self.at.isoformat() if self.at else None,
            "next_open": self.next_open.isoformat() if self.next_open else None,
            "timezone": zone,
        }


def handoff_text(language: str, availability: Availability, email_known: bool) -> str:
    """What the shopper is told when the conversation goes to a person."""
    texts = _texts(language)
    if availability.open:
        return texts["joining"]
    when = availability.when(language)
    text = texts["away"].format(when=when) if when else texts["away_unknown"]
    return text if email_known else text + texts["ask_email"]


def find_email(text: str) -> str | None:
    """The e-mail address a shopper gave in ``text``, if any."""
    match = EMAIL.search(text)
    return match.group(0).rstrip(".") if match else None


def email_kept_text(language: str, email: str, availability: Availability) -> str:
    """The thanks when the shopper leaves an address while the team is away."""
    texts = _texts(language)
    when = availability.when(language)
    if when:
        return texts["email_kept"].format(email=email, when=when)
    return texts["email_kept_unknown"].format(email=email)


def contact_email(conversation: StoredConversation) -> str | None:
    """The shopper's e-mail address as far as shopbot knows it: the helpdesk's contact (an
    e-mail conversation, a contact with an address), the one left when asked for it, or the
    last one the shopper wrote in the conversation (to prove who they are, say)."""
    helpdesk = conversation.data.get("helpdesk") or {}
    offline = conversation.data.get("offline") or {}
    known = (helpdesk.get("contact") or {}).get("email") or offline.get("email")
    if known:
        return str(known)
    for message in reversed(conversation.messages):
        if message.role == "user" and (email := find_email(message.content)):
            return email
    return None


@dataclass(frozen=True)
class Notice:
    """What a hand-off says, and the facts kept with the conversation (``data["offline"]``;
    None inside business hours or with a team around the clock)."""

    text: str
    offline: dict[str, Any] | None = None


class HandoffNotice:
    """The part of the bot that tells the shopper who will answer and when, from the
    team's business hours (``hours`` settings)."""

    def __init__(
        self,
        hours: HoursLike,
        policy: EscalationPolicy,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.hours = BusinessHours(hours)
        self.policy = policy
        self.clock = clock or (lambda: datetime.now(UTC))

    def availability(self) -> Availability | None:
        """Now, with business hours configured; None for a team around the clock."""
        if self.hours.around_the_clock:
            return None
        return Availability.of(self.hours, self.clock())

    def _offline(self, availability: Availability, email: str | None) -> dict[str, Any] | None:
        if availability.open:
            return None
        return {**availability.as_data(), "email_asked": not email, "email": email}

    def handoff(
        self,
        language: str,
        reasons: list[Reason],
        email: str | None = None,
        model_failed: bool = False,
    ) -> Notice:
        """The bot's own hand-off message."""
        from bot.language import phrase

        availability = self.availability()
        if availability is None:
            if model_failed:
                return Notice(phrase(language, "backend_failed"))
            return Notice(self.policy.handoff_message(language))
        text = handoff_text(language, availability, email_known=bool(email))
        if model_failed:
            text = _texts(language)["sorry"] + ("" if language == "zh" else " ") + text
        return Notice(text, self._offline(availability, email))

    def addendum(self, language: str, email: str | None = None) -> Notice:
        """For a hand-off whose own words already say a person will reply (the order
        assistant's): outside hours, when, and the e-mail address asked for."""
        availability = self.availability()
        if availability is None or availability.open:
            return Notice("")
        texts = _texts(language)
        when = availability.when(language)
        text = texts["away_short"].format(when=when) if when else texts["away_short_unknown"]
        if not email:
            text += texts["ask_email"]
        space = "" if language == "zh" else " "
        return Notice(space + text, self._offline(availability, email))

    def email_kept(self, language: str, email: str) -> str:
        availability = self.availability() or Availability(True)
        return email_kept_text(language, email, availability)
