"""The records database's tables (SQLAlchemy 1.4, the version Rasa 3.6 pins).

The schema is created and changed by the Alembic migrations in `migrations/`, never by
`create_all`: a test checks that the migrations produce exactly these tables.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import declarative_base

Base: Any = declarative_base()  # SQLAlchemy 1.4 ships no type information

VERSION_TABLE = "prescreen_alembic_version"  # its own name: the database may be shared with Rasa's tracker store


class UTCDateTime(sa.types.TypeDecorator):
    """A UTC time, stored without a zone (SQLite keeps none) and read back as aware UTC."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):  # noqa: ANN001 (SQLAlchemy's signature)
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):  # noqa: ANN001
        return value.replace(tzinfo=dt.timezone.utc) if value is not None else None


class Prescreen(Base):
    """One finished pre-screen: what reception needs without reading the conversation."""

    __tablename__ = "prescreens"
    __table_args__ = (
        sa.UniqueConstraint("reference", name="uq_prescreens_reference"),
        # the conversation's state when the pre-screen finished: a finishing turn that a fault
        # made the person send again finds its record instead of storing a second one
        sa.Index("uq_prescreens_sender_turn", "sender_id", "turn_key", unique=True),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    reference = sa.Column(sa.String(16), nullable=False)
    created = sa.Column(UTCDateTime(), nullable=False, index=True)
    channel = sa.Column(sa.String(64), nullable=False)
    sender_id = sa.Column(sa.String(255), nullable=False, index=True)
    staff_entered = sa.Column(sa.Boolean, nullable=False, default=False)
    ended_by = sa.Column(sa.String(32), nullable=False)  # "completed", "danger_sign" or "screening_stopped"
    urgency = sa.Column(sa.String(16), nullable=False, index=True)
    likelihood = sa.Column(sa.String(16), nullable=False)
    findings = sa.Column(sa.JSON, nullable=False)  # every finding, by field
    skipped = sa.Column(sa.JSON, nullable=False)  # fields not asked: they could not change the outcome
    unsure = sa.Column(sa.JSON, nullable=False)  # fields asked and answered "not sure"
    assessment = sa.Column(sa.JSON, nullable=False)  # the engine's whole result
    engine_version = sa.Column(sa.String(64), nullable=False)
    knowledge_version = sa.Column(sa.String(64), nullable=False)
    consent = sa.Column(sa.JSON, nullable=False)
    turn_key = sa.Column(sa.String(64), nullable=True)


class ReceptionSession(Base):
    """A signed-in reception session. The browser's cookie holds a random id; only its SHA-256
    is kept here, so a copy of the database opens no session. Deleting the row ends it, in
    every replica at once (sign-out, `remove-user`, expiry)."""

    __tablename__ = "reception_sessions"

    id_hash = sa.Column(sa.String(64), primary_key=True)
    username = sa.Column(sa.String(64), nullable=False, index=True)
    csrf = sa.Column(sa.String(64), nullable=False)
    created = sa.Column(UTCDateTime(), nullable=False)
    last_seen = sa.Column(UTCDateTime(), nullable=False)


class LoginFailure(Base):
    """Failed sign-ins for one key (an account name, a client address): the login back-off."""

    __tablename__ = "reception_login_failures"

    key = sa.Column(sa.String(200), primary_key=True)
    failures = sa.Column(sa.Integer, nullable=False)
    last_failure = sa.Column(UTCDateTime(), nullable=False)
