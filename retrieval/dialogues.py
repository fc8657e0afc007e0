"""Past support conversations: the shopper's problem and how it was solved (resolved only).

Personal data (emails, phones, card numbers, addresses) is masked before a passage is built:
the bot must never receive another customer's details through retrieval."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot.privacy import mask_personal_data
from retrieval.documents import Passage, RecordError
from retrieval.loading import LoadResult, read_text, safe_id
from retrieval.text import is_cjk

ROLES = {"user", "assistant", "agent"}
MAX_CHARS = 600  # of problem and of solution in a passage


SOLVED_LABEL = "How it was solved:"
"""Starts the store's answer in a past case's passage."""


def _clip(text: str, limit: int = MAX_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def _messages(record: dict[str, Any]) -> list[tuple[str, str]]:
    messages = record.get("messages")
    if not isinstance(messages, list) or not messages:
        raise ValueError("'messages' must be a non-empty list")
    out: list[tuple[str, str]] = []
    for n, msg in enumerate(messages, 1):
        if not isinstance(msg, dict):
            raise ValueError(f"message {n} must be a JSON object")
        role, content = msg.get("role"), msg.get("content")
        if role not in ROLES:
            raise ValueError(f"message {n}: role must be one of {sorted(ROLES)}, not {role!r}")
        if not isinstance(content, str):
            raise ValueError(f"message {n}: 'content' must be text")
        out.append((role, mask_personal_data(content.strip())))
    return out


def conversation_passage(record: Any) -> Passage | None:
    """The passage of one conversation, None if it did not end resolved (ValueError if bad)."""
    if not isinstance(record, dict):
        raise ValueError("a conversation must be a JSON object")
    cid = record.get("id")
    if cid is None or not str(cid).strip():
        raise ValueError("missing 'id'")
    cid = str(cid).strip()
    messages = _messages(record)
    outcome = record.get("outcome") or {}
    if not isinstance(outcome, dict):
        raise ValueError("'outcome' must be an object")
    if outcome.get("resolved") is not True:
        return None
    # The problem: what the shopper said before anyone answered (or their first message).
    problem_parts: list[str] = []
    for role, content in messages:
        if role != "user":
            if problem_parts:
                break
            continue
        problem_parts.append(content)
    if not problem_parts:
        raise ValueError("no message from the shopper ('user')")
    problem = _clip(" ".join(problem_parts))
    # The solution: the replies of whoever solved it (a human agent if one took part).
    helpers = [c for r, c in messages if r == "agent"] or [
        c for r, c in messages if r == "assistant"
    ]
    if not helpers:
        raise ValueError("resolved, but nobody answered the shopper")
    solution = _clip(" ".join(helpers[-2:]))
    later = [c for r, c in messages if r == "user"][len(problem_parts) :]
    details = _clip(" ".join(later), 300) if later else ""
    reason = record.get("reason") or record.get("topic") or outcome.get("reason")
    reason_text = mask_personal_data(str(reason).strip()) if reason else _clip(problem, 120)
    language = record.get("language") or ("zh" if is_cjk(problem) else "en")
    text = f"Shopper's problem: {problem}"
    if details:
        text += f"\nMore from the shopper: {details}"
    text += f"\n{SOLVED_LABEL} {solution}"
    return Passage(
        id=f"dialogue:{safe_id(cid)}",
        source="dialogue",
        title=f"Past case {cid}: {reason_text}",
        text=text,
        doc_key=cid,
        metadata={
            "conversation_id": cid,
            "reason": reason_text,
            "language": str(language),
            "escalated": bool(outcome.get("escalated", False)),
            "csat": outcome.get("csat") if isinstance(outcome.get("csat"), int | float) else None,
        },
        embed_text=f"{reason_text if reason else ''}\n{problem}".strip(),
    )


def load_dialogues(path: Path) -> LoadResult:
    """A JSON Lines file of conversations; unresolved ones are counted as skipped."""
    result = LoadResult()
    seen: dict[str, int] = {}
    for line_no, line in enumerate(read_text(path).splitlines(), 1):
        if not line.strip():
            continue
        result.records += 1
        key = None
        try:
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"invalid JSON: {exc.msg} (column {exc.colno})") from None
            if isinstance(record, dict) and record.get("id") is not None:
                key = str(record["id"]).strip()
            passage = conversation_passage(record)
            if key in seen:
                raise ValueError(f"duplicate conversation id {key!r} (first on line {seen[key]})")
            if key is not None:
                seen[key] = line_no
            if passage is None:
                result.skip("not resolved (only resolved conversations are learned from)", key)
            else:
                result.passages.append(passage)
        except ValueError as exc:
            result.errors.append(RecordError(str(path), line_no, str(exc), key))
    return result
