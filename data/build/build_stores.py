"""Build the two evaluation stores in `data/stores/`: one shaped like a Shopify store, one like a
WooCommerce store, each in its platform's own API payloads.

Run from the repository root: `PYTHONPATH=. python data/build/build_stores.py`. Deterministic:
the specs (`shopify_store.py`, `woocommerce_store.py`) give the same files every time. Times
in the files are absolute against `GENERATED_AT`; the platform fakes
(`bot.orders.platforms.*_fake`) move them so that "now" is the moment a fake starts, which
keeps every age (delivered 29 days ago, ...) what the README says.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(HERE), str(ROOT)]

import shopify_store  # noqa: E402  (this folder is on sys.path)
import woocommerce_store  # noqa: E402
from stores import seed_store  # noqa: E402

from bot.orders.platforms.seed import COUNTRY_NAMES, StoreSeed  # noqa: E402
from bot.orders.platforms.shopify_data import render_shopify  # noqa: E402
from bot.orders.platforms.woocommerce_data import render_woocommerce  # noqa: E402
from bot.settings import OrdersSettings  # noqa: E402

GENERATED_AT = datetime(2025, 6, 2, 15, 0, tzinfo=UTC)
OUT = ROOT / "data" / "stores"
STORES = {
    "harbour-pine-shopify": ("shopify", shopify_store),
    "qingzhu-home-woocommerce": ("woocommerce", woocommerce_store),
}
# The order statuses each platform shows, by the state shopbot's evaluation records.
PLATFORM_STATUS = {
    "shopify": {
        "pending": "Unfulfilled (no fulfillment yet; payment paid or authorized)",
        "processing": "Unfulfilled, with a fulfillment in progress (fulfillment status `open`)",
        "packed": "Fulfilled, shipment status `label_printed` (label bought, not picked up)",
        "shipped": "Fulfilled, shipment status `in_transit`",
        "out_for_delivery": "Fulfilled, shipment status `out_for_delivery`",
        "delivered": "Fulfilled, shipment status `delivered`",
        "cancelled": "Cancelled (`cancelled_at` set; payment refunded or voided)",
    },
    "woocommerce": {
        "pending": "`processing` (paid, not shipped), `on-hold` (payment authorized or "
        "awaited) or `pending` (awaiting payment)",
        "processing": "`packing` (a custom status: the warehouse is packing it)",
        "packed": "`ready-to-ship` (a custom status: packed, waiting for the carrier)",
        "shipped": "`completed` with tracking (Shipment Tracking), TrackShip says in transit",
        "out_for_delivery": "`completed`, TrackShip says out for delivery",
        "delivered": "`delivered` (the Advanced Shipment Tracking status)",
        "cancelled": "`cancelled` (unpaid) or `refunded` (paid, then cancelled)",
    },
}


def write_store(folder: str, platform: str, spec: ModuleType) -> StoreSeed:
    seed = seed_store(
        spec.NAME,
        spec.PREFIX,
        spec.CURRENCY,
        spec.PRODUCTS,
        spec.CUSTOMERS,
        spec.ORDERS,
        spec.number,
        spec.RANDOM_SEED,
    )
    render = render_shopify if platform == "shopify" else render_woocommerce
    data = render(seed, GENERATED_AT)
    target = OUT / folder
    target.mkdir(parents=True, exist_ok=True)
    for old in target.glob("*.json"):
        old.unlink()
    data.pop("ids")
    files = []
    for key, value in data.items():
        path = target / f"{key}.json"
        path.write_text(json.dumps(value, ensure_ascii=False, indent=1) + "\n", "utf-8")
        files.append(path.name)
    store = {
        "platform": platform,
        "name": spec.NAME,
        "currency": spec.CURRENCY,
        "generated_at": GENERATED_AT.isoformat(),
        "files": sorted(files),
        "settings": {"orders": spec.SETTINGS},
    }
    (target / "store.json").write_text(json.dumps(store, ensure_ascii=False, indent=1) + "\n")
    shown = {_number(o, platform): _native_status(o, platform) for o in data["orders"]}
    (target / "README.md").write_text(readme(folder, platform, seed, spec, shown), "utf-8")
    return seed


def _number(order: dict[str, Any], platform: str) -> str:
    return order["name"] if platform == "shopify" else order["number"]


def _native_status(order: dict[str, Any], platform: str) -> str:
    """The order's status as the platform's admin shows it."""
    if platform == "woocommerce":
        return f"WooCommerce: `{order['status']}`"
    if order["cancelled_at"]:
        return f"Shopify: cancelled, {order['financial_status']}"
    shipments = [f["shipment_status"] for f in order["fulfillments"] if f["shipment_status"]]
    fulfilled = order["fulfillment_status"] or (
        "unfulfilled, fulfillment in progress" if order["fulfillments"] else "unfulfilled"
    )
    return ", ".join([f"Shopify: {order['financial_status']}", fulfilled, *shipments])


def _ago(hours: float) -> str:
    if hours < 48:
        return f"{round(hours)} h ago"
    return f"{round(hours / 24)} d ago"


def _address(a: dict[str, str]) -> str:
    parts = [a["line1"], a.get("line2", ""), a["city"], f"{a.get('region', '')} {a['postcode']}"]
    country = COUNTRY_NAMES.get(a["country"], a["country"])
    return ", ".join(p.strip() for p in parts if p.strip()) + f", {country}"


def _money(amount: float, currency: str) -> str:
    return f"{currency} {amount:,.2f}"


def readme(
    folder: str, platform: str, seed: StoreSeed, spec: ModuleType, shown: dict[str, str]
) -> str:
    policy = OrdersSettings.model_validate(spec.SETTINGS)
    cur = seed.currency
    platform_name = "Shopify" if platform == "shopify" else "WooCommerce"
    numbers = (
        "Order names are Shopify's `#` + number (e.g. `#1188`); shoppers may write them with or "
        "without `#`."
        if platform == "shopify"
        else "Order numbers are WooCommerce's plain integer order ids (e.g. `5231`)."
    )
    out = [
        f"# {seed.name} ({platform_name}-shaped evaluation store)",
        "",
        "**Generated** by `data/build/build_stores.py` (spec: "
        f"`data/build/{spec.__name__}.py`); do not edit by hand. The JSON files are the store "
        f"as {platform_name}'s Admin API returns it (see `bot/orders/platforms/{platform}_data.py` "
        f"for the documentation each payload follows); `shopbot eval orders --store "
        f"data/stores/{folder}` serves them through a fake {platform_name} API and shopbot's "
        f"`{platform}` connector.",
        "",
        f"- Currency: {cur}. {numbers}",
        f"- {len(seed.products)} products, {len(seed.customers)} customers, {len(seed.orders)} "
        'orders. Ages below ("3 d ago") hold whenever the store is served: the fake moves '
        "every time so that now is the moment it starts.",
        "- Line numbers: the items of an order are lines 1, 2, ... in the order listed.",
        "",
        "## Policy the bot applies to this store",
        "",
        '- Identity first: see the shopbot README ("Orders"). Customers, emails and postcodes '
        "are below.",
        "- Cancel: only orders not yet handed to the warehouse "
        f"({PLATFORM_STATUS[platform]['pending']}); later a person decides.",
        f"- Address change: while {' or '.join(policy.address_change_statuses)} (see the status "
        f"table), at most {policy.max_address_changes} change per order, same country only.",
        f"- Returns: within {policy.return_window_days} days of delivery "
        f"({policy.gold_return_window_days} for Gold customers); final-sale items never; refund "
        "to the original payment or store credit, after the items come back.",
        f"- Exchanges: for another size/colour/option of the same product, only for "
        f"{' and '.join(policy.exchange_categories)} items, within "
        f"{policy.exchange_window_days} days of delivery, once per item, only to a variant in "
        "stock.",
        "",
        "## Statuses",
        "",
        "| shopbot state (in the evaluation) | what the store shows |",
        "|---|---|",
        *[f"| `{k}` | {v} |" for k, v in PLATFORM_STATUS[platform].items()],
        "",
        "## Products",
        "",
        "| product | category | options → SKU, price (out of stock / units left) |",
        "|---|---|---|",
    ]
    for p in seed.products:
        entries = []
        for v in p["variants"]:
            opts = " / ".join(v["options"].values()) or "one variant"
            stock = seed.stock.get(v["sku"], 0)
            flag = " **out of stock**" if stock == 0 else (f" ({stock} left)" if stock < 3 else "")
            entries.append(f"{opts} → `{v['sku']}` {_money(v['price'], cur)}{flag}")
        final = " **Final sale.**" if p.get("final_sale") else ""
        out.append(f"| {p['name']}{final} | {p['category']} | {'; '.join(entries)} |")
    out += ["", "## Customers and their orders", ""]
    for c in seed.customers:
        extras = []
        if c["tier"] == "gold":
            extras.append("Gold")
        if c.get("alias"):
            extras.append(f"also written {c['alias']}")
        if c.get("guest"):
            extras.append("guest checkout, no account")
        tail = f" ({', '.join(extras)})" if extras else ""
        out.append(
            f"### {c['name']}{tail}\n\n- email `{c['email']}`, phone `{c['phone']}`, "
            f"postcode `{c['postcode'] or '(none)'}`\n- address: {_address(c['address'])}\n"
        )
        for o in [o for o in seed.orders if o["customer_id"] == c["id"]]:
            out.append(_order_text(o, shown[o["number"]], cur, platform))
        out.append("")
    out += _evaluation_section(seed, platform)
    return "\n".join(out) + "\n"


def _order_text(o: dict[str, Any], native: str, cur: str, platform: str) -> str:
    status = o["status"]
    facts = [f"placed {_ago(o['placed_hours_ago'])}"]
    if "delivered_days_ago" in o:
        facts.append(f"delivered {o['delivered_days_ago']} d ago")
    elif "shipped_days_ago" in o:
        facts.append(f"shipped {o['shipped_days_ago']} d ago")
    if "estimated_delivery_in_hours" in o:
        facts.append(f"expected in {o['estimated_delivery_in_hours']} h")
    if o["tracking_number"]:
        facts.append(f"{o['carrier']} tracking `{o['tracking_number']}`")
    pay = o["payments"][0]
    facts.append(f"paid by {pay['method'].replace('_', ' ')} ({pay['status']})")
    if o["address_changes"]:
        facts.append(f"address already changed {o['address_changes']}×")
    lines = []
    replaced = 0
    for i in o["items"]:
        opts = " / ".join(i["options"].values())
        text = f"{i['line_id']}: {i['name']}" + (f" ({opts})" if opts else "")
        text += f" ×{i['quantity']} `{i['sku']}` {_money(i['unit_price'], cur)}"
        if i["final_sale"]:
            text += " final sale"
        if i["status"] == "return_requested":
            text += " — return open"
        elif i["status"] == "returned":
            text += " — returned and refunded"
        elif i["status"] == "exchange_requested":
            text += f" — exchange open for `{i['exchange_sku']}`"
        elif i["exchanges"]:
            text += " — already exchanged once"
            if platform == "shopify":  # Shopify keeps the line it replaced, at quantity 0
                replaced += 1
                text += (
                    f" (the store's data also holds the line it replaced, line "
                    f"{len(o['items']) + replaced}, quantity 0)"
                )
        lines.append(text)
    ship = ""
    if o["address"]["postcode"] != "" and o["address"]["line1"] != "":
        ship = f" Ships to: {_address(o['address'])}."
    note = f" *{o['note']}*" if o.get("note") else ""
    return (
        f"- **`{o['number']}`** `{status}` ({native}): {', '.join(facts)}. "
        f"Items: {'; '.join(lines)}. Total {_money(o['payments'][0]['amount'], cur)}.{ship}{note}"
    )


def _evaluation_section(seed: StoreSeed, platform: str) -> list[str]:
    pending = next(o for o in seed.orders if o["status"] == "pending")
    paid = pending["payments"][0]
    refunded = paid["status"] == "captured"
    cancel = {
        "status": "cancelled",
        "payments": [{"method": paid["method"], "amount": paid["amount"],
                      "status": "refunded" if refunded else "released"}],
    }  # fmt: skip
    if refunded:
        cancel["refunds"] = [
            {"amount": paid["amount"], "method": "original_payment", "line_ids": []}
        ]
    delivered = next(o for o in seed.orders if o["status"] == "delivered")
    returned = {"items": {"1": {"status": "return_requested", "refund_method": "original_payment"}}}
    return [
        "## What an evaluation task checks (`expect` in `order_tasks.jsonl` format)",
        "",
        "After each run, every order's state is compared with the state at the start plus "
        "the task's `changes` (keyed by the order number exactly as listed above); anything "
        "not listed must be unchanged. Per order the state is `status` (the shopbot states "
        "above), `address` (`name`, `line1`, `line2`, `city`, `region`, `postcode`, "
        "`country` as a two-letter code), `address_changes`, `items` by line number (`sku`, "
        "`quantity`, `status`: `ordered` / `return_requested` / `returned` / "
        "`exchange_requested`, `exchanges`, `exchange_sku`, `refund_method`), `payments` "
        "(`method`, `amount`, `status`) and `refunds` (`amount`, `method`, `line_ids`); "
        "`reserved` counts units of a variant held for an exchange.",
        "",
        "What each change does to that state, e.g.:",
        "",
        f"- cancel `{pending['number']}`: `{_json({pending['number']: cancel})}`",
        "  (a payment taken is refunded in full, `refunds` gets the refund; a payment only "
        "authorized is `released` and no refund is added).",
        f"- return line 1 of `{delivered['number']}`: `{_json({delivered['number']: returned})}`"
        " (`store_credit` when the shopper chose store credit; the refund itself follows the "
        "inspection, so `payments` and `refunds` do not change).",
        '- exchange line 1 of an order for SKU X: `items` → `{"1": {"status": '
        '"exchange_requested", "exchanges": 1, "exchange_sku": "X"}}` and '
        '`reserved` → `{"X": 1}` (one unit per unit exchanged).',
        "- change the address: `address` → the new address (the name stays the order's when "
        "the shopper gives none), `address_changes` → one more.",
        "",
    ]


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def main() -> None:
    for folder, (platform, spec) in STORES.items():
        seed = write_store(folder, platform, spec)
        print(
            f"{folder}: {len(seed.products)} products, {len(seed.customers)} customers, "
            f"{len(seed.orders)} orders",
            file=sys.stderr,
        )


if __name__ == "__main__":
    main()
