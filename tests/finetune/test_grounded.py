"""Training examples are the bot's own prompts: retrieved passages in the bot's format, the
reply's figures held by them (or the passages that hold them given, or the target says the
facts do not answer), the conversation's own transcript never a passage; where the bot states
the facts from data first, the model is taught only what it writes after them."""

from __future__ import annotations

from bot import ShopBot
from bot.backends import FakeBackend
from bot.fakes import SimpleHit, StaticKnowledge
from bot.language import phrase
from bot.turn_prompt import TurnPrompt
from finetune.data import StoreTurn
from finetune.grounded import (
    AFTER_LEAD,
    GIVEN_PASSAGES,
    GROUNDED,
    NOT_HELD,
    GroundedExamples,
    after_lead_target,
)
from finetune.run import balanced

REFUNDS = SimpleHit(
    "policy:refunds#1",
    "policy",
    "Refunds > Credit cards",
    "Refunds to a credit card take 5-7 business days after the return is processed.",
    metadata={"path": "refunds.md"},
)
SHIPPING = SimpleHit(
    "policy:shipping#1",
    "policy",
    "Shipping > Express",
    "Express shipping costs $12.95 and arrives in 2 business days.",
    metadata={"path": "shipping.md"},
)
OWN_TRANSCRIPT = SimpleHit(
    "dialogue:c1#0",
    "dialogue",
    "Past conversation about refunds to a credit card",
    "Shopper: how long do refunds to a credit card take? Agent: refunds take 9 days.",
    metadata={"conversation_id": "c1"},
)


def make(settings, hits=(REFUNDS, SHIPPING, OWN_TRANSCRIPT), whole_reply=True):
    settings = settings.model_copy(update={"retrieval": settings.retrieval.model_copy(
        update={"min_score": 0.3})})  # fmt: skip
    backend = FakeBackend(lambda r: "Refunds take 5-7 business days [1].")
    knowledge = StaticKnowledge(list(hits))
    bot = ShopBot(settings, backend=backend, knowledge=knowledge)
    if whole_reply:  # the model writes the whole reply, as any model but the bundled one
        bot.parts.answers.grounded_lead = False
    return GroundedExamples(bot, knowledge), bot, backend


def turn(reply: str, question="How long do refunds to my credit card take?", cid="c1"):
    return StoreTurn(cid, "en", [{"role": "user", "content": question}], reply)


def test_the_example_is_exactly_the_prompt_the_bot_sends_the_model(settings) -> None:
    builder, bot, backend = make(settings, hits=(REFUNDS, SHIPPING))
    grounded = builder.ground(turn("They take 5-7 business days once we process the return."))
    assert grounded is not None and grounded.kind == GROUNDED
    bot.answer(grounded.turn.context)
    assert backend.requests[-1].messages == grounded.prompt.messages
    example = grounded.example()
    assert example.messages[-1] == {"role": "assistant", "content": grounded.target}
    assert example.targets == [False] * (len(example.messages) - 1) + [True]
    system = example.messages[0]["content"]
    assert "[1] Refunds > Credit cards: Refunds to a credit card take 5-7" in system


def test_the_passage_that_holds_a_figure_is_given(settings) -> None:
    builder, _, _ = make(settings)
    grounded = builder.ground(
        turn("Refunds take 5-7 business days. Express costs $12.95 and arrives in 2 business days.")
    )
    assert grounded is not None and grounded.kind == GIVEN_PASSAGES
    assert "Express shipping costs $12.95" in grounded.prompt.messages[0]["content"]
    assert grounded.target.startswith("Refunds take 5-7")


def test_a_reply_the_facts_do_not_hold_becomes_say_so_and_offer_a_person(settings) -> None:
    builder, _, _ = make(settings)
    grounded = builder.ground(turn("Your refund of $83.20 went out on the 14th."))
    assert grounded is not None and grounded.kind == NOT_HELD
    assert grounded.target == phrase("en", "unsure")
    assert "connect you with a member of our team" in grounded.target


def test_the_conversations_own_transcript_is_never_a_passage(settings) -> None:
    builder, _, _ = make(settings)
    grounded = builder.ground(turn("Refunds take 9 days."))
    assert grounded is not None
    assert "refunds take 9 days" not in grounded.prompt.messages[0]["content"]
    assert grounded.kind == NOT_HELD  # only its own transcript held the 9
    other = builder.ground(turn("Refunds take 9 days.", cid="c2"))
    assert other is not None and other.kind != NOT_HELD


def test_turns_the_bot_answers_without_the_model_are_not_examples(settings) -> None:
    builder, _, _ = make(settings)
    examples, stats = builder.build(
        [turn("Hello!", question="Hi there"), turn("No idea.", question="Do you sell tractors?")]
    )
    assert examples == [] and stats.answered_without_model == 2


def test_not_held_examples_are_a_bounded_share(settings) -> None:
    builder, _, _ = make(settings)
    turns = [turn("They take 5-7 business days.", cid=f"g{i}") for i in range(8)]
    turns += [turn(f"Your refund of ${i}.50 went out.", cid=f"n{i}") for i in range(8)]
    examples, stats = builder.build(turns, not_held_share=0.2)
    assert stats.grounded == 8 and stats.not_held == 2 and stats.dropped == 6
    assert len(examples) == 10


def test_the_gate_measures_both_languages() -> None:
    turns = [turn("a", cid=f"e{i}") for i in range(5)]
    turns += [StoreTurn(f"z{i}", "zh", [], "b") for i in range(2)]
    picked = balanced(turns, 6)
    assert [t.language for t in picked].count("zh") == 2 and len(picked) == 6


def test_a_reply_still_unsupported_with_its_passages_given_is_dropped(settings) -> None:
    builder, _, _ = make(settings)
    # The passage holds $12.95, but not "12.95 by": the checks would withhold this sentence.
    examples, stats = builder.build([turn("Express costs $12.95 by the way.")])
    assert examples == [] and stats.dropped == 1 and stats.not_held == 0


def test_after_facts_stated_from_data_the_model_learns_only_what_the_agent_adds(settings):
    builder, bot, backend = make(settings, hits=(REFUNDS,), whole_reply=False)
    reply = (
        "Sorry for the wait! Refunds take 5-7 business days. A refund to a credit card is "
        "processed after the return. Let me know if anything else comes up, Emily. I've "
        "passed the conversation to our team."
    )
    other = turn("We're sorry, let me know if it helps.", cid="c2")
    examples, stats = builder.build([turn(reply), other])
    assert stats.after_lead == 2
    grounded = examples[0]
    assert grounded.kind == AFTER_LEAD
    # Served, the reply starts with the facts stated from data and the model continues them.
    bot.answer(grounded.turn.context)
    assert grounded.prefix == backend.requests[-1].assistant_prefix
    assert grounded.prefix.startswith("Refunds to a credit card take 5-7 business days")
    # Not the figure (the facts say it), nor what the facts already say, nor a name, nor an
    # action the agent took (the model only writes text).
    assert grounded.target == "Sorry for the wait!"
    example = grounded.example()
    assert example.prefix == grounded.prefix
    assert example.messages[-1]["content"] == grounded.prefix + "Sorry for the wait!"


def test_when_the_agent_adds_nothing_the_model_learns_to_stop_after_the_facts(settings):
    builder, _, _ = make(settings, hits=(REFUNDS,), whole_reply=False)
    examples, _ = builder.build([turn("Refunds take 5-7 business days after we process it.")])
    assert examples[0].kind == AFTER_LEAD and examples[0].target == ""


def test_a_chinese_reply_after_the_facts_is_cut_by_characters() -> None:
    headphones = SimpleHit(
        "catalog:p1", "catalog", "Noise-Cancelling Headphones", "Black. $199.00. In stock."
    )
    prefix = "Noise-Cancelling Headphones（黑色）的价格是 $199.00，目前有货。[1] "
    prompt = TurnPrompt([{"role": "system", "content": "Facts"}], prefix, [headphones], "zh")
    reply = (
        "这款耳机目前有货，价格是199元。我已经为您预留一副。如需帮助请随时联系我们！"
        "我们的耳机都经过严格检测，佩戴舒适，音质出色，深受顾客喜爱，欢迎选购其他颜色。"
    )
    context = [{"role": "user", "content": "耳机多少钱？"}]
    # Not the figure, nor an action taken; the last sentence would take the line past 30.
    assert after_lead_target(reply, prompt, context, 30, set()) == "如需帮助请随时联系我们！"
