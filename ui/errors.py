"""One error shape for the API: ``{"error": {"code", "message", "details"?}}``; never a 500
for bad input."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.errors import (
    BackendOverloaded,
    ConversationNotFound,
    IdempotencyConflict,
    InvalidMessage,
    LimitExceeded,
    RetrievalError,
    ShopbotError,
    StoreError,
)

log = logging.getLogger(__name__)
T = TypeVar("T")
STORE_DOWN = (
    "The conversation database is unavailable, so nothing was stored; retry shortly with the "
    "same Idempotency-Key header."
)

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid_request",
    429: "rate_limited",
    503: "unavailable",
    504: "timeout",
}
LIMIT_STATUS = {"limits.max_message_chars": 413, "limits.max_turns": 409}
GRADIO_API = "/gradio_api/"
RETRY_AFTER_S = 5
"""What a client is told to wait when a part of the service is down for a moment."""


def error_response(
    status: int,
    message: str,
    details: object = None,
    *,
    code: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, object] = {"code": code or CODES.get(status, "error"), "message": message}
    if details is not None:
        body["details"] = details
    return JSONResponse({"error": body}, status_code=status, headers=headers)


def asgi_error(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> ASGIApp:
    """An ASGI app answering with the error shape (for middleware, before any route)."""
    body = json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False).encode()

    async def app(_scope: Scope, _receive: Receive, send: Send) -> None:
        raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": body})

    return app


def unavailable(message: str) -> JSONResponse:
    return error_response(503, message, headers={"Retry-After": str(RETRY_AFTER_S)})


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return error_response(exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        broken = next((e for e in exc.errors() if e.get("type") == "json_invalid"), None)
        if broken is not None:
            return invalid_json(broken, exc.body)
        details = [
            {"field": ".".join(str(p) for p in e["loc"] if p != "body"), "problem": e["msg"]}
            for e in exc.errors()
        ]
        too_long = any(e.get("type") == "string_too_long" for e in exc.errors())
        summary = "; ".join(f"{d['field'] or 'body'}: {d['problem']}" for d in details)
        return error_response(413 if too_long else 422, summary or "Invalid request.", details)

    @app.exception_handler(InvalidMessage)
    async def invalid_message(_request: Request, exc: InvalidMessage) -> JSONResponse:
        return error_response(422, str(exc), code="invalid_message")

    @app.exception_handler(IdempotencyConflict)
    async def idempotency_conflict(_request: Request, exc: IdempotencyConflict) -> JSONResponse:
        return error_response(
            422,
            "This Idempotency-Key was already used with a different message in this "
            "conversation; send a new key with a new message.",
            code="idempotency_conflict",
        )

    @app.exception_handler(ConversationNotFound)
    async def not_found(_request: Request, exc: ConversationNotFound) -> JSONResponse:
        return error_response(404, str(exc))

    @app.exception_handler(BackendOverloaded)
    async def overloaded(_request: Request, exc: BackendOverloaded) -> JSONResponse:
        return unavailable(str(exc))

    @app.exception_handler(LimitExceeded)
    async def limit(_request: Request, exc: LimitExceeded) -> JSONResponse:
        status = LIMIT_STATUS.get(exc.setting, 429)
        code = "conversation_too_long" if exc.setting == "limits.max_turns" else None
        headers = {"Retry-After": f"{exc.retry_after_s:.0f}"} if exc.retry_after_s else None
        return error_response(status, str(exc), code=code, headers=headers)

    @app.exception_handler(StoreError)
    async def store_down(_request: Request, exc: StoreError) -> JSONResponse:
        log.error("The conversation database failed: %s", exc)
        return unavailable(STORE_DOWN)

    @app.exception_handler(SQLAlchemyError)
    async def database_down(_request: Request, exc: SQLAlchemyError) -> JSONResponse:
        log.error("The conversation database failed: %s", exc)
        return unavailable(STORE_DOWN)

    @app.exception_handler(RetrievalError)
    async def index_down(_request: Request, exc: RetrievalError) -> JSONResponse:
        log.error("The knowledge index failed: %s", exc)
        return unavailable("The knowledge index is unavailable right now; try again shortly.")

    @app.exception_handler(ShopbotError)
    async def shopbot_error(_request: Request, exc: ShopbotError) -> JSONResponse:
        log.warning("Request failed: %s", exc)
        return error_response(503, "The service is temporarily unable to answer; try again.")


def invalid_json(error: dict[str, Any], document: object) -> JSONResponse:
    """400 saying where the JSON breaks: ``invalid JSON at line L column C: why``."""
    text = document if isinstance(document, str) else ""
    position = next((p for p in error.get("loc", ()) if isinstance(p, int)), 0)
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    why = (error.get("ctx") or {}).get("error") or "cannot be read"
    message = f"invalid JSON at line {line} column {column}: {why}"
    details = [{"field": "body", "problem": message, "line": line, "column": column}]
    return error_response(400, message, details, code="invalid_json")


class ErrorShape:
    """ASGI middleware: every error answer has shopbot's shape, Gradio's included (its own
    API under ``/gradio_api/`` aside, whose page expects Gradio's), and a path that exists for
    other methods answers 405 with ``Allow`` rather than falling through to the chat page's
    404."""

    def __init__(self, app: ASGIApp, router: Any) -> None:
        self.app = app
        self.router = router

    def _allowed_elsewhere(self, scope: Scope) -> list[str]:
        """Methods the path takes, when the request's method is not one of them."""
        from starlette.routing import Match, Mount

        methods: set[str] = set()
        for route in self.router.routes:
            if isinstance(route, Mount):
                continue
            match, _ = route.matches(scope)
            if match == Match.FULL:
                return []
            if match == Match.PARTIAL:
                methods |= set(getattr(route, "methods", None) or ())
        return sorted(methods)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(GRADIO_API):
            await self.app(scope, receive, send)
            return
        if allowed := self._allowed_elsewhere(scope):
            message = (
                f"{scope['method']} is not allowed on {scope['path']}; use {', '.join(allowed)}."
            )
            headers = {"Allow": ", ".join(allowed)}
            await asgi_error(405, CODES[405], message, headers)(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def shaped(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                if message["status"] < 400 or not _reshapeable(message):
                    await send(message)
                    return
                start = message
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            status, body = start["status"], b"".join(chunks)
            new = _error_body(status, body, scope["path"])
            headers = [
                (k, v)
                for k, v in start.get("headers", [])
                if k.lower() not in (b"content-length", b"content-type")
            ]
            headers += [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(new)).encode()),
            ]
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": new})

        await self.app(scope, receive, shaped)


def _reshapeable(start: Message) -> bool:
    kind = dict(start.get("headers", [])).get(b"content-type", b"").decode("latin-1")
    return kind.startswith(("application/json", "text/plain")) or not kind


def _error_body(status: int, body: bytes, path: str) -> bytes:
    """``body`` of an error answer in shopbot's shape (unchanged when it has it already)."""
    text = body.decode("utf-8", "replace").strip()
    try:
        parsed: Any = json.loads(text) if text else None
    except ValueError:
        parsed = None
    if isinstance(parsed, dict) and (
        isinstance(parsed.get("error"), dict) or "detail" not in parsed
    ):
        return body  # ours already, or a document of its own (/healthz's 503)
    detail = parsed.get("detail") if isinstance(parsed, dict) else (parsed or text)
    message = detail if isinstance(detail, str) and detail else json.dumps(detail)
    if status == 404 and message in ("Not Found", "null", ""):
        message = f"Nothing at {path}; the API is described at /openapi.json."
    shaped = {"error": {"code": CODES.get(status, "error"), "message": message}}
    return json.dumps(shaped, ensure_ascii=False).encode()


async def primed(events: AsyncIterator[T]) -> AsyncIterator[T]:
    """Start ``events`` now, so that a failure before its first item (the database is down,
    say) is still an HTTP error; the iterator returned yields that item and then the rest."""
    first = await anext(events)

    async def chained() -> AsyncIterator[T]:
        try:
            yield first
            async for item in events:
                yield item
        finally:
            await events.aclose()  # type: ignore[attr-defined]

    return chained()


async def sse_errors(lines: AsyncIterator[str]) -> AsyncIterator[str]:
    """Server-sent events; a failure once the stream has begun ends it with an ``error``
    event in the usual error shape (the status line has been sent already)."""
    try:
        async for line in lines:
            yield line
    except ShopbotError as exc:
        log.error("A streamed reply failed: %s", exc)
        message = STORE_DOWN if isinstance(exc, StoreError) else str(exc)
        body = {"error": {"code": "unavailable", "message": message}}
        yield f"event: error\ndata: {json.dumps(body, ensure_ascii=False)}\n\n"
