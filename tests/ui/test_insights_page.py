"""The console's insights page: behind the agent login, JSON and CSV exports, and the page in
a real Chromium over the demo history imported into the real `shopbot serve`'s database.
The screenshot goes to ``artifacts/insights.png``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import httpx
import pytest

from tests.conftest import DATA, ROOT
from tests.live import LIVE_AGENT_KEY, LiveServer
from tests.ui.conftest import console_login, run_client
from tests.ui.test_browser import ARTIFACTS, browser  # noqa: F401  (the module's Chromium)


def test_insights_need_an_agent_login_and_export_json_and_csv(web_app: Any) -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        created = await client.post(
            "/api/v1/conversations", headers={"Authorization": "Bearer test-key-123"}
        )
        cid = created.json()["id"]
        await client.post(
            f"/api/v1/conversations/{cid}/messages",
            json={"content": "How long do refunds take?"},
            headers={"Authorization": "Bearer test-key-123"},
        )
        assert (await client.get("/console/insights.json")).status_code == 401
        assert (await client.get("/console/insights.csv")).status_code == 401
        page = await client.get("/console/insights", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"] == "/console"

        await console_login(client, "Lee")  # the shared key: an admin
        report = (await client.get("/console/insights.json")).json()
        overall = report["metrics"]["overall"]
        assert overall["conversations"] == 1 and overall["median_turns"] == 1.0
        csv = await client.get("/console/insights.csv", params={"since": "2020-01-01"})
        assert csv.headers["content-type"].startswith("text/csv")
        assert csv.text.startswith("section,key,week,metric,value")
        html = (await client.get("/console/insights")).text
        assert "<svg" in html and "resolved by the bot alone" in html
        bad = await client.get("/console/insights.json", params={"since": "last week"})
        assert bad.status_code == 400 and "YYYY-MM-DD" in bad.text

    run_client(web_app, scenario)


@pytest.mark.slow
@pytest.mark.integration
def test_insights_page_in_a_real_browser(browser: Any, live_server: LiveServer) -> None:  # noqa: F811
    env = {**os.environ, "SHOPBOT_HOME": str(live_server.home), "HF_HUB_OFFLINE": "1"}
    env.pop("SHOPBOT_CONFIG", None)
    imported = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "insights",
            "--import",
            str(DATA / "conversations.jsonl"),
            "--no-reasons",
            "--no-gaps",
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=600,
    )
    assert imported.returncode == 0, imported.stderr
    assert json.loads(imported.stdout)["metrics"]["overall"]["conversations"] >= 500

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + "/console")
    page.fill("#key", LIVE_AGENT_KEY)
    page.fill("#name", "Morgan")  # a name no account holds: the shared key, an admin
    page.click("#login button[type=submit]")
    # The first report over the history takes a while (embedding, clustering, searching).
    with page.expect_navigation(timeout=300_000):
        page.locator("#insights-link").click()
    page.locator("#tiles").wait_for(timeout=10_000)
    tiles = page.locator("#tiles").inner_text()
    assert "resolved by the bot alone" in tiles and "rated CSAT" in tiles
    assert page.locator("svg").count() >= 4
    assert page.locator("#reasons tr").count() > 5  # contact reasons were clustered
    assert page.locator("#gaps").count() == 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "insights.png"), full_page=True)
    with page.expect_download() as download:
        page.click("#csv")
    assert download.value.suggested_filename == "shopbot-insights.csv"
    context.close()
