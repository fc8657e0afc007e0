"""Expands the hand-written product lines into the demo catalog (JSON Lines and CSV)."""

from __future__ import annotations

import csv
import itertools
import json
import random
import re
from pathlib import Path

from catalog_spec import LINES

EDITIONS = {
    "": (1.0, ""),
    "Essential": (0.8, "The Essential edition keeps the same cut in a lighter, simpler build at a lower price."),
    "Premium": (1.35, "The Premium edition adds upgraded materials, reinforced stitching or finishes, and a gift box."),
}
SIZE_UPCHARGE = {"XXL": 3.0, "King": 30.0, "Bath Sheet": 10.0, "12 in": 12.0, "8x10 ft": 150.0,
                 "5x8 ft": 70.0, "5x7 ft": 40.0, "Large": 8.0, "4K UHD": 100.0, "20,000 mAh": 15.0,
                 "100W": 30.0, "65W": 15.0, "2 m": 4.0, "3 m": 7.0, "14 oz": 10.0, "10-Piece": 20.0,
                 "4-Pack": 45.0, "3-Pack": 25.0, "Set of 4": 48.0, "Set of 3": 20.0, "10 in": 8.0,
                 "8 in": 4.0, "Firm": 5.0, "Bath Towel": 0.0}
CODES = {"Blue": "BLU", "White": "WHT", "Black": "BLK", "Grey": "GRY", "Navy": "NVY"}


def code(value: str, length: int = 3) -> str:
    if value in CODES:
        return CODES[value]
    words = re.findall(r"[A-Za-z0-9]+", value)
    if len(words) > 1:
        return "".join(w[:2] for w in words).upper()[:6]
    return (words[0].upper()[:length] if words else "X")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def sku_prefix(name: str) -> str:
    words = [w for w in re.findall(r"[A-Za-z0-9]+", name) if w.lower() not in {"with", "and", "the"}]
    return "".join(w[0] for w in words).upper()[:4]


def build(rng: random.Random) -> list[dict]:
    products = []
    number = 1001
    seen_prefixes: dict[str, int] = {}
    for (category, brand, base, description, attributes, axes, price, twists) in LINES:
        for twist, edition in itertools.product(twists, EDITIONS):
            if edition == "Premium" and rng.random() < 0.55:
                continue
            factor, edition_note = EDITIONS[edition]
            name = " ".join(p for p in (edition, twist, base) if p)
            if twist.startswith(("Set", "Hand Towel", "Kids")):
                name = f"{base} {twist}" if not edition else f"{edition} {base} {twist}"
            prefix = sku_prefix(name)
            seen_prefixes[prefix] = seen_prefixes.get(prefix, 0) + 1
            if seen_prefixes[prefix] > 1:
                prefix = f"{prefix}{seen_prefixes[prefix]}"
            base_price = round(price * factor * (1.15 if twist else 1.0)) - 0.01 + 0.01
            base_price = float(int(base_price)) if base_price >= 10 else round(base_price, 2)
            text = description
            if twist:
                text += f" This {twist.lower()} version {twist_note(twist)}"
            if edition_note:
                text += " " + edition_note
            variants = []
            used: set[str] = set()
            names = list(axes)
            for values in itertools.product(*(axes[n] for n in names)):
                options = dict(zip(names, values, strict=True))
                extra = sum(SIZE_UPCHARGE.get(v, 0.0) for v in values)
                sku = "NW-" + prefix + "-" + "-".join(code(v) for v in values)
                while sku in used:
                    sku += "X"
                used.add(sku)
                variants.append({
                    "sku": sku,
                    "options": options,
                    "price": round(base_price + extra, 2),
                    "in_stock": rng.random() > 0.15,
                })
            if rng.random() < 0.03:
                for variant in variants:
                    variant["in_stock"] = False
            pid = f"P{number}"
            number += 1
            attrs = dict(attributes)
            products.append({
                "id": pid,
                "name": name,
                "description": text,
                "category": category,
                "brand": brand,
                "url": f"https://northwindlane.example/products/{slug(name)}-{pid.lower()}",
                "currency": "USD",
                "attributes": attrs,
                "price": min(v["price"] for v in variants),
                "in_stock": any(v["in_stock"] for v in variants),
                "variants": variants,
            })
    return products


def twist_note(twist: str) -> str:
    notes = {
        "Short-Sleeve": "has short sleeves for hot summer days.",
        "Band-Collar": "swaps the collar for a clean band collar.",
        "Slim": "is cut closer to the body.",
        "Striped": "comes in a fine university stripe.",
        "Sherpa-Lined": "is lined with warm recycled sherpa fleece.",
        "Pocket": "adds a chest pocket.",
        "Long-Sleeve": "has long sleeves with ribbed cuffs.",
        "Heavyweight": "uses a dense 300 gsm fabric that holds its shape.",
        "Tri-Blend": "is a soft cotton, polyester and rayon blend.",
        "Zip-Up": "opens with a full-length metal zip.",
        "Half-Zip": "has a half-length zip at the neck.",
        "Relaxed": "has a roomier seat and thigh.",
        "Cropped": "ends above the ankle.",
        "Tiered": "has a tiered, flowing skirt.",
        "Maxi": "falls to the ankle.",
        "Long": "is longer, covering the hips.",
        "Hooded": "has an insulated, adjustable hood.",
        "Vest": "is sleeveless for layering.",
        "High-Top": "covers the ankle.",
        "Slip-On": "has no laces and an elastic gusset.",
        "Trail": "has a grippy lugged outsole for trails.",
        "Wide": "comes in a wider fit.",
        "Suede": "is made from water-repellent suede.",
        "Hiking": "has extra cushioning under the heel and toe.",
        "No-Show": "sits below the shoe line.",
        "Fisherman": "has a shorter, shallower fit.",
        "Reversible": "turns from one colour to the other.",
        "Rolltop": "closes with a weatherproof roll top.",
        "Mini": "is a smaller, lighter size.",
        "Studio": "is tuned flat for monitoring and mixing.",
        "Kids": "limits the volume to 85 dB for young ears.",
        "Pro": "adds wireless charging and better microphones.",
        "Sport": "has wing tips that keep them in place during workouts.",
        "Lite": "drops a few features for a lower price.",
        "Dual-Port": "has two USB-C ports that share the power.",
        "Travel": "has folding prongs and a small carry pouch.",
        "3-in-1 Stand": "charges a phone, a watch and earbuds at once.",
        "Right-Angle": "has a 90-degree connector for gaming and cars.",
        "USB-A to USB-C": "connects older USB-A chargers and ports.",
        "Max": "is bigger and louder, with 24 hours of battery.",
        "Soundbar": "is a slim soundbar for the TV.",
        "Low-Profile": "uses low-profile switches and a thinner case.",
        "Full-Size": "adds a number pad.",
        "Vertical": "holds your hand in a handshake position.",
        "Compact": "is sized for travel.",
        "Outdoor": "is weatherproof (IP44) with two outlets.",
        "Filament": "has a vintage-style visible filament.",
        "Pan-Tilt": "turns 360° and follows motion.",
        "2K": "records in sharper 2K resolution.",
        "Rugged": "adds thicker corners for 15 ft drops.",
        "Wallet": "holds three cards in a leather sleeve.",
        "MagSafe": "snaps magnetically onto the back of a phone.",
        "Laptop 100W": "delivers 100 W to charge laptops.",
        "Curved 32-inch": "has a 32-inch 1500R curved panel.",
        "Sateen": "has a smooth, lustrous sateen weave.",
        "Cooling": "has a cooling gel layer.",
        "Waffle": "has a light waffle weave that dries fast.",
        "Hand Towel Set": "is a set of two hand towels.",
        "Grill Pan": "has raised ridges for grill marks.",
        "Dutch Oven": "is a 5-quart pot with a lid.",
        "Saucepan": "is a 2-quart saucepan with a lid.",
        "Stockpot": "is an 8-quart stockpot.",
        "Wok": "has high sloped sides for stir-fries.",
        "Santoku": "has a shorter, flatter blade.",
        "Bread": "has a serrated blade.",
        "Set of 3": "is a set of small, medium and large boards.",
        "Floor": "stands 60 inches tall.",
        "Clamp": "clamps to the edge of a desk.",
        "Architect": "has a long swing arm.",
        "Three-Wick": "has three wicks for a bigger room.",
        "Lidded": "comes with a woven lid.",
        "Set of 2": "is a nesting set of two.",
        "Round": "is round.",
        "Runner": "is a long runner for hallways.",
        "Espresso Cup": "holds 3 oz for espresso.",
        "Latte Bowl": "is a wide 16 oz bowl.",
        "Tumbler": "is a 20 oz tumbler with a straw lid.",
        "Self-Watering": "has a water reservoir in the base.",
        "Hanging": "hangs from a jute rope.",
    }
    return notes.get(twist, "is a variation of the classic.")


def write(products: list[dict], folder: Path) -> None:
    with (folder / "catalog.jsonl").open("w", encoding="utf-8") as handle:
        for product in products:
            handle.write(json.dumps(product, ensure_ascii=False) + "\n")
    option_names = sorted({n for p in products for v in p["variants"] for n in v["options"]})
    columns = ["product_id", "name", "description", "category", "brand", "url", "currency", "sku",
               "price", "in_stock"] + [f"option_{n}" for n in option_names]
    with (folder / "catalog.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for p in products:
            for v in p["variants"]:
                row = {"product_id": p["id"], "name": p["name"], "description": p["description"],
                       "category": p["category"], "brand": p["brand"], "url": p["url"],
                       "currency": p["currency"], "sku": v["sku"], "price": f"{v['price']:.2f}",
                       "in_stock": "true" if v["in_stock"] else "false"}
                for n, value in v["options"].items():
                    row[f"option_{n}"] = value
                writer.writerow(row)
