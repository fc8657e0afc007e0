"""What a hand-off says inside and outside business hours, in English and Chinese, and the
shopper's e-mail address taken while the team is away."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.hours import BusinessHours
from bot.offline import Availability, email_kept_text, find_email, handoff_text
from bot.settings import BusinessHoursSettings

SHANGHAI = BusinessHours(
    BusinessHoursSettings(timezone="Asia/Shanghai", weekly={"mon-fri": ["09:00-18:00"]})
)
TUESDAY_NOON = datetime(2026, 6, 9, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai
TUESDAY_NIGHT = datetime(2026, 6, 9, 14, 0, tzinfo=UTC)  # 22:00 in Shanghai


def test_inside_hours_a_person_is_joining() -> None:
    inside = Availability.of(SHANGHAI, TUESDAY_NOON)
    assert inside.open and inside.when() is None
    assert "joining now" in handoff_text("en", inside, email_known=False)
    assert "正在加入" in handoff_text("zh", inside, email_known=False)
    assert inside.as_data()["outside_hours"] is False


def test_outside_hours_the_shopper_learns_when_and_is_asked_for_an_email() -> None:
    outside = Availability.of(SHANGHAI, TUESDAY_NIGHT)
    english = handoff_text("en", outside, email_known=False)
    assert "reply tomorrow at 09:00 CST" in english and "e-mail address" in english
    assert "e-mail address" not in handoff_text("en", outside, email_known=True)
    chinese = handoff_text("zh", outside, email_known=False)
    assert "明天 09:00（CST）" in chinese and "邮箱" in chinese
    data = outside.as_data()
    assert data["outside_hours"] and data["next_open"] == "2026-06-10T09:00:00+08:00"


def test_an_email_given_while_away_is_found_and_thanked_for() -> None:
    outside = Availability.of(SHANGHAI, TUESDAY_NIGHT)
    assert find_email("sure, it's jane.doe+shop@example.com.") == "jane.doe+shop@example.com"
    assert find_email("我的邮箱是 wang@example.cn") == "wang@example.cn"
    assert find_email("no address here") is None
    thanks = email_kept_text("en", "jane@example.com", outside)
    assert (
        thanks
        == "Thank you! We'll reply to jane@example.com tomorrow at 09:00 CST, and here as well."
    )
    assert "wang@example.cn" in email_kept_text("zh", "wang@example.cn", outside)
