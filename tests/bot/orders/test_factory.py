"""`build_order_system` picks the backend the settings name."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.orders.demo import SQLOrderSystem
from bot.orders.factory import build_order_system
from tests.conftest import make_settings


def test_demo_backend_in_home(tmp_path: Path) -> None:
    system = build_order_system(make_settings(tmp_path / "home", orders={"backend": "demo"}))
    assert isinstance(system, SQLOrderSystem)
    assert system.get_order("104233").customer_id == "C1001"  # seeded on first use
    assert (tmp_path / "home" / "orders.db").is_file()
    system.close()


def test_none_backend(tmp_path: Path) -> None:
    assert build_order_system(make_settings(tmp_path / "home", orders={"backend": "none"})) is None


def test_http_backend_needs_its_address(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="SHOPBOT_ORDERS__HTTP_BASE_URL"):
        build_order_system(make_settings(tmp_path / "home", orders={"backend": "http"}))


def test_missing_seed_file_is_a_clear_error(tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path / "home", orders={"backend": "demo", "seed_file": tmp_path / "missing.json"}
    )
    with pytest.raises(ConfigError, match="SHOPBOT_ORDERS__SEED_FILE"):
        build_order_system(settings)


def test_in_memory_database_is_one_for_every_thread() -> None:
    import threading

    from tests.conftest import DATA

    system = SQLOrderSystem("sqlite://", DATA / "orders" / "demo_orders.json")
    assert system.get_order("NW-104301").status == "pending"
    worker = threading.Thread(target=system.cancel_order, args=("NW-104301", "changed my mind"))
    worker.start()
    worker.join()
    assert system.get_order("NW-104301").status == "cancelled"
    system.close()
