"""shopbot's one cross-origin policy, for every route of the web app (Gradio's included).

- The widget's API (``/api/v1/public/...``): pages on the origins of
  ``SHOPBOT_ALLOWED_ORIGINS`` (and shopbot's own) may call it, without credentials
  (cookies are never sent or accepted there); a page elsewhere gets a 403 that names the
  setting, and the server log says which origin was refused.
- ``/widget.js`` and ``/api/v1/public/check`` (which tells the widget whether its page is
  allowed): any page may read them, without credentials.
- Everything else (the agents' console, the helpdesk API, the chat page and Gradio's own
  API, ``/metrics``, ``/healthz``): same origin only. A preflight from another origin is
  refused (403, no CORS headers), a state-changing request carrying another origin is
  refused, and CORS headers that an inner app (Gradio's own middleware) adds are removed,
  so no one else's policy decides.

The origin shopbot is served at is the request's scheme and ``Host`` (behind a proxy, uvicorn
takes the scheme from ``X-Forwarded-Proto`` when the proxy is trusted: ``FORWARDED_ALLOW_IPS``).
"""

from __future__ import annotations

import logging

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.settings import Settings
from ui.errors import asgi_error

log = logging.getLogger(__name__)
PUBLIC_PREFIX = "/api/v1/public"
CHECK_PATH = f"{PUBLIC_PREFIX}/check"
OPEN_PATHS = ("/widget.js", CHECK_PATH)
KEY_HEADER = "X-Shopbot-Key"
TOKEN_HEADER = "X-Shopbot-Token"
PUBLIC_METHODS = ("GET", "POST")
PUBLIC_HEADERS = ("content-type", "accept", KEY_HEADER.lower(), TOKEN_HEADER.lower())
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
PREFLIGHT_MAX_AGE = "600"
_DEFAULT_PORTS = {"http": ":80", "https": ":443", "ws": ":80", "wss": ":443"}
_WARNED_MAX = 1000


def normal_origin(origin: str) -> str:
    """An origin compared the way browsers mean it: lower case, no default port."""
    origin = origin.strip().lower().rstrip("/")
    scheme = origin.partition("://")[0]
    return origin.removesuffix(_DEFAULT_PORTS.get(scheme, "\0"))


def own_origin(scope: Scope) -> str:
    """The origin this request was sent to (scheme and Host)."""
    host = Headers(scope=scope).get("host") or ""
    if not host and scope.get("server"):
        server_host, port = scope["server"]
        host = f"{server_host}:{port}"
    scheme = {"ws": "http", "wss": "https"}.get(scope.get("scheme", "http"), scope["scheme"])
    return normal_origin(f"{scheme}://{host}")


def request_origin(headers: Headers) -> str | None:
    """Where a request comes from: its Origin, else its Referer's origin, else None."""
    origin = headers.get("origin")
    if origin and origin != "null":
        return normal_origin(origin)
    if origin == "null":
        return "null"  # a sandboxed frame or a file: page, never ours
    referer = headers.get("referer")
    if referer and "://" in referer:
        scheme, _, rest = referer.partition("://")
        return normal_origin(f"{scheme}://{rest.split('/', 1)[0]}")
    return None


def allowed_origins(settings: Settings) -> set[str]:
    return {normal_origin(o) for o in settings.allowed_origins}


def widget_origin_allowed(scope: Scope, settings: Settings) -> bool:
    """The page calling the widget's API is on an allowed origin, or is shopbot's own."""
    headers = Headers(scope=scope)
    if headers.get("origin") is None:  # browsers leave Origin off same-origin GETs only
        return headers.get("sec-fetch-site") == "same-origin"
    origin = request_origin(headers)
    return origin == own_origin(scope) or origin in allowed_origins(settings)


_warned: set[str] = set()


def warn_refused(origin: str, allowed: set[str]) -> None:
    """Say once per origin, in the server log, that the widget was refused there and how to
    allow it."""
    if origin in _warned or len(_warned) >= _WARNED_MAX:
        return
    _warned.add(origin)
    log.warning(
        "Refused the store widget on %s: that origin is not in SHOPBOT_ALLOWED_ORIGINS "
        "(now %s). To allow it, set SHOPBOT_ALLOWED_ORIGINS=%s and restart.",
        origin,
        ",".join(sorted(allowed)) or "(none)",
        ",".join(sorted({*allowed, origin})),
    )


def is_public(path: str) -> bool:
    return path == PUBLIC_PREFIX or path.startswith(PUBLIC_PREFIX + "/")


class OriginPolicy:
    """ASGI middleware, outermost: applies the policy above."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.allowed = allowed_origins(settings)

    def allows(self, origin: str, scope: Scope) -> bool:
        """May a page on ``origin`` use the widget's API?"""
        return origin in self.allowed or origin == own_origin(scope)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        path, method = scope["path"], scope["method"]
        origin = headers.get("origin")
        foreign = origin is not None and normal_origin(origin) != own_origin(scope)
        if method == "OPTIONS" and origin and "access-control-request-method" in headers:
            await self._preflight(scope, headers, normal_origin(origin))(scope, receive, send)
            return
        add: list[tuple[bytes, bytes]] = []
        if path in OPEN_PATHS:
            add = [(b"access-control-allow-origin", b"*")]
        elif is_public(path) and origin is not None:
            if self.allows(normal_origin(origin), scope):
                add = [
                    (b"access-control-allow-origin", origin.encode("latin-1")),
                    (b"access-control-expose-headers", b"Retry-After"),
                    (b"vary", b"Origin"),
                ]
            else:
                warn_refused(normal_origin(origin), self.allowed)  # the API answers 403
        elif foreign and method not in SAFE_METHODS:
            await _refusal(
                f"Requests from {origin} may not change anything here: this part of shopbot "
                "answers its own pages only.",
            )(scope, receive, send)
            return

        async def send_with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if not k.lower().startswith(b"access-control-")
                ]
                message = {**message, "headers": kept + add}
            await send(message)

        await self.app(scope, receive, send_with_policy)

    def _preflight(self, scope: Scope, headers: Headers, origin: str) -> ASGIApp:
        path = scope["path"]
        if not is_public(path):
            return _refusal(
                f"Cross-origin requests from {origin} are not accepted here: the console, the "
                "helpdesk API and the chat page answer their own origin only."
            )
        if not self.allows(origin, scope):
            warn_refused(origin, self.allowed)
            return _refusal(
                f"Origin {origin} may not use shopbot's public API; add it to "
                "SHOPBOT_ALLOWED_ORIGINS on the server.",
                code="origin_not_allowed",
            )
        wanted_method = headers.get("access-control-request-method", "").upper()
        wanted_headers = _tokens(headers.get("access-control-request-headers", ""))
        refused = [h for h in wanted_headers if h not in PUBLIC_HEADERS]
        if wanted_method not in PUBLIC_METHODS or refused:
            what = f"method {wanted_method}" if wanted_method not in PUBLIC_METHODS else ""
            what = what or f"header(s) {', '.join(refused)}"
            return _refusal(f"The public API does not accept the {what}.")
        approval = [
            (b"access-control-allow-origin", headers["origin"].encode("latin-1")),
            (b"access-control-allow-methods", ", ".join(PUBLIC_METHODS).encode()),
            (b"access-control-allow-headers", ", ".join(PUBLIC_HEADERS).encode()),
            (b"access-control-max-age", PREFLIGHT_MAX_AGE.encode()),
            (b"vary", b"Origin"),
        ]

        async def approve(_scope: Scope, _receive: Receive, send: Send) -> None:
            await send({"type": "http.response.start", "status": 204, "headers": approval})
            await send({"type": "http.response.body", "body": b""})

        return approve


def _tokens(value: str) -> list[str]:
    return [t.strip().lower() for t in value.split(",") if t.strip()]


def _refusal(message: str, code: str = "forbidden") -> ASGIApp:
    return asgi_error(403, code, message)
