"""Builds the demo store "Northwind Lane" from the hand-written pieces beside this file.

    python data/build/build_demo.py          # rewrites the generated files (deterministic)
    python data/build/build_demo.py --check  # validates them and prints the counts

Policies (data/policies/) are written by hand and not generated.
"""

from __future__ import annotations

import csv
import json
import random
import re
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent  # the generated files live in data/, the generators in data/build/
sys.path.insert(0, str(HERE))

import dialogue_en  # noqa: E402
import dialogue_zh  # noqa: E402
import sentiment_spec  # noqa: E402
from build_catalog import build as build_catalog  # noqa: E402
from build_catalog import write as write_catalog  # noqa: E402
from eval_spec import FEATURE_QUERIES, POLICY_QUESTIONS  # noqa: E402

SEED = 20261123
START = datetime(2026, 8, 31, tzinfo=UTC)
DAYS = 84  # twelve weeks, 2026-08-31 to 2026-11-22
TRENDING = {
    "where_is_my_order": 6.0,
    "damaged_item": 4.0,
}  # grow towards the later weeks (holiday season)
REASON_COUNTS: Counter = Counter()
MOODS = ["calm", "frustrated", "human", "abusive", "agent_only", "abandoned"]
MOOD_WEIGHTS = [50, 18, 11, 7, 10, 4]
CALM_ASK = {
    "en": [
        "Could someone look into it for me, please?",
        "Ok. Can you check it for me? It's order {order}.",
        "Thanks. How do I get that started?",
        "Alright — can you do that for me?",
        "Thanks for explaining. Could a person take a look?",
    ],
    "zh": ["麻烦帮我查一下，谢谢", "好的，那请帮我处理一下", "那要怎么申请呢？", "好的，麻烦了"],
}
MAIL_DOMAINS = ["example.com", "mail.example", "example.net"]
AREA_CODES = ["614", "312", "415", "646", "512", "206"]
NOT_SOLVED = {
    "en": [
        (
            "That's not good enough, honestly.",
            "I understand, and I'm sorry I couldn't do more today. I've noted your feedback, "
            "and a team lead will review the case within 2 business days and email you.",
        ),
        (
            "So basically nothing. Great.",
            "I'm sorry I don't have a better answer. I've escalated your case to a team lead, "
            "who will get back to you by email within 2 business days.",
        ),
    ],
    "zh": [
        (
            "这解决不了问题",
            "很抱歉今天没能让您满意。我已经记录了您的反馈，主管会在2个工作日内复核并邮件联系您。",
        ),
        ("说了等于没说", "非常抱歉。您的情况我已经提交给主管，2个工作日内会通过邮件回复您。"),
    ],
}
PENDING = {  # what an agent says when the problem can't be solved in the conversation
    "en": [
        "I've looked at {order}, and I need a colleague from the right team to confirm before "
        "I can promise anything. I'll email you at {email} by end of day tomorrow.",
        "I can see the problem, but this needs approval from our billing team, which can take "
        "up to 2 business days. I've flagged it as urgent.",
        "I've checked your account. I can't change this from here today, but I've opened a case "
        "with the team that can and asked them to prioritise it.",
    ],
    "zh": [
        "订单{order}我已经在查了，需要相关同事确认后才能给您答复，明天下班前邮件回复您。",
        "问题我看到了，但需要相关部门审批，最多2个工作日，我已经标记为加急。",
    ],
}
PERSONAL = {
    "en": [
        " My email is {email}.",
        " You can reach me at {phone}.",
        " I'm at {address}.",
        " ({email})",
        " Phone: {phone}",
    ],
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
        return (
            category.split(" > ")[1] in ("Shirts", "T-Shirts", "Hoodies", "Jackets", "Dresses")
            and "size" in options
        )
    if kind == "shoes":
        return category == "Clothing > Shoes"
    if kind == "sockish":
        return category == "Clothing > Socks"
    if kind == "fragile":
        return category in (
            "Home > Mugs",
            "Home > Lamps",
            "Home > Candles",
            "Home > Plant Pots",
            "Home > Cookware",
            "Home > Kitchen Tools",
            "Home > Storage",
        )
    if kind == "electronics":
        return category.startswith("Electronics")
    if kind == "oos":
        return not variant["in_stock"]
    if kind == "instock":
        return variant["in_stock"]
    raise ValueError(kind)


class Slots:
    """Random but consistent slot values for one conversation."""

    def __init__(
        self,
        rng: random.Random,
        products: list[dict],
        kind: str,
        language: str,
        names: list[str],
        agents: list[str],
    ) -> None:
        pairs = [(p, v) for p in products for v in p["variants"] if _kind_ok(kind, p, v)]
        product, variant = rng.choice(pairs)
        sizes = [
            v["options"]["size"]
            for v in product["variants"]
            if "size" in v["options"]
            and v["options"].get("color") == variant["options"].get("color")
        ]
        size = variant["options"].get("size", "M")
        bigger = [s for s in sizes if sizes.index(s) > sizes.index(size)] if size in sizes else []
        size2 = bigger[0] if bigger else (sizes[0] if sizes and sizes[0] != size else "L")
        first = rng.choice(names)
        handle = rng.choice(["", ".", "_"]).join(
            [
                rng.choice(dialogue_en.FIRST_NAMES).lower(),
                rng.choice(["m", "k", "lee", "r", "j", "smith", "t"]),
            ]
        )
        zh = language == "zh"
        self.values = {
            "order": f"NW-{rng.randint(200000, 699999)}",
            "product": product["name"],
            "variant": ("、" if zh else ", ").join(variant["options"].values()),
            "price": money(variant["price"]),
            "sku": variant["sku"],
            "stock": "in stock" if variant["in_stock"] else "out of stock",
            "stock_zh": "有货" if variant["in_stock"] else "暂时缺货",
            "size": size,
            "size2": size2,
            "days": str(rng.randint(3, 9)),
            "email": f"{handle}{rng.randint(1, 99)}@{rng.choice(MAIL_DOMAINS)}",
            "phone": f"({rng.choice(AREA_CODES)}) 555-{rng.randint(1000, 9999)}",
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
    # trending reasons grow over the weeks; reasons seen less often so far are a little more likely
    mean = sum(REASON_COUNTS.values()) / len(table)
    weights = [
        TRENDING[r] ** (day / DAYS) / (1 + mean) ** 0.5
        if r in TRENDING
        else 1 / (1 + REASON_COUNTS[r]) ** 0.5
        for r in table
    ]
    reason = rng.choices(list(table), weights=weights)[0]
    REASON_COUNTS[reason] += 1
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
        if not resolved:
            pending = pick(PENDING[language])
            say("agent", f"{first_prefix}{sep}{pending}".strip())
            complaint, answer = pick(NOT_SOLVED[language])
            say("user", complaint)
            say("agent", answer)
            return
        for index, (role, texts) in enumerate(turns):
            text = texts[line % len(texts)]
            if index == 0:
                text = f"{first_prefix} {text}".strip() if not zh else f"{first_prefix}{text}"
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
            first = turns[0][1][line] if resolved else pick(PENDING[language])
            say("agent", (hello + sep + pick(pool.AGENT_FIRM) + sep + first))
            if resolved:
                say("user", pick(pool.CALM_AFTER_ABUSE))
                say("agent", turns[-1][1][line % len(turns[-1][1])])
                csat = pick([2, 3, 3, 4])
            else:
                complaint, answer = pick(NOT_SOLVED[language])
                say("user", complaint)
                say("agent", answer)
                csat = pick([1, 1, 2])
    created = START + timedelta(
        days=day, hours=rng.randint(7, 22), minutes=rng.randint(0, 59), seconds=rng.randint(0, 59)
    )
    assert 3 <= len(messages) <= 12, messages
    return {
        "id": f"C{number:04d}",
        "messages": messages,
        "language": language,
        "outcome": {"resolved": resolved, "escalated": escalated, "csat": csat},
        "reason": reason,
        "created_at": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def build_conversations(rng: random.Random, products: list[dict], count: int = 500) -> list[dict]:
    REASON_COUNTS.clear()
    days = sorted(min(int(DAYS * rng.random() ** 0.85), DAYS - 1) for _ in range(count))
    return [conversation(rng, i + 1, products, day) for i, day in enumerate(days)]


def _options_text(variant: dict) -> str:
    options = variant["options"]
    parts = [v for k, v in options.items() if k != "size"]
    if "size" in options:
        parts.append(f"size {options['size']}")
    return ", ".join(parts)


def _by_name(products: list[dict], name: str) -> dict:
    return next(p for p in products if p["name"] == name)


def _variant_of(product: dict, **options: str) -> dict:
    return next(
        v for v in product["variants"] if all(v["options"].get(k) == x for k, x in options.items())
    )


PAST_PROBLEMS = [
    (
        "How did you handle a parcel that tracking says was delivered but never came?",
        "en",
        "where_is_my_order",
    ),
    ("what did your team do last time someone was charged twice", "en", "double_charge"),
    (
        "a customer's earbuds stopped working after a few months, how was it solved?",
        "en",
        "warranty_claim",
    ),
    ("someone received the wrong size, what happened", "en", "wrong_item"),
    ("how was a missing item from an order resolved", "en", "missing_item"),
    ("customer could not log in, reset email never came", "en", "account_login"),
    ("gift card code did not work at checkout", "en", "gift_card"),
    ("Lane Rewards points missing after an order", "en", "membership_points"),
    ("shopper needed an invoice with the company name", "en", "invoice_request"),
    ("courier left the parcel in the rain, complaint", "en", "complaint_delivery"),
    ("price dropped a week after purchase, refund of the difference", "en", "price_match"),
    ("card declined at checkout even though the bank says fine", "en", "payment_declined"),
    ("mug arrived broken in the box, what did support do", "en", "damaged_item"),
    ("重复扣款是怎么处理的", "zh", "double_charge"),
    ("耳机坏了保修怎么处理的", "zh", "warranty_claim"),
    ("快递一直不动最后怎么解决的", "zh", "where_is_my_order"),
    ("之前有人要取消订单是怎么处理的", "zh", "cancel_order"),
    ("换尺码的请求是怎么解决的", "zh", "exchange_size"),
    ("收到破损商品后客服怎么处理", "zh", "damaged_item"),
    ("优惠码用不了怎么回复的", "zh", "promo_code"),
    ("地址写错了后来怎么改的", "zh", "change_address"),
]


def retrieval_questions(
    rng: random.Random, products: list[dict], dialogues: list[dict]
) -> list[dict]:
    items: list[dict] = []
    feature_names = {name for _q, _l, name in FEATURE_QUERIES}
    for query, language, name in FEATURE_QUERIES:
        items.append(
            {
                "query": query,
                "language": language,
                "kind": "product",
                "expected": {"product_id": _by_name(products, name)["id"]},
            }
        )
    named = [p for p in products if p["name"] not in feature_names]
    forms = [
        "Do you sell the {name}?",
        "Tell me about the {name}",
        "{brand} {name}",
        "I'm looking for the {name} from {brand}",
        "what is the {lname} made of?",
        "{lname}",
        "Is the {name} any good?",
        "details on the {brand} {lname} please",
    ]
    for index, product in enumerate(rng.sample(named, 24)):
        form = forms[index % len(forms)]
        items.append(
            {
                "query": form.format(
                    name=product["name"], lname=product["name"].lower(), brand=product["brand"]
                ),
                "language": "en",
                "kind": "product",
                "expected": {"product_id": product["id"]},
            }
        )
    shirt = _by_name(products, "Linen Button-Down Shirt")
    fixed = [
        (
            "do you have the blue linen shirt in M, and how much?",
            "en",
            shirt,
            _variant_of(shirt, color="Blue", size="M"),
        ),
        (
            "Is the blue linen shirt in XL in stock?",
            "en",
            shirt,
            _variant_of(shirt, color="Blue", size="XL"),
        ),
    ]
    hoodie = _by_name(products, "Classic Pullover Hoodie")
    tee = _by_name(products, "Crew Neck T-Shirt")
    fixed += [
        ("black hoodie size L price", "en", hoodie, _variant_of(hoodie, color="Black", size="L")),
        ("blue crew neck tee in a small", "en", tee, _variant_of(tee, color="Blue", size="S")),
        ("蓝色亚麻衬衫M码多少钱？", "zh", shirt, _variant_of(shirt, color="Blue", size="M")),
        ("黑色卫衣L码有货吗？", "zh", hoodie, _variant_of(hoodie, color="Black", size="L")),
    ]
    for query, language, product, variant in fixed:
        items.append(
            {
                "query": query,
                "language": language,
                "kind": "variant",
                "expected": {"product_id": product["id"], "sku": variant["sku"]},
            }
        )
    vforms = [
        "Do you have the {name} in {opts}, and how much?",
        "Is the {name} in {opts} in stock?",
        "{name} {opts} price",
        "How much is {sku}?",
        "What is SKU {sku}?",
        "{brand} {name}, {opts} — available?",
        "{lname} {opts}",
    ]
    multi = [p for p in products if len(p["variants"]) > 1]
    for index, product in enumerate(rng.sample(multi, 34)):
        variant = rng.choice(product["variants"])
        form = vforms[index % len(vforms)]
        items.append(
            {
                "query": form.format(
                    name=product["name"],
                    lname=product["name"].lower(),
                    brand=product["brand"],
                    opts=_options_text(variant),
                    sku=variant["sku"],
                ),
                "language": "en",
                "kind": "variant",
                "expected": {"product_id": product["id"], "sku": variant["sku"]},
            }
        )
    zh_product = ["{name}有卖吗？", "介绍一下{name}", "{brand}的{name}怎么样？"]
    zh_variant = ["{name}有{opts}吗？多少钱？", "{name}（{opts}）有货吗？", "{sku}多少钱？"]
    for index, product in enumerate(rng.sample(named, 14)):
        if index < 6:
            query = zh_product[index % 3].format(name=product["name"], brand=product["brand"])
            items.append(
                {
                    "query": query,
                    "language": "zh",
                    "kind": "product",
                    "expected": {"product_id": product["id"]},
                }
            )
        else:
            variant = rng.choice(product["variants"])
            query = zh_variant[index % 3].format(
                name=product["name"], sku=variant["sku"], opts=" ".join(variant["options"].values())
            )
            items.append(
                {
                    "query": query,
                    "language": "zh",
                    "kind": "variant",
                    "expected": {"product_id": product["id"], "sku": variant["sku"]},
                }
            )
    for question, language, path, heading, _facts in POLICY_QUESTIONS:
        items.append(
            {
                "query": question,
                "language": language,
                "kind": "policy",
                "expected": {"policy_path": path, "policy_heading": heading},
            }
        )
    resolved: dict[str, list[str]] = {}
    for d in dialogues:
        if d["outcome"]["resolved"]:
            resolved.setdefault(f"{d['language']}:{d['reason']}", []).append(d["id"])
    for query, language, reason in PAST_PROBLEMS:
        ids = resolved.get(f"{language}:{reason}")
        if ids:
            items.append(
                {
                    "query": query,
                    "language": language,
                    "kind": "dialogue",
                    "expected": {"conversation_ids": ids},
                }
            )
    for i, item in enumerate(items, start=1):
        item["id"] = f"R{i:03d}"
    return [{"id": it["id"], **{k: v for k, v in it.items() if k != "id"}} for it in items]


def chat_facts(rng: random.Random, products: list[dict]) -> list[dict]:
    items: list[dict] = []
    shirt = _by_name(products, "Linen Button-Down Shirt")
    hoodie = _by_name(products, "Classic Pullover Hoodie")
    for question, language, product, variant, with_stock in [
        (
            "Do you have the blue linen shirt in M, and how much?",
            "en",
            shirt,
            _variant_of(shirt, color="Blue", size="M"),
            True,
        ),
        (
            "Is the Linen Button-Down Shirt in Blue, size XL in stock?",
            "en",
            shirt,
            _variant_of(shirt, color="Blue", size="XL"),
            True,
        ),
        (
            "How much is the black Classic Pullover Hoodie in L?",
            "en",
            hoodie,
            _variant_of(hoodie, color="Black", size="L"),
            False,
        ),
        ("蓝色亚麻衬衫M码多少钱？", "zh", shirt, _variant_of(shirt, color="Blue", size="M"), False),
    ]:
        facts = [money(variant["price"])]
        if with_stock:
            facts.append("in stock" if variant["in_stock"] else "out of stock")
        items.append(
            {
                "question": question,
                "language": language,
                "kind": "stock" if with_stock else "price",
                "expected_facts": facts,
                "product_id": product["id"],
                "sku": variant["sku"],
            }
        )
    for product in rng.sample(products, 36):
        variant = rng.choice(product["variants"])
        opts = _options_text(variant)
        items.append(
            {
                "question": rng.choice(
                    [
                        "How much is the {n} in {o}?",
                        "What does the {n} ({o}) cost?",
                        "Price of the {n}, {o}?",
                        "how much for the {n} {o}",
                    ]
                ).format(n=product["name"], o=opts),
                "language": "en",
                "kind": "price",
                "expected_facts": [money(variant["price"])],
                "product_id": product["id"],
                "sku": variant["sku"],
            }
        )
    out_of_stock = [(p, v) for p in products for v in p["variants"] if not v["in_stock"]]
    in_stock = [(p, v) for p in products for v in p["variants"] if v["in_stock"]]
    for product, variant in rng.sample(out_of_stock, 16) + rng.sample(in_stock, 14):
        opts = _options_text(variant)
        items.append(
            {
                "question": rng.choice(
                    [
                        "Is the {n} in {o} in stock?",
                        "Do you have the {n} in {o}?",
                        "Is {o} available for the {n}?",
                    ]
                ).format(n=product["name"], o=opts),
                "language": "en",
                "kind": "stock",
                "expected_facts": ["in stock" if variant["in_stock"] else "out of stock"],
                "product_id": product["id"],
                "sku": variant["sku"],
            }
        )
    for product in rng.sample(products, 8):
        variant = rng.choice(product["variants"])
        opts = " ".join(variant["options"].values())
        items.append(
            {
                "question": f"{product['name']}（{opts}）多少钱？",
                "language": "zh",
                "kind": "price",
                "expected_facts": [money(variant["price"])],
                "product_id": product["id"],
                "sku": variant["sku"],
            }
        )
    for product, variant in rng.sample(out_of_stock, 4) + rng.sample(in_stock, 4):
        opts = " ".join(variant["options"].values())
        items.append(
            {
                "question": f"{product['name']}{opts}有货吗？",
                "language": "zh",
                "kind": "stock",
                "expected_facts": ["有货" if variant["in_stock"] else "缺货"],
                "product_id": product["id"],
                "sku": variant["sku"],
            }
        )
    for question, language, path, _heading, facts in POLICY_QUESTIONS:
        items.append(
            {
                "question": question,
                "language": language,
                "kind": "policy",
                "expected_facts": facts,
                "policy_path": path,
            }
        )
    for i, item in enumerate(items, start=1):
        item["id"] = f"F{i:03d}"
    return [{"id": it["id"], **{k: v for k, v in it.items() if k != "id"}} for it in items]


def sentiment_set(rng: random.Random) -> list[dict]:
    items = []
    general = {
        "calm": ["none", "none", "order", "refund", "return", "size"],
        "confused": ["none", "none", "order", "return"],
        "dissatisfied": ["none", "order", "refund", "failed"],
        "dissatisfied_strong": ["none", "none", "order", "refund", "failed"],
        "abusive": ["none", "none", "order", "failed"],
        "explicit_human": ["none", "none", "order", "failed", "refund"],
    }
    for (language, kind), entries in sentiment_spec.MESSAGES.items():
        for entry in entries:
            text, key, overrides = (
                (entry, None, {})
                if isinstance(entry, str)
                else (entry[0], entry[1], entry[2] if len(entry) > 2 else {})
            )
            if key is None:
                key = rng.choice(
                    [k for k in general[kind] if k in sentiment_spec.CONTEXTS[language]]
                )
            category = "dissatisfied" if kind == "dissatisfied_strong" else kind
            labels = {
                "dissatisfied": kind in ("dissatisfied", "dissatisfied_strong", "abusive"),
                "abusive": kind == "abusive",
                "wants_human": kind == "explicit_human",
                "escalate": kind in ("dissatisfied_strong", "abusive", "explicit_human"),
                "category": category,
            }
            labels.update(overrides)
            items.append(
                {
                    "language": language,
                    "context": sentiment_spec.CONTEXTS[language][key],
                    "message": text,
                    "labels": labels,
                }
            )
    rng.shuffle(items)
    for i, item in enumerate(items, start=1):
        item["id"] = f"S{i:03d}"
    return [{"id": it["id"], **{k: v for k, v in it.items() if k != "id"}} for it in items]


def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def read_jsonl(path: Path) -> list[dict]:
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def build() -> None:
    rng = random.Random(SEED)
    products = build_catalog(rng)
    write_catalog(products, DATA)
    dialogues = build_conversations(rng, products)
    write_jsonl(DATA / "conversations.jsonl", dialogues)
    write_jsonl(
        DATA / "eval" / "retrieval_questions.jsonl", retrieval_questions(rng, products, dialogues)
    )
    write_jsonl(DATA / "eval" / "chat_facts.jsonl", chat_facts(rng, products))
    write_jsonl(DATA / "eval" / "sentiment_labelled.jsonl", sentiment_set(rng))


def _sections(text: str) -> dict[str, str]:
    body: dict[str, str] = {}
    current = None
    for line in text.splitlines():
        if line.startswith("#"):
            current = line.lstrip("#").strip()
            body[current] = ""
        elif current is not None:
            body[current] += line + "\n"
    return body


PRODUCT_KEYS = [
    "id",
    "name",
    "description",
    "category",
    "brand",
    "url",
    "currency",
    "attributes",
    "price",
    "in_stock",
    "variants",
]
CATEGORIES = {
    "Clothing": {
        "Shirts",
        "T-Shirts",
        "Hoodies",
        "Jeans",
        "Dresses",
        "Jackets",
        "Shoes",
        "Socks",
        "Accessories",
    },
    "Electronics": {
        "Headphones",
        "Earbuds",
        "Chargers",
        "Cables",
        "Speakers",
        "Keyboards",
        "Mice",
        "Smart Home",
        "Phone Cases",
        "Power Banks",
        "Monitors",
    },
    "Home": {
        "Bedding",
        "Towels",
        "Cookware",
        "Kitchen Tools",
        "Lamps",
        "Candles",
        "Storage",
        "Rugs",
        "Mugs",
        "Plant Pots",
    },
}
LABEL_CATEGORIES = {"calm", "confused", "dissatisfied", "abusive", "explicit_human"}


def check() -> int:
    problems: list[str] = []

    def need(ok: bool, what: str) -> None:
        if not ok:
            problems.append(what)

    products = read_jsonl(DATA / "catalog.jsonl")
    by_id = {p["id"]: p for p in products}
    skus = [v["sku"] for p in products for v in p["variants"]]
    sku_owner = {v["sku"]: p["id"] for p in products for v in p["variants"]}
    need(len(by_id) == len(products), "duplicate product ids")
    need(len(set(skus)) == len(skus), "duplicate SKUs")
    need(len({p["name"] for p in products}) == len(products), "duplicate product names")
    need(
        len({p["description"] for p in products}) == len(products), "duplicate product descriptions"
    )
    for p in products:
        need(list(p) == PRODUCT_KEYS, f"{p['id']}: keys {list(p)}")
        need(bool(re.fullmatch(r"P\d{4}", p["id"])), f"{p['id']}: id format")
        need(p["currency"] == "USD", f"{p['id']}: currency")
        area, _, sub = p["category"].partition(" > ")
        need(sub in CATEGORIES.get(area, ()), f"{p['id']}: category {p['category']}")
        need(
            p["price"] == min(v["price"] for v in p["variants"]),
            f"{p['id']}: price is not the lowest variant price",
        )
        need(p["in_stock"] == any(v["in_stock"] for v in p["variants"]), f"{p['id']}: in_stock")
        need(1 <= p["description"].count(". ") + 1 <= 4, f"{p['id']}: description length")
        for v in p["variants"]:
            need(list(v) == ["sku", "options", "price", "in_stock"], f"{v['sku']}: variant keys")
            need(
                bool(re.fullmatch(r"NW-[A-Z0-9]+(-[A-Z0-9]+)+", v["sku"])),
                f"{v['sku']}: SKU format",
            )
            need(isinstance(v["price"], float) and v["price"] > 0, f"{v['sku']}: price")
    for name, options in [
        ("Linen Button-Down Shirt", {"color": "Blue"}),
        ("Classic Pullover Hoodie", {"color": "Black"}),
        ("Crew Neck T-Shirt", {"color": "Blue"}),
    ]:
        match = [p for p in products if p["name"] == name]
        need(
            bool(match)
            and any(v["options"].get("color") == options["color"] for v in match[0]["variants"]),
            f"required product {name} {options}",
        )
    shirt = next(p for p in products if p["name"] == "Linen Button-Down Shirt")
    need(
        {"S", "M", "L", "XL"}
        <= {v["options"]["size"] for v in shirt["variants"] if v["options"]["color"] == "Blue"},
        "blue linen shirt sizes",
    )
    need(
        products.index(shirt) < 40
        and any(p["name"] == "Classic Pullover Hoodie" for p in products[:40]),
        "the demo products must be among the first 40 (the demo-store test uses that slice)",
    )
    need(
        any(not v["in_stock"] for p in products[:40] if p["in_stock"] for v in p["variants"]),
        "an out-of-stock variant of an in-stock product among the first 40",
    )
    with (DATA / "catalog.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    need(len(rows) == len(skus), "catalog.csv has one row per variant")
    variants = {v["sku"]: (p, v) for p in products for v in p["variants"]}
    for row in rows:
        p, v = variants.get(row["sku"], (None, None))
        if p is None:
            problems.append(f"catalog.csv: unknown SKU {row['sku']}")
            continue
        need(
            row["product_id"] == p["id"]
            and row["name"] == p["name"]
            and row["price"] == f"{v['price']:.2f}"
            and row["in_stock"] == ("true" if v["in_stock"] else "false")
            and all(row[f"option_{k}"] == x for k, x in v["options"].items()),
            f"catalog.csv row {row['sku']}",
        )

    policies = sorted(p for p in (DATA / "policies").glob("*.*") if p.suffix in (".md", ".txt"))
    policy_text = {p.name: p.read_text(encoding="utf-8") for p in policies}
    for name, text in policy_text.items():
        need(text.startswith("# ") and "\n## " in text, f"{name}: needs # and ## headings")
        size = len(re.findall(r"[\u4e00-\u9fff]", text)) // 2 + len(
            re.findall(r"[A-Za-z0-9$%.,–-]+", text)
        )
        need(150 <= size <= 650, f"{name}: {size} words")
        need(len(_sections(text)) >= 4, f"{name}: fewer than 3 sections")

    dialogues = read_jsonl(DATA / "conversations.jsonl")
    dialogue_ids = {d["id"] for d in dialogues}
    need(len(dialogue_ids) == len(dialogues), "duplicate conversation ids")
    for d in dialogues:
        need(
            list(d) == ["id", "messages", "language", "outcome", "reason", "created_at"],
            f"{d['id']}: keys",
        )
        need(3 <= len(d["messages"]) <= 12, f"{d['id']}: {len(d['messages'])} messages")
        need(
            all(
                m["role"] in ("user", "assistant", "agent") and m["content"].strip()
                for m in d["messages"]
            ),
            f"{d['id']}: roles",
        )
        need(d["messages"][0]["role"] == "user", f"{d['id']}: starts with the shopper")
        need(all("{" not in m["content"] for m in d["messages"]), f"{d['id']}: unfilled slot")
        need(d["language"] in ("en", "zh"), f"{d['id']}: language")
        o = d["outcome"]
        need(
            set(o) == {"resolved", "escalated", "csat"} and o["csat"] in range(1, 6),
            f"{d['id']}: outcome",
        )
        roles = [m["role"] for m in d["messages"]]
        if o["escalated"]:
            need(
                "agent" in roles and "assistant" in roles, f"{d['id']}: escalated without a handoff"
            )
            first_agent = roles.index("agent")
            need(
                "assistant" not in roles[first_agent:],
                f"{d['id']}: the bot speaks after the handoff",
            )
        need(
            bool(re.fullmatch(r"2026-\d\d-\d\dT\d\d:\d\d:\d\dZ", d["created_at"])),
            f"{d['id']}: created_at",
        )
        need(
            any(re.search(r"[\u4e00-\u9fff]", m["content"]) for m in d["messages"])
            == (d["language"] == "zh"),
            f"{d['id']}: language does not match the text",
        )
    reasons = Counter(d["reason"] for d in dialogues)
    languages = Counter(d["language"] for d in dialogues)
    need(min(reasons.values()) >= 8, "a contact reason with fewer than 8 conversations")

    retrieval = read_jsonl(DATA / "eval" / "retrieval_questions.jsonl")
    need(len({i["id"] for i in retrieval}) == len(retrieval), "duplicate retrieval ids")
    for item in retrieval:
        e = item["expected"]
        need(item["kind"] in ("product", "variant", "policy", "dialogue"), f"{item['id']}: kind")
        if "product_id" in e:
            need(e["product_id"] in by_id, f"{item['id']}: unknown product")
        if "sku" in e:
            need(
                sku_owner.get(e["sku"]) == e.get("product_id"),
                f"{item['id']}: SKU not of that product",
            )
        if "policy_path" in e:
            text = policy_text.get(e["policy_path"])
            need(
                text is not None and e["policy_heading"] in _sections(text),
                f"{item['id']}: unknown policy section",
            )
        if item["kind"] == "dialogue":
            ids = e.get("conversation_ids", [])
            need(bool(ids) and set(ids) <= dialogue_ids, f"{item['id']}: unknown conversation")
    facts = read_jsonl(DATA / "eval" / "chat_facts.jsonl")
    need(len({i["id"] for i in facts}) == len(facts), "duplicate chat fact ids")
    for item in facts:
        if "sku" in item:
            p, v = variants[item["sku"]]
            need(p["id"] == item["product_id"], f"{item['id']}: SKU not of that product")
            if item["kind"] == "price" or any(f.startswith("$") for f in item["expected_facts"]):
                need(f"${v['price']:,.2f}" in item["expected_facts"], f"{item['id']}: price")
            if item["kind"] == "stock":
                stock = {"in stock", "out of stock", "有货", "缺货"} & set(item["expected_facts"])
                need(
                    stock
                    == ({"in stock", "有货"} if v["in_stock"] else {"out of stock", "缺货"}) & stock
                    and bool(stock),
                    f"{item['id']}: stock",
                )
        if item["kind"] == "policy":
            text = " ".join(policy_text.get(item["policy_path"], "").split())
            need(
                all(f in text for f in item["expected_facts"]),
                f"{item['id']}: fact not in {item['policy_path']}",
            )
    sentiment = read_jsonl(DATA / "eval" / "sentiment_labelled.jsonl")
    need(len({i["id"] for i in sentiment}) == len(sentiment), "duplicate sentiment ids")
    need(
        len({(i["language"], i["message"]) for i in sentiment}) == len(sentiment),
        "repeated sentiment messages",
    )
    conversation_texts = {
        m["content"] for d in dialogues for m in d["messages"] if m["role"] == "user"
    }
    for item in sentiment:
        labels = item["labels"]
        need(labels["category"] in LABEL_CATEGORIES, f"{item['id']}: category")
        need(
            not (labels["abusive"] or labels["wants_human"]) or labels["escalate"],
            f"{item['id']}: escalate",
        )
        need(
            not labels["abusive"] or labels["dissatisfied"],
            f"{item['id']}: abusive but not dissatisfied",
        )
        need(
            item["message"] not in conversation_texts,
            f"{item['id']}: copied from conversations.jsonl",
        )

    weeks: dict[str, Counter] = {}
    for d in dialogues:
        week = (
            datetime.strptime(d["created_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC) - START
        ).days // 7 + 1
        weeks.setdefault(d["reason"], Counter())[week] += 1
    counts = {
        "products": len(products),
        "variants": len(skus),
        "out_of_stock_variants": sum(not v["in_stock"] for p in products for v in p["variants"]),
        "products_entirely_out_of_stock": sum(not p["in_stock"] for p in products),
        "products_per_area": dict(Counter(p["category"].split(" > ")[0] for p in products)),
        "categories": len({p["category"] for p in products}),
        "brands": sorted({p["brand"] for p in products}),
        "policy_documents": len(policies),
        "conversations": len(dialogues),
        "languages": dict(languages),
        "contact_reasons": len(reasons),
        "per_reason": {
            r: f"{n} ({sum(d['language'] == 'zh' for d in dialogues if d['reason'] == r)} zh)"
            for r, n in sorted(reasons.items())
        },
        "trending_per_week": {r: [weeks[r][w] for w in range(1, 13)] for r in TRENDING},
        "escalated": sum(d["outcome"]["escalated"] for d in dialogues),
        "resolved": sum(d["outcome"]["resolved"] for d in dialogues),
        "human_agent_only": sum(
            all(m["role"] != "assistant" for m in d["messages"]) for d in dialogues
        ),
        "mean_csat": round(sum(d["outcome"]["csat"] for d in dialogues) / len(dialogues), 2),
        "retrieval_questions": dict(Counter(i["kind"] for i in retrieval)),
        "retrieval_questions_zh": sum(i["language"] == "zh" for i in retrieval),
        "chat_facts": dict(Counter(i["kind"] for i in facts)),
        "chat_facts_zh": sum(i["language"] == "zh" for i in facts),
        "sentiment_messages": dict(Counter(i["labels"]["category"] for i in sentiment)),
        "sentiment_escalate": sum(i["labels"]["escalate"] for i in sentiment),
        "sentiment_zh": sum(i["language"] == "zh" for i in sentiment),
    }
    kinds = Counter(i["kind"] for i in retrieval)
    minimums = [
        (len(products) >= 300, "300 products"),
        (len(policies) >= 25, "25 policy documents"),
        (len(dialogues) >= 400, "400 conversations"),
        (len(reasons) >= 20, "20 reasons"),
        (languages["zh"] >= 0.15 * len(dialogues), "15% Chinese conversations"),
        (len(retrieval) >= 170, "170 retrieval questions"),
        (
            kinds["product"] >= 45
            and kinds["variant"] >= 40
            and kinds["policy"] >= 50
            and kinds["dialogue"] >= 20,
            "enough retrieval questions of each kind",
        ),
        (counts["retrieval_questions_zh"] >= 35, "35 Chinese retrieval questions"),
        (len(facts) >= 110, "110 chat facts"),
        (len(sentiment) >= 320, "320 sentiment messages"),
        (counts["sentiment_zh"] >= 0.3 * len(sentiment), "30% Chinese sentiment messages"),
        (any(p.suffix == ".txt" for p in policies), "a .txt policy document"),
    ]
    problems += [f"fewer than {what}" for ok, what in minimums if not ok]
    print(json.dumps(counts, indent=2, ensure_ascii=False))
    for problem in problems:
        print("problem:", problem, file=sys.stderr)
    print("OK" if not problems else f"{len(problems)} problems", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    if "--check" in sys.argv:
        sys.exit(check())
    build()
    sys.exit(check())
