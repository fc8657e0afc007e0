"""The widget's public API in-process: origins (CORS), public-key scope, shopper tokens."""

from __future__ import annotations

import json

import httpx

from tests.ui.conftest import API_KEY, ORIGIN, PUBLIC_KEY, SHOP, run_client

URL = "/api/v1/public/conversations"
FROM_SHOP = {"Origin": SHOP, "X-Shopbot-Key": PUBLIC_KEY}


async def _open(client: httpx.AsyncClient) -> tuple[str, dict[str, str]]:
    opened = await client.post(URL, headers=FROM_SHOP)
    assert opened.status_code == 201, opened.text
    body = opened.json()
    return body["id"], {**FROM_SHOP, "X-Shopbot-Token": body["token"]}


def test_allowed_origin_gets_cors_headers_and_a_streamed_cited_reply(web_app: object) -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        preflight = await client.options(
            URL,
            headers={
                "Origin": SHOP,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type,x-shopbot-key,x-shopbot-token",
            },
        )
        assert preflight.status_code == 204
        assert preflight.headers["access-control-allow-origin"] == SHOP
        assert "access-control-allow-credentials" not in preflight.headers
        cid, headers = await _open(client)
        reply = await client.post(
            f"{URL}/{cid}/messages",
            json={"content": "How long do refunds to a credit card take?"},
            headers={**headers, "Accept": "text/event-stream"},
        )
        assert reply.status_code == 200
        assert reply.headers["access-control-allow-origin"] == SHOP
        blocks = [b for b in reply.text.split("\n\n") if b.strip()]
        assert blocks[0].startswith("event: delta") and blocks[-1].startswith("event: done")
        done = json.loads(blocks[-1].split("data: ", 1)[1])
        assert "5-7 business days" in done["reply"] and "sentiment" not in done
        assert done["sources"][0]["title"] == "Refunds > Credit cards"
        view = (await client.get(f"{URL}/{cid}", headers=headers)).json()
        assert [m["role"] for m in view["messages"]] == ["user", "assistant"]
        assert "score" not in view["messages"][1]["sources"][0]

    run_client(web_app, scenario)


def test_other_origins_are_refused_with_a_clear_403(web_app: object) -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        evil = {"Origin": "https://evil.example", "X-Shopbot-Key": PUBLIC_KEY}
        refused = await client.post(URL, headers=evil)
        assert refused.status_code == 403
        assert "SHOPBOT_ALLOWED_ORIGINS" in refused.json()["error"]["message"]
        assert "access-control-allow-origin" not in refused.headers
        preflight = await client.options(
            URL,
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        )
        assert preflight.status_code == 403
        assert "access-control-allow-origin" not in preflight.headers
        assert "SHOPBOT_ALLOWED_ORIGINS" in preflight.json()["error"]["message"]
        no_origin = await client.post(URL, headers={"X-Shopbot-Key": PUBLIC_KEY})
        assert no_origin.status_code == 403
        same_origin = await client.post(
            URL, headers={"Origin": ORIGIN, "X-Shopbot-Key": PUBLIC_KEY}
        )
        assert same_origin.status_code == 201

    run_client(web_app, scenario)


def test_public_key_is_required_and_only_opens_shopper_doors(web_app: object) -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        assert (await client.post(URL, headers={"Origin": SHOP})).status_code == 401
        wrong = await client.post(URL, headers={"Origin": SHOP, "X-Shopbot-Key": "nope"})
        assert wrong.status_code == 401
        cid, headers = await _open(client)
        as_bearer = {"Authorization": f"Bearer {PUBLIC_KEY}"}  # a script: no Origin
        # Helpdesk and agent actions: never with a public key, whichever way it is sent. A
        # script is told the key is unknown; a page of the shop may read nothing there (401)
        # and change nothing there (403: not shopbot's own origin).
        for method, path in [
            ("GET", "/api/v1/escalations"),
            ("GET", f"/api/v1/conversations/{cid}"),
            ("POST", f"/api/v1/conversations/{cid}/handback"),
            ("POST", f"/api/v1/conversations/{cid}/close"),
        ]:
            response = await client.request(method, path, headers=as_bearer)
            assert response.status_code == 401, (method, path)
            response = await client.request(method, path, headers=headers)
            assert response.status_code == (401 if method == "GET" else 403), (method, path)
        for auth in (as_bearer, {**as_bearer, "Origin": SHOP}):
            agent = await client.post(
                f"/api/v1/conversations/{cid}/agent-messages",
                json={"content": "hi", "agent": "mallory"},
                headers=auth,
            )
            assert agent.status_code == (401 if "Origin" not in auth else 403)
        queue = await client.get("/console/api/queue", headers=headers)
        assert queue.status_code == 401

    run_client(web_app, scenario)


def test_a_shopper_reaches_only_their_own_conversation(web_app: object) -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        mine, my_headers = await _open(client)
        theirs, their_headers = await _open(client)
        # My token on their conversation, or no token: the same 404 as an unknown id.
        for headers in (my_headers, FROM_SHOP):
            peek = await client.get(f"{URL}/{theirs}", headers=headers)
            assert peek.status_code == 404
            post = await client.post(
                f"{URL}/{theirs}/messages", json={"content": "hi"}, headers=headers
            )
            assert post.status_code == 404
        # A helpdesk conversation (no shopper token) is out of reach too.
        helpdesk = await client.post(
            "/api/v1/conversations", headers={"Authorization": f"Bearer {API_KEY}"}
        )
        hid = helpdesk.json()["id"]
        assert (await client.get(f"{URL}/{hid}", headers=my_headers)).status_code == 404
        assert (await client.get(f"{URL}/{mine}", headers=my_headers)).status_code == 200
        assert (await client.get(f"{URL}/{theirs}", headers=their_headers)).status_code == 200

    run_client(web_app, scenario)


def test_talk_to_a_person_feedback_and_rating(web_app: object) -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        cid, headers = await _open(client)
        reply = await client.post(
            f"{URL}/{cid}/messages",
            json={"content": "How long do refunds to a credit card take?"},
            headers=headers,
        )
        assert reply.status_code == 200 and "5-7" in reply.json()["reply"]
        thumbs = await client.post(
            f"{URL}/{cid}/feedback", json={"position": 1, "helpful": True}, headers=headers
        )
        assert thumbs.status_code == 200
        on_own = await client.post(
            f"{URL}/{cid}/feedback", json={"position": 0, "helpful": False}, headers=headers
        )
        assert on_own.status_code == 422
        bad_stars = await client.post(f"{URL}/{cid}/rating", json={"stars": 9}, headers=headers)
        assert bad_stars.status_code == 422
        stars = await client.post(f"{URL}/{cid}/rating", json={"stars": 4}, headers=headers)
        assert stars.status_code == 200
        human = await client.post(f"{URL}/{cid}/human", headers=headers)
        assert human.status_code == 200 and human.json()["human"] is True
        view = (await client.get(f"{URL}/{cid}", headers=headers)).json()
        assert view["status"] == "waiting_for_agent" and view["rating"] == 4
        assert view["messages"][1]["feedback"] == "up"
        later = (await client.get(f"{URL}/{cid}?after=1", headers=headers)).json()
        assert [m["position"] for m in later["messages"]] == [2]
        queue = (
            await client.get("/api/v1/escalations", headers={"Authorization": f"Bearer {API_KEY}"})
        ).json()
        assert cid in [c["id"] for c in queue]

    run_client(web_app, scenario)


def test_widget_script_is_served_to_any_page(web_app: object) -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        script = await client.get("/widget.js", headers={"Origin": "https://anywhere.example"})
        assert script.status_code == 200
        assert script.headers["content-type"].startswith("text/javascript")
        assert "attachShadow" in script.text and "ShopbotWidget" in script.text

    run_client(web_app, scenario)
