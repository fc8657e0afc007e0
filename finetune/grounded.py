"""Training examples built the way the bot builds a real turn.

For every store reply worth learning (`finetune.data.StoreTurn`), the bot itself builds the
prompt of that turn (`bot.turn_prompt`): the passages retrieval finds in the store's own
index for the conversation so far, in the bot's prompt format, and the conversation fitted to
the window. The reply is the target. The model must learn to copy figures, not recall them:

- a reply whose figures (numbers, prices, order-like ids) or promises the prompt's passages
  support is kept as it is (``grounded``);
- otherwise the passages that hold its figures are searched for and put first in the prompt
  (``given_passages``); when the reply still does not pass the checks, it is dropped;
- when no passage of the store holds them (the agent looked up an order, say), the facts do
  not hold the answer: the target becomes the bot's own "not sure, shall I connect you with
  a person" reply (``not_held``), for at most ``not_held_share`` of the examples;
- when the bot states facts from data first (the bundled 135M model gets the whole answer
  stated so; any model gets a product's price and stock), the model only continues them with
  one line: the target is what the agent said besides the figures, the sentences that state
  none, repeat nothing the facts say and pass the checks, or nothing (``after_lead``).

The conversation's own transcript (the index holds past dialogues) is never a passage of its
own example.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from bot.grounding import FactGuard, numbers_in, split_sentences
from bot.knowledge import HitLike
from bot.language import CJK_RANGES, phrase
from bot.settings import Settings
from bot.turn_prompt import TurnPrompt, turn_prompt
from finetune.data import Example, StoreTurn

GROUNDED, GIVEN_PASSAGES, NOT_HELD, DROPPED = "grounded", "given_passages", "not_held", "dropped"
AFTER_LEAD = "after_lead"
AFTER_LEAD_WORDS = 30
"""About the engine's `max_tokens_after_lead` (40 tokens) in words (or Chinese characters)."""
_UNIT = re.compile(rf"[{CJK_RANGES}]|[^\W\d_{CJK_RANGES}]{{3,}}")
"""What a sentence says: a word of three letters or more, or a Chinese character."""
_ACTION_CLAIMED = re.compile(
    r"\b(?:I|we)(?:'ve| have|'ll| will| just| already)\b|\b(?:I'm|I am|we're|we are) \w+ing\b"
    r"|(?:我|我们)(?:已经?|会|马上|这就|现在就?)|已(?:经)?(?:为|帮)您|帮您(?:转|取消|退|提交|申请|处理)",
    re.IGNORECASE,
)
"""The speaker says they did or will do something ("I've passed the conversation to our
team", "I'll email you", "我已经为您取消"): an agent could; the model only writes text."""
_LENGTH = re.compile(rf"[{CJK_RANGES}]|[^\W{CJK_RANGES}]+")
"""What a sentence is long in: a word, or a Chinese character (Chinese has no spaces)."""
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+\b")
_LOWER = re.compile(r"\b[a-z]+\b")


@dataclass
class GroundedTurn:
    """A store turn with the prompt the bot builds for it and what the model should say."""

    turn: StoreTurn
    prompt: TurnPrompt
    target: str
    kind: str

    @property
    def conversation_id(self) -> str:
        return self.turn.conversation_id

    @property
    def language(self) -> str:
        return self.turn.language

    @property
    def prefix(self) -> str:
        """The facts stated from data that the served reply starts with (after-lead only)."""
        return self.prompt.assistant_prefix if self.kind == AFTER_LEAD else ""

    def example(self) -> Example:
        reply = self.prefix + self.target
        messages = [*self.prompt.messages, {"role": "assistant", "content": reply}]
        targets = [False] * len(self.prompt.messages) + [True]
        return Example(self.conversation_id, self.language, messages, targets, self.prefix)


@dataclass
class GroundingStats:
    turns: int = 0
    answered_without_model: int = 0
    """Turns the bot answers without the model (courtesy, no relevant knowledge, a language
    the model does not write)."""
    grounded: int = 0
    after_lead: int = 0
    """Turns whose facts the bot states from data; the model continues them."""
    given_passages: int = 0
    not_held: int = 0
    dropped: int = 0
    """Replies still unsupported with the passages that hold their figures given (the
    checks are strict), and 'not held' ones beyond their share."""
    by_language: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def own_transcript(conversation_id: str) -> Callable[[HitLike], bool]:
    """Leaves out the hits of a conversation's own transcript."""

    def leave_out(hit: HitLike) -> bool:
        return str((hit.metadata or {}).get("conversation_id")) == conversation_id

    return leave_out


def turn_guard(prompt: TurnPrompt, context: Sequence[dict[str, str]]) -> FactGuard:
    """The engine's output checks for a turn: its prompt's passages, the shopper's words."""
    return FactGuard(prompt.hits, [m["content"] for m in context if m["role"] == "user"])


def unsupported_sentences(
    reply: str, prompt: TurnPrompt, context: Sequence[dict[str, str]]
) -> list[str]:
    """The reply's sentences the engine's own check would withhold given this prompt."""
    guard = turn_guard(prompt, context)
    sentences, rest = split_sentences(reply)
    return [s for s in [*sentences, rest] if s.strip() and guard.check(s) is None]


def after_lead_target(
    reply: str,
    prompt: TurnPrompt,
    context: Sequence[dict[str, str]],
    max_words: int,
    common_words: set[str],
) -> str:
    """What the agent's reply adds to the facts the bot states first: its sentences that
    state no figure, no masked detail and no name (a capitalised word the prompt lacks and
    ``common_words``, the store's replies' lower-case words, do not hold: "Daniel from the
    team taking over", "you're welcome, Emily"), claim no action the agent took or will take,
    say little the facts already say and pass the checks, in order, up to ``max_words`` (one
    line)."""
    guard = turn_guard(prompt, context)
    said = {w.lower() for w in _UNIT.findall(prompt.assistant_prefix)}
    prompt_text = " ".join(m["content"] for m in prompt.messages)
    sentences, rest = split_sentences(reply)
    kept: list[str] = []
    words = 0
    for sentence in (s.strip() for s in [*sentences, rest]):
        own = [w.lower() for w in _UNIT.findall(sentence)]
        if not own or numbers_in(sentence) or "[" in sentence or guard.check(sentence) is None:
            continue
        if _ACTION_CLAIMED.search(sentence):
            continue
        names = [
            w
            for w in _CAPITALISED.findall(sentence)
            if w.lower() not in common_words and w not in prompt_text
        ]
        if names:
            continue
        if sum(w in said for w in own) >= len(own) / 2:  # the facts already say it
            continue
        length = len(_LENGTH.findall(sentence))
        if words + length > max_words:
            break
        kept.append(sentence)
        words += length
    return " ".join(kept)


class GroundedExamples:
    """Builds `GroundedTurn`s with a `ShopBot` that builds the prompts the served model gets
    (`prompt_bot`)."""

    def __init__(self, bot: Any, knowledge: Any, *, holders_per_sentence: int = 2) -> None:
        self.bot = bot
        self.knowledge = knowledge
        self.holders_per_sentence = holders_per_sentence
        self.common_words: set[str] = set()
        """Lower-case words of the store's replies (`build` fills it): a capitalised word
        outside it is a name."""

    def prompt(self, turn: StoreTurn, extra: Sequence[HitLike] = ()) -> TurnPrompt | None:
        return turn_prompt(
            self.bot,
            turn.context,
            leave_out=own_transcript(turn.conversation_id),
            extra_hits=extra,
        )

    def holders(self, sentences: list[str], turn: StoreTurn, prompt: TurnPrompt) -> list[HitLike]:
        """Passages of the store's index that hold figures of these sentences which the
        prompt lacks (never the conversation's own transcript); the rebuilt prompt is then
        checked again as a whole."""
        leave_out = own_transcript(turn.conversation_id)
        known = turn_guard(prompt, turn.context).grounded_numbers
        found: dict[str, HitLike] = {}
        found_hits = self.knowledge.search_many(sentences, k=5)
        for sentence, hits in zip(sentences, found_hits, strict=True):
            lacking = numbers_in(sentence) - known
            kept = 0
            for hit in hits:
                if leave_out(hit) or hit.id in found or kept >= self.holders_per_sentence:
                    continue
                if lacking & numbers_in(f"{hit.title} {hit.text}"):
                    found[hit.id] = hit
                    kept += 1
        return list(found.values())

    def ground(self, turn: StoreTurn) -> GroundedTurn | None:
        """The turn's example, its 'not held' alternative, or None (no model in that turn)."""
        prompt = self.prompt(turn)
        if prompt is None:
            return None
        if prompt.assistant_prefix.strip():
            target = after_lead_target(
                turn.reply, prompt, turn.context, AFTER_LEAD_WORDS, self.common_words
            )
            return GroundedTurn(turn, prompt, target, AFTER_LEAD)
        missing = unsupported_sentences(turn.reply, prompt, turn.context)
        if not missing:
            return GroundedTurn(turn, prompt, turn.reply, GROUNDED)
        holders = self.holders(missing, turn, prompt)
        if not holders:  # no passage of the store holds them: the facts do not answer
            return GroundedTurn(turn, prompt, phrase(turn.language, "unsure"), NOT_HELD)
        given = self.prompt(turn, holders)
        if given is not None and not unsupported_sentences(turn.reply, given, turn.context):
            return GroundedTurn(turn, given, turn.reply, GIVEN_PASSAGES)
        return GroundedTurn(turn, prompt, turn.reply, DROPPED)

    def build(
        self, turns: Sequence[StoreTurn], not_held_share: float = 0.2
    ) -> tuple[list[GroundedTurn], GroundingStats]:
        """Grounded examples of ``turns``; at most ``not_held_share`` of them 'not held'."""
        stats = GroundingStats(turns=len(turns))
        self.common_words |= {w for t in turns for w in _LOWER.findall(t.reply)}
        kept: list[GroundedTurn] = []
        not_held: list[GroundedTurn] = []
        for turn in turns:
            grounded = self.ground(turn)
            if grounded is None:
                stats.answered_without_model += 1
            elif grounded.kind == DROPPED:
                stats.dropped += 1
            elif grounded.kind == NOT_HELD:
                not_held.append(grounded)
            else:
                kept.append(grounded)
        room = int(not_held_share * len(kept) / max(1e-9, 1 - not_held_share))
        not_held.sort(key=lambda g: hashlib.sha256(g.turn.key.encode()).hexdigest())
        stats.dropped += max(0, len(not_held) - room)
        kept += not_held[:room]
        for g in kept:
            setattr(stats, g.kind, getattr(stats, g.kind) + 1)
            stats.by_language[g.language] = stats.by_language.get(g.language, 0) + 1
        return kept, stats


def prompt_bot(settings: Settings, knowledge: Any, model: str, max_length: int) -> Any:
    """A `ShopBot` that only builds prompts, as the served model gets them: the model's
    tokenizer counts tokens (the engine is never started); facts are stated from data first
    where the configured model gets them so (the bundled 135M)."""
    from bot.backends.vllm_engine import VLLMBackend
    from bot.shopbot import ShopBot

    reply_tokens = min(settings.engine.max_tokens, max_length // 4)
    engine = settings.engine.model_copy(
        update={"max_model_len": max_length, "max_tokens": reply_tokens}
    )
    return ShopBot(
        settings.model_copy(update={"engine": engine}),
        backend=VLLMBackend(model, engine),
        knowledge=knowledge,
    )
