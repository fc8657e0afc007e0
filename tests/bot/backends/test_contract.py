"""One contract for every `ChatBackend` (see conftest): what the turn pipeline relies on,
whichever model answers behind it."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator

from bot.backends import ChatBackend, Chunk, GenerationRequest, LoopBackend

QUESTION = [
    {"role": "system", "content": "You are a helpful shop assistant. Answer in one sentence."},
    {"role": "user", "content": "How long do refunds to a credit card take?"},
]


def request(**fields: object) -> GenerationRequest:
    return GenerationRequest(**{"messages": QUESTION, "max_tokens": 12, **fields})  # type: ignore[arg-type]


async def collect(stream: AsyncIterator[Chunk]) -> list[Chunk]:
    return [chunk async for chunk in stream]


def text_of(chunks: list[Chunk]) -> str:
    return "".join(chunk.text for chunk in chunks)


def test_it_is_a_chat_backend(backend: ChatBackend) -> None:
    assert isinstance(backend, ChatBackend) and backend.name
    backend.warm_up()  # again: nothing happens
    assert backend.context_window >= 256


def test_a_reply_streams_in_pieces_and_ends_with_its_token_counts(backend: ChatBackend) -> None:
    chunks = asyncio.run(collect(backend.stream(request())))
    assert text_of(chunks).strip()
    *pieces, last = chunks
    assert pieces and not any(piece.finished for piece in pieces)
    assert last.finished and last.finish_reason in ("stop", "length")
    assert last.prompt_tokens > 0 and 0 < last.completion_tokens <= 12


def test_a_plain_thread_gets_the_same_reply(backend: ChatBackend) -> None:
    streamed = text_of(asyncio.run(collect(backend.stream(request()))))
    assert text_of(list(backend.stream_sync(request()))) == streamed  # greedy: the same


def test_the_reply_continues_the_assistant_prefix(backend: ChatBackend) -> None:
    prefix = "Refunds to a credit card take"
    chunks = list(backend.stream_sync(request(assistant_prefix=prefix)))
    assert text_of(chunks).startswith(prefix) and len(text_of(chunks)) > len(prefix)


def test_max_tokens_bounds_the_reply(backend: ChatBackend) -> None:
    short = list(backend.stream_sync(request(max_tokens=3)))
    assert 0 < short[-1].completion_tokens <= 3
    assert short[-1].completion_tokens < list(backend.stream_sync(request()))[-1].completion_tokens


def test_prompts_are_counted_in_tokens(backend: ChatBackend) -> None:
    # (A chat template may add its own system prompt when none is given: compare growing
    # conversations, not with and without one.)
    asked = backend.count_tokens(QUESTION)
    follow_up = [
        {"role": "assistant", "content": "Five to seven business days after we receive it."},
        {"role": "user", "content": "And to PayPal? I paid with PayPal last time."},
    ]
    assert 0 < asked < backend.count_tokens(QUESTION + follow_up) < backend.context_window


def test_health_is_a_real_token(backend: ChatBackend) -> None:
    assert asyncio.run(backend.health()) is True


def test_replies_asked_at_once_from_several_threads_all_arrive(backend: ChatBackend) -> None:
    replies: list[str] = []
    threads = [
        threading.Thread(
            target=lambda: replies.append(text_of(list(backend.stream_sync(request()))))
        )
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert len(replies) == 4 and all(reply.strip() for reply in replies)


def test_a_reply_left_half_way_gives_its_place_back(backend: ChatBackend) -> None:
    assert isinstance(backend, LoopBackend)  # every implementation shares the machinery

    async def first_piece() -> str:
        stream = backend.stream(request(max_tokens=64))
        async for chunk in stream:
            await stream.aclose()  # the shopper went away
            return chunk.text
        return ""

    assert asyncio.run(first_piece())
    deadline = time.monotonic() + 30
    while backend.pending and time.monotonic() < deadline:
        time.sleep(0.05)
    assert backend.pending == 0
