from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.settings import Settings


def test_environment_wins_over_the_toml_file(tmp_path: Path) -> None:
    config = tmp_path / "shopbot.toml"
    config.write_text(
        """
model = "from-toml"
store_name = "Toml Shop"
[escalation]
dissatisfaction_threshold = 0.7
"""
    )
    env = {
        "SHOPBOT_CONFIG": str(config),
        "SHOPBOT_MODEL": "/models/from-env",
        "SHOPBOT_ESCALATION__DISSATISFACTION_THRESHOLD": "0.8",
        "SHOPBOT_API_KEYS": "key-one, key-two",
        "SHOPBOT_SECRETS": "CANARY-1,CANARY-2",
    }
    settings = Settings.load(env)
    assert settings.model == "/models/from-env"
    assert settings.store_name == "Toml Shop"
    assert settings.escalation.dissatisfaction_threshold == 0.8
    assert [k.get_secret_value() for k in settings.api_keys] == ["key-one", "key-two"]
    assert len(settings.secrets) == 2


def test_masked_settings_hide_secrets() -> None:
    settings = Settings.load({"SHOPBOT_API_KEYS": "sk-very-secret", "SHOPBOT_SECRETS": "CANARY"})
    dumped = str(settings.masked())
    assert "sk-very-secret" not in dumped and "CANARY" not in dumped
    assert "**********" in dumped


def test_bad_value_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="SHOPBOT_ENGINE__MAX_TOKENS"):
        Settings.load({"SHOPBOT_ENGINE__MAX_TOKENS": "lots"})


def test_unknown_setting_is_refused() -> None:
    with pytest.raises(ConfigError, match="SHOPBOT_MODLE"):
        Settings.load({"SHOPBOT_MODLE": "typo"})


def test_missing_config_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        Settings.load({"SHOPBOT_CONFIG": str(tmp_path / "nope.toml")})


def test_default_database_is_sqlite_in_home(tmp_path: Path) -> None:
    settings = Settings.load({"SHOPBOT_HOME": str(tmp_path)})
    assert settings.resolved_database_url == f"sqlite:///{tmp_path / 'conversations.db'}"


def test_the_sample_configuration_is_valid() -> None:
    root = Path(__file__).resolve().parents[2]
    settings = Settings.load({}, root / "shopbot.toml.example")
    assert settings.store_name == "Northwind Lane"


def test_dict_and_list_settings_take_json_from_the_environment(tmp_path: Path) -> None:
    """What the REST connector's error tells the user to set, can be set."""
    missing = tmp_path / "none.toml"
    settings = Settings.load(
        {
            "SHOPBOT_ORDERS__HTTP_FIELD_MAP": '{"number": "order_id", "item.status": "line_state"}',
            "SHOPBOT_ORDERS__WOOCOMMERCE__STATUS_MAP": '{"awaiting-pickup": "packed"}',
            "SHOPBOT_ORDERS__EXCHANGE_CATEGORIES": '["Clothing", "鞋履"]',
            "SHOPBOT_ESCALATION__HUMAN_ONLY_TOPICS": "fraud, legal",
            "SHOPBOT_ORDERS__SHOPIFY": '{"store_url": "https://s.myshopify.com"}',
        },
        config_path=missing,
    )
    assert settings.orders.http_field_map == {"number": "order_id", "item.status": "line_state"}
    assert settings.orders.woocommerce.status_map == {"awaiting-pickup": "packed"}
    assert settings.orders.exchange_categories == ["Clothing", "鞋履"]
    assert settings.escalation.human_only_topics == ["fraud", "legal"]
    assert settings.orders.shopify.store_url == "https://s.myshopify.com"


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("SHOPBOT_ORDERS__HTTP_FIELD_MAP", "{number: order_id}", "not valid JSON"),
        ("SHOPBOT_ORDERS__HTTP_FIELD_MAP", '["number"]', "must be a JSON object"),
        ("SHOPBOT_API_KEYS", '["k1", ', "must be a JSON array"),
    ],
)
def test_bad_json_in_the_environment_names_the_variable(
    tmp_path: Path, name: str, value: str, said: str
) -> None:
    with pytest.raises(ConfigError, match=said) as caught:
        Settings.load({name: value}, config_path=tmp_path / "none.toml")
    assert name in str(caught.value)
