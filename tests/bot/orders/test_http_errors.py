"""The REST connector's failures say what to fix, name the URL, and never show the token."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.errors import OrderNotFound, OrderSystemError
from bot.orders.factory import build_order_system
from bot.orders.http import HTTPOrderSystem
from tests.bot.orders.rest_store import RunningStore
from tests.conftest import make_settings
from tests.servers import free_port


def test_wrong_token_is_a_clear_error(
    rest_store: RunningStore, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = HTTPOrderSystem(rest_store.settings(http_auth_token="Bearer wrong-s3cret"))
    with pytest.raises(OrderSystemError, match="SHOPBOT_ORDERS__HTTP_AUTH_TOKEN") as caught:
        client.get_order("NW-104233")
    message = str(caught.value)
    assert "401" in message and f"{rest_store.url}/orders/NW-104233" in message
    assert "wrong-s3cret" not in message and "wrong-s3cret" not in caplog.text
    client.close()


def test_server_down_is_an_order_system_error(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/api"  # nothing listens there
    settings = make_settings(
        tmp_path / "home",
        orders={"backend": "http", "http_base_url": url, "http_auth_token": "Bearer t0ken-x"},
    )
    client = build_order_system(settings)
    assert isinstance(client, HTTPOrderSystem)
    with pytest.raises(OrderSystemError, match="Cannot reach") as caught:
        client.find_customer_by_email("emma.johnson@example.com")
    assert f"{url}/customers" in str(caught.value) and "t0ken-x" not in str(caught.value)
    assert caught.value.__cause__ is not None
    client.close()


def test_unmapped_fields_name_the_setting(rest_store: RunningStore) -> None:
    client = HTTPOrderSystem(rest_store.settings(http_field_map={}))
    with pytest.raises(OrderSystemError, match="SHOPBOT_ORDERS__HTTP_FIELD_MAP"):
        client.get_order("NW-104233")
    client.close()


def test_not_found_and_server_errors(rest_store: RunningStore) -> None:
    client = rest_store.client
    assert client.get_order("NW-999999") is None
    assert client.get_customer("C9999") is None
    assert client.list_orders("C9999") == []
    assert client.variants("P0000") == []
    with pytest.raises(OrderNotFound):
        client.cancel_order("NW-999999", "x")
    rest_store.app.state.fault = 503
    try:
        with pytest.raises(OrderSystemError, match="HTTP 503 \\(the database is down\\)") as caught:
            client.get_order("NW-104233")
    finally:
        rest_store.app.state.fault = None
    assert f"{rest_store.url}/orders/NW-104233" in str(caught.value)
    assert client.get_order("NW-104233") is not None
