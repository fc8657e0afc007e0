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
import dialogue_en  # noqa: E402
import dialogue_zh  # noqa: E402
from eval_spec import (  # noqa: E402
    FEATURE_QUERIES, POLICY_QUESTIONS, SENTIMENT_CONTEXTS, SENTIMENT_MESSAGES,
)

SEED = 20261123
START = datetime(2026, 8, 31, tzinfo=timezone.utc)
DAYS = 84  # twelve weeks, 2026-08-31 to 2026-11-22
TRENDING = {"where_is_my_order": 2.6, "damaged_item": 2.0, "gift_card": 1.8}  # grow towards the later weeks
MOODS = ["calm", "frustrated", "human", "abusive", "agent_only", "abandoned"]
MOOD_WEIGHTS = [50, 18, 11, 7, 10, 4]
CALM_ASK = {
    "en": ["Could someone look into it for me, please?", "Ok. Can you check it for me? It's order {order}.",
           "Thanks. How do I get that started?", "Alright — can you do that for me?",
           "Thanks for explaining. Could a person take a look?"],
    "zh": ["麻烦帮我查一下，谢谢", "好的，那请帮我处理一下", "那要怎么申请呢？", "好的，麻烦了"],
}
NOT_SOLVED = {
    "en": [("That's not good enough, honestly.", "I understand, and I'm sorry I couldn't do more today. I've noted your feedback, and a team lead will review the case within 2 business days and email you."),
           ("So basically nothing. Great.", "I'm sorry I don't have a better answer. I've escalated your case to a team lead, who will get back to you by email within 2 business days.")],
    "zh": [("这解决不了问题", "很抱歉今天没能让您满意。我已经记录了您的反馈，主管会在2个工作日内复核并邮件联系您。"),
           ("说了等于没说", "非常抱歉。您的情况我已经提交给主管，2个工作日内会通过邮件回复您。")],
}
PERSONAL = {
    "en": [" My email is {email}.", " You can reach me at {phone}.", " I'm at {address}.",
           " ({email})", " Phone: {phone}"],
    "zh": [" 我的邮箱是{email}", " 电话{phone}", " 邮箱：{email}"],
}


def money(value: float) -> str:
    return f"${value:,.2f}"


def _kind_ok(kind: str, product: dict, variant: dict) -> bool:
    category = product["category"]
    options = variant["options"]
    if kind == "any":
        return True
    if kind == "clothing":
        return category.startswith("Clothing") and "size" in options
    if kind == "sized":
        return category.split(" > ")[1] in ("Shirts", "T-Shirts", "Hoodies", "Jackets", "Dresses") \
            and "size" in options
    if kind == "shoes":
        return category == "Clothing > Shoes"
    if kind == "sockish":
        return category == "Clothing > Socks"
    if kind == "fragile":
        return category in ("Home > Mugs", "Home > Lamps", "Home > Candles", "Home > Plant Pots",
                            "Home > Cookware", "Home > Kitchen Tools", "Home > Storage")
    if kind == "electronics":
        return category.startswith("Electronics")
    if kind == "oos":
        return not variant["in_stock"]
    if kind == "instock":
        return variant["in_stock"]
    raise ValueError(kind)


class Slots:
    """Random but consistent slot values for one conversation."""

    def __init__(self, rng: random.Random, products: list[dict], kind: str, language: str,
                 names: list[str], agents: list[str]) -> None:
        pairs = [(p, v) for p in products for v in p["variants"] if _kind_ok(kind, p, v)]
        product, variant = rng.choice(pairs)
        sizes = [v["options"]["size"] for v in product["variants"]
                 if "size" in v["options"] and v["options"].get("color") == variant["options"].get("color")]
        size = variant["options"].get("size", "M")
        bigger = [s for s in sizes if sizes.index(s) > sizes.index(size)] if size in sizes else []
        size2 = bigger[0] if bigger else (sizes[0] if sizes and sizes[0] != size else "L")
        first = rng.choice(names)
        handle = rng.choice(["", ".", "_"]).join(
            [rng.choice(dialogue_en.FIRST_NAMES).lower(), rng.choice(["m", "k", "lee", "r", "j", "smith", "t"])])
        zh = language == "zh"
        self.values = {
            "order": f"NW-{rng.randint(200000, 699999)}",
            "product": product["name"],
            "variant": ("、" if zh else ", ").join(variant["options"].values()),
            "price": money(variant["price"]),
            "sku": variant["sku"],
            "stock": "in stock" if variant["in_stock"] else "out of stock",
            "stock_zh": "有货" if variant["in_stock"] else "暂时缺货",
            "size": size, "size2": size2,
            "days": str(rng.randint(3, 9)),
            "email": f"{handle}{rng.randint(1, 99)}@{rng.choice(['example.com', 'mail.example', 'example.net'])}",
            "phone": f"({rng.choice(['614', '312', '415', '646', '512', '206'])}) 555-{rng.randint(1000, 9999)}",
            "address": rng.choice(dialogue_en.STREETS),
            "description": product["description"],
            "warranty": str(product["attributes"].get("warranty_months", 12)),
            "last4": f"{rng.randint(0, 9999):04d}",
            "points": str(int(variant["price"])),
            "first": first,
            "agent": rng.choice(agents),
        }

    def fill(self, text: str) -> str:
        return text.format(**self.values)


def conversation(rng: random.Random, number: int, products: list[dict], day: int) -> dict:
    language = "zh" if rng.random() < 0.22 else "en"
    zh = language == "zh"
    pool = dialogue_zh if zh else dialogue_en
    table = dialogue_zh.ZH if zh else dialogue_en.EN
    weights = [TRENDING.get(r, 1.0) ** (day / DAYS) for r in table]
    reason = rng.choices(list(table), weights=weights)[0]
    scenario = rng.choice(table[reason])
    slots = Slots(rng, products, scenario["pick"], language, pool.FIRST_NAMES, pool.AGENTS)
    mood = rng.choices(MOODS, weights=MOOD_WEIGHTS)[0]
    messages: list[dict] = []
    pick = rng.choice

    def say(role: str, text: str) -> None:
        messages.append({"role": role, "content": slots.fill(text)})

    story = rng.randrange(len(scenario["open"]))  # one storyline through opener, replies, agent

    def agent_part(first_prefix: str, resolved: bool) -> None:
        turns = scenario["agent"]
        line = story
        for index, (role, texts) in enumerate(turns):
            text = texts[line % len(texts)]
            if index == 0:
                text = f"{first_prefix} {text}".strip() if not zh else f"{first_prefix}{text}"
            if not resolved and index == len(turns) - 2 and role == "U":
                complaint, answer = pick(NOT_SOLVED[language])
                say("user", complaint)
                say("agent", answer)
                return
            say("user" if role == "U" else "agent", text)

    opener = scenario["open"][story]
    if rng.random() < (0.1 if zh else 0.16):
        opener += pick(PERSONAL[language])
    say("user", opener)
    hello = pick(pool.AGENT_HELLO).format(agent=slots.values["agent"], first=slots.values["first"])
    sep = "" if zh else " "
    bot = pick(scenario["bot"])
    if mood == "calm" and scenario["calm"] is None:
        mood = "calm_handoff"
    escalated = mood in ("calm_handoff", "frustrated", "human", "abusive")
    if mood == "agent_only":
        agent_part(hello, True)
        resolved, csat = True, pick([4, 5, 5, 5])
    elif mood == "calm":
        say("assistant", bot)
        line = story
        for role, texts in scenario["calm"]:
            say("user" if role == "U" else "assistant", texts[line % len(texts)])
        if messages[-1]["role"] == "user" and rng.random() < 0.5:
            say("assistant", pick(pool.BOT_CLOSE))
        resolved = rng.random() < 0.94
        csat = pick([4, 4, 5, 5, 5]) if resolved else 3
    elif mood == "calm_handoff":
        say("assistant", bot)
        say("user", pick(CALM_ASK[language]))
        say("assistant", pick(pool.HANDOFF_ACTION))
        agent_part(hello, True)
        resolved, csat = True, pick([4, 5, 5])
    else:
        say("assistant", bot)
        say("user", scenario["push"][story % len(scenario["push"])])
        say("assistant", pick(pool.RETRY).replace("{bot}", bot))
        if mood == "abandoned":
            say("user", pick(pool.FRUSTRATION))
            if rng.random() < 0.5:
                say("assistant", pick(pool.HANDOFF))
            say("user", pick(pool.ABANDON))
            resolved, csat, escalated = False, pick([1, 1, 2]), False
        elif mood == "frustrated":
            say("user", pick(pool.FRUSTRATION))
            if rng.random() < 0.45:
                say("user", pick(pool.HUMAN))
            say("assistant", pick(pool.DEESCALATE + pool.HANDOFF))
            resolved = rng.random() < 0.85
            agent_part(hello + sep + pick(pool.AGENT_SORRY), resolved)
            csat = pick([3, 3, 4, 4, 5]) if resolved else pick([1, 2, 2])
        elif mood == "human":
            messages.pop()  # no second try: the shopper asks for a person straight away
            say("user", pick(pool.HUMAN))
            say("assistant", pick(pool.HANDOFF))
            resolved = rng.random() < 0.92
            agent_part(hello, resolved)
            csat = pick([3, 4, 4, 5, 5]) if resolved else 2
        else:  # abusive
            say("user", pick(pool.ABUSE))
            if rng.random() < 0.4:
                say("user", pick(pool.ABUSE + pool.HUMAN))
            say("assistant", pick(pool.DEESCALATE))
            resolved = rng.random() < 0.65
            turns = scenario["agent"]
            line = story % len(turns[0][1])
            say("agent", (hello + sep + pick(pool.AGENT_FIRM) + sep + turns[0][1][line]))
            if resolved:
                say("user", pick(pool.CALM_AFTER_ABUSE))
                say("agent", turns[-1][1][line % len(turns[-1][1])])
                csat = pick([2, 3, 3, 4])
            else:
                complaint, answer = pick(NOT_SOLVED[language])
                say("user", complaint)
                say("agent", answer)
                csat = pick([1, 1, 2])
    created = START + timedelta(days=day, hours=rng.randint(7, 22), minutes=rng.randint(0, 59),
                                seconds=rng.randint(0, 59))
    assert 3 <= len(messages) <= 12, messages
    return {
        "id": f"C{number:04d}",
        "messages": messages,
        "language": language,
        "outcome": {"resolved": resolved, "escalated": escalated, "csat": csat},
        "reason": reason,
        "created_at": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def build_conversations(rng: random.Random, products: list[dict], count: int = 480) -> list[dict]:
    days = sorted(min(int(DAYS * rng.random() ** 0.85), DAYS - 1) for _ in range(count))
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
