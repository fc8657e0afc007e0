"""The agent's copilot over HTTP: ``GET /api/v1/conversations/{id}/copilot`` (helpdesk API
key) and ``GET /console/api/conversations/{id}/copilot`` (the console's login), and the
console's copilot pane (``/console/copilot.js``).

Both answer ``{"summary": [three lines], "suggestion": {"text", "sources", "withheld",
"language"}}``. A suggestion is written once per state of the conversation (its last
message) and kept in memory, so an agent's console asking every few seconds costs one
generation per new shopper message.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable
from importlib import resources
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from pydantic import BaseModel, Field

from bot import ShopBot
from bot.copilot import Copilot, Suggestion
from bot.errors import ConversationNotFound
from bot.store import StoredConversation

KEPT = 500
"""Suggestions kept in memory (least recently asked for dropped)."""


class SuggestionOut(BaseModel):
    text: str = Field(description="The reply to send as it is, or to edit.")
    sources: list[dict[str, Any]] = Field(description="What it stands on, cited as [n].")
    withheld: int = Field(description="Sentences the output checks held back.")
    language: str


class CopilotOut(BaseModel):
    id: str
    summary: list[str] = Field(description="Three lines: asks, so far, now.")
    suggestion: SuggestionOut


class CopilotService:
    """A `Copilot` with its suggestions kept per conversation state."""

    def __init__(self, bot: ShopBot, copilot: Copilot | None = None) -> None:
        self.bot = bot
        self.copilot = copilot or Copilot(bot)
        self._kept: OrderedDict[tuple[str, int], asyncio.Future[Suggestion]] = OrderedDict()

    async def suggestion(self, conversation: StoredConversation) -> Suggestion:
        last = conversation.messages[-1].position if conversation.messages else -1
        key = (conversation.id, last)
        future = self._kept.get(key)
        if future is None or (future.done() and future.exception() is not None):
            future = asyncio.ensure_future(self.copilot.suggest(conversation))
            self._kept[key] = future
            while len(self._kept) > KEPT:
                self._kept.popitem(last=False)
        self._kept.move_to_end(key)
        return await asyncio.shield(future)

    async def answer(self, conversation_id: str) -> CopilotOut:
        try:
            conversation = await asyncio.to_thread(self.bot.store.get, conversation_id)
        except ConversationNotFound as exc:
            raise HTTPException(404, f"No conversation {conversation_id!r}.") from exc
        suggestion = await self.suggestion(conversation)
        return CopilotOut(
            id=conversation.id,
            summary=self.copilot.summary(conversation),
            suggestion=SuggestionOut(**suggestion.as_dict()),
        )


def _service(request: Request) -> CopilotService:
    service = getattr(request.app.state, "copilot", None)
    if service is None:
        service = request.app.state.copilot = CopilotService(request.app.state.bot)
    return service


def add_copilot_routes(router: APIRouter) -> None:
    """The copilot on the helpdesk API (``router``: the `/api/v1` router with its key check)."""

    @router.get("/conversations/{conversation_id}/copilot", response_model=CopilotOut)
    async def copilot(conversation_id: str, request: Request) -> CopilotOut:
        """A three-line summary of the conversation and a suggested reply (grounded in the
        knowledge and the order case, with sources, through the bot's output checks)."""
        return await _service(request).answer(conversation_id)


def build_copilot_console_router(agent: Callable[..., Any]) -> APIRouter:
    """The console's copilot pane and its data; ``agent`` is the console's login check."""
    router = APIRouter(tags=["console"], include_in_schema=False)

    @router.get("/console/api/conversations/{conversation_id}/copilot", response_model=CopilotOut)
    async def console_copilot(
        conversation_id: str, request: Request, _: str = Depends(agent)
    ) -> CopilotOut:
        return await _service(request).answer(conversation_id)

    @router.get("/console/copilot.js")
    async def script() -> Response:
        text = resources.files("ui").joinpath("static", "copilot.js").read_text(encoding="utf-8")
        return Response(text, media_type="text/javascript")

    return router
