"""A conversation-level predicted satisfaction (CSAT 1..5), updated after every shopper turn."""

from __future__ import annotations

from collections.abc import Sequence


def predicted_csat(
    dissatisfaction: Sequence[float], abusive: bool = False, failures: int = 0
) -> float:
    """CSAT 1..5 from the per-message dissatisfaction so far (oldest first).

    The latest messages weigh most (a recovered conversation ends better than it began), the
    worst moment still counts, abuse and unanswered questions cost extra. With no messages
    yet: 4.0, the typical rating of a support chat.
    """
    if not dissatisfaction:
        return 4.0
    recent = 0.0
    for value in dissatisfaction:  # exponential moving average, recent messages first
        recent = 0.5 * recent + 0.5 * value if recent else value
    worst = max(dissatisfaction)
    badness = 0.55 * recent + 0.3 * worst + 0.15 * dissatisfaction[-1]
    csat = 4.8 - 3.6 * badness - (0.4 if abusive else 0.0) - 0.2 * min(failures, 3)
    return round(min(5.0, max(1.0, csat)), 2)
