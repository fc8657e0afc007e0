"""Write `planted.jsonl`: shopper questions planted to test the knowledge-gap report.

`unanswerable` questions ask about things the demo store's knowledge (data/policies, the
catalog) does not cover at all: gift wrapping, engraving, an affiliate programme, jobs.
`answerable` ones are answered by a policy document (the report must not flag them).
`thumbs_down` ones are answerable, but the shopper gave the reply a thumbs down.
Dates spread over the demo history's 12 weeks, derived from the id (deterministic).

    python3 data/build/build_planted.py
"""

from __future__ import annotations

import json
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

START = datetime(2026, 8, 31, 9, 0, tzinfo=UTC)
DAYS = 84

UNANSWERABLE = {
    "gift_wrapping": [
        ("en", "Do you offer gift wrapping?"),
        ("en", "Can you gift wrap my order and add a handwritten note?"),
        ("en", "Is gift wrap available for the scented candle I'm buying for my mum?"),
        ("zh", "可以帮我把订单包装成礼物吗？"),
    ],
    "engraving": [
        ("en", "Can I get my name engraved on the mug?"),
        ("en", "Do you do monogramming on bath towels?"),
        ("en", "Is custom engraving available on the chef's knife?"),
        ("zh", "可以在马克杯上刻字吗？"),
    ],
    "affiliate_program": [
        ("en", "Do you have an affiliate program for bloggers?"),
        ("en", "How do I join your influencer partnership program and earn commission?"),
        ("en", "Can I get a referral commission for promoting your products on Instagram?"),
        ("zh", "你们有联盟推广计划吗？推广可以拿佣金吗？"),
    ],
    "jobs": [
        ("en", "Are you hiring? How do I apply for a job at Northwind Lane?"),
        ("en", "Do you have open warehouse jobs in Columbus?"),
        ("en", "Where can I send my CV for a customer support position?"),
        ("zh", "你们公司在招聘吗？怎么投简历？"),
    ],
}

ANSWERABLE = [
    ("en", "How long do refunds to a credit card take?", "refunds.md"),
    ("en", "How much does express shipping cost?", "shipping.md"),
    ("en", "How many days do I have to return an item?", "returns.md"),
    ("en", "Can I use two promo codes on one order?", "promo_codes.md"),
    ("en", "How many points do I earn per dollar with Lane Rewards?", "membership.md"),
    ("en", "How long is the warranty on Voltline headphones?", "warranty.md"),
    ("en", "Can I cancel my order after placing it?", "order_changes.md"),
    ("en", "Do you match competitors' prices?", "price_match.md"),
    ("en", "Do you accept cryptocurrency or buy now pay later?", "payment_methods.md"),
    ("zh", "退款多久能到账？", "returns_zh.md"),
    ("zh", "运费是多少？满多少包邮？", "shipping_zh.md"),
    ("zh", "退货期限是多少天？", "returns_zh.md"),
]

THUMBS_DOWN = [
    (
        "en",
        "How do I report a damaged parcel?",
        "Please report damage within 14 days with photos of the item and the box.",
    ),
    (
        "en",
        "What sizes does the linen shirt come in?",
        "The Linen Button-Down Shirt comes in S to XXL.",
    ),
]


def when(conversation_id: str) -> datetime:
    """A fixed date in the 12 weeks, from the id."""
    minutes = zlib.crc32(conversation_id.encode()) % (DAYS * 24 * 60)
    return START + timedelta(minutes=minutes)


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def records() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for topic, questions in UNANSWERABLE.items():
        for number, (language, question) in enumerate(questions, 1):
            cid = f"G-{topic}-{number}"
            rows.append(
                {
                    "id": cid,
                    # No reply: the report must find the gap from the knowledge alone.
                    "messages": [{"role": "user", "content": question}],
                    "language": language,
                    "created_at": stamp(when(cid)),
                    "planted": "unanswerable",
                    "topic": topic,
                }
            )
    for number, (language, question, path) in enumerate(ANSWERABLE, 1):
        cid = f"G-answerable-{number}"
        rows.append(
            {
                "id": cid,
                "messages": [{"role": "user", "content": question}],
                "language": language,
                "created_at": stamp(when(cid)),
                "planted": "answerable",
                "answered_by": path,
            }
        )
    for number, (language, question, reply) in enumerate(THUMBS_DOWN, 1):
        cid = f"G-thumbs-down-{number}"
        rows.append(
            {
                "id": cid,
                "messages": [
                    {"role": "user", "content": question},
                    {"role": "assistant", "content": reply, "feedback": "down"},
                ],
                "language": language,
                "outcome": {"resolved": False, "escalated": False},
                "created_at": stamp(when(cid)),
                "planted": "thumbs_down",
            }
        )
    return rows


def main() -> None:
    out = Path(__file__).resolve().parents[1] / "insights" / "planted.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in records()]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} conversations to {out}")


if __name__ == "__main__":
    main()
