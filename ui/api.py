"""The helpdesk HTTP API (`/api/v1`): thin translation between HTTP and `ShopBot`."""

from __future__ import annotations

import asyncio
import hmac
import json
from collections.abc import AsyncIterator
from typing import Any, Literal

from fastapi import APIRouter, Depends, Header, HTTPException, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot import ShopBot
from bot.errors import ConversationNotFound
from bot.inflight import ReplyTracker
from bot.settings import Settings
from bot.status import ConversationStatus
from bot.store import StoredConversation
from ui.errors import primed, sse_errors
from ui.limits import check_message, check_turns

MAX_MESSAGE_CHARS = 4000


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NewConversation(_Strict):
    id: str | None = Field(None, min_length=3, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")
    channel: str = Field("api", max_length=32)


class ConversationCreated(BaseModel):
    id: str


class MessageIn(_Strict):
    content: str = Field(..., max_length=MAX_MESSAGE_CHARS)

    @field_validator("content")
    @classmethod
    def not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("content must not be empty")
        return value


class AgentMessageIn(MessageIn):
    agent: str = Field(..., min_length=1, max_length=100)


class Source(BaseModel):
    model_config = ConfigDict(extra="allow")
    n: int
    id: str
    source: str
    title: str
    score: float


class Reply(BaseModel):
    reply: str
    sources: list[Source]
    sentiment: dict[str, Any]
    escalated: bool
    status: str


class MessageOut(BaseModel):
    position: int
    role: Literal["user", "assistant", "agent"]
    content: str
    created_at: str
    sentiment: dict[str, Any] | None = None
    sources: list[dict[str, Any]] | None = None
    agent: str | None = None
    feedback: Literal["up", "down"] | None = None
    interrupted: bool = False


class ConversationOut(BaseModel):
    id: str
    status: str
    channel: str
    language: str | None
    created_at: str
    updated_at: str
    escalation: dict[str, Any] | None = None
    predicted_csat: float | None = None
    rating: int | None = Field(None, description="The shopper's end-of-chat rating, 1-5.")
    messages: list[MessageOut]


class EscalationOut(BaseModel):
    id: str
    status: str
    language: str | None
    reasons: list[str]
    escalated_at: str | None
    last_message: str | None


class Ok(BaseModel):
    id: str
    status: str


def conversation_out(conversation: StoredConversation) -> ConversationOut:
    return ConversationOut(
        id=conversation.id,
        status=conversation.status,
        channel=conversation.channel,
        language=conversation.language,
        created_at=conversation.created_at.isoformat(),
        updated_at=conversation.updated_at.isoformat(),
        escalation=conversation.data.get("escalation"),
        predicted_csat=conversation.data.get("predicted_csat"),
        rating=conversation.data.get("rating"),
        messages=[
            MessageOut(
                position=m.position,
                role=m.role,
                content=m.content,
                created_at=m.created_at.isoformat(),
                sentiment=m.data.get("sentiment"),
                sources=m.data.get("sources"),
                agent=m.data.get("agent"),
                feedback=m.data.get("feedback"),
                interrupted=bool(m.data.get("interrupted")),
            )
            for m in conversation.messages
        ],
    )


def build_router(
    bot: ShopBot, settings: Settings, replies: ReplyTracker | None = None
) -> APIRouter:
    replies = replies or ReplyTracker(bot)
    keys = [k.get_secret_value() for k in settings.api_keys]

    def require_key(authorization: str | None = Header(None)) -> str:
        if not keys:
            raise HTTPException(
                401, "The helpdesk API has no keys configured: set SHOPBOT_API_KEYS on the server."
            )
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise HTTPException(401, "Send the API key as 'Authorization: Bearer API_KEY'.")
        if not any(hmac.compare_digest(token, key) for key in keys):
            raise HTTPException(401, "Unknown API key.")
        return token

    router = APIRouter(prefix="/api/v1", dependencies=[Depends(require_key)], tags=["helpdesk"])

    async def existing(conversation_id: str) -> StoredConversation:
        try:
            return await asyncio.to_thread(bot.store.get, conversation_id)
        except ConversationNotFound as exc:
            raise HTTPException(404, f"No conversation {conversation_id!r}.") from exc

    @router.post("/conversations", response_model=ConversationCreated, status_code=201)
    async def create_conversation(body: NewConversation | None = None) -> ConversationCreated:
        body = body or NewConversation()
        if body.id:
            taken = await asyncio.to_thread(bot.store.exists, body.id)
            if taken:
                raise HTTPException(409, f"A conversation {body.id!r} already exists.")
        conversation_id = await asyncio.to_thread(bot.store.create, body.id, body.channel)
        return ConversationCreated(id=conversation_id)

    @router.post(
        "/conversations/{conversation_id}/messages",
        response_model=Reply,
        responses={200: {"content": {"text/event-stream": {}}}},
    )
    async def post_message(
        conversation_id: str,
        body: MessageIn,
        request: Request,
        idempotency_key: str | None = Header(None, max_length=200),
    ) -> Any:
        conversation = await existing(conversation_id)
        if conversation.status == ConversationStatus.CLOSED:
            raise HTTPException(409, "This conversation is closed; create a new one.")
        check_message(body.content, settings.limits)
        check_turns(conversation, settings.limits)
        scope = f"{conversation_id}:{idempotency_key}" if idempotency_key else None
        if scope and (previous := await asyncio.to_thread(bot.store.remembered, scope)):
            return previous
        wants_stream = "text/event-stream" in request.headers.get("accept", "")
        events = replies.events(body.content, conversation_id, request_key=scope)
        if wants_stream:
            return StreamingResponse(
                sse_errors(_sse(await primed(events), bot, scope)),
                media_type="text/event-stream",
                headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
            )
        reply = None
        async for event in events:
            if event.turn is not None:
                reply = event.turn.reply_fields()
        assert reply is not None
        if scope:
            await asyncio.to_thread(bot.store.remember, scope, reply)
        return reply

    @router.get("/conversations/{conversation_id}", response_model=ConversationOut)
    async def get_conversation(conversation_id: str) -> ConversationOut:
        return conversation_out(await existing(conversation_id))

    @router.get("/escalations", response_model=list[EscalationOut])
    async def list_escalations() -> list[EscalationOut]:
        waiting = await asyncio.to_thread(bot.escalations)
        return [
            EscalationOut(
                id=c.id,
                status=c.status,
                language=c.language,
                reasons=(c.data.get("escalation") or {}).get("reasons", []),
                escalated_at=(c.data.get("escalation") or {}).get("at"),
                last_message=None,
            )
            for c in waiting
        ]

    @router.post("/conversations/{conversation_id}/agent-messages", response_model=MessageOut)
    async def post_agent_message(conversation_id: str, body: AgentMessageIn) -> MessageOut:
        conversation = await existing(conversation_id)
        if conversation.status == ConversationStatus.CLOSED:
            raise HTTPException(409, "This conversation is closed.")
        message = await asyncio.to_thread(
            bot.agent_message, conversation_id, body.content, body.agent
        )
        return MessageOut(
            position=message.position,
            role="agent",
            content=message.content,
            created_at=message.created_at.isoformat(),
            agent=body.agent,
        )

    @router.post("/conversations/{conversation_id}/handback", response_model=Ok)
    async def handback(conversation_id: str) -> Ok:
        await existing(conversation_id)
        await asyncio.to_thread(bot.handback, conversation_id)
        return Ok(id=conversation_id, status=ConversationStatus.BOT)

    @router.post("/conversations/{conversation_id}/close", response_model=Ok)
    async def close(conversation_id: str) -> Ok:
        await existing(conversation_id)
        await asyncio.to_thread(bot.close_conversation, conversation_id)
        return Ok(id=conversation_id, status=ConversationStatus.CLOSED)

    from ui.privacy_api import add_privacy_routes

    add_privacy_routes(router, bot)
    return router


async def _sse(events: AsyncIterator[Any], bot: ShopBot, scope: str | None) -> AsyncIterator[str]:
    async for event in events:
        if event.kind == "delta":
            yield f"event: delta\ndata: {json.dumps({'text': event.text}, ensure_ascii=False)}\n\n"
        elif event.turn is not None:
            reply = event.turn.reply_fields()
            if scope:
                await asyncio.to_thread(bot.store.remember, scope, reply)
            yield f"event: done\ndata: {json.dumps(reply, ensure_ascii=False)}\n\n"
