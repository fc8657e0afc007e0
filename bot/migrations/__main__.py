"""``python -m bot.migrations new "MESSAGE"`` writes the next revision (with the operations
Alembic detects between the models and the migrated schema); ``python -m bot.migrations
check`` exits 1 when the models declare something no revision creates."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from sqlalchemy import create_engine

from bot import migrations


def _scratch_engine(folder: str):  # type: ignore[no-untyped-def]
    engine = create_engine(f"sqlite:///{Path(folder) / 'scratch.db'}")
    migrations.upgrade(engine)  # revisions only: no tables from the models
    return engine


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.migrations")
    sub = parser.add_subparsers(dest="command", required=True)
    new = sub.add_parser("new", help="write the next revision")
    new.add_argument("message")
    sub.add_parser("check", help="exit 1 if the models and the revisions differ")
    args = parser.parse_args(argv)

    from alembic import command
    from alembic.script import ScriptDirectory

    with tempfile.TemporaryDirectory() as folder:
        engine = _scratch_engine(folder)
        found = migrations.differences(engine, migrations.load_models())
        if args.command == "check":
            for difference in found:
                print(difference)
            print(
                "in step" if not found else "the models differ from the revisions", file=sys.stderr
            )
            return 1 if found else 0
        config = migrations._config(url=str(engine.url))
        number = int(ScriptDirectory.from_config(config).get_current_head() or "0") + 1
        with engine.connect() as connection:
            config.attributes["connection"] = connection
            script = command.revision(
                config,
                message=args.message,
                autogenerate=True,
                rev_id=f"{number:04d}",
                version_path=str(migrations.HERE / "versions"),
            )
            connection.commit()
        print(script.path)  # type: ignore[union-attr]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
