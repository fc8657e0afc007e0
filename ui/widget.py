"""The embeddable store widget: `/widget.js`, the public API it talks to, and (with
``web.demo_page``, as `make demo` sets) a demo store page at `/demo` that embeds it."""

from __future__ import annotations

import html

from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse

from bot import ShopBot
from bot.inflight import ReplyTracker
from bot.settings import Settings
from ui.console import static_text
from ui.public import build_check_router, build_public_router


def install_widget(app: FastAPI, bot: ShopBot, settings: Settings, replies: ReplyTracker) -> None:
    """Serve `/widget.js` (any page may load it; `ui.cors` says so) and the public API."""
    app.include_router(build_check_router(settings))
    app.include_router(build_public_router(bot, settings, replies))

    if settings.web.demo_page:

        @app.get("/demo", include_in_schema=False, response_class=HTMLResponse)
        async def demo_page(request: Request) -> HTMLResponse:
            return HTMLResponse(demo_html(settings, str(request.base_url).rstrip("/")))

    @app.get("/widget.js", include_in_schema=False)
    async def widget_js() -> Response:
        return Response(
            static_text("widget.js"),
            media_type="text/javascript",
            headers={"Cache-Control": "public, max-age=300"},
        )


def widget_tag(server: str, key: str) -> str:
    """The one tag a store puts on its pages."""
    return f'<script src="{server}/widget.js" data-key="{key}" data-color="#0f766e" defer></script>'


def demo_html(settings: Settings, server: str) -> str:
    """The demo store page, with the widget embedded by the tag it shows."""
    keys = list(settings.public_keys)
    key = keys[0] if keys else ""
    tag = widget_tag("", html.escape(key, quote=True))
    note = ""
    if not keys:
        note = (
            '<p class="warning">No public key is configured, so the widget cannot chat: set '
            "SHOPBOT_PUBLIC_KEYS on the server (make demo sets demo-public-key).</p>"
        )
    page = static_text("demo.html")
    for name, value in (
        ("{{store}}", html.escape(settings.store_name.title())),
        ("{{tag}}", html.escape(widget_tag(server, key))),
        ("{{note}}", note),
        ("{{widget}}", tag),
    ):
        page = page.replace(name, value)
    return page
