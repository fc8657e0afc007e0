"""The answer itself: retrieval for a turn, facts stated from data, the model's grounded,
checked, streamed reply."""

from __future__ import annotations

import dataclasses
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Any, cast

from bot.backends import ChatBackend, GenerationRequest
from bot.bundled import writes_whole_answers
from bot.cpu import CpuPool
from bot.errors import RetrievalError
from bot.extractive import SentencePicker
from bot.grounding import FactGuard, GuardedStream, fact_lead
from bot.knowledge import HitLike, Knowledge
from bot.language import phrase
from bot.leads import Lead, LeadWriter, SearchMany
from bot.orders.meaning import chinese_embed
from bot.prompting import as_chat_history, fit_to_window, system_message
from bot.safety import detect_injection
from bot.sentiment import SentimentResult
from bot.settings import Settings
from bot.turns import Overrides, StreamEvent, Turn, elapsed_ms, source_entry

log = logging.getLogger(__name__)
Message = dict[str, str]
BUNDLED_MODEL_LANGUAGES = ("en",)
"""Languages the bundled 135M model writes acceptably; others get facts stated from data."""


@dataclasses.dataclass
class PreparedReply:
    """What a reply starts from: the lead stated from data (checked), the guard for the
    model's words, the request to the model (None when the model should not write), and the
    hits as numbered for the shopper (those the lead cites first)."""

    lead: str
    guard: FactGuard
    request: GenerationRequest | None
    hits: list[HitLike] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Found:
    """What retrieval found for a turn: the passages fit to answer from, or the failure."""

    hits: list[HitLike]
    relevant: list[HitLike]
    retrieval_ms: float
    error: RetrievalError | None = None


def cited_sources(reply: str, hits: Sequence[HitLike]) -> list[dict[str, object]]:
    """The sources the reply cites ([n] numbers the hits from 1); all of them when it cites
    none (a model that used the passages without saying which)."""
    used = sorted({int(n) for n in re.findall(r"\[(\d{1,2})\]", reply) if 0 < int(n) <= len(hits)})
    numbers = used or list(range(1, len(hits) + 1))
    return [source_entry(n, hits[n - 1]) for n in numbers]


class KnowledgeAnswers:
    """Finds the knowledge for a question and writes the reply from it."""

    def __init__(
        self, settings: Settings, backend: ChatBackend, knowledge: Knowledge, cpu: CpuPool
    ) -> None:
        self.settings = settings
        self.backend = backend
        self.knowledge = knowledge
        self.cpu = cpu
        self.grounded_lead = not writes_whole_answers(settings.model)
        """The bundled 135M model states no fact itself: facts lead, stated from the passages.
        Any other model writes the whole reply; the output checks guard it."""
        self._sentence_picker: SentencePicker | None = None
        self._leads: LeadWriter | None = None

    @property
    def leads(self) -> LeadWriter:
        """Writes the lead: product facts and policy sentences, part by part."""
        if self._leads is None:
            found_many = getattr(self.knowledge, "search_many", None)
            documents = getattr(self.knowledge, "documents", None)
            knowledge = self.knowledge
            # Each part of a question is searched deeper than the whole message: its answer
            # may rank below what the message as a whole is mostly about.
            depth = 2 * self.settings.retrieval.top_k
            search_many: SearchMany | None = (
                (lambda queries: found_many(queries, k=depth)) if found_many else None
            )
            self._leads = LeadWriter(
                self.sentence_picker,
                self.settings.retrieval.min_score,
                search_many,
                lambda query: knowledge.search(query, k=5, source="catalog"),
                getattr(knowledge, "products", None),
                (lambda: documents("policy")) if documents else None,
            )
        return self._leads

    @property
    def sentence_picker(self) -> SentencePicker:
        """Finds the policy sentence that answers a question (by meaning when it can)."""
        if self._sentence_picker is None:
            from retrieval.embedder import reads_chinese

            # The knowledge base's embedder, when it has one, also ranks sentences; when it
            # reads English only, the multilingual encoder ranks Chinese ones by meaning.
            embedder = getattr(self.knowledge, "embedder", None)
            self._sentence_picker = SentencePicker(
                getattr(embedder, "embed", None),
                cjk=reads_chinese(embedder),
                cjk_embed=chinese_embed(embedder),
            )
        return self._sentence_picker

    def prime_policy_sentences(self) -> None:
        """Embed the policies' sentences at start-up: embedding them while a shopper waits
        holds the embedder (and the CPU) that other shoppers' searches need."""
        documents = getattr(self.knowledge, "documents", None)
        if not self.grounded_lead or documents is None:
            return
        started = time.perf_counter()
        try:
            count = self.sentence_picker.prime(documents("policy"))
        except RetrievalError as exc:  # only a head start: sentences are embedded when asked
            log.warning("Could not embed the policy sentences ahead: %s", exc)
            return
        if count:
            log.info("Embedded %d policy sentences in %.1f s.", count, elapsed_ms(started) / 1000)

    async def find(self, messages: list[Message]) -> Found:
        """The passages for the last message (CPU work: off the event loop)."""
        started = time.perf_counter()
        try:
            hits = await self.cpu.run(self.retrieve, messages)
        except RetrievalError as exc:
            return Found([], [], (time.perf_counter() - started) * 1000, exc)
        retrieval_ms = (time.perf_counter() - started) * 1000
        return Found(hits, self.relevant(hits), retrieval_ms)

    def relevant(self, hits: list[HitLike]) -> list[HitLike]:
        """The hits a reply may be built on: relevant enough, and not trying to instruct the
        model (knowledge that does is not knowledge), and not written for staff only."""
        min_score = self.settings.retrieval.min_score
        # Pages written for the store's staff (front matter `audience: staff`) are never quoted.
        return [
            h
            for h in hits
            if h.score >= min_score
            and not detect_injection(h.text).flagged
            and (h.metadata or {}).get("audience") != "staff"
        ]

    def retrieve(self, messages: list[Message]) -> list[HitLike]:
        """Search with the last message, and with the one before when it leans on it."""
        question = messages[-1]["content"]
        k = self.settings.retrieval.top_k
        earlier = [m["content"] for m in messages[:-1] if m["role"] == "user"]
        if not earlier:
            return list(self.knowledge.search(question, k=k))
        combined = f"{earlier[-1]} {question}"
        # One call embeds both queries in one batch.
        found, also = self.knowledge.search_many([question, combined], k=k)
        hits = list(found)
        if also:
            seen = {h.id: h for h in hits}
            for hit in also:
                # The combined query helps with follow-ups ("can I change its size?") but
                # must not outrank what the question itself found.
                if hit.id not in seen:
                    # Hits are dataclasses (`retrieval.Hit`, `bot.fakes.SimpleHit`).
                    lowered = dataclasses.replace(cast(Any, hit), score=hit.score * 0.9)
                    seen[hit.id] = lowered
            hits = sorted(seen.values(), key=lambda h: h.score, reverse=True)[:k]
        return hits

    async def generate(
        self,
        messages: list[Message],
        session: str,
        hits: list[HitLike],
        language: str,
        sentiment: SentimentResult,
        overrides: Overrides,
        started: float,
        opening: str = "",
    ) -> AsyncIterator[StreamEvent]:
        """The reply as it is written, then the finished `Turn` (not stored); ``opening``
        (an apology) comes first."""
        if opening:
            yield StreamEvent("delta", opening)
        # Picking the lead embeds sentences and the prompt is tokenized: CPU work that would
        # hold up every other conversation on this loop.
        prepared = await self.cpu.run(self.prepare, messages, session, hits, language, overrides)
        guard, request, hits = prepared.guard, prepared.request, prepared.hits
        if request is None:
            # The bundled model cannot write this language: the facts stated from data, or an
            # honest "not sure", rather than babble.
            lead = prepared.lead
            reply = lead or phrase(language, "unsure")
            yield StreamEvent("delta", reply)
            reply = opening + reply
            sources = cited_sources(reply, hits) if lead else []
            turn = Turn(session, reply, sources, sentiment.as_dict(), False, language=language)
            turn.withheld = guard.report.withheld
            turn.timings = {"total_ms": elapsed_ms(started)}
            yield StreamEvent("turn", turn=turn)
            return
        released = GuardedStream(guard)
        released.seen(request.assistant_prefix)
        first_token_ms = model_first_ms = None
        usage: dict[str, int] = {}
        prefix_left = len(request.assistant_prefix)
        prepare_ms = elapsed_ms(started)
        async for chunk in self.backend.stream(request):
            text = chunk.text
            if model_first_ms is None and len(text) > prefix_left:
                model_first_ms = elapsed_ms(started)
            if prefix_left:  # the trusted lead: released as is
                taken, text = text[:prefix_left], text[prefix_left:]
                prefix_left -= len(taken)
                released.released.append(taken)
                if first_token_ms is None:
                    first_token_ms = elapsed_ms(started)
                yield StreamEvent("delta", taken)
            for sentence in released.feed(text):
                if first_token_ms is None:
                    first_token_ms = elapsed_ms(started)
                yield StreamEvent("delta", sentence)
            if chunk.finished:
                usage = {
                    "prompt_tokens": chunk.prompt_tokens,
                    "completion_tokens": chunk.completion_tokens,
                }
        for sentence in released.finish():
            yield StreamEvent("delta", sentence)
        reply = released.text.strip()
        if not reply:
            reply = phrase(language, "unsure")
            yield StreamEvent("delta", reply)
        reply = opening + reply
        sources = cited_sources(reply, hits)
        turn = Turn(session, reply, sources, sentiment.as_dict(), False, language=language)
        turn.usage = usage
        turn.withheld = guard.report.withheld
        turn.timings = {
            "prepare_ms": prepare_ms,
            "model_first_token_ms": model_first_ms or elapsed_ms(started),
            "first_token_ms": first_token_ms or elapsed_ms(started),
            "total_ms": elapsed_ms(started),
        }
        yield StreamEvent("turn", turn=turn)

    def prepare(
        self,
        messages: list[Message],
        session: str,
        hits: list[HitLike],
        language: str,
        overrides: Overrides,
    ) -> PreparedReply:
        """The lead, its guard and the model's prompt (CPU work: called in a thread)."""
        question = messages[-1]["content"]
        written = self.write_lead(question, hits, language)
        lead, facts = written.text, written.facts
        # Sources are numbered as the shopper sees them: those the lead cites first.
        hits = [*written.cited, *(h for h in hits if h not in written.cited)]
        secrets = [s.get_secret_value() for s in self.settings.secrets] + list(overrides.secrets)
        user_texts = [m["content"] for m in messages if m["role"] == "user"]
        persona = overrides.system_prompt or self.settings.system_prompt
        guard = FactGuard(
            hits,
            user_texts,
            secrets,
            primary=facts[0] if lead and facts else None,
            instructions=system_message(self.settings.store_name, persona, [], language),
        )
        if lead and guard.screen(lead) is None:  # stated from data, yet still checked
            lead, guard.primary = "", None
        guard.lead = lead
        if self.grounded_lead and language not in BUNDLED_MODEL_LANGUAGES:
            return PreparedReply(lead, guard, None, hits)
        budget = self.backend.context_window - self.settings.engine.max_tokens
        # The best passages, and every passage the lead cites (citations number the hits).
        cited = [int(n) for n in re.findall(r"\[(\d+)\]", lead)]
        in_prompt = list(hits[: max([self.settings.retrieval.prompt_passages, *cited])])
        while True:  # the facts may take at most three quarters of the prompt
            system = system_message(self.settings.store_name, persona, in_prompt, language)
            too_long = self.backend.count_tokens([{"role": "system", "content": system}])
            if len(in_prompt) <= 1 or too_long <= budget * 3 // 4:
                break
            in_prompt.pop()
        prompt = fit_to_window(system, as_chat_history(messages), self.backend.count_tokens, budget)
        max_tokens = self.settings.engine.max_tokens
        stop: tuple[str, ...] = ()
        if lead:  # the facts are said: the model only rounds the answer off, in one line
            max_tokens = min(max_tokens, self.settings.engine.max_tokens_after_lead)
            stop = ("\n",)
        request = GenerationRequest(
            messages=prompt,
            max_tokens=max_tokens,
            repetition_penalty=self.settings.engine.repetition_penalty,
            temperature=self.settings.engine.temperature,
            request_id=f"{session}-{uuid.uuid4().hex[:8]}",
            assistant_prefix=(lead + " ") if lead else "",
            stop=stop,
        )
        return PreparedReply(lead, guard, request, hits)

    def write_lead(self, question: str, hits: list[HitLike], language: str) -> Lead:
        """The facts the reply leads with. With the bundled model, everything the reply states
        (product facts and policy sentences, part by part); a capable model writes the policy
        answer itself, so it gets the product facts only."""
        if self.grounded_lead:
            alone = language not in BUNDLED_MODEL_LANGUAGES
            return self.leads.write(question, hits, language, alone=alone)
        text, facts = fact_lead(question, hits, language, self.settings.retrieval.min_score)
        return Lead(text, facts, [])
