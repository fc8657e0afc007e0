"""Business hours: is a person at work now, and if not, when will one be.

Pure functions of the ``hours`` settings and a moment in time; the team's time zone
(``hours.timezone``, IANA names, daylight saving included) decides what "Monday 09:00" is.
No opening times configured means a team around the clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.errors import ConfigError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
LOOKAHEAD_DAYS = 400
"""How far ahead the next opening is looked for (a year of holidays fits)."""


@dataclass(frozen=True)
class Span:
    """Open from ``start`` to ``end`` on one day; an ``end`` at or before ``start`` runs past
    midnight into the next day ("22:00-02:00"); "00:00-24:00" is the whole day."""

    start: time
    end: time | None  # None: midnight at the end of the day

    def minutes(self) -> tuple[int, int]:
        start = self.start.hour * 60 + self.start.minute
        end = 24 * 60 if self.end is None else self.end.hour * 60 + self.end.minute
        return start, end if end > start else end + 24 * 60


@dataclass(frozen=True)
class HoursState:
    """Whether the team is at work at ``at``, and when it is next (``None``: open now)."""

    open: bool
    at: datetime
    next_open: datetime | None

    def as_dict(self) -> dict[str, object]:
        return {
            "open": self.open,
            "at": self.at.isoformat(),
            "next_open": self.next_open.isoformat() if self.next_open else None,
        }


def _parse_span(text: str, day: str) -> Span:
    match = _SPAN.match(text)
    if not match:
        raise ConfigError(
            f"hours.weekly[{day!r}]: {text!r} is not a time span; write it as 'HH:MM-HH:MM', "
            "e.g. '09:00-17:30'."
        )
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or m1 > 59 or h2 > 24 or m2 > 59 or (h2 == 24 and m2):
        raise ConfigError(f"hours.weekly[{day!r}]: {text!r} is not a valid time of day.")
    return Span(time(h1, m1), None if h2 == 24 else time(h2, m2))


def _days(key: str) -> list[int]:
    """'mon' -> [0]; 'mon-fri' -> [0..4]; 'fri-mon' wraps; 'daily' -> every day."""
    key = key.strip().lower()
    if key in ("daily", "every day", "all"):
        return list(range(7))
    first, _, last = key.partition("-")
    if first[:3] not in DAYS or (last and last[:3] not in DAYS):
        raise ConfigError(
            f"hours.weekly: {key!r} is not a day; use mon, tue, ... sun, a range such as "
            "'mon-fri', or 'daily'."
        )
    start = DAYS.index(first[:3])
    end = DAYS.index(last[:3]) if last else start
    return [(start + i) % 7 for i in range((end - start) % 7 + 1)]


def _holiday(text: str) -> tuple[int | None, int, int]:
    """(year or None for every year, month, day)."""
    parts = text.strip().split("-")
    try:
        if len(parts) == 3:
            day = date(int(parts[0]), int(parts[1]), int(parts[2]))
            return day.year, day.month, day.day
        if len(parts) == 2:
            date(2000, int(parts[0]), int(parts[1]))  # 2000 is a leap year: 02-29 is valid
            return None, int(parts[0]), int(parts[1])
    except ValueError:
        pass
    raise ConfigError(f"hours.holidays: {text!r} is not a date; write YYYY-MM-DD or MM-DD.")


class HoursLike(Protocol):
    """What business hours are read from (`bot.settings.BusinessHoursSettings`)."""

    timezone: str
    weekly: dict[str, list[str]]
    holidays: list[str]


class BusinessHours:
    """The team's opening times in its own time zone."""

    def __init__(self, settings: HoursLike) -> None:
        try:
            self.zone = ZoneInfo(settings.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigError(
                f"hours.timezone: {settings.timezone!r} is not a time zone; use an IANA name "
                "such as 'Europe/Berlin' or 'Asia/Shanghai'."
            ) from exc
        self.weekly: dict[int, list[Span]] = {}
        for key, spans in settings.weekly.items():
            for day in _days(key):
                self.weekly.setdefault(day, []).extend(_parse_span(s, key) for s in spans)
        self.holidays = [_holiday(h) for h in settings.holidays]

    @property
    def around_the_clock(self) -> bool:
        return not self.weekly

    def is_holiday(self, day: date) -> bool:
        return any(
            (year is None or year == day.year) and (month, dom) == (day.month, day.day)
            for year, month, dom in self.holidays
        )

    def _windows(self, day: date) -> list[tuple[datetime, datetime]]:
        """The open windows that start on ``day`` (local), as aware datetimes."""
        if self.is_holiday(day):
            return []
        windows = []
        for span in self.weekly.get(day.weekday(), []):
            start_min, end_min = span.minutes()
            midnight = datetime(day.year, day.month, day.day)
            # Wall-clock times: across a daylight-saving change the window keeps its hours.
            start = (midnight + timedelta(minutes=start_min)).replace(tzinfo=self.zone)
            end = (midnight + timedelta(minutes=end_min)).replace(tzinfo=self.zone)
            windows.append((start, end))
        return sorted(windows)

    def state(self, at: datetime | None = None) -> HoursState:
        """Open or not at ``at`` (now if not given), and when the team is next at work."""
        at = (at or datetime.now(UTC)).astimezone(self.zone)
        if self.around_the_clock:
            return HoursState(True, at, None)
        today = at.date()
        for offset in range(-1, LOOKAHEAD_DAYS):
            for start, end in self._windows(today + timedelta(days=offset)):
                if start <= at < end:
                    return HoursState(True, at, None)
                if start > at:
                    return HoursState(False, at, start)
        return HoursState(False, at, None)  # never open again: a person answers when they can

    def is_open(self, at: datetime | None = None) -> bool:
        return self.state(at).open


_WEEKDAYS = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "zh": ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
}


def when_text(next_open: datetime, now: datetime, language: str = "en") -> str:
    """'today at 09:00', 'tomorrow at 09:00', 'on Monday at 09:00' or 'on 2 January at
    09:00' in the team's time zone (its abbreviation added); Chinese alike."""
    local_now = now.astimezone(next_open.tzinfo)
    days = (next_open.date() - local_now.date()).days
    clock = next_open.strftime("%H:%M")
    zone = next_open.tzname() or ""
    if language == "zh":
        if days == 0:
            day = "今天"
        elif days == 1:
            day = "明天"
        elif days < 7:
            day = _WEEKDAYS["zh"][next_open.weekday()]
        else:
            day = f"{next_open.month}月{next_open.day}日"
        return f"{day} {clock}（{zone}）" if zone else f"{day} {clock}"
    if days == 0:
        day = "today"
    elif days == 1:
        day = "tomorrow"
    elif days < 7:
        day = f"on {_WEEKDAYS['en'][next_open.weekday()]}"
    else:
        day = f"on {next_open.day} {next_open.strftime('%B')}"
    return f"{day} at {clock} {zone}".rstrip()
