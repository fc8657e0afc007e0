"""Long multi-topic pages: tables keep their headers, FAQ entries stand alone (fast)."""

from __future__ import annotations

from retrieval.policies import chunk, file_passages
from retrieval.tables import linearize_tables, row_line

PIPE_PAGE = """# Shipping

## Zones and costs

| Zone | Destination | Standard shipping | Free from |
|---|---|---|---|
| 1 | Netherlands | €3.95 | €49 |
| 2 | Belgium, Germany | **€5.95** | €79 |
| – | Mainland China | see our Chinese page | |

The free-shipping amount counts after discounts.

## Frequently asked questions

**Do you deliver on Saturdays?**
No. Carriers may deliver on Saturday in some areas, but we cannot book it.

**Is shipping free to Switzerland?**
Yes, from €199 of products after discounts.
"""


def test_pipe_table_rows_carry_their_headers() -> None:
    passages = file_passages(PIPE_PAGE, "shipping.md")
    zones = next(p for p in passages if p.title == "Shipping > Zones and costs")
    lines = zones.text.splitlines()
    assert (
        "Zone: 2; Destination: Belgium, Germany; Standard shipping: €5.95; Free from: €79." in lines
    )
    assert "Destination: Mainland China; Standard shipping: see our Chinese page." in lines
    # The condition under the table stays with it.
    assert "counts after discounts" in zones.text


def test_bold_questions_become_faq_entries() -> None:
    passages = file_passages(PIPE_PAGE, "shipping.md")
    titles = [p.title for p in passages]
    assert "Shipping > Frequently asked questions > Do you deliver on Saturdays?" in titles
    saturday = passages[
        titles.index("Shipping > Frequently asked questions > Do you deliver on Saturdays?")
    ]
    assert "Switzerland" not in saturday.text


def test_aligned_plain_text_table() -> None:
    lines = [
        "  Destination              Last order date (15:00 CET)",
        "  -----------------------  ---------------------------",
        "  Netherlands, standard    Monday 21 December",
        "  Germany, express         Monday 21 December",
        "",
        "These dates are estimates.",
    ]
    out = linearize_tables(lines)
    assert (
        "Destination: Netherlands, standard; Last order date (15:00 CET): Monday 21 December."
        in out
    )
    assert out[-1] == "These dates are estimates."


def test_chinese_table_uses_chinese_punctuation() -> None:
    assert (
        row_line(["配送方式", "运费"], ["国际标准快递", "€26.95"])
        == "配送方式：国际标准快递；运费：€26.95。"
    )


def test_long_table_is_cut_between_rows_and_prices_are_not_sentence_ends() -> None:
    rows = "\n".join(
        f"Zone: {i}; Price: €{i}.95; Delivery: {i}–{i + 1} working days." for i in range(40)
    )
    pieces = chunk([rows], limit=60)
    assert len(pieces) > 1
    for piece in pieces:
        assert all(line.startswith("Zone: ") for line in piece.splitlines())
