"""The Shopify and WooCommerce connectors beyond the shared contract: rate limits, pagination,
credentials, the catalog import, and the evaluation stores of `data/stores/` read back exactly
as their READMEs tell the people who write tasks against them."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.errors import ConfigError, OrderSystemError
from bot.orders.factory import build_order_system
from bot.orders.platforms.fakestore import serve_app
from bot.orders.platforms.seed import read_seed
from bot.orders.platforms.served import (
    ServedStore,
    connector_settings,
    make_fake,
    served_store,
    store_platform,
)
from bot.orders.platforms.shopify import ShopifyOrderSystem
from bot.orders.platforms.shopify_fake import FakeShopify
from bot.orders.platforms.woocommerce import WooCommerceOrderSystem
from bot.orders.platforms.woocommerce_fake import FakeWooCommerce
from bot.settings import OrdersSettings
from retrieval.sources import load_source
from tests.bot.orders.conftest import SEED
from tests.conftest import DATA, make_settings

STORES = sorted(p for p in (DATA / "stores").iterdir() if (p / "store.json").is_file())


class VirtualClock:
    """Time that passes only when the connector sleeps, shared with the fake's bucket."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def shopify_clocked() -> Iterator[tuple[FakeShopify, ShopifyOrderSystem, VirtualClock]]:
    clock = VirtualClock()
    fake = FakeShopify.from_seed(read_seed(SEED), clock=clock)
    with serve_app(fake.app, "fake-shopify") as url:
        settings = connector_settings("shopify", url, fake, OrdersSettings())
        system = ShopifyOrderSystem(settings, sleep=clock.sleep)
        yield fake, system, clock
        system.close()


def test_shopify_429_waits_the_retry_after_it_is_told(shopify_clocked) -> None:
    fake, system, clock = shopify_clocked
    fake.throttle_next = 2
    customer = system.find_customer_by_email("emma.johnson@example.com")
    assert customer is not None and customer.name == "Emma Johnson"
    assert clock.sleeps[:2] == [2.0, 2.0]  # Retry-After: 2.0, twice, then the answer


def test_shopify_429_for_too_long_is_a_clear_error(shopify_clocked) -> None:
    fake, system, clock = shopify_clocked
    fake.throttle_next = 100
    with pytest.raises(OrderSystemError, match="429 Too Many Requests"):
        system.get_order("NW-104233")
    assert len(clock.sleeps) == system.api.max_retries


def test_shopify_call_limit_paces_requests_before_the_bucket_overflows(shopify_clocked) -> None:
    fake, system, clock = shopify_clocked
    for _ in range(100):  # well over the bucket's 40 calls in a burst
        assert system.get_order("NW-104233") is not None
    rest = [p for _, p in fake.requests if not p.endswith("/graphql.json")]
    assert len(rest) > fake.bucket_size * 2
    assert clock.sleeps and fake.refused == 0  # it waited; the store never refused a call
    assert sum(clock.sleeps) < len(rest) / fake.leak_per_s  # ... and no longer than needed


def test_shopify_pagination_follows_the_link_header(shopify_clocked) -> None:
    fake, system, _ = shopify_clocked
    products = list(system.api.pages("products.json", {"limit": 50}, "products"))
    assert len(products) == len(fake.products) > 250
    pages = [p for m, p in fake.requests if p.endswith("/products.json")]
    assert len(pages) == -(-len(fake.products) // 50)
    assert len({p["id"] for p in products}) == len(products)


@pytest.mark.parametrize("platform", ["shopify", "woocommerce"])
def test_wrong_credentials_name_the_setting_never_the_secret(
    platform: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake = make_fake(platform, seed=read_seed(SEED))
    with serve_app(fake.app, f"fake-{platform}") as url:
        base = OrdersSettings.model_validate(
            {platform: {"access_token": "shpat_WRONG-s3cret"} if platform == "shopify"
             else {"consumer_key": "ck_WRONG", "consumer_secret": "cs_WRONG-s3cret"}}
        )  # fmt: skip
        data = base.model_dump()
        data[platform]["store_url"] = url
        data["backend"] = platform
        system = build_order_system(make_settings(Path("/tmp/unused"), orders=data))
        setting = "ACCESS_TOKEN" if platform == "shopify" else "CONSUMER_SECRET"
        with pytest.raises(OrderSystemError, match=f"401.*{setting}") as caught:
            system.find_customer_by_email("emma.johnson@example.com")
        assert "s3cret" not in str(caught.value) and "s3cret" not in caplog.text
        system.close()


@pytest.mark.parametrize(
    ("platform", "missing"),
    [("shopify", "STORE_URL"), ("woocommerce", "STORE_URL"), ("woocommerce", "CONSUMER_KEY")],
)
def test_missing_settings_say_which_variable(platform: str, missing: str, tmp_path: Path) -> None:
    group = {"store_url": "https://shop.example"} if missing != "STORE_URL" else {}
    settings = make_settings(tmp_path, orders={"backend": platform, platform: group})
    with pytest.raises(ConfigError, match=f"SHOPBOT_ORDERS__{platform.upper()}__{missing}"):
        build_order_system(settings)


def test_woocommerce_retries_reads_on_503_then_says_what_failed() -> None:
    fake = FakeWooCommerce.from_seed(read_seed(SEED))
    waits: list[float] = []
    with serve_app(fake.app, "fake-woocommerce") as url:
        settings = connector_settings("woocommerce", url, fake, OrdersSettings())
        system = WooCommerceOrderSystem(settings, sleep=waits.append)
        fake.fault = 503
        with pytest.raises(OrderSystemError, match="HTTP 503") as caught:
            system.get_order("NW-104233")
        assert len(waits) == system.api.max_retries and url in str(caught.value)
        fake.fault = None
        assert system.get_order("NW-104233") is not None
        system.close()


def test_woocommerce_pagination_and_query_string_keys() -> None:
    fake = FakeWooCommerce.from_seed(read_seed(SEED))
    with serve_app(fake.app, "fake-woocommerce") as url:
        settings = connector_settings("woocommerce", url, fake, OrdersSettings())
        settings = settings.model_copy(
            update={
                "woocommerce": settings.woocommerce.model_copy(update={"query_string_auth": True})
            }
        )
        system = WooCommerceOrderSystem(settings)
        products = list(system.api.pages("products", {"per_page": 100}, None))
        assert len(products) == len(fake.products)
        assert len([p for _, p in fake.requests if p.endswith("/products")]) == -(
            -len(fake.products) // 100
        )
        system.close()


@pytest.mark.parametrize("platform", ["shopify", "woocommerce"])
def test_catalog_import_writes_catalog_lines(
    platform: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """`shopbot ingest --from PLATFORM`: the store's products and variants, searchable."""
    folder = next(s for s in STORES if store_platform(s) == platform)
    fake = make_fake(platform, folder=folder)
    with serve_app(fake.app, f"fake-{platform}") as url:
        settings = connector_settings(platform, url, fake, OrdersSettings())
        group = settings.model_dump(mode="json")[platform]
        monkeypatch.setenv("SHOPBOT_HOME", str(tmp_path))
        monkeypatch.setenv("SHOPBOT_EMBEDDER", "hashing")
        monkeypatch.setenv(f"SHOPBOT_ORDERS__{platform.upper()}__STORE_URL", url)
        for key in ("access_token", "consumer_key", "consumer_secret"):
            if key in group:
                secret = getattr(getattr(settings, platform), key).get_secret_value()
                monkeypatch.setenv(f"SHOPBOT_ORDERS__{platform.upper()}__{key.upper()}", secret)
        assert main(["ingest", "--from", platform, "--json"]) == 0
        report = json.loads(capsys.readouterr().out)
        again = main(["ingest", "--from", platform, "--json"])
        second = json.loads(capsys.readouterr().out)
    written = tmp_path / "catalog" / f"{platform}.jsonl"
    lines = [json.loads(x) for x in written.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == len(fake.products) == report["catalog"]["records"]
    assert again == 0 and second["catalog"]["added"] == 0  # running it twice changes nothing
    loaded = load_source("catalog", written)
    assert not loaded.errors and loaded.records == len(lines)
    skus = {v["sku"] for line in lines for v in line["variants"]}
    assert len(skus) == sum(len(line["variants"]) for line in lines)
    some = next(line for line in lines if len(line["variants"]) > 2)
    assert some["category"] and some["currency"] and some["variants"][0]["options"]
    assert all("<" not in line["description"] for line in lines)


# -- the evaluation stores -----------------------------------------------------------------
# "- **`CM26-0845`** (post id 61228) `delivered` ...": a plugin's number may list its post id.
_ORDER_LINE = re.compile(r"^- \*\*`([^`]+)`\*\*(?: \([^)]*\))? `(\w+)`.*?: (.*)$", re.M)
# Known defects of blind-written store data (reported, not edited): order -> the tracking its
# README lists that its orders.json lacks (shanlan-tea-woocommerce's reskin dropped the
# Shipment Tracking meta of its two packed orders).
_TRACKING_NOT_IN_DATA = {"6966": "SF3490157512557", "6948": "SF0756252175942"}


@pytest.fixture(scope="module", params=[s.name for s in STORES])
def evaluation_store(request: pytest.FixtureRequest) -> Iterator[tuple[ServedStore, str]]:
    folder = DATA / "stores" / request.param
    platform = store_platform(folder)
    plus = {"bucket_size": 400, "leak_per_s": 20.0} if platform == "shopify" else {}  # Plus
    with served_store(platform, make_fake(platform, folder=folder, **plus)) as served:
        yield served, (folder / "README.md").read_text(encoding="utf-8")


def test_every_order_reads_back_as_its_readme_says(evaluation_store) -> None:
    served, readme = evaluation_store
    listed = {m.group(1): (m.group(2), m.group(3)) for m in _ORDER_LINE.finditer(readme)}
    snapshot = served.snapshot()["orders"]
    assert set(listed) == set(snapshot) and len(listed) >= 25  # the README was read
    now = datetime.now(UTC)
    for number, (status, facts) in listed.items():
        assert snapshot[number]["status"] == status, number
        order = served.system.get_order(number.lstrip("#"))  # shoppers drop the "#"
        assert order is not None and order.number == number
        if m := re.search(r"delivered (\d+) d ago", facts):
            # Whole days, rounded: later stores deliver at any hour ("38 d ago" is 38 d 3 h).
            assert order.delivered_at is not None
            assert abs((now - order.delivered_at) - timedelta(days=int(m.group(1)))) <= timedelta(
                hours=12
            ), number
        if m := re.search(r"tracking `([^`]+)`", facts):
            if _TRACKING_NOT_IN_DATA.get(number) == m.group(1):
                assert order.tracking_number == "", f"{number}: fixed in the data? drop the entry"
            else:
                assert order.tracking_number == m.group(1) and order.tracking_url, number
        for line in re.findall(r"(\d+): [^;]*?`([A-Z0-9-]+)`([^;]*)", facts):
            if "refunded" in line[2] and line[0] not in snapshot[number]["items"]:
                continue  # a line returned and refunded whole is no longer in the order
            assert snapshot[number]["items"][line[0]]["sku"] == line[1], number
        if "return open" in facts:
            assert "return_requested" in {i["status"] for i in snapshot[number]["items"].values()}
        if "exchange open" in facts:
            assert "exchange_requested" in {i["status"] for i in snapshot[number]["items"].values()}


# Names the store's data does not hold and no rule can derive: Cantonese romanisations and
# English names; Korean names in Hangul too (the store holds "Ji-woo Park": no Korean
# romanisation is built).
_NOT_PINYIN = {"Wong Chi Keung", "Leung Ka Fai", "Ming Wong", "Chow Tsz Kin", "Kevin Ho"}
# Aliases a store's README gives that its data holds nowhere (vanphat's Jennifer Ong is "also
# written 王珍妮", but no record has that name; nicknames, "Peppe (nickname)" for Giuseppe
# Russo): nobody is found by a name the store lacks.
_NOT_IN_DATA = {"王珍妮"}
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


def test_customers_are_found_as_the_readme_lists_them(evaluation_store) -> None:
    served, readme = evaluation_store
    blocks = re.findall(
        # a phone may be followed by "(also written `(510) 555-0134`)"
        r"^### (.+?)(?: \((.*)\))?\n\n- email `([^`]+)`, "
        r"(?:phone `[^`]*`(?: \(also written `[^`]*`\))?, )?postcode `([^`]*)`",
        readme,
        re.M,
    )
    assert len(blocks) >= 12  # the README was read
    for name, also, email, postcode in blocks:
        by_email = served.system.find_customer_by_email(email.upper())
        assert by_email is not None and by_email.email.lower() == email, email
        if by_email.id.startswith("guest:") and served.system.name == "shopify":
            # Orders with no customer on Shopify are found by their e-mail only (its order
            # search is by e-mail; no name search is documented): never someone else.
            by_name = served.system.find_customer_by_name(name, postcode.lower())
            assert by_name is None or by_name.id == by_email.id, (name, postcode)
        elif postcode != "(none)":
            by_name = served.system.find_customer_by_name(name, postcode.lower())
            assert by_name is not None and by_name.id == by_email.id, (name, postcode)
            # A Chinese name in pinyin, either way round, whether or not the store's data holds
            # that spelling (Cantonese and English names it must hold to be found).
            written = re.findall(r"also written ([^,]+)", also)
            for other in [w for ws in written for w in re.split(r"\s+and\s+", ws)]:
                nickname = other.endswith("(nickname)")  # "Majo": no name on any record
                other = re.sub(r"\s*\(.*$", "", other)  # "(family name first)", "(initial ..."
                found = served.system.find_customer_by_name(other, postcode)
                if other in _NOT_IN_DATA or nickname:
                    assert found is None, (other, postcode)
                elif other not in _NOT_PINYIN and not _HANGUL.search(other):
                    assert found is not None and found.id == by_email.id, (other, postcode)
            # The name their orders are billed to ("billing name Pablo Wang" for 王建国).
            for billed in re.findall(r"billing name ([^,();]+)", also):
                found = served.system.find_customer_by_name(billed.strip(), postcode)
                assert found is not None and found.id == by_email.id, (billed, postcode)
        orders = served.system.list_orders(by_email.id)
        assert orders and all(o.customer_id == by_email.id for o in orders)
