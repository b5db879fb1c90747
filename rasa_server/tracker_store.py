"""The conversation store: Rasa's SQL tracker store, tuned for the embedded SQLite default.

`endpoints.yml` names this class; it takes the same settings as Rasa's `type: SQL` store
(dialect, db, host, ...), so PostgreSQL works through it unchanged.

With SQLite, every saved turn was a rollback-journal commit with several fsyncs, and a reader
waited for writers. In write-ahead-log mode with `synchronous=NORMAL`, a commit is one append
to the log: readers and the writer no longer block each other, and a crash of the process
(even SIGKILL) loses nothing; only a power cut can lose the last turns.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore

SQLITE_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA busy_timeout=5000")


def _tune_sqlite(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


class ConversationStore(SQLTrackerStore):
    """Rasa's SQL tracker store; on SQLite, in write-ahead-log mode."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _tune_sqlite)
            self.engine.dispose()  # connections opened while creating the tables get the pragmas too
