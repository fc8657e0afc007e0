"""The whole bot on the demo store: real vLLM engine, real embedder, real Chroma."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest

from bot import ShopBot
from tests.conftest import DATA, make_settings

pytestmark = [pytest.mark.slow, pytest.mark.integration]
SLICE = 40  # products: enough for a realistic index, small enough to embed in seconds


NAMED = {"Linen Button-Down Shirt", "Classic Pullover Hoodie", "Crew Neck T-Shirt"}


def _products() -> list[dict]:
    """The products the tests name, and the first SLICE of the rest of the catalog."""
    lines = (DATA / "catalog.jsonl").read_text(encoding="utf-8").splitlines()
    products = [json.loads(line) for line in lines]
    named = [p for p in products if p["name"] in NAMED]
    return named + [p for p in products if p["name"] not in NAMED][:SLICE]


@pytest.fixture(scope="module")
def demo_bot(vllm_backend: object, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ShopBot]:
    from retrieval import KnowledgeBase

    home = tmp_path_factory.mktemp("demo-home")
    catalog = home / "catalog.jsonl"
    catalog.write_text("".join(json.dumps(p) + "\n" for p in _products()), encoding="utf-8")
    settings = make_settings(home)
    knowledge = KnowledgeBase(settings, progress=False)
    knowledge.warm_up()
    knowledge.ingest(
        catalog=catalog, policies=DATA / "policies", dialogues=DATA / "conversations.jsonl"
    )
    bot = ShopBot(settings, backend=vllm_backend, knowledge=knowledge)  # type: ignore[arg-type]
    yield bot
    bot.close()


def _variant(product_name: str, **options: str) -> tuple[dict, dict]:
    for product in _products():
        if product["name"] == product_name:
            for variant in product["variants"]:
                if all(variant["options"].get(k) == v for k, v in options.items()):
                    return product, variant
    raise AssertionError(f"{product_name} {options} is not in the demo catalog")


def test_variant_price_and_stock_come_from_the_catalog(demo_bot: ShopBot) -> None:
    product, variant = _variant("Linen Button-Down Shirt", color="Blue", size="M")
    turn = demo_bot.chat("Do you have the blue linen shirt in M, and how much?", session="d1")
    assert f"${variant['price']:.2f}" in turn.reply
    assert ("in stock" in turn.reply) == variant["in_stock"]
    assert turn.sources[0]["product_id"] == product["id"]
    assert turn.sources[0].get("sku") == variant["sku"]


def test_out_of_stock_variant_is_said_so(demo_bot: ShopBot) -> None:
    product, variant = next(
        (p, v) for p in _products() for v in p["variants"] if not v["in_stock"] and p["in_stock"]
    )
    options = " ".join(variant["options"].values())
    turn = demo_bot.chat(f"Is the {product['name']} in {options} in stock?", session="d2")
    assert "out of stock" in turn.reply
    assert not re.search(r"(?<!out of )\bin stock\b", turn.reply.split("Available")[0])


def test_policy_answer_is_cited(demo_bot: ShopBot) -> None:
    turn = demo_bot.chat("How long do refunds to a credit card take?", session="d3")
    assert re.search(r"5[-–]7 business days", turn.reply)
    assert any(s.get("path") == "refunds.md" for s in turn.sources)


def test_chinese_question_gets_a_grounded_answer(demo_bot: ShopBot) -> None:
    turn = demo_bot.chat("退款到信用卡要多久？", session="d5")
    assert turn.language == "zh"
    assert re.search(r"5[-–]7", turn.reply)
    assert any(s.get("path") in ("returns_zh.md", "refunds.md") for s in turn.sources)


def test_question_outside_the_knowledge_offers_a_human(demo_bot: ShopBot) -> None:
    turn = demo_bot.chat("Can you recommend a good dentist in Chicago?", session="d6")
    assert "team" in turn.reply and not turn.escalated
    assert not re.search(r"\$\d", turn.reply)


def test_follow_up_leans_on_the_earlier_turn(demo_bot: ShopBot) -> None:
    first = demo_bot.chat("I ordered the black hoodie last week.", session="d7")
    assert not first.escalated
    turn = demo_bot.chat("Can I still change the size?", session="d7")
    assert not turn.escalated, (first.reply, turn.sentiment)
    assert any(s.get("path") in ("exchanges.md", "order_changes.md") for s in turn.sources)
    assert re.search(r"\[\d\]", turn.reply), turn.reply
    stored = demo_bot.store.get("d7")
    assert [m.role for m in stored.messages] == ["user", "assistant", "user", "assistant"]
