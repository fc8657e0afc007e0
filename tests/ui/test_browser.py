"""Real headless Chromium against a real `shopbot serve`: the store widget on another origin,
the agents' console taking a conversation over, the shopper chat at phone width.

Screenshots go to ``artifacts/`` at the repository root."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.live import LIVE_AGENT_KEY, LIVE_API_KEY, LiveServer

pytestmark = [pytest.mark.slow, pytest.mark.integration]
CHROMIUM = Path(os.environ.get("SHOPBOT_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = ROOT / "artifacts"
QUESTION = "How many days do I have to return an item?"
WAITING_QUESTION = "How long do refunds to a credit card take?"
REPLY_TIMEOUT_MS = 120_000

# Records every text the streaming bubble shows, to prove the reply arrives in pieces.
WATCH_STREAM = """() => {
  const root = document.querySelector('shopbot-widget').shadowRoot;
  window.__streamed = [];
  window.__times = {};
  root.querySelector('.sb-send').addEventListener('click', () => {
    window.__times.sent = performance.now();
  });
  new MutationObserver(() => {
    const bubble = root.querySelector('.sb-streaming');
    const text = bubble && bubble.textContent;
    if (text && text !== '…' && window.__streamed.at(-1) !== text) {
      window.__streamed.push(text);
      window.__times.first ??= performance.now();
    }
    if (!bubble && window.__times.first && !window.__times.done) {
      window.__times.done = performance.now();
    }
  }).observe(root, {subtree: true, childList: true, characterData: true});
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make system-deps` (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def _ask_about_returns(page: Any) -> Any:
    """Ask the open widget QUESTION; its reply, checked: the fact, cited as [1]."""
    page.fill(".sb-input", QUESTION)
    page.click(".sb-send")
    reply = page.locator(".sb-msg.sb-assistant").last
    reply.locator(".sb-sources").wait_for(timeout=REPLY_TIMEOUT_MS)
    assert "30 days" in reply.inner_text()
    assert "[1]" in reply.locator(".sb-sources").inner_text()
    return reply


def _shot(page: Any, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / name))


def test_widget_shopper_and_console_agent(browser: Any, live_server: LiveServer) -> None:
    shopper_context = browser.new_context(viewport={"width": 1100, "height": 760}, locale="en-US")
    shopper = shopper_context.new_page()
    shopper.goto(live_server.host_url)
    assert live_server.host_url.split("/")[2] != live_server.url.split("/")[2]  # two origins
    shopper.click(".sb-bubble")
    assert shopper.locator(".sb-greeting").inner_text().startswith("Welcome to Northwind")
    # The host page's hostile styles do not reach the widget.
    color = shopper.locator(".sb-send").evaluate("b => getComputedStyle(b).backgroundColor")
    assert color == "rgb(15, 118, 110)"
    assert shopper.evaluate("Object.keys(window).filter(k => /shopbot/i.test(k))") == [
        "ShopbotWidget"
    ]

    shopper.evaluate(WATCH_STREAM)
    reply = _ask_about_returns(shopper)
    streamed = shopper.evaluate("window.__streamed")
    assert streamed, "no text was shown before the reply finished"
    times = shopper.evaluate("window.__times")
    timings = {
        "first_text_ms": round(times["first"] - times["sent"]),
        "reply_done_ms": round(times["done"] - times["sent"]),
        "text_updates": len(streamed),
    }
    (ARTIFACTS / "widget-timings.json").write_text(json.dumps(timings, indent=2) + "\n")
    reply.locator(".sb-up").click()
    shopper.locator(".sb-msg.sb-assistant .sb-up.on").wait_for(timeout=10_000)
    _shot(shopper, "widget-reply.png")

    # A reload keeps the conversation (localStorage), and the bubble shows it again.
    stored = json.loads(
        shopper.evaluate("localStorage.getItem('shopbot:' + 'live-public-key' + ':conversation')")
    )
    shopper.reload()
    shopper.click(".sb-bubble")
    shopper.locator(".sb-msg.sb-assistant .sb-sources").wait_for(timeout=30_000)
    assert shopper.locator(".sb-msg.sb-user").first.inner_text() == QUESTION

    shopper.click(".sb-human")
    shopper.locator(".sb-banner:not([hidden])").wait_for(timeout=30_000)
    assert "person from our team" in shopper.locator(".sb-banner").inner_text()

    # The agent, in a second browser context, takes the conversation over.
    agent_context = browser.new_context(viewport={"width": 1280, "height": 800})
    agent = agent_context.new_page()
    agent.goto(live_server.url + "/console")
    agent.fill("#key", "not-the-key")
    agent.fill("#name", "Dana")
    agent.click("#login button[type=submit]")
    agent.locator("#login-error", has_text="Unknown name or key").wait_for(timeout=10_000)
    agent.fill("#key", LIVE_AGENT_KEY)
    agent.click("#login button[type=submit]")
    item = agent.locator(f".item[data-id='{stored['id']}']")
    item.wait_for(timeout=30_000)
    assert "the shopper asked for a human" in item.inner_text()
    assert "dissatisfaction" in item.inner_text()
    item.click()
    agent.locator("#transcript .msg.user", has_text=QUESTION).wait_for(timeout=10_000)
    agent.fill("#reply", "Hi, I'm Dana from Northwind Lane. I can extend that to 45 days.")
    agent.click("#send")
    agent.locator("#transcript .msg.agent", has_text="I'm Dana").wait_for(timeout=10_000)
    _shot(agent, "console.png")

    # The shopper sees the agent's reply in the same thread, under a "person" banner.
    shopper.locator(".sb-msg.sb-agent", has_text="I'm Dana").wait_for(timeout=30_000)
    shopper.locator(".sb-banner", has_text="chatting with a person").wait_for(timeout=10_000)
    _shot(shopper, "widget-agent-reply.png")

    # While the person has the conversation, the shopper asks something more: no bot reply.
    shopper.fill(".sb-input", WAITING_QUESTION)
    shopper.click(".sb-send")
    agent.locator("#transcript .msg.user", has_text=WAITING_QUESTION).wait_for(timeout=30_000)
    replies_before = shopper.locator(".sb-msg.sb-assistant:not(.sb-greeting)").count()

    # Handed back: the shopper is told the bot is back, and the bot answers what was waiting.
    agent.click("#handback")
    agent.locator("#title", has_text="— bot").wait_for(timeout=10_000)
    shopper.locator(".sb-banner[hidden]").wait_for(state="attached", timeout=30_000)
    shopper.locator(".sb-notice", has_text="back with our virtual assistant").wait_for(
        timeout=30_000
    )
    answer = shopper.locator(".sb-msg.sb-assistant:not(.sb-greeting)").nth(replies_before)
    answer.locator(".sb-sources").wait_for(timeout=REPLY_TIMEOUT_MS)
    assert "refund" in answer.inner_text().lower()
    _shot(shopper, "widget-handback.png")
    agent_context.close()
    shopper_context.close()


def test_widget_on_a_page_of_another_origin_is_refused(
    browser: Any, live_server: LiveServer
) -> None:
    # The same store page served as "localhost": an origin the server does not allow.
    context = browser.new_context()
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(live_server.host_url.replace("127.0.0.1", "localhost"))
    page.click(".sb-bubble")
    # The widget says so in its panel, before any message, and the store owner is told why.
    refused = page.locator(".sb-refused")
    refused.wait_for(timeout=30_000)
    assert "not available on this page" in refused.inner_text()
    origin = live_server.host_url.replace("127.0.0.1", "localhost").rsplit("/", 1)[0]
    assert origin in refused.inner_text() and "SHOPBOT_ALLOWED_ORIGINS" in refused.inner_text()
    assert page.locator(".sb-input").is_disabled()
    assert any("SHOPBOT_ALLOWED_ORIGINS" in line for line in console), console
    _shot(page, "widget-refused.png")
    # A script on the page calling the API itself is stopped by the browser: no approval.
    status = page.evaluate(
        """server => fetch(server + '/api/v1/public/conversations', {method: 'POST',
             headers: {'X-Shopbot-Key': 'live-public-key'}}).then(r => r.status, e => 'blocked')""",
        live_server.url,
    )
    assert status == "blocked"
    log = (live_server.home / "serve.log").read_text(encoding="utf-8")
    assert f"Refused the store widget on {origin}" in log and "SHOPBOT_ALLOWED_ORIGINS=" in log
    context.close()


def _web_conversation(server: str, first_message: str) -> dict[str, Any]:
    """The newest chat-page conversation that starts with ``first_message`` (helpdesk API)."""
    import httpx

    auth = {"Authorization": f"Bearer {LIVE_API_KEY}"}
    with httpx.Client(base_url=server, headers=auth, timeout=30) as client:
        for row in client.get("/api/v1/escalations").json():
            conversation = client.get(f"/api/v1/conversations/{row['id']}").json()
            messages = conversation["messages"]
            if conversation["channel"] == "web" and messages[0]["content"] == first_message:
                return conversation
    raise AssertionError("the chat page's conversation is not in the escalation queue")


def test_shopper_chat_at_phone_width(browser: Any, live_server: LiveServer) -> None:
    import httpx

    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="en-US", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto(live_server.url + "/")
    box = page.locator("#message textarea")
    box.wait_for(timeout=60_000)
    _in_first_screen(page, "#message textarea", 844)
    _in_first_screen(page, "#send", 844)
    assert page.locator("#suggestions button").count() == 3
    assert "Built with Gradio" not in page.inner_text("body")
    assert page.locator("#brand", has_text="Northwind Lane").count() == 1
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways at phone width ({width}px)"
    _shot(page, "chat-phone-start.png")
    box.fill(QUESTION)
    page.click("#send")
    chat = page.locator("#shopbot-chat")
    chat.get_by_text("Sources:").first.wait_for(timeout=REPLY_TIMEOUT_MS)
    assert "30 days" in chat.inner_text()
    page.locator("#suggestions").wait_for(state="hidden", timeout=10_000)
    _in_first_screen(page, "#message textarea", 844)
    page.screenshot(path=str(ARTIFACTS / "chat-phone.png"), full_page=True)

    # Thumbs up on the reply, 4 stars for the chat, then a person takes over.
    chat.get_by_role("button", name="Like").last.click()
    page.locator("#rating label", has_text="4").click()
    page.locator("#thanks", has_text="4/5").wait_for(timeout=10_000)
    page.click("#human")
    page.locator("#human-banner", has_text="person from our team").wait_for(timeout=30_000)
    conversation = _web_conversation(live_server.url, QUESTION)
    assert conversation["rating"] == 4
    assert conversation["messages"][1]["feedback"] == "up"
    httpx.post(
        f"{live_server.url}/api/v1/conversations/{conversation['id']}/agent-messages",
        json={"content": "Hello, Sam here from the team.", "agent": "Sam"},
        headers={"Authorization": f"Bearer {LIVE_API_KEY}"},
        timeout=30,
    ).raise_for_status()
    chat.get_by_text("Hello, Sam here from the team.").wait_for(timeout=30_000)
    page.locator("#human-banner", has_text="chatting with a person").wait_for(timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "chat-phone-agent.png"), full_page=True)

    page.locator("#language label", has_text="中文").click()
    page.locator("#send", has_text="发送").wait_for(timeout=10_000)
    page.locator("#human-banner", has_text="人工客服").wait_for(timeout=10_000)
    assert chat.get_by_text("Sam · 客服").count() == 1  # the agent's name, in Chinese labels

    # A new conversation really is new: the old one does not come back with the next message.
    page.locator("#language label", has_text="EN").click()
    page.locator("#send", has_text="Send").wait_for(timeout=10_000)
    page.click("#new-chat")
    page.locator("#suggestions").wait_for(timeout=10_000)
    assert "Sam here" not in chat.inner_text()
    box.fill("退款多久能到账？")
    page.click("#send")
    # The page follows the shopper into Chinese: labels, and "Sources" under the reply.
    page.locator("#send", has_text="发送").wait_for(timeout=REPLY_TIMEOUT_MS)
    chat.get_by_text("参考来源").first.wait_for(timeout=REPLY_TIMEOUT_MS)
    assert "Sam here" not in chat.inner_text() and "30 days" not in chat.inner_text()
    assert _web_conversations_starting(live_server.home, "退款多久能到账？") == 1
    _shot(page, "chat-phone-zh.png")
    context.close()


def _in_first_screen(page: Any, selector: str, height: int) -> None:
    box = page.locator(selector).bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height, (
        f"{selector} is not in the first screen: {box}"
    )


def _web_conversations_starting(home: Path, first_message: str) -> int:
    """How many chat-page conversations of the live server start with ``first_message``."""
    from bot.store import SQLConversationStore

    store = SQLConversationStore(f"sqlite:///{home / 'conversations.db'}")
    found = 0
    for summary in store.list(limit=1000):
        messages = store.get(summary.id).messages
        found += (
            summary.channel == "web" and bool(messages) and messages[0].content == first_message
        )
    store.engine.dispose()
    return found


def test_widget_is_themed_by_its_data_attributes(browser: Any, live_server: LiveServer) -> None:
    from playwright.sync_api import expect

    html = (live_server.site / "index.html").read_text(encoding="utf-8")
    html = html.replace('data-color="#0f766e"', 'data-color="#b91c1c"').replace(
        'data-position="right"', 'data-position="left" data-lang="zh"'
    )
    (live_server.site / "zh-left.html").write_text(html, encoding="utf-8")
    context = browser.new_context(viewport={"width": 800, "height": 700}, locale="en-US")
    page = context.new_page()
    page.goto(live_server.host_url.replace("index.html", "zh-left.html"))
    bubble = page.locator(".sb-bubble")
    box = bubble.bounding_box()
    assert box is not None and box["x"] < 100  # on the left
    bubble.click()
    # The store's name arrives with the widget's first call to the server, after the panel opens.
    expect(page.locator(".sb-head b")).to_have_text("Northwind Lane · 在线客服", timeout=30_000)
    assert page.locator(".sb-human").inner_text() == "转人工客服"
    assert page.locator(".sb-input").get_attribute("placeholder") == "请输入您的问题…"
    color = page.locator(".sb-head").evaluate("h => getComputedStyle(h).backgroundColor")
    assert color == "rgb(185, 28, 28)"
    _shot(page, "widget-zh-left.png")
    context.close()


def test_chat_page_speaks_the_browsers_language(browser: Any, live_server: LiveServer) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.locator("#send", has_text="发送").wait_for(timeout=60_000)
    assert page.locator("#suggestions button", has_text="退款多久能到账？").count() == 1
    assert page.locator("#human", has_text="转人工客服").count() == 1
    context.close()


def test_the_demo_store_page_widget_answers_out_of_the_box(
    browser: Any, live_server: LiveServer
) -> None:
    """`/demo` with the settings `make demo` uses: the widget answers, on a desktop and on
    a phone."""
    for name, viewport, mobile in (
        ("demo-widget.png", {"width": 1280, "height": 800}, False),
        ("demo-widget-phone.png", {"width": 390, "height": 844}, True),
    ):
        context = browser.new_context(
            viewport=viewport, locale="en-US", is_mobile=mobile, has_touch=mobile
        )
        page = context.new_page()
        page.goto(live_server.url + "/demo")
        assert "Northwind Lane" in page.title()
        assert 'data-key="live-public-key"' in page.content()
        page.click(".sb-bubble")
        page.locator(".sb-head b", has_text="Northwind Lane").wait_for(timeout=30_000)
        assert page.locator(".sb-refused").is_hidden()
        _ask_about_returns(page)
        if mobile:  # the panel fills the screen, its input in view
            _in_first_screen(page, ".sb-input", viewport["height"])
        _shot(page, name)
        context.close()


def test_the_console_shows_only_what_applies(browser: Any, live_server: LiveServer) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(live_server.url + "/console")
    page.locator("#login").wait_for(timeout=30_000)
    for hidden in ("#desk", "#queue", "#actions", "#logout"):
        assert page.locator(hidden).is_hidden(), f"{hidden} shows before the login"
    _shot(page, "console-login.png")
    page.fill("#name", "Kim")
    page.fill("#key", LIVE_AGENT_KEY)
    page.click("#login button[type=submit]")
    page.locator("#queue").wait_for(timeout=30_000)
    assert page.locator("#login").is_hidden()
    assert page.locator("#actions").is_hidden(), "the reply box shows before a conversation"
    context.close()


def test_the_chat_page_on_a_desktop(browser: Any, live_server: LiveServer) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.locator("#message textarea").wait_for(timeout=60_000)
    _in_first_screen(page, "#message textarea", 800)
    page.fill("#message textarea", "Do you have the linen shirt in blue, size M?")
    page.click("#send")
    page.locator("#shopbot-chat").get_by_text("Sources:").first.wait_for(timeout=REPLY_TIMEOUT_MS)
    _shot(page, "chat-desktop.png")
    context.close()
