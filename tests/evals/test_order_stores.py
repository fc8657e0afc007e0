"""The platform-store judge: expected changes with their side effects pass, anything else fails."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from evals.order_stores import judge, state_problems
from evals.orders import kind_of


def _order(status: str = "pending") -> dict[str, Any]:
    return {
        "status": status,
        "address": {"name": "A B", "line1": "1 Main St", "line2": "", "city": "Toronto",
                    "region": "ON", "postcode": "M5V 3L9", "country": "CA"},
        "address_changes": 0,
        "items": {"1": {"sku": "S-1", "quantity": 2, "status": "ordered", "exchanges": 0,
                        "exchange_sku": "", "refund_method": ""},
                  "2": {"sku": "S-2", "quantity": 1, "status": "ordered", "exchanges": 0,
                        "exchange_sku": "", "refund_method": ""}},
        "payments": [{"method": "card", "amount": 10.0, "status": "captured"}],
        "refunds": [],
    }  # fmt: skip


STATE = {"orders": {"#1": _order(), "#2": _order("delivered")}, "reserved": {}}


def test_a_cancellation_may_refund_but_touch_nothing_else() -> None:
    after = copy.deepcopy(STATE)
    after["orders"]["#1"] = {**_order("cancelled"), "refunds": [{"amount": 10.0}]}
    after["orders"]["#1"]["payments"][0]["status"] = "refunded"
    expect = {"changes": {"#1": {"status": "cancelled"}}}
    assert state_problems(expect, STATE, after) == ([], [])
    after["orders"]["#2"]["status"] = "cancelled"
    missing, unasked = state_problems(expect, STATE, after)
    assert not missing and unasked and "#2" in unasked[0]


def test_nothing_expected_means_nothing_may_change() -> None:
    after = copy.deepcopy(STATE)
    after["orders"]["#1"]["address_changes"] = 1
    assert state_problems({"changes": {}}, STATE, after)[1]
    assert state_problems({"changes": {}}, STATE, copy.deepcopy(STATE)) == ([], [])


def test_address_fields_compare_loosely_and_the_counter_goes_up_once() -> None:
    after = copy.deepcopy(STATE)
    after["orders"]["#1"]["address"].update(line1="17 Exchange Street", city="HALIFAX",
                                            region="NS", postcode="B3J 1P4")  # fmt: skip
    after["orders"]["#1"]["address_changes"] = 1
    expect = {"changes": {"#1": {"address": {"line1": "17 exchange street", "city": "Halifax"}}}}
    assert state_problems(expect, STATE, after) == ([], [])
    after["orders"]["#1"]["address_changes"] = 2
    assert state_problems(expect, STATE, after)[1]
    expect["changes"]["#1"]["address"]["postcode"] = "B3J 9Z9"
    assert state_problems(expect, STATE, after)[0]


def test_an_exchange_holds_its_units_and_only_those() -> None:
    after = copy.deepcopy(STATE)
    after["orders"]["#2"]["items"]["1"].update(
        status="exchange_requested", exchanges=1, exchange_sku="S-9"
    )
    after["reserved"] = {"S-9": 2}
    expect = {"changes": {"#2": {"items": {"1": {"status": "exchange_requested",
                                                 "exchange_sku": "S-9"}}}}}  # fmt: skip
    assert state_problems(expect, STATE, after) == ([], [])
    after["reserved"] = {"S-9": 2, "S-7": 1}
    assert state_problems(expect, STATE, after)[1]
    after["reserved"] = {"S-9": 2}
    after["orders"]["#2"]["items"]["2"]["status"] = "return_requested"  # not asked
    assert state_problems(expect, STATE, after)[1]


@dataclass
class _Reply:
    reply: str
    escalated: bool = False


def test_reply_alternatives_and_hand_offs() -> None:
    task = {"expect": {"changes": {}, "escalated": True, "reply_contains": [["PW6", "packed"]],
                       "reply_excludes": ["Front St"]}}  # fmt: skip
    replies = [_Reply("Your order is PACKED."), _Reply("A person will reply.", escalated=True)]
    verdict = judge(task, replies, STATE, copy.deepcopy(STATE))
    assert verdict["ok"], verdict
    replies.append(_Reply("It goes to 401 Front St"))
    assert not judge(task, replies, STATE, copy.deepcopy(STATE))["ok"]
    assert not judge(task, replies[:1], STATE, copy.deepcopy(STATE))["escalation_ok"]


def test_kinds_come_from_the_task_id() -> None:
    assert kind_of("hp-return-zh-08") == "return" and kind_of("cancel-pending-en") == "cancel"
