"""The red team's web part, in a real headless Chromium against a real `shopbot serve`: an
agent logged in to the console visits a page on another port of the same host (same site:
the SameSite cookie goes along) and a page of another site; both try to post as the agent
and to hand the conversation back, with every trick a page has (fetch with credentials, a
simple no-cors request, a form posted into a frame), and to reach the helpdesk API. Nothing
may change, and no preflight may be approved."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.live import LIVE_API_KEY, LiveServer
from tests.test_cli import shopbot
from tests.ui.test_browser import ARTIFACTS, browser  # noqa: F401  (the module's Chromium)

pytestmark = [pytest.mark.slow, pytest.mark.integration]
HELPDESK = {"Authorization": f"Bearer {LIVE_API_KEY}"}
ATTACK_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Win a prize</title>
</head><body><h1>You won!</h1><iframe name="sink" id="sink"></iframe><script>
(async () => {
  const q = new URLSearchParams(location.search);
  const server = q.get("server"), cid = q.get("cid");
  const reply = server + "/console/api/conversations/" + cid + "/reply";
  const handback = server + "/console/api/conversations/" + cid + "/handback";
  const results = {};
  async function attempt(name, request) {
    try {
      const response = await request();
      results[name] = response.type === "opaque" ? "opaque" : "status " + response.status;
    } catch (error) { results[name] = "blocked"; }
  }
  const json = {"Content-Type": "application/json"};
  await attempt("fetch_reply", () => fetch(reply, {method: "POST", credentials: "include",
    headers: json, body: JSON.stringify({content: "FORGED by fetch"})}));
  await attempt("simple_reply", () => fetch(reply, {method: "POST", mode: "no-cors",
    credentials: "include", headers: {"Content-Type": "text/plain"},
    body: JSON.stringify({content: "FORGED by a simple request"})}));
  await attempt("simple_handback", () => fetch(handback, {method: "POST", mode: "no-cors",
    credentials: "include"}));
  await attempt("read_console", () => fetch(server + "/console/api/me",
    {credentials: "include"}).then(r => r.json().then(() => r)));
  await attempt("helpdesk_api", () => fetch(server + "/api/v1/conversations/" + cid +
    "/agent-messages", {method: "POST", headers: {...json, "Authorization": "Bearer x"},
    body: JSON.stringify({content: "FORGED via the API", agent: "Mallory"})}));
  await attempt("logout", () => fetch(server + "/console/logout", {method: "POST",
    mode: "no-cors", credentials: "include"}));
  // A form posted into a frame: text/plain can carry a JSON-looking body.
  const form = document.createElement("form");
  form.method = "POST"; form.action = reply; form.enctype = "text/plain"; form.target = "sink";
  const field = document.createElement("input");
  field.name = '{"content": "FORGED by a form", "x": "'; field.value = '"}';
  form.appendChild(field); document.body.appendChild(form);
  const loaded = new Promise(done => document.getElementById("sink").onload = done);
  form.submit();
  await Promise.race([loaded, new Promise(done => setTimeout(done, 10000))]);
  results.form_reply = "submitted";
  window.__results = results;
  document.title = "done";
})();
</script></body></html>
"""


def _shopbot(live_server: LiveServer, *args: str, stdin: str | None = None) -> str:
    """`shopbot ...` on the live server's home (its database)."""
    done = shopbot(*args, home=live_server.home, stdin=stdin, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _escalated(server: str) -> str:
    with httpx.Client(base_url=server, headers=HELPDESK, timeout=120) as client:
        cid = client.post("/api/v1/conversations").json()["id"]
        turn = client.post(
            f"/api/v1/conversations/{cid}/messages",
            json={"content": "I want to talk to a real person, please."},
        )
        assert turn.json()["escalated"] is True
    return cid


def _transcript(server: str, cid: str) -> dict[str, Any]:
    return httpx.get(f"{server}/api/v1/conversations/{cid}", headers=HELPDESK, timeout=30).json()


def test_pages_of_the_same_site_and_of_another_site_cannot_act_as_the_agent(
    browser: Any,  # noqa: F811
    live_server: LiveServer,
) -> None:
    secret = "robin's console secret"
    _shopbot(live_server, "agents", "add", "Robin", "--secret-stdin", stdin=secret + "\n")
    cid = _escalated(live_server.url)
    (live_server.site / "attack.html").write_text(ATTACK_PAGE, encoding="utf-8")

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    console = context.new_page()
    console.goto(live_server.url + "/console")
    console.fill("#name", "Robin")
    console.fill("#key", secret)
    console.click("#login button[type=submit]")
    item = console.locator(f".item[data-id='{cid}']")
    item.wait_for(timeout=30_000)
    item.click()
    console.fill("#reply", "Hi, Robin here from the store.")
    console.click("#send")
    console.locator("#transcript .msg.agent", has_text="Robin here").wait_for(timeout=10_000)
    assert _transcript(live_server.url, cid)["status"] == "agent"

    same_site = live_server.host_url.replace("index.html", "attack.html")
    cross_site = same_site.replace("127.0.0.1", "localhost")
    assert same_site.split("/")[2].split(":")[0] == live_server.url.split("/")[2].split(":")[0]
    for attack_url in (same_site, cross_site):
        page = context.new_page()  # the agent's browser: the console's cookie is in it
        warnings: list[str] = []
        page.on("console", lambda message, seen=warnings: seen.append(message.text))
        page.goto(f"{attack_url}?server={live_server.url}&cid={cid}")
        page.wait_for_function("document.title === 'done'", timeout=60_000)
        results = page.evaluate("window.__results")
        # Preflighted requests: refused, so the page can neither send nor read them.
        assert results["fetch_reply"] == "blocked", (attack_url, results)
        assert results["helpdesk_api"] == "blocked", (attack_url, results)
        assert results["read_console"] == "blocked", (attack_url, results)
        assert any("preflight" in w and "/reply" in w for w in warnings), warnings
        assert any("preflight" in w and "agent-messages" in w for w in warnings), warnings
        page.close()

    # Nothing the pages sent was stored or done, and the agent is still logged in.
    transcript = _transcript(live_server.url, cid)
    assert transcript["status"] == "agent"
    assert not [m for m in transcript["messages"] if "FORGED" in m["content"]]
    audit = _shopbot(live_server, "agents", "audit", "--conversation", cid)
    assert audit.count(" reply ") == 1 and "handback" not in audit
    console.fill("#reply", "Still here.")
    console.click("#send")
    console.locator("#transcript .msg.agent", has_text="Still here.").wait_for(timeout=10_000)

    # Even on the console's own origin, a script without the session's token is refused.
    status = console.evaluate(
        """cid => fetch('/console/api/conversations/' + cid + '/handback',
             {method: 'POST', credentials: 'same-origin'}).then(r => r.status)""",
        cid,
    )
    assert status == 403
    console.screenshot(path=str(ARTIFACTS / "console-after-attacks.png"))
    context.close()


def test_the_issues_probe_gets_no_approval_from_the_real_server(live_server: LiveServer) -> None:
    """The preflight that found the hole: a public Host, a foreign Origin."""
    for path in (
        "/console/api/conversations/x/reply",
        "/api/v1/conversations",
        "/console/login",
        "/",
    ):
        preflight = httpx.options(
            live_server.url + path,
            headers={
                "Host": "support.shop.example",
                "Origin": "https://evil.example",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type,authorization",
            },
            timeout=30,
        )
        assert preflight.status_code == 403, path
        assert not [h for h in preflight.headers if h.lower().startswith("access-control-")]
