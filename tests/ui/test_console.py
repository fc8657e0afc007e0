"""The agents' console in-process: login, cookie session, the queue, reply, handback, close."""

from __future__ import annotations

import asyncio

import httpx

from tests.ui.conftest import (
    AGENT_KEY,
    API_KEY,
    ORIGIN,
    PUBLIC_KEY,
    SHOP,
    console_login,
    run_client,
)

HELPDESK = {"Authorization": f"Bearer {API_KEY}"}
OWN = {"Origin": ORIGIN}


async def escalated(client: httpx.AsyncClient) -> str:
    """A helpdesk conversation whose shopper asked for a person (in the agents' queue)."""
    cid = (await client.post("/api/v1/conversations", headers=HELPDESK)).json()["id"]
    reply = await client.post(
        f"/api/v1/conversations/{cid}/messages",
        json={"content": "This is useless, let me talk to a real person!"},
        headers=HELPDESK,
    )
    assert reply.json()["escalated"] is True
    return cid


def test_console_page_and_login(web_app: object) -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        page = await client.get("/console")
        assert page.status_code == 200 and "agent key" in page.text
        assert "Northwind Lane" in page.text
        assert (await client.get("/console/console.js")).status_code == 200
        assert (await client.get("/console/api/queue")).status_code == 401
        for key in ("wrong", API_KEY, PUBLIC_KEY):  # only agent keys open the console
            refused = await client.post(
                "/console/login", json={"key": key, "name": "Dana"}, headers=OWN
            )
            assert refused.status_code == 401
        empty = await client.post("/console/login", json={"key": "", "name": "Dana"}, headers=OWN)
        assert empty.status_code == 422
        login = await client.post(
            "/console/login", json={"key": AGENT_KEY, "name": "Dana"}, headers=OWN
        )
        assert login.status_code == 200
        me = login.json()
        assert (me["name"], me["role"]) == ("Dana", "admin") and len(me["csrf"]) >= 32
        cookie = login.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie and "path=/console" in cookie
        assert "secure" in cookie  # served over HTTPS
        assert AGENT_KEY not in login.headers["set-cookie"]
        assert (await client.get("/console/api/me")).json() == me
        await client.post("/console/logout", headers={**OWN, "X-CSRF-Token": me["csrf"]})
        assert (await client.get("/console/api/me")).status_code == 401  # ended on the server

    run_client(web_app, scenario)


def test_agent_works_the_queue(web_app: object) -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        cid = await escalated(client)
        acting = await console_login(client)
        queue = (await client.get("/console/api/queue")).json()
        row = next(r for r in queue if r["id"] == cid)
        assert row["status"] == "waiting_for_agent" and row["reasons"]
        assert row["dissatisfaction"] is not None and row["last_message"].startswith("This is")
        transcript = (await client.get(f"/console/api/conversations/{cid}")).json()
        assert [m["role"] for m in transcript["messages"]] == ["user", "assistant"]

        reply = f"/console/api/conversations/{cid}/reply"
        empty = await client.post(reply, json={"content": " \u200b"}, headers=acting)
        assert empty.status_code == 422
        sent = await client.post(reply, json={"content": "Hi, Dana here."}, headers=acting)
        assert sent.status_code == 200
        stored = (await client.get(f"/api/v1/conversations/{cid}", headers=HELPDESK)).json()
        assert stored["status"] == "agent"
        assert stored["messages"][-1] == {
            **stored["messages"][-1],
            "role": "agent",
            "content": "Hi, Dana here.",
            "agent": "Dana",
        }
        assert (await client.get("/console/api/queue")).json()[0]["status"] == "agent"

        back = await client.post(f"/console/api/conversations/{cid}/handback", headers=acting)
        assert back.json()["status"] == "bot"
        assert cid not in [r["id"] for r in (await client.get("/console/api/queue")).json()]
        closed = await client.post(f"/console/api/conversations/{cid}/close", headers=acting)
        assert closed.json()["status"] == "closed"
        late = await client.post(reply, json={"content": "one more"}, headers=acting)
        assert late.status_code == 409
        missing = await client.get("/console/api/conversations/nope")
        assert missing.status_code == 404

    run_client(web_app, scenario)


def test_console_is_not_open_to_other_origins(web_app: object) -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        await console_login(client)
        response = await client.get("/console/api/queue", headers={"Origin": SHOP})
        assert "access-control-allow-origin" not in response.headers

    run_client(web_app, scenario)


def test_the_queue_names_each_shopper_and_a_handback_answers_what_waited(web_app: object) -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        named = (await client.post("/api/v1/conversations", headers=HELPDESK)).json()["id"]
        await client.post(
            f"/api/v1/conversations/{named}/messages",
            json={"content": "I'm jane@example.com and I want a human now"},
            headers=HELPDESK,
        )
        cid = await escalated(client)
        acting = await console_login(client)
        rows = {r["id"]: r for r in (await client.get("/console/api/queue")).json()}
        assert rows[named]["shopper"] == "jane@example.com"
        assert rows[cid]["shopper"] == "This is useless, let me talk to a real person!"
        assert rows[cid]["channel"] == "api" and rows[cid]["created_at"]
        listed = (await client.get("/api/v1/escalations", headers=HELPDESK)).json()
        row = next(r for r in listed if r["id"] == named)
        assert row["shopper"] == "jane@example.com"
        assert row["last_message"] == "I'm jane@example.com and I want a human now"

        url = f"/console/api/conversations/{cid}"
        await client.post(f"{url}/reply", json={"content": "Dana here."}, headers=acting)
        await client.post(
            f"/api/v1/conversations/{cid}/messages",
            json={"content": "How long do refunds to a credit card take?"},
            headers=HELPDESK,
        )
        await client.post(f"{url}/handback", headers=acting)
        for _ in range(100):  # answered in the background
            messages = (await client.get(url)).json()["messages"]
            if messages[-1]["role"] == "assistant" and not messages[-1].get("notice"):
                break
            await asyncio.sleep(0.05)
        notice, answer = messages[-2], messages[-1]
        assert notice["notice"] == "handback" and "virtual assistant" in notice["content"]
        assert "5-7 business days" in answer["content"] and not answer.get("notice")

    run_client(web_app, scenario)
