"""The product catalog: JSON Lines / JSON / CSV records into product and variant passages."""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.errors import InputError
from retrieval.documents import Passage, RecordError
from retrieval.loading import LoadResult, read_text, safe_id

_PRODUCT_FIELDS = {
    "id", "product_id", "name", "title", "description", "category", "brand", "url", "currency",
    "attributes", "price", "in_stock", "variants", "sku", "stock", "quantity", "options",
}  # fmt: skip
_OPTION_PREFIX = re.compile(r"^(?:option|opt)[_:\s.-]+(.+)$", re.IGNORECASE)
_ATTR_PREFIX = re.compile(r"^(?:attribute|attr)[_:\s.-]+(.+)$", re.IGNORECASE)
_TRUE = {"true", "yes", "y", "1", "in stock", "instock", "available", "t"}
_FALSE = {"false", "no", "n", "0", "out of stock", "outofstock", "unavailable", "f", "sold out"}


@dataclass
class Variant:
    sku: str
    options: dict[str, str]
    price: float | None
    in_stock: bool | None


@dataclass
class Product:
    id: str
    name: str
    description: str = ""
    category: str | None = None
    brand: str | None = None
    url: str | None = None
    currency: str | None = None
    price: float | None = None
    in_stock: bool | None = None
    sku: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    variants: list[Variant] = field(default_factory=list)


# -- field parsing ----------------------------------------------------------------------------


def _text(value: Any, name: str, *, required: bool = False) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValueError(f"missing {name!r}")
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"{name!r} must be text, not {type(value).__name__}")
    return str(value).strip()


def _price(value: Any, name: str = "price") -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(f"{name!r} must be a number, not {value!r}")
    if isinstance(value, str):
        cleaned = re.sub(r"[^\d.,-]", "", value).replace(",", ".")
        try:
            value = float(cleaned)
        except ValueError:
            raise ValueError(f"{name!r} must be a number, not {value!r}") from None
    if not isinstance(value, int | float) or value != value or value < 0:
        raise ValueError(f"{name!r} must be a non-negative number, not {value!r}")
    return float(value)


def _bool(value: Any, name: str = "in_stock") -> bool | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value > 0
    if isinstance(value, str):
        text = value.strip().casefold()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        if text.isdigit():
            return int(text) > 0
    raise ValueError(f"{name!r} must be true/false, not {value!r}")


def _str_map(value: Any, name: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError(f"{name!r} must be an object of name: value")
    return {str(k).strip(): _join(v) for k, v in value.items() if v is not None and str(v).strip()}


def _join(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value).strip()


def product_from_json(record: Any) -> Product:
    """Validate one JSON catalog record (raises ValueError saying what is wrong)."""
    if not isinstance(record, dict):
        raise ValueError("a product must be a JSON object")
    pid = _text(record.get("id", record.get("product_id")), "id", required=True)
    name = _text(record.get("name", record.get("title")), "name", required=True)
    assert pid is not None and name is not None
    stock = record.get("in_stock")
    if stock is None and record.get("stock", record.get("quantity")) is not None:
        stock = record.get("stock", record.get("quantity"))
    product = Product(
        id=pid,
        name=name,
        description=_text(record.get("description"), "description") or "",
        category=_text(record.get("category"), "category"),
        brand=_text(record.get("brand"), "brand"),
        url=_text(record.get("url"), "url"),
        currency=_text(record.get("currency"), "currency"),
        price=_price(record.get("price")),
        in_stock=_bool(stock),
        sku=_text(record.get("sku"), "sku"),
        attributes=_str_map(record.get("attributes"), "attributes"),
    )
    extra = {k: v for k, v in record.items() if k not in _PRODUCT_FIELDS}
    for key, value in extra.items():
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            product.attributes.setdefault(key, str(value))
    variants = record.get("variants") or []
    if not isinstance(variants, list):
        raise ValueError("'variants' must be a list")
    seen: set[str] = set()
    for n, raw in enumerate(variants, 1):
        if not isinstance(raw, dict):
            raise ValueError(f"variant {n} must be a JSON object")
        try:
            sku = _text(raw.get("sku"), "sku", required=True)
            assert sku is not None
            if sku in seen:
                raise ValueError(f"duplicate sku {sku!r}")
            seen.add(sku)
            vstock = raw.get("in_stock", raw.get("stock", raw.get("quantity")))
            variant = Variant(
                sku=sku,
                options=_str_map(raw.get("options"), "options"),
                price=_price(raw.get("price")),
                in_stock=_bool(vstock),
            )
        except ValueError as exc:
            raise ValueError(f"variant {n}: {exc}") from None
        product.variants.append(variant)
    return product


# -- reading files ----------------------------------------------------------------------------


def load_catalog(path: Path) -> LoadResult:
    """Read a catalog (``.jsonl``/``.ndjson``, ``.json`` list, or ``.csv``) into passages."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        products, errors = _read_csv(path)
    elif suffix == ".json":
        products, errors = _read_json(path)
    else:
        products, errors = _read_jsonl(path)
    result = LoadResult(errors=errors, records=len(products) + len(errors))
    for product in products:
        result.passages.extend(product_passages(product))
    return result


def _read_jsonl(path: Path) -> tuple[list[Product], list[RecordError]]:
    products: list[Product] = []
    errors: list[RecordError] = []
    seen: dict[str, int] = {}
    for line_no, line in enumerate(read_text(path).splitlines(), 1):
        if not line.strip():
            continue
        key = None
        try:
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"invalid JSON: {exc.msg} (column {exc.colno})") from None
            if isinstance(record, dict) and record.get("id") is not None:
                key = str(record.get("id")).strip()
            product = product_from_json(record)
            if product.id in seen:
                raise ValueError(
                    f"duplicate product id {product.id!r} (first on line {seen[product.id]})"
                )
            seen[product.id] = line_no
            products.append(product)
        except ValueError as exc:
            errors.append(RecordError(str(path), line_no, str(exc), key))
    return products, errors


def _read_json(path: Path) -> tuple[list[Product], list[RecordError]]:
    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", path=str(path), line=exc.lineno) from exc
    if isinstance(data, dict) and isinstance(data.get("products"), list):
        data = data["products"]
    if not isinstance(data, list):
        raise InputError("a JSON catalog must be a list of products", path=str(path))
    products: list[Product] = []
    errors: list[RecordError] = []
    for n, record in enumerate(data, 1):
        try:
            products.append(product_from_json(record))
        except ValueError as exc:
            key = str(record.get("id")) if isinstance(record, dict) else None
            errors.append(RecordError(str(path), None, f"product {n}: {exc}", key))
    return products, errors


def _csv_column(name: str) -> tuple[str, str]:
    """Classify a CSV header: ('option', name) / ('attribute', name) / ('field', name)."""
    clean = name.strip()
    if m := _OPTION_PREFIX.match(clean):
        return "option", m.group(1).strip()
    if m := _ATTR_PREFIX.match(clean):
        return "attribute", m.group(1).strip()
    lowered = clean.casefold().replace(" ", "_")
    if lowered in _PRODUCT_FIELDS | {"variant_sku", "variant_price"}:
        return "field", lowered.replace("variant_", "")
    return "attribute", clean


def _read_csv(path: Path) -> tuple[list[Product], list[RecordError]]:
    text = read_text(path)
    reader = csv.DictReader(text.splitlines(keepends=True))
    if not reader.fieldnames:
        return [], []
    columns = {name: _csv_column(name) for name in reader.fieldnames if name}
    fields = {v[1] for v in columns.values() if v[0] == "field"}
    if "product_id" not in fields and "id" not in fields:
        raise InputError("a CSV catalog needs a product_id column", path=str(path), line=1)
    groups: dict[str, list[tuple[int, dict[str, Any], dict[str, str], dict[str, str]]]] = {}
    errors: list[RecordError] = []
    bad: set[str] = set()
    line_no = 1
    for row in reader:
        line_no = reader.line_num
        plain: dict[str, Any] = {}
        options: dict[str, str] = {}
        attributes: dict[str, str] = {}
        for column, value in row.items():
            if column is None or column not in columns or value is None or not value.strip():
                continue
            kind, name = columns[column]
            target = options if kind == "option" else attributes if kind == "attribute" else None
            if target is not None:
                target[name] = value.strip()
            else:
                plain[name] = value.strip()
        if not any(plain.values()) and not options:
            continue
        pid = plain.get("product_id") or plain.get("id")
        if not pid:
            errors.append(RecordError(str(path), line_no, "missing 'product_id'"))
            continue
        groups.setdefault(pid, []).append((line_no, plain, options, attributes))
    products: list[Product] = []
    for pid, rows in groups.items():
        try:
            products.append(_product_from_rows(pid, rows))
        except ValueError as exc:
            line, msg = exc.args if len(exc.args) == 2 else (rows[0][0], str(exc))
            errors.append(RecordError(str(path), line, str(msg), pid))
            bad.add(pid)
    return products, errors


def _product_from_rows(
    pid: str, rows: list[tuple[int, dict[str, Any], dict[str, str], dict[str, str]]]
) -> Product:
    """One product from its CSV rows (one per variant); ValueError(line, message) if bad."""
    first: dict[str, Any] = {}
    attributes: dict[str, str] = {}
    for _, plain, _, attrs in rows:
        for key, value in plain.items():
            first.setdefault(key, value)
        for key, value in attrs.items():
            attributes.setdefault(key, value)
    line = rows[0][0]
    try:
        record = {k: v for k, v in first.items() if k not in {"sku", "price", "in_stock"}}
        record["id"] = pid
        record["attributes"] = attributes
        if len(rows) == 1 and not rows[0][2]:
            plain = rows[0][1]
            record.update({k: plain.get(k) for k in ("sku", "price", "in_stock")})
            return product_from_json(record)
        variants: list[dict[str, Any]] = []
        for _, plain, options, _ in rows:
            variants.append(
                {
                    "sku": plain.get("sku") or f"{pid}-{len(variants) + 1}",
                    "options": options,
                    "price": plain.get("price"),
                    "in_stock": plain.get("in_stock", plain.get("stock")),
                }
            )
        record["variants"] = variants
        return product_from_json(record)
    except ValueError as exc:
        if m := re.match(r"variant (\d+):", str(exc)):
            line = rows[min(int(m.group(1)), len(rows)) - 1][0]
        raise ValueError(line, str(exc)) from None


# -- passages ---------------------------------------------------------------------------------


def _money(price: float | None, currency: str | None) -> str:
    if price is None:
        return "price on request"
    return f"{price:.2f} {currency}" if currency else f"{price:.2f}"


def _stock(flag: bool | None) -> str:
    return "in stock" if flag else "out of stock" if flag is False else "stock unknown"


def _options_text(options: dict[str, str]) -> str:
    return ", ".join(f"{k}: {v}" for k, v in options.items())


def product_passages(product: Product) -> list[Passage]:
    """A product passage, plus one passage per variant."""
    base: dict[str, Any] = {
        "product_id": product.id,
        "category": product.category,
        "category_norm": product.category.casefold() if product.category else None,
        "brand": product.brand,
        "brand_norm": product.brand.casefold() if product.brand else None,
        "url": product.url,
        "currency": product.currency,
    }
    by = f" by {product.brand}" if product.brand else ""
    head = f"{product.name}{by}" + (f" ({product.category})" if product.category else "")
    details = "; ".join(f"{k}: {v}" for k, v in product.attributes.items())
    prices = [v.price if v.price is not None else product.price for v in product.variants]
    known = [p for p in prices if p is not None] or (
        [product.price] if product.price is not None else []
    )
    stock_flags = [
        v.in_stock if v.in_stock is not None else product.in_stock for v in product.variants
    ]
    lines = [f"{head}.", product.description.strip()]
    if details:
        lines.append(f"Details: {details}.")
    if product.variants:
        values: dict[str, list[str]] = {}
        for v in product.variants:
            for name, value in v.options.items():
                if value not in values.setdefault(name, []):
                    values[name].append(value)
        if values:
            lines.append(
                "Options: " + "; ".join(f"{k}: {', '.join(v)}" for k, v in values.items()) + "."
            )
        low, high = (min(known), max(known)) if known else (None, None)
        price = (
            _money(low, product.currency)
            if low == high
            else f"{_money(low, None)}–{_money(high, product.currency)}"
        )
        available = sum(1 for f in stock_flags if f)
        lines.append(f"Price: {price}. {available} of {len(product.variants)} variants in stock.")
        in_stock: bool | None = available > 0 if any(f is not None for f in stock_flags) else None
    else:
        low = high = product.price
        in_stock = product.in_stock
        sku = f" SKU {product.sku}." if product.sku else ""
        price_text = _money(product.price, product.currency)
        lines.append(f"Price: {price_text}. {_stock(in_stock).capitalize()}.{sku}")
    text = " ".join(line for line in lines if line)
    meta = {
        **base,
        "kind": "product",
        "price": low,
        "price_max": high,
        "in_stock": in_stock,
        "attributes": product.attributes or None,
    }
    if product.sku and not product.variants:
        meta["sku"] = product.sku
    passages = [
        Passage(
            id=f"catalog:{safe_id(product.id)}",
            source="catalog",
            title=product.name,
            text=text,
            doc_key=product.id,
            metadata=meta,
        )
    ]
    short = product.description.strip()
    if len(short) > 200:
        short = short[:200].rsplit(" ", 1)[0] + "…"
    for v in product.variants:
        variant_price = v.price if v.price is not None else product.price
        stock = v.in_stock if v.in_stock is not None else product.in_stock
        opts = _options_text(v.options)
        title = f"{product.name} ({opts})" if opts else f"{product.name} ({v.sku})"
        body = (
            f"{head} — variant {opts or v.sku}, SKU {v.sku}. "
            f"Price: {_money(variant_price, product.currency)}. "
            f"{_stock(stock).capitalize()}. {short}"
        ).strip()
        passages.append(
            Passage(
                id=f"catalog:{safe_id(product.id)}:{safe_id(v.sku)}",
                source="catalog",
                title=title,
                text=body,
                doc_key=product.id,
                metadata={
                    **base,
                    "kind": "variant",
                    "sku": v.sku,
                    "options": v.options,
                    "price": variant_price,
                    "in_stock": stock,
                },
            )
        )
    return passages
