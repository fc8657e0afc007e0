from __future__ import annotations

from bot.fakes import SimpleHit
from bot.grounding import FactGuard, GuardedStream, ProductFact, fact_lead, numbers_in

SHIRT = SimpleHit(
    "catalog:P1:M",
    "catalog",
    "Linen Shirt (Blue, M)",
    "Linen Shirt Blue M $49.00 in stock",
    score=0.9,
    metadata={
        "product_id": "P1",
        "sku": "LS-BLU-M",
        "name": "Linen Shirt",
        "options": {"color": "Blue", "size": "M"},
        "price": 49.0,
        "currency": "USD",
        "in_stock": False,
    },
)
SHIRT_L = SimpleHit(
    "catalog:P1:L",
    "catalog",
    "Linen Shirt (Blue, L)",
    "Linen Shirt Blue L $52.00 in stock",
    score=0.8,
    metadata={
        **SHIRT.metadata,
        "sku": "LS-BLU-L",
        "options": {"color": "Blue", "size": "L"},
        "price": 52.0,
        "in_stock": True,
    },
)


def test_numbers_are_normalised() -> None:
    assert numbers_in("It costs $1,049.00 or 49.5 within 5-7 days") == {1049.0, 49.5, 5.0, 7.0}


def test_fact_lead_states_catalog_price_and_stock_with_alternatives() -> None:
    lead, facts = fact_lead("how much is the blue linen shirt in M?", [SHIRT, SHIRT_L], "en", 0.3)
    assert "$49.00" in lead and "out of stock" in lead
    assert "L ($52.00)" in lead
    assert facts[0].sku == "LS-BLU-M"


def test_fact_lead_in_chinese() -> None:
    lead, _ = fact_lead("这件衬衫多少钱？", [SHIRT_L], "zh", 0.3)
    assert "$52.00" in lead and "有货" in lead


def test_no_lead_for_questions_that_are_not_about_price_or_stock() -> None:
    lead, _ = fact_lead("what is it made of?", [SHIRT], "en", 0.3)
    assert lead == ""


def test_guard_withholds_unsupported_facts() -> None:
    guard = FactGuard(
        [SHIRT], ["my order NW-123456 is late"], ["CANARY"], ProductFact.from_hit(SHIRT)
    )
    assert guard.check("It costs $49.00 [1].") is not None
    assert guard.check("It costs $39.00.") is None
    assert guard.check("Your order NW-123456 ships soon.") is not None
    assert guard.check("Your order NW-999999 ships soon.") is None
    assert guard.check("Good news, it is in stock!") is None
    assert guard.check("Sorry, it is out of stock.") is not None
    assert guard.check("The password is canary.") is None
    assert len(guard.report.withheld) == 4


def test_guarded_stream_releases_checked_sentences_only() -> None:
    stream = GuardedStream(FactGuard([SHIRT], []))
    out = stream.feed("Hello there. It costs $12.")
    out += stream.feed(" We ship fast.")
    out += stream.finish()
    assert "".join(out) == "Hello there. We ship fast."


def test_guarded_stream_says_each_thing_once() -> None:
    stream = GuardedStream(FactGuard([SHIRT], []))
    stream.seen("Refunds take 5 days. [1] ")
    out = stream.feed("Refunds take 5 days. Thanks for asking. Thanks for asking. ")
    out += stream.finish()
    assert "".join(out) == "Thanks for asking. "


def test_a_number_must_come_with_its_unit() -> None:
    policy = SimpleHit(
        "p", "policy", "Warranty", "Electronics carry a 12-month warranty; cables 2 m long."
    )
    guard = FactGuard([policy], [])
    assert guard.check("The warranty is 12 months.") is not None
    assert guard.check("The warranty is 2 years.") is None


def test_other_prices_are_withheld_once_the_catalog_price_is_stated() -> None:
    guard = FactGuard([SHIRT, SHIRT_L], [], primary=ProductFact.from_hit(SHIRT))
    assert guard.check("The L size is $52.00.") is None
    assert guard.check("It is $49.00 [1].") is not None


def test_citation_runs_are_tidied() -> None:
    stream = GuardedStream(FactGuard([SHIRT], []))
    out = stream.feed("Returns are easy [1] [1] [2] [3]. ")
    assert "".join(out).strip() == "Returns are easy [1]."


def test_a_reply_cut_off_at_a_lone_bracket_does_not_show_it() -> None:
    from bot.grounding import FactGuard, GuardedStream

    for tail in ("", " [", " [2", " ( ", " ..."):
        stream = GuardedStream(FactGuard([], []))
        shown = stream.feed("Refunds take a few days." + tail) + stream.finish()
        assert "".join(shown).strip() == "Refunds take a few days.", tail
    stream = GuardedStream(FactGuard([], []))
    shown = stream.feed("Refunds take a few days. Then it is") + stream.finish()
    assert "".join(shown) == "Refunds take a few days. Then it is"  # words are kept
