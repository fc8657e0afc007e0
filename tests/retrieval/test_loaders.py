"""Loaders: catalog (JSON Lines, CSV), policies, dialogues; errors with file and line (fast)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import InputError
from retrieval.policies import file_passages
from retrieval.sources import load_catalog, load_dialogues, load_policies


def test_catalog_jsonl_products_and_variants(store: Path) -> None:
    result = load_catalog(store / "catalog.jsonl")
    ids = {p.id for p in result.passages}
    assert {"catalog:P100", "catalog:P100:LS-BLU-M", "catalog:P300", "catalog:P600:ZH-LS-L"} <= ids
    variant = next(p for p in result.passages if p.id == "catalog:P100:LS-BLU-M")
    assert variant.metadata["sku"] == "LS-BLU-M"
    assert variant.metadata["options"] == {"color": "Blue", "size": "M"}
    assert variant.metadata["price"] == 49.0 and variant.metadata["in_stock"] is True
    for part in ("Linen Shirt", "color: Blue", "size: M", "49.00 EUR", "In stock"):
        assert part in variant.text
    product = next(p for p in result.passages if p.id == "catalog:P100")
    assert product.metadata["in_stock"] is True and product.metadata["price"] == 49.0
    assert product.metadata["price_max"] == 52.0


def test_catalog_bad_records_are_reported_with_line(store: Path) -> None:
    result = load_catalog(store / "catalog.jsonl")
    lines = {e.line: e for e in result.errors}
    assert set(lines) == {5, 6, 9}
    assert "invalid JSON" in lines[5].error
    assert "price" in lines[6].error and lines[6].key == "P500"
    assert "id" in lines[9].error
    assert all(e.path.endswith("catalog.jsonl") for e in result.errors)
    assert result.records == 9


def test_catalog_csv_groups_variants(store: Path) -> None:
    result = load_catalog(store / "catalog.csv")
    by_id = {p.id: p for p in result.passages}
    jacket = by_id["catalog:C1:DJ-BLK-M"]
    assert jacket.metadata["options"] == {"color": "Black", "size": "M"}
    assert jacket.metadata["in_stock"] is False
    assert by_id["catalog:C1"].metadata["category"] == "Jackets"
    assert "material: cotton" in by_id["catalog:C1"].text
    tote = by_id["catalog:C2"]
    assert tote.metadata["sku"] == "TOTE-1" and tote.metadata["in_stock"] is True
    errors = {e.line: e.error for e in result.errors}
    assert set(errors) == {5, 6}
    assert "price" in errors[5] and "product_id" in errors[6]


def test_catalog_csv_without_product_id_column(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("name,price\nMug,3\n", encoding="utf-8")
    with pytest.raises(InputError, match="product_id"):
        load_catalog(path)


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        load_catalog(tmp_path / "nope.jsonl")


def test_markdown_split_keeps_heading_path() -> None:
    text = (
        "# Returns\n\nIntro.\n\n## Refunds\n\n### Credit cards\n\n5 to 10 days.\n\n"
        "## Damaged\n\nPhotos."
    )
    passages = file_passages(text, "returns.md")
    headings = [p.metadata["heading"] for p in passages]
    assert headings == ["Returns", "Returns > Refunds > Credit cards", "Returns > Damaged"]
    card = passages[1]
    assert card.metadata["path"] == "returns.md" and card.text == "5 to 10 days."
    assert card.title == "Returns > Refunds > Credit cards"


def test_setext_headings_and_long_sections_are_chunked() -> None:
    body = " ".join(f"Sentence number {i} about shipping." for i in range(120))
    passages = file_passages(f"Shipping\n========\n\n{body}\n", "shipping.txt")
    assert len(passages) > 1
    assert all(p.metadata["heading"] == "Shipping" for p in passages)
    assert len({p.id for p in passages}) == len(passages)


def test_policy_folder_and_unreadable_file(store: Path) -> None:
    (store / "policies" / "broken.md").write_bytes(b"# ok\n\xff\xfe bad")
    result = load_policies(store / "policies")
    paths = {p.metadata["path"] for p in result.passages}
    assert {"returns.md", "shipping.txt", "退货政策.md"} <= paths
    assert len(result.errors) == 1 and result.errors[0].path.endswith("broken.md")
    assert result.errors[0].line == 2


def test_dialogues_only_resolved_count(store: Path) -> None:
    result = load_dialogues(store / "conversations.jsonl")
    ids = {p.metadata["conversation_id"] for p in result.passages}
    assert ids == {"c-001", "c-002", "c-004"}
    assert result.skipped == 1  # c-003 was not resolved, and the report says so
    [(why, skipped)] = result.skip_reasons.items()
    assert why.startswith("not resolved") and (skipped.count, skipped.first) == (1, ["c-003"])
    assert {e.line for e in result.errors} == {5, 6}
    case = next(p for p in result.passages if p.doc_key == "c-001")
    assert "broken mug" in case.text and "replacement" in case.text
    assert "broken mug" in case.embedding_input()
