"""Reading conversation JSON Lines (the format of past dialogues and of `--input` files)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bot.errors import InputError

ROLES = ("user", "assistant", "agent")


def read_conversations(path: Path) -> Iterator[tuple[int, dict[str, Any] | InputError]]:
    """(line number, conversation) per line; a bad line yields an `InputError` instead."""
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", path=str(path)) from exc
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                yield number, validate_conversation(record)
            except json.JSONDecodeError as exc:
                yield number, InputError(f"not valid JSON: {exc.msg}", path=str(path), line=number)
            except ValueError as exc:
                yield number, InputError(str(exc), path=str(path), line=number)


def validate_conversation(record: Any) -> dict[str, Any]:
    if not isinstance(record, dict):
        raise ValueError("a conversation must be a JSON object")
    messages = record.get("messages")
    if not isinstance(messages, list) or not messages:
        raise ValueError('"messages" must be a non-empty list')
    for i, message in enumerate(messages):
        if not isinstance(message, dict):
            raise ValueError(f"messages[{i}] must be an object")
        if message.get("role") not in ROLES:
            raise ValueError(f"messages[{i}].role must be one of {', '.join(ROLES)}")
        if not isinstance(message.get("content"), str):
            raise ValueError(f"messages[{i}].content must be a string")
    record.setdefault("id", None)
    return record
