"""The shoppers' public API (`/api/v1/public`), used by the store widget.

A public key is printed in the store's pages, so it proves little on its own: it is accepted
only from the allowed origins (``SHOPBOT_ALLOWED_ORIGINS``, plus shopbot's own), and it only
lets a shopper open a conversation and act on the conversations whose token they hold. Agent
and helpdesk actions are never reachable with it.
"""

import asyncio
import hmac
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from bot import ShopBot
from bot.errors import ConversationNotFound
from bot.inflight import ReplyTracker
from bot.settings import Settings
from bot.shoppers import cited_sources, open_conversation, owns, shopper_view
from bot.store import StoredConversation
from ui.api import MessageIn
from ui.errors import primed, sse_errors
from ui.limits import check_message, check_turns

PREFIX = "/api/v1/public"
KEY_HEADER = "X-Shopbot-Key"
TOKEN_HEADER = "X-Shopbot-Token"


class OpenedConversation(BaseModel):
    id: str
    token: str = Field(..., description=f"Send it back as {TOKEN_HEADER} on every call.")


class FeedbackIn(BaseModel):
    position: int = Field(..., ge=0)
    helpful: bool


class RatingIn(BaseModel):
    stars: int = Field(..., ge=1, le=5)


class ScopedCORS:
    """CORS for the public API only: the helpdesk API and the console stay same-origin."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app,
            allow_origins=list(settings.allowed_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "Accept", KEY_HEADER, TOKEN_HEADER],
            max_age=600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(PREFIX):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def origin_allowed(request: Request, settings: Settings) -> bool:
    """The page calling is on an allowed origin (or is shopbot's own page)."""
    origin = request.headers.get("origin")
    if origin is None:  # browsers leave Origin off same-origin GETs only
        return request.headers.get("sec-fetch-site") == "same-origin"
    own = f"{request.url.scheme}://{request.url.netloc}"
    return origin == own or origin in settings.allowed_origins


def build_public_router(bot: ShopBot, settings: Settings, replies: ReplyTracker) -> APIRouter:
    keys = list(settings.public_keys)

    def require_public_key(request: Request, x_shopbot_key: str | None = Header(None)) -> None:
        if not origin_allowed(request, settings):
            origin = request.headers.get("origin") or "(none)"
            raise HTTPException(
                403,
                f"Origin {origin} may not use shopbot's public API; add it to "
                "SHOPBOT_ALLOWED_ORIGINS on the server.",
            )
        if not keys:
            raise HTTPException(401, "No public keys are configured: set SHOPBOT_PUBLIC_KEYS.")
        if not x_shopbot_key or not any(hmac.compare_digest(x_shopbot_key, k) for k in keys):
            raise HTTPException(401, f"Send a valid public key as {KEY_HEADER}.")

    router = APIRouter(
        prefix=PREFIX, dependencies=[Depends(require_public_key)], tags=["shopper (widget)"]
    )

    async def own(
        conversation_id: str, x_shopbot_token: str | None = Header(None)
    ) -> StoredConversation:
        try:
            conversation = await asyncio.to_thread(bot.store.get, conversation_id)
        except ConversationNotFound:
            conversation = None
        # The same answer for "no such conversation" and "not yours": ids are not probed.
        if conversation is None or not owns(conversation, x_shopbot_token):
            raise HTTPException(404, f"No conversation {conversation_id!r} for this token.")
        return conversation

    Owned = Annotated[StoredConversation, Depends(own)]

    @router.post("/conversations", response_model=OpenedConversation, status_code=201)
    async def open_(request: Request) -> OpenedConversation:
        channel = "widget" if request.headers.get("origin") else "public"
        cid, token = await asyncio.to_thread(open_conversation, bot.store, channel)
        return OpenedConversation(id=cid, token=token)

    @router.get("/conversations/{conversation_id}")
    async def read(conversation: Owned, after: int = -1) -> dict[str, Any]:
        return shopper_view(conversation, after)

    @router.post(
        "/conversations/{conversation_id}/messages",
        responses={200: {"content": {"text/event-stream": {}}}},
    )
    async def post_message(body: MessageIn, request: Request, conversation: Owned) -> Any:
        check_message(body.content, settings.limits)
        check_turns(conversation, settings.limits)
        events = replies.events(body.content, conversation.id)
        if "text/event-stream" in request.headers.get("accept", ""):
            return StreamingResponse(
                sse_errors(_shopper_sse(await primed(events))),
                media_type="text/event-stream",
                headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
            )
        reply = None
        async for event in events:
            if event.turn is not None:
                reply = _shopper_reply(event.turn)
        return reply

    @router.post("/conversations/{conversation_id}/human")
    async def talk_to_a_person(conversation: Owned) -> dict[str, Any]:
        await asyncio.to_thread(bot.request_human, conversation.id)
        return shopper_view(await asyncio.to_thread(bot.store.get, conversation.id))

    @router.post("/conversations/{conversation_id}/feedback")
    async def feedback(body: FeedbackIn, conversation: Owned) -> dict[str, str]:
        try:
            await asyncio.to_thread(bot.feedback, conversation.id, body.position, body.helpful)
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from exc
        return {"id": conversation.id, "feedback": "up" if body.helpful else "down"}

    @router.post("/conversations/{conversation_id}/rating")
    async def rating(body: RatingIn, conversation: Owned) -> dict[str, Any]:
        await asyncio.to_thread(bot.rate, conversation.id, body.stars)
        return {"id": conversation.id, "rating": body.stars}

    return router


def _shopper_reply(turn: Any) -> dict[str, Any]:
    """A finished turn as its shopper sees it (scores are for agents)."""
    fields: dict[str, Any] = turn.reply_fields()
    fields.pop("sentiment", None)
    fields["sources"] = cited_sources(fields["reply"], fields["sources"])
    return fields


async def _shopper_sse(events: AsyncIterator[Any]) -> AsyncIterator[str]:
    async for event in events:
        if event.kind == "delta":
            data = json.dumps({"text": event.text}, ensure_ascii=False)
            yield f"event: delta\ndata: {data}\n\n"
        elif event.turn is not None:
            data = json.dumps(_shopper_reply(event.turn), ensure_ascii=False)
            yield f"event: done\ndata: {data}\n\n"
