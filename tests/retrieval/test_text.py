"""Keyword terms and the keyword index (fast)."""

from __future__ import annotations

import pytest

from retrieval.documents import SearchFilters
from retrieval.keyword import KeywordIndex
from retrieval.text import keyword_terms, value_in_query, word_set


def test_words_are_folded_and_lightly_stemmed() -> None:
    assert keyword_terms("Blue Linen SHIRTS") == ["blue", "linen", "shirt"]


def test_identifiers_keep_parts_and_whole() -> None:
    terms = keyword_terms("SKU LS-BLU-M, order #10234")
    assert {"ls", "blu", "m", "ls-blu-m", "10234"} <= set(terms)


def test_cjk_runs_become_bigrams() -> None:
    assert keyword_terms("退款到账") == ["退款", "款到", "到账"]
    assert keyword_terms("蓝色M码") == ["蓝色", "m", "码"]


def test_full_width_text_is_normalized() -> None:
    assert keyword_terms("ＸＬ") == ["xl"]


def test_words_typed_without_a_space_come_apart() -> None:
    terms = keyword_terms("Merino TeeRust XL有货吗")
    assert terms == ["merino", "tee", "rust", "xl", "有货", "货吗"]
    query = "Fisherman Wool BeanieGrey有货吗？"
    assert value_in_query("Grey", query.casefold(), word_set(query))
    assert keyword_terms("iPhone McKinley") == ["iphone", "mckinley"]


def test_contractions_do_not_look_like_sizes() -> None:
    query = "what's the price"
    assert not value_in_query("S", query, word_set(query))
    assert value_in_query("M", "blue in m", word_set("blue in m"))
    assert value_in_query("蓝色", "有蓝色的吗", word_set("有蓝色的吗"))


def test_keyword_coverage_is_between_0_and_1() -> None:
    index = KeywordIndex()
    index.add("a", "linen shirt blue", {"source": "catalog", "price": 10.0, "in_stock": True})
    index.add("b", "refunds to credit cards take ten days", {"source": "policy"})
    index.add("c", "退款到信用卡需要5到10个工作日", {"source": "policy"})
    result = index.search("blue linen shirt", 5)
    assert result.top[0][0] == "a"
    assert 0.9 <= result.coverage("a") <= 1.0
    assert result.coverage("b") == 0.0
    assert index.search("退款要多久", 5).top[0][0] == "c"


def test_keyword_index_follows_updates_and_filters() -> None:
    index = KeywordIndex()
    index.add("a", "wool beanie", {"source": "catalog", "price": 25.0, "in_stock": False})
    index.add("b", "wool scarf", {"source": "catalog", "price": 15.0, "in_stock": True})
    assert {i for i, _ in index.search("wool", 5).top} == {"a", "b"}
    index.remove(["a"])
    assert [i for i, _ in index.search("wool", 5).top] == ["b"]
    index.add("b", "cotton scarf", {"source": "catalog", "price": 15.0, "in_stock": True})
    assert index.search("wool", 5).top == []
    hits = index.search("scarf", 5, filters=SearchFilters(max_price=10)).top
    assert hits == []
    assert index.search("scarf", 5, filters=SearchFilters(in_stock=True)).top[0][0] == "b"


@pytest.mark.parametrize(
    ("query", "value", "named"),
    [
        ("Synthetic 5 睡袋 Regular 右拉链还有吗", "Right", True),
        ("Synthetic 5 睡袋 Regular 右拉链还有吗", "Left", False),
        ("蓝色亚麻衬衫M码多少钱？", "Blue", True),
        ("黑色的有吗", "Black", True),
        ("黑色的有吗", "Dark Grey", False),
        ("左边那个有货吗", "Wrong", False),  # 左's later senses do not name options
    ],
)
def test_a_chinese_word_names_an_english_option_value(query: str, value: str, named: bool) -> None:
    from retrieval.text import normalize

    assert value_in_query(value, normalize(query), word_set(query)) is named
