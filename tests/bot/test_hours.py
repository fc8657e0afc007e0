"""Business hours in the team's own time zone: inside and outside the hours, in two zones,
across daylight saving, overnight spans and holidays."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.errors import ConfigError
from bot.hours import BusinessHours, when_text
from bot.settings import BusinessHoursSettings, Settings

WEEKDAYS = {"mon-fri": ["09:00-17:30"], "sat": ["10:00-14:00"]}


def hours(timezone: str, weekly: dict | None = None, holidays: list[str] | None = None):
    return BusinessHours(
        BusinessHoursSettings(
            timezone=timezone,
            weekly=WEEKDAYS if weekly is None else weekly,
            holidays=holidays or [],
        )
    )


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("timezone", "moment", "open_", "next_open"),
    [
        # New York (UTC-4 in June): Tuesday 2026-06-09 14:00 UTC is 10:00 there.
        ("America/New_York", utc(2026, 6, 9, 14, 0), True, None),
        ("America/New_York", utc(2026, 6, 9, 12, 59), False, "2026-06-09T09:00:00-04:00"),
        ("America/New_York", utc(2026, 6, 9, 21, 30), False, "2026-06-10T09:00:00-04:00"),
        # Friday 18:00 there: next is Saturday 10:00; Saturday 15:00: next is Monday 09:00.
        ("America/New_York", utc(2026, 6, 12, 22, 0), False, "2026-06-13T10:00:00-04:00"),
        ("America/New_York", utc(2026, 6, 13, 19, 0), False, "2026-06-15T09:00:00-04:00"),
        # Shanghai (UTC+8): the same Tuesday 14:00 UTC is 22:00 there: closed.
        ("Asia/Shanghai", utc(2026, 6, 9, 14, 0), False, "2026-06-10T09:00:00+08:00"),
        ("Asia/Shanghai", utc(2026, 6, 9, 2, 0), True, None),  # 10:00 there
        ("Asia/Shanghai", utc(2026, 6, 9, 9, 29), True, None),  # 17:29 there
        ("Asia/Shanghai", utc(2026, 6, 9, 9, 30), False, "2026-06-10T09:00:00+08:00"),
    ],
)
def test_inside_and_outside_the_hours_in_two_time_zones(
    timezone: str, moment: datetime, open_: bool, next_open: str | None
) -> None:
    state = hours(timezone).state(moment)
    assert state.open is open_
    assert (state.next_open.isoformat() if state.next_open else None) == next_open


def test_the_same_instant_is_open_in_one_zone_and_closed_in_the_other() -> None:
    moment = utc(2026, 6, 9, 14, 0)
    assert hours("America/New_York").is_open(moment)
    assert not hours("Asia/Shanghai").is_open(moment)


def test_daylight_saving_keeps_the_wall_clock_hours() -> None:
    new_york = hours("America/New_York")
    # 09:30 local on the Mondays before and after the clocks changed (2026-03-08).
    assert new_york.is_open(utc(2026, 3, 2, 14, 30))  # EST, UTC-5
    assert new_york.is_open(utc(2026, 3, 9, 13, 30))  # EDT, UTC-4
    assert not new_york.is_open(utc(2026, 3, 9, 12, 30))  # 08:30 EDT


def test_holidays_close_the_day_every_year_or_once() -> None:
    shanghai = hours("Asia/Shanghai", holidays=["2026-10-01", "12-25"])
    assert not shanghai.is_open(utc(2026, 10, 1, 3, 0))  # Thursday 11:00, National Day
    assert shanghai.state(utc(2026, 10, 1, 3, 0)).next_open.date().isoformat() == "2026-10-02"
    assert shanghai.is_open(utc(2027, 12, 24, 3, 0))  # the 24th is a workday (a Friday)
    assert not shanghai.is_open(utc(2028, 12, 25, 3, 0))  # every year (a Monday)


def test_an_overnight_span_runs_past_midnight() -> None:
    night = hours("Europe/Berlin", {"fri": ["22:00-02:00"]})
    assert night.is_open(utc(2026, 6, 12, 21, 0))  # Friday 23:00 in Berlin (UTC+2)
    assert night.is_open(utc(2026, 6, 12, 23, 30))  # Saturday 01:30
    assert not night.is_open(utc(2026, 6, 13, 0, 30))  # Saturday 02:30


def test_no_hours_means_a_team_around_the_clock() -> None:
    always = BusinessHours(Settings().hours)
    assert always.around_the_clock and always.is_open(utc(2026, 1, 1, 3, 0))
    assert always.state(utc(2026, 1, 1, 3, 0)).next_open is None


def test_when_a_person_answers_in_words_in_both_languages() -> None:
    shanghai = hours("Asia/Shanghai")
    evening = utc(2026, 6, 9, 14, 0)  # Tuesday 22:00 there
    state = shanghai.state(evening)
    assert when_text(state.next_open, evening) == "tomorrow at 09:00 CST"
    assert when_text(state.next_open, evening, "zh") == "明天 09:00（CST）"
    weekend = utc(2026, 6, 13, 19, 0)  # Saturday 15:00 in New York
    monday = hours("America/New_York").state(weekend).next_open
    assert when_text(monday, weekend) == "on Monday at 09:00 EDT"
    assert when_text(monday, weekend, "zh") == "周一 09:00（EDT）"
    early = utc(2026, 6, 9, 0, 30)  # 08:30 in Shanghai
    assert when_text(shanghai.state(early).next_open, early) == "today at 09:00 CST"


def test_settings_from_the_environment_and_their_mistakes() -> None:
    settings = Settings.load(
        {
            "SHOPBOT_HOURS__TIMEZONE": "Asia/Shanghai",
            "SHOPBOT_HOURS__WEEKLY": '{"mon-fri": ["09:00-18:00"]}',
            "SHOPBOT_HOURS__HOLIDAYS": "2026-10-01,2026-10-02",
        }
    )
    assert BusinessHours(settings.hours).is_open(utc(2026, 6, 9, 9, 59))  # 17:59
    mistakes = {
        "SHOPBOT_HOURS__TIMEZONE": ("Mars/Olympus", "not a time zone"),
        "SHOPBOT_HOURS__WEEKLY": ('{"mon": ["9 to 5"]}', "HH:MM-HH:MM"),
        "SHOPBOT_HOURS__HOLIDAYS": ("Christmas", "not a date"),
    }
    for variable, (value, problem) in mistakes.items():
        with pytest.raises(ConfigError, match=problem):  # at start-up, naming the fix
            Settings.load({"SHOPBOT_HOURS__WEEKLY": '{"mon": ["09:00-17:00"]}', variable: value})
    with pytest.raises(ConfigError, match="not a day"):
        Settings.load({"SHOPBOT_HOURS__WEEKLY": '{"weekdays": ["09:00-17:00"]}'})
    with pytest.raises(ConfigError, match="SHOPBOT_HOURS__WEEKLY"):
        Settings.load({"SHOPBOT_HOURS__WEEKLY": "mon-fri 9-5"})
