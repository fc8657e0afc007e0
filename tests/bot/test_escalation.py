"""The escalation policy, rule by rule, and through the engine with the fake backend."""

from __future__ import annotations

import pytest

from bot.escalation import Decision, EscalationPolicy, repeated_questions, repeated_replies
from bot.reasons import ReasonCode, texts
from bot.sentiment import SentimentResult
from bot.settings import EscalationSettings, Settings
from bot.state import ConversationState
from tests.bot.test_shopbot import make_bot


def result(dis: float = 0.1, abusive: bool = False, human: bool = False) -> SentimentResult:
    return SentimentResult(0.0, dis, abusive, human, False, [])


def decide(policy: EscalationPolicy, history: list[float], text: str = "", messages=None, **state):
    current = result(history[-1])
    observed = ConversationState(**state)
    for value in history:
        observed = policy.observe(result(value), observed)
    return policy.before_reply(current, observed, text, messages)


@pytest.fixture
def policy() -> EscalationPolicy:
    return EscalationPolicy(EscalationSettings())


def said(decision: Decision) -> list[str]:
    """The decision's reasons as a person reads them."""
    return texts(decision.reasons)


def user(text: str) -> dict[str, str]:
    return {"role": "user", "content": text}


def bot(text: str) -> dict[str, str]:
    return {"role": "assistant", "content": text}


def test_calm_conversation_stays_with_the_bot(policy) -> None:
    decision = decide(policy, [0.05, 0.1, 0.2], "And do you ship to Canada?")
    assert not decision.escalate and decision.reasons == []


def test_explicit_request_for_a_human(policy) -> None:
    decision = policy.before_reply(result(human=True), ConversationState(), "a person please")
    assert decision.escalate and said(decision) == ["the shopper asked for a human"]
    assert decision.reasons[0].code == ReasonCode.ASKED_FOR_HUMAN


def test_abuse(policy) -> None:
    decision = policy.before_reply(result(0.9, abusive=True), ConversationState())
    assert decision.escalate and "abusive language" in said(decision)


def test_dissatisfaction_threshold_is_configurable() -> None:
    strict = EscalationPolicy(EscalationSettings(dissatisfaction_threshold=0.5))
    lenient = EscalationPolicy(EscalationSettings(dissatisfaction_threshold=0.9))
    assert strict.before_reply(result(0.6), ConversationState()).escalate
    assert not lenient.before_reply(result(0.6), ConversationState()).escalate
    assert said(strict.before_reply(result(0.6), ConversationState())) == [
        "dissatisfaction 0.60 >= 0.50"
    ]


def test_rising_dissatisfaction_below_the_threshold(policy) -> None:
    decision = decide(policy, [0.05, 0.3, 0.6])
    assert decision.escalate
    assert said(decision) == ["dissatisfaction rising over 3 turns (0.05 -> 0.30 -> 0.60)"]
    assert not decide(policy, [0.3, 0.6, 0.4]).escalate  # went down again
    assert not decide(policy, [0.05, 0.6, 0.6]).escalate  # a jump, then no further rise
    assert not decide(policy, [0.3, 0.4, 0.45]).escalate  # rose, but stayed low
    assert not decide(policy, [0.05, 0.6]).escalate  # too few turns


def test_rising_is_configurable() -> None:
    policy = EscalationPolicy(EscalationSettings(rising_turns=2, rising_min=0.2))
    assert decide(policy, [0.35, 0.6]).escalate


@pytest.mark.parametrize("text", ["I'll report this as fraud", "Is this legal?", "CHARGEBACK now"])
def test_human_only_topics(policy, text: str) -> None:
    decision = policy.before_reply(result(), ConversationState(), text)
    assert decision.escalate and said(decision)[0].startswith("human-only topic: ")


def test_human_only_topics_match_whole_words_and_are_configurable() -> None:
    policy = EscalationPolicy(EscalationSettings(human_only_topics=["warranty"]))
    calm = ConversationState()
    assert policy.before_reply(result(), calm, "How long is the warranty?").escalate
    assert not policy.before_reply(result(), calm, "Is that illegal?").escalate
    assert (
        not EscalationPolicy(EscalationSettings()).before_reply(result(), calm, "illegal").escalate
    )


def test_repeated_failures(policy) -> None:
    state = policy.record_failure(policy.record_failure(ConversationState()))
    assert policy.too_many_failures(state)
    decision = policy.before_reply(result(), state)
    assert said(decision) == ["no relevant knowledge 2 times in a row"]
    assert not policy.too_many_failures(policy.record_success(state))


def test_the_same_question_again(policy) -> None:
    q = "Can I return a gift without the receipt?"
    messages = [user(q), bot("Gifts can be returned within 30 days."), user(q)]
    assert repeated_questions(messages) == 1
    assert not policy.before_reply(result(), ConversationState(), q, messages).escalate
    messages += [bot("Gifts can be returned within 30 days, yes."), user(q)]
    decision = policy.before_reply(result(), ConversationState(), q, messages)
    assert "the shopper asked the same question again 2 times" in said(decision)


def test_other_order_numbers_are_other_questions() -> None:
    messages = [user("Where is order 123456?"), bot("On its way."), user("Where is order 654321?")]
    assert repeated_questions(messages) == 0


def test_bot_loops(policy) -> None:
    q, reply = "How do I change my size?", "You can find our size guide on every product page."
    messages = [user(q), bot(reply), user(q + " please"), bot(reply), user(q + "??"), bot(reply)]
    assert repeated_replies(messages) == 2
    decision = policy.before_reply(result(), ConversationState(), "", [*messages, user("hello?")])
    assert "the bot repeated the same reply 2 times" in said(decision)


def test_the_same_reply_to_different_questions_is_no_loop() -> None:
    reply = "Yes, we ship there; duties are shown at checkout."
    messages = [user("Do you ship to Canada?"), bot(reply), user("And to Mexico?"), bot(reply)]
    assert repeated_replies(messages) == 0


def test_a_handback_starts_afresh() -> None:
    q = "Can I return a gift without the receipt?"
    messages = [user(q), bot("Within 30 days."), user(q), bot("Within 30 days.")]
    messages += [{"role": "agent", "content": "Sam here: yes you can."}, user(q)]
    assert repeated_questions(messages) == 0 and repeated_replies(messages) == 0


def test_observe_keeps_scores_and_predicts_csat(policy) -> None:
    state = ConversationState()
    for value in [0.1] * 30:
        state = policy.observe(result(value), state)
    # many calm turns: still satisfied, if a little less than a quick answer
    assert state.predicted_csat is not None
    assert len(state.dissatisfaction) == 20 and 3.5 <= state.predicted_csat < 4.5
    angry = policy.observe(result(0.95, abusive=True), state)
    assert angry.abusive and angry.predicted_csat is not None
    assert angry.predicted_csat < state.predicted_csat


def test_engine_stores_scores_and_predicted_csat(settings: Settings) -> None:
    chat = make_bot(settings, lambda r: "Refunds to a credit card take 5-7 business days [1].")
    chat.chat("Hi! How long do refunds to a credit card take?", session="c1")
    first = chat.store.get("c1").data["predicted_csat"]
    turn = chat.chat("Two weeks and nothing. This is unacceptable.", session="c1")
    conversation = chat.store.get("c1")
    assert turn.escalated and conversation.status == "waiting_for_agent"
    assert conversation.data["predicted_csat"] < first
    assert conversation.data["bot_state"]["dissatisfaction"][-1] >= 0.7
    scored = [m.data["sentiment"] for m in conversation.messages if "sentiment" in m.data]
    assert len(scored) == 2 and all("predicted_csat" in s for s in scored)


def test_engine_escalates_on_rising_dissatisfaction(settings: Settings) -> None:
    chat = make_bot(settings, lambda r: "Refunds to a credit card take 5-7 business days [1].")
    policy = chat.policy
    state = ConversationState()
    for value in (0.05, 0.3):
        state = policy.observe(result(value), state)
    chat.store.ensure("r1")
    chat.store.update_data("r1", {"bot_state": state.to_json()})
    turn = chat.chat("Hmm, 5-7 days is longer than I hoped, to be honest.", session="r1")
    assert turn.escalated, turn.sentiment
    assert any("rising" in reason for reason in turn.escalation_reasons)
