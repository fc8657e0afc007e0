"""Who may act, and from where (in-process): one CORS policy for every route, the console's
CSRF defences, agents' own accounts, the cookie's flags, `/metrics`, and message hygiene over
HTTP on SQLite and PostgreSQL. The same attacks from a real browser: `test_browser_security`."""

from __future__ import annotations

import itertools
import urllib.request
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from prometheus_client import CollectorRegistry, Counter
from pydantic import SecretStr

from bot import ShopBot
from bot.agents import AgentDirectory
from bot.backends import FakeBackend
from bot.fakes import StaticKnowledge
from bot.settings import Settings
from tests.bot.test_shopbot import KNOWLEDGE
from tests.servers import free_port
from tests.ui.conftest import (
    AGENT_KEY,
    API_KEY,
    ORIGIN,
    PUBLIC_KEY,
    REFUND_REPLY,
    SHOP,
    console_login,
    run_client,
)
from tests.ui.test_console import escalated
from ui.app import create_app
from ui.metrics import start_metrics_listener

HELPDESK = {"Authorization": f"Bearer {API_KEY}"}
EVIL = "https://evil.example"
SAME_SITE = "https://shopbot.test:8443"  # another port of the same host: same site
_databases = itertools.count()


def _app(settings: Settings) -> tuple[Any, ShopBot]:
    bot = ShopBot(
        settings, backend=FakeBackend(lambda r: REFUND_REPLY), knowledge=StaticKnowledge(KNOWLEDGE)
    )
    bot.warm_up()
    return create_app(settings, bot=bot), bot


def _with(web_settings: Settings, **web: Any) -> Settings:
    return web_settings.model_copy(
        update={"web": web_settings.web.model_copy(update=web)}, deep=True
    )


# -- one CORS policy --------------------------------------------------------------------
ROUTES = [
    ("POST", "/console/login"),
    ("POST", "/console/api/conversations/x/reply"),
    ("POST", "/console/api/conversations/x/handback"),
    ("GET", "/console/api/queue"),
    ("POST", "/api/v1/conversations"),
    ("POST", "/api/v1/conversations/x/agent-messages"),
    ("GET", "/api/v1/escalations"),
    ("GET", "/"),
    ("POST", "/gradio_api/queue/join"),
    ("GET", "/gradio_api/info"),
    ("GET", "/metrics"),
    ("GET", "/healthz"),
]


@pytest.mark.parametrize("host", ["support.shop.example", "127.0.0.1:8000"])
def test_foreign_preflights_get_no_approval_anywhere_but_the_widget_api(
    web_app: object, host: str
) -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        for method, path in ROUTES:
            for origin in (EVIL, SHOP, SAME_SITE, "null"):
                preflight = await client.options(
                    path,
                    headers={
                        "Host": host,
                        "Origin": origin,
                        "Access-Control-Request-Method": method,
                        "Access-Control-Request-Headers": "content-type,authorization",
                    },
                )
                assert preflight.status_code == 403, (path, origin)
                assert not [h for h in preflight.headers if h.startswith("access-control-")]
        # Gradio's own middleware would approve these: its headers never leave shopbot.
        for path in ("/", "/gradio_api/info", "/console", "/healthz"):
            page = await client.get(path, headers={"Host": host, "Origin": EVIL})
            assert not [h for h in page.headers if h.startswith("access-control-")], path

    run_client(web_app, scenario)


def test_the_widget_api_approves_its_allowed_origins_without_credentials(
    web_app: object,
) -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        asked = {
            "Origin": SHOP,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-shopbot-key,x-shopbot-token",
        }
        approved = await client.options("/api/v1/public/conversations", headers=asked)
        assert approved.status_code == 204
        assert approved.headers["access-control-allow-origin"] == SHOP
        assert "access-control-allow-credentials" not in approved.headers
        cookie = {**asked, "Access-Control-Request-Headers": "content-type,cookie"}
        assert (
            await client.options("/api/v1/public/conversations", headers=cookie)
        ).status_code == 403
        put = {**asked, "Access-Control-Request-Method": "PUT"}
        assert (
            await client.options("/api/v1/public/conversations", headers=put)
        ).status_code == 403
        # Any page may ask whether it is allowed, and be told what to change.
        check = await client.get(
            "/api/v1/public/check", params={"key": PUBLIC_KEY}, headers={"Origin": EVIL}
        )
        assert check.headers["access-control-allow-origin"] == "*"
        body = check.json()
        assert body["origin_allowed"] is False and body["key_valid"] is True
        assert EVIL in body["message"] and "SHOPBOT_ALLOWED_ORIGINS" in body["message"]
        ok = await client.get(
            "/api/v1/public/check", params={"key": PUBLIC_KEY}, headers={"Origin": SHOP}
        )
        assert ok.json() == {
            "store": "Northwind Lane",
            "origin": SHOP,
            "origin_allowed": True,
            "key_valid": True,
            "message": None,
        }

    run_client(web_app, scenario)


def test_a_refused_origin_is_named_in_the_server_log(
    web_app: object, caplog: pytest.LogCaptureFixture
) -> None:
    refused = "https://not-yet-allowed.example"  # an origin no other test uses

    async def scenario(client: httpx.AsyncClient) -> None:
        for _ in range(3):
            await client.options(
                "/api/v1/public/conversations",
                headers={"Origin": refused, "Access-Control-Request-Method": "POST"},
            )
            await client.get("/api/v1/public/check", headers={"Origin": refused})

    with caplog.at_level("WARNING", logger="ui.cors"):
        run_client(web_app, scenario)
    warnings = [r.getMessage() for r in caplog.records if r.name == "ui.cors"]
    assert len(warnings) == 1  # once per origin
    assert f"SHOPBOT_ALLOWED_ORIGINS={refused},{SHOP}" in warnings[0]


# -- the console: CSRF and Origin ---------------------------------------------------------
def test_console_changes_need_the_console_origin_and_its_csrf_token(web_app: object) -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        cid = await escalated(client)
        acting = await console_login(client)  # the cookie is in the client's jar from now on
        reply = f"/console/api/conversations/{cid}/reply"
        body = {"content": "FORGED"}
        forged = [
            {"Origin": SAME_SITE, "X-CSRF-Token": acting["X-CSRF-Token"]},  # same site
            {"Origin": EVIL},  # cross site
            {"Origin": "null"},  # a sandboxed frame
            {},  # no Origin nor Referer
            {"Referer": f"{SAME_SITE}/attack.html"},
            {"Origin": ORIGIN},  # our origin, but no token
            {"Origin": ORIGIN, "X-CSRF-Token": "0" * 64},  # a guessed token
        ]
        for headers in forged:
            for path in (reply, f"/console/api/conversations/{cid}/handback", "/console/logout"):
                refused = await client.post(path, json=body, headers=headers)
                assert refused.status_code == 403, (path, headers)
                assert refused.json()["error"]["code"] == "forbidden"
        transcript = (await client.get(f"/api/v1/conversations/{cid}", headers=HELPDESK)).json()
        assert transcript["status"] == "waiting_for_agent"
        assert "FORGED" not in [m["content"] for m in transcript["messages"]]
        # The console's page: its own Referer (or Origin) and the token it was told.
        token = acting["X-CSRF-Token"]
        sent = await client.post(
            reply,
            json={"content": "Hi, Dana here."},
            headers={"Referer": f"{ORIGIN}/console", "X-CSRF-Token": token},
        )
        assert sent.status_code == 200
        login_elsewhere = await client.post(
            "/console/login", json={"name": "Eve", "key": AGENT_KEY}, headers={"Origin": EVIL}
        )
        assert login_elsewhere.status_code == 403

    run_client(web_app, scenario)


# -- agents' own accounts ----------------------------------------------------------------
def test_agents_with_accounts_log_in_act_and_are_audited(web_settings: Settings) -> None:
    app, bot = _app(web_settings)
    directory = AgentDirectory(bot.store.engine)  # type: ignore[attr-defined]
    secret = directory.add("Ana", "agent")
    admin_secret = directory.add("Bo", "admin")

    async def scenario(client: httpx.AsyncClient) -> None:
        cid = await escalated(client)
        assert (
            await client.post(
                "/console/login", json={"name": "Ana", "key": AGENT_KEY}, headers={"Origin": ORIGIN}
            )
        ).status_code == 401  # an account's name takes its own secret only
        ana = await console_login(client, "ana", secret)
        assert (await client.get("/console/api/me")).json()["name"] == "Ana"
        sent = await client.post(
            f"/console/api/conversations/{cid}/reply",
            json={"content": "Hi, this is Ana."},
            headers=ana,
        )
        assert sent.status_code == 200
        stored = (await client.get(f"/api/v1/conversations/{cid}", headers=HELPDESK)).json()
        assert stored["messages"][-1]["agent"] == "Ana"
        assert (await client.get("/console/insights.json")).status_code == 403  # not an admin
        assert (await client.get("/console/api/audit")).status_code == 403

        directory.set_disabled("Ana", True)  # e.g. `shopbot agents disable Ana`
        assert (await client.get("/console/api/queue")).status_code == 401
        again = await client.post(
            "/console/login", json={"name": "Ana", "key": secret}, headers={"Origin": ORIGIN}
        )
        assert again.status_code == 401

        client.cookies.clear()
        await console_login(client, "Bo", admin_secret)
        assert (await client.get("/console/insights.json")).status_code == 200
        log = (await client.get("/console/api/audit")).json()
        actions = [(r["agent"], r["via"], r["action"], r["conversation_id"]) for r in log]
        assert ("Ana", "account", "reply", cid) in actions
        assert ("Ana", "account", "login", None) in actions
        assert ("Ana", "console", "login_failed", None) in actions
        assert actions[0] == ("Bo", "account", "login", None)
        mine = (await client.get("/console/api/audit", params={"conversation_id": cid})).json()
        assert [r["action"] for r in mine] == ["reply"]
        # The helpdesk API's agent actions are audited too, with the key that acted.
        await client.post(
            f"/api/v1/conversations/{cid}/agent-messages",
            json={"content": "Sam from the helpdesk.", "agent": "Sam"},
            headers=HELPDESK,
        )
        await client.post(f"/api/v1/conversations/{cid}/handback", headers=HELPDESK)
        latest = (await client.get("/console/api/audit", params={"limit": 2})).json()
        assert [(r["agent"], r["action"]) for r in latest] == [
            ("helpdesk", "handback"),
            ("Sam", "reply"),
        ]
        assert latest[0]["via"].startswith("api key ") and API_KEY not in latest[0]["via"]

    run_client(app, scenario)
    bot.close()


def test_shared_keys_still_work_for_a_single_agent_store(web_app: object) -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        cid = await escalated(client)
        acting = await console_login(client, "Dana")
        sent = await client.post(
            f"/console/api/conversations/{cid}/reply",
            json={"content": "Dana here."},
            headers=acting,
        )
        assert sent.status_code == 200
        log = (await client.get("/console/api/audit")).json()
        assert (log[0]["agent"], log[0]["via"], log[0]["action"]) == ("Dana", "shared key", "reply")

    run_client(web_app, scenario)


def test_with_no_account_and_no_key_the_login_says_how_to_add_one(web_settings: Settings) -> None:
    app, bot = _app(web_settings.model_copy(update={"agent_keys": []}))

    async def scenario(client: httpx.AsyncClient) -> None:
        refused = await client.post(
            "/console/login", json={"name": "Dana", "key": "x"}, headers={"Origin": ORIGIN}
        )
        assert refused.status_code == 401
        assert "shopbot agents add" in refused.json()["error"]["message"]

    run_client(app, scenario)
    bot.close()


# -- the cookie's flags ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("setting", "base_url", "status", "secure"),
    [
        (None, "https://support.shop.example", 200, True),  # HTTPS: Secure
        (None, "http://localhost:8000", 200, False),  # trying it out locally
        (None, "http://127.0.0.1:8000", 200, False),
        (None, "http://support.shop.example", 400, None),  # plain HTTP off localhost: refused
        (False, "http://support.shop.example", 200, False),  # a trusted network, said so
        (True, "http://localhost:8000", 200, True),
    ],
)
def test_the_session_cookie_is_secure_whenever_served_over_https(
    web_settings: Settings, setting: bool | None, base_url: str, status: int, secure: bool | None
) -> None:
    app, bot = _app(_with(web_settings, secure_cookies=setting))

    async def scenario(client: httpx.AsyncClient) -> None:
        login = await client.post(
            "/console/login", json={"name": "Dana", "key": AGENT_KEY}, headers={"Origin": base_url}
        )
        assert login.status_code == status, login.text
        if status == 400:
            assert "HTTPS" in login.json()["error"]["message"]
            assert "SHOPBOT_WEB__SECURE_COOKIES" in login.json()["error"]["message"]
            return
        flags = [f.strip().lower() for f in login.headers["set-cookie"].split(";")]
        assert ("secure" in flags) is secure
        assert {"httponly", "samesite=strict", "path=/console"} <= set(flags)

    run_client(app, scenario, base_url)
    bot.close()


# -- /metrics ---------------------------------------------------------------------------
def test_metrics_answer_this_machine_only_by_default(web_app: object) -> None:
    async def local(client: httpx.AsyncClient) -> None:
        assert (await client.get("/metrics")).status_code == 200

    async def remote(client: httpx.AsyncClient) -> None:
        refused = await client.get("/metrics")
        assert refused.status_code == 403
        assert "SHOPBOT_WEB__METRICS_KEY" in refused.json()["error"]["message"]

    run_client(web_app, local)
    run_client(web_app, remote, client=("203.0.113.9", 40000))


def test_metrics_behind_a_key(web_settings: Settings) -> None:
    app, bot = _app(_with(web_settings, metrics_key=SecretStr("prom-key-1")))

    async def scenario(client: httpx.AsyncClient) -> None:
        assert (await client.get("/metrics")).status_code == 401
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        right = await client.get("/metrics", headers={"Authorization": "Bearer prom-key-1"})
        assert right.status_code == 200 and "shopbot_http_requests_total" in right.text

    run_client(app, scenario, client=("203.0.113.9", 40000))
    bot.close()


def test_metrics_on_an_internal_address_only(web_settings: Settings) -> None:
    port = free_port()
    settings = _with(web_settings, metrics_address=f"127.0.0.1:{port}")
    app, bot = _app(settings)

    async def scenario(client: httpx.AsyncClient) -> None:
        assert (await client.get("/metrics")).status_code == 404

    run_client(app, scenario)
    bot.close()
    registry = CollectorRegistry()
    Counter("shopbot_probe_total", "A probe.", registry=registry).inc()
    server = start_metrics_listener(registry, settings.web)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as r:
            assert "shopbot_probe_total 1.0" in r.read().decode()
    finally:
        server.shutdown()


# -- message hygiene and idempotency over HTTP, on SQLite and PostgreSQL ------------------
@pytest.fixture(params=["sqlite", "postgresql"])
def any_db_app(request: pytest.FixtureRequest, web_settings: Settings) -> Iterator[Any]:
    settings = web_settings
    if request.param == "postgresql":
        from tests.scaleout.conftest import new_database

        request.applymarker(pytest.mark.integration)
        url = new_database(request.getfixturevalue("postgres_url"), f"web{next(_databases)}")
        settings = web_settings.model_copy(update={"database_url": url})
    app, bot = _app(settings)
    yield app
    bot.close()


def test_messages_are_cleaned_the_same_on_every_database(any_db_app: Any) -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        cid = (await client.post("/api/v1/conversations", headers=HELPDESK)).json()["id"]
        url = f"/api/v1/conversations/{cid}/messages"
        for bad in ("refund\u0000?", "\u200b\u200b", " \u2060\ufeff\t"):
            refused = await client.post(url, json={"content": bad}, headers=HELPDESK)
            assert refused.status_code == 422, refused.text
            assert refused.json()["error"]["code"] == "invalid_message"
        kept = await client.post(
            url, json={"content": "How long do re\u200bfunds\x1b take?\r\n"}, headers=HELPDESK
        )
        assert kept.status_code == 200
        agent = await client.post(
            f"/api/v1/conversations/{cid}/agent-messages",
            json={"content": "Hi\u0000", "agent": "Dana"},
            headers=HELPDESK,
        )
        assert agent.status_code == 422
        stored = (await client.get(f"/api/v1/conversations/{cid}", headers=HELPDESK)).json()
        assert stored["messages"][0]["content"] == "How long do refunds take?"
        assert len(stored["messages"]) == 2

    run_client(any_db_app, scenario)


def test_a_reused_idempotency_key_with_another_message_is_a_conflict(any_db_app: Any) -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        cid = (await client.post("/api/v1/conversations", headers=HELPDESK)).json()["id"]
        url = f"/api/v1/conversations/{cid}/messages"
        key = {**HELPDESK, "Idempotency-Key": "order-42"}
        first = await client.post(url, json={"content": "How long do refunds take?"}, headers=key)
        # The same message again (invisible characters aside): the same answer, stored once.
        again = await client.post(
            url, json={"content": "How long do re\u200bfunds take?"}, headers=key
        )
        assert again.status_code == 200 and again.json() == first.json()
        other = await client.post(url, json={"content": "Where is my parcel?"}, headers=key)
        assert other.status_code == 422
        error = other.json()["error"]
        assert error["code"] == "idempotency_conflict" and "new key" in error["message"]
        streamed = await client.post(
            url,
            json={"content": "Where is my parcel?"},
            headers={**key, "Accept": "text/event-stream"},
        )
        assert streamed.status_code == 422
        stored = (await client.get(f"/api/v1/conversations/{cid}", headers=HELPDESK)).json()
        assert [m["role"] for m in stored["messages"]] == ["user", "assistant"]

    run_client(any_db_app, scenario)


def test_console_replies_are_cleaned_too(web_app: object) -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        cid = await escalated(client)
        acting = await console_login(client)
        url = f"/console/api/conversations/{cid}/reply"
        nul = await client.post(url, json={"content": "hi\u0000"}, headers=acting)
        assert nul.status_code == 422
        await client.post(url, json={"content": "Hi\u200b there\u202e"}, headers=acting)
        stored = (await client.get(f"/api/v1/conversations/{cid}", headers=HELPDESK)).json()
        assert stored["messages"][-1]["content"] == "Hi there"

    run_client(web_app, scenario)


def test_a_long_message_is_refused_not_cut(web_settings: Settings) -> None:
    settings = web_settings.model_copy(
        update={"limits": web_settings.limits.model_copy(update={"max_message_chars": 50})}
    )
    app, bot = _app(settings)

    async def scenario(client: httpx.AsyncClient) -> None:
        cid = (await client.post("/api/v1/conversations", headers=HELPDESK)).json()["id"]
        long = await client.post(
            f"/api/v1/conversations/{cid}/messages", json={"content": "x" * 51}, headers=HELPDESK
        )
        assert long.status_code == 413
        assert "limits.max_message_chars" in long.json()["error"]["message"]
        stored = (await client.get(f"/api/v1/conversations/{cid}", headers=HELPDESK)).json()
        assert stored["messages"] == []

    run_client(app, scenario)
    bot.close()


def test_the_widget_key_alone_is_not_a_helpdesk_key(web_app: object) -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        assert PUBLIC_KEY != API_KEY
        denied = await client.get(
            "/api/v1/escalations", headers={"Authorization": f"Bearer {PUBLIC_KEY}"}
        )
        assert denied.status_code == 401

    run_client(web_app, scenario)
