"""One error shape for the API: ``{"error": {"code", "message", "details"?}}``; never a 500
for bad input."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot.errors import BackendOverloaded, ConversationNotFound, ShopbotError

log = logging.getLogger(__name__)

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
}


def error_response(status: int, message: str, details: object = None) -> JSONResponse:
    body: dict[str, object] = {"code": CODES.get(status, "error"), "message": message}
    if details is not None:
        body["details"] = details
    return JSONResponse({"error": body}, status_code=status)


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

    @app.exception_handler(ConversationNotFound)
    async def not_found(_request: Request, exc: ConversationNotFound) -> JSONResponse:
        return error_response(404, str(exc))

    @app.exception_handler(BackendOverloaded)
    async def overloaded(_request: Request, exc: BackendOverloaded) -> JSONResponse:
        return error_response(503, str(exc))

    @app.exception_handler(ShopbotError)
    async def shopbot_error(_request: Request, exc: ShopbotError) -> JSONResponse:
        log.warning("Request failed: %s", exc)
        return error_response(503, "The service is temporarily unable to answer; try again.")
