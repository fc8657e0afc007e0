"""The gate: the current and the new model answer the same held-out turns through the real
engine and the bot's real pipeline (retrieval, the prompt, the output checks), and are
measured, English and Chinese separately:

- ``token_f1``: the reply against what the store's agent really said (turns whose answer the
  passages hold; words for English, characters for Chinese);
- ``facts_correct``: of the turns whose agent reply states figures the passages hold, the
  share whose reply states them all;
- ``invented``: the share of replies in which the output checks withheld a figure the
  passages do not hold (the model invented it);
- ``unsupported``: the share of replies as the shopper got them that state a figure the
  turn's training prompt does not hold (the bot's own retrieval may have found more);
- ``offers_person``: of the turns the passages do not answer, the share where the reply says
  so and offers a person.

The held-out conversations' own transcripts are left out of retrieval, as in training.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from bot.grounding import numbers_in
from bot.language import phrase
from bot.settings import Settings
from finetune.grounded import NOT_HELD, GroundedTurn, unsupported_sentences
from finetune.measures import token_f1

log = logging.getLogger(__name__)
MEASURES = ("token_f1", "facts_correct", "invented", "unsupported", "offers_person")


class WithoutConversations:
    """The store's knowledge with some conversations' own transcripts left out."""

    def __init__(self, knowledge: Any, conversation_ids: set[str]) -> None:
        self.inner = knowledge
        self.left_out = conversation_ids
        self.embedder = getattr(knowledge, "embedder", None)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def _keep(self, hits: Sequence[Any]) -> list[Any]:
        return [
            h for h in hits if str((h.metadata or {}).get("conversation_id")) not in self.left_out
        ]

    def warm_up(self) -> None:
        self.inner.warm_up()

    def search(
        self, query: str, k: int = 5, source: str | None = None, filters: Any = None
    ) -> list[Any]:
        return self.search_many([query], k=k, source=source, filters=filters)[0]

    def search_many(
        self, queries: Sequence[str], k: int = 5, source: str | None = None, filters: Any = None
    ) -> list[list[Any]]:
        # The catalog search (product discovery) passes filters; the rest do not.
        extra = {"filters": filters} if filters is not None else {}
        found = self.inner.search_many(queries, k=k + 2, source=source, **extra)
        return [self._keep(hits)[:k] for hits in found]


@dataclass
class TurnScore:
    language: str
    answerable: bool
    token_f1: float
    expected_figures: int
    figures_correct: bool
    invented: bool
    unsupported: bool
    offers_person: bool
    reply: str
    reference: str


def score_turn(turn: GroundedTurn, reply_turn: Any) -> TurnScore:
    reply = reply_turn.reply
    reference = turn.turn.reply
    held = numbers_in(reference) & numbers_in(
        " ".join(f"{h.title} {h.text}" for h in turn.prompt.hits)
    )
    invented = any(w.get("check") == "grounding" for w in reply_turn.withheld)
    offers = reply_turn.escalated or any(
        phrase(turn.language, key)[:12] in reply for key in ("unsure", "no_knowledge")
    )
    return TurnScore(
        language=turn.language,
        answerable=turn.kind != NOT_HELD,
        token_f1=token_f1(reply, reference),
        expected_figures=len(held),
        figures_correct=bool(held) and held <= numbers_in(reply),
        invented=invented,
        unsupported=bool(unsupported_sentences(reply, turn.prompt, turn.turn.context)),
        offers_person=offers,
        reply=reply,
        reference=reference,
    )


def summarize(scores: Sequence[TurnScore]) -> dict[str, Any]:
    """The measures over all turns, and per language."""
    groups: dict[str, list[TurnScore]] = defaultdict(list)
    for score in scores:
        groups["all"].append(score)
        groups[score.language].append(score)
    return {name: _measures(group) for name, group in sorted(groups.items())}


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def _measures(scores: list[TurnScore]) -> dict[str, Any]:
    answerable = [s for s in scores if s.answerable]
    with_figures = [s for s in answerable if s.expected_figures]
    return {
        "turns": len(scores),
        "token_f1": _mean([s.token_f1 for s in answerable]),
        "facts_correct": _mean([float(s.figures_correct) for s in with_figures]),
        "facts_turns": len(with_figures),
        "invented": _mean([float(s.invented) for s in scores]),
        "unsupported": _mean([float(s.unsupported) for s in scores]),
        "offers_person": _mean([float(s.offers_person) for s in scores if not s.answerable]),
    }


def answer_all(bot: Any, turns: Sequence[GroundedTurn], concurrency: int = 16) -> list[Any]:
    """The bot's replies to every turn (nothing stored), ``concurrency`` at once."""

    async def run() -> list[Any]:
        gate = asyncio.Semaphore(concurrency)

        async def one(turn: GroundedTurn) -> Any:
            async with gate:
                return await bot.aanswer(turn.turn.context)

        return await asyncio.gather(*(one(t) for t in turns))

    replies: list[Any] = bot._bot_loop().run(run())
    return replies


def measure_model(
    settings: Settings, model: str, knowledge: Any, turns: Sequence[GroundedTurn]
) -> tuple[dict[str, Any], list[TurnScore]]:
    """Serve ``model`` with the real engine and measure the bot's replies to ``turns``."""
    from bot.backends.vllm_engine import VLLMBackend
    from bot.shopbot import ShopBot

    engine = settings.engine.model_copy(update={"enforce_eager": True, "supervise": False})
    backend = VLLMBackend(model, engine)
    started = time.monotonic()
    backend.warm_up()
    bot = ShopBot(settings, backend=backend, knowledge=knowledge)
    try:
        replies = answer_all(bot, turns)
    finally:
        bot.close()
        backend.close()
    scores = [score_turn(t, r) for t, r in zip(turns, replies, strict=True)]
    summary = summarize(scores)
    summary["seconds"] = round(time.monotonic() - started, 1)
    log.info("Gate measures of %s: %s", model, summary)
    return summary, scores


@dataclass
class Gate:
    promote: bool
    forced: bool
    reasons: list[str]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def decide(
    current: dict[str, Any],
    candidate: dict[str, Any],
    *,
    loss_current: float,
    loss_candidate: float,
    force: bool = False,
    language_tolerance: float = 0.02,
) -> Gate:
    """Promote when the new model has a lower held-out loss and, through the real engine, a
    higher token-F1 with the agents' replies, facts at least as often correct and no more
    invented or unsupported figures overall, and no language worse by more than the
    tolerance; ``force`` promotes regardless."""
    reasons = []
    if not loss_candidate < loss_current:
        reasons.append(f"held-out loss {loss_candidate:.4f} is not below {loss_current:.4f}")
    if not current or not candidate:
        reasons.append("the replies were not measured through the engine")
        return Gate(force, force, reasons)
    now, new = current.get("all", {}), candidate.get("all", {})
    if not _value(new, "token_f1") > _value(now, "token_f1"):
        reasons.append(f"token-F1 {_show(new, 'token_f1')} is not above {_show(now, 'token_f1')}")
    for key, better in (("facts_correct", 1), ("invented", -1), ("unsupported", -1)):
        if better * (_value(new, key) - _value(now, key)) < 0:
            reasons.append(f"{key} {_show(new, key)} is worse than {_show(now, key)}")
    for language in sorted(set(current) & set(candidate) - {"all", "seconds"}):
        a, b = current[language], candidate[language]
        for key, better in (("token_f1", 1), ("facts_correct", 1), ("invented", -1)):
            if better * (_value(b, key) - _value(a, key)) < -language_tolerance:
                reasons.append(f"{language}: {key} {_show(b, key)} is worse than {_show(a, key)}")
    if not reasons:
        return Gate(True, False, ["beats the current model"])
    return Gate(force, force, reasons)


def _value(measures: dict[str, Any], key: str) -> float:
    value = measures.get(key)
    return 0.0 if value is None else float(value)


def _show(measures: dict[str, Any], key: str) -> str:
    value = measures.get(key)
    return "n/a" if value is None else f"{value:.3f}"
