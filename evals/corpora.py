"""Outside corpora for training and validating the dissatisfaction scorer, read as rows of
the labelled format (``context``, ``message``, ``labels``) that `bot.sentiment` reads.

Sources (read-only inputs in ``/work/shared/datasets``, not in CI; the tests use small
samples in ``tests/fixtures/sentiment``):

* ``uss/ReDial.txt``, ``uss/CCPE.txt``: User Satisfaction Simulation (Sun et al., SIGIR 2021,
  github sunnweiwei/user-satisfaction-simulation); dialogues from ReDial (CC BY 4.0) and
  CCPE-M (CC BY-SA 4.0). Each user turn is rated 1-5 by three annotators; a turn whose mean
  rating is below 2.5 counts as dissatisfied.
* ``zh_sentiment/waimai_10k.csv`` (food-delivery reviews) and
  ``zh_sentiment/ChnSentiCorp_htl_all.csv`` (hotel reviews, ChnSentiCorp, Tan Songbo), both
  github SophonPlus/ChineseNlpCorpus: a negative review is a dissatisfied customer.
"""

from __future__ import annotations

import csv
import json
import statistics
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bot.errors import ConfigError

# Beside the checkout (as CI lays out shared/), or where the team keeps it.
DATASETS_CANDIDATES = (Path("../shared/datasets"), Path("/work/shared/datasets"))
DATASETS = next((p for p in DATASETS_CANDIDATES if p.exists()), DATASETS_CANDIDATES[-1])
CORPORA = {
    "redial": ("uss", "ReDial.txt"),
    "ccpe": ("uss", "CCPE.txt"),
    "waimai": ("zh_sentiment", "waimai_10k.csv"),
    "hotel": ("zh_sentiment", "ChnSentiCorp_htl_all.csv"),
}
LANGUAGE = {"redial": "en", "ccpe": "en", "waimai": "zh", "hotel": "zh"}
DISSATISFIED_BELOW = 2.5
CONTEXT_MESSAGES = 6  # the messages before a rated turn that are kept as its context


def _row(
    corpus: str, n: int, group: str, context: list[dict[str, str]], message: str, bad: bool
) -> dict[str, Any]:
    return {
        "id": f"{corpus}-{n}",
        "group": group,
        "corpus": corpus,
        "language": LANGUAGE[corpus],
        "context": context,
        "message": message,
        "labels": {"dissatisfied": bad, "abusive": False, "wants_human": False, "escalate": bad},
    }


def read_uss(path: Path, corpus: str) -> Iterator[dict[str, Any]]:
    """Rated user turns with the dialogue before them (SYSTEM -> assistant)."""
    dialogue: list[dict[str, str]] = []
    session = n = 0
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if not line.strip():
                dialogue, session = [], session + 1
                continue
            role, text = parts[0].strip(), parts[1].strip() if len(parts) > 1 else ""
            if role == "USER" and text == "OVERALL":
                continue
            ratings = parts[3].strip() if len(parts) > 3 else ""
            if role == "USER" and ratings and text:
                mean = statistics.fmean(int(r) for r in ratings.split(","))
                context = dialogue[-CONTEXT_MESSAGES:]
                yield _row(
                    corpus, n, f"{corpus}-s{session}", context, text, mean < DISSATISFIED_BELOW
                )
                n += 1
            dialogue.append({"role": "user" if role == "USER" else "assistant", "content": text})


MAX_REVIEWS = 6000
"""Reviews kept per corpus (a fixed pseudo-random subset): enough for AUCs within about
0.01, and the features of all of them would cost a long SnowNLP run."""


def read_reviews(path: Path, corpus: str) -> Iterator[dict[str, Any]]:
    """Reviews as one-message conversations; label 0 (negative) is dissatisfied."""
    with path.open(encoding="utf-8", newline="") as handle:
        records = [
            (n, (r.get("review") or "").strip(), r["label"].strip() == "0")
            for n, r in enumerate(csv.DictReader(handle))
        ]
    records = [r for r in records if r[1]]
    if len(records) > MAX_REVIEWS:
        chosen = sorted(records, key=lambda r: zlib.crc32(r[1].encode("utf-8")))[:MAX_REVIEWS]
        records = sorted(chosen)
    for n, text, negative in records:
        yield _row(corpus, n, f"{corpus}-{n}", [], text, negative)


def load_corpus(name: str, root: Path = DATASETS) -> list[dict[str, Any]]:
    folder, file = CORPORA[name]
    path = root / folder / file
    if not path.exists():
        raise ConfigError(
            f"{path} is missing: the outside corpora are read from shared/datasets beside the "
            f"checkout ({', '.join(map(str, DATASETS_CANDIDATES))})."
        )
    reader = read_uss if file.endswith(".txt") else read_reviews
    return list(reader(path, name))


def write_jsonl(rows: list[dict[str, Any]], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def half(row: dict[str, Any]) -> str:
    """'dev' or 'test', fixed by the row's group (a dialogue or a review) before any run:
    choices are made on the dev halves; the test halves are measured once, for the report."""
    return "dev" if zlib.crc32(row["group"].encode("utf-8")) % 2 == 0 else "test"
