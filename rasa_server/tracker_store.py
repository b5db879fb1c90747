"""The conversation store: Rasa's SQL tracker store, on `DATABASE_URL` when it is set, doing
less work per turn, and able to forget a conversation.

`endpoints.yml` names this class with the embedded default, a SQLite file under `var/`. When
`DATABASE_URL` is set (`rasa_server/settings.py`), that database is used instead, so the same
`endpoints.yml` serves one machine and several replicas on PostgreSQL. Rasa creates its
`events` table on first start (replicas starting together is fine: Rasa tolerates losing that
race); a turn's events are appended under the conversation's lock (`lock_store.py`).

It takes the same settings as Rasa's `type: SQL` store (dialect, db, host, ...). It keeps
Rasa's table, rows and session rule (a conversation is read from its latest `session_started`
on), so a store written by either class is read the same by the other.

What it does with less work than Rasa's class (profiled: the store was a third of the Rasa
server's CPU):
- SQLite runs in write-ahead-log mode with `synchronous=NORMAL`: a commit is one append to
  the log, readers and the writer no longer block each other, and a crash of the process
  (even SIGKILL) loses nothing; only a power cut can lose the last turns.
- SQLite connections are pooled. SQLAlchemy 1.4 opens a new SQLite connection for every
  session by default (`NullPool`), so each read and each save paid for a connect and the
  pragmas.
- A turn's read and save are two plain SQL statements each (SQLAlchemy Core, cached
  compiled statements) instead of ORM queries and one ORM object per new event.
- Statement parameters are hidden from error messages: a failed save must not write the
  conversation's events into a log.
- On a database server (PostgreSQL), a pooled connection is tested before use, so after the
  server was restarted the first turn does not fail on a dead connection. While the database
  is unavailable, each turn fails whole and the person is asked to try again
  (`rasa_server/guards.py`). A server started while its database was down creates Rasa's
  table once the database is back.

Forgetting a conversation ("delete my data", staff `delete REF`, `purge`). Rasa 3.6 has no
delete API, and deleting the rows behind Rasa's back does not stick: Rasa holds the tracker in
memory during a turn, and `save` appends the events beyond the number already stored for the
sender, so after a deletion it would write the whole conversation back. So the rows are
deleted only while the conversation's lock is held (Rasa's lock store, in-memory or Redis,
whichever the server is configured with):
- "delete my data" in the conversation: `action_forget_me` sets the `forget_conversation`
  slot; Rasa calls `save` at the end of that turn inside the lock, and `save` deletes the
  sender's events instead of storing them. The next message starts a fresh conversation.
- staff `delete REF` and `purge` (other processes): they ask the running Rasa server through
  the token-protected routes in `rasa_server/privacy.py`, which take the same lock and call
  `forget` here.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

import sqlalchemy as sa
import sqlalchemy.orm  # noqa: F401 (sa.orm.session)
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from pht.private import private_sqlite, restrict_sqlite, sqlite_file

from .settings import ServerSettings

SQLITE_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA busy_timeout=5000")
SQLITE_POOL_SIZE = 5  # the Rasa server handles turns on one event loop; a few cover the HTTP API too
FORGET_SLOT = "forget_conversation"  # set by action_forget_me (actions/prescreen.py)


def _tune_sqlite(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


def forget_requested(tracker: DialogueStateTracker) -> bool:
    """Whether the person confirmed "delete my data" in this conversation."""
    slot = tracker.slots.get(FORGET_SLOT)
    return bool(slot and slot.value)


class ConversationStore(SQLTrackerStore):
    """Rasa's SQL tracker store: on SQLite in write-ahead-log mode with pooled connections;
    forgets a conversation on request."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        database_url = ServerSettings.from_env().database_url
        if database_url:
            kwargs["host"] = database_url  # Rasa takes a whole URL in `host`, ignoring dialect and db
        sqlite = sqlite_file(database_url) if database_url else (
            Path(kwargs["db"]) if kwargs.get("dialect", "sqlite") == "sqlite" and kwargs.get("db") else None)
        if sqlite is not None:  # conversations are health data: var/ 0700, the files 0600 (pht/private.py)
            private_sqlite(sqlite)
        super().__init__(*args, **kwargs)
        url = self.engine.url
        self.engine.dispose()  # Rasa's engine again, with parameters hidden and SQLite pooled
        if url.get_backend_name() == "sqlite":
            self.engine = sa.create_engine(
                url, hide_parameters=True, poolclass=sa.pool.QueuePool, pool_size=SQLITE_POOL_SIZE,
                max_overflow=SQLITE_POOL_SIZE,
                connect_args={"check_same_thread": False})  # a pooled connection may serve another thread later
            sa.event.listen(self.engine, "connect", _tune_sqlite)
            if sqlite is not None:
                sa.event.listen(self.engine, "connect", lambda *_: restrict_sqlite(sqlite))  # the WAL files too
        else:  # a database server that was restarted: a pooled connection is tested before it is used
            self.engine = sa.create_engine(url, hide_parameters=True, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)  # Rasa's other queries
        self.events_table: sa.Table = self.SQLEvent.__table__
        self._table_ready = False  # Rasa creates it at start-up, unless the database was down then

    def _ensure_table(self) -> None:
        if not self._table_ready:
            self.Base.metadata.create_all(self.engine)  # only what is missing
            self._table_ready = True

    def _in_latest_session(self, sender_id: Text) -> sa.sql.ColumnElement:
        """Rasa's rule: the sender's events from the latest `session_started` on (all of them
        when there is none)."""
        events = self.events_table.c
        session_start = (sa.select(sa.func.max(events.timestamp))
                         .where(events.sender_id == sender_id, events.type_name == SessionStarted.type_name)
                         .scalar_subquery())
        return sa.and_(events.sender_id == sender_id,
                       sa.or_(events.timestamp >= session_start, session_start.is_(None)))

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        """The tracker of the sender's latest conversation session, or None."""
        self._ensure_table()
        query = (sa.select(self.events_table.c.data).where(self._in_latest_session(sender_id))
                 .order_by(self.events_table.c.id))
        with self.engine.connect() as connection:
            events = [json.loads(data) for data in connection.execute(query).scalars()]
        if not self.domain or not events:
            return None
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the events of the latest session that are not stored yet; after a confirmed
        "delete my data", delete them all instead (Rasa calls this inside the conversation's lock)."""
        self._ensure_table()
        if forget_requested(tracker):
            self.forget(tracker.sender_id)
            return
        await self.stream_events(tracker)
        count = sa.select(sa.func.count()).select_from(self.events_table).where(
            self._in_latest_session(tracker.sender_id))
        with self.engine.begin() as connection:  # one transaction: count, then append
            stored = connection.execute(count).scalar_one()
            rows = [self._row(tracker.sender_id, event.as_dict(), event.type_name)
                    for event in list(tracker.events)[stored:]]
            if rows:
                connection.execute(self.events_table.insert(), rows)

    @staticmethod
    def _row(sender_id: Text, data: Dict[str, Any], type_name: Text) -> Dict[str, Any]:
        """The columns Rasa's store writes for one event."""
        return {"sender_id": sender_id, "type_name": type_name, "timestamp": data.get("timestamp"),
                "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                "action_name": data.get("name"), "data": json.dumps(data)}

    def forget(self, sender_id: str) -> int:
        """Delete every event of one conversation; how many. Call it only under the
        conversation's lock (see the module's docstring)."""
        with self.engine.begin() as connection:
            return connection.execute(self.events_table.delete().where(self.events_table.c.sender_id == sender_id)).rowcount

    def idle_since(self, before: float) -> List[str]:
        """The conversations whose latest event is older than `before` (a Unix time)."""
        events = self.events_table.c
        query = sa.select(events.sender_id).group_by(events.sender_id).having(sa.func.max(events.timestamp) < before)
        with self.engine.connect() as connection:
            return list(connection.execute(query).scalars())

    def is_idle_since(self, sender_id: str, before: float) -> bool:
        events = self.events_table.c
        query = sa.select(sa.func.max(events.timestamp)).where(events.sender_id == sender_id)
        with self.engine.connect() as connection:
            latest = connection.execute(query).scalar()
        return latest is not None and latest < before
