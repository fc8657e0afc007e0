"""The shopper chat page's pieces in-process: what a shopper sees of a stored conversation."""

from __future__ import annotations

import httpx

from bot.shoppers import cited_sources, open_conversation, owns, shopper_view
from tests.ui.conftest import run_client
from ui.shopper import as_history

SOURCES = [
    {"n": 1, "id": "p:1", "source": "catalog", "title": "Linen Shirt", "score": 0.9,
     "url": "https://shop.example/p/linen", "product_id": "P1"},
    {"n": 2, "id": "pol:1", "source": "policy", "title": "Returns > Window", "score": 0.8,
     "path": "returns.md"},
    {"n": 3, "id": "x", "source": "catalog", "title": "Bad link", "score": 0.7,
     "url": "javascript:alert(1)"},
]  # fmt: skip


def test_only_cited_sources_are_shown_and_links_are_safe() -> None:
    shown = cited_sources("It costs $49 [1]; returns within 30 days [2].", SOURCES)
    assert [s["n"] for s in shown] == [1, 2] and "score" not in shown[0]
    assert shown[0]["url"].startswith("https://")
    assert "url" not in cited_sources("See [3].", SOURCES)[0]
    assert len(cited_sources("No markers here.", SOURCES)) == 3


def test_shopper_view_and_history(settings) -> None:
    from bot.store import SQLConversationStore

    store = SQLConversationStore(settings.resolved_database_url)
    cid, token = open_conversation(store, "web")
    conversation = store.get(cid)
    assert (
        owns(conversation, token)
        and not owns(conversation, "guess")
        and not owns(conversation, None)
    )
    store.append(cid, "user", "Blue linen shirt in M?", {"sentiment": {"dissatisfaction": 0.1}})
    store.append(cid, "assistant", "It costs $49 [1].", {"sources": SOURCES})
    store.append(cid, "agent", "Hi, Dana here.", {"agent": "Dana"})
    store.append(cid, "assistant", "Partial", {"interrupted": True})
    store.append(cid, "assistant", "退款 5-7 个工作日到账 [2]。", {"sources": SOURCES})
    store.set_status(cid, "agent")
    view = shopper_view(store.get(cid))
    assert view["human"] is True and "sentiment" not in view["messages"][0]
    assert "shopper_token_sha256" not in str(view)
    history, positions = as_history(view, "en")
    assert positions == [0, 1, 2, 3, 4]
    assert [m["role"] for m in history] == ["user", *["assistant"] * 4]
    assert "[[1] Linen Shirt](https://shop.example/p/linen)" in history[1]["content"]
    assert "Returns" not in history[1]["content"]  # not cited
    assert history[2]["content"].startswith("**Dana · team:**")
    assert history[3]["content"].endswith("(reply interrupted)")
    # "Sources" in the language of the reply it follows, numbered as shown.
    assert "*参考来源:* 📄 [1] Returns" in history[4]["content"]
    assert history[4]["content"].startswith("退款 5-7 个工作日到账 [1]。")
    zh, _ = as_history(view, "zh")
    assert "*Sources:*" in zh[1]["content"] and zh[2]["content"].startswith("**Dana · 客服:**")


def test_chat_page_offers_suggestions_takeover_rating_and_languages(web_app) -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        page = await client.get("/")
        assert page.status_code == 200
        config = (await client.get("/config")).json()
        ids = {c.get("props", {}).get("elem_id") for c in config["components"]}
        assert {"shopbot-chat", "message", "send", "human", "rating", "language"} <= ids
        text = str(config)
        assert "How long do refunds to a credit card take?" in text
        assert "Northwind Lane" in text

    run_client(web_app, scenario)


def test_sources_are_numbered_as_shown() -> None:
    from bot.shoppers import as_shown

    reply, shown = as_shown("Returns within 30 days [2].", SOURCES)
    assert reply == "Returns within 30 days [1]." and [s["n"] for s in shown] == [1]
    assert shown[0]["title"] == "Returns > Window"
    reply, shown = as_shown("It costs $49 [3], returns in 30 days [2] [9].", SOURCES)
    assert reply == "It costs $49 [2], returns in 30 days [1]."  # [9] points at nothing
    assert [(s["n"], s["title"]) for s in shown] == [(1, "Returns > Window"), (2, "Bad link")]
    assert as_shown("No markers.", SOURCES)[1] == cited_sources("No markers.", SOURCES)
