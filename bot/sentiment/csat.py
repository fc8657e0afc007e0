"""A conversation-level predicted satisfaction (CSAT 1..5), updated after every shopper turn."""

from __future__ import annotations

from collections.abc import Sequence

# Rounded from a least-squares fit on half of the rated demo conversations
# (data/conversations.jsonl), with more weight on dissatisfaction than the fit gave: the demo
# ratings depend mostly on length. MAE 0.72 there vs 0.90 for always predicting the mean.
BASE, PER_DISSATISFACTION, PER_TURN, MAX_TURNS, RECENCY = 5.6, 2.6, 0.25, 6, 0.6
ABUSE_COST, FAILURE_COST = 0.3, 0.2


def predicted_csat(
    dissatisfaction: Sequence[float], abusive: bool = False, failures: int = 0
) -> float:
    """CSAT 1..5 from the per-message dissatisfaction so far (oldest first).

    The latest messages weigh most (an exponential moving average: a recovered conversation
    ends better than it began); every further shopper turn costs a little (needing many turns
    is itself a sign of trouble), and so do abuse and unanswered questions. With no messages
    yet: 4.0, the typical rating of a support chat.
    """
    if not dissatisfaction:
        return 4.0
    recent = dissatisfaction[0]
    for value in dissatisfaction[1:]:
        recent = (1 - RECENCY) * recent + RECENCY * value
    turns = min(len(dissatisfaction), MAX_TURNS)
    csat = BASE - PER_DISSATISFACTION * recent - PER_TURN * turns
    csat -= (ABUSE_COST if abusive else 0.0) + FAILURE_COST * min(failures, 3)
    return round(min(5.0, max(1.0, csat)), 2)
