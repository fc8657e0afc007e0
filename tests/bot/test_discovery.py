"""Product discovery from the catalog: limits read from the request, real products suggested."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.discovery import ProductFinder, discovery_reply, read_request
from bot.settings import Settings
from retrieval import HashingEmbedder
from retrieval.index import MemoryIndex
from retrieval.knowledge import KnowledgeBase

PRODUCTS = [
    ("C1", "Classic Folding Camp Chair", "Camp Furniture", [("Green", 34.95, True)]),
    ("C2", "Trail Chair Ultralight", "Camp Furniture", [("Black", 99.0, True)]),
    ("C3", "Low Beach Chair", "Camp Furniture", [("Blue", 29.95, False)]),
    ("T1", "Dome 2 Tent", "Tents", [("Green", 119.0, True)]),
    ("T2", "Lumen 2 Ultralight Tent", "Tents", [("Sage", 389.0, True), ("Sand", 389.0, False)]),
    ("T3", "Tunnel 4 Family Tent", "Tents", [("Grey", 449.0, True)]),
    ("K1", "Hard-Anodized Cook Set 2-Person", "Cookware", [("", 54.95, True)]),
    ("K2", "Family Cook Set 4-Person", "Cookware", [("", 89.0, True)]),
]
WEIGHTS = {"T1": 2600, "T2": 1420, "T3": 9800}


def _catalog(path: Path) -> Path:
    lines = []
    for pid, name, category, variants in PRODUCTS:
        attributes = {"weight_g": WEIGHTS[pid]} if pid in WEIGHTS else {}
        if pid.startswith("T"):
            attributes["capacity_persons"] = int(name.split()[1])
        lines.append(
            {
                "id": pid,
                "name": name,
                "description": f"A {name.lower()} for campers.",
                "category": category,
                "currency": "EUR",
                "url": f"https://shop.example/{pid.lower()}",
                "attributes": attributes,
                "variants": [
                    {"sku": f"{pid}-{i}", "options": {"color": c} if c else {}, "price": p,
                     "in_stock": s}
                    for i, (c, p, s) in enumerate(variants)
                ],
            }
        )  # fmt: skip
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def finder(tmp_path: Path) -> ProductFinder:
    kb = KnowledgeBase(
        Settings(home=tmp_path / "home"), HashingEmbedder(), MemoryIndex(), progress=False
    )
    kb.ingest(catalog=_catalog(tmp_path / "catalog.jsonl"))
    return ProductFinder(kb, kb.embedder.embed)


@pytest.mark.parametrize(
    ("question", "max_price", "people"),
    [
        ("camp chair under €40?", 40.0, None),
        ("cheap sleeping bag, max 60 euro", 60.0, None),
        ("有没有便宜点的保温杯，30欧以内", 30.0, None),
        ("去徒步用的净水器，50欧以下", 50.0, None),
        ("a tent for two people", None, 2),
        ("两个人露营用的锅具有吗", None, 2),
    ],
)
def test_limits_are_read_from_the_request(
    question: str, max_price: float | None, people: int | None
) -> None:
    request = read_request(question)
    assert request.max_price == max_price and request.people == people
    assert request.is_discovery or people is not None


def test_suggestions_exist_are_in_stock_and_within_budget(finder: ProductFinder) -> None:
    found = finder.find("camp chair under 40 euros?")
    ids = [s.product.id for s in found.suggestions]
    assert ids == ["C1"]  # C2 is over budget, C3 out of stock
    reply, cited = discovery_reply(found, "en")
    assert "Classic Folding Camp Chair — €34.95, in stock" in reply
    assert "https://shop.example/c1 [1]" in reply and len(cited) == 1


def test_cheaper_than_a_named_product(finder: ProductFinder) -> None:
    found = finder.find("something like the Lumen 2 tent but cheaper")
    ids = [s.product.id for s in found.suggestions]
    assert (
        "T2" not in ids
        and ids
        and all(
            s.product.category == "Tents" and s.product.offers(388.99) for s in found.suggestions
        )
    )


def test_lightest_for_two_people(finder: ProductFinder) -> None:
    found = finder.find("whats your lightest tent for two people?")
    assert [s.product.id for s in found.suggestions] == ["T2"]
    reply, _ = discovery_reply(found, "zh")
    assert (
        reply.startswith("为您找到") and "Lumen 2 Ultralight Tent — €389.00，有货（Sage）" in reply
    )


def test_people_count_picks_the_right_set(finder: ProductFinder) -> None:
    found = finder.find("cook set for 2 people")
    assert [s.product.id for s in found.suggestions] == ["K1"]
