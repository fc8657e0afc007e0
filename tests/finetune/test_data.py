"""Store replies from past conversations: filtering, masking, dedupe, split, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.errors import InputError
from finetune.data import build_dataset, split_by_conversation, store_turns
from finetune.privacy import mask_personal_data, strip_agent_intro

ROOT = Path(__file__).resolve().parents[2]


def conversation(cid: str, messages: list[tuple[str, str]], resolved=True, csat=5, lang="en"):
    return {
        "id": cid,
        "messages": [{"role": r, "content": c} for r, c in messages],
        "language": lang,
        "outcome": {"resolved": resolved, "escalated": False, "csat": csat},
    }


def write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    return path


GOOD = [("user", "Where is my order?"), ("agent", "It ships today.")]


def test_only_resolved_conversations_with_good_csat(tmp_path: Path) -> None:
    path = write(
        tmp_path / "c.jsonl",
        [
            conversation("a", GOOD, csat=5),
            conversation("b", [("user", "Hi b"), ("agent", "Hello b")], csat=3),
            conversation("c", [("user", "Hi c"), ("agent", "Hello c")], resolved=False),
            conversation("d", [("user", "Hi d"), ("agent", "Hello d")], csat=4),
        ],
    )
    data = build_dataset(path, heldout_fraction=0.01)
    ids = {e.conversation_id for e in data.train + data.heldout}
    assert ids == {"a", "d"}
    assert data.stats.skipped_low_csat == 1 and data.stats.skipped_unresolved == 1
    lenient = build_dataset(path, min_csat=3, heldout_fraction=0.01)
    assert {e.conversation_id for e in lenient.train + lenient.heldout} == {"a", "b", "d"}


def test_context_and_agent_targets() -> None:
    record = conversation(
        "x",
        [
            ("user", "Where is NW-123456?"),
            ("assistant", "Orders ship within a day."),
            ("user", "That's not what I asked."),
            ("agent", "Hi, this is Elena. NW-123456 left this morning."),
        ],
    )
    turns = store_turns(record, "x")
    # The bot's answer the shopper pushed back on is context, not a target; the agent's is.
    assert len(turns) == 1
    only = turns[0]
    assert [m["role"] for m in only.context] == ["user", "assistant", "user"]
    assert only.context[0]["content"] == "Where is [order number]?"
    assert only.reply == "[order number] left this morning."


def test_two_shopper_messages_in_a_row_are_one_turn() -> None:
    record = conversation(
        "y", [("agent", "Welcome!"), ("user", "Hi"), ("user", "refund?"), ("agent", "Sure.")]
    )
    turns = store_turns(record, "y")
    assert [t.context for t in turns] == [[{"role": "user", "content": "Hi\nrefund?"}]]


@pytest.mark.parametrize(
    ("text", "secret", "placeholder"),
    [
        ("Reach me at jane.doe+shop@mail.example please", "jane.doe", "[email]"),
        ("Call (614) 555-8347 after 5", "555-8347", "[phone]"),
        ("my number is +1 614-555-0199", "555-0199", "[phone]"),
        ("Card 4111 1111 1111 1111 was charged", "4111", "[card number]"),
        ("Order NW-515420 is late", "515420", "[order number]"),
        ("order #88812345 please", "88812345", "[order number]"),
        ("It should be 5021 Sunset Blvd, Unit 12, Los Angeles, CA 90027.", "Sunset", "[address]"),
        ("I'm at 620 W 42nd St, Apt 31C, New York, NY 10036", "42nd", "[address]"),
        ("门牌号写错了 电话13812345678", "13812345678", "[phone]"),
        ("座机 010-88886666", "88886666", "[phone]"),
        ("邮箱：wang.li@example.cn 谢谢", "wang.li", "[email]"),
        ("订单NW-388857还没打包", "388857", "[order number]"),
        ("订单号：20231105123456", "20231105123456", "[order number]"),
        ("卡号6222021234567890123", "62220212", "[card number]"),
        ("请寄到北京市朝阳区建国路88号3号楼501室", "建国路88号", "[address]"),
        ("新地址是上海市浦东新区世纪大道100号", "世纪大道", "[address]"),
    ],
)
def test_personal_data_is_masked(text: str, secret: str, placeholder: str) -> None:
    masked = mask_personal_data(text)
    assert secret not in masked
    assert placeholder in masked


def test_policy_numbers_and_skus_survive_masking() -> None:
    text = "Standard shipping (3–5 business days) is $5.95; NW-LBDS-BLU-M costs $49.00 until 2 pm."
    assert mask_personal_data(text) == text


def test_agents_do_not_introduce_themselves_by_name() -> None:
    assert strip_agent_intro("Hi, this is Elena. I checked your order.") == "I checked your order."
    assert strip_agent_intro("您好，小林为您服务。已经改好了。") == "已经改好了。"
    assert strip_agent_intro("亲，您好，我是人工客服小王，接下来由我为您处理。好的") == "好的"
    assert strip_agent_intro("You're welcome, Jessica!") == "You're welcome!"


def test_demo_data_masked_throughout() -> None:
    data = build_dataset(ROOT / "data" / "conversations.jsonl")
    text = json.dumps([e.to_json() for e in data.train + data.heldout], ensure_ascii=False)
    for raw in ("michaelk65@mail.example", "NW-276183", "555-8347", "5021 Sunset Blvd"):
        assert raw not in text
    assert "[email]" in text and "[order number]" in text and "[address]" in text
    assert data.stats.duplicates > 0  # templated conversations that mask to the same text
    assert data.train and data.heldout


def test_duplicates_are_kept_once(tmp_path: Path) -> None:
    one = [("user", "Order NW-111111?"), ("agent", "It ships today.")]
    two = [("user", "Order NW-222222?"), ("agent", "It ships today.")]
    path = write(tmp_path / "c.jsonl", [conversation("a", one), conversation("b", two)])
    data = build_dataset(path)
    assert data.stats.duplicates == 1
    assert len(data.train) + len(data.heldout) == 1


def test_split_is_by_conversation_and_deterministic(tmp_path: Path) -> None:
    records = [
        conversation(f"c{i}", [("user", f"question {i}"), ("agent", f"answer {i}")])
        for i in range(200)
    ]
    path = write(tmp_path / "c.jsonl", records)
    first = build_dataset(path, heldout_fraction=0.2, seed=7)
    again = build_dataset(path, heldout_fraction=0.2, seed=7)
    other = build_dataset(path, heldout_fraction=0.2, seed=8)
    train_ids = {e.conversation_id for e in first.train}
    held_ids = {e.conversation_id for e in first.heldout}
    assert not train_ids & held_ids
    assert 20 <= len(held_ids) <= 60
    assert held_ids == {e.conversation_id for e in again.heldout}
    assert held_ids != {e.conversation_id for e in other.heldout}
    train, held = split_by_conversation(first.train[:1] + first.heldout[:1], 0.5, 0)
    assert len(train) + len(held) == 2 and held


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"id": "x", "messages": []}', "non-empty list"),
        ('{"id": "x", "messages": [{"role": "bot", "content": "hi"}]}', "role 'bot'"),
        ('{"id": "x", "messages": [{"role": "user"}]}', "string content"),
    ],
)
def test_malformed_input_names_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps(conversation("a", GOOD)) + "\n\n" + line + "\n")
    with pytest.raises(InputError) as error:
        build_dataset(path)
    assert f"{path}:3:" in str(error.value)
    assert message in str(error.value)
