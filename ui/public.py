"""The shoppers' public API (`/api/v1/public`), used by the store widget.

A public key is printed in the store's pages, so it proves little on its own: it is accepted
only from the allowed origins (``SHOPBOT_ALLOWED_ORIGINS``, plus shopbot's own; `ui.cors`
answers the browsers' preflights), and it only
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

from bot import ShopBot
from bot.errors import ConversationNotFound
from bot.inflight import ReplyTracker
from bot.messages import clean_message
from bot.settings import Settings
from bot.shoppers import as_shown, open_conversation, owns, shopper_view
from bot.store import StoredConversation
from ui.cors import (
    CHECK_PATH,
    KEY_HEADER,
    PUBLIC_PREFIX,
    TOKEN_HEADER,
    allowed_origins,
    request_origin,
    warn_refused,
    widget_origin_allowed,
)
from ui.errors import primed, sse_errors
from ui.limits import check_turns
from ui.schemas import EXAMPLE_ID, MessageIn


class OpenedConversation(BaseModel):
    id: str = Field(..., description="The conversation's id.", examples=[EXAMPLE_ID])
    token: str = Field(
        ...,
        description=f"Send it back as {TOKEN_HEADER} on every call.",
        examples=["q8rT0vXbY2mN5kLp7wZs1dFh3jGc"],
    )


class FeedbackIn(BaseModel):
    position: int = Field(..., ge=0, description="The reply's position.", examples=[1])
    helpful: bool = Field(..., description="Thumbs up (true) or down.", examples=[True])


class RatingIn(BaseModel):
    stars: int = Field(..., ge=1, le=5, description="The chat's rating, 1-5.", examples=[5])


class WidgetCheck(BaseModel):
    store: str = Field(
        ..., description="The store's name, for the widget's header.", examples=["Northwind Lane"]
    )
    origin: str | None = Field(
        ..., description="The origin of the page asking.", examples=["https://shop.example"]
    )
    origin_allowed: bool = Field(
        ..., description="The page's origin may use the widget.", examples=[True]
    )
    key_valid: bool = Field(..., description="The key is a public key.", examples=[True])
    message: str | None = Field(
        None,
        description="What the store owner must change, when something is refused.",
        examples=[None],
    )


def build_check_router(settings: Settings) -> APIRouter:
    """``GET /api/v1/public/check``: may a page here use the widget? Any page may ask (no key,
    no preflight), so the widget can say why it is refused instead of failing silently."""
    router = APIRouter(tags=["shopper (widget)"])
    keys = list(settings.public_keys)

    @router.get(CHECK_PATH, response_model=WidgetCheck)
    async def check(request: Request, key: str = "") -> WidgetCheck:
        origin = request_origin(request.headers)
        allowed = widget_origin_allowed(request.scope, settings)
        valid = any(hmac.compare_digest(key.encode(), k.encode()) for k in keys)
        message = None
        if not allowed:
            warn_refused(origin or "(no origin)", allowed_origins(settings))
            message = (
                f"This site ({origin or 'unknown origin'}) is not allowed to use the chat: add "
                "it to SHOPBOT_ALLOWED_ORIGINS on the shopbot server."
            )
        elif not valid:
            message = "The widget's data-key is not one of SHOPBOT_PUBLIC_KEYS on the server."
        return WidgetCheck(
            store=settings.store_name.title(),
            origin=origin,
            origin_allowed=allowed,
            key_valid=valid,
            message=message,
        )

    return router


def build_public_router(bot: ShopBot, settings: Settings, replies: ReplyTracker) -> APIRouter:
    keys = list(settings.public_keys)

    def require_public_key(request: Request, x_shopbot_key: str | None = Header(None)) -> None:
        if not widget_origin_allowed(request.scope, settings):
            origin = request.headers.get("origin") or "(none)"
            raise HTTPException(
                403,
                f"Origin {origin} may not use shopbot's public API; add it to "
                "SHOPBOT_ALLOWED_ORIGINS on the server.",
            )
        if not keys:
            raise HTTPException(401, "No public keys are configured: set SHOPBOT_PUBLIC_KEYS.")
        if not x_shopbot_key or not any(
            hmac.compare_digest(x_shopbot_key.encode(), k.encode()) for k in keys
        ):
            raise HTTPException(401, f"Send a valid public key as {KEY_HEADER}.")

    router = APIRouter(
        prefix=PUBLIC_PREFIX, dependencies=[Depends(require_public_key)], tags=["shopper (widget)"]
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
        content = clean_message(body.content, settings.limits.max_message_chars)
        check_turns(conversation, settings.limits)
        events = replies.events(content, conversation.id)
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
    fields["reply"], fields["sources"] = as_shown(fields["reply"], fields["sources"])
    fields["language"] = turn.language
    return fields


async def _shopper_sse(events: AsyncIterator[Any]) -> AsyncIterator[str]:
    async for event in events:
        if event.kind == "delta":
            data = json.dumps({"text": event.text}, ensure_ascii=False)
            yield f"event: delta\ndata: {data}\n\n"
        elif event.turn is not None:
            data = json.dumps(_shopper_reply(event.turn), ensure_ascii=False)
            yield f"event: done\ndata: {data}\n\n"
