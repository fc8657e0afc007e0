"""The FastAPI application: shopper chat at `/`, widget, console, helpdesk API, health."""

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from bot import ShopBot
from bot.agents import AgentDirectory
from bot.handoff import WebhookDispatcher
from bot.health import check_health
from bot.helpdesk import make_helpdesk_bridge
from bot.inflight import ReplyTracker
from bot.settings import Settings
from ui.api import build_router
from ui.console import build_console_router
from ui.copilot import CopilotService
from ui.cors import OriginPolicy
from ui.errors import ErrorShape, install_error_handlers
from ui.integrations.chatwoot import build_chatwoot_router
from ui.limits import AbuseLimits
from ui.metrics import install_metrics, start_metrics_listener
from ui.shopper import mount_shopper_chat
from ui.widget import install_widget

log = logging.getLogger(__name__)
DRAIN_SECONDS = 25.0
"""At shutdown, how long replies being written may take to finish (uvicorn allows 30 s)."""


def create_app(
    settings: Settings,
    bot: ShopBot | None = None,
    ready_message: str | None = None,
    *,
    helpdesk_transport: object = None,
) -> FastAPI:
    """The whole web app around one bot (started at start-up, closed at shutdown);
    ``ready_message`` is logged once it answers. ``helpdesk_transport``: an httpx transport
    for the calls to Chatwoot (tests)."""
    shopbot = bot or ShopBot(settings)

    dispatcher = WebhookDispatcher(shopbot.store, settings.escalation)
    replies = ReplyTracker(shopbot)
    agents = AgentDirectory(
        lambda: shopbot.store.engine,  # type: ignore[attr-defined]
        [k.get_secret_value() for k in settings.agent_keys],
        settings.web.session_hours,
    )
    copilot = CopilotService(shopbot)
    helpdesk = make_helpdesk_bridge(
        shopbot, helpdesk_transport, turns=replies.events, copilot=copilot.copilot
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await asyncio.to_thread(shopbot.warm_up)
        if warning := await asyncio.to_thread(agents.shared_keys_warning):
            log.warning("%s", warning)
        webhooks = asyncio.create_task(dispatcher.run()) if dispatcher.enabled else None
        metrics_listener = start_metrics_listener(registry, settings.web)
        if helpdesk is not None:
            helpdesk.start()
        if ready_message:
            log.info("%s", ready_message)
        yield
        if helpdesk is not None:  # events being answered finish (or are answered after a restart)
            await helpdesk.stop(DRAIN_SECONDS)
        if metrics_listener is not None:
            metrics_listener.shutdown()
        # Replies being written finish first; any cut short are stored as interrupted.
        if replies.in_flight:
            log.info("Shutting down: waiting for %d reply(ies) to finish", replies.in_flight)
        if not await replies.drain(DRAIN_SECONDS):
            log.warning("%d reply(ies) did not finish in time", replies.in_flight)
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
    app.state.replies = replies
    app.state.helpdesk = helpdesk
    app.state.copilot = copilot
    install_error_handlers(app)
    app.add_middleware(AbuseLimits, settings=settings)
    registry = install_metrics(app, shopbot, settings)
    app.include_router(build_router(shopbot, settings, replies, agents))
    app.include_router(build_console_router(shopbot, settings, agents, replies))
    app.include_router(build_chatwoot_router(helpdesk))
    install_widget(app, shopbot, settings, replies)
    # Outermost (added last): one policy decides for every route, Gradio's included, and the
    # other middleware's refusals (429, 413) carry its headers.
    app.add_middleware(ErrorShape, router=app.router)
    app.add_middleware(OriginPolicy, settings=settings)

    @app.get("/healthz", tags=["ops"])
    async def healthz() -> JSONResponse:
        """`ok`; `degraded` (no retrieval: answers say so); `unavailable` (503), with why."""
        health = await check_health(shopbot)
        if helpdesk is not None:  # reported, not judged: the bot answers whatever Chatwoot does
            health.checks["helpdesk"] = await helpdesk.health()
        headers = {"Retry-After": "5"} if health.http_status == 503 else None
        return JSONResponse(health.as_dict(), status_code=health.http_status, headers=headers)

    mounted: FastAPI = mount_shopper_chat(app, shopbot, settings, replies)
    return mounted
