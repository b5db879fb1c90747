"""Alembic's environment for the records database.

The repository runs the migrations itself (`Records.migrate`, passing its connection); the
`alembic` command works too, for writing a new revision:
    .venv/bin/alembic -c pht/records/alembic.ini revision --autogenerate -m "what changed"
On PostgreSQL the migrations hold an advisory lock, so several servers starting at once do
not run them twice.
"""
import sqlalchemy as sa
from alembic import context

from pht.records.models import VERSION_TABLE, Base

MIGRATION_LOCK = 7_414_201  # any fixed number: the advisory lock's key


def run(connection: sa.engine.Connection) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata, version_table=VERSION_TABLE,
                      render_as_batch=True)  # SQLite changes tables by copying them
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("The records migrations run online only (against a database).")
given = context.config.attributes.get("connection")
if given is not None:
    run(given)
else:
    from pht.records.settings import settings

    with sa.create_engine(settings().database_url).begin() as connection:
        run(connection)
