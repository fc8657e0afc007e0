"""One error shape for the API: ``{"error": {"code", "message", "details"?}}``; never a 500
for bad input."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from typing import TypeVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

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
