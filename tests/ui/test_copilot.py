"""The copilot over HTTP: the helpdesk API and the console give the same summary and a
suggested reply; the console serves its pane."""

from __future__ import annotations

import httpx

from tests.ui.conftest import API_KEY, console_login, run_client

HELPDESK = {"Authorization": f"Bearer {API_KEY}"}


async def _escalated_refund_question(client: httpx.AsyncClient) -> str:
    cid = (await client.post("/api/v1/conversations", headers=HELPDESK)).json()["id"]
    for text in (
        "How long do refunds to a credit card take?",
        "This is useless, let me talk to a real person!",
    ):
        await client.post(
            f"/api/v1/conversations/{cid}/messages", json={"content": text}, headers=HELPDESK
        )
    return cid


def test_the_api_and_the_console_give_a_summary_and_a_suggestion(web_app: object) -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        cid = await _escalated_refund_question(client)
        assert (await client.get(f"/api/v1/conversations/{cid}/copilot")).status_code == 401
        answer = await client.get(f"/api/v1/conversations/{cid}/copilot", headers=HELPDESK)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        asks, so_far, now = body["summary"]
        assert asks == "Asks: “How long do refunds to a credit card take?”"
        assert "the shopper asked for a human" in so_far and "dissatisfaction" in now
        suggestion = body["suggestion"]
        # The refund question, not the angry last line, is what it answers, with its source.
        assert suggestion["text"].startswith("I'm sorry for the trouble")
        assert "5-7 business days" in suggestion["text"]
        assert suggestion["sources"][0]["id"] == "policy:refunds#1"

        assert (await client.get(f"/console/api/conversations/{cid}/copilot")).status_code == 401
        await console_login(client)
        console = await client.get(f"/console/api/conversations/{cid}/copilot")
        assert console.json() == body  # the same suggestion, written once
        script = await client.get("/console/copilot.js")
        assert script.status_code == 200 and "copilot" in script.text
        assert '<script src="/console/copilot.js">' in (await client.get("/console")).text
        missing = await client.get("/api/v1/conversations/nope/copilot", headers=HELPDESK)
        assert missing.status_code == 404

    run_client(web_app, scenario)
