"""The one way into the records database: add, find, list and delete pre-screen records,
and (`Records.follow_ups`, follow_ups.py) the follow-up check-ins.

Everything else (the record action, the staff CLI, the reception page, the follow-up worker)
goes through `Records`; what comes out are plain `Record` values, never database sessions.
Deleting a person's pre-screens deletes their follow-ups too; purging keeps a pre-screen
while its follow-up is within the retention period.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, List, Optional

import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from ..private import private_sqlite, restrict_sqlite
from .follow_ups import FollowUps, delete_follow_ups, purge_follow_ups
from .handovers import Handovers, delete_handovers, purge_handovers
from .models import VERSION_TABLE, FollowUp, Prescreen
from .references import new_reference, normalise_reference
from .settings import Settings, settings

if TYPE_CHECKING:
    from alembic.config import Config

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
REFERENCE_TRIES = 20  # a repeat among 33.5 million codes is rare; twenty in a row is a broken generator
SQLITE_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA busy_timeout=10000")
ENDED_BY = ("completed", "danger_sign", "screening_stopped")


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dataclass(frozen=True)
class NewPrescreen:
    """What the record action hands in when an assessment completes or a danger sign ends it."""

    channel: str
    sender_id: str
    assessment: Dict[str, Any]  # the engine's result, with `skipped` and `unsure` added by the adapter
    consent: Dict[str, Any]
    engine_version: str
    knowledge_version: str
    staff_entered: bool = False
    ended_by: str = "completed"
    created: dt.datetime = field(default_factory=now)
    turn_key: Optional[str] = None  # names the message that finished it, the same when sent again (see `add`)


@dataclass(frozen=True)
class Record:
    """A stored pre-screen."""

    reference: str
    created: dt.datetime
    channel: str
    sender_id: str
    staff_entered: bool
    ended_by: str
    urgency: str
    likelihood: str
    findings: Dict[str, Any]
    skipped: List[str]
    unsure: List[str]
    assessment: Dict[str, Any]
    engine_version: str
    knowledge_version: str
    consent: Dict[str, Any]

    def as_dict(self) -> Dict[str, Any]:
        """JSON-ready: the time in ISO 8601 with its zone."""
        return {**asdict(self), "created": self.created.isoformat()}

    def summary(self) -> Dict[str, Any]:
        """The fields of a list item."""
        return {"reference": self.reference, "sender_id": self.sender_id, "created": self.created.isoformat(),
                "urgency": self.urgency, "likelihood": self.likelihood, "channel": self.channel,
                "staff_entered": self.staff_entered, "ended_by": self.ended_by}


def _record(row: Prescreen) -> Record:
    return Record(**{name: getattr(row, name) for name in Record.__dataclass_fields__})


def _tune_sqlite(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


def create_engine(url: str) -> sa.engine.Engine:
    """An engine for the records database; SQLite in write-ahead-log mode, its folder and
    files made readable by their owner only."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "sqlite":
        # hide_parameters: an error's message must not carry a record's findings into a log
        return sa.create_engine(url, pool_pre_ping=True, future=True, hide_parameters=True)
    engine = sa.create_engine(url, future=True, hide_parameters=True, connect_args={"check_same_thread": False})
    sa.event.listen(engine, "connect", _tune_sqlite)
    if parsed.database and parsed.database != ":memory:":  # health data: owner-only (pht/private.py)
        path = Path(parsed.database)
        private_sqlite(path)
        sa.event.listen(engine, "connect", lambda *_: restrict_sqlite(path))  # after the WAL files exist
    return engine


class Records:
    """The pre-screen records in one database (DATABASE_URL, or SQLite under var/)."""

    def __init__(self, url: Optional[str] = None, migrate: Optional[bool] = None,
                 config: Optional[Settings] = None) -> None:
        config = config or settings()
        self.url = url or config.database_url
        self.engine = create_engine(self.url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False, future=True)
        self.follow_ups = FollowUps(self._sessions)
        self.handovers = Handovers(self._sessions)
        if config.migrate_automatically if migrate is None else migrate:
            self.migrate()

    # -- schema ------------------------------------------------------------------------------

    def _alembic(self, connection: sa.engine.Connection) -> "Config":
        from alembic.config import Config  # Alembic only where the schema is checked: not at import

        alembic = Config()
        alembic.set_main_option("script_location", str(MIGRATIONS))
        alembic.attributes["connection"] = connection
        return alembic

    def migrate(self) -> None:
        """Bring the schema up to the newest migration (does nothing when it is there)."""
        if self.schema_is_current():
            return
        from alembic import command

        with self.engine.begin() as connection:
            command.upgrade(self._alembic(connection), "head")

    def schema_is_current(self) -> bool:
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        with self.engine.connect() as connection:
            current = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE}).get_current_heads()
            head = ScriptDirectory.from_config(self._alembic(connection)).get_heads()
        return set(current) == set(head)

    # -- writing -----------------------------------------------------------------------------

    def add(self, new: NewPrescreen) -> Record:
        """Store a pre-screen under a new reference code, unique even when many finish at once.

        A pre-screen with the `turn_key` of one already stored for the same conversation is that
        one: when a fault stops the finishing turn from being saved, the person's client sends
        the message again, and it gets the same record and code."""
        if new.ended_by not in ENDED_BY:
            raise ValueError(f"ended_by must be one of {ENDED_BY}, not {new.ended_by!r}")
        result = new.assessment
        for _ in range(REFERENCE_TRIES):
            stored = self._of_turn(new.sender_id, new.turn_key)
            if stored is not None:
                return stored
            row = Prescreen(
                reference=new_reference(), created=new.created, channel=new.channel, sender_id=new.sender_id,
                staff_entered=new.staff_entered, ended_by=new.ended_by, urgency=result["urgency"],
                likelihood=result["likelihood"], findings=dict(result.get("findings") or {}),
                skipped=list(result.get("skipped") or []), unsure=list(result.get("unsure") or []),
                assessment=result, engine_version=new.engine_version,
                knowledge_version=new.knowledge_version, consent=new.consent, turn_key=new.turn_key)
            with self._sessions() as session:
                session.add(row)
                try:
                    session.commit()
                except sa.exc.IntegrityError:
                    session.rollback()  # the code was taken a moment ago, or the turn stored: look again
                    continue
                logger.info("Stored pre-screen %s", row.reference)
                return _record(row)
        raise RuntimeError(f"no free reference code after {REFERENCE_TRIES} tries")

    def _of_turn(self, sender_id: str, turn_key: Optional[str]) -> Optional[Record]:
        if turn_key is None:
            return None
        with self._sessions() as session:
            row = session.scalars(sa.select(Prescreen).where(
                Prescreen.sender_id == sender_id, Prescreen.turn_key == turn_key)).first()
            return _record(row) if row is not None else None

    def delete_sender(self, sender_id: str) -> List[str]:
        """Delete every pre-screen, follow-up and handover of one conversation ("delete my
        data"); the pre-screens' references."""
        with self._sessions() as session, session.begin():
            references = list(session.scalars(sa.select(Prescreen.reference).where(Prescreen.sender_id == sender_id)))
            delete_follow_ups(session, sender_id=sender_id, references=references)
            delete_handovers(session, sender_id)
            session.execute(sa.delete(Prescreen).where(Prescreen.sender_id == sender_id))
        return references

    def delete(self, references: List[str]) -> List[str]:
        """Delete these pre-screens and their follow-ups; the references that were there."""
        with self._sessions() as session, session.begin():
            found = list(session.scalars(sa.select(Prescreen.reference).where(Prescreen.reference.in_(references))))
            delete_follow_ups(session, references=references)
            session.execute(sa.delete(Prescreen).where(Prescreen.reference.in_(references)))
        return found

    def purge(self, before: dt.datetime) -> List[str]:
        """Delete the follow-ups that ended before `before` (follow_ups.purge_follow_ups), and
        the pre-screens created before it that have no follow-up left; the pre-screens' references."""
        with self._sessions() as session, session.begin():
            purge_follow_ups(session, before)
            purge_handovers(session, before)
            old = sa.and_(Prescreen.created < before,
                          Prescreen.reference.not_in(sa.select(FollowUp.prescreen_reference)))
            references = list(session.scalars(sa.select(Prescreen.reference).where(old)))
            session.execute(sa.delete(Prescreen).where(old).execution_options(synchronize_session=False))
        return references

    # -- reading -----------------------------------------------------------------------------

    def get(self, reference: str) -> Optional[Record]:
        """The pre-screen with this reference (as typed: case, spaces and the prefix do not matter)."""
        wanted = normalise_reference(reference)
        if wanted is None:
            return None
        with self._sessions() as session:
            row = session.scalars(sa.select(Prescreen).where(Prescreen.reference == wanted)).first()
            return _record(row) if row else None

    def of_sender(self, sender_id: str) -> List[Record]:
        with self._sessions() as session:
            rows = session.scalars(sa.select(Prescreen).where(Prescreen.sender_id == sender_id)
                                   .order_by(Prescreen.created.desc(), Prescreen.id.desc()))
            return [_record(row) for row in rows]

    def list(self, since: Optional[dt.datetime] = None, urgency: Optional[str] = None,
             limit: Optional[int] = 500) -> List[Record]:
        """Pre-screens, newest first; from `since` on, of one urgency level, at most `limit`."""
        query = sa.select(Prescreen).order_by(Prescreen.created.desc(), Prescreen.id.desc())
        if since is not None:
            query = query.where(Prescreen.created >= since)
        if urgency:
            query = query.where(Prescreen.urgency == urgency)
        if limit:
            query = query.limit(limit)
        with self._sessions() as session:
            return [_record(row) for row in session.scalars(query)]

    def count(self) -> int:
        with self._sessions() as session:
            return session.scalar(sa.select(sa.func.count()).select_from(Prescreen)) or 0

    def close(self) -> None:
        self.engine.dispose()
