"""The eval judge: facts on number boundaries, stock negations, invented figures, suggestions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.judge import StoreData, contains, fact_present, judge, products_named


@pytest.mark.parametrize(
    ("reply", "fact", "found"),
    [
        ("Standard shipping is €15.", "€15", True),
        ("It costs €150 in total.", "€15", False),
        ("It costs €15.95.", "€15", False),
        ("Returns within 114 days.", "14 days", False),
        ("Returns within 14 days.", "14 days", True),
        ("Cards take 3–5 bank days.", "3-5 bank days", True),
        ("Cards take 3 - 5 bank days.", "3–5 bank days", True),
        ("退款需要3–5个银行工作日。", "3-5个银行工作日", True),
        ("最多 45天", "45天", True),
        ("最多 145天", "45天", False),
        ("Price: 1,119.00 €", "119.00 €", False),
        ("THE LONG ONE", "long", True),
    ],
)
def test_contains_on_number_boundaries(reply: str, fact: str, found: bool) -> None:
    assert contains(reply, fact) is found


def test_stock_negations_are_read_first() -> None:
    positive = ["in stock", "有货", "有库存"]
    negative = ["out of stock", "sold out", "not in stock", "缺货"]
    assert fact_present(positive, "The Dome 2 Tent (Blue) is in stock.")
    assert not fact_present(positive, "The Dome 2 Tent (Blue) is not in stock.")
    assert not fact_present(positive, "这款帐篷没有货。")
    assert not fact_present(positive, "目前没有库存。")
    assert fact_present(positive, "目前有货。")
    assert fact_present(negative, "It is not in stock right now.")
    assert not fact_present(negative, "It is in stock.")


@pytest.fixture
def store(tmp_path: Path) -> StoreData:
    catalog = tmp_path / "catalog.jsonl"
    products = [
        {"id": "T1", "name": "Trek 45 Backpack", "price": 169.0, "url": "https://x.example/t1"},
        {"id": "T2", "name": "Trek 65 Backpack", "price": 219.0},
        {"id": "P1", "name": "Carbon Folding Poles (pair)", "price": 129.0},
        {"id": "P2", "name": "Aluminium Trekking Poles (pair)", "price": 49.95},
        {"id": "P3", "name": "Trek 45 Backpack Rain Cover", "price": 19.95},
    ]
    catalog.write_text("\n".join(json.dumps(p) for p in products) + "\n", encoding="utf-8")
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "returns.md").write_text("# Returns\nReturns within 30 days.\n", "utf-8")
    return StoreData.load(catalog, policies)


def test_products_named_prefers_the_longer_name(store: StoreData) -> None:
    assert products_named("Try the Trek 45 Backpack Rain Cover.", store.products) == {"P3"}
    assert products_named("The Trek 45 Backpack [1] is out.", store.products) == {"T1"}
    assert products_named("See https://x.example/t1 for it.", store.products) == {"T1"}
    assert products_named("Aluminium Trekking Poles cost €49.95", store.products) == {"P2"}


def test_figures_are_invented_only_outside_the_store(store: StoreData) -> None:
    item = {
        "id": "q",
        "question": "how long for returns?",
        "kind": "policy",
        "expected_facts": [["30 days"]],
    }
    assert judge(item, "Within 30 days [1].", store).ok
    verdict = judge(item, "Within 30 days, or 90 for members.", store)
    assert verdict.correct and not verdict.ok and "90" in verdict.invented[0]


def test_discovery_counts_suggestions_and_wrong_ones(store: StoreData) -> None:
    item = {
        "id": "d",
        "question": "any cheaper alternative to the carbon folding poles?",
        "kind": "discovery",
        "expected_facts": [["Aluminium Trekking Poles"]],
        "discovery": {"valid_product_ids": ["P2"], "min_suggestions": 1},
    }
    good = "The Carbon Folding Poles cost €129.00; the Aluminium Trekking Poles are €49.95."
    assert judge(item, good, store).ok
    bad = judge(item, good + " Or the Trek 65 Backpack (€219.00).", store)
    assert not bad.correct and bad.wrong_suggestions == ["T2"]
    assert not judge(item, "We have poles.", store).correct
