"""Fuzzing the HTTP API from its own OpenAPI document (schemathesis): no input gives a 5xx.

Every operation of /openapi.json is called with generated (valid and invalid) bodies, path
parameters, query strings and headers, with valid keys, against the in-process app. Half of
the calls aim at a conversation that exists (with its shopper token), so the fuzzing gets past
"not found" into the handlers. The model is the fake backend: this test is about the HTTP
layer; the real engine behind the same routes is covered by the live-server tests.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from pydantic import SecretStr

from bot import ShopBot
from bot.backends import FakeBackend
from bot.fakes import StaticKnowledge
from bot.shoppers import open_conversation
from tests.bot.test_shopbot import KNOWLEDGE
from tests.conftest import make_settings
from tests.ui.conftest import API_KEY, PUBLIC_KEY, REFUND_REPLY, SHOP
from ui.app import create_app

HOME = Path(tempfile.mkdtemp(prefix="shopbot-fuzz-"))
SETTINGS = make_settings(
    HOME,
    engine={"backend": "fake"},
    api_keys=[SecretStr(API_KEY)],
    public_keys=[PUBLIC_KEY],
    allowed_origins=[SHOP],
    # The fuzzer sends requests as fast as it can: rate limits have their own tests.
    limits={"key_rate": 10_000, "key_burst": 10_000, "ip_rate": 10_000, "ip_burst": 10_000},
)
BOT = ShopBot(
    SETTINGS, backend=FakeBackend(lambda r: REFUND_REPLY), knowledge=StaticKnowledge(KNOWLEDGE)
)
BOT.warm_up()
APP = create_app(SETTINGS, bot=BOT)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_input_gives_a_server_error(case: schemathesis.Case) -> None:
    # A conversation of its own (the fuzzer also deletes and closes them), with its token.
    conversation, token = open_conversation(BOT.store, "widget")
    path = case.path_parameters or {}
    if "conversation_id" in path and len(str(path["conversation_id"])) % 2 == 0:
        path["conversation_id"] = conversation
    headers = {
        "Authorization": f"Bearer {API_KEY}",
        "X-Shopbot-Key": PUBLIC_KEY,
        "X-Shopbot-Token": token,
        "Origin": SHOP,
    }
    mine = {name.lower() for name in headers}
    case.headers = {k: v for k, v in (case.headers or {}).items() if k.lower() not in mine}
    response = case.call(headers=headers)
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:500]}"
    )
