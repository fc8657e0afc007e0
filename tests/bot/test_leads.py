"""The lead of a reply: product facts and policy sentences part by part, sources from 1."""

from __future__ import annotations

from collections.abc import Sequence

from bot.extractive import SentencePicker
from bot.fakes import SimpleHit
from bot.leads import LeadWriter
from retrieval.catalog import Variant
from retrieval.products import ProductView

HEADLAMP = SimpleHit(
    "catalog:B151",
    "catalog",
    "Trail 400 Headlamp",
    "Trail 400 Headlamp (Camping > Lighting). Price: 44.95 EUR. 1 of 2 variants in stock.",
    0.9,
    {"product_id": "B151", "name": "Trail 400 Headlamp", "price": 44.95, "currency": "EUR",
     "in_stock": True, "kind": "product"},
)  # fmt: skip
SHIPPING = SimpleHit(
    "policy:shipping#zones",
    "policy",
    "Shipping > Zones",
    "Destination: Belgium; Standard shipping: €5.95; Free standard shipping from: €79.",
    0.9,
    {"path": "shipping.md"},
)
CHINA = SimpleHit(
    "policy:china#fees",
    "policy",
    "中国大陆配送 > 运费",
    "国际标准快递运费 €26.95，商品满 €280 免运费。",
    0.9,
    {"path": "china_zh.md"},
)


def _products(ids: Sequence[str]) -> list[ProductView]:
    variants = [
        Variant("BV-T400-BLAC", {"color": "Black"}, 44.95, True),
        Variant("BV-T400-ORAN", {"color": "Orange"}, 44.95, False),
    ]
    return [ProductView("B151", "Trail 400 Headlamp", currency="EUR", variants=variants)]


def test_a_product_asked_as_a_whole_is_answered_variant_by_variant() -> None:
    writer = LeadWriter(SentencePicker(), 0.5, products=_products)
    lead = writer.write("Trail 400 头灯橙色有货吗？", [HEADLAMP], "zh")
    assert "Black €44.95，目前有货" in lead.text and "Orange €44.95，目前缺货" in lead.text
    assert lead.text.endswith("[1]") and lead.cited == [HEADLAMP]


def test_each_part_from_its_own_evidence_and_sources_numbered_from_1() -> None:
    def search_many(parts: Sequence[str]) -> list[list[SimpleHit]]:
        return [[HEADLAMP] if "headlamp" in p.lower() else [SHIPPING] for p in parts]

    writer = LeadWriter(SentencePicker(), 0.5, search_many, products=_products)
    question = "How much is the Trail 400 headlamp, and what does shipping to Belgium cost?"
    lead = writer.write(question, [SHIPPING, HEADLAMP], "en")
    assert "€44.95" in lead.text and "€5.95" in lead.text
    assert lead.cited == [HEADLAMP, SHIPPING]
    assert "[1]" in lead.text and "[2]" in lead.text and "[3]" not in lead.text


def test_a_sentence_in_the_other_language_is_quoted_with_a_lead_in() -> None:
    lead = LeadWriter(SentencePicker(), 0.5).write("China shipping fee €26.95?", [CHINA], "en")
    assert lead.text.startswith('Our store information (in Chinese) says: "')
    assert "€26.95" in lead.text


DAMAGED = SimpleHit(
    "policy:returns_zh#damaged",
    "policy",
    "退货与退款说明 > 商品破损",
    "如果收到的商品有破损，请在签收后14天内联系我们，并提供订单号和照片。一般不需要把破损商品寄回。",
    0.3,
    {"path": "returns_zh.md"},
)
GIFT_CARDS = SimpleHit(
    "policy:gift#balance", "policy", "礼品卡 > 余额", "礼品卡余额可在账户页面查看。", 0.25, {}
)


def _case(score: float) -> SimpleHit:
    return SimpleHit(
        "dialogue:C1",
        "dialogue",
        "Past case C1: damaged_item",
        "Shopper's problem: 包裹破损了怎么办？\n"
        "How it was solved: 已为您全额退款，5–7个工作日到账。",
        score,
        {},
    )


def test_a_past_case_that_asked_the_same_says_where_to_look() -> None:
    """Retrieval ranks the right policy passage under the relevance bar; a resolved past case
    that asked the same thing vouches for looking deeper. The sentence said comes from the
    policy, and must answer the question: the case's own answer is never quoted."""
    searched: list[list[str]] = []

    def search_many(queries: Sequence[str]) -> list[list[SimpleHit]]:
        searched.append(list(queries))
        return [[DAMAGED, GIFT_CARDS] for _ in queries]

    writer = LeadWriter(SentencePicker(), 0.5, search_many)
    # Only when the lead is the whole reply: a model that writes the language gets the passages.
    assert writer.write("包裹破损了怎么办？", [_case(0.99)], "zh").text == ""
    lead = writer.write("包裹破损了怎么办？", [_case(0.99)], "zh", alone=True)
    assert "14天内联系我们" in lead.text and lead.cited == [DAMAGED]
    assert "全额退款" not in lead.text and "礼品卡" not in lead.text
    assert searched[0][0] == "包裹破损了怎么办？"  # the question itself, then the case's answer
    # A case that only resembles the question vouches for nothing.
    assert writer.write("包裹破损了怎么办？", [_case(0.6)], "zh", alone=True).text == ""


def test_an_out_of_stock_variant_comes_with_the_variants_in_stock() -> None:
    orange = SimpleHit(
        "catalog:BV-T400-ORAN",
        "catalog",
        "Trail 400 Headlamp (Orange)",
        "Trail 400 Headlamp — variant color: Orange. Price: 44.95 EUR. Out of stock.",
        0.9,
        {"product_id": "B151", "name": "Trail 400 Headlamp", "price": 44.95, "currency": "EUR",
         "in_stock": False, "sku": "BV-T400-ORAN", "options": {"color": "Orange"}},
    )  # fmt: skip
    writer = LeadWriter(SentencePicker(), 0.5, products=_products)
    lead = writer.write("Is the Trail 400 headlamp in orange in stock?", [orange], "en")
    assert "out of stock" in lead.text
    assert "Available alternatives: Black (€44.95)" in lead.text
    zh = writer.write("Trail 400 头灯橙色有货吗？", [orange], "zh").text
    assert "目前缺货" in zh and zh.count("可选的有货款式") == 1 and "Black" in zh
