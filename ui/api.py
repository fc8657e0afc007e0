"""The helpdesk HTTP API (`/api/v1`): thin translation between HTTP and `ShopBot`."""

import asyncio
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Request
from fastapi.responses import StreamingResponse

from bot import ShopBot
from bot.agents import Agent, AgentDirectory
from bot.desk import queue_entry
from bot.errors import ConversationNotFound
from bot.inflight import ReplyTracker
from bot.messages import clean_message
from bot.settings import Settings
from bot.status import ConversationStatus
from bot.store import StoredConversation
from ui.errors import primed, sse_errors
from ui.limits import check_turns
from ui.schemas import (
    AgentMessageIn,
    ConversationCreated,
    ConversationOut,
    EscalationOut,
    MessageIn,
    MessageOut,
    NewConversation,
    Ok,
    Reply,
    conversation_out,
)


async def existing(bot: ShopBot, conversation_id: str) -> StoredConversation:
    """The conversation, or a 404 naming it."""
    try:
        return await asyncio.to_thread(bot.store.get, conversation_id)
    except ConversationNotFound as exc:
        raise HTTPException(404, f"No conversation {conversation_id!r}.") from exc


def key_fingerprint(key: str) -> str:
    """Which API key acted, for the audit log, without the key itself."""
    return "api key " + hashlib.sha256(key.encode()).hexdigest()[:8]


def build_router(
    bot: ShopBot, settings: Settings, replies: ReplyTracker, agents: AgentDirectory
) -> APIRouter:
    keys = [k.get_secret_value() for k in settings.api_keys]

    def require_key(authorization: str | None = Header(None)) -> str:
        if not keys:
            raise HTTPException(
                401, "The helpdesk API has no keys configured: set SHOPBOT_API_KEYS on the server."
            )
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise HTTPException(401, "Send the API key as 'Authorization: Bearer API_KEY'.")
        if not any(hmac.compare_digest(token.encode(), key.encode()) for key in keys):
            raise HTTPException(401, "Unknown API key.")
        return token

    router = APIRouter(prefix="/api/v1", dependencies=[Depends(require_key)], tags=["helpdesk"])

    ApiKey = Annotated[str, Depends(require_key)]

    async def audit(agent: Agent, action: str, conversation_id: str, **detail: Any) -> None:
        await asyncio.to_thread(agents.record, agent, action, conversation_id, detail or None)

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
        idempotency_key: str | None = Header(
            None,
            max_length=200,
            description="Makes a retry safe: the same key with the same content is answered "
            "once (the stored reply again); the same key with another content is a 422.",
        ),
    ) -> Any:
        conversation = await existing(bot, conversation_id)
        if conversation.status == ConversationStatus.CLOSED:
            raise HTTPException(409, "This conversation is closed; create a new one.")
        content = clean_message(body.content, settings.limits.max_message_chars)
        check_turns(conversation, settings.limits)
        request_key = f"{conversation_id}:{idempotency_key}" if idempotency_key else None
        events = replies.events(content, conversation_id, request_key=request_key)
        if "text/event-stream" in request.headers.get("accept", ""):
            return StreamingResponse(
                sse_errors(_sse(await primed(events))),
                media_type="text/event-stream",
                headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
            )
        reply = None
        async for event in events:
            if event.turn is not None:
                reply = event.turn.reply_fields()
        assert reply is not None
        return reply

    @router.get("/conversations/{conversation_id}", response_model=ConversationOut)
    async def get_conversation(conversation_id: str) -> ConversationOut:
        return conversation_out(await existing(bot, conversation_id))

    @router.get("/escalations", response_model=list[EscalationOut])
    async def list_escalations() -> list[EscalationOut]:
        waiting = await asyncio.to_thread(escalation_queue, bot)
        return [EscalationOut(**{k: row[k] for k in EscalationOut.model_fields}) for row in waiting]

    @router.post("/conversations/{conversation_id}/agent-messages", response_model=MessageOut)
    async def post_agent_message(
        conversation_id: str, body: AgentMessageIn, key: ApiKey
    ) -> MessageOut:
        conversation = await existing(bot, conversation_id)
        if conversation.status == ConversationStatus.CLOSED:
            raise HTTPException(409, "This conversation is closed.")
        content = clean_message(body.content, settings.limits.max_message_chars)
        message = await asyncio.to_thread(bot.agent_message, conversation_id, content, body.agent)
        agent = Agent(body.agent, "agent", key_fingerprint(key))
        await audit(agent, "reply", conversation_id, position=message.position)
        return MessageOut(
            position=message.position,
            role="agent",
            content=message.content,
            created_at=message.created_at.isoformat(),
            agent=body.agent,
        )

    @router.post("/conversations/{conversation_id}/handback", response_model=Ok)
    async def handback(conversation_id: str, key: ApiKey) -> Ok:
        await existing(bot, conversation_id)
        await asyncio.to_thread(bot.handback, conversation_id)
        replies.answer_waiting_soon(conversation_id)
        await audit(Agent("helpdesk", "agent", key_fingerprint(key)), "handback", conversation_id)
        return Ok(id=conversation_id, status=ConversationStatus.BOT)

    @router.post("/conversations/{conversation_id}/close", response_model=Ok)
    async def close(conversation_id: str, key: ApiKey) -> Ok:
        await existing(bot, conversation_id)
        await asyncio.to_thread(bot.close_conversation, conversation_id)
        await audit(Agent("helpdesk", "agent", key_fingerprint(key)), "close", conversation_id)
        return Ok(id=conversation_id, status=ConversationStatus.CLOSED)

    from ui.copilot import add_copilot_routes
    from ui.privacy_api import add_privacy_routes

    add_privacy_routes(router, bot)
    add_copilot_routes(router)
    return router


def escalation_queue(bot: ShopBot) -> list[dict[str, Any]]:
    """Conversations waiting for a human, oldest escalation first, as queue rows."""
    return [queue_entry(bot.store.get(c.id)) for c in bot.escalations()]


async def _sse(events: AsyncIterator[Any]) -> AsyncIterator[str]:
    async for event in events:
        if event.kind == "delta":
            yield f"event: delta\ndata: {json.dumps({'text': event.text}, ensure_ascii=False)}\n\n"
        elif event.turn is not None:
            reply = json.dumps(event.turn.reply_fields(), ensure_ascii=False)
            yield f"event: done\ndata: {reply}\n\n"
