"""Personal data: masking (logs, past-conversation index, handoff summary), the output check
against other people's data, and per-shopper export and deletion (real SQLite and Chroma)."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from bot import ShopBot, data_rights
from bot.backends import FakeBackend
from bot.errors import ConversationNotFound, InputError
from bot.fakes import SimpleHit, StaticKnowledge
from bot.handoff import handoff_packet, summarize
from bot.privacy import (
    find_personal_data,
    foreign_personal_data,
    install_log_masking,
    luhn_valid,
    mask_data,
    mask_personal_data,
)
from bot.settings import Settings
from bot.store import SQLConversationStore
from retrieval.dialogues import load_dialogues
from tests.bot.test_shopbot import KNOWLEDGE
from tests.conftest import DATA


@pytest.mark.parametrize(
    ("text", "raw", "placeholder"),
    [
        ("Reach me at jane.doe+shop@mail.example please", "jane.doe", "[email]"),
        ("Call (614) 555-8347 after 5", "555-8347", "[phone]"),
        ("my number is +1 614-555-0199", "555-0199", "[phone]"),
        ("UK office +44 20 7946 0958", "7946", "[phone]"),
        ("Card 4111 1111 1111 1111 was charged", "4111", "[card number]"),
        ("card 4539-1488-0343-6467 please", "6467", "[card number]"),
        ("It should be 5021 Sunset Blvd, Unit 12, Los Angeles, CA 90027.", "Sunset", "[address]"),
        ("门牌号写错了 电话13812345678", "13812345678", "[phone]"),
        ("手机 +86 139 1234 5678", "1234", "[phone]"),
        ("座机 010-88886666", "88886666", "[phone]"),
        ("邮箱：wang.li@example.cn 谢谢", "wang.li", "[email]"),
        ("新地址是上海市浦东新区世纪大道100号", "世纪大道", "[address]"),
        ("请寄到北京市朝阳区建国路88号3号楼501室", "建国路88号", "[address]"),
    ],
)
def test_personal_data_is_masked(text: str, raw: str, placeholder: str) -> None:
    masked = mask_personal_data(text)
    assert raw not in masked
    assert placeholder in masked


def test_masking_keeps_what_the_store_needs() -> None:
    text = "Order NW-204518: NW-LBDS-BLU-M costs $49.00, ships in 3–5 business days (2026-11-23)."
    assert mask_personal_data(text) == text
    assert mask_personal_data("新地址是上海市浦东新区世纪大道100号").startswith("新地址是")


def test_card_numbers_must_pass_luhn() -> None:
    assert luhn_valid("4111 1111 1111 1111") and luhn_valid("4539148803436467")
    assert not luhn_valid("4111 1111 1111 1112")
    assert [f.kind for f in find_personal_data("card 4539 1488 0343 6467")] == ["card"]
    assert "card" not in {f.kind for f in find_personal_data("ref 4111 1111 1111 1112")}
    # Training data masks any card-like number, checksum or not.
    from finetune.privacy import mask_personal_data as mask_for_training

    assert "[card number]" in mask_for_training("卡号6222021234567890123")


def test_other_peoples_data_is_foreign_the_shoppers_own_is_not() -> None:
    own = ["My email is Jane@Mail.example and my phone +1 (614) 555-0199"]
    from bot.privacy import identities_in

    allowed = identities_in(own)
    reply = "We'll write to jane@mail.example and call 614.555.0199."
    assert foreign_personal_data(reply, allowed) == []
    leaked = foreign_personal_data("Michael's email is michaelk65@mail.example.", allowed)
    assert [f.kind for f in leaked] == ["email"]
    assert foreign_personal_data("他的电话是13912345678", allowed)[0].kind == "phone"
    # Raw values are accepted too (e.g. identifiers the orders module has verified).
    assert foreign_personal_data("Sent to lena@mail.example", ["lena@mail.example"]) == []


def test_mask_data_walks_json() -> None:
    record = {"q": ["mail me at a.b@mail.example"], "n": 3, "nested": {"p": "13812345678"}}
    assert mask_data(record) == {"q": ["mail me at [email]"], "n": 3, "nested": {"p": "[phone]"}}


def test_log_lines_are_masked() -> None:
    install_log_masking()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("shopbot.test.privacy")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        logger.info("Shopper %s wrote from %s", "jane@mail.example", "+1 614 555 0199")
        logger.warning("卡号 4539 1488 0343 6467，地址北京市朝阳区建国路88号")
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert "jane@mail.example" not in text and "555 0199" not in text and "4539" not in text
    assert "建国路88号" not in text
    assert text.count("[email]") == 1 and "[phone]" in text and "[card number]" in text


def test_past_conversation_passages_are_masked() -> None:
    result = load_dialogues(DATA / "conversations.jsonl")
    text = " ".join(p.title + p.text for p in result.passages)
    for raw in ("michaelk65@mail.example", "555-8347", "5021 Sunset Blvd"):
        assert raw not in text
    assert "[email]" in text and "[address]" in text


def _store(tmp_path: Path) -> SQLConversationStore:
    return SQLConversationStore(f"sqlite:///{tmp_path / 'conversations.db'}")


def test_handoff_summary_is_masked_when_configured(tmp_path: Path) -> None:
    store = _store(tmp_path)
    cid = store.create("c1")
    store.append(cid, "user", "Wrong address! Send it to 620 W 42nd St, Apt 31C, New York, NY")
    store.append(cid, "user", "Call me on 13812345678 or mail li.wei@mail.example")
    conversation = store.get(cid)
    masked = summarize(conversation, ["shopper asked"], mask_personal=True)
    assert "42nd" not in masked and "13812345678" not in masked and "li.wei" not in masked
    assert "[address]" in masked and "[phone]" in masked
    assert "42nd" in summarize(conversation, ["shopper asked"])
    packet = handoff_packet(conversation, [], mask_summary=True)
    assert "13812345678" not in packet["summary"]
    assert "13812345678" in packet["transcript"][1]["content"]  # the agent still has it all


def test_engine_hands_off_with_a_masked_summary(settings: Settings) -> None:
    bot = ShopBot(settings, backend=FakeBackend(), knowledge=StaticKnowledge(KNOWLEDGE))
    bot.chat("My email is ann@mail.example, the parcel never came", session="h1")
    bot.request_human("h1")
    payload = bot.store.due_deliveries()[0].payload  # type: ignore[attr-defined]
    assert "ann@mail.example" not in payload["summary"] and "[email]" in payload["summary"]


def test_replies_never_carry_other_customers_data(settings: Settings) -> None:
    past_case = SimpleHit(
        "dialogue:C9",
        "dialogue",
        "Past case C9: refund",
        "Shopper's problem: refund to card. How it was solved: refunded, mailed lena@mail.example",
        0.9,
        {"conversation_id": "C9"},
    )
    backend = FakeBackend(
        lambda r: (
            "Refunds take 5-7 business days [1]. The last shopper, lena@mail.example, "
            "got hers. We will email you at tom@mail.example."
        )
    )
    bot = ShopBot(settings, backend=backend, knowledge=StaticKnowledge([*KNOWLEDGE, past_case]))
    bot.chat("Hi, my email is tom@mail.example", session="p1")
    turn = bot.chat("How long do refunds to a credit card take?", session="p1")
    assert "lena@mail.example" not in turn.reply
    assert "tom@mail.example" in turn.reply  # the shopper's own
    assert "5-7 business days" in turn.reply
    assert any(w["check"] == "personal_data" for w in turn.withheld)


# -- export and deletion ---------------------------------------------------------------------
def _two_shoppers(store: SQLConversationStore) -> None:
    store.create("jane-1")
    store.append("jane-1", "user", "Hi, my email is Jane.Doe@mail.example, where is NW-111111?")
    store.append("jane-1", "assistant", "It ships today.")
    store.create("jane-2")
    store.append("jane-2", "user", "It's Jane again (jane.doe@mail.example). Can I return it?")
    store.create("bob-1")
    store.append("bob-1", "user", "Bob here, +1 614 555 0123, bob@mail.example")
    store.append("bob-1", "user", "My sister jane.doe@mail.example ordered it for me")
    store.create("li-1")
    store.append("li-1", "user", "我的手机号是138 1234 5678")


def test_export_and_delete_by_shopper(tmp_path: Path) -> None:
    store = _store(tmp_path)
    _two_shoppers(store)
    # Newest first; Bob mentioning Jane's email does not make his conversation hers.
    assert data_rights.conversations_of(store, "JANE.DOE@mail.example") == ["jane-2", "jane-1"]
    assert data_rights.conversations_of(store, "+86 13812345678") == ["li-1"]
    assert data_rights.conversations_of(store, "(614) 555-0123") == ["bob-1"]
    exported = data_rights.export(store, conversation_id="jane-1")
    assert exported["conversations"][0]["messages"][1]["content"] == "It ships today."
    json.dumps(exported)  # JSON-able as it is
    result = data_rights.delete(store, shopper="13812345678")
    assert result == {"deleted": ["li-1"], "index_passages_removed": []}
    with pytest.raises(ConversationNotFound):
        store.get("li-1")
    assert store.get("jane-1").messages  # nobody else's conversation is touched
    with pytest.raises(InputError, match="email address nor a phone"):
        data_rights.export(store, shopper="Jane Doe")
    with pytest.raises(InputError, match="either"):
        data_rights.export(store)


@pytest.mark.slow
@pytest.mark.integration
def test_delete_removes_the_conversation_from_the_chroma_index(
    settings: Settings, tmp_path: Path
) -> None:
    from retrieval import HashingEmbedder, KnowledgeBase

    store = _store(tmp_path)
    _two_shoppers(store)
    dialogues = tmp_path / "dialogues.jsonl"
    rows = [
        {
            "id": cid,
            "outcome": {"resolved": True},
            "messages": [
                {"role": "user", "content": f"Kettle {cid} stopped heating, mail jane@x.example"},
                {"role": "agent", "content": "Sent a warranty label."},
            ],
        }
        for cid in ("jane-1", "bob-1")
    ]
    dialogues.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    knowledge = KnowledgeBase(settings, HashingEmbedder(), progress=False)
    knowledge.ingest(dialogues=dialogues)
    found = knowledge.search("kettle stopped heating", k=5, source="dialogue")
    assert {h.metadata["conversation_id"] for h in found} == {"jane-1", "bob-1"}
    assert all("jane@x.example" not in h.text for h in found)  # masked at ingestion
    result = data_rights.delete(store, conversation_id="jane-1", index=knowledge.index)
    assert result["index_passages_removed"] == ["dialogue:jane-1"]
    # A fresh process (and this one after its next sync) no longer finds it.
    again = KnowledgeBase(settings, HashingEmbedder(), progress=False)
    found = again.search("kettle stopped heating", k=5, source="dialogue")
    assert {h.metadata["conversation_id"] for h in found} == {"bob-1"}


def test_helpdesk_api_exports_and_deletes(settings: Settings) -> None:
    from ui.app import create_app

    key = "privacy-key"
    settings = settings.model_copy(update={"api_keys": [SecretStr(key)]})
    bot = ShopBot(settings, backend=FakeBackend(), knowledge=StaticKnowledge(KNOWLEDGE))
    bot.warm_up()
    app = create_app(settings, bot=bot)
    auth = {"Authorization": f"Bearer {key}"}

    async def scenario() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://shop.test") as c:
            r = await c.post("/api/v1/conversations", json={"id": "conv-1"}, headers=auth)
            assert r.status_code == 201
            await c.post(
                "/api/v1/conversations/conv-1/messages",
                json={"content": "How long do refunds take? I'm ann@mail.example"},
                headers=auth,
            )
            r = await c.get("/api/v1/conversations/conv-1/export", headers=auth)
            assert r.status_code == 200
            assert r.json()["conversations"][0]["messages"][0]["content"].endswith(
                "ann@mail.example"
            )
            r = await c.post("/api/v1/privacy/export", json={"shopper": "Jane Doe"}, headers=auth)
            assert r.status_code == 422 and "email" in r.text
            r = await c.post(
                "/api/v1/privacy/export", json={"shopper": "ANN@mail.example"}, headers=auth
            )
            assert [x["id"] for x in r.json()["conversations"]] == ["conv-1"]
            r = await c.delete("/api/v1/conversations/conv-1")
            assert r.status_code == 401
            r = await c.post(
                "/api/v1/privacy/delete", json={"shopper": "ann@mail.example"}, headers=auth
            )
            assert r.status_code == 200 and r.json()["deleted"] == ["conv-1"]
            r = await c.get("/api/v1/conversations/conv-1", headers=auth)
            assert r.status_code == 404
            r = await c.delete("/api/v1/conversations/conv-1", headers=auth)
            assert r.status_code == 404

    try:
        asyncio.run(scenario())
    finally:
        bot.close()


def test_cli_exports_and_deletes(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    store = SQLConversationStore(settings.resolved_database_url)
    _two_shoppers(store)
    monkeypatch.setenv("SHOPBOT_HOME", str(settings.home))
    monkeypatch.setenv("SHOPBOT_CONFIG", str(settings.home / "none.toml"))
    (settings.home / "none.toml").write_text("", encoding="utf-8")
    assert main(["privacy", "export", "--shopper", "jane.doe@mail.example", "--json"]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert {c["id"] for c in exported["conversations"]} == {"jane-1", "jane-2"}
    assert main(["privacy", "delete", "--conversation", "jane-2", "--dry-run"]) == 0
    assert json.loads(capsys.readouterr().out) == {"would_delete": ["jane-2"]}
    assert store.get("jane-2")
    assert main(["privacy", "delete", "--conversation", "jane-2", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["deleted"] == ["jane-2"]
    assert main(["privacy", "export", "--conversation", "nope"]) == 2
    assert "nope" in capsys.readouterr().err


def test_insights_report_masks_shoppers_personal_data(tmp_path: Path) -> None:
    from bot.insights import SQLHistory, build_report
    from bot.insights.report import ReportOptions
    from retrieval import HashingEmbedder

    store = _store(tmp_path)
    for n, text in enumerate(
        [
            "Do you gift wrap? Mail the answer to ann@mail.example",
            "Can you gift wrap my order? I'm on 13812345678",
        ]
    ):
        store.create(f"g{n}")
        store.append(f"g{n}", "user", text)
        store.append(f"g{n}", "assistant", "I don't know.", {"no_knowledge": True})
    settings = Settings.model_validate({"home": tmp_path})
    options = ReportOptions(reasons=False, gaps=True)
    report = build_report(SQLHistory(store), settings, HashingEmbedder(), None, options)
    text = json.dumps(report, ensure_ascii=False)
    assert report["gaps"]["gap_questions"] == 2
    assert "ann@mail.example" not in text and "13812345678" not in text
    assert "[email]" in text and "[phone]" in text
