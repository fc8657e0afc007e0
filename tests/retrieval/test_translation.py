"""Questions read in the words of the store's pages in the other language (CC-CEDICT), and a
store written only in English answering Chinese questions with the bundled English encoder."""

from __future__ import annotations

from pathlib import Path

from bot.settings import Settings
from retrieval.embedder import Embedder
from retrieval.index import MemoryIndex
from retrieval.knowledge import KnowledgeBase
from retrieval.text import keyword_terms
from retrieval.translation import to_chinese, to_english


def _known(text: str):  # type: ignore[no-untyped-def]
    counts: dict[str, int] = {}
    for term in keyword_terms(text):
        counts[term] = counts.get(term, 0) + 1
    return lambda term: counts.get(term, 0)


STORE_EN = _known(
    "Returns: send the parcel back within 30 days for a refund. Refunds to a credit card take "
    "5 days. Broken or damaged items: we send a new one. Shipping fee: free over $50."
)


def test_a_chinese_word_gets_the_sense_the_store_writes() -> None:
    # 退 is "to retreat; to decline; ... to return" in the dictionary: this store writes "return".
    english = to_english("袜子可以退吗？", STORE_EN)
    assert english is not None and "return" in english and "retreat" not in english
    english = to_english("信用卡退款要多久？", STORE_EN)
    assert english is not None and "credit card" in english and "refund" in english


def test_a_particle_does_not_hide_the_word_and_unknown_words_are_left_out() -> None:
    # 坏了 alone is "shoot!, gosh!"; 物流 "logistics" is a word this store never uses.
    english = to_english("物流说到了，包裹坏了", STORE_EN)
    assert english is not None
    assert "parcel" in english and ("broken" in english or "bad" in english)
    assert "gosh" not in english and "stream" not in english and "thing" not in english
    assert to_english("平安夜", STORE_EN) is None
    assert to_english("no Chinese here", STORE_EN) is None


def test_an_english_question_in_the_chinese_words_of_the_store() -> None:
    store_zh = _known("退款会在5个工作日内退回信用卡。包裹破损请拍照。")
    chinese = to_chinese("How long until my refund reaches the credit card?", store_zh)
    assert chinese is not None and "退款" in chinese and "信用卡" in chinese
    assert to_chinese("Hiking boots", store_zh) is None
    assert to_chinese("已经是中文", store_zh) is None


def write_pages(folder: Path, pages: dict[str, str]) -> Path:
    """A store's policy folder holding these pages (file name → Markdown)."""
    folder.mkdir()
    for name, text in pages.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def english_store(tmp_path: Path) -> Path:
    return write_pages(
        tmp_path / "policies",
        {
            "refunds.md": "# Refunds\n\n## How long refunds take\n\nCredit and debit cards: 5–7 "
            "business days after the refund is issued. PayPal: 3–5 business days.\n\n"
            "## What is refunded\n\nThe price of the returned items. Original shipping costs "
            "are refunded only when the item was damaged.\n",
            "damaged.md": "# Damaged items\n\n## If your parcel arrived damaged\n\nSend us a photo "
            "of the broken item and the box within 7 days and we send a replacement.\n\n"
            "## Wrong item\n\nIf we sent the wrong item, we pay the return label.\n",
            "stores.md": "# Our shops\n\n## Opening hours\n\nMonday to Saturday 9:00–18:00.\n\n"
            "## Gift wrapping\n\nGift wrapping costs $4 per item.\n",
        },
    )


def chinese_store(tmp_path: Path) -> Path:
    return write_pages(
        tmp_path / "zh_policies",
        {
            "shipping_zh.md": "# 配送说明\n\n## 运费与包邮\n\n单笔订单满199元包邮，"
            "不满199元收取运费10元。\n\n## 到货时效\n\n江浙沪一般1到2天送达，其他地区3到5天。\n",
            "refunds_zh.md": "# 退款说明\n\n## 到账时间\n\n退款原路退回：支付宝1到3个工作日，"
            "信用卡7到15个工作日。\n\n## 优惠券\n\n整单退款时优惠券退回账户，"
            "部分退款时优惠券不退。\n",
            "tea_zh.md": "# 茶叶说明\n\n## 储存方法\n\n绿茶请密封冷藏，开封后三个月内喝完。\n\n"
            "## 冲泡方法\n\n乌龙茶用95度的水，每泡约一分钟，可以冲泡五到七次。\n\n"
            "## 检测报告\n\n每批茶叶都经过农药残留检测，报告可在商品页下载。\n",
            "members_zh.md": "# 会员与发票\n\n## 会员积分\n\n每消费1元积1分，100积分可抵扣1元。\n\n"
            "## 开具发票\n\n下单时填写抬头和税号，发货后七天内开具电子发票。\n\n"
            "## 礼盒定制\n\n企业订购礼盒满50盒可以印制企业标志，需提前两周下单。\n",
        },
    )


def test_chinese_questions_find_english_pages_with_the_english_encoder(
    tmp_path: Path, real_embedder: Embedder
) -> None:
    kb = KnowledgeBase(
        Settings(home=tmp_path / "home"), real_embedder, MemoryIndex(), progress=False
    )
    kb.ingest(policies=english_store(tmp_path))
    for question, heading in [
        ("信用卡退款要多久？", "How long refunds take"),
        ("包裹到的时候已经坏了，怎么办？", "If your parcel arrived damaged"),
        ("礼品包装多少钱？", "Gift wrapping"),
    ]:
        top = [hit.metadata.get("heading", "") for hit in kb.search(question, k=2)]
        assert any(heading in found for found in top), (question, top)
