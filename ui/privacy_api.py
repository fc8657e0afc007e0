"""The helpdesk API's personal-data routes: export and delete a shopper's conversations.

Thin: `bot.data_rights` does the work. Shopper identifiers (emails, phone numbers) travel in
request bodies, never in URLs, so they stay out of access logs.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, ConfigDict, Field

from bot import ShopBot, data_rights
from bot.errors import ConversationNotFound, InputError
from ui.schemas import EXAMPLE_ID, EXAMPLE_TIME


class ShopperIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    shopper: str = Field(
        ...,
        min_length=3,
        max_length=200,
        description="The shopper's email or phone number.",
        examples=["jane@example.com"],
    )


class ExportOut(BaseModel):
    exported_at: str = Field(..., description="ISO 8601, UTC.", examples=[EXAMPLE_TIME])
    shopper: str | None = Field(
        None,
        description="Whose conversations (when asked by shopper).",
        examples=["jane@example.com"],
    )
    conversations: list[dict[str, Any]] = Field(
        ..., description="Everything stored about each conversation.", examples=[[]]
    )


class DeletedOut(BaseModel):
    deleted: list[str] = Field(
        description="Ids of the conversations deleted.", examples=[[EXAMPLE_ID]]
    )
    index_passages_removed: list[str] = Field(
        description="Passages of the past-conversation index that were removed.",
        examples=[[f"dialogue:{EXAMPLE_ID}"]],
    )


def add_privacy_routes(router: APIRouter, bot: ShopBot) -> None:
    """Export and deletion, by conversation id or by the shopper's email or phone."""

    def index() -> Any:
        dialogue_index = getattr(bot.knowledge, "dialogue_index", None)
        return dialogue_index() if dialogue_index else getattr(bot.knowledge, "index", None)

    async def run(function: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return await asyncio.to_thread(function, *args, **kwargs)
        except ConversationNotFound as exc:
            raise HTTPException(404, str(exc)) from exc
        except InputError as exc:
            raise HTTPException(422, str(exc)) from exc

    @router.get("/conversations/{conversation_id}/export", response_model=ExportOut)
    async def export_conversation(conversation_id: str) -> Any:
        return await run(data_rights.export, bot.store, conversation_id=conversation_id)

    @router.delete("/conversations/{conversation_id}", response_model=DeletedOut)
    async def delete_conversation(conversation_id: str) -> Any:
        return await run(
            data_rights.delete, bot.store, conversation_id=conversation_id, index=index()
        )

    @router.post("/privacy/export", response_model=ExportOut)
    async def export_shopper(body: ShopperIn) -> Any:
        return await run(data_rights.export, bot.store, shopper=body.shopper)

    @router.post("/privacy/delete", response_model=DeletedOut)
    async def delete_shopper(body: ShopperIn) -> Any:
        return await run(data_rights.delete, bot.store, shopper=body.shopper, index=index())
