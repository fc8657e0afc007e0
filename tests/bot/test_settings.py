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
