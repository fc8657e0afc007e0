"""The agents' console (`/console`): log in with an agent key, work the escalation queue.

Login trades the agent key for a random session id in an HttpOnly, SameSite=Strict cookie;
the key itself never reaches the page's scripts after the form is sent.
"""

from __future__ import annotations

import asyncio
import hmac
import secrets
import time
from importlib import resources
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from bot import ShopBot
from bot.desk import agent_queue
from bot.errors import ConversationNotFound
from bot.settings import Settings
from bot.status import ConversationStatus
from ui.api import AgentMessageIn, ConversationOut, MessageIn, conversation_out

COOKIE = "shopbot_console"
SESSION_HOURS = 12
FAILED_LOGIN_DELAY_S = 0.5
"""A wrong key costs this long: guessing keys by the thousand is not practical."""


class Login(BaseModel):
    key: str = Field(..., min_length=1, max_length=500)
    name: str = Field("agent", min_length=1, max_length=100)


class Agent(BaseModel):
    name: str


def static_text(name: str) -> str:
    return resources.files("ui").joinpath("static", name).read_text(encoding="utf-8")


def build_console_router(bot: ShopBot, settings: Settings) -> APIRouter:
    keys = [k.get_secret_value() for k in settings.agent_keys]
    # session id -> (agent name, expiry); a restart logs agents out
    sessions: dict[str, tuple[str, float]] = {}
    router = APIRouter(tags=["console"], include_in_schema=False)

    def agent(request: Request) -> str:
        session = request.cookies.get(COOKIE) or ""
        name, expires = sessions.get(session, ("", 0.0))
        if expires < time.time():
            sessions.pop(session, None)
            raise HTTPException(401, "Log in with an agent key first.")
        return name

    @router.get("/console", response_class=HTMLResponse)
    async def page() -> HTMLResponse:
        html = static_text("console.html").replace("{{store}}", settings.store_name.title())
        return HTMLResponse(html, headers={"Cache-Control": "no-store"})

    @router.get("/console/console.js")
    async def script() -> Response:
        return Response(static_text("console.js"), media_type="text/javascript")

    @router.post("/console/login", response_model=Agent)
    async def login(body: Login, response: Response) -> Agent:
        if not keys:
            raise HTTPException(401, "No agent keys are configured: set SHOPBOT_AGENT_KEYS.")
        if not any(hmac.compare_digest(body.key, k) for k in keys):
            await asyncio.sleep(FAILED_LOGIN_DELAY_S)
            raise HTTPException(401, "Unknown agent key.")
        session = secrets.token_urlsafe(32)
        sessions[session] = (body.name, time.time() + SESSION_HOURS * 3600)
        response.set_cookie(
            COOKIE,
            session,
            max_age=SESSION_HOURS * 3600,
            httponly=True,
            samesite="strict",
            path="/console",
        )
        return Agent(name=body.name)

    @router.post("/console/logout")
    async def logout(request: Request, response: Response) -> dict[str, bool]:
        sessions.pop(request.cookies.get(COOKIE) or "", None)
        response.delete_cookie(COOKIE, path="/console")
        return {"ok": True}

    @router.get("/console/api/me", response_model=Agent)
    async def me(name: str = Depends(agent)) -> Agent:
        return Agent(name=name)

    @router.get("/console/api/queue")
    async def queue(_: str = Depends(agent)) -> list[dict[str, Any]]:
        return await asyncio.to_thread(agent_queue, bot.store)

    async def existing(conversation_id: str) -> Any:
        try:
            return await asyncio.to_thread(bot.store.get, conversation_id)
        except ConversationNotFound as exc:
            raise HTTPException(404, f"No conversation {conversation_id!r}.") from exc

    @router.get("/console/api/conversations/{conversation_id}", response_model=ConversationOut)
    async def transcript(conversation_id: str, _: str = Depends(agent)) -> ConversationOut:
        return conversation_out(await existing(conversation_id))

    @router.post("/console/api/conversations/{conversation_id}/reply")
    async def reply(
        conversation_id: str, body: MessageIn, name: str = Depends(agent)
    ) -> dict[str, Any]:
        conversation = await existing(conversation_id)
        if conversation.status == ConversationStatus.CLOSED:
            raise HTTPException(409, "This conversation is closed.")
        AgentMessageIn(content=body.content, agent=name)  # the same limits as the API
        message = await asyncio.to_thread(bot.agent_message, conversation_id, body.content, name)
        return {"position": message.position, "status": ConversationStatus.AGENT}

    @router.post("/console/api/conversations/{conversation_id}/handback")
    async def handback(conversation_id: str, name: str = Depends(agent)) -> dict[str, str]:
        await existing(conversation_id)
        await asyncio.to_thread(bot.handback, conversation_id, name)
        return {"id": conversation_id, "status": ConversationStatus.BOT}

    @router.post("/console/api/conversations/{conversation_id}/close")
    async def close(conversation_id: str, _: str = Depends(agent)) -> dict[str, str]:
        await existing(conversation_id)
        await asyncio.to_thread(bot.close_conversation, conversation_id)
        return {"id": conversation_id, "status": ConversationStatus.CLOSED}

    from ui.insights import build_insights_router

    router.include_router(build_insights_router(bot, settings, agent))
    return router
