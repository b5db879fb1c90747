"""Each platform message handled once, on any replica: retries and replays are acknowledged
and do nothing.

The platforms send a message again when they think it was not received (Telegram until it
gets 200, Slack when the answer takes over 3 seconds, Meta after an error or a timeout), and
a signed webhook call can be replayed by anyone who saw it: Twilio's and Meta's signatures
carry no time, Telegram's secret is the same on every call, and Slack's allow five minutes.
So before a message is handled, its platform id is claimed: Twilio's `MessageSid`,
Telegram's `update_id` (and a button press's callback query id), Slack's `event_id` (a button
press: its `trigger_id`), Messenger's `mid` (a postback: sender and timestamp). Only the first
claim of an id goes on; the rest get 200 and nothing else.

The claims are shared by every replica and kept `CLAIM_DAYS` days (longer than any platform
retries), in one store read from the environment the way the conversation store reads it:
- `REDIS_URL` set: a Redis key per claim, `SET NX` with an expiry (`REDIS_KEY_PREFIX:seen:...`);
- else a small table, `platform_messages`, created on first use (SQLAlchemy) in `DATABASE_URL`'s
  database, or in the SQLite file `var/platform_messages.db` (`PHT_VAR_DIR`).

A message is claimed before it is handled, so a server that dies while handling it does not
handle it again when the platform retries: at most once. (A turn that fails is answered with
"try again" by the Rasa server, rasa_server/guards.py, so the person knows to send it again.)
When the store cannot be reached, the call fails (500) and is not handled: the platform sends
it again later.
"""
from __future__ import annotations

import asyncio
import logging
import threading
import time
from typing import Mapping, Optional

import sqlalchemy as sa

from pht.settings import settings_from

logger = logging.getLogger(__name__)

CLAIM_DAYS = 7
DEFAULT_FILE = "platform_messages.db"
SWEEP_EVERY_SECONDS = 3600  # how often a process deletes expired claims from the table

METADATA = sa.MetaData()
CLAIMS = sa.Table(
    "platform_messages", METADATA,
    sa.Column("message_key", sa.String(255), primary_key=True),  # "<platform>:<scope>:<platform's id>"
    sa.Column("claimed_at", sa.Float, nullable=False, index=True),  # seconds since the epoch
)


class Claims:
    """`first(key)`: True for the first claim of `key` within `CLAIM_DAYS`, on any replica."""

    def first(self, key: str) -> bool:
        raise NotImplementedError

    async def first_time(self, key: str) -> bool:
        """`first(key)` off the event loop (both stores are synchronous clients)."""
        return await asyncio.to_thread(self.first, key)


class RedisClaims(Claims):
    def __init__(self, url: str, key_prefix: str, lifetime_seconds: int) -> None:
        import redis

        self.red = redis.Redis.from_url(url, socket_timeout=5)
        self.prefix = f"{key_prefix}:seen:"
        self.lifetime = lifetime_seconds

    def first(self, key: str) -> bool:
        return bool(self.red.set(self.prefix + key, b"1", nx=True, ex=self.lifetime))


class TableClaims(Claims):
    def __init__(self, url: str, lifetime_seconds: int) -> None:
        sqlite = url.startswith("sqlite")
        options = {"connect_args": {"timeout": 10}} if sqlite else {"pool_pre_ping": True}
        self.engine = sa.create_engine(url, hide_parameters=True, **options)
        self.lifetime = lifetime_seconds
        self._ready = False
        self._swept = 0.0
        self._lock = threading.Lock()

    def _create(self) -> None:
        if self._ready:
            return
        with self._lock:
            try:
                METADATA.create_all(self.engine, checkfirst=True)
            except sa.exc.DBAPIError:  # another replica created it at the same moment
                if not sa.inspect(self.engine).has_table(CLAIMS.name):
                    raise
            self._ready = True

    def first(self, key: str) -> bool:
        self._create()
        now = time.time()
        expired = now - self.lifetime
        with self.engine.begin() as connection:
            if now - self._swept > SWEEP_EVERY_SECONDS:
                connection.execute(CLAIMS.delete().where(CLAIMS.c.claimed_at < expired))
                self._swept = now
            else:
                connection.execute(CLAIMS.delete().where(CLAIMS.c.message_key == key)
                                   .where(CLAIMS.c.claimed_at < expired))
        try:
            with self.engine.begin() as connection:
                connection.execute(CLAIMS.insert().values(message_key=key, claimed_at=now))
        except sa.exc.IntegrityError:
            return False
        return True


def claims(env: Optional[Mapping[str, str]] = None) -> Claims:
    """The store of claims the environment names (Redis, the database, or the SQLite file)."""
    config = settings_from(env)
    lifetime = CLAIM_DAYS * 24 * 3600
    if config.redis_url:
        return RedisClaims(config.redis_url, config.redis_key_prefix, lifetime)
    url = config.sqlalchemy_database_url
    if not url:
        var = config.var_dir
        var.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{var / DEFAULT_FILE}"
    return TableClaims(url, lifetime)
