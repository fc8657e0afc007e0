"""A capable model may read an order message into a structured request (vLLM structured
outputs); the rules stay in charge, the model only points at what the message says, and the
bundled model keeps working without it (issue 18, item 8)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from bot import ShopBot
from bot.backends import FakeBackend
from bot.backends.base import ChatBackend, GenerationRequest
from bot.fakes import StaticKnowledge
from bot.orders.intents import extract
from bot.orders.reader import INSTRUCTIONS, INTENTS, SCHEMA, ModelRead, apply
from tests.bot.orders.conftest import SEED
from tests.bot.test_shopbot import KNOWLEDGE
from tests.conftest import make_settings


def test_only_what_the_message_says_is_taken() -> None:
    text = "the parcel you're about to send me, 104301, please halt it. emma.johnson@example.com"
    said = apply(
        extract(text),
        ModelRead(
            intent="cancel",
            order_number="104301",
            email="someone@else.example",
            postcode="43215",
            full_name="Emma Johnson",
        ),
        text,
    )
    assert said.intents == ["cancel"] and "104301" in said.order_numbers
    assert said.email == "emma.johnson@example.com"  # not the model's invention
    assert "43215" not in said.postcodes and "Emma Johnson" not in said.names  # not written


def test_a_model_can_hear_a_no_but_never_make_a_yes() -> None:
    said = apply(extract("hmm, I guess"), ModelRead(declines=False), "hmm, I guess")
    assert not said.yes
    said = apply(extract("let's leave it"), ModelRead(declines=True), "let's leave it")
    assert said.no and not said.yes


def _reader(request: GenerationRequest) -> str:
    if request.json_schema is not None:
        assert request.json_schema == SCHEMA
        return json.dumps({"intent": "cancel", "order_number": "NW-104301", "declines": False})
    return "Refunds take 5-7 business days [1]."


def _bot(tmp_path: Path, **values: object) -> tuple[ShopBot, FakeBackend]:
    settings = make_settings(
        tmp_path / "home",
        engine={"backend": "fake"},
        orders={"backend": "demo", "seed_file": str(SEED),
                "database_url": f"sqlite:///{tmp_path / 'orders.db'}"},
        **values,
    )  # fmt: skip
    backend = FakeBackend(_reader)
    return ShopBot(settings, backend=backend, knowledge=StaticKnowledge(KNOWLEDGE)), backend


def test_a_capable_model_reads_what_the_rules_miss(tmp_path: Path) -> None:
    # Not the bundled model: the reader is on.
    bot, backend = _bot(tmp_path, model="some-org/a-capable-7b-instruct")
    try:
        bot.warm_up()
        message = "Please halt the parcel NW-104301. emma.johnson@example.com"
        assert extract(message).intents == []  # the rules alone do not see a request
        first = bot.chat(message, session="m")
        assert "cancel order NW-104301" in first.reply
        assert any(r.json_schema is not None for r in backend.requests)
        bot.chat("yes", session="m")
        assert bot.orders.system.get_order("NW-104301").status == "cancelled"  # type: ignore[union-attr]
    finally:
        bot.close()


def test_the_bundled_model_is_not_asked(tmp_path: Path) -> None:
    bot, backend = _bot(tmp_path)
    try:
        bot.warm_up()
        bot.chat("Cancel my order NW-104301, emma.johnson@example.com", session="b")
        assert not any(r.json_schema is not None for r in backend.requests)
    finally:
        bot.close()


@pytest.mark.slow
@pytest.mark.integration
def test_the_engine_keeps_to_the_schema(vllm_backend: ChatBackend) -> None:
    """Through vLLM's structured outputs even the bundled model answers with JSON of the
    schema (the reader is off for it by default; this is the engine's side of the deal)."""
    request = GenerationRequest(
        messages=[
            {"role": "system", "content": INSTRUCTIONS},
            {"role": "user", "content": "Please cancel order #1188. My e-mail is ann@example.com"},
        ],
        max_tokens=600,
        temperature=0.0,
        json_schema=SCHEMA,
    )

    async def reply() -> str:
        return "".join([chunk.text async for chunk in vllm_backend.stream(request)])

    data = json.loads(asyncio.run(reply()))
    assert set(data) <= set(SCHEMA["properties"]) and {"intent", "declines"} <= set(data)
    assert data["intent"] in INTENTS and isinstance(data["declines"], bool)
