"""The reception page's shared state in the records database: signed-in sessions and failed
sign-ins. Used when REDIS_URL is not set (pht/reception/sessions.py picks the store);
every replica of the page on the same database sees the same rows, so signing out or
`remove-user` in one ends the session in all, and a guess in one counts in all.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional, Tuple

import sqlalchemy as sa

from .models import LoginFailure, ReceptionSession
from .repository import Records


@dataclass(frozen=True)
class StoredSession:
    username: str
    csrf: str
    created: dt.datetime
    last_seen: dt.datetime


class DatabaseSessions:
    """Sessions by the SHA-256 of their id (the cookie holds the id itself)."""

    def __init__(self, records: Records) -> None:
        self._sessions = records._sessions  # the one engine of the records database

    def put(self, id_hash: str, session: StoredSession) -> None:
        with self._sessions() as db, db.begin():
            db.add(ReceptionSession(id_hash=id_hash, username=session.username, csrf=session.csrf,
                                    created=session.created, last_seen=session.last_seen))

    def get(self, id_hash: str) -> Optional[StoredSession]:
        with self._sessions() as db:
            row = db.get(ReceptionSession, id_hash)
            if row is None:
                return None
            return StoredSession(row.username, row.csrf, row.created, row.last_seen)

    def touch(self, id_hash: str, when: dt.datetime) -> None:
        with self._sessions() as db, db.begin():
            db.execute(sa.update(ReceptionSession).where(ReceptionSession.id_hash == id_hash).values(last_seen=when))

    def delete(self, id_hash: str) -> None:
        with self._sessions() as db, db.begin():
            db.execute(sa.delete(ReceptionSession).where(ReceptionSession.id_hash == id_hash))

    def delete_user(self, username: str) -> int:
        with self._sessions() as db, db.begin():
            return db.execute(sa.delete(ReceptionSession).where(ReceptionSession.username == username)).rowcount

    def delete_older(self, last_seen_before: dt.datetime, created_before: dt.datetime) -> int:
        with self._sessions() as db, db.begin():
            return db.execute(sa.delete(ReceptionSession).where(sa.or_(
                ReceptionSession.last_seen < last_seen_before, ReceptionSession.created < created_before))).rowcount


class DatabaseFailures:
    """Failed sign-ins per key: how many in a row, and when the latest was."""

    def __init__(self, records: Records) -> None:
        self._sessions = records._sessions

    def get(self, key: str) -> Optional[Tuple[int, dt.datetime]]:
        with self._sessions() as db:
            row = db.get(LoginFailure, key)
            return (row.failures, row.last_failure) if row is not None else None

    def failed(self, key: str, when: dt.datetime, forget_before: dt.datetime) -> int:
        """Count one more failure (starting again from one when the latest is older than
        `forget_before`); the count now. One statement each way, so replicas counting at
        once lose nothing."""
        for _ in range(3):
            with self._sessions() as db, db.begin():
                restarted = db.execute(sa.update(LoginFailure).where(
                    LoginFailure.key == key, LoginFailure.last_failure < forget_before).values(
                    failures=1, last_failure=when)).rowcount
                if not restarted:
                    counted = db.execute(sa.update(LoginFailure).where(LoginFailure.key == key).values(
                        failures=LoginFailure.failures + 1, last_failure=when)).rowcount
                    if not counted:
                        try:
                            with db.begin_nested():
                                db.add(LoginFailure(key=key, failures=1, last_failure=when))
                        except sa.exc.IntegrityError:  # another replica made the row first: count again
                            continue
                return db.get(LoginFailure, key).failures
        raise RuntimeError("could not count a failed sign-in")

    def hold(self, key: str, seen_last: dt.datetime, when: dt.datetime) -> bool:
        """Move the latest failure's time to `when`, only if it is still `seen_last` (no other
        attempt held or failed in between; one statement, compare-and-set); whether it was moved."""
        with self._sessions() as db, db.begin():
            return bool(db.execute(sa.update(LoginFailure).where(
                LoginFailure.key == key, LoginFailure.last_failure == seen_last).values(last_failure=when)).rowcount)

    def clear(self, key: str) -> None:
        with self._sessions() as db, db.begin():
            db.execute(sa.delete(LoginFailure).where(LoginFailure.key == key))
