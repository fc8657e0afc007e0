"""Knowledge shared by the tests that run the real engine."""

from __future__ import annotations

from bot.fakes import SimpleHit

RETURN_WINDOW = [
    SimpleHit(
        "policy:returns.md#window",
        "policy",
        "Returns > Return window",
        "You can return most items within 30 days of delivery for a full refund.",
        metadata={"path": "returns.md", "heading": "Returns > Return window"},
    )
]
