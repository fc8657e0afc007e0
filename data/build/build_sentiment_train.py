"""Writes `sentiment_train.jsonl`: the labelled TRAINING set of the sentiment scorer.

Hand-written shopper messages (English and Chinese), each varied programmatically (context,
typos, capitals, emoji, punctuation). Written separately from `eval/sentiment_labelled.jsonl`
(which is only for measuring and never read here). Every line:
``{"id", "group", "language", "context", "message", "labels": {...}}``; ``group`` names the
hand-written base message, so a held-out split can keep all variants of one base together.

    python3 data/build/build_sentiment_train.py
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from sentiment_train_spec import BASES, CONTEXTS, FAILED_CONTEXTS, REPEATS

OUT = Path(__file__).resolve().parents[1] / "sentiment_train.jsonl"
SEED = 20261123

LABELS = {
    # category: (dissatisfied, abusive, wants_human, escalate)
    "calm": (False, False, False, False),
    "confused": (False, False, False, False),
    "mild": (True, False, False, False),
    "dissatisfied": (True, False, False, True),
    "abusive": (True, True, False, True),
    "explicit_human": (False, False, True, True),
    "angry_human": (True, False, True, True),
}
EMOJI_NEG = ["😡", "🙄", "😤", "👎", "😠"]
EMOJI_POS = ["🙂", "😊", "👍", "🙏"]


def typo(text: str, rng: random.Random) -> str:
    """One swapped, dropped or doubled letter in a longer word."""
    words = text.split(" ")
    idx = [i for i, w in enumerate(words) if len(w) > 4 and w.isalpha()]
    if not idx:
        return text
    i = rng.choice(idx)
    w = words[i]
    j = rng.randrange(1, len(w) - 2)
    kind = rng.randrange(3)
    if kind == 0:
        w = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    elif kind == 1:
        w = w[:j] + w[j + 1 :]
    else:
        w = w[:j] + w[j] + w[j:]
    words[i] = w
    return " ".join(words)


def variants(text: str, lang: str, category: str, rng: random.Random) -> list[str]:
    """The base message and two programmatic variations of it."""
    out = [text]
    negative = category in ("dissatisfied", "abusive", "angry_human")
    for _ in range(2):
        v = text
        r = rng.random()
        if lang == "en":
            if r < 0.3:
                v = typo(v, rng)
            elif r < 0.45:
                v = v.lower().rstrip(".")
            elif r < 0.6 and negative:
                v = v.upper()
            elif r < 0.75:
                v = v + " " + rng.choice(EMOJI_NEG if negative or category == "mild" else EMOJI_POS)
            elif negative:
                v = v.rstrip(".!") + rng.choice(["!!", "!!!", "?!", "!"])
            else:
                v = rng.choice(["Hi, ", "Hello, ", "Hey, ", "Ok, ", ""]) + v[0].lower() + v[1:]
        else:
            if r < 0.3 and negative:
                v = v.rstrip("。！") + rng.choice(["！！", "！！！", "？！"])
            elif r < 0.5:
                v = v + rng.choice(EMOJI_NEG if negative or category == "mild" else EMOJI_POS)
            elif r < 0.7:
                v = v.replace("，", " ").replace("。", "")
            else:
                v = rng.choice(["你好，", "那个，", "请问", "嗯，", ""]) + v
        if v not in out:
            out.append(v)
    return out


def main() -> None:
    rng = random.Random(SEED)
    rows = []
    for n, (lang, category, text, needs) in enumerate(BASES):
        dis, abusive, human, esc = LABELS[category]
        for message in variants(text, lang, category, rng):
            if needs == "failed":
                context = list(rng.choice(FAILED_CONTEXTS[lang]))
            elif needs == "none" or rng.random() < 0.25:
                context = []
            else:
                context = list(rng.choice(CONTEXTS[lang]))
            rows.append(
                {
                    "id": f"T{len(rows) + 1:04d}",
                    "group": f"B{n:03d}",
                    "language": lang,
                    "context": context,
                    "message": message,
                    "labels": {
                        "dissatisfied": dis,
                        "abusive": abusive,
                        "wants_human": human,
                        "escalate": esc,
                        "category": category,
                    },
                }
            )
    # Repeated questions: the shopper asks again after an unhelpful answer.
    for n, (lang, first, bot, again, category) in enumerate(REPEATS):
        dis, abusive, human, esc = LABELS[category]
        context = [{"role": "user", "content": first}, {"role": "assistant", "content": bot}]
        rows.append(
            {
                "id": f"T{len(rows) + 1:04d}",
                "group": f"R{n:03d}",
                "language": lang,
                "context": context,
                "message": again,
                "labels": {
                    "dissatisfied": dis,
                    "abusive": abusive,
                    "wants_human": human,
                    "escalate": esc,
                    "category": category,
                },
            }
        )
    with OUT.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} messages written to {OUT}")


if __name__ == "__main__":
    main()
