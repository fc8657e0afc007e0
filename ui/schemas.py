"""The helpdesk API's request and response bodies, each field described with an example
(they make the OpenAPI document at ``/openapi.json``)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.messages import MAX_MESSAGE_CHARS
from bot.store import StoredConversation

EXAMPLE_ID = "5f0c2d7e9a2b4c6e8f1a3b5c7d9e1f20"
EXAMPLE_TIME = "2026-11-03T14:05:09+00:00"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NewConversation(_Strict):
    id: str | None = Field(
        None,
        min_length=3,
        max_length=64,
        pattern=r"^[A-Za-z0-9_.:-]+$",
        description="Your own id for the conversation (e.g. the helpdesk ticket); a random "
        "one if left out.",
        examples=["ticket-4711"],
    )
    channel: str = Field(
        "api", max_length=32, description="Where the shopper writes from.", examples=["email"]
    )


class ConversationCreated(BaseModel):
    id: str = Field(..., description="The conversation's id.", examples=[EXAMPLE_ID])


class MessageIn(_Strict):
    content: str = Field(
        ...,
        description=f"The text, at most {MAX_MESSAGE_CHARS} characters "
        "(limits.max_message_chars). Control and zero-width characters are removed; a null "
        "byte, or nothing but blanks, is refused (422).",
        examples=["How long do refunds to a credit card take?"],
        json_schema_extra={"minLength": 1, "maxLength": MAX_MESSAGE_CHARS},
    )


class AgentMessageIn(MessageIn):
    agent: str = Field(
        ...,
        min_length=1,
        max_length=100,
        description="The human agent's name, shown to the shopper and kept in the audit log.",
        examples=["Dana"],
    )


class Source(BaseModel):
    model_config = ConfigDict(extra="allow")
    n: int = Field(..., description="The number the reply cites it by, as [n].", examples=[1])
    id: str = Field(
        ..., description="The passage's id in the index.", examples=["policy:refunds.md#3"]
    )
    source: str = Field(
        ..., description="catalog, policy or dialogue (a past case).", examples=["policy"]
    )
    title: str = Field(..., description="What to show.", examples=["Refunds > Credit cards"])
    score: float | None = Field(
        None,
        description="Calibrated relevance of a retrieved passage, 0 to 1; null for a page a "
        "decision rests on (an order reply cites the policy it applied, not a search hit).",
        examples=[0.83],
    )


class Reply(BaseModel):
    reply: str = Field(
        ...,
        description="The bot's answer (empty while a person has the conversation).",
        examples=["Refunds to a credit card take 5-7 business days [1]."],
    )
    sources: list[Source] = Field(..., description="What the reply was built from.")
    sentiment: dict[str, Any] = Field(
        ...,
        description="The shopper message's scores: sentiment -1..1, dissatisfaction 0..1, "
        "abusive, wants_human, reasons.",
        examples=[{"sentiment": 0.27, "dissatisfaction": 0.04, "abusive": False}],
    )
    escalated: bool = Field(
        ..., description="The conversation now waits for (or is with) a person.", examples=[False]
    )
    status: str = Field(
        ...,
        description="bot, waiting_for_agent, agent or closed.",
        examples=["bot"],
    )


class MessageOut(BaseModel):
    position: int = Field(..., description="Its place in the conversation, from 0.", examples=[0])
    role: Literal["user", "assistant", "agent"] = Field(
        ...,
        description="user (the shopper), assistant (the bot) or agent (a person).",
        examples=["user"],
    )
    content: str = Field(..., description="The text.", examples=["Where is my order?"])
    created_at: str = Field(..., description="ISO 8601, UTC.", examples=[EXAMPLE_TIME])
    sentiment: dict[str, Any] | None = Field(
        None, description="Scores of a shopper message.", examples=[{"dissatisfaction": 0.1}]
    )
    sources: list[dict[str, Any]] | None = Field(
        None, description="Sources of a bot reply.", examples=[[{"n": 1, "title": "Refunds"}]]
    )
    agent: str | None = Field(None, description="Who wrote an agent message.", examples=["Dana"])
    feedback: Literal["up", "down"] | None = Field(
        None, description="The shopper's thumb on a reply.", examples=["up"]
    )
    interrupted: bool = Field(
        False, description="The reply was cut short (a shutdown).", examples=[False]
    )
    notice: str | None = Field(
        None,
        description="Set on a message that tells the shopper something (handback: the bot "
        "is back) rather than answering.",
        examples=["handback"],
    )


class ConversationOut(BaseModel):
    id: str = Field(..., description="The conversation's id.", examples=[EXAMPLE_ID])
    status: str = Field(
        ..., description="bot, waiting_for_agent, agent or closed.", examples=["agent"]
    )
    channel: str = Field(..., description="Where the shopper writes from.", examples=["widget"])
    language: str | None = Field(
        None, description="The shopper's language (en, zh).", examples=["en"]
    )
    created_at: str = Field(..., description="ISO 8601, UTC.", examples=[EXAMPLE_TIME])
    updated_at: str = Field(..., description="ISO 8601, UTC.", examples=[EXAMPLE_TIME])
    escalation: dict[str, Any] | None = Field(
        None,
        description="Why and when it was handed to a person.",
        examples=[{"reasons": ["the shopper asked for a human"], "at": EXAMPLE_TIME}],
    )
    predicted_csat: float | None = Field(
        None, description="Predicted satisfaction, 1 to 5.", examples=[3.4]
    )
    rating: int | None = Field(
        None, description="The shopper's end-of-chat rating, 1-5.", examples=[4]
    )
    messages: list[MessageOut] = Field(..., description="The transcript, oldest first.")


class EscalationOut(BaseModel):
    id: str = Field(..., description="The conversation's id.", examples=[EXAMPLE_ID])
    shopper: str = Field(
        ...,
        description="How to call the shopper: a name they gave, else an e-mail they wrote, "
        "else their first message.",
        examples=["jane@example.com"],
    )
    status: str = Field(..., description="waiting_for_agent.", examples=["waiting_for_agent"])
    channel: str = Field(..., description="Where the shopper writes from.", examples=["widget"])
    language: str | None = Field(None, description="en or zh.", examples=["en"])
    reasons: list[str] = Field(
        ..., description="Why it was handed over.", examples=[["the shopper asked for a human"]]
    )
    escalated_at: str | None = Field(None, description="ISO 8601, UTC.", examples=[EXAMPLE_TIME])
    last_message: str | None = Field(
        None, description="The shopper's latest message.", examples=["Can I talk to a person?"]
    )


class Ok(BaseModel):
    id: str = Field(..., description="The conversation's id.", examples=[EXAMPLE_ID])
    status: str = Field(..., description="Its status now.", examples=["bot"])


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
                notice=m.data.get("notice"),
            )
            for m in conversation.messages
        ],
    )
