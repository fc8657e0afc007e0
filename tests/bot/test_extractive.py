"""Picking the answering sentence of a passage, and telling the shopper's language."""

from __future__ import annotations

import pytest

from bot.extractive import SentencePicker
from bot.language import detect_language, message_kind

SHIPPING = (
    "Standard shipping (3–5 business days): $5.95, free on orders over $50. "
    "Express shipping (1–2 business days): $14.95. Orders placed before 2 pm ship the same day."
)


def best_sentence(question: str, passage: str) -> str:
    """By shared terms alone (no embedder), from one passage cited as [1]."""
    return SentencePicker().pick(question, [(1, passage)])


def test_decimal_prices_and_domains_do_not_end_a_sentence() -> None:
    assert best_sentence("How much is standard shipping?", SHIPPING) == (
        "Standard shipping (3–5 business days): $5.95, free on orders over $50. [1]"
    )
    text = "Claims go through northwindlane.com/claims within 14 days. Keep the box."
    assert "northwindlane.com/claims within 14 days" in best_sentence("Where do claims go?", text)


def test_chinese_sentences_split_on_chinese_punctuation() -> None:
    text = "退货期限为30天。金卡会员为60天。退款5–7个工作日到账。"
    assert best_sentence("金卡会员可以退几天？", text) == "金卡会员为60天。 [1]"


def test_no_sentence_when_nothing_matches() -> None:
    assert best_sentence("gift wrapping", SHIPPING) == ""


def test_a_later_passage_wins_only_by_a_clear_margin() -> None:
    passages = [
        (1, "Returns are free within 30 days."),
        (2, "Free returns within 30 days of delivery."),
    ]
    picker = SentencePicker()
    assert picker.pick("free returns within 30 days of delivery", passages).endswith("[2]")
    assert picker.pick("free returns 30 days", passages).endswith("[1]")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("How long do refunds take?", "en"),
        ("退货期限是多久？", "zh"),
        ("Merino Blend Tee XL有货吗？", "zh"),  # Latin product name, Chinese question
        ("PayPal退款几天到账？", "zh"),
        ("Is the 蓝色 shirt in stock in size medium please?", "en"),
        ("ok", "en"),
    ],
)
def test_language_of_mixed_messages(text: str, language: str) -> None:
    assert detect_language(text) == language


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("hi", "greeting"),
        ("您好", "greeting"),
        ("great, thanks for the help", "thanks"),
        ("Thanks, can you check my order?", "question"),
        ("I ordered the black hoodie last week.", "statement"),
        ("我上周买了一件黑色卫衣。", "statement"),
        ("Can I still change the size?", "question"),
        ("hoodie size L", "question"),  # a keyword search asks too
        ("能改尺码吗", "question"),
        ("咁算啦，唔該", "thanks"),  # Cantonese: never mind then, thanks
        ("多謝幫忙", "thanks"),
        ("唔該幫我查下張單", "statement"),  # 唔該 as "please": a request
        ("fine, forget it", "closing"),
        ("ok never mind", "closing"),
        ("那就算了吧", "closing"),
        ("never mind, where is my order?", "question"),
        ("哦那算了", "closing"),
        ("咁算啦，遲啲再問", "closing"),  # never mind, I'll ask later
        ("ugh ok i'll look for my details", "closing"),
        ("I'll check the size chart, is the M bigger?", "question"),
        ("I'll take the blue one", "statement"),
        ("那算了，先不退了，这个杯子我还是要的", "closing"),  # not sending it back after all
        ("算了，不换了", "closing"),
        ("ok never mind, I'll keep it", "closing"),
        ("算了，帮我转人工", "question"),  # dropping the matter is no hand-off asked for
        ("好的，我再想想", "closing"),  # deciding later
        ("ok thanks, I'll think about it", "closing"),
        ("好的，我再想想要不要退", "question"),
        ("what do you think about it?", "question"),
    ],
)
def test_kind_of_message(text: str, kind: str) -> None:
    assert message_kind(text) == kind


def test_primed_sentences_are_not_embedded_again_while_a_shopper_waits() -> None:
    import numpy as np

    embedded: list[list[str]] = []

    def embed(texts: list[str]) -> np.ndarray:
        embedded.append(list(texts))
        return np.array([[1.0, float(len(t) % 7)] for t in texts], dtype=np.float32)

    picker = SentencePicker(embed)
    assert picker.prime([SHIPPING, SHIPPING]) == 3  # three sentences, each embedded once
    assert picker.prime([SHIPPING]) == 0
    embedded.clear()
    assert picker.pick("How much is express shipping?", [(1, SHIPPING)])
    assert embedded == [["How much is express shipping?"]]


# -- whole answers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        ("Do you ship to Canada and how much does it cost?", 2),
        ("can you ship to australia, how much and is there free shipping?", 3),
        ("中国订单可以用银联卡付款吗？退款多久到账？", 2),
        ("租一个双人帐篷周末多少钱？押金多少？", 2),
        ("How long do refunds take?", 1),
        ("Can I return shoes and boots?", 1),
    ],
)
def test_question_parts(question: str, parts: int) -> None:
    from bot.extractive import question_parts

    assert len(question_parts(question)) == parts


def test_the_section_heading_counts_and_conditions_come_along() -> None:
    from bot.extractive import Passage

    passages = [
        Passage(1, "Contact us within 14 days with your order number.", "Missing items"),
        Passage(
            2, "Send us photos of the item and the box within 7 days.", "Parcel arrived damaged"
        ),
        Passage(
            3,
            "One promo code per order. This also applies to codes from our newsletter. "
            "Gift cards can always be used.",
            "Using codes",
        ),
    ]
    picker = SentencePicker()
    picked = picker.compose("My parcel arrived damaged, what now?", passages)
    assert picked[0].number == 2
    combined = picker.compose("Can I use two promo codes on one order?", passages)
    texts = [p.sentence for p in combined]
    assert texts[:2] == [
        "One promo code per order.",
        "This also applies to codes from our newsletter.",
    ]


def test_each_part_gets_its_own_sentence() -> None:
    from bot.extractive import Passage

    passages = [
        Passage(1, "We ship to Canada and the United States. Shipping to Canada costs $12.95."),
        Passage(2, "Refunds take 5 business days."),
    ]
    picked = SentencePicker().compose("Do you ship to Canada and how much does it cost?", passages)
    assert [p.sentence for p in picked] == [
        "We ship to Canada and the United States.",
        "Shipping to Canada costs $12.95.",
    ]


def test_a_sentence_about_this_comes_with_what_this_is() -> None:
    from bot.extractive import Passage

    passage = Passage(
        1,
        "All electronics carry a 12-month warranty. Voltline products carry 24 months. "
        "This includes headphones, speakers and chargers.",
        "Warranty > Electronics",
    )
    picked = SentencePicker().compose("Is there a warranty on headphones?", [passage])
    assert [p.sentence for p in picked][:3] == [
        "All electronics carry a 12-month warranty.",
        "Voltline products carry 24 months.",
        "This includes headphones, speakers and chargers.",
    ]


@pytest.mark.parametrize(
    ("heading", "sentence", "said"),
    [
        ("Warranty > What is not covered", "Water damage and normal wear.",
         "What is not covered: Water damage and normal wear."),
        ("保修 > 不保修的情况", "进水和人为损坏。", "不保修的情况：进水和人为损坏。"),
        ("Warranty > What is covered", "Faulty buttons and ports.", "Faulty buttons and ports."),
        ("Warranty > What is not covered", "A lost earbud is not covered.",
         "A lost earbud is not covered."),
        ("Sizes > Still not sure?", "Ask us for help.", "Ask us for help."),
        ("Promo codes > What our assistant can and cannot do", "Agents give credit.",
         "Agents give credit."),
        ("Warranty > What is and isn't covered", "Water damage.", "Water damage."),
    ],
)  # fmt: skip
def test_a_heading_that_says_not_is_stated_with_its_sentence(
    heading: str, sentence: str, said: str
) -> None:
    from bot.extractive import with_negating_heading

    assert with_negating_heading(sentence, heading) == said


def test_a_later_sentence_of_an_faq_answer_comes_after_its_first() -> None:
    from bot.extractive import Passage

    passage = Passage(
        1,
        "No, one promo code per order. Use the one that saves you more.",
        "Promotions > Can I use FIRSTCAMP10 and PITCH25 together?",
    )
    picked = SentencePicker().compose("can I stack two codes, which one saves more?", [passage])
    assert [p.sentence for p in picked][:2] == [
        "No, one promo code per order.",
        "Use the one that saves you more.",
    ]


def test_an_faq_question_in_bold_is_not_an_answer_even_in_parts() -> None:
    from bot.extractive import sentences

    entry = (
        "**The zip of my sleeping bag from another shop is broken. Can you fix it?**\n"
        "Yes. A new zip slider is €12, a full zip €35."
    )
    assert sentences(entry) == ["A new zip slider is €12, a full zip €35."]
