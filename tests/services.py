"""PostgreSQL, Redis and RabbitMQ for the tests that need them (`make test-scale`), each test isolated.

Other suites use the same servers at the same time, so every test gets a database of its own
(created for it and dropped afterwards) and a Redis key prefix of its own (its keys deleted
afterwards). The servers are `TEST_POSTGRES_URL` (default: the local server's `test` database,
used only to create and drop the test's own) and `TEST_REDIS_URL`. When one is not reachable
the tests fail, naming it: they are never skipped.
"""
from __future__ import annotations

import os
import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

import pytest
import sqlalchemy as sa

ADMIN_POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
RABBITMQ_URL = os.environ.get("TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/")


@dataclass(frozen=True)
class Database:
    name: str
    url: str


def _admin_engine() -> sa.engine.Engine:
    engine = sa.create_engine(ADMIN_POSTGRES_URL, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except sa.exc.OperationalError as error:
        pytest.fail(f"PostgreSQL is not reachable at {ADMIN_POSTGRES_URL} (TEST_POSTGRES_URL): "
                    f"the deployment tests need it.\n{error}", pytrace=False)
    return engine


@contextmanager
def _own_database() -> Iterator[Database]:
    engine = _admin_engine()
    name = f"pht_test_{os.getpid()}_{secrets.token_hex(4)}"
    with engine.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sa.engine.make_url(ADMIN_POSTGRES_URL).set(database=name)
    try:
        yield Database(name, url.render_as_string(hide_password=False))
    finally:
        with engine.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        engine.dispose()


@pytest.fixture
def database() -> Iterator[Database]:
    """A PostgreSQL database of this test's own, dropped afterwards."""
    with _own_database() as own:
        yield own


@pytest.fixture(scope="module")
def module_database() -> Iterator[Database]:
    """A PostgreSQL database of this test file's own, for servers its tests share."""
    with _own_database() as own:
        yield own


@contextmanager
def _own_redis_prefix() -> Iterator[str]:
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_timeout=5)
    try:
        client.ping()
    except redis.exceptions.RedisError as error:
        pytest.fail(f"Redis is not reachable at {REDIS_URL} (TEST_REDIS_URL): the deployment tests need it.\n{error}",
                    pytrace=False)
    prefix = f"phttest{os.getpid()}{secrets.token_hex(4)}"
    try:
        yield prefix
    finally:
        keys = list(client.scan_iter(f"{prefix}:*"))
        if keys:
            client.delete(*keys)
        client.close()


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A Redis key prefix of this test's own (letters and digits, as Rasa wants); its keys are
    deleted afterwards."""
    with _own_redis_prefix() as prefix:
        yield prefix


@pytest.fixture(scope="module")
def module_redis_prefix() -> Iterator[str]:
    """A Redis key prefix of this test file's own, for servers its tests share."""
    with _own_redis_prefix() as prefix:
        yield prefix


@pytest.fixture
def rabbitmq() -> Iterator[str]:
    """A name for this test's own RabbitMQ exchange and queues (`<name>`, `<name>-...`), which
    are deleted afterwards."""
    import asyncio

    import aio_pika

    name = f"pht-test-{os.getpid()}-{secrets.token_hex(4)}"

    async def reachable() -> None:
        connection = await aio_pika.connect(RABBITMQ_URL, timeout=5)
        await connection.close()

    async def delete(queues: list) -> None:
        connection = await aio_pika.connect(RABBITMQ_URL, timeout=5)
        async with connection:
            channel = await connection.channel()
            for queue in queues:
                await channel.queue_delete(queue)
            await channel.exchange_delete(name)

    try:
        asyncio.run(reachable())
    except Exception as error:  # aio-pika raises several kinds for "not there"
        pytest.fail(f"RabbitMQ is not reachable at {RABBITMQ_URL} (TEST_RABBITMQ_URL): the analytics tests need it.\n"
                    f"{error}", pytrace=False)
    yield name
    asyncio.run(delete([f"{name}-counts", f"{name}-seen"]))
