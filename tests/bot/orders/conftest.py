"""Order-system fixtures: the demo backend on SQLite and on PostgreSQL, and the REST connector
against the reference server on a real loopback port. Each test starts from freshly seeded data.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from bot.orders.demo import SQLOrderSystem
from bot.orders.system import OrderSystem
from tests.bot.orders.rest_store import RunningStore, serve
from tests.conftest import DATA

SEED = DATA / "orders" / "demo_orders.json"


@dataclass
class Backend:
    system: OrderSystem  # what the tests call
    store: SQLOrderSystem  # the database behind it (snapshot, reset, changes behind its back)


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


def _backend(request: pytest.FixtureRequest, kind: str) -> Backend:
    if kind == "sqlite":
        store = request.getfixturevalue("sqlite_orders")
        return Backend(store, store)
    if kind == "postgres":
        store = request.getfixturevalue("postgres_orders")
        return Backend(store, store)
    server = request.getfixturevalue("rest_store")
    return Backend(server.client, server.store)


BACKENDS = ["sqlite", "postgres", "http"]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> Backend:
    chosen = _backend(request, request.param)
    chosen.store.reset()
    return chosen
