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


class FollowUp(Base):
    """A person's consent to check-ins after a pre-screen, and where the check-ins stand.

    One per consent; `state` is active, stopped (the person said stop), ended (the last
    check-in, or the policy ended them) or escalated (a check-in's outcome was urgent or an
    emergency: the clinic takes over)."""

    __tablename__ = "follow_ups"
    __table_args__ = (sa.UniqueConstraint("prescreen_reference", name="uq_follow_ups_prescreen_reference"),)

    id = sa.Column(sa.Integer, primary_key=True)
    prescreen_reference = sa.Column(sa.String(16), nullable=False)  # the pre-screen's code; no foreign key: see repository
    sender_id = sa.Column(sa.String(255), nullable=False, index=True)
    channel = sa.Column(sa.String(64), nullable=False)  # Rasa's output channel name: telegram, twilio, ...
    consented_at = sa.Column(UTCDateTime(), nullable=False)
    consent = sa.Column(sa.JSON, nullable=False)  # the answer and the question's exact wording
    baseline = sa.Column(sa.JSON, nullable=False)  # sitting_minutes and worst pain at consent
    stage = sa.Column(sa.Integer, nullable=False)  # the rehabilitation outline's current stage
    state = sa.Column(sa.String(16), nullable=False, index=True)
    stopped_at = sa.Column(UTCDateTime(), nullable=True)
    ended_at = sa.Column(UTCDateTime(), nullable=True)  # ended or escalated


class CheckIn(Base):
    """One scheduled check-in of a follow-up, and every attempt to send it.

    `state`: scheduled -> sending -> sent -> reminding -> reminded -> no_reply, or answered
    from sent, reminding or reminded; undeliverable after the last failed attempt; cancelled
    when the follow-up stops or ends first. `next_attempt_at` is when the worker may next act
    on it: the due time, a retry after back-off, the end of a sending worker's lease, the
    reminder, or the moment an unanswered reminder becomes "no reply"."""

    __tablename__ = "check_ins"
    __table_args__ = (
        sa.UniqueConstraint("idempotency_key", name="uq_check_ins_idempotency_key"),
        sa.UniqueConstraint("follow_up_id", "sequence", name="uq_check_ins_follow_up_sequence"),
        sa.Index("ix_check_ins_state_next_attempt_at", "state", "next_attempt_at"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    follow_up_id = sa.Column(sa.Integer, sa.ForeignKey("follow_ups.id", ondelete="CASCADE", name="fk_check_ins_follow_up"), nullable=False,
                             index=True)
    sequence = sa.Column(sa.Integer, nullable=False)  # 1, 2, 3 ... in the follow-up
    label = sa.Column(sa.String(32), nullable=False)  # "2 weeks"
    due_at = sa.Column(UTCDateTime(), nullable=False)
    state = sa.Column(sa.String(16), nullable=False)
    idempotency_key = sa.Column(sa.String(64), nullable=False)  # sent with every attempt; Rasa sends once per key
    attempts = sa.Column(sa.Integer, nullable=False)  # of the message being sent now (the check-in, then the reminder)
    next_attempt_at = sa.Column(UTCDateTime(), nullable=True)
    last_error = sa.Column(sa.String(500), nullable=True)
    sent_at = sa.Column(UTCDateTime(), nullable=True)
    reminder_due_at = sa.Column(UTCDateTime(), nullable=True)
    reminded_at = sa.Column(UTCDateTime(), nullable=True)
    answered_at = sa.Column(UTCDateTime(), nullable=True)
    triggered_at = sa.Column(UTCDateTime(), nullable=True)  # the Rasa side first acted on the check-in's key
    reminder_triggered_at = sa.Column(UTCDateTime(), nullable=True)  # ... on the reminder's
    answers = sa.Column(sa.JSON, nullable=True)
    decision = sa.Column(sa.JSON, nullable=True)  # pht/triage/checkins.py's decision, as it gave it
    stage_before = sa.Column(sa.Integer, nullable=True)  # the follow-up's stage when the answers came
    stage_after = sa.Column(sa.Integer, nullable=True)  # ... and after the decision
    deliveries = sa.Column(sa.JSON, nullable=False)  # each attempt: time, message, attempt, outcome, error


class Handover(Base):
    """A person's conversation handed to clinic staff: asked for (`waiting`), taken over by one
    staff member (`taken`), and handed back to the assistant (`handed_back`). A staff member may
    also take over a conversation nobody asked about (no `requested_at`).

    `open_sender_id` is the conversation's id while the handover is waiting or taken, and NULL
    once it is handed back: unique, so a conversation has one open handover, and two staff
    taking the same conversation at once cannot both make one (the claim is the database's)."""

    __tablename__ = "handovers"
    __table_args__ = (sa.UniqueConstraint("open_sender_id", name="uq_handovers_open_sender_id"),)

    id = sa.Column(sa.Integer, primary_key=True)
    sender_id = sa.Column(sa.String(255), nullable=False, index=True)
    open_sender_id = sa.Column(sa.String(255), nullable=True)
    channel = sa.Column(sa.String(64), nullable=False)  # Rasa's output channel name: socketio, telegram, ...
    state = sa.Column(sa.String(16), nullable=False, index=True)  # waiting, taken, handed_back
    requested_at = sa.Column(UTCDateTime(), nullable=True)  # the person asked (None: staff stepped in)
    out_of_hours = sa.Column(sa.Boolean, nullable=False, default=False)  # asked while the clinic was closed
    taken_by = sa.Column(sa.String(64), nullable=True)
    taken_at = sa.Column(UTCDateTime(), nullable=True)
    handed_back_at = sa.Column(UTCDateTime(), nullable=True)
    handed_back_by = sa.Column(sa.String(64), nullable=True)  # the staff member; NULL when handed back automatically
    # nobody wrote for HANDOVER_IDLE_MINUTES: the reception's watch handed it back (pht/reception/unattended.py)
    handed_back_automatically = sa.Column(sa.Boolean, nullable=False, default=False, server_default=sa.false())
    nobody_free_told_at = sa.Column(UTCDateTime(), nullable=True)  # waited long, nobody took it: told once


class HandoverMessage(Base):
    """One message a staff member wrote to the person during a handover."""

    __tablename__ = "handover_messages"

    id = sa.Column(sa.Integer, primary_key=True)
    handover_id = sa.Column(sa.Integer, sa.ForeignKey("handovers.id", ondelete="CASCADE", name="fk_handover_messages_handover"),
                            nullable=False, index=True)
    at = sa.Column(UTCDateTime(), nullable=False)
    staff_user = sa.Column(sa.String(64), nullable=False)
    text = sa.Column(sa.Text, nullable=False)
