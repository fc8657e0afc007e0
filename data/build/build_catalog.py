"""Expands the hand-written product lines into the demo catalog (JSON Lines and CSV)."""

from __future__ import annotations

import csv
import itertools
import json
import random
import re
from pathlib import Path

from catalog_more import EXTRA_LINES, MORE_LINES, MORE_MODELS
from catalog_spec import LINES

# fmt: off
SIZE_UPCHARGE = {"XXL": 3.0, "King": 30.0, "Bath Sheet": 10.0, "12 in": 12.0, "8x10 ft": 150.0,
                 "5x8 ft": 70.0, "5x7 ft": 40.0, "Large": 8.0, "4K UHD": 100.0, "20,000 mAh": 15.0,
                 "100W": 30.0, "65W": 15.0, "2 m": 4.0, "3 m": 7.0, "14 oz": 10.0, "10-Piece": 20.0,
                 "4-Pack": 45.0, "3-Pack": 25.0, "Set of 4": 48.0, "Set of 3": 20.0, "10 in": 8.0,
                 "8 in": 4.0, "Firm": 5.0, "Bath Towel": 0.0, "Queen": 20.0, "Full": 10.0,
                 "5.5 qt": 40.0, "7 qt": 70.0, "3 qt": 40.0, "14 in": 10.0, "10 m": 30.0,
                 "5 m": 12.0,
                 "15 lb": 20.0, "20 lb": 40.0, "All-Season": 40.0, "Dual": 60.0, "20 in": 30.0,
                 "16 in": 15.0, "Height-Adjustable Stand": 40.0, "Tall": 15.0, "2-Pack": 20.0,
                 "3-Piece with Rack": 15.0, "1.5 m": 3.0, "0.8 m": 0.0, "Standard": 0.0,
                 "Pull-Through": -10.0, "Set of 2": 0.0, "22 mm": 3.0, "iPhone 16 Pro": 0.0}
# Models of the lines in catalog_spec.py whose price is lower than the base model's.
TWIST_FACTOR = {"Mini": 0.7, "Lite": 0.75, "Compact": 0.85, "Espresso Cup": 0.75, "Vest": 0.75,
                "Hand Towel Set": 0.8, "Runner": 0.8, "Cropped": 0.95, "Slip-On": 0.95,
                "Round": 1.0, "Saucepan": 0.8, "Santoku": 0.9, "Bread": 0.6, "Set of 3": 1.6,
                "Set of 2": 1.7, "Floor": 1.9, "Clamp": 0.9, "Dual-Port": 1.3, "Travel": 1.1,
                "3-in-1 Stand": 2.0, "Max": 1.9, "Soundbar": 1.7, "Curved 32-inch": 1.45,
                "Laptop 100W": 2.2, "Stockpot": 1.3, "Dutch Oven": 2.2, "Grill Pan": 1.1,
                "Latte Bowl": 1.1, "Tumbler": 1.05, "Filament": 1.2, "2K": 1.45, "Pan-Tilt": 1.35}
# Full names of models of catalog_spec.py lines where "<model> <base>" reads badly.
TWIST_NAMES = {
    ("Classic Pullover Hoodie", "Zip-Up"): "Classic Zip-Up Hoodie",
    ("Classic Pullover Hoodie", "Heavyweight"): "Heavyweight Pullover Hoodie",
    ("Tech Fleece Hoodie", "Half-Zip"): "Half-Zip Tech Fleece Pullover",
    ("Down Puffer Jacket", "Vest"): "Down Puffer Vest",
    ("Wireless Over-Ear Headphones", "Studio"): "Studio Over-Ear Headphones",
    ("Wireless Charging Pad", "3-in-1 Stand"): "3-in-1 Wireless Charging Stand",
    ("Smart Home Speaker", "Soundbar"): "Smart Soundbar",
    ("Smart LED Bulb", "Filament"): "Smart Filament Bulb",
    ("Indoor Security Camera", "Pan-Tilt"): "Pan-Tilt Indoor Security Camera",
    ("Power Bank", "Laptop 100W"): "Laptop Power Bank 100W",
    ("Power Bank", "MagSafe"): "MagSafe Power Bank",
    ("27-inch Monitor", "Curved 32-inch"): "32-inch Curved Monitor",
    ("Turkish Cotton Bath Towel", "Hand Towel Set"): "Turkish Cotton Hand Towel Set",
    ("Turkish Cotton Bath Towel", "Waffle"): "Waffle Bath Towel",
    ("Cast Iron Skillet", "Grill Pan"): "Cast Iron Grill Pan",
    ("Cast Iron Skillet", "Dutch Oven"): "Cast Iron Dutch Oven",
    ("Stainless Steel Frying Pan", "Saucepan"): "Stainless Steel Saucepan",
    ("Stainless Steel Frying Pan", "Stockpot"): "Stainless Steel Stockpot",
    ("Non-Stick Frying Pan", "Wok"): "Non-Stick Wok",
    ("Chef's Knife", "Santoku"): "Santoku Knife",
    ("Chef's Knife", "Bread"): "Bread Knife",
    ("Bamboo Cutting Board", "Set of 3"): "Bamboo Cutting Board Set of 3",
    ("Ceramic Table Lamp", "Floor"): "Ceramic Floor Lamp",
    ("Woven Storage Basket", "Set of 2"): "Woven Storage Basket Set of 2",
    ("Stoneware Mug", "Espresso Cup"): "Stoneware Espresso Cup",
    ("Stoneware Mug", "Latte Bowl"): "Stoneware Latte Bowl",
    ("Insulated Travel Mug", "Tumbler"): "Insulated Tumbler",
    ("Jute Area Rug", "Runner"): "Jute Runner Rug",
    ("Jute Area Rug", "Round"): "Round Jute Rug",
    ("Clear MagSafe Case", "Rugged"): "Rugged MagSafe Case",
    ("Clear MagSafe Case", "Wallet"): "Wallet MagSafe Case",
    ("Smart Plug", "Outdoor"): "Outdoor Smart Plug",
    ("True Wireless Earbuds", "Pro"): "True Wireless Earbuds Pro",
    ("Open-Ear Sport Earbuds", "Lite"): "Open-Ear Sport Earbuds Lite",
    ("Portable Bluetooth Speaker", "Max"): "Portable Bluetooth Speaker Max",
    ("Mechanical Keyboard", "Full-Size"): "Full-Size Mechanical Keyboard",
}
SKIP_TWISTS = {("Wireless Over-Ear Headphones", "Kids")}  # a line of its own in catalog_more.py
# Variants the demo and the tests rely on: (product name, options) -> in stock?
FIXED_STOCK = {
    ("Linen Button-Down Shirt", ("Blue", "S")): True,
    ("Linen Button-Down Shirt", ("Blue", "M")): True,
    ("Linen Button-Down Shirt", ("Blue", "L")): True,
    ("Linen Button-Down Shirt", ("Blue", "XL")): False,
    ("Linen Button-Down Shirt", ("White", "M")): True,
    ("Crew Neck T-Shirt", ("Blue", "S")): True, ("Crew Neck T-Shirt", ("Blue", "M")): True,
    ("Crew Neck T-Shirt", ("Blue", "L")): True,
    ("Classic Pullover Hoodie", ("Black", "S")): True,
    ("Classic Pullover Hoodie", ("Black", "M")): True,
    ("Classic Pullover Hoodie", ("Black", "L")): True,
    ("Classic Pullover Hoodie", ("Black", "XL")): False,
}
FULLY_OUT = {"Wool Blend Car Coat", "Sunrise Alarm Clock", "Portable USB-C Monitor 4K",
             "Waxed Cotton Field Jacket", "Graphic Tee — Trail Map", "Copper Saucier",
             "Smart Outdoor Light Strip", "Hand-Thrown Mug"}
CODES = {"Blue": "BLU", "White": "WHT", "Black": "BLK", "Grey": "GRY", "Navy": "NVY",
         "Green": "GRN", "Brown": "BRN", "Pink": "PNK", "Orange": "ORG", "Silver": "SLV",
         "Olive": "OLV"}

# fmt: on


def code(value: str) -> str:
    if value in CODES:
        return CODES[value]
    words = re.findall(r"[A-Za-z0-9]+", value)
    if not words:
        return "X"
    if any(ch.isdigit() for ch in value):
        return "".join(
            w if any(c.isdigit() for c in w) or len(w) <= 3 else w[0] for w in words
        ).upper()[:8]
    if len(words) > 1:
        return "".join(w[:2] for w in words).upper()[:6]
    word = words[0].upper()
    return word if len(word) <= 4 else word[:3]


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def sku_prefix(name: str) -> str:
    words = [
        w
        for w in re.findall(r"[A-Za-z0-9]+", name)
        if w.lower() not in {"with", "and", "the", "of"}
    ]
    if len(words) == 1:
        return words[0][:4].upper()
    return "".join(w[0] if not w.isdigit() else w for w in words).upper()[:5]


def _model_text(description: str, note: str) -> str:
    """A model's description: its own ("=...") or the line's followed by what the model adds."""
    return note[1:] if note.startswith("=") else f"{description} {note}"


def _models():
    """(category, brand, name, description, attributes, axes, price) for every product."""
    for category, brand, base, description, attributes, axes, price, twists in LINES:
        for twist in twists:
            if (base, twist) in SKIP_TWISTS:
                continue
            if not twist:
                yield category, brand, base, description, attributes, axes, price
                continue
            name = TWIST_NAMES.get((base, twist), f"{twist} {base}")
            factor = TWIST_FACTOR.get(twist, 1.15)
            text = f"{description} This {twist.lower()} version {twist_note(twist)}"
            yield category, brand, name, text, attributes, axes, price * factor
        for name, note, factor in MORE_MODELS.get(base, []):
            yield (
                category,
                brand,
                name,
                _model_text(description, note),
                attributes,
                axes,
                price * factor,
            )
    for category, brand, base, description, attributes, axes, price, models in (
        MORE_LINES + EXTRA_LINES
    ):
        yield category, brand, base, description, attributes, axes, price
        for name, note, factor in models:
            yield (
                category,
                brand,
                name,
                _model_text(description, note),
                attributes,
                axes,
                price * factor,
            )


def _price(value: float) -> float:
    return round(value, 2) if value < 10 else float(round(value))


def build(rng: random.Random) -> list[dict]:
    products = []
    number = 1001
    seen_prefixes: dict[str, int] = {}
    for category, brand, name, text, attributes, axes, raw_price in _models():
        prefix = sku_prefix(name)
        seen_prefixes[prefix] = seen_prefixes.get(prefix, 0) + 1
        if seen_prefixes[prefix] > 1:
            prefix = f"{prefix}{seen_prefixes[prefix]}"
        base_price = _price(raw_price)
        variants = []
        used: set[str] = set()
        names = list(axes)
        codes: dict[str, str] = {}
        for n in names:
            seen: set[str] = set()
            for value in axes[n]:
                c = code(value)
                if c in seen:
                    c = re.sub(r"[^A-Z0-9]", "", value.upper())[:8]
                seen.add(c)
                codes[value] = c
        for values in itertools.product(*(axes[n] for n in names)):
            options = dict(zip(names, values, strict=True))
            extra = sum(SIZE_UPCHARGE.get(v, 0.0) for v in values)
            sku = "NW-" + prefix + "-" + "-".join(codes[v] for v in values)
            while sku in used:
                sku += "X"
            used.add(sku)
            in_stock = FIXED_STOCK.get((name, tuple(values)), rng.random() > 0.15)
            variants.append(
                {
                    "sku": sku,
                    "options": options,
                    "price": round(max(base_price + extra, 1.0), 2),
                    "in_stock": in_stock,
                }
            )
        if name in FULLY_OUT:
            for variant in variants:
                variant["in_stock"] = False
        elif all(not v["in_stock"] for v in variants):
            variants[0]["in_stock"] = True
        pid = f"P{number}"
        number += 1
        attrs = dict(attributes)
        if category.startswith("Electronics") and "warranty_months" not in attrs:
            attrs["warranty_months"] = 24 if brand == "Voltline" else 12
        products.append(
            {
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
            }
        )
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
    columns = [
        "product_id",
        "name",
        "description",
        "category",
        "brand",
        "url",
        "currency",
        "sku",
        "price",
        "in_stock",
    ] + [f"option_{n}" for n in option_names]
    with (folder / "catalog.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for p in products:
            for v in p["variants"]:
                row = {
                    "product_id": p["id"],
                    "name": p["name"],
                    "description": p["description"],
                    "category": p["category"],
                    "brand": p["brand"],
                    "url": p["url"],
                    "currency": p["currency"],
                    "sku": v["sku"],
                    "price": f"{v['price']:.2f}",
                    "in_stock": "true" if v["in_stock"] else "false",
                }
                for n, value in v["options"].items():
                    row[f"option_{n}"] = value
                writer.writerow(row)
