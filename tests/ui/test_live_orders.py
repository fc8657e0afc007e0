"""Real engine, real server, real connectors (issue 18): a `shopbot serve` with the bundled
model (the session's `vllm serve`, reached as a remote engine: an engine per store would add
two minutes) talks to a platform store served by its fake over HTTP. On the Shopify-shaped
store a shopper gets a status with tracking and cancels an order after confirming; the same in
Chinese on the WooCommerce-shaped one. The store's policy settings reach the server as JSON in
their environment variables."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.orders.platforms.fakestore import serve_app
from bot.orders.platforms.served import make_fake
from tests.conftest import MODELS_CACHE, ROOT
from tests.servers import free_port, running_process

pytestmark = [pytest.mark.slow, pytest.mark.integration]
KEY = "live-orders-key"
STORES = ROOT / "data" / "stores"


@dataclass
class LiveStore:
    url: str  # the shopbot server
    fake: Any  # the platform fake it reaches over HTTP


def _env(
    home: Path, platform: str, fake: Any, fake_url: str, folder: Path, vllm_url: str
) -> dict[str, str]:
    policy = json.loads((folder / "store.json").read_text(encoding="utf-8"))["settings"]["orders"]
    env = {
        **os.environ,
        "SHOPBOT_HOME": str(home),
        "SHOPBOT_API_KEYS": KEY,
        "SHOPBOT_ENGINE__BACKEND": "remote",
        "SHOPBOT_ENGINE__REMOTE_URLS": vllm_url,
        "SHOPBOT_ENGINE__TIMEOUT_S": "120",
        "SHOPBOT_ORDERS__BACKEND": platform,
        f"SHOPBOT_ORDERS__{platform.upper()}__STORE_URL": fake_url,
        "HF_HUB_OFFLINE": "1",
    }
    for key, value in policy.items():  # lists as JSON in their variables (issue 18, item 7)
        env[f"SHOPBOT_ORDERS__{key.upper()}"] = json.dumps(value)
    if platform == "shopify":
        env["SHOPBOT_ORDERS__SHOPIFY__ACCESS_TOKEN"] = fake.token
    else:
        env["SHOPBOT_ORDERS__WOOCOMMERCE__CONSUMER_KEY"] = fake.key
        env["SHOPBOT_ORDERS__WOOCOMMERCE__CONSUMER_SECRET"] = fake.secret
    env.pop("SHOPBOT_CONFIG", None)
    return env


@pytest.fixture(scope="module", params=["harbour-pine-shopify", "qingzhu-home-woocommerce"])
def live_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, vllm_serve: str
) -> Iterator[LiveStore]:
    folder = STORES / request.param
    platform = json.loads((folder / "store.json").read_text(encoding="utf-8"))["platform"]
    home = tmp_path_factory.mktemp(f"live-{platform}")
    MODELS_CACHE.mkdir(parents=True, exist_ok=True)
    (home / "models").symlink_to(MODELS_CACHE, target_is_directory=True)
    fake = make_fake(platform, folder=folder)
    with serve_app(fake.app, f"fake-{platform}") as fake_url:
        env = _env(home, platform, fake, fake_url, folder, vllm_serve)
        policies = str(ROOT / "data" / "policies")
        subprocess.run(
            [sys.executable, "-m", "bot.cli", "ingest", "--policies", policies],
            env=env, cwd=ROOT, check=True, capture_output=True, timeout=300,
        )  # fmt: skip
        port = free_port()
        with running_process(
            [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)],
            ready_url=f"http://127.0.0.1:{port}/healthz",
            log_path=home / "serve.log",
            env=env,
            cwd=ROOT,
            timeout=600,
        ):
            yield LiveStore(f"http://127.0.0.1:{port}", fake)


def _conversation(store: LiveStore, *messages: str) -> list[dict[str, Any]]:
    headers = {"Authorization": f"Bearer {KEY}"}
    with httpx.Client(base_url=store.url, headers=headers, timeout=300) as client:
        cid = client.post("/api/v1/conversations").json()["id"]
        replies = []
        for message in messages:
            answer = client.post(f"/api/v1/conversations/{cid}/messages", json={"content": message})
            assert answer.status_code == 200, answer.text  # an order reply is no 500
            replies.append(answer.json())
    return replies


def test_status_with_tracking(live_store: LiveStore) -> None:
    if "Shopify" in type(live_store.fake).__name__:
        replies = _conversation(
            live_store, "where is my order with the headlamp? wong.chikeung@example.hk #1268"
        )
        tracking = "8633477334"
    else:
        replies = _conversation(live_store, "请问订单号5429到哪了？", "邮箱 sun.li@example.cn")
        tracking = "SF9647944812036"
    last = replies[-1]
    assert tracking in last["reply"] and not last["escalated"], last
    assert last["sources"] and last["sources"][0]["score"] is None  # a policy page it rests on


def test_cancel_after_confirming(live_store: LiveStore) -> None:
    fake = live_store.fake
    if "Shopify" in type(fake).__name__:
        number, messages = "#1298", ("please cancel order 1298, emilie.tremblay@example.ca", "yes")
    else:
        number, messages = "5493", ("帮我取消订单5493，邮箱 liu.yang@example.cn", "是的")
    replies = _conversation(live_store, *messages)
    assert number.lstrip("#") in replies[0]["reply"] and not replies[0]["escalated"]
    order = fake.order_by_name(number)
    cancelled = order.get("cancelled_at") if "Shopify" in type(fake).__name__ else order["status"]
    assert cancelled, replies  # carried out only after the yes
    assert not replies[1]["escalated"]
    if "Shopify" not in type(fake).__name__:
        assert order["status"] in ("cancelled", "refunded") and "取消" in replies[1]["reply"]
