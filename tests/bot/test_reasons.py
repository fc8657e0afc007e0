"""Reasons for a hand-off travel as codes; their texts are derived, and old rows still read."""

from __future__ import annotations

from bot.reasons import TEXTS, Reason, ReasonCode, stored_codes


def test_every_code_has_its_text() -> None:
    assert set(TEXTS) == set(ReasonCode)
    reason = Reason(ReasonCode.DISSATISFIED, {"score": 0.8123, "threshold": 0.7})
    assert reason.text == str(reason) == "dissatisfaction 0.81 >= 0.70"


def test_texts_stored_before_codes_are_read_back_by_code() -> None:
    stored = {
        "the shopper asked for a human": ReasonCode.ASKED_FOR_HUMAN,
        "dissatisfaction rising over 3 turns (0.05 -> 0.30 -> 0.60)": (
            ReasonCode.DISSATISFACTION_RISING
        ),
        "dissatisfaction 0.94 >= 0.70": ReasonCode.DISSATISFIED,
        "the bot could not answer repeatedly": ReasonCode.NO_KNOWLEDGE,
        "order request outside the policy: return on NW-102955 (outside_return_window)": (
            ReasonCode.OUTSIDE_ORDER_POLICY
        ),
        "cancel on NW-104301 no longer allowed: already_shipped_cancel": (
            ReasonCode.ORDER_CHANGED_MEANWHILE
        ),
        "the shopper's identity could not be verified": ReasonCode.IDENTITY_NOT_VERIFIED,
        "the order system failed: timeout": ReasonCode.ORDER_SYSTEM_FAILED,
        "a note nobody planned for": ReasonCode.OTHER,
    }
    assert stored_codes({"reasons": list(stored)}) == list(stored.values())
    # Every text written by this version reads back as its own code.
    for code in ReasonCode:
        if code is ReasonCode.OTHER:
            continue
        details = {
            "score": 0.9,
            "threshold": 0.7,
            "turns": 3,
            "scores": "0.1 -> 0.5",
            "topic": "fraud",
            "count": 2,
            "error": "timeout",
            "order": "NW-1",
            "amounts": "$1",
            "action": "cancel",
            "policy_reasons": "in_warehouse",
            "helpdesk": "chatwoot",
        }
        assert ReasonCode.of_text(Reason(code, details).text) is code, code


def test_stored_codes_win_over_texts() -> None:
    escalation = {"reasons": ["whatever was said"], "codes": ["backend_failed"]}
    assert stored_codes(escalation) == [ReasonCode.BACKEND_FAILED]
