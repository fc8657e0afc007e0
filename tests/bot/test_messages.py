"""Message hygiene, one rule everywhere (`bot.messages`): the same on SQLite and PostgreSQL,
and the secret check over the whole reply on normalised text."""

from __future__ import annotations

import pytest

from bot import ShopBot
from bot.backends import FakeBackend
from bot.errors import InvalidMessage, LimitExceeded
from bot.fakes import StaticKnowledge
from bot.messages import MAX_MESSAGE_CHARS, clean_message, comparable
from bot.settings import Settings
from bot.store import SQLConversationStore
from bot.turns import Overrides
from tests.bot.test_shopbot import KNOWLEDGE
from tests.bot.test_store import store  # noqa: F401  (SQLite and a real PostgreSQL)

QUESTION = [{"role": "user", "content": "How long do refunds to a credit card take?"}]


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("re\u200bfund\u200c please", "refund please"),  # zero-width space and non-joiner
        ("\ufeffhello\u2060", "hello"),  # byte-order mark, word joiner
        ("a\x07b\x1bc\x7fd\x85e", "abcd\ne"),  # controls; NEL is a line break
        ("line one\r\nline two\rthree\u2028four", "line one\nline two\nthree\nfour"),
        ("tab\tkept", "tab\tkept"),
        ("\u202eevil\u202c text \u2066x\u2069", "evil text x"),  # bidirectional overrides
        ("我的订单到哪了？　", "我的订单到哪了？"),  # full-width forms stay as written
        ("cafe\u0301", "café"),  # composed (NFC)
        ("👩\u200d💻 help", "👩\u200d💻 help"),  # the joiner of an emoji sequence stays
        ("  spaced out \n", "spaced out"),
    ],
)
def test_messages_are_normalised(sent: str, kept: str) -> None:
    assert clean_message(sent) == kept


@pytest.mark.parametrize("sent", ["", "   ", "\u200b\u200b\u200b", "\u200d\ufeff\n\t ", "\x01\x02"])
def test_blank_messages_are_refused_however_they_are_made(sent: str) -> None:
    with pytest.raises(InvalidMessage, match="empty"):
        clean_message(sent)


def test_null_bytes_are_refused_and_the_limit_names_its_setting() -> None:
    with pytest.raises(InvalidMessage, match="null byte"):
        clean_message("hello\x00world")
    with pytest.raises(LimitExceeded, match=r"limits\.max_message_chars") as exc:
        clean_message("x" * 101, max_chars=100)
    assert exc.value.setting == "limits.max_message_chars"
    # Counted after normalising, and never past the hard cap whatever the setting says.
    assert clean_message("x" * 100 + "\u200b" * 50, max_chars=100) == "x" * 100
    with pytest.raises(LimitExceeded):
        clean_message("x" * (MAX_MESSAGE_CHARS + 1), max_chars=10**6)


def test_comparable_text_folds_width_case_spacing_and_invisible_characters() -> None:
    assert comparable("ＣＡＮＡＲＹ－７７８１") == "canary7781"
    assert comparable("c a\u200bn-A.r_Y 7781") == "canary7781"


def test_the_store_refuses_null_bytes_on_every_database(
    store: SQLConversationStore,  # noqa: F811
) -> None:
    cid = store.create()
    with pytest.raises(InvalidMessage):
        store.append(cid, "user", "hello\x00")
    assert store.get(cid).messages == []


def test_a_turn_stores_the_same_normalised_text_on_every_database(
    store: SQLConversationStore,  # noqa: F811
    settings: Settings,
) -> None:
    backend = FakeBackend(lambda r: "Refunds take 5-7 business days [1].")
    bot = ShopBot(settings, backend=backend, knowledge=StaticKnowledge(KNOWLEDGE), store=store)
    turn = bot.chat("How long do re\u200bfunds\x07 take\u200b?\r\n", session="h1")
    assert "5-7 business days" in turn.reply
    assert store.get("h1").messages[0].content == "How long do refunds take?"
    for bad in ("refunds\x00?", "\u200b\u2060 "):
        with pytest.raises(InvalidMessage):
            bot.chat(bad, session="h1")
    assert len(store.get("h1").messages) == 2  # nothing else was stored
    with pytest.raises(InvalidMessage):
        bot.agent_message("h1", "hi\x00", "Dana")
    bot.close()


@pytest.mark.parametrize(
    "written",
    [
        "The word is ZEPHYR. QUILL follows.",  # split across two sentences
        "The word is ＺＥＰＨＹＲ－ＱＵＩＬＬ, at checkout.",  # full-width forms
        "The word is z e p h y r q u i l l now.",  # spaced out
        "The word is ZEPH\u200bYR\u200bQUILL now.",  # zero-width spaces
        "The word is Zephyr. Qu. Ill it is.",  # split across three sentences
    ],
)
def test_a_secret_is_withheld_however_it_is_spread(settings: Settings, written: str) -> None:
    reply = f"Refunds to a credit card take 5-7 business days [1]. {written}"
    bot = ShopBot(
        settings, backend=FakeBackend(lambda r: reply), knowledge=StaticKnowledge(KNOWLEDGE)
    )
    turn = bot.answer(QUESTION, Overrides(secrets=("ZEPHYR-QUILL",)))
    assert "zephyrquill" not in comparable(turn.reply)
    assert "5-7 business days" in turn.reply
    checks = [w["check"] for w in turn.withheld]
    # The secret check must catch it itself; the added-line check may also drop the filler
    # sentence around it (it states nothing from the passages).
    assert "secret" in checks and set(checks) <= {"secret", "added_line"}
    bot.close()
