"""Databases for the records tests: SQLite in a temporary folder, and PostgreSQL on this
machine (127.0.0.1:5432, trust auth, user postgres, database `test`).

Other test suites use the same PostgreSQL database at the same time, so each use gets a
schema of its own, named at random, and drops it afterwards. Without a reachable PostgreSQL
those tests are skipped, unless PHT_REQUIRE_POSTGRES is set (then they fail).
"""
from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from typing import Iterator
from urllib.parse import quote

import pytest
import sqlalchemy as sa

POSTGRES = os.environ.get("PHT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


def postgres_reachable() -> bool:
    try:
        engine = sa.create_engine(POSTGRES, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except sa.exc.OperationalError:
        return False


def need_postgres() -> None:
    if not postgres_reachable():
        if os.environ.get("PHT_REQUIRE_POSTGRES"):
            pytest.fail(f"PostgreSQL at {POSTGRES} is not reachable, and PHT_REQUIRE_POSTGRES is set")
        pytest.skip(f"PostgreSQL at {POSTGRES} is not reachable (set PHT_REQUIRE_POSTGRES to make this a failure)")


@contextmanager
def postgres_schema(prefix: str = "pht_test") -> Iterator[str]:
    """A new schema, dropped afterwards; yields its name."""
    need_postgres()
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(POSTGRES)
    with engine.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{name}"'))
    try:
        yield name
    finally:
        with engine.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        engine.dispose()


def schema_url(schema: str) -> str:
    """The test database's URL with every connection's search path set to `schema`."""
    return f"{POSTGRES}?options={quote(f'-csearch_path={schema}')}"


@contextmanager
def database_url(kind: str, tmp_path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'records.db'}"
    else:
        with postgres_schema() as schema:
            yield schema_url(schema)


@pytest.fixture(name="records", params=["sqlite", "postgresql"])
def records_on_both_databases(request, tmp_path):
    """The records database, migrated, once on SQLite and once on PostgreSQL: a test module
    takes it as `records` with `from databases import records_on_both_databases`."""
    from pht.records import Records

    with database_url(request.param, tmp_path) as url:
        store = Records(url, migrate=True)
        yield store
        store.close()
