"""The sentiment scorers on wordings that appear neither in the training nor the eval set."""

from __future__ import annotations

import json

import numpy as np
import pytest

from bot.sentiment import LearnedSentimentScorer, LexiconSentimentScorer, predicted_csat
from bot.sentiment.metrics import prf, roc_auc
from bot.sentiment.model import MODEL_FILE, DissatisfactionModel
from bot.sentiment.scorers import FEATURE_NAMES, LogisticModel
from bot.sentiment.training import train

FAILED = [
    {"role": "user", "content": "Can I pick up my order in the Dayton store?"},
    {"role": "assistant", "content": "Sorry, I don't have information about that."},
]
ANSWERED = [
    {"role": "user", "content": "How long is the warranty on the desk lamp?"},
    {"role": "assistant", "content": "Lamps come with a 12-month warranty."},
]
CALM = [
    "Could you tell me if the walnut side table comes assembled?",
    "Lovely, the candles smell great. Do you have a vanilla one too?",
    "I need to send back the sandals, they're a size too big.",
    "Not bad at all, the cable works fine with my tablet.",
    "请问这款台灯用什么灯泡？",
    "东西不错，下次还来买。",
    "我想退掉那条围巾，颜色不太合适。",
]
ANGRY = [
    "This is hopeless, I've written to you four times about the same missing parcel.",
    "Honestly, your service is a disgrace and I want my money back.",
    "你们到底什么时候给我退款？等了半个月了！",
    "太不像话了，发错货还不给处理。",
    "I've had enough of the runaround. Where is my money?",
    "Do you even care about your customers?",
    "说好的三天到货，现在都一周了，你们就是这样对待老客户的？",
]
ABUSIVE = [
    "You are a bunch of clueless idiots.",
    "Piss off with your canned answers",
    "Your service is total garbage",
    "蠢货，听不懂吗",
    "狗屁客服",
]
HUMAN = [
    "Could I speak to a real person about a warranty claim?",
    "Please transfer me to someone on your team.",
    "帮我转人工，谢谢。",
    "找个客服专员跟我说。",
    "Can I talk to an actual employee?",
    "Is there a phone number I can call?",
    "我想打电话给客服。",
]


@pytest.fixture(scope="module")
def scorer() -> LearnedSentimentScorer:
    scorer = LearnedSentimentScorer()
    scorer.warm_up()
    return scorer


def judge(scorer, text: str, context: list[dict[str, str]] | None = None):
    messages = [*(context or []), {"role": "user", "content": text}]
    return scorer.score(messages, len(messages) - 1)


@pytest.mark.parametrize("text", CALM)
def test_calm_messages_are_not_dissatisfied(scorer, text: str) -> None:
    result = judge(scorer, text, ANSWERED)
    assert result.dissatisfaction < 0.5 and not result.escalate, result
    assert -1.0 <= result.sentiment <= 1.0 and not result.abusive


@pytest.mark.parametrize("text", ANGRY)
def test_angry_messages_escalate(scorer, text: str) -> None:
    result = judge(scorer, text, ANSWERED)
    assert result.dissatisfaction >= 0.7 and result.escalate, result
    assert result.sentiment < 0 and result.reasons


@pytest.mark.parametrize("text", ABUSIVE)
def test_abuse_is_flagged(scorer, text: str) -> None:
    result = judge(scorer, text)
    assert result.abusive and result.escalate and "abusive language" in result.reasons


@pytest.mark.parametrize("text", HUMAN)
def test_asking_for_a_person_is_flagged(scorer, text: str) -> None:
    result = judge(scorer, text, ANSWERED)
    assert result.wants_human and result.escalate and not result.abusive


@pytest.mark.parametrize(
    "text",
    [
        "Sorry, stupid question: is the mug microwave safe?",
        "I'm not an idiot, I checked the address twice.",
        "stupid me, I ordered the wrong size",
        "Is the trash can lid included?",
        "有垃圾袋卖吗？",
        "滚筒洗衣机能洗吗？",
        "我是她女儿，我妈妈的邮箱是 a@b.com",  # 妈的 inside 妈妈的: "my mother's"
    ],
)
def test_innocent_uses_of_rude_words_are_not_abuse(scorer, text: str) -> None:
    assert not judge(scorer, text).abusive


def test_mild_disappointment_is_dissatisfied_without_escalation(scorer) -> None:
    result = judge(scorer, "A pity the green one is gone, but the grey will do.", ANSWERED)
    assert 0.5 <= result.dissatisfaction < 0.7 and not result.escalate, result


def test_sarcastic_praise_after_a_failed_answer(scorer) -> None:
    plain = judge(scorer, "Wonderful, thanks.", ANSWERED)
    sarcastic = judge(scorer, "Wonderful. Really helpful, thanks.", FAILED)
    assert plain.dissatisfaction < 0.3 < 0.5 <= sarcastic.dissatisfaction
    assert any("sarcasm" in r for r in sarcastic.reasons)


def test_repeating_the_question_raises_dissatisfaction(scorer) -> None:
    again = "Can I pick up my order in the Dayton store?"
    first = judge(scorer, again)
    repeated = judge(scorer, again, FAILED)
    assert repeated.dissatisfaction > first.dissatisfaction + 0.3
    assert "repeats an earlier question" in repeated.reasons


def test_a_human_agent_resets_the_context(scorer) -> None:
    question = "Can I pick up my order in the Dayton store?"
    context = [*FAILED, {"role": "agent", "content": "Hi, Sam here, yes you can."}]
    assert "repeats an earlier question" not in judge(scorer, question, context).reasons


def test_yes_to_the_offer_of_a_person_is_a_request_for_one(scorer) -> None:
    offer = "I'd rather not guess. Would you like me to connect you with a member of our team?"
    context = [
        {"role": "user", "content": "Is the sofa pet-proof?"},
        {"role": "assistant", "content": offer},
    ]
    assert judge(scorer, "yes please", context).wants_human
    assert not judge(scorer, "yes please", ANSWERED).wants_human


def test_the_lexicon_baseline_still_works() -> None:
    rules = LexiconSentimentScorer()
    assert judge(rules, ANGRY[0]).dissatisfaction >= 0.7
    assert judge(rules, CALM[0]).dissatisfaction < 0.5


def test_predicted_csat() -> None:
    assert predicted_csat([]) == 4.0
    calm, angry = predicted_csat([0.05, 0.1]), predicted_csat([0.05, 0.8, 0.95])
    assert 1.0 <= angry < 3.0 < 4.0 <= calm <= 5.0
    recovered = predicted_csat([0.9, 0.3, 0.05])
    assert predicted_csat([0.05, 0.3, 0.9]) < recovered
    assert predicted_csat([0.5], abusive=True) < predicted_csat([0.5])


def test_roc_auc_and_prf() -> None:
    assert roc_auc([False, True], [0.1, 0.9]) == 1.0
    assert roc_auc([False, True], [0.9, 0.1]) == 0.0
    assert roc_auc([False, True], [0.5, 0.5]) == 0.5
    # 2 positives x 2 negatives, one pair misordered: 3/4
    assert roc_auc([True, False, True, False], [0.9, 0.8, 0.3, 0.1]) == 0.75
    assert roc_auc([True, True], [0.1, 0.2]) is None
    m = prf([True, True, False, False], [True, False, True, False])
    assert (m["precision"], m["recall"], m["f1"], m["tp"], m["fp"], m["fn"]) == (
        0.5,
        0.5,
        0.5,
        1,
        1,
        1,
    )
    assert prf([False], [False])["f1"] == 0.0


def test_logistic_model_separates_and_round_trips() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 3))
    y = (x[:, 0] - 0.5 * x[:, 2] > 0).astype(float)
    model = LogisticModel.fit(x, y, l2=0.1)
    assert ((model.predict(x) >= 0.5) == y).mean() > 0.95
    again = LogisticModel.from_dict(json.loads(json.dumps(model.as_dict())))
    assert np.allclose(again.predict(x), model.predict(x), atol=1e-4)


def test_committed_model_matches_the_features_and_the_encoder() -> None:
    from bot.sentiment.encoding import CONTEXT_NAMES
    from retrieval.embedder import USEM3_NAME

    model = DissatisfactionModel.load(MODEL_FILE)
    assert model.encoder == USEM3_NAME
    from bot.sentiment.model import LEXICON_LOGIT_NAMES

    width = len(FEATURE_NAMES) + 512 + (len(CONTEXT_NAMES) if model.context else 0)
    width += len(LEXICON_LOGIT_NAMES) if model.lexicon_logits else 0
    assert all(len(head.coef) == width for head in model.dissatisfied.values())
    assert len(model.strong.coef) == width and set(model.calibration) == set(model.dissatisfied)
    trained_on = model.info["trained_on"]
    assert {"redial", "ccpe", "waimai", "hotel", "own"} <= set(trained_on)
    assert not any("eval" in name for name in trained_on)


def test_signals_model_beats_rules_on_held_out_training_folds() -> None:
    held = train()["all"]
    assert held["learned"]["dissatisfaction_auc"] > held["lexicon_rules"]["dissatisfaction_auc"]


def test_training_set_is_apart_from_the_eval_set() -> None:
    from bot.sentiment.signals import similarity
    from bot.sentiment.training import TRAIN, load_labelled
    from evals.sentiment import EVAL_SET

    evaluation = [r["message"] for r in load_labelled(EVAL_SET)]
    for row in load_labelled(TRAIN):
        closest = max(similarity(row["message"], e) for e in evaluation)
        assert closest < 0.6, row["message"]


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("轉人工客服", "wants_human"),
        ("你們這群廢物", "abusive"),
        ("等了兩個星期還沒收到，太離譜了", "escalate"),
        ("Im sooooo dissapointed, this is rediculous", "escalate"),
        ("u r a moron", "abusive"),
    ],
)
def test_traditional_chinese_typos_and_stretched_letters(scorer, text: str, field: str) -> None:
    assert getattr(judge(scorer, text), field)


@pytest.mark.parametrize(
    "text", ["ok", "hmm", "no", "No, that's fine, thanks.", "好的", "嗯嗯", "不用了，谢谢"]
)
def test_short_replies_are_calm(scorer, text: str) -> None:
    result = judge(scorer, text, ANSWERED)
    assert result.dissatisfaction < 0.5 and not result.escalate, result


@pytest.mark.parametrize(
    "text",
    [
        "I'm not angry, just confused about the charge.",
        "My refund hasn't arrived yet, it's been 5 days. Could you check?",
        "When will the sweater come on sale?",
        "我的快递显示已签收，但是我没收到，能帮我查一下吗？",
        # questions that borrow the words of exasperation
        "How many times can I exchange an item?",
        "包裹破损了怎么办？",
        "能不能换货？",
    ],
)
def test_problem_reports_and_negated_complaints_do_not_escalate(scorer, text: str) -> None:
    assert not judge(scorer, text, ANSWERED).escalate


def test_a_polite_rephrase_is_not_handed_off_but_an_angry_repeat_is(scorer) -> None:
    """Asking again after a reply that missed the question raises the score; a polite
    rephrase stays below the hand-off, an angry repeat is handed off. (How far the polite one
    rises is the calibrated model's call: trained on user-rated dialogues, it puts such a
    rephrase near 0.2, below even odds of dissatisfaction.)"""
    question = "do you have the blue linen shirt in M, and how much?"
    first = {"role": "user", "content": "Blue linen shirt in M?"}
    off = {"role": "assistant", "content": "Refunds take 5-7 business days."}
    asked_once = judge(scorer, question, ANSWERED)
    polite = judge(scorer, question, [first, off])
    angry = judge(scorer, "I asked about the blue linen shirt in M. AGAIN: in M?", [first, off])
    assert asked_once.dissatisfaction < polite.dissatisfaction < 0.7, (asked_once, polite)
    assert not polite.escalate and "asks again after a reply that missed the question" in (
        polite.reasons
    )
    assert angry.escalate and "repeats an earlier question" in angry.reasons


@pytest.mark.parametrize("text", ["no", "No.", "ok", "hmm", "nope", "嗯嗯", "不是"])
def test_a_bare_answer_word_is_no_evidence_of_feelings(text: str) -> None:
    from bot.sentiment.signals import Lexicons, extract

    signals = extract([*ANSWERED, {"role": "user", "content": text}], 2, Lexicons())
    assert signals.answer_only and signals.feeling == 0.0


def test_an_answer_word_in_a_sentence_keeps_the_lexicon() -> None:
    from bot.sentiment.signals import Lexicons, extract

    text = "No, this is terrible, the lamp broke on the first day."
    signals = extract([{"role": "user", "content": text}], 0, Lexicons())
    assert not signals.answer_only and signals.feeling == signals.lexical < -0.5


OFFERED = [
    {"role": "user", "content": "if I cancel the order, does anything happen to my paypal?"},
    {
        "role": "assistant",
        "content": "I'm sorry, I don't have reliable information about that in our store's "
        "knowledge, and I'd rather not guess. Would you like me to connect you with a member "
        "of our team?",
    },
]


@pytest.mark.parametrize(
    "text",
    [
        "ok thanks, leave it for now",
        "ok cheers, I'll keep it for now",
        "ok thanks, I'll think about it",
        "不用了，谢谢",
    ],
)
def test_turning_down_the_person_offered_is_no_sarcasm(scorer, text: str) -> None:
    result = judge(scorer, text, OFFERED)
    assert result.dissatisfaction < 0.5 and not result.escalate, result
    assert not any("sarcasm" in r for r in result.reasons)


def test_a_complaint_beside_turning_the_person_down_still_escalates(scorer) -> None:
    result = judge(scorer, "no thanks, this is useless, I want a refund NOW", OFFERED)
    assert result.escalate, result
