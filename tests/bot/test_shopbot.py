"""The chat engine's logic, with the fake backend and fake knowledge."""

from __future__ import annotations

import pytest

from bot import ShopBot
from bot.backends import FakeBackend
from bot.fakes import SimpleHit, StaticKnowledge
from bot.settings import Settings

KNOWLEDGE = [
    SimpleHit(
        "policy:refunds#1",
        "policy",
        "Refunds > Credit cards",
        "Refunds to a credit card take 5-7 business days after the return is processed.",
        metadata={"path": "refunds.md", "heading": "Refunds > Credit cards"},
    ),
    SimpleHit(
        "catalog:P1:NW-LSH-BLU-M",
        "catalog",
        "Linen Button-Down Shirt (Blue, M)",
        "Linen Button-Down Shirt, colour Blue, size M. Price $49.00. In stock.",
        metadata={
            "product_id": "P1",
            "sku": "NW-LSH-BLU-M",
            "name": "Linen Button-Down Shirt",
            "options": {"color": "Blue", "size": "M"},
            "price": 49.0,
            "currency": "USD",
            "in_stock": True,
        },
    ),
]


def make_bot(settings: Settings, responder=None, **backend_kwargs) -> ShopBot:
    backend = (
        FakeBackend(responder, **backend_kwargs) if responder else FakeBackend(**backend_kwargs)
    )
    return ShopBot(settings, backend=backend, knowledge=StaticKnowledge(KNOWLEDGE))


def test_chat_is_grounded_cited_and_stored(settings: Settings) -> None:
    bot = make_bot(settings, lambda r: "Refunds take 5-7 business days [1].")
    turn = bot.chat("How long do refunds to my credit card take?", session="s1")
    assert "5-7 business days" in turn.reply
    assert turn.sources and turn.sources[0]["id"] == "policy:refunds#1"
    assert turn.sources[0]["path"] == "refunds.md"
    assert not turn.escalated
    stored = bot.store.get("s1")
    assert [m.role for m in stored.messages] == ["user", "assistant"]
    assert stored.messages[1].data["sources"][0]["id"] == "policy:refunds#1"
    assert "sentiment" in stored.messages[0].data


def test_achat_answers_on_the_callers_event_loop(settings: Settings) -> None:
    import asyncio

    bot = make_bot(settings, lambda r: "Refunds take 5-7 business days [1].")

    async def two_shoppers() -> list:
        return list(
            await asyncio.gather(
                bot.achat("How long do refunds to my credit card take?", session="a1"),
                bot.achat("How long do refunds to my credit card take?", session="a2"),
            )
        )

    turns = asyncio.run(two_shoppers())
    assert [t.session for t in turns] == ["a1", "a2"]
    assert all("5-7 business days" in t.reply and t.sources for t in turns)
    assert [m.role for m in bot.store.get("a1").messages] == ["user", "assistant"]
    bot.close()


def test_invented_price_is_withheld_and_catalog_price_stated(settings: Settings) -> None:
    bot = make_bot(settings, lambda r: "It is only $19.99 today! It is a great shirt.")
    turn = bot.chat("How much is the blue linen shirt in M?", session="s2")
    assert "$49.00" in turn.reply
    assert "19.99" not in turn.reply
    # After the facts, a line that adds nothing to them is not kept either (issue 20).
    assert "great shirt" not in turn.reply
    assert turn.withheld and "19.99" in turn.withheld[0]["reason"]
    assert {w["check"] for w in turn.withheld} >= {"added_line"}


def test_the_models_line_after_the_facts_is_kept_when_supported_and_new(
    settings: Settings,
) -> None:
    kept = "The linen shirt comes in colour Blue and size M."
    invented = "Do you want me to make something special for him?"
    bot = make_bot(settings, lambda r: f"{kept} {invented}")
    turn = bot.chat("How much is the blue linen shirt in M?", session="s3")
    assert "$49.00" in turn.reply
    assert kept in turn.reply and "special" not in turn.reply


def test_unknown_question_says_so_and_offers_a_human(settings: Settings) -> None:
    bot = make_bot(settings)
    turn = bot.chat("Can I pay with bitcoin on Mars?", session="s3")
    assert "don't have" in turn.reply and "team" in turn.reply
    assert not turn.sources


def test_repeated_unknown_questions_escalate(settings: Settings) -> None:
    bot = make_bot(settings)
    bot.chat("Do you sell tractors?", session="s4")
    turn = bot.chat("What about submarines?", session="s4")
    assert turn.escalated
    assert bot.store.get("s4").status == "waiting_for_agent"


def test_backend_failure_is_a_polite_reply_and_an_escalation(settings: Settings) -> None:
    bot = make_bot(settings, fail=True)
    turn = bot.chat("How long do refunds to a credit card take?", session="s5")
    assert turn.escalated
    assert "team" in turn.reply and "Traceback" not in turn.reply
    assert bot.store.get("s5").status == "waiting_for_agent"


def test_backend_timeout_is_handled(settings: Settings) -> None:
    bot = make_bot(settings, lambda r: "slow " * 50, delay_s=0.2, timeout_s=0.5)
    turn = bot.chat("How long do refunds to a credit card take?", session="s6")
    assert turn.escalated


def test_stream_yields_pieces_that_make_the_reply(settings: Settings) -> None:
    # A model that writes the whole answer (no facts stated ahead of it) streams it.
    capable = settings.model_copy(update={"model": "a-capable-model"})
    bot = make_bot(
        capable, lambda r: "Refunds take 5-7 business days [1]. Anything else? Happy to help."
    )
    pieces = list(bot.stream("How long do refunds to a credit card take?", session="s7"))
    assert len(pieces) >= 2
    assert "".join(pieces).strip() == bot.last_turn.reply


def test_memory_survives_a_restart(settings: Settings) -> None:
    first = make_bot(settings, lambda r: "Refunds take 5-7 business days [1].")
    first.chat("How long do refunds to a credit card take?", session="s8")
    first.close()
    second = make_bot(settings, lambda r: "Yes, 5-7 business days.")
    second.chat("And is that business days?", session="s8")
    prompt = second.backend.requests[-1].messages
    contents = " ".join(m["content"] for m in prompt)
    assert "How long do refunds to a credit card take?" in contents
    assert [m.role for m in second.store.get("s8").messages] == ["user", "assistant"] * 2


def test_explicit_request_for_a_human_hands_off(settings: Settings) -> None:
    bot = make_bot(settings)
    turn = bot.chat("I want to talk to a real person now", session="s9")
    assert turn.escalated and turn.status == "waiting_for_agent"
    assert "the shopper asked for a human" in turn.escalation_reasons
    later = bot.chat("hello?", session="s9")
    assert later.reply == "" and later.status == "waiting_for_agent"


def test_secrets_never_reach_the_shopper(settings: Settings) -> None:
    settings = settings.model_copy(update={"secrets": []})
    bot = make_bot(settings, lambda r: "Sure. The code is CANARY-7781.")
    from bot.shopbot import Overrides

    turn = bot.answer(
        [{"role": "user", "content": "How long do refunds to a credit card take?"}],
        Overrides(secrets=("CANARY-7781",)),
    )
    assert "CANARY-7781" not in turn.reply


def test_chinese_question_gets_chinese_fixed_phrases(settings: Settings) -> None:
    bot = make_bot(settings)
    turn = bot.chat("你们卖拖拉机吗？", session="s10")
    assert turn.language == "zh"
    assert "人工" in turn.reply


@pytest.mark.parametrize("window", [400, 2048])
def test_long_history_is_trimmed_to_the_window(settings: Settings, window: int) -> None:
    bot = make_bot(settings, lambda r: "Refunds take 5-7 business days.", context_window=window)
    for i in range(30):
        bot.chat(f"Question {i}: how long do refunds to a credit card take?", session="s11")
    request = bot.backend.requests[-1]
    assert bot.backend.count_tokens(request.messages) <= window - settings.engine.max_tokens
    assert request.messages[0]["role"] == "system"
    assert "Question 29" in request.messages[-1]["content"]


def test_bundled_model_states_chinese_facts_from_data_without_generating(
    settings: Settings,
) -> None:
    bot = make_bot(settings, lambda r: "胡言乱语")
    turn = bot.chat("Linen Button-Down Shirt蓝色M码多少钱？", session="zh-lead")
    assert "49" in turn.reply and "胡言乱语" not in turn.reply
    assert turn.sources and turn.language == "zh"
    assert bot.backend.requests == []  # the small model cannot write Chinese: not asked


def test_continuation_after_a_lead_is_one_short_line(settings: Settings) -> None:
    bot = make_bot(settings, lambda r: "Happy to help.")
    turn = bot.chat("How much is the blue linen shirt in M?", session="lead-line")
    request = bot.backend.requests[-1]
    assert request.assistant_prefix.startswith(turn.reply.split(" Happy")[0][:20])
    assert request.stop == ("\n",)
    assert request.max_tokens == settings.engine.max_tokens_after_lead


def test_greetings_and_statements_are_answered_kindly_not_as_failures(settings: Settings) -> None:
    bot = make_bot(settings, lambda r: "should not be asked")
    assert "How can I help" in bot.chat("hi", session="kind").reply
    told = bot.chat("I bought a gift card from you last month.", session="kind")
    assert "What would you like me to help with" in told.reply and not told.escalated
    assert bot.backend.requests == []
    state = bot.store.get("kind").data.get("bot_state") or {}
    assert not state.get("failed_answers")


def test_cpu_work_of_a_turn_runs_on_the_bots_own_few_threads(settings: Settings) -> None:
    import threading

    threads: set[str] = set()

    class WatchedKnowledge(StaticKnowledge):
        def search(self, query: str, k: int = 5, source: str | None = None):  # type: ignore[no-untyped-def]
            threads.add(threading.current_thread().name)
            return super().search(query, k, source)

    bot = ShopBot(
        settings.model_copy(update={"cpu_threads": 1}),
        backend=FakeBackend(),
        knowledge=WatchedKnowledge(KNOWLEDGE),
    )
    for i in range(3):
        bot.chat("How long do refunds to my credit card take?", session=f"t{i}")
    assert threads == {"shopbot-cpu_0"}
    bot.close()


def test_a_turn_cancelled_while_the_message_is_stored_still_stores_it(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A request timing out mid-store (the web app's 504) must not leave the outcome open:
    the cancellation waits for the store, so a retry finds the message there."""
    import asyncio
    import threading

    bot = make_bot(settings, lambda r: "Refunds take 5-7 business days [1].")
    bot.warm_up()
    entered, release = threading.Event(), threading.Event()
    append = bot.store.append

    def slow_append(*args, **kwargs):
        entered.set()
        release.wait(10)
        return append(*args, **kwargs)

    monkeypatch.setattr(bot.store, "append", slow_append)

    async def main() -> None:
        events = bot.astream_events("How long do refunds take?", session="cut")
        task = asyncio.ensure_future(anext(events))
        assert await asyncio.to_thread(entered.wait, 10)
        task.cancel()
        await asyncio.sleep(0.2)
        assert not task.done()  # still waiting for the store, not gone without it
        release.set()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    messages = bot.store.get("cut").messages
    assert [(m.role, m.content) for m in messages] == [("user", "How long do refunds take?")]
    bot.close()


def test_facts_given_with_a_hand_off_name_their_sources(settings: Settings) -> None:
    bot = make_bot(settings, lambda r: "Refunds take 5-7 business days [1].")
    question = "This is ridiculous, third time asking!! How long do refunds to my credit card take?"
    turn = bot.chat(question, session="angry")
    assert turn.escalated and "5-7 business days" in turn.reply, turn.reply
    assert "[1]" in turn.reply and [s["id"] for s in turn.sources] == ["policy:refunds#1"]
    stored = bot.store.get("angry").messages[-1]
    assert stored.data["sources"][0]["id"] == "policy:refunds#1"
