"""A store written in one language, shoppers writing in the other: the whole bot (real vLLM
engine with the bundled model, both real encoders, real Chroma) answers from the store's pages,
quoting the sentence with a lead-in in the shopper's language, and still says so when the
pages hold no answer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import ShopBot
from bot.language import phrase
from tests.conftest import make_settings
from tests.retrieval.test_translation import chinese_store, english_store

pytestmark = [pytest.mark.slow, pytest.mark.integration]


def _bot(home: Path, policies: Path, backend: object) -> ShopBot:
    from retrieval import KnowledgeBase

    settings = make_settings(home)
    knowledge = KnowledgeBase(settings, progress=False)
    knowledge.ingest(policies=policies)
    bot = ShopBot(settings, backend=backend, knowledge=knowledge)  # type: ignore[arg-type]
    bot.warm_up()
    return bot


@pytest.fixture(scope="module")
def stores(vllm_backend: object, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """A store written only in English and one written only in Chinese, one bot each."""
    bots = {}
    for name, write in (("english_pages", english_store), ("chinese_pages", chinese_store)):
        tmp = tmp_path_factory.mktemp(name)
        bots[name] = _bot(tmp / "home", write(tmp), vllm_backend)
    yield bots
    for bot in bots.values():
        bot.close()


def _cited(turn: object) -> list[str]:
    return [str(source.get("path")) for source in turn.sources]  # type: ignore[attr-defined]


ENGLISH_LEAD_IN = "Our store information (in Chinese) says"
CHINESE_LEAD_IN = "我们的英文资料中写道"


@pytest.mark.parametrize(
    ("store", "question", "figure", "page", "lead_in"),
    [
        ("english_pages", "信用卡退款要多久？", "5–7", "refunds.md", CHINESE_LEAD_IN),
        ("english_pages", "你们周六开门吗？", "18:00", "stores.md", CHINESE_LEAD_IN),
        ("english_pages", "礼品包装多少钱？", "$4", "stores.md", CHINESE_LEAD_IN),
        ("chinese_pages", "What does shipping cost?", "199", "shipping_zh.md", ENGLISH_LEAD_IN),
        (
            "chinese_pages",
            "How long does a refund to my credit card take?",
            "7到15",
            "refunds_zh.md",
            ENGLISH_LEAD_IN,
        ),
    ],
)
def test_a_question_is_answered_from_pages_in_the_other_language(
    stores: dict, store: str, question: str, figure: str, page: str, lead_in: str
) -> None:
    """The sentence is quoted with a lead-in in the shopper's language, and cited."""
    turn = stores[store].chat(question)
    assert figure in turn.reply and lead_in in turn.reply, turn.reply
    assert page in _cited(turn) and not turn.escalated


def test_what_the_pages_do_not_answer_is_still_said_so(stores: dict) -> None:
    turn = stores["english_pages"].chat("你们卖汽车轮胎吗？")
    assert turn.reply == phrase("zh", "no_knowledge") and not turn.sources
    turn = stores["chinese_pages"].chat("Do you sell car tyres?")
    assert turn.reply == phrase("en", "no_knowledge") and not turn.sources
