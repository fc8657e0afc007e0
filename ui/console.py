"""The agents' console (`/console`): agents log in and work the escalation queue.

An agent logs in with their account's name and secret (``shopbot agents add``), or, in a
single-agent store, with a shared key of ``SHOPBOT_AGENT_KEYS`` and a name. The login becomes
a session (`bot.agents`) held in an HttpOnly, SameSite=Strict cookie, marked Secure whenever
the console is served over HTTPS (``web.secure_cookies``). Every request that changes
something must come from the console's own page: its Origin (or Referer) is shopbot's own,
and it carries the session's CSRF token in ``X-CSRF-Token``, which only that page is told.
Every agent action is audited with who did it.
"""

import asyncio
import hmac
from importlib import resources
from ipaddress import ip_address
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from bot import ShopBot
from bot.agents import Agent, AgentDirectory, ConsoleSession
from bot.desk import agent_queue
from bot.inflight import ReplyTracker
from bot.messages import clean_message
from bot.settings import Settings
from bot.status import ConversationStatus
from ui.api import existing
from ui.cors import own_origin, request_origin
from ui.schemas import ConversationOut, MessageIn, conversation_out

COOKIE = "shopbot_console"
CSRF_HEADER = "X-CSRF-Token"
FAILED_LOGIN_DELAY_S = 0.5
"""A wrong secret costs this long: guessing by the thousand is not practical."""


class Login(BaseModel):
    name: str = Field(..., min_length=1, max_length=100, description="The agent's name.")
    key: str = Field(
        ..., min_length=1, max_length=500, description="The account's secret, or a shared key."
    )


class Me(BaseModel):
    name: str
    role: str
    csrf: str = Field(..., description=f"Send it back as {CSRF_HEADER} on every change.")


def static_text(name: str) -> str:
    return resources.files("ui").joinpath("static", name).read_text(encoding="utf-8")


def is_loopback(host: str) -> bool:
    """``localhost``, ``127.x.x.x``, ``[::1]`` (with or without a port)."""
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 or "]" in host else host
    name = name.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ip_address(name).is_loopback
    except ValueError:
        return False


def secure_cookie(request: Request, settings: Settings) -> bool:
    """Whether the session cookie is marked Secure (see ``web.secure_cookies``)."""
    if settings.web.secure_cookies is not None:
        return settings.web.secure_cookies
    return request.url.scheme == "https" or not is_loopback(request.headers.get("host", ""))


def from_this_console(request: Request) -> None:
    """The request was sent by a page of this very origin (Origin, else Referer)."""
    origin = request_origin(request.headers)
    own = own_origin(request.scope)
    if origin != own:
        raise HTTPException(
            403,
            f"This request did not come from the console's own page (origin: "
            f"{origin or 'not given'}); open the console at {own}/console.",
        )


def build_console_router(
    bot: ShopBot, settings: Settings, agents: AgentDirectory, replies: ReplyTracker
) -> APIRouter:
    router = APIRouter(tags=["console"], include_in_schema=False)

    async def signed_in(request: Request) -> ConsoleSession:
        session = await asyncio.to_thread(agents.session, request.cookies.get(COOKIE) or "")
        if session is None:
            raise HTTPException(401, "Log in to the console first.")
        return session

    async def acting(request: Request) -> Agent:
        """A change to anything: a live session, from the console's page, with its token."""
        session = await signed_in(request)
        from_this_console(request)
        token = request.headers.get(CSRF_HEADER) or ""
        if not hmac.compare_digest(token.encode(), session.csrf.encode()):
            raise HTTPException(
                403, f"Missing or wrong {CSRF_HEADER}: reload the console and try again."
            )
        return session.agent

    async def admin(request: Request) -> Agent:
        session = await signed_in(request)
        if not session.agent.is_admin:
            raise HTTPException(
                403, "Only an admin may see this (`shopbot agents add NAME --role admin`)."
            )
        return session.agent

    Acting = Annotated[Agent, Depends(acting)]
    SignedIn = Annotated[ConsoleSession, Depends(signed_in)]

    async def audit(
        agent: Agent, action: str, conversation_id: str | None = None, **detail: Any
    ) -> None:
        await asyncio.to_thread(agents.record, agent, action, conversation_id, detail or None)

    @router.get("/console", response_class=HTMLResponse)
    async def page() -> HTMLResponse:
        html = static_text("console.html").replace("{{store}}", settings.store_name.title())
        return HTMLResponse(html, headers={"Cache-Control": "no-store"})

    @router.get("/console/console.js")
    async def script() -> Response:
        return Response(static_text("console.js"), media_type="text/javascript")

    @router.post("/console/login", response_model=Me)
    async def login(body: Login, request: Request, response: Response) -> Me:
        from_this_console(request)
        secure = secure_cookie(request, settings)
        local = is_loopback(request.headers.get("host", ""))  # browsers keep it there
        if secure and request.url.scheme != "https" and not local:
            raise HTTPException(
                400,
                "The console is served over plain HTTP, so the browser would drop its Secure "
                "session cookie. Serve shopbot behind HTTPS (README, Security), or on a trusted "
                "network set SHOPBOT_WEB__SECURE_COOKIES=false.",
            )
        if not agents.shared_keys and not await asyncio.to_thread(agents.accounts):
            raise HTTPException(
                401,
                "No agent can log in yet: add an account with `shopbot agents add NAME` (or set "
                "SHOPBOT_AGENT_KEYS for a single-agent store).",
            )
        agent = await asyncio.to_thread(agents.authenticate, body.name, body.key)
        if agent is None:
            client = request.client.host if request.client else "unknown"
            failed = Agent(body.name.strip()[:100], "agent", "console")
            await audit(failed, "login_failed", address=client)
            await asyncio.sleep(FAILED_LOGIN_DELAY_S)
            raise HTTPException(401, "Unknown name or key.")
        token, session = await asyncio.to_thread(agents.open_session, agent)
        await audit(agent, "login")
        response.set_cookie(
            COOKIE,
            token,
            max_age=int(settings.web.session_hours * 3600),
            httponly=True,
            samesite="strict",
            secure=secure,
            path="/console",
        )
        return Me(name=agent.name, role=agent.role, csrf=session.csrf)

    @router.post("/console/logout")
    async def logout(request: Request, response: Response, agent: Acting) -> dict[str, bool]:
        await asyncio.to_thread(agents.close_session, request.cookies.get(COOKIE) or "")
        await audit(agent, "logout")
        response.delete_cookie(COOKIE, path="/console")
        return {"ok": True}

    @router.get("/console/api/me", response_model=Me)
    async def me(session: SignedIn) -> Me:
        return Me(name=session.agent.name, role=session.agent.role, csrf=session.csrf)

    @router.get("/console/api/queue")
    async def queue(_: SignedIn) -> list[dict[str, Any]]:
        return await asyncio.to_thread(agent_queue, bot.store)

    @router.get("/console/api/conversations/{conversation_id}", response_model=ConversationOut)
    async def transcript(conversation_id: str, _: SignedIn) -> ConversationOut:
        return conversation_out(await existing(bot, conversation_id))

    @router.post("/console/api/conversations/{conversation_id}/reply")
    async def reply(conversation_id: str, body: MessageIn, agent: Acting) -> dict[str, Any]:
        conversation = await existing(bot, conversation_id)
        if conversation.status == ConversationStatus.CLOSED:
            raise HTTPException(409, "This conversation is closed.")
        content = clean_message(body.content, settings.limits.max_message_chars)
        message = await asyncio.to_thread(bot.agent_message, conversation_id, content, agent.name)
        await audit(agent, "reply", conversation_id, position=message.position)
        return {"position": message.position, "status": ConversationStatus.AGENT}

    @router.post("/console/api/conversations/{conversation_id}/handback")
    async def handback(conversation_id: str, agent: Acting) -> dict[str, str]:
        await existing(bot, conversation_id)
        await asyncio.to_thread(bot.handback, conversation_id, agent.name)
        replies.answer_waiting_soon(conversation_id)
        await audit(agent, "handback", conversation_id)
        return {"id": conversation_id, "status": ConversationStatus.BOT}

    @router.post("/console/api/conversations/{conversation_id}/close")
    async def close(conversation_id: str, agent: Acting) -> dict[str, str]:
        await existing(bot, conversation_id)
        await asyncio.to_thread(bot.close_conversation, conversation_id)
        await audit(agent, "close", conversation_id)
        return {"id": conversation_id, "status": ConversationStatus.CLOSED}

    @router.get("/console/api/audit")
    async def audit_log(
        _: Annotated[Agent, Depends(admin)],
        agent: str | None = None,
        conversation_id: str | None = None,
        limit: int = Query(200, ge=1, le=1000),
    ) -> list[dict[str, Any]]:
        return await asyncio.to_thread(agents.audit_log, agent, conversation_id, limit)

    from ui.copilot import build_copilot_console_router
    from ui.insights import build_insights_router

    router.include_router(build_insights_router(bot, settings, admin))
    router.include_router(build_copilot_console_router(signed_in))
    return router
