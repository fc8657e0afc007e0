"""A store in shopbot's own seed format, the input of the platform renderers.

The seed is the demo orders file's shape (`data/orders/demo_orders.json`: customers, orders
with times relative to now, stock) plus the catalog it names (catalog JSON Lines). Renderers
turn it into each platform's own payloads with absolute times.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.errors import InputError


@dataclass
class StoreSeed:
    """Customers, orders and catalog of one store, as shopbot's seed format holds them."""

    name: str
    customers: list[dict[str, Any]]
    orders: list[dict[str, Any]]
    products: list[dict[str, Any]]  # catalog lines
    stock: dict[str, int]  # sku -> units on hand
    currency: str = "USD"
    extra: dict[str, Any] = field(default_factory=dict)

    def product(self, product_id: str) -> dict[str, Any]:
        return next(p for p in self.products if p["id"] == product_id)

    def customer(self, customer_id: str) -> dict[str, Any]:
        return next(c for c in self.customers if c["id"] == customer_id)


def read_seed(seed_file: Path) -> StoreSeed:
    """A seed file and the catalog it names (relative to the seed file)."""
    try:
        seed = json.loads(seed_file.read_text(encoding="utf-8"))
        catalog = (seed_file.parent / seed.get("catalog", "../catalog.jsonl")).resolve()
        products = [
            json.loads(line)
            for line in catalog.read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
    except (OSError, ValueError) as exc:
        raise InputError(
            f"cannot read the store seed or its catalog: {exc}", path=str(seed_file)
        ) from exc
    default = int(seed.get("stock", {}).get("default_quantity", 10))
    overrides = seed.get("stock", {}).get("overrides", {})
    stock = {
        v["sku"]: int(overrides.get(v["sku"], default if v.get("in_stock", True) else 0))
        for p in products
        for v in p.get("variants") or []
    }
    return StoreSeed(
        name=seed.get("store", "Northwind Lane"),
        customers=seed["customers"],
        orders=seed["orders"],
        products=products,
        stock=stock,
    )


def when(record: dict[str, Any], prefix: str, now: datetime) -> datetime | None:
    """``placed_days_ago`` / ``..._hours_ago`` / ``..._in_days`` / ``..._in_hours`` → a time."""
    for suffix, sign, unit in (
        ("_days_ago", -1, "days"),
        ("_hours_ago", -1, "hours"),
        ("_in_days", 1, "days"),
        ("_in_hours", 1, "hours"),
    ):
        if f"{prefix}{suffix}" in record:
            return now + sign * timedelta(**{unit: float(record[f"{prefix}{suffix}"])})
    return None


def split_name(name: str) -> tuple[str, str]:
    """(first, last): "Emma Johnson" → ("Emma", "Johnson"), "王芳" → ("芳", "王"),
    "欧阳娜娜" → ("娜娜", "欧阳"), "Zoë de la Cruz" → ("Zoë", "de la Cruz")."""
    name = " ".join(name.split())
    if name and all("\u4e00" <= ch <= "\u9fff" for ch in name):
        surname = 2 if name[:2] in _COMPOUND_SURNAMES and len(name) > 2 else 1
        return name[surname:], name[:surname]
    first, _, last = name.partition(" ")
    return first, last


_COMPOUND_SURNAMES = {"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "慕容", "令狐", "夏侯"}


def money(value: float) -> str:
    return f"{value:.2f}"


COUNTRY_NAMES = {
    "US": "United States",
    "CA": "Canada",
    "GB": "United Kingdom",
    "CN": "China",
    "DE": "Germany",
    "FR": "France",
    "AU": "Australia",
    "IE": "Ireland",
    "JP": "Japan",
    "HK": "Hong Kong SAR",
    "TW": "Taiwan",
    "SG": "Singapore",
    "ES": "Spain",
    "MX": "Mexico",
    "SE": "Sweden",
    "IT": "Italy",
    "DK": "Denmark",
    "NL": "Netherlands",
}
REGION_NAMES = {
    "US": {
        "AZ": "Arizona", "CA": "California", "CO": "Colorado", "DC": "District of Columbia",
        "FL": "Florida", "GA": "Georgia", "IL": "Illinois", "MA": "Massachusetts",
        "MI": "Michigan", "MN": "Minnesota", "MO": "Missouri", "NC": "North Carolina",
        "NJ": "New Jersey", "NY": "New York", "OH": "Ohio", "OR": "Oregon", "PA": "Pennsylvania",
        "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VA": "Virginia",
        "WA": "Washington", "WI": "Wisconsin",
    },
    "CA": {
        "AB": "Alberta", "BC": "British Columbia", "MB": "Manitoba", "NB": "New Brunswick",
        "NS": "Nova Scotia", "ON": "Ontario", "QC": "Quebec",
    },
    "CN": {
        "BJ": "Beijing", "SH": "Shanghai", "GD": "Guangdong", "ZJ": "Zhejiang",
        "SC": "Sichuan", "JS": "Jiangsu", "HB": "Hubei", "FJ": "Fujian",
    },
    "AU": {"NSW": "New South Wales", "VIC": "Victoria"},
}  # fmt: skip
