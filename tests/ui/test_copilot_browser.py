"""The copilot pane in the agents' console, in real headless Chromium against the real
`shopbot serve` (real engine): the summary and a suggestion the agent edits and sends.
The screenshot goes to ``artifacts/console-copilot.png``."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.live import LIVE_AGENT_KEY, LIVE_API_KEY, LiveServer
from tests.ui.test_browser import ARTIFACTS, browser  # noqa: F401  (the shared browser)

pytestmark = [pytest.mark.slow, pytest.mark.integration]
QUESTION = "How long do refunds to a credit card take?"


def _escalated(server: str) -> str:
    auth = {"Authorization": f"Bearer {LIVE_API_KEY}"}
    with httpx.Client(base_url=server, headers=auth, timeout=180) as client:
        cid = client.post("/api/v1/conversations").json()["id"]
        for text in (QUESTION, "That doesn't help at all. I want to talk to a person now!"):
            client.post(f"/api/v1/conversations/{cid}/messages", json={"content": text})
        assert client.get(f"/api/v1/conversations/{cid}").json()["status"] == "waiting_for_agent"
        return cid


def test_the_console_shows_a_summary_and_a_suggestion(
    browser: Any,  # noqa: F811
    live_server: LiveServer,
) -> None:
    cid = _escalated(live_server.url)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + "/console")
    page.fill("#key", LIVE_AGENT_KEY)
    page.fill("#name", "Dana")
    page.click("#login button[type=submit]")
    page.locator(f".item[data-id='{cid}']").click()
    page.locator("#copilot-summary li").nth(2).wait_for(timeout=60_000)
    suggestion = page.locator("#copilot-suggestion")
    page.wait_for_function(
        "() => !document.querySelector('#copilot-suggestion').textContent.startsWith('Writing')",
        timeout=180_000,
    )
    summary = page.locator("#copilot-summary").inner_text()
    assert QUESTION in summary and "asked for a human" in summary
    text = suggestion.inner_text()
    assert "5-7" in text.replace("–", "-") or "5–7" in text
    assert "Sources: [1]" in page.locator("#copilot-sources").inner_text()
    page.screenshot(path=str(ARTIFACTS / "console-copilot.png"))

    # The agent takes the suggestion into the reply box, edits it and sends it.
    page.click("#copilot-use")
    assert page.input_value("#reply") == text
    page.fill("#reply", "Hi, Dana here. " + text)
    page.click("#send")
    page.locator("#transcript .msg.agent", has_text="Dana here").wait_for(timeout=30_000)
    context.close()
