"""Alembic's environment: runs on the connection `bot.migrations.upgrade` hands over, or on
``sqlalchemy.url`` (the `new` command's scratch database)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection

from bot.migrations import load_models

config = context.config
target_metadata = load_models()


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=False,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = config.get_main_option("sqlalchemy.url")
    assert url, "bot.migrations sets sqlalchemy.url when it hands over no connection"
    with create_engine(url).begin() as fresh:
        _run(fresh)
