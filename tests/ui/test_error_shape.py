"""One error shape, ``{"error": {"code", "message"}}``, from every route of the app (found by
walking the app's own routes, so a new route is covered the day it is added), for unknown
paths (404) and wrong methods (405); invalid JSON says where it breaks; the OpenAPI document
describes every field with an example."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi.routing import APIRoute

from tests.ui.conftest import API_KEY, run_client

AUTH = {"Authorization": f"Bearer {API_KEY}"}
ALL_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}
OPEN_ROUTES = {
    "/healthz",
    "/widget.js",
    "/console",
    "/console/console.js",
    "/console/copilot.js",
    "/demo",
    "/api/v1/public/check",
    "/metrics",  # from this machine
    "/console/insights",  # a page: without a login it leads to the login
}
"""Routes anyone may GET: only a wrong method is an error there."""


def _shaped(response: httpx.Response, status: int | tuple[int, ...]) -> dict[str, Any]:
    statuses = status if isinstance(status, tuple) else (status,)
    assert response.status_code in statuses, (response.request.url, response.text)
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}, body
    assert {"code", "message"} <= set(body["error"]) and body["error"]["message"], body
    return body["error"]


def _routes(app: Any) -> list[tuple[str, str]]:
    return sorted(
        (method, route.path)
        for route in app.routes
        if isinstance(route, APIRoute) or getattr(route, "methods", None)
        for method in route.methods or ()
        if method in ALL_METHODS and not route.path.startswith(("/docs", "/redoc"))
    )


def test_every_route_answers_errors_in_one_shape(web_app: Any) -> None:
    routes = _routes(web_app)
    assert len(routes) >= 30  # the helpdesk API, the widget's, the console's, ops

    async def scenario(client: httpx.AsyncClient) -> None:
        for method, template in routes:
            path = template.replace("{conversation_id}", "nope").replace("{path}", "x")
            if template not in OPEN_ROUTES and template != "/openapi.json":
                # No credentials (or no widget origin): refused, in the shape.
                refused = await client.request(method, path)
                code = _shaped(refused, (400, 401, 403, 404, 422))["code"]
                assert code in {
                    "unauthorized",
                    "forbidden",
                    "not_found",
                    "invalid_request",
                    "not_configured",  # an integration this store has not set up (Chatwoot)
                }
            wrong = next(m for m in ("PUT", "PATCH", "DELETE") if m != method)
            if (wrong, template) not in routes:
                answer = await client.request(wrong, path)
                assert _shaped(answer, 405)["code"] == "method_not_allowed"
                assert method in answer.headers["allow"]
        for unknown in ("/api/v1/nope", "/api/v2/conversations", "/console/api/nope", "/nope"):
            missing = _shaped(await client.get(unknown, headers=AUTH), 404)
            assert unknown in missing["message"] and "/openapi.json" in missing["message"]
        gone = await client.get("/api/v1/conversations/nope", headers=AUTH)
        assert "nope" in _shaped(gone, 404)["message"]

    run_client(web_app, scenario)


def test_invalid_json_says_where_it_breaks(web_app: Any) -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        cid = (await client.post("/api/v1/conversations", headers=AUTH)).json()["id"]
        broken = await client.post(
            f"/api/v1/conversations/{cid}/messages",
            content=b'{\n  "content": "hi",\n  oops\n}',
            headers={**AUTH, "Content-Type": "application/json"},
        )
        error = _shaped(broken, 400)
        assert error["code"] == "invalid_json"
        assert error["message"] == (
            "invalid JSON at line 3 column 3: Expecting property name enclosed in double quotes"
        )
        assert error["details"][0]["line"] == 3 and error["details"][0]["column"] == 3
        not_an_object = await client.post(
            f"/api/v1/conversations/{cid}/messages",
            json=["content", "hi"],
            headers=AUTH,
        )
        assert _shaped(not_an_object, 422)["details"]
        missing = await client.post(f"/api/v1/conversations/{cid}/messages", json={}, headers=AUTH)
        detail = _shaped(missing, 422)["details"][0]
        assert detail["field"] == "content" and "required" in detail["problem"].lower()

    run_client(web_app, scenario)


def test_the_openapi_document_describes_every_field_with_an_example(web_app: Any) -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        spec = (await client.get("/openapi.json")).json()
        schemas = spec["components"]["schemas"]
        documented = [
            "NewConversation",
            "ConversationCreated",
            "MessageIn",
            "AgentMessageIn",
            "Source",
            "Reply",
            "MessageOut",
            "ConversationOut",
            "EscalationOut",
            "Ok",
            "ShopperIn",
            "ExportOut",
            "DeletedOut",
            "OpenedConversation",
            "FeedbackIn",
            "RatingIn",
            "WidgetCheck",
        ]
        for name in documented:
            for field, schema in schemas[name]["properties"].items():
                assert schema.get("description"), f"{name}.{field} has no description"
                if "$ref" not in schema and schema.get("type") != "array":
                    assert "examples" in schema, f"{name}.{field} has no example"
        escalations = spec["paths"]["/api/v1/escalations"]["get"]
        assert "200" in escalations["responses"]
        agent = schemas["AgentMessageIn"]
        assert set(agent["required"]) == {"content", "agent"}
        assert schemas["MessageIn"]["properties"]["content"]["maxLength"] == 4000

    run_client(web_app, scenario)
