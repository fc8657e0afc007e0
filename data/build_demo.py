"""Builds the demo store "Northwind Lane" from the hand-written pieces beside this file.

    python data/build_demo.py          # rewrites the generated files (deterministic)
    python data/build_demo.py --check  # validates them and prints the counts

Policies (data/policies/) are written by hand and not generated.
"""

from __future__ import annotations

import json
import random
import sys
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from build_catalog import build as build_catalog  # noqa: E402
from build_catalog import write as write_catalog  # noqa: E402
from dialogue_spec import (  # noqa: E402
    ABUSE_EN, ABUSE_ZH, FRUSTRATION_EN, FRUSTRATION_ZH, HUMAN_EN, HUMAN_ZH, NAMES, REASONS_EN,
    REASONS_ZH, STREETS,
)
from eval_spec import POLICY_QUESTIONS, SENTIMENT_CONTEXTS, SENTIMENT_MESSAGES  # noqa: E402

SEED = 20261123
START = datetime(2026, 8, 31, tzinfo=timezone.utc)
TRENDING = {"where_is_my_order": 2.2, "damaged_item": 1.8}  # grow towards the later weeks
HANDOFF_EN = ("I've passed this conversation to a member of our team. They can see everything "
              "we've discussed and will reply here as soon as possible.")
HANDOFF_ZH = "我已为您转接人工客服，同事会查看我们的对话记录，并尽快在这里回复您。"
SORRY_EN = ["I'm sorry for the trouble.", "I understand, and I'm sorry about the wait.",
            "Apologies — let me make this right.", "Sorry to hear that!"]
SORRY_ZH = ["非常抱歉给您带来不便。", "理解您的心情，抱歉让您久等了。", "很抱歉！"]


def money(value: float) -> str:
    return f"${value:,.2f}"


class Slots:
    """Random but consistent slot values for one conversation."""

    def __init__(self, rng: random.Random, products: list[dict]) -> None:
        product = rng.choice(products)
        variant = rng.choice(product["variants"])
        self.values = {
            "order": f"NW-{rng.randint(200000, 699999)}",
            "product": product["name"],
            "variant": ", ".join(variant["options"].values()),
            "price": money(variant["price"]),
            "stock": "in stock" if variant["in_stock"] else "out of stock right now",
            "stock_zh": "有货" if variant["in_stock"] else "暂时缺货",
            "size": rng.choice(["S", "M", "L"]),
            "size2": rng.choice(["M", "L", "XL"]),
            "days": str(rng.randint(2, 9)),
            "email": f"{rng.choice(NAMES).split()[0].lower()}.{rng.randint(10, 99)}@example.com",
            "phone": f"(614) 555-{rng.randint(1000, 9999)}",
            "address": rng.choice(STREETS),
            "description": product["description"],
        }
        self.product = product

    def fill(self, text: str) -> str:
        return text.format(**self.values)


def conversation(rng: random.Random, number: int, products: list[dict], day: int) -> dict:
    language = "zh" if rng.random() < 0.2 else "en"
    table = REASONS_ZH if language == "zh" else REASONS_EN
    weights = [TRENDING.get(r, 1.0) ** (day / 84) for r in table]
    reason = rng.choices(list(table), weights=weights)[0]
    spec = table[reason]
    slots = Slots(rng, products)
    zh = language == "zh"
    mood = rng.choices(["calm", "frustrated", "human", "abusive", "agent_only"],
                       weights=[52, 20, 10, 7, 11])[0]
    messages: list[dict] = []

    def user(text: str) -> None:
        messages.append({"role": "user", "content": slots.fill(text)})

    def say(role: str, text: str) -> None:
        messages.append({"role": role, "content": slots.fill(text)})

    opener = rng.choice(spec["open"])
    if rng.random() < 0.12 and not zh:
        opener += rng.choice([" My email is {email}.", " You can reach me at {phone}.",
                              " I'm at {address}."])
    user(opener)
    escalated = False
    if mood == "agent_only":
        say("agent", rng.choice(spec["agent"]))
        user(rng.choice(spec["follow"]))
        say("agent", "不客气，祝您购物愉快！" if zh else rng.choice(
            ["You're welcome! Have a great day.", "Happy to help — anything else?",
             "Glad I could help!"]))
        resolved, csat = True, rng.choice([4, 5, 5])
    else:
        say("assistant", rng.choice(spec["bot"]))
        if mood == "calm":
            user(rng.choice(spec["follow"]))
            if rng.random() < 0.5:
                say("assistant", "不客气！还有什么可以帮您？" if zh else rng.choice(
                    ["You're welcome! Anything else I can help with?", "Happy to help!",
                     "Glad that helps. Have a nice day!"]))
            resolved, csat = rng.random() < 0.9, rng.choice([4, 4, 5, 5, 3])
        else:
            pool = {"frustrated": FRUSTRATION_ZH if zh else FRUSTRATION_EN,
                    "human": HUMAN_ZH if zh else HUMAN_EN,
                    "abusive": ABUSE_ZH if zh else ABUSE_EN}[mood]
            if mood == "frustrated":
                user(rng.choice(pool))
                say("assistant", rng.choice(spec["bot"]))
                user(rng.choice(HUMAN_ZH if zh else HUMAN_EN) if rng.random() < 0.6
                     else rng.choice(pool))
            else:
                user(rng.choice(pool))
            say("assistant", HANDOFF_ZH if zh else HANDOFF_EN)
            escalated = True
            sorry = rng.choice(SORRY_ZH if zh else SORRY_EN)
            say("agent", f"{sorry} {rng.choice(spec['agent'])}")
            if rng.random() < 0.7:
                user(rng.choice(spec["follow"]))
            resolved = rng.random() < (0.8 if mood != "abusive" else 0.6)
            csat = {"frustrated": rng.choice([2, 3, 3, 4]), "human": rng.choice([3, 4, 4, 5]),
                    "abusive": rng.choice([1, 1, 2])}[mood]
            if not resolved:
                csat = min(csat, 2)
    created = START + timedelta(days=day, hours=rng.randint(7, 22), minutes=rng.randint(0, 59))
    return {
        "id": f"C{number:04d}",
        "messages": messages,
        "language": language,
        "outcome": {"resolved": resolved, "escalated": escalated, "csat": csat},
        "reason": reason,
        "created_at": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def build_conversations(rng: random.Random, products: list[dict], count: int = 460) -> list[dict]:
    days = sorted(rng.randint(0, 83) for _ in range(count))
    return [conversation(rng, i + 1, products, day) for i, day in enumerate(days)]


def retrieval_questions(rng: random.Random, products: list[dict], dialogues: list[dict]) -> list[dict]:
    items: list[dict] = []
    for product in rng.sample(products, 45):
        form = rng.choice(["Do you sell the {name}?", "Tell me about the {name}",
                           "{brand} {name}", "I'm looking for the {name} from {brand}"])
        items.append({"query": form.format(name=product["name"], brand=product["brand"]),
                      "language": "en", "kind": "product",
                      "expected": {"product_id": product["id"]}})
    for product in rng.sample(products, 45):
        variant = rng.choice(product["variants"])
        values = list(variant["options"].values())
        form = rng.choice(["Do you have the {name} in {opts}, and how much?",
                           "Is the {name} in {opts} in stock?", "{name} {opts} price",
                           "How much is {sku}?"])
        items.append({"query": form.format(name=product["name"], opts=" ".join(values),
                                           sku=variant["sku"]),
                      "language": "en", "kind": "variant",
                      "expected": {"product_id": product["id"], "sku": variant["sku"]}})
    for question, language, path, heading, _facts in POLICY_QUESTIONS:
        items.append({"query": question, "language": language, "kind": "policy",
                      "expected": {"policy_path": path, "policy_heading": heading}})
    resolved: dict[str, list[str]] = {}
    for d in dialogues:
        if d["outcome"]["resolved"]:
            resolved.setdefault(f"{d['language']}:{d['reason']}", []).append(d["id"])
    past = [("How did you handle a parcel that tracking says was delivered but never came?", "en", "where_is_my_order"),
            ("what did your team do last time someone was charged twice", "en", "double_charge"),
            ("a customer's earbuds stopped working after a few months, how was it solved?", "en", "warranty_claim"),
            ("someone received the wrong size, what happened", "en", "wrong_item"),
            ("how was a missing item from an order resolved", "en", "missing_item"),
            ("customer could not log in, reset email never came", "en", "account_login"),
            ("gift card code did not work at checkout", "en", "gift_card"),
            ("Lane Rewards points missing after an order", "en", "membership_points"),
            ("shopper needed a VAT invoice for a company", "en", "invoice_request"),
            ("courier left the parcel in the rain, complaint", "en", "complaint_delivery"),
            ("price dropped a week after purchase, refund of the difference", "en", "price_match"),
            ("card declined at checkout even though the bank says fine", "en", "payment_declined"),
            ("重复扣款是怎么处理的", "zh", "double_charge"),
            ("耳机坏了保修怎么处理的", "zh", "warranty_claim"),
            ("快递一直不动最后怎么解决的", "zh", "where_is_my_order"),
            ("之前有人要取消订单是怎么处理的", "zh", "cancel_order"),
            ("换尺码的请求是怎么解决的", "zh", "exchange_size"),
            ("收到破损商品后客服怎么处理", "zh", "damaged_item"),
            ("优惠码用不了怎么回复的", "zh", "promo_code"),
            ("寄到香港关税的问题怎么解答的", "zh", "international_shipping")]
    for query, language, reason in past:
        ids = resolved.get(f"{language}:{reason}")
        if ids:
            items.append({"query": query, "language": language, "kind": "dialogue",
                          "expected": {"conversation_ids": ids}})
    zh_forms = ["{name}有货吗？", "{name}多少钱？", "请问{name}还有{opts}吗？"]
    for product in rng.sample(products, 14):
        variant = rng.choice(product["variants"])
        form = rng.choice(zh_forms)
        opts = " ".join(variant["options"].values())
        expected = {"product_id": product["id"]}
        if "{opts}" in form:
            expected["sku"] = variant["sku"]
        items.append({"query": form.format(name=product["name"], opts=opts), "language": "zh",
                      "kind": "variant" if "sku" in expected else "product", "expected": expected})
    for i, item in enumerate(items, start=1):
        item["id"] = f"R{i:03d}"
    return [{"id": it["id"], **{k: v for k, v in it.items() if k != "id"}} for it in items]


def chat_facts(rng: random.Random, products: list[dict]) -> list[dict]:
    items: list[dict] = []
    for product in rng.sample(products, 40):
        variant = rng.choice(product["variants"])
        opts = ", ".join(variant["options"].values())
        items.append({"question": rng.choice(["How much is the {n} in {o}?", "What does the {n} ({o}) cost?",
                                              "Price of the {n}, {o}?"]).format(n=product["name"], o=opts),
                      "language": "en", "kind": "price", "expected_facts": [money(variant["price"])],
                      "product_id": product["id"], "sku": variant["sku"]})
    out_of_stock = [(p, v) for p in products for v in p["variants"] if not v["in_stock"]]
    in_stock = [(p, v) for p in products for v in p["variants"] if v["in_stock"]]
    for product, variant in rng.sample(out_of_stock, 15) + rng.sample(in_stock, 15):
        opts = ", ".join(variant["options"].values())
        items.append({"question": rng.choice(["Is the {n} in {o} in stock?", "Do you have the {n} in {o}?",
                                              "Is {o} available for the {n}?"]).format(n=product["name"], o=opts),
                      "language": "en", "kind": "stock",
                      "expected_facts": ["in stock" if variant["in_stock"] else "out of stock"],
                      "product_id": product["id"], "sku": variant["sku"]})
    for product in rng.sample(products, 8):
        variant = rng.choice(product["variants"])
        opts = " ".join(variant["options"].values())
        items.append({"question": f"{product['name']}（{opts}）多少钱？", "language": "zh", "kind": "price",
                      "expected_facts": [money(variant["price"])], "product_id": product["id"],
                      "sku": variant["sku"]})
    for question, language, path, _heading, facts in POLICY_QUESTIONS:
        items.append({"question": question, "language": language, "kind": "policy",
                      "expected_facts": facts, "policy_path": path})
    for i, item in enumerate(items, start=1):
        item["id"] = f"F{i:03d}"
    return [{"id": it["id"], **{k: v for k, v in it.items() if k != "id"}} for it in items]


def sentiment_set() -> list[dict]:
    items = []
    for (language, category), texts in SENTIMENT_MESSAGES.items():
        for t_index, text in enumerate(texts):
            for c_index, context in enumerate(SENTIMENT_CONTEXTS[language]):
                if category == "calm" and c_index == 3 and t_index % 2:
                    continue  # fewer calm replies right after a failed answer
                dissatisfied = category in ("dissatisfied", "abusive")
                items.append({
                    "language": language,
                    "context": context,
                    "message": text,
                    "labels": {
                        "dissatisfied": dissatisfied,
                        "abusive": category == "abusive",
                        "wants_human": category == "explicit_human",
                        "escalate": category in ("abusive", "explicit_human", "dissatisfied"),
                        "category": category,
                    },
                })
    for i, item in enumerate(items, start=1):
        item["id"] = f"S{i:03d}"
    return [{"id": it["id"], **{k: v for k, v in it.items() if k != "id"}} for it in items]


def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def build() -> None:
    rng = random.Random(SEED)
    products = build_catalog(rng)
    write_catalog(products, HERE)
    dialogues = build_conversations(rng, products)
    write_jsonl(HERE / "conversations.jsonl", dialogues)
    write_jsonl(HERE / "eval" / "retrieval_questions.jsonl", retrieval_questions(rng, products, dialogues))
    write_jsonl(HERE / "eval" / "chat_facts.jsonl", chat_facts(rng, products))
    write_jsonl(HERE / "eval" / "sentiment_labelled.jsonl", sentiment_set())


def check() -> int:
    products = read_jsonl(HERE / "catalog.jsonl")
    dialogues = read_jsonl(HERE / "conversations.jsonl")
    skus = [v["sku"] for p in products for v in p["variants"]]
    problems = []
    if len({p["id"] for p in products}) != len(products):
        problems.append("duplicate product ids")
    if len(set(skus)) != len(skus):
        problems.append("duplicate SKUs")
    policies = sorted((HERE / "policies").glob("*.*"))
    reasons = Counter(d["reason"] for d in dialogues)
    languages = Counter(d["language"] for d in dialogues)
    retrieval = read_jsonl(HERE / "eval" / "retrieval_questions.jsonl")
    facts = read_jsonl(HERE / "eval" / "chat_facts.jsonl")
    sentiment = read_jsonl(HERE / "eval" / "sentiment_labelled.jsonl")
    ids = {p["id"] for p in products}
    dialogue_ids = {d["id"] for d in dialogues}
    for item in retrieval:
        expected = item["expected"]
        if "product_id" in expected and expected["product_id"] not in ids:
            problems.append(f"{item['id']}: unknown product")
        if "policy_path" in expected and not (HERE / "policies" / expected["policy_path"]).exists():
            problems.append(f"{item['id']}: unknown policy file")
        if not set(expected.get("conversation_ids", [])) <= dialogue_ids:
            problems.append(f"{item['id']}: unknown conversation")
    for message in (m for d in dialogues for m in d["messages"]):
        if "{" in message["content"]:
            problems.append(f"unfilled slot: {message['content']}")
    counts = {
        "products": len(products), "variants": len(skus),
        "out_of_stock_variants": sum(not v["in_stock"] for p in products for v in p["variants"]),
        "policy_documents": len(policies), "conversations": len(dialogues),
        "languages": dict(languages), "contact_reasons": len(reasons),
        "per_reason": dict(sorted(reasons.items())),
        "escalated": sum(d["outcome"]["escalated"] for d in dialogues),
        "resolved": sum(d["outcome"]["resolved"] for d in dialogues),
        "retrieval_questions": dict(Counter(i["kind"] for i in retrieval)),
        "retrieval_questions_zh": sum(i["language"] == "zh" for i in retrieval),
        "chat_facts": dict(Counter(i["kind"] for i in facts)),
        "sentiment_messages": dict(Counter(i["labels"]["category"] for i in sentiment)),
        "sentiment_zh": sum(i["language"] == "zh" for i in sentiment),
    }
    minimums = [(len(products) >= 300, "300 products"), (len(policies) >= 25, "25 policy documents"),
                (len(dialogues) >= 400, "400 conversations"), (len(reasons) >= 20, "20 reasons"),
                (languages["zh"] >= 0.15 * len(dialogues), "15% Chinese"),
                (len(retrieval) >= 150, "150 retrieval questions"), (len(facts) >= 100, "100 chat facts"),
                (len(sentiment) >= 300, "300 sentiment messages")]
    problems += [f"fewer than {what}" for ok, what in minimums if not ok]
    print(json.dumps(counts, indent=2, ensure_ascii=False))
    for problem in problems:
        print("problem:", problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    if "--check" in sys.argv:
        sys.exit(check())
    build()
    sys.exit(check())
