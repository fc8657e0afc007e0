"""Past conversations with their dates: imported into the store, read back by date range.

An imported conversation looks as if shopbot had handled it: every shopper message scored by
the sentiment scorer in context (so the predicted CSAT is the engine's own), the escalation
reasons the policy would have given, the rating from ``outcome.csat``, thumbs from a
message's ``feedback``, and a status from the outcome: resolved -> closed, otherwise left
with the bot (an imported conversation never lands in the agents' queue).
"""

from __future__ import annotations

import sys
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from bot.conversations import read_conversations
from bot.errors import InputError, StoreError
from bot.language import PHRASES, detect_language
from bot.reasons import Reason, ReasonCode, codes, texts
from bot.schema import ConversationRow, MessageRow
from bot.state import ConversationState
from bot.status import ConversationStatus
from bot.store import SQLConversationStore, StoredConversation, _conversation

if TYPE_CHECKING:
    from bot.escalation import EscalationPolicy
    from bot.sentiment import SentimentScorer

HISTORY_START = datetime(2026, 8, 31, tzinfo=UTC)
HISTORY_DAYS = 84
"""A conversation without ``created_at`` gets a fixed date in these 12 weeks, from its id."""
LABELS = ("reason", "topic", "planted", "answered_by")
"""Fields of an input line kept with the conversation (ground truth for evaluations)."""
NO_KNOWLEDGE_REPLIES = {PHRASES[lang]["no_knowledge"] for lang in PHRASES}


class HistorySource(Protocol):
    """Where the conversations of a report come from."""

    def conversations(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> list[StoredConversation]: ...


@dataclass
class ImportReport:
    imported: int = 0
    skipped: int = 0  # already in the store (importing twice changes nothing)
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"imported": self.imported, "skipped": self.skipped, "errors": self.errors}


def parse_day(text: str, *, end: bool = False) -> datetime:
    """``2026-09-01`` or a full ISO timestamp; a bare day as ``end`` means the whole day."""
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            moment = datetime.combine(day, time(), tzinfo=UTC)
            return moment + timedelta(days=1) if end else moment
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InputError(f"{text!r} is not a date: write it as YYYY-MM-DD.") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def conversation_date(record: dict[str, Any]) -> datetime:
    """The record's ``created_at``, or a fixed date in the history's 12 weeks from its id."""
    if record.get("created_at"):
        return parse_day(str(record["created_at"]))
    minutes = zlib.crc32(str(record.get("id")).encode()) % (HISTORY_DAYS * 24 * 60)
    return HISTORY_START + timedelta(minutes=minutes)


class SQLHistory:
    """Conversations of a `SQLConversationStore`, with their messages, by creation date."""

    def __init__(self, store: SQLConversationStore) -> None:
        self.store = store

    def conversations(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> list[StoredConversation]:
        query = select(ConversationRow).order_by(ConversationRow.created_at, ConversationRow.id)
        if since is not None:
            query = query.where(ConversationRow.created_at >= since)
        if until is not None:
            query = query.where(ConversationRow.created_at < until)
        try:
            with self.store._session() as session:
                rows = session.scalars(query).all()
                ids = [r.id for r in rows]
                messages: dict[str, list[MessageRow]] = {i: [] for i in ids}
                for chunk in _chunks(ids, 500):
                    found = session.scalars(
                        select(MessageRow)
                        .where(MessageRow.conversation_id.in_(chunk))
                        .order_by(MessageRow.conversation_id, MessageRow.position)
                    ).all()
                    for m in found:
                        messages[m.conversation_id].append(m)
                return [_with_utc(_conversation(r, messages[r.id])) for r in rows]
        except SQLAlchemyError as exc:
            raise StoreError(f"Cannot read the conversations: {exc}") from exc


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _with_utc(conversation: StoredConversation) -> StoredConversation:
    """SQLite hands back naive datetimes: they are UTC."""

    def utc(moment: datetime) -> datetime:
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

    conversation.created_at = utc(conversation.created_at)
    conversation.updated_at = utc(conversation.updated_at)
    for message in conversation.messages:
        message.created_at = utc(message.created_at)
    return conversation


def import_history(
    store: SQLConversationStore,
    records: Iterable[dict[str, Any]],
    scorer: SentimentScorer,
    policy: EscalationPolicy,
    *,
    channel: str = "import",
    progress: bool = False,
) -> ImportReport:
    """Store past conversations with their dates; ids already stored are left as they are."""
    report = ImportReport()
    for record in records:
        cid = str(record.get("id") or "")
        if not cid:
            report.errors.append("a conversation without an id was skipped")
            continue
        if store.exists(cid):
            report.skipped += 1
            continue
        row, messages = _rows({**record, "id": cid}, scorer, policy, channel)
        try:
            with store._session() as session, session.begin():
                session.add(row)
                session.add_all(messages)
        except SQLAlchemyError as exc:
            raise StoreError(f"Cannot store the conversation {cid!r}: {exc}") from exc
        report.imported += 1
        if progress and report.imported % 100 == 0:
            print(f"imported {report.imported} conversations", file=sys.stderr)
    return report


def read_history_file(path: Path, errors: list[str]) -> Iterator[dict[str, Any]]:
    """The valid conversations of a JSON Lines file; bad lines are described in ``errors``."""
    for _number, record in read_conversations(path):
        if isinstance(record, InputError):
            errors.append(str(record))
            continue
        yield record


def _rows(
    record: dict[str, Any], scorer: SentimentScorer, policy: EscalationPolicy, channel: str
) -> tuple[ConversationRow, list[MessageRow]]:
    messages = record["messages"]
    started = conversation_date(record)
    outcome = record.get("outcome") or {}
    language = record.get("language") or detect_language(
        next((m["content"] for m in messages if m["role"] == "user"), "")
    )
    first_agent = next((i for i, m in enumerate(messages) if m["role"] == "agent"), None)
    rows: list[MessageRow] = []
    state = ConversationState()
    given: list[str] = list(record.get("escalation_reasons") or [])  # as the file says
    reasons: list[Reason] = []
    for index, message in enumerate(messages):
        data: dict[str, Any] = {}
        if message["role"] == "user":
            result = scorer.score(messages, index)
            state = policy.observe(result, state)
            data["sentiment"] = {**result.as_dict(), "predicted_csat": state.predicted_csat}
            decision = policy.before_reply(result, state, message["content"], messages[: index + 1])
            first = not given and not reasons
            if decision.escalate and first and (first_agent is None or index < first_agent):
                reasons = list(decision.reasons)
        elif message["role"] == "assistant" and message["content"] in NO_KNOWLEDGE_REPLIES:
            data["no_knowledge"] = True
        if message.get("feedback") in ("up", "down"):
            data["feedback"] = message["feedback"]
        moment = started + timedelta(minutes=index)
        rows.append(
            MessageRow(
                conversation_id=record["id"],
                position=index,
                role=message["role"],
                content=message["content"],
                created_at=moment,
                data=data,
            )
        )
    ended = started + timedelta(minutes=len(messages))
    # The policy's reasons explain an escalation that happened; they do not make one.
    escalated = bool(outcome.get("escalated")) or first_agent is not None
    escalated = escalated or bool(record.get("escalation_reasons"))
    conversation: dict[str, Any] = {
        "language": language,
        "bot_state": state.to_json(),
        "predicted_csat": state.predicted_csat,
        "labels": {k: record[k] for k in LABELS if k in record},
    }
    if outcome.get("csat") is not None:
        conversation["rating"] = int(outcome["csat"])
    if escalated:
        if not reasons:
            bot_spoke = any(m["role"] == "assistant" for m in messages[: first_agent or 0])
            human_only = first_agent is not None and not bot_spoke
            code = ReasonCode.HUMAN_AGENT_ONLY if human_only else ReasonCode.NOT_RECORDED
            reasons = [Reason(code)]
        at = started + timedelta(minutes=max((first_agent or 1) - 1, 0))
        conversation["escalation"] = {
            "reasons": given or texts(reasons),
            "codes": [ReasonCode.of_text(t).value for t in given] if given else codes(reasons),
            "at": at.isoformat(),
        }
    # History is over: nothing imported waits in the agents' queue.
    status = ConversationStatus.CLOSED if outcome.get("resolved") else ConversationStatus.BOT
    if status == ConversationStatus.CLOSED:
        conversation["closed_at"] = [ended.isoformat()]
    row = ConversationRow(
        id=record["id"],
        status=status.value,
        channel=channel,
        language=language,
        created_at=started,
        updated_at=ended,
        data=conversation,
    )
    return row, rows
