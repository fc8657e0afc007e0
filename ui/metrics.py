"""`/metrics` for Prometheus: requests, latencies, tokens, turns and escalations.

Who may read it (settings group ``web``): with ``metrics_key`` set, whoever sends it as
``Authorization: Bearer KEY``; with ``metrics_address`` set, anyone reaching that separate
(internal) listener, and the web app's own ``/metrics`` answers 404; with neither, only
clients on the machine itself (127.0.0.1, ::1).
"""

from __future__ import annotations

import hmac
import logging
import time
from collections.abc import Awaitable, Callable
from ipaddress import ip_address
from typing import Any

from fastapi import FastAPI, HTTPException, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)

from bot import ShopBot, Turn
from bot.settings import Settings, WebSettings

log = logging.getLogger(__name__)


def install_metrics(app: FastAPI, bot: ShopBot, settings: Settings) -> CollectorRegistry:
    """Count HTTP requests and bot turns; serve them at `/metrics` as ``settings.web`` says."""
    registry = CollectorRegistry()
    requests = Counter(
        "shopbot_http_requests_total",
        "HTTP requests.",
        ["method", "route", "status"],
        registry=registry,
    )
    latency = Histogram(
        "shopbot_http_request_seconds",
        "HTTP request latency.",
        ["method", "route"],
        registry=registry,
    )
    turns = Counter(
        "shopbot_turns_total", "Shopper turns answered.", ["status", "language"], registry=registry
    )
    tokens = Counter("shopbot_tokens_total", "Model tokens.", ["kind"], registry=registry)
    escalations = Counter(
        "shopbot_escalations_total", "Conversations handed to a human.", registry=registry
    )
    turn_seconds = Histogram(
        "shopbot_turn_seconds",
        "Time to answer a shopper turn.",
        buckets=(0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64),
        registry=registry,
    )
    first_token = Histogram(
        "shopbot_first_token_seconds",
        "Time until the shopper sees the first text.",
        buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16),
        registry=registry,
    )
    withheld = Counter(
        "shopbot_withheld_sentences_total",
        "Model sentences withheld by the fact check.",
        registry=registry,
    )

    def observe(turn: Turn) -> None:
        turns.labels(turn.status, turn.language).inc()
        tokens.labels("prompt").inc(turn.usage.get("prompt_tokens", 0))
        tokens.labels("completion").inc(turn.usage.get("completion_tokens", 0))
        if turn.escalation_reasons:
            escalations.inc()
        if "total_ms" in turn.timings:
            turn_seconds.observe(turn.timings["total_ms"] / 1000)
        if "first_token_ms" in turn.timings:
            first_token.observe(turn.timings["first_token_ms"] / 1000)
        withheld.inc(len(turn.withheld))

    bot.observers.append(observe)

    @app.middleware("http")
    async def count(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        name = getattr(route, "path", None) or _bucket(request.url.path)
        requests.labels(request.method, name, str(response.status_code)).inc()
        latency.labels(request.method, name).observe(time.perf_counter() - started)
        return response

    @app.get("/metrics", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        check_metrics_access(request, settings.web)
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return registry


def check_metrics_access(request: Request, web: WebSettings) -> None:
    """Raise the HTTP error that refuses this reader of `/metrics`, if any."""
    if web.metrics_address:
        raise HTTPException(404, "Not Found")
    if web.metrics_key is not None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        key = web.metrics_key.get_secret_value()
        if scheme.lower() != "bearer" or not hmac.compare_digest(token.encode(), key.encode()):
            raise HTTPException(
                401, "Send the metrics key as 'Authorization: Bearer KEY' (web.metrics_key)."
            )
        return
    client = request.client.host if request.client else ""
    if not _loopback_address(client):
        raise HTTPException(
            403,
            "/metrics answers only this machine; set SHOPBOT_WEB__METRICS_KEY (a bearer key) "
            "or SHOPBOT_WEB__METRICS_ADDRESS (an internal host:port) to read it from elsewhere.",
        )


def start_metrics_listener(registry: CollectorRegistry, web: WebSettings) -> Any:
    """Serve the registry on ``web.metrics_address`` (a thread); None when not configured.
    The returned server has ``shutdown()``."""
    if not web.metrics_address:
        return None
    from prometheus_client import start_http_server

    host, _, port = web.metrics_address.rpartition(":")
    server, _thread = start_http_server(int(port), addr=host.strip("[]"), registry=registry)
    log.info("Metrics served on http://%s/metrics (web.metrics_address).", web.metrics_address)
    return server


def _loopback_address(host: str) -> bool:
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return host in ("testclient", "localhost")


def _bucket(path: str) -> str:
    """Unrouted paths (Gradio's, static files) by their first segment, to bound label values."""
    first = path.strip("/").split("/", 1)[0]
    return f"/{first}" if first else "/"
