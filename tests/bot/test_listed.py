"""Items a page lists, named in a question: the rule about that kind of thing is found."""

from __future__ import annotations

from collections.abc import Sequence

from bot.extractive import SentencePicker
from bot.fakes import SimpleHit
from bot.leads import LeadWriter
from bot.listed import item_names, listed_names, without_names

STYLES = SimpleHit(
    "policy:wrapping#styles",
    "policy",
    "Gift wrapping > Wrap styles",
    "- Kraft Classic: brown paper and twine, $3.\n- Velvet Noir: a black velvet box, $9.",
    0.9,
)
RULES = SimpleHit(
    "policy:wrapping#adding",
    "policy",
    "Gift wrapping > Adding wrapping",
    "Wrapping is added at checkout. One wrap style per order, for the whole order.",
    0.8,
)


def _search_many(queries: Sequence[str]) -> list[list[SimpleHit]]:
    return [[STYLES, RULES] if "Gift wrapping" in q else [STYLES] for q in queries]


def test_list_lines_and_table_rows_name_their_items() -> None:
    assert item_names(STYLES.text) == ["Kraft Classic", "Velvet Noir"]
    assert item_names("Tier: Gold; Discount: 10%.\n等级：白金；折扣：15%。") == ["Gold", "白金"]


def test_named_items_are_replaced_by_their_page_title_once() -> None:
    question = "Can I have Kraft Classic and velvet noir on one order?"
    names = listed_names(question, [STYLES, RULES], [STYLES.text, RULES.text])
    assert [n.name for n in names] == ["Kraft Classic", "Velvet Noir"]
    assert without_names(question, names) == "Can I have Gift wrapping on one order?"
    chinese = "一个订单可以同时用Kraft Classic和Velvet Noir吗？"
    names = listed_names(chinese, [STYLES], [STYLES.text])
    assert without_names(chinese, names) == "一个订单可以同时用Gift wrapping吗？"


def test_a_name_many_pages_use_is_not_a_listed_item() -> None:
    pages = [STYLES.text, "Kraft Classic paper is recycled.", "Kraft Classic is our default."]
    assert listed_names("Is Kraft Classic recycled?", [STYLES], pages) == []


def test_the_rule_leads_and_the_items_lines_follow() -> None:
    writer = LeadWriter(
        SentencePicker(), 0.5, _search_many, documents=lambda: [STYLES.text, RULES.text]
    )
    lead = writer.write("Can I have Kraft Classic and Velvet Noir on one order?", [STYLES], "en")
    assert lead.text.index("One wrap style per order") < lead.text.index("Kraft Classic: brown")
    assert "Velvet Noir: a black velvet box, $9." in lead.text
    assert lead.cited == [RULES, STYLES]
    chinese = writer.write("一个订单可以同时用Kraft Classic和Velvet Noir吗？", [STYLES], "zh")
    assert "One wrap style per order" in chinese.text and "“" in chinese.text
