"""The embeddable store widget: `/widget.js` and the public API it talks to."""

from __future__ import annotations

from fastapi import FastAPI, Response

from bot import ShopBot
from bot.inflight import ReplyTracker
from bot.settings import Settings
from ui.console import static_text
from ui.public import build_check_router, build_public_router


def install_widget(app: FastAPI, bot: ShopBot, settings: Settings, replies: ReplyTracker) -> None:
    """Serve `/widget.js` (any page may load it; `ui.cors` says so) and the public API."""
    app.include_router(build_check_router(settings))
    app.include_router(build_public_router(bot, settings, replies))

    @app.get("/widget.js", include_in_schema=False)
    async def widget_js() -> Response:
        return Response(
            static_text("widget.js"),
            media_type="text/javascript",
            headers={"Cache-Control": "public, max-age=300"},
        )
