"""The FastAPI application: shopper chat at `/`, health at `/healthz`."""

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import gradio as gr
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from bot import ShopBot
from bot.handoff import WebhookDispatcher
from bot.settings import Settings
from ui.api import build_router
from ui.errors import install_error_handlers
from ui.metrics import install_metrics

log = logging.getLogger(__name__)

SUGGESTIONS = {
    "en": [
        "How long do refunds to a credit card take?",
        "Do you have the linen shirt in blue, size M?",
        "My parcel arrived damaged, what now?",
    ],
    "zh": ["退款多久能到账？", "包裹破损了怎么办？"],
}


def create_app(settings: Settings, bot: ShopBot | None = None) -> FastAPI:
    """The whole web app around one bot (started at start-up, closed at shutdown)."""
    shopbot = bot or ShopBot(settings)

    dispatcher = WebhookDispatcher(shopbot.store, settings.escalation)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await asyncio.to_thread(shopbot.warm_up)
        webhooks = asyncio.create_task(dispatcher.run()) if dispatcher.enabled else None
        yield
        if webhooks is not None:
            webhooks.cancel()
        await asyncio.to_thread(shopbot.close)

    app = FastAPI(
        title="shopbot",
        version="0.1.0",
        description="Helpdesk API of shopbot, the self-hosted AI customer-service agent.",
        lifespan=lifespan,
    )
    app.state.bot = shopbot
    install_error_handlers(app)
    install_metrics(app, shopbot)
    app.include_router(build_router(shopbot, settings))

    @app.get("/healthz", tags=["ops"])
    async def healthz() -> JSONResponse:
        ok = await shopbot.backend.health()
        body = {"status": "ok" if ok else "unavailable", "engine": shopbot.backend.name}
        return JSONResponse(body, status_code=200 if ok else 503)

    return mount_chat(app, shopbot, settings)


def mount_chat(app: FastAPI, shopbot: ShopBot, settings: Settings) -> FastAPI:
    async def respond(message: str, history: list[Any], request: gr.Request) -> AsyncIterator[str]:
        session = f"web-{request.session_hash}"
        text = ""
        async for event in shopbot.astream_events(message, session=session):
            if event.kind == "delta":
                text += event.text
                yield text
            elif event.turn is not None and event.turn.sources:
                links = []
                for source in event.turn.sources:
                    target = source.get("url") or source.get("path") or ""
                    label = source["title"]
                    links.append(
                        f"[{source['n']}] [{label}]({target})"
                        if target.startswith("http")
                        else f"[{source['n']}] {label}"
                    )
                yield text + "\n\n" + "  \n".join(links)

    with gr.Blocks(title=f"{settings.store_name} support") as chat:
        gr.ChatInterface(
            respond,
            title=f"{settings.store_name.title()} — customer support",
            description="Ask about products, orders, shipping and returns. 中文也可以。",
            examples=SUGGESTIONS["en"] + SUGGESTIONS["zh"],
            run_examples_on_click=True,
            cache_examples=False,
        )
    return gr.mount_gradio_app(app, chat, path="/")
