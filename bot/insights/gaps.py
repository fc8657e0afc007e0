"""Knowledge gaps: shopper questions the bot could not answer because the knowledge is
missing, grouped by meaning, with example questions and a draft FAQ entry to complete.

A question is a gap when searching the current knowledge finds nothing relevant (the
engine's own rule: no hit at or above ``retrieval.min_score``), or finds passages about the
right thing of which no sentence says what was asked (a product named, its engraving not),
when the shopper gave the
reply a thumbs down, or when the conversation was escalated for lack of knowledge. A reply
recorded as "no knowledge" whose question the knowledge now answers is a gap already filled,
and is not reported.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from bot.extractive import sentences
from bot.language import message_kind
from bot.reasons import ReasonCode, stored_codes
from bot.store import StoredConversation
from retrieval.text import is_cjk

if TYPE_CHECKING:
    from retrieval.embedder import Embedder

GROUP_DISTANCE = 0.55
"""Cosine distance under which two gap questions are grouped (average linkage)."""
EXAMPLES = 5
SENTENCE_MIN = 0.5
"""Cosine similarity a sentence of the retrieved passages must reach to answer a question
(the bot's own sentence picker treats 0.5 as 'about the same thing')."""


class Searcher(Protocol):
    """The knowledge, as the gap finder needs it (`retrieval.KnowledgeBase` is one)."""

    def search_many(self, queries: list[str], k: int | None = None) -> list[list[Any]]: ...


@dataclass
class Question:
    conversation_id: str
    position: int
    text: str
    language: str
    at: str
    signals: list[str] = field(default_factory=list)
    best_score: float | None = None
    best_title: str | None = None
    best_path: str | None = None


def candidate_questions(conversation: StoredConversation) -> list[Question]:
    """The shopper's opening question, and every question whose reply failed them."""
    escalation = conversation.data.get("escalation") or {}
    for_knowledge = ReasonCode.NO_KNOWLEDGE in stored_codes(escalation)
    messages = conversation.messages
    picked: dict[int, Question] = {}
    shopper = [m for m in messages if m.role == "user"]
    language = conversation.language or "en"
    if shopper and message_kind(shopper[0].content) == "question":
        first = shopper[0]
        at = first.created_at.isoformat()
        picked[first.position] = Question(
            conversation.id, first.position, first.content, language, at
        )

    def pick(position: int) -> Question:
        asked = next(x for x in messages if x.position == position)
        at = asked.created_at.isoformat()
        return picked.setdefault(
            position, Question(conversation.id, position, asked.content, language, at)
        )

    last_question: int | None = None
    for m in messages:
        if m.role == "user":
            last_question = m.position if message_kind(m.content) == "question" else None
            continue
        if last_question is None:
            continue
        if m.data.get("feedback") == "down":
            pick(last_question).signals.append("thumbs down")
        elif m.data.get("no_knowledge"):
            pick(last_question).signals.append("no answer given")
    if for_knowledge:
        # The last question before the handover is the one the bot could not answer.
        asked = [m for m in shopper if message_kind(m.content) == "question"]
        if asked:
            pick(asked[-1].position).signals.append("escalated for missing knowledge")
    return list(picked.values())


def find_gaps(
    conversations: list[StoredConversation],
    knowledge: Searcher | None,
    embedder: Embedder,
    min_score: float,
    *,
    reads_chinese: bool = False,
    sentence_min: float = SENTENCE_MIN,
) -> dict[str, Any]:
    """The gap questions of these conversations, grouped, biggest group first.

    ``reads_chinese``: whether ``embedder`` understands Chinese; without it, a Chinese
    question is judged by the retrieval score alone.
    """
    questions = [q for c in conversations for q in candidate_questions(c)]
    if knowledge is not None and questions:
        hits = knowledge.search_many([q.text for q in questions], k=3)
        unsure: list[tuple[Question, list[str]]] = []
        for question, found in zip(questions, hits, strict=True):
            best = found[0] if found else None
            question.best_score = round(float(best.score), 4) if best else 0.0
            if best is not None:
                question.best_title = best.title
                question.best_path = (best.metadata or {}).get("path")
            if question.best_score < min_score:
                question.signals.insert(0, "no relevant knowledge")
            elif reads_chinese or not is_cjk(question.text):
                unsure.append((question, [x for h in found for x in sentences(h.text)]))
        _check_sentences(unsure, embedder, sentence_min)
    flagged = [q for q in questions if _is_gap(q, knowledge is not None)]
    groups = group_questions(flagged, embedder)
    return {
        "questions_checked": len(questions),
        "gap_questions": len(flagged),
        "min_score": min_score,
        "searched": knowledge is not None,
        "groups": groups,
    }


def _check_sentences(
    items: list[tuple[Question, list[str]]], embedder: Embedder, sentence_min: float
) -> None:
    """A passage can be about the right thing (the product, the store) without saying what
    was asked: the question is a gap when no sentence of its top passages comes close."""
    texts = list(dict.fromkeys(t for q, found in items for t in [q.text, *found]))
    if not texts:
        return
    vectors = dict(zip(texts, embedder.embed(texts), strict=True))
    for question, found in items:
        if not found:
            continue
        support = max(float(np.dot(vectors[question.text], vectors[t])) for t in found)
        if support < sentence_min:
            question.signals.insert(0, "no passage says it")


def _is_gap(question: Question, searched: bool) -> bool:
    strong = {
        "no relevant knowledge",
        "no passage says it",
        "thumbs down",
        "escalated for missing knowledge",
    }
    if any(s in strong for s in question.signals):
        return True
    # Without a search to say otherwise, a recorded "no answer" stands.
    return not searched and "no answer given" in question.signals


def group_questions(questions: list[Question], embedder: Embedder) -> list[dict[str, Any]]:
    """Gap questions grouped by meaning, each with its most central question as the name."""
    if not questions:
        return []
    vectors = embedder.embed([q.text for q in questions])
    if len(questions) == 1:
        labels = np.zeros(1, dtype=int)
    else:
        from sklearn.cluster import AgglomerativeClustering

        labels = AgglomerativeClustering(
            n_clusters=None, distance_threshold=GROUP_DISTANCE, metric="cosine", linkage="average"
        ).fit_predict(vectors)
    groups = []
    for label in sorted(set(labels.tolist())):
        members = np.flatnonzero(labels == label)
        centre = vectors[members].mean(axis=0)
        order = members[np.argsort(-(vectors[members] @ centre))]
        items = [questions[i] for i in order]
        groups.append(_group(items))
    groups.sort(key=lambda g: (-g["size"], g["question"]))
    for number, group in enumerate(groups, 1):
        group["id"] = number
    return groups


def _group(items: list[Question]) -> dict[str, Any]:
    examples: list[str] = []
    for q in items:
        if q.text not in examples:
            examples.append(q.text)
    signals = Counter(s for q in items for s in q.signals)
    scored = [q for q in items if q.best_score is not None]
    nearest = max(scored, key=lambda q: q.best_score or 0.0) if scored else None
    group = {
        "question": examples[0],
        "size": len(items),
        "examples": examples[:EXAMPLES],
        "languages": dict(Counter(q.language for q in items)),
        "signals": dict(signals.most_common()),
        "first_seen": min(q.at for q in items),
        "last_seen": max(q.at for q in items),
        "nearest_knowledge": (
            {"title": nearest.best_title, "path": nearest.best_path, "score": nearest.best_score}
            if nearest and nearest.best_title
            else None
        ),
        "conversations": sorted({q.conversation_id for q in items}),
    }
    group["draft_faq"] = draft_faq(group)
    return group


def draft_faq(group: dict[str, Any]) -> str:
    """A Markdown FAQ entry to complete: the question as shoppers ask it, the other wordings,
    and where it could go. The answer is left to a person: the bot has no knowledge of it,
    and a model inventing store policy is exactly what this report exists to prevent."""
    lines = [f"## {group['question']}", ""]
    others = [e for e in group["examples"][1:]]
    if others:
        lines.append("Also asked as:")
        lines += [f"- {e}" for e in others]
        lines.append("")
    lines.append("_Answer: to be written by the store (what is offered, conditions, cost)._")
    lines.append("")
    asked = f"Asked {group['size']} time(s) between {group['first_seen'][:10]} and "
    asked += f"{group['last_seen'][:10]}."
    nearest = group.get("nearest_knowledge")
    if nearest and nearest.get("path"):
        asked += f" Closest existing document: {nearest['path']} ({nearest['title']})."
    lines.append(f"<!-- {asked} -->")
    return "\n".join(lines)
