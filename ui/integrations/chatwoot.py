"""``POST /api/v1/integrations/chatwoot/webhook``: Chatwoot's agent-bot events.

Thin: the bridge verifies, reads and keeps the events, and this route answers at once
(Chatwoot gives a bot 5 s, then opens the conversation to the team); the bot answers through
Chatwoot's API afterwards. Chatwoot cannot send an ``Authorization`` header, so this route
takes no API key: the event's signature (or the URL's ``?token=``) is the proof.
"""

from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from bot.errors import EventMalformed, EventNotVerified, StoreError
from bot.helpdesk import HelpdeskBridge
from ui.errors import error_response

log = logging.getLogger(__name__)
WEBHOOK_PATH = "/api/v1/integrations/chatwoot/webhook"
NOT_CONFIGURED = (
    "Chatwoot is not configured on this shopbot: set SHOPBOT_CHATWOOT__BASE_URL, "
    "SHOPBOT_CHATWOOT__ACCOUNT_ID and SHOPBOT_CHATWOOT__API_TOKEN (docs/helpdesk.md)."
)


def build_chatwoot_router(bridge: HelpdeskBridge | None) -> APIRouter:
    router = APIRouter(tags=["integrations"])

    @router.post(
        WEBHOOK_PATH,
        summary="Chatwoot agent-bot events",
        responses={
            200: {"description": "Kept (answered afterwards through Chatwoot's API)."},
            401: {"description": "Not signed (X-Chatwoot-Signature) or tokened as configured."},
            500: {"description": "Not stored (the database is down): Chatwoot delivers again."},
        },
    )
    async def chatwoot_webhook(request: Request) -> JSONResponse:
        """Receives Chatwoot's events for shopbot's agent bot (see docs/helpdesk.md)."""
        if bridge is None:
            return error_response(404, NOT_CONFIGURED, code="not_configured")
        body = await request.body()
        try:
            accepted = await asyncio.to_thread(
                bridge.accept, body, dict(request.headers), dict(request.query_params)
            )
        except EventNotVerified as exc:
            log.warning("Chatwoot event refused: %s", exc)
            return error_response(401, str(exc))
        except EventMalformed as exc:
            return error_response(400, str(exc))
        except StoreError as exc:
            # Chatwoot redelivers an agent-bot event on a 500 or 429 only, not on a 503.
            log.error("Chatwoot event not stored (asked for a redelivery): %s", exc)
            return error_response(
                500, "The event could not be stored; deliver it again.", code="unavailable"
            )
        bridge.wake()
        return JSONResponse({"accepted": accepted.events, "duplicates": accepted.duplicates})

    return router
