"""The database schema, created and migrated by shopbot itself (Alembic).

`upgrade(engine)` runs at start-up from `SQLConversationStore`: it brings any database to the
newest schema, under a lock so that replicas starting at once against one PostgreSQL do not
race (a PostgreSQL advisory lock; a file lock next to a SQLite file). A database created
before migrations existed (by ``create_all``) is adopted: stamped at the baseline revision,
then upgraded, keeping its data. It may import only the foundation of `bot` and the schema
(`bot.schema`); the store that runs it sits above.

How to add a table (or a column)
================================
1. Declare it in ``bot/schema.py``, on its ``Base`` (a module elsewhere may declare one on
   ``bot.schema.Base`` too: every module that declares a ``__tablename__`` is imported).
2. Add a revision: ``python -m bot.migrations new "order audit table"`` writes
   ``bot/migrations/versions/NNNN_order_audit_table.py`` with the next number and
   ``down_revision`` filled in and, when the models differ from the migrated schema,
   the operations Alembic detects (review them).
3. In ``upgrade()`` create tables with ``create_table_if_missing(op, "name", columns...)``
   (same arguments as ``op.create_table``): a database where an older ``create_all`` already
   made the table then keeps it untouched. Add columns with ``op.add_column`` (nullable or
   with a ``server_default``, so that existing rows stay valid); add indexes with
   ``op.create_index``; SQLite needs ``with op.batch_alter_table(...)`` for anything else.
4. ``pytest tests/bot/test_migrations.py`` checks that the migrated schema equals the models
   and that an old database is adopted; ``python -m bot.migrations check`` says the same.

Tables declared on `Base` that no revision creates yet are still created at start-up (with a
warning naming the missing revision), so nothing breaks before step 2 is done.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import Connection

log = logging.getLogger(__name__)
logging.getLogger("alembic").setLevel(logging.WARNING)  # one line of ours says what ran

HERE = Path(__file__).resolve().parent
BASELINE = "0001"
# Any fixed 64-bit number: the advisory lock that serialises migrations of one database.
_PG_LOCK_KEY = 0x5B0B_0001


def _config(connection: Connection | None = None, url: str | None = None) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(HERE))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def load_models() -> Any:
    """``bot.schema.Base.metadata`` with every table shopbot declares on it: each module of
    the shopbot packages that declares a ``__tablename__`` is imported (so that `check`,
    `new` and the tests see tables of modules nothing else imported)."""
    import importlib

    from bot.schema import Base

    root = HERE.parents[1]
    for package in ("bot", "retrieval", "ui", "finetune"):
        for path in sorted((root / package).rglob("*.py")):
            if "migrations" in path.parts or "__tablename__" not in path.read_text("utf-8"):
                continue
            module = ".".join(path.relative_to(root).with_suffix("").parts)
            importlib.import_module(module.removesuffix(".__init__"))
    return Base.metadata


def head() -> str:
    """The newest revision shipped with this version of shopbot."""
    from alembic.script import ScriptDirectory

    revision = ScriptDirectory.from_config(_config()).get_current_head()
    assert revision is not None
    return revision


def _known(revision: str) -> bool:
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    try:
        return ScriptDirectory.from_config(_config()).get_revision(revision) is not None
    except CommandError:
        return False


def current(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


@contextlib.contextmanager
def _migration_lock(engine: Engine) -> Iterator[Connection]:
    """A connection holding the database's migration lock."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _PG_LOCK_KEY})
            connection.commit()
            try:
                yield connection
            finally:
                connection.rollback()
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _PG_LOCK_KEY})
                connection.commit()
        return
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        with engine.connect() as connection:
            yield connection
        return
    lock_path = Path(database).with_name(Path(database).name + ".migrate-lock")
    Path(database).parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w") as handle:
        # Lock before connecting: opening a connection already writes (WAL journal mode), and
        # replicas opening a new file at once could find it locked.
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            with engine.connect() as connection:
                yield connection
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def upgrade(engine: Engine, metadata: Any = None) -> str:
    """Bring the database to the newest schema (idempotent); the revision it is now at.

    ``metadata`` (normally ``bot.schema.Base.metadata``): tables declared there that no
    revision creates yet are created too, with a warning.
    """
    from alembic import command

    with _migration_lock(engine) as connection:
        config = _config(connection)
        tables = set(inspect(connection).get_table_names())
        if "alembic_version" not in tables and "conversations" in tables:
            log.info("Adopting a database created before migrations: stamping %s.", BASELINE)
            command.stamp(config, BASELINE)
        before = current(connection)
        if before is not None and not _known(before):
            # A newer shopbot migrated it (a rolling upgrade): its changes are additive.
            log.warning(
                "The database is at revision %s, newer than this shopbot knows (%s); "
                "going on without migrating.",
                before,
                head(),
            )
        elif before != head():
            command.upgrade(config, "head")
            log.info("Database schema migrated from %s to %s.", before or "empty", head())
        connection.commit()
        if metadata is not None:
            _create_unmigrated(connection, metadata)
            connection.commit()
        return current(connection) or ""


def _create_unmigrated(connection: Connection, metadata: Any) -> None:
    existing = set(inspect(connection).get_table_names())
    missing = [t for t in metadata.sorted_tables if t.name not in existing]
    for table in missing:
        log.warning(
            "Table %r has no migration yet; created from the model. Add one with "
            '`python -m bot.migrations new "%s table"` (see bot/migrations/__init__.py).',
            table.name,
            table.name,
        )
    if missing:
        metadata.create_all(connection, tables=missing)


def create_table_if_missing(op: Any, name: str, *columns: Any, **kw: Any) -> bool:
    """``op.create_table`` that leaves a table an older ``create_all`` already made; True
    when it created the table (create its indexes then)."""
    if name in inspect(op.get_bind()).get_table_names():
        log.info("Table %r already exists (made before its migration); kept.", name)
        return False
    op.create_table(name, *columns, **kw)
    return True


def differences(engine: Engine, metadata: Any) -> list[Any]:
    """What the models declare that the migrated schema lacks (empty when in step)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        return list(compare_metadata(context, metadata))
