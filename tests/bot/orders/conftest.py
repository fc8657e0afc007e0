"""Order-system fixtures: the demo backend on SQLite and on PostgreSQL, the REST connector
against the reference server, and the Shopify and WooCommerce connectors against their fakes
serving the demo store (each on a real loopback port). Each test starts from freshly seeded data.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from bot.orders.demo import SQLOrderSystem
from bot.orders.meaning import BundledMeaning, bundled_meaning
from bot.orders.platforms.seed import read_seed
from bot.orders.platforms.served import ServedStore, make_fake, served_store
from bot.orders.system import OrderSystem
from tests.bot.orders.rest_store import RunningStore, serve
from tests.conftest import DATA

SEED = DATA / "orders" / "demo_orders.json"


@dataclass
class Backend:
    system: OrderSystem  # what the tests call
    store: Any  # the data behind it: reset(), snapshot(), cancel_order() behind its back
    products: dict[str, str] = field(default_factory=dict)  # the seed's ids -> the platform's
    customers: dict[str, str] = field(default_factory=dict)

    def product(self, seed_id: str) -> str:
        return self.products.get(seed_id, seed_id)

    def customer(self, seed_id: str) -> str:
        return self.customers.get(seed_id, seed_id)


@pytest.fixture(scope="session")
def sqlite_orders(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SQLOrderSystem]:
    path = tmp_path_factory.mktemp("orders") / "orders.db"
    system = SQLOrderSystem(f"sqlite:///{path}", SEED)
    yield system
    system.close()


@pytest.fixture(scope="session")
def postgres_orders(postgres_url: str) -> Iterator[SQLOrderSystem]:
    system = SQLOrderSystem(postgres_url, SEED)
    yield system
    system.close()


@pytest.fixture(scope="session")
def rest_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStore]:
    """The reference store API (its own SQLite demo database) on a real loopback port."""
    path = tmp_path_factory.mktemp("rest-store") / "orders.db"
    store = SQLOrderSystem(f"sqlite:///{path}", SEED)
    with serve(store, token="s3cret-token") as running:
        yield running
    store.close()


def _platform(platform: str) -> Iterator[ServedStore]:
    # A bucket that never fills: the rate limits have their own tests.
    extra = {"bucket_size": 10**6} if platform == "shopify" else {}
    fake = make_fake(platform, seed=read_seed(SEED), **extra)
    with served_store(platform, fake) as served:
        yield served


@pytest.fixture(scope="session")
def shopify_store() -> Iterator[ServedStore]:
    """The demo store as a fake Shopify serves it, and the Shopify connector."""
    yield from _platform("shopify")


@pytest.fixture(scope="session")
def woocommerce_store() -> Iterator[ServedStore]:
    """The demo store as a fake WooCommerce serves it, and the WooCommerce connector."""
    yield from _platform("woocommerce")


def _backend(request: pytest.FixtureRequest, kind: str) -> Backend:
    if kind in ("shopify", "woocommerce"):
        served: ServedStore = request.getfixturevalue(f"{kind}_store")
        ids = served.fake.ids
        return Backend(served.system, served, ids["products"], ids["customers"])
    if kind == "sqlite":
        store = request.getfixturevalue("sqlite_orders")
        return Backend(store, store)
    if kind == "postgres":
        store = request.getfixturevalue("postgres_orders")
        return Backend(store, store)
    server = request.getfixturevalue("rest_store")
    return Backend(server.client, server.store)


BACKENDS = ["sqlite", "postgres", "http", "shopify", "woocommerce"]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> Backend:
    chosen = _backend(request, request.param)
    chosen.store.reset()
    return chosen


@pytest.fixture(scope="module")
def meaning() -> BundledMeaning:
    """The bundled multilingual encoder (items named by meaning across languages)."""
    found = bundled_meaning()
    assert found is not None, "the multilingual encoder is a dependency"
    return found  # type: ignore[return-value]
