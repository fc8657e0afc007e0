"""One real `shopbot serve` (real vLLM engine, embedder, Chroma; SQLite) and a store page on
another origin embedding the widget, shared by every test of the session that needs them (the
web app's and the load benchmark's): the `live_server` fixture, registered in tests/conftest.py."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.helpdesk.fake_chatwoot import FakeChatwoot
from tests.conftest import MODELS_CACHE, ROOT
from tests.servers import FakeChatwootServer, free_port, running_process
from ui.integrations.chatwoot import WEBHOOK_PATH

LIVE_API_KEY = "live-api-key"
LIVE_AGENT_KEY = "live-agent-key"
LIVE_PUBLIC_KEY = "live-public-key"
HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Northwind Lane — a store page</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  /* Hostile host styles: none of this may reach the widget. */
  * { font-family: Georgia, serif !important; } div, button { color: red !important; }
  button { background: purple !important; font-size: 30px !important; }
</style></head>
<body><h1>Northwind Lane</h1><p>Linen shirts, lamps, headphones and more.</p>
<script>window.alert = function () { throw new Error("host page script"); };</script>
<script src="{server}/widget.js" data-key="{key}" data-color="#0f766e" data-position="right"
  data-greeting="Welcome to Northwind Lane! How can we help?" defer></script>
</body></html>
"""


@dataclass
class LiveServer:
    url: str
    host_url: str  # a store page on another origin, embedding the widget with one tag
    home: Path
    site: Path  # the folder that origin serves
    chatwoot: FakeChatwoot  # the store's helpdesk, with the server as its agent bot
    chatwoot_server: FakeChatwootServer


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A real `shopbot serve` (real vLLM engine, embedder, Chroma; SQLite) and a store page
    on another origin that embeds the widget, shared by every test of the session."""
    home = tmp_path_factory.mktemp("live-home")
    site = tmp_path_factory.mktemp("store-site")
    MODELS_CACHE.mkdir(parents=True, exist_ok=True)
    (home / "models").symlink_to(MODELS_CACHE, target_is_directory=True)
    port, site_port = free_port(), free_port()
    server_url, site_url = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{site_port}"
    chatwoot = FakeChatwoot(bot_url=server_url + WEBHOOK_PATH)
    chatwoot_server = FakeChatwootServer(chatwoot, free_port())
    page = HOST_PAGE.replace("{server}", server_url).replace("{key}", LIVE_PUBLIC_KEY)
    (site / "index.html").write_text(page, encoding="utf-8")
    env = {
        **os.environ,
        "SHOPBOT_HOME": str(home),
        "SHOPBOT_STORE_NAME": "Northwind Lane",
        "SHOPBOT_API_KEYS": LIVE_API_KEY,
        "SHOPBOT_AGENT_KEYS": LIVE_AGENT_KEY,
        "SHOPBOT_PUBLIC_KEYS": LIVE_PUBLIC_KEY,
        "SHOPBOT_ALLOWED_ORIGINS": site_url,
        "SHOPBOT_WEB__DEMO_PAGE": "true",
        "SHOPBOT_ENGINE__ENFORCE_EAGER": "true",
        "SHOPBOT_ENGINE__KV_CACHE_GB": "0.5",  # see vllm_backend in tests/conftest.py
        "SHOPBOT_CHATWOOT__BASE_URL": chatwoot_server.url,
        "SHOPBOT_CHATWOOT__ACCOUNT_ID": str(chatwoot.account_id),
        "SHOPBOT_CHATWOOT__API_TOKEN": chatwoot.bot_token,
        "SHOPBOT_CHATWOOT__WEBHOOK_SECRET": str(chatwoot.secret),
        "HF_HUB_OFFLINE": "1",
    }
    env.pop("SHOPBOT_CONFIG", None)
    subprocess.run(
        [sys.executable, "-m", "bot.cli", "ingest", "--policies", str(ROOT / "data" / "policies")],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=300,
    )
    site_command = [sys.executable, "-m", "http.server", str(site_port), "--bind", "127.0.0.1"]
    with (
        chatwoot_server,
        running_process(
            site_command,
            ready_url=f"{site_url}/index.html",
            log_path=home / "site.log",
            cwd=site,
            timeout=30,
        ),
        running_process(
            [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)],
            ready_url=f"{server_url}/healthz",
            log_path=home / "serve.log",
            env=env,
            cwd=ROOT,
            timeout=300,
        ),
    ):
        yield LiveServer(
            server_url, f"{site_url}/index.html", home, site, chatwoot, chatwoot_server
        )
