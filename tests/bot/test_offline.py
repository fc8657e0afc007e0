"""What a hand-off says inside and outside business hours, in English and Chinese, and the
shopper's e-mail address taken while the team is away."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot import ShopBot
from bot.desk import agent_queue
from bot.hours import BusinessHours
from bot.insights.metrics import compute_metrics
from bot.offline import Availability, email_kept_text, find_email, handoff_text
from bot.settings import BusinessHoursSettings, Settings
from tests.bot.test_shopbot import make_bot

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


# -- through the bot: every hand-off knows the hours ------------------------------------------
ANGRY = "This is useless, I want to talk to a real person now!"
HOURS = {"timezone": "Asia/Shanghai", "weekly": {"mon-fri": ["09:00-18:00"]}}


def hours_bot(settings: Settings, at: datetime, **backend: object) -> ShopBot:
    configured = settings.model_copy(update={"hours": BusinessHoursSettings(**HOURS)})
    bot = make_bot(configured, **backend)
    bot.parts.notice.clock = lambda: at
    return bot


def test_inside_hours_the_bot_says_a_person_is_joining(settings: Settings) -> None:
    bot = hours_bot(settings, TUESDAY_NOON)
    turn = bot.chat(ANGRY, session="day")
    assert turn.escalated and "joining now" in turn.reply
    assert bot.store.get("day").data["offline"] is None
    assert agent_queue(bot.store)[0]["offline"] is None


def test_outside_hours_the_case_waits_with_when_and_the_email_left(settings: Settings) -> None:
    bot = hours_bot(settings, TUESDAY_NIGHT)
    turn = bot.chat(ANGRY, session="night")
    assert "reply tomorrow at 09:00 CST" in turn.reply and "e-mail address" in turn.reply
    offline = bot.store.get("night").data["offline"]
    assert offline["outside_hours"] and offline["email_asked"] and offline["email"] is None
    thanks = bot.chat("ok, it's sam.lee@example.com", session="night")
    assert thanks.reply == (
        "Thank you! We'll reply to sam.lee@example.com tomorrow at 09:00 CST, and here as well."
    )
    assert thanks.status == "waiting_for_agent"  # still the team's
    assert bot.chat("hello?", session="night").reply == ""  # and the bot stays quiet
    row = agent_queue(bot.store)[0]
    assert row["offline"]["next_open"] == "2026-06-10T09:00:00+08:00"
    assert row["email"] == "sam.lee@example.com"
    packet = bot.store.deliveries("night")[0].payload  # type: ignore[attr-defined]
    assert packet["offline"]["next_open"] == "2026-06-10T09:00:00+08:00"  # in the webhook
    report = compute_metrics([bot.store.get("night")])["overall"]
    assert report["outside_hours"] == 1 and report["outside_hours_email_rate"] == 1.0


def test_outside_hours_in_chinese_and_from_the_button(settings: Settings) -> None:
    bot = hours_bot(settings, TUESDAY_NIGHT)
    turn = bot.chat("太差劲了，我要人工客服！", session="zh")
    assert "明天 09:00（CST）" in turn.reply and "邮箱" in turn.reply
    bot.chat("How long do refunds to a credit card take?", session="button")
    bot.humans.request_human("button")
    said = bot.store.get("button").messages[-1].content
    assert "Our team is away right now" in said and "tomorrow at 09:00 CST" in said


def test_a_known_email_is_not_asked_for_and_a_model_failure_says_when(
    settings: Settings,
) -> None:
    bot = hours_bot(settings, TUESDAY_NIGHT, fail=True)
    bot.store.create("known", "chatwoot:email")
    bot.store.update_data("known", {"helpdesk": {"contact": {"email": "wang@example.cn"}}})
    turn = bot.chat("How long do refunds to a credit card take?", session="known")
    assert turn.escalated and turn.reply.startswith("I'm sorry, I'm having trouble")
    assert "tomorrow at 09:00 CST" in turn.reply and "e-mail address" not in turn.reply
    assert bot.store.get("known").data["offline"]["email"] == "wang@example.cn"


def test_without_business_hours_a_hand_off_says_what_it_always_said(settings: Settings) -> None:
    turn = make_bot(settings).chat(ANGRY, session="always")
    handed = make_bot(settings).policy.handoff_message("en")
    # An unhappy shopper first gets the apology, then the usual words, and no hours.
    assert turn.reply.startswith("I'm sorry") and turn.reply.endswith(handed)


def test_an_order_request_handed_over_at_night_says_when(tmp_path: Path) -> None:
    from tests.bot.test_orders_flow import EMMA
    from tests.bot.test_orders_flow import make_bot as order_bot

    bot = order_bot(tmp_path / "home", hours=HOURS)
    bot.parts.notice.clock = lambda: TUESDAY_NIGHT
    try:
        turn = bot.chat(f"I want to return my jeans, order NW-102955. {EMMA}", session="late")
    finally:
        bot.close()
    assert turn.escalated and "member of our team" in turn.reply  # the order assistant's words
    assert "Our team is away right now and will reply tomorrow at 09:00 CST." in turn.reply
    assert "e-mail address" not in turn.reply  # she wrote it to prove who she is
