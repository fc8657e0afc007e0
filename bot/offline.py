"""What a hand-off tells the shopper, inside and outside business hours, and capturing the
shopper's e-mail address while nobody is at work.

Inside hours a person is joining. Outside, the shopper learns when a person will answer
(from `bot.hours`), and is asked for an e-mail address unless one is known (an e-mail
conversation, a helpdesk contact, or given before); the case waits in the agents' queue,
marked as taken outside hours. Pure functions: the words, and the facts kept with the
conversation (``data["offline"]``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.hours import BusinessHours, HoursState, when_text
from bot.privacy import EMAIL

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
        "email_kept": "Thank you! We'll reply to {email} {when}, and here as well.",
        "email_kept_unknown": "Thank you! We'll reply to {email} as soon as we can.",
    },
    "zh": {
        "joining": "我已为您转接人工客服，同事正在加入对话，可以看到我们之前的全部聊天记录。",
        "away": "人工客服目前不在线，同事会在{when}回复您，并能看到我们之前的全部聊天记录。",
        "away_unknown": "人工客服目前不在线，同事会尽快回复您，并能看到我们之前的全部聊天记录。",
        "ask_email": "如果方便，请在这里留下您的邮箱，我们也会通过邮件回复您。",
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
        return {
            "outside_hours": not self.open,
            "at": self.at.isoformat() if self.at else None,
            "next_open": self.next_open.isoformat() if self.next_open else None,
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
