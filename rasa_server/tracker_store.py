"""The conversation store: Rasa's SQL tracker store, tuned for the embedded SQLite default,
and able to forget a conversation.

`endpoints.yml` names this class; it takes the same settings as Rasa's `type: SQL` store
(dialect, db, host, ...), so PostgreSQL works through it unchanged.

With SQLite, every saved turn was a rollback-journal commit with several fsyncs, and a reader
waited for writers. In write-ahead-log mode with `synchronous=NORMAL`, a commit is one append
to the log: readers and the writer no longer block each other, and a crash of the process
(even SIGKILL) loses nothing; only a power cut can lose the last turns.

Forgetting a conversation ("delete my data", staff `delete REF`, `purge`). Rasa 3.6 has no
delete API, and deleting the rows behind Rasa's back does not stick: Rasa holds the tracker in
memory during a turn, and `SQLTrackerStore.save` appends the events beyond the number already
stored for the sender, so after a deletion it would write the whole conversation back. So the
rows are deleted only while the conversation's lock is held (Rasa's lock store, in-memory or
Redis, whichever the server is configured with):
- "delete my data" in the conversation: `action_forget_me` sets the `forget_conversation`
  slot; Rasa calls `save` at the end of that turn inside the lock, and `save` deletes the
  sender's events instead of storing them. The next message starts a fresh conversation.
- staff `delete REF` and `purge` (other processes): they ask the running Rasa server through
  the token-protected routes in `rasa_server/privacy.py`, which take the same lock and call
  `forget` here.
"""
from __future__ import annotations

from typing import Any, List

import sqlalchemy as sa
import sqlalchemy.orm  # noqa: F401 (sa.orm.session)
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.trackers import DialogueStateTracker

SQLITE_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA busy_timeout=5000")
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
    """Rasa's SQL tracker store; on SQLite, in write-ahead-log mode; forgets on request."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Rasa's engine again, but with statement parameters hidden from error messages: a failed
        # save must not write the conversation's events into a log
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, hide_parameters=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _tune_sqlite)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the turn's new events; after a confirmed "delete my data", delete them all
        instead (Rasa calls this inside the conversation's lock)."""
        if forget_requested(tracker):
            self.forget(tracker.sender_id)
            return
        await super().save(tracker)

    def forget(self, sender_id: str) -> int:
        """Delete every event of one conversation; how many. Call it only under the
        conversation's lock (see the module's docstring)."""
        with self.session_scope() as session:
            deleted = session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).delete(
                synchronize_session=False)
            session.commit()
        return deleted

    def idle_since(self, before: float) -> List[str]:
        """The conversations whose latest event is older than `before` (a Unix time)."""
        with self.session_scope() as session:
            latest = sa.func.max(self.SQLEvent.timestamp)
            rows = session.query(self.SQLEvent.sender_id).group_by(self.SQLEvent.sender_id).having(latest < before)
            return [sender_id for (sender_id,) in rows]

    def is_idle_since(self, sender_id: str, before: float) -> bool:
        with self.session_scope() as session:
            latest = session.query(sa.func.max(self.SQLEvent.timestamp)).filter(
                self.SQLEvent.sender_id == sender_id).scalar()
        return latest is not None and latest < before
