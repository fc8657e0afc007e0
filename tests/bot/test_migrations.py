"""The schema is made by migrations: they match the models, adopt databases made before
them without losing data, and replicas starting at once do not race (SQLite and a real
PostgreSQL)."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from bot import migrations
from bot.store import Base, SQLConversationStore
from tests.scaleout.conftest import new_database

_names = itertools.count()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with nothing in it."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    request.applymarker(pytest.mark.integration)
    yield new_database(request.getfixturevalue("postgres_url"), f"migrations{next(_names)}")


def test_the_migrations_make_what_the_models_declare(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'm.db'}")
    migrations.upgrade(engine)  # the revisions alone, no tables from the models
    found = migrations.differences(engine, migrations.load_models())
    assert not found, (
        f"The models declare what no migration creates: {found}. Add a revision with "
        '`python -m bot.migrations new "what changed"` (see bot/migrations/__init__.py).'
    )


def test_a_database_from_before_migrations_is_adopted(empty_url: str) -> None:
    """Made by create_all of the first schema (= the baseline), with data in it."""
    engine = create_engine(empty_url)
    with engine.begin() as connection:  # the baseline tables, as create_all made them
        from alembic import command

        config = migrations._config(connection)
        command.upgrade(config, migrations.BASELINE)
        connection.execute(text("DROP TABLE alembic_version"))
        connection.execute(
            text(
                "INSERT INTO conversations (id, status, channel, created_at, updated_at, data)"
                " VALUES ('old', 'waiting_for_agent', 'api', '2026-01-01', '2026-01-01', '{}')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO messages (conversation_id, position, role, content, created_at,"
                " data) VALUES ('old', 0, 'user', '退款多久能到账？', '2026-01-01', '{}')"
            )
        )
    store = SQLConversationStore(empty_url)
    old = store.get("old")
    assert [(m.role, m.content) for m in old.messages] == [("user", "退款多久能到账？")]
    assert old.status == "waiting_for_agent"
    store.append("old", "assistant", "5-7 business days.", request_key="k")
    with store.engine.connect() as connection:
        assert migrations.current(connection) == migrations.head()
        columns = {c["name"] for c in inspect(connection).get_columns("messages")}
    assert "request_key" in columns
    SQLConversationStore(empty_url)  # again: nothing to do, nothing lost
    assert len(store.get("old").messages) == 2


def test_replicas_starting_at_once_migrate_once(empty_url: str) -> None:
    stores: list[SQLConversationStore] = []
    errors: list[BaseException] = []

    def start() -> None:
        try:
            stores.append(SQLConversationStore(empty_url))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors and len(stores) == 4
    with stores[0].engine.connect() as connection:
        assert migrations.current(connection) == migrations.head()
    conversation = stores[0].create()
    stores[1].append(conversation, "user", "hello")
    assert [m.content for m in stores[3].get(conversation).messages] == ["hello"]


def test_a_table_without_a_migration_is_still_created(tmp_path: Path) -> None:
    from sqlalchemy import Column, Integer, MetaData, Table

    metadata = MetaData()
    for table in Base.metadata.sorted_tables:
        table.to_metadata(metadata)
    Table("new_feature", metadata, Column("id", Integer, primary_key=True))
    engine = create_engine(f"sqlite:///{tmp_path / 'n.db'}")
    migrations.upgrade(engine, metadata)
    assert "new_feature" in inspect(engine).get_table_names()


def test_a_database_migrated_by_a_newer_shopbot_is_used_as_it_is(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'newer.db'}"
    store = SQLConversationStore(url)
    conversation = store.create()
    with store.engine.begin() as connection:  # as if a later release had migrated it
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    again = SQLConversationStore(url)
    again.append(conversation, "user", "still here")
    assert [m.content for m in again.get(conversation).messages] == ["still here"]
