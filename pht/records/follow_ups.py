"""Follow-up check-ins in the records database: create with a schedule, claim what is due,
record each attempt to send, answers and decisions, stop, delete and purge.

Only this module and the repository touch the `follow_ups` and `check_ins` tables. Every
method that depends on the time takes it (`now`): the worker's clock is the only clock, so a
test or `make follow-ups-due AT=...` can run the schedule at any moment.

Exactly once: a check-in is claimed (`sending`, its idempotency key already stored) in a
committed transaction before the worker calls the Rasa server, and every attempt carries the
same key. A worker that dies mid-send leaves the row `sending`; once its lease has run out,
the next claim takes it again, records the interrupted attempt, and sends with the same key,
which the Rasa side acts on once (`first_trigger`). On PostgreSQL several workers claim with
`FOR UPDATE SKIP LOCKED`; on SQLite one worker is expected (a second one's claim fails
rather than sends twice).

The check-ins' foreign key deletes them with their follow-up on PostgreSQL; SQLite does not
enforce foreign keys unless asked (and asking would make its table-copying migrations delete
rows), so the deletions here name the check-ins themselves.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .models import CheckIn, FollowUp

FOLLOW_UP_STATES = ("active", "stopped", "ended", "escalated", "declined")  # declined: the answer was no
CHECK_IN_STATES = ("scheduled", "sending", "sent", "reminding", "reminded", "waiting", "answered", "no_reply",
                   "undeliverable", "cancelled")
# still waiting for something; "waiting": due on a channel nobody can be messaged on (the website
# widget), for the person to come back by their link
OPEN = ("scheduled", "sending", "sent", "reminding", "reminded", "waiting")
SENDING = {"sending": False, "reminding": True}  # the state while a message is out -> is it the reminder
CLAIMABLE = ("scheduled", "sending", "sent", "reminding")  # what the worker may act on when next_attempt_at has come
NOT_IMPROVING = ("soon", "urgent", "emergency")  # a decision's outcome that is not "carry on"
SHOWN = ("not_improving", "no_reply", "undeliverable")  # the reception list's filters
ERROR_CHARS = 500


def _iso(moment: Optional[dt.datetime]) -> Optional[str]:
    return moment.isoformat() if moment is not None else None


@dataclass(frozen=True)
class NewFollowUp:
    """What the consent step hands in: whose, where, the consent and the baseline."""

    prescreen_reference: str
    sender_id: str
    channel: str  # Rasa's output channel name (telegram, twilio, facebook, slack, socketio)
    consent: Dict[str, Any]  # the answer and the question's exact wording, as the pre-screen's consent
    baseline: Dict[str, Any]  # sitting_minutes, worst pain
    consented_at: dt.datetime
    stage: int = 0


@dataclass(frozen=True)
class CheckInRecord:
    """A stored check-in."""

    id: int
    sequence: int
    label: str
    due_at: dt.datetime
    state: str
    idempotency_key: str
    attempts: int
    next_attempt_at: Optional[dt.datetime]
    last_error: Optional[str]
    sent_at: Optional[dt.datetime]
    reminder_due_at: Optional[dt.datetime]
    reminded_at: Optional[dt.datetime]
    answered_at: Optional[dt.datetime]
    answers: Optional[Dict[str, Any]]
    decision: Optional[Dict[str, Any]]
    stage_before: Optional[int]
    stage_after: Optional[int]
    deliveries: List[Dict[str, Any]]

    @property
    def outcome(self) -> Optional[str]:
        """The decision's outcome level (emergency, urgent, soon, routine), if decided: its
        `urgency` (pht/triage/checkins.py's `outcome` names the step that decided), or an
        `outcome` that is a level itself."""
        decision = self.decision or {}
        return decision.get("urgency") or decision.get("outcome")

    @property
    def stage_went_back(self) -> bool:
        return self.stage_before is not None and self.stage_after is not None and self.stage_after < self.stage_before

    def as_dict(self) -> Dict[str, Any]:
        """JSON-ready: times in ISO 8601 with their zone."""
        return {name: _iso(value) if isinstance(value, dt.datetime) else value for name, value in asdict(self).items()}


@dataclass(frozen=True)
class FollowUpRecord:
    """A stored follow-up with its check-ins, in order."""

    id: int
    prescreen_reference: str
    sender_id: str
    channel: str
    consented_at: dt.datetime
    consent: Dict[str, Any]
    baseline: Dict[str, Any]
    stage: int
    state: str
    stopped_at: Optional[dt.datetime]
    ended_at: Optional[dt.datetime]
    check_ins: List[CheckInRecord] = field(default_factory=list)

    def latest_answered(self) -> Optional[CheckInRecord]:
        answered = [check_in for check_in in self.check_ins if check_in.state == "answered"]
        return answered[-1] if answered else None

    def not_improving(self) -> bool:
        """The latest answers were decided soon, urgent or an emergency, or moved a stage back."""
        latest = self.latest_answered()
        return latest is not None and (latest.outcome in NOT_IMPROVING or latest.stage_went_back)

    def unanswered_since_last_answer(self, state: str) -> bool:
        """A check-in ended in `state` (no_reply, undeliverable) and none answered after it."""
        last_answer = max((c.sequence for c in self.check_ins if c.state == "answered"), default=0)
        return any(c.state == state and c.sequence > last_answer for c in self.check_ins)

    def shown_by(self, show: str) -> bool:
        if show == "not_improving":
            return self.not_improving()
        return self.unanswered_since_last_answer(show)

    def as_dict(self) -> Dict[str, Any]:
        plain = {name: _iso(value) if isinstance(value, dt.datetime) else value
                 for name, value in asdict(self).items() if name != "check_ins"}
        return {**plain, "check_ins": [check_in.as_dict() for check_in in self.check_ins]}


@dataclass(frozen=True)
class DueMessage:
    """A claimed message: the check-in, or its reminder, to send now with its key."""

    check_in_id: int
    follow_up_id: int
    key: str
    reminder: bool
    sender_id: str
    channel: str
    sequence: int
    label: str
    attempt: int  # this attempt's number (1 for the first)

    @property
    def kind(self) -> str:
        return "reminder" if self.reminder else "check_in"


def _check_in_record(row: CheckIn) -> CheckInRecord:
    return CheckInRecord(**{name: getattr(row, name) for name in CheckInRecord.__dataclass_fields__})


def _follow_up_record(row: FollowUp, check_ins: Iterable[CheckIn]) -> FollowUpRecord:
    values = {name: getattr(row, name) for name in FollowUpRecord.__dataclass_fields__ if name != "check_ins"}
    ordered = sorted(check_ins, key=lambda check_in: check_in.sequence)
    return FollowUpRecord(**values, check_ins=[_check_in_record(check_in) for check_in in ordered])


def _delivery(now: dt.datetime, message: str, attempt: int, outcome: str, error: Optional[str] = None) -> Dict[str, Any]:
    return {"time": now.isoformat(), "message": message, "attempt": attempt, "outcome": outcome, "error": error}


def _locked_check_in(session: Session, where: Any) -> Optional[CheckIn]:
    return session.scalars(sa.select(CheckIn).where(where).with_for_update()).first()


class FollowUps:
    """The follow-ups and their check-ins (`Records.follow_ups`)."""

    def __init__(self, sessions: Callable[[], Session]) -> None:
        self._sessions = sessions

    # -- consent -----------------------------------------------------------------------------

    def create(self, new: NewFollowUp, schedule: Sequence[Tuple[str, dt.datetime]]) -> FollowUpRecord:
        """Store a consent and its check-ins, each (label, due time) of `schedule` in order, each
        with its own idempotency key. A second call for the same pre-screen (a turn sent again
        after a fault) returns the follow-up stored the first time."""
        if not schedule:
            raise ValueError("a follow-up needs at least one check-in")
        return self._add(new, schedule, "active")

    def decline(self, new: NewFollowUp) -> FollowUpRecord:
        """Store a "no" to the check-ins, with the question's wording, as a follow-up that is
        `declined` and has no check-ins: the record keeps the answer either way, as it keeps
        the pre-screen's consent. Nothing is ever sent for it; stopping finds nothing to stop."""
        return self._add(new, (), "declined")

    def _add(self, new: NewFollowUp, schedule: Sequence[Tuple[str, dt.datetime]], state: str) -> FollowUpRecord:
        with self._sessions() as session:
            try:
                with session.begin():
                    row = FollowUp(prescreen_reference=new.prescreen_reference, sender_id=new.sender_id,
                                   channel=new.channel, consented_at=new.consented_at, consent=new.consent,
                                   baseline=new.baseline, stage=new.stage, state=state)
                    session.add(row)
                    session.flush()
                    for sequence, (label, due_at) in enumerate(schedule, start=1):
                        session.add(CheckIn(follow_up_id=row.id, sequence=sequence, label=label, due_at=due_at,
                                            state="scheduled", idempotency_key=uuid.uuid4().hex, attempts=0,
                                            next_attempt_at=due_at, deliveries=[]))
            except sa.exc.IntegrityError:
                pass  # this pre-screen's follow-up is there already
        found = self.of_prescreen(new.prescreen_reference)
        assert found is not None
        return found

    # -- the worker --------------------------------------------------------------------------

    def claim_due(self, now: dt.datetime, lease: dt.timedelta, channels: Sequence[str],
                  limit: int = 20) -> List[DueMessage]:
        """Claim up to `limit` messages due by `now` on `channels`: check-ins and reminders due,
        retries whose back-off is over, and sends whose worker's lease ran out (recorded as
        interrupted; the same key goes again). Each is committed as being sent until
        `now + lease` before this returns."""
        claimed: List[DueMessage] = []
        with self._sessions() as session, session.begin():
            rows = session.execute(
                sa.select(CheckIn, FollowUp.sender_id, FollowUp.channel).join(FollowUp)
                .where(FollowUp.state == "active", FollowUp.channel.in_(list(channels)),
                       CheckIn.state.in_(CLAIMABLE), CheckIn.next_attempt_at <= now)
                .order_by(CheckIn.next_attempt_at, CheckIn.id).limit(limit)
                .with_for_update(skip_locked=True, of=CheckIn)).all()
            for check_in, sender_id, channel in rows:
                reminder = check_in.state in ("sent", "reminding")
                deliveries = list(check_in.deliveries)
                if check_in.state in SENDING:
                    deliveries.append(_delivery(now, "reminder" if reminder else "check_in", check_in.attempts,
                                                "interrupted", "the worker stopped mid-send; sent again with the same key"))
                taken = session.execute(
                    sa.update(CheckIn).where(CheckIn.id == check_in.id, CheckIn.state == check_in.state,
                                             CheckIn.attempts == check_in.attempts)
                    .values(state="reminding" if reminder else "sending", attempts=check_in.attempts + 1,
                            next_attempt_at=now + lease, deliveries=deliveries)
                    .execution_options(synchronize_session=False))
                if taken.rowcount == 1:
                    claimed.append(DueMessage(check_in.id, check_in.follow_up_id, check_in.idempotency_key, reminder,
                                              sender_id, channel, check_in.sequence, check_in.label,
                                              check_in.attempts + 1))
        return claimed

    def _settle(self, message: DueMessage, now: dt.datetime, outcome: str, error: Optional[str],
                values: Callable[[CheckIn], Dict[str, Any]]) -> bool:
        """Record how an attempt went, if this worker still holds the message (no other worker
        took it over after a lapsed lease); answered or cancelled meanwhile: recorded, no change."""
        with self._sessions() as session, session.begin():
            row = _locked_check_in(session, CheckIn.id == message.check_in_id)
            if row is None or row.attempts != message.attempt:
                return False
            row.deliveries = [*row.deliveries, _delivery(now, message.kind, message.attempt, outcome, error)]
            if SENDING.get(row.state) is message.reminder:
                for name, value in values(row).items():
                    setattr(row, name, value)
                _close_if_done(session, row.follow_up_id, now)
            elif outcome == "sent" and not message.reminder and row.sent_at is None:
                row.sent_at = now  # answered before this worker could say it was sent
            return True

    def mark_sent(self, message: DueMessage, now: dt.datetime, next_step_at: dt.datetime) -> bool:
        """The message went: a check-in waits for its answer until `next_step_at`, when the
        reminder is due; a reminder until `next_step_at`, when it is "no reply"."""
        if message.reminder:
            return self._settle(message, now, "sent", None, lambda row: {
                "state": "reminded", "reminded_at": now, "next_attempt_at": next_step_at, "last_error": None})
        return self._settle(message, now, "sent", None, lambda row: {
            "state": "sent", "sent_at": now, "reminder_due_at": next_step_at, "next_attempt_at": next_step_at,
            "attempts": 0, "last_error": None})

    def mark_failed(self, message: DueMessage, now: dt.datetime, error: str, retry_at: dt.datetime) -> bool:
        """The attempt failed (the Rasa server or the platform down, a time-out): try again at `retry_at`."""
        error = error[:ERROR_CHARS]
        return self._settle(message, now, "failed", error, lambda row: {
            "state": "sent" if message.reminder else "scheduled", "next_attempt_at": retry_at, "last_error": error})

    def mark_undeliverable(self, message: DueMessage, now: dt.datetime, error: str) -> bool:
        """The last attempt failed: the check-in (or its reminder) could not be delivered."""
        error = error[:ERROR_CHARS]
        return self._settle(message, now, "undeliverable", error, lambda row: {
            "state": "undeliverable", "next_attempt_at": None, "last_error": error})

    def mark_waiting(self, now: dt.datetime, messaged: Sequence[str], wait: dt.timedelta) -> int:
        """Check-ins due on a channel the worker may not message (`messaged` are those it may:
        the website widget is not one) wait for the person to come back by their link: nothing
        is sent, and like a sent check-in and its reminder, unanswered after `wait` (the
        reminder's time twice) they are "no reply". How many began to wait."""
        with self._sessions() as session, session.begin():
            rows = session.scalars(
                sa.select(CheckIn).join(FollowUp)
                .where(FollowUp.state == "active", FollowUp.channel.not_in(list(messaged)),
                       CheckIn.state == "scheduled", CheckIn.due_at <= now)
                .with_for_update(skip_locked=True, of=CheckIn)).all()
            for row in rows:
                row.state, row.next_attempt_at = "waiting", row.due_at + wait
                row.deliveries = [*row.deliveries, _delivery(now, "check_in", 0, "waiting")]
            return len(rows)

    def mark_unanswered(self, now: dt.datetime) -> int:
        """Reminded check-ins, and website check-ins waiting, still unanswered when their time
        is up become "no reply" (never "fine"); how many."""
        with self._sessions() as session, session.begin():
            rows = session.scalars(sa.select(CheckIn).where(CheckIn.state.in_(("reminded", "waiting")),
                                                            CheckIn.next_attempt_at <= now)
                                   .with_for_update(skip_locked=True)).all()
            for row in rows:
                row.state, row.next_attempt_at = "no_reply", None
                _close_if_done(session, row.follow_up_id, now)
            return len(rows)

    # -- the Rasa side -----------------------------------------------------------------------

    def first_trigger(self, key: str, reminder: bool, now: dt.datetime) -> bool:
        """Whether this is the first time the Rasa side acts on this check-in's (or reminder's)
        key: True once, then False, also when the same key comes again after a worker died
        mid-send, or when the check-in was cancelled meanwhile."""
        column = CheckIn.reminder_triggered_at if reminder else CheckIn.triggered_at
        with self._sessions() as session, session.begin():
            result = session.execute(sa.update(CheckIn).where(
                CheckIn.idempotency_key == key, column.is_(None), CheckIn.state != "cancelled")
                .values({column: now}).execution_options(synchronize_session=False))
            return result.rowcount == 1

    def record_answers(self, key: str, answers: Dict[str, Any], decision: Dict[str, Any], now: dt.datetime,
                       stage: Optional[int] = None, follow_up_state: Optional[str] = None) -> Optional[CheckInRecord]:
        """Keep a check-in's answers and the decision on them (as pht/triage/checkins.py gave
        them); `stage`: the outline's stage from now on; `follow_up_state` "ended" (the
        goodbye) or "escalated" (urgent or an emergency): no more check-ins. None for an
        unknown key."""
        if follow_up_state not in (None, "ended", "escalated"):
            raise ValueError(f"a follow-up ends as 'ended' or 'escalated', not {follow_up_state!r}")
        with self._sessions() as session, session.begin():
            row = _locked_check_in(session, CheckIn.idempotency_key == key)
            if row is None:
                return None
            follow_up = session.get(FollowUp, row.follow_up_id, with_for_update=True)
            row.state, row.answered_at, row.next_attempt_at = "answered", now, None
            row.answers, row.decision = answers, decision
            row.stage_before = follow_up.stage
            row.stage_after = follow_up.stage if stage is None else stage
            follow_up.stage = row.stage_after
            if follow_up_state is not None:
                _close(session, follow_up, follow_up_state, now)
            else:
                _close_if_done(session, follow_up.id, now)
            session.flush()
            return _check_in_record(row)

    def stop(self, sender_id: str, now: dt.datetime) -> int:
        """The person said stop: their active follow-ups stop, and no check-in goes any more;
        how many were stopped."""
        with self._sessions() as session, session.begin():
            rows = session.scalars(sa.select(FollowUp).where(FollowUp.sender_id == sender_id,
                                                             FollowUp.state == "active").with_for_update()).all()
            for row in rows:
                _close(session, row, "stopped", now)
            return len(rows)

    def end(self, follow_up_id: int, now: dt.datetime, state: str = "ended") -> bool:
        """End an active follow-up ("ended" or "escalated"), cancelling what was still to come."""
        if state not in ("ended", "escalated"):
            raise ValueError(f"a follow-up ends as 'ended' or 'escalated', not {state!r}")
        with self._sessions() as session, session.begin():
            row = session.get(FollowUp, follow_up_id, with_for_update=True)
            if row is None or row.state != "active":
                return False
            _close(session, row, state, now)
            return True

    # -- reading -----------------------------------------------------------------------------

    def _records(self, session: Session, query: Any) -> List[FollowUpRecord]:
        rows = list(session.scalars(query))
        check_ins: Dict[int, List[CheckIn]] = {row.id: [] for row in rows}
        if rows:
            for check_in in session.scalars(sa.select(CheckIn).where(CheckIn.follow_up_id.in_(list(check_ins)))):
                check_ins[check_in.follow_up_id].append(check_in)
        return [_follow_up_record(row, check_ins[row.id]) for row in rows]

    def get(self, follow_up_id: int) -> Optional[FollowUpRecord]:
        with self._sessions() as session:
            found = self._records(session, sa.select(FollowUp).where(FollowUp.id == follow_up_id))
            return found[0] if found else None

    def of_prescreen(self, reference: str) -> Optional[FollowUpRecord]:
        with self._sessions() as session:
            found = self._records(session, sa.select(FollowUp).where(FollowUp.prescreen_reference == reference))
            return found[0] if found else None

    def of_prescreens(self, references: Sequence[str]) -> Dict[str, FollowUpRecord]:
        """The follow-ups of these pre-screens (a page of the reception list), by reference."""
        if not references:
            return {}
        with self._sessions() as session:
            found = self._records(session, sa.select(FollowUp).where(FollowUp.prescreen_reference.in_(list(references))))
            return {record.prescreen_reference: record for record in found}

    def of_check_in(self, key: str) -> Optional[FollowUpRecord]:
        """The follow-up a check-in's key belongs to."""
        with self._sessions() as session:
            found = self._records(session, sa.select(FollowUp).join(CheckIn).where(CheckIn.idempotency_key == key))
            return found[0] if found else None

    def of_sender(self, sender_id: str) -> List[FollowUpRecord]:
        with self._sessions() as session:
            return self._records(session, sa.select(FollowUp).where(FollowUp.sender_id == sender_id)
                                 .order_by(FollowUp.consented_at.desc(), FollowUp.id.desc()))

    def list(self, show: Optional[str] = None, limit: Optional[int] = 500) -> List[FollowUpRecord]:
        """Follow-ups for the reception page, newest consent first; `show`: only those "not_improving"
        (the latest answers decided soon, urgent or an emergency, or a stage back), with "no_reply"
        or "undeliverable" check-ins since their last answer."""
        if show is not None and show not in SHOWN:
            raise ValueError(f"show one of {SHOWN}, not {show!r}")
        query = sa.select(FollowUp).order_by(FollowUp.consented_at.desc(), FollowUp.id.desc())
        if show is not None:  # those that may qualify; the rule itself is FollowUpRecord.shown_by
            needed = "answered" if show == "not_improving" else show
            query = query.where(FollowUp.id.in_(sa.select(CheckIn.follow_up_id).where(CheckIn.state == needed)))
        with self._sessions() as session:
            found = [record for record in self._records(session, query) if show is None or record.shown_by(show)]
        return found[:limit] if limit else found

    def count_check_ins(self, state: Optional[str] = None) -> int:
        with self._sessions() as session:
            query = sa.select(sa.func.count()).select_from(CheckIn)
            if state is not None:
                query = query.where(CheckIn.state == state)
            return session.scalar(query) or 0


# -- shared with the repository's deletions (one transaction with the pre-screens) -------------

def _close(session: Session, follow_up: FollowUp, state: str, now: dt.datetime) -> None:
    """No more check-ins: what is still open is cancelled (a message being sent right now goes,
    and is recorded when its worker says so)."""
    session.flush()
    follow_up.state = state
    if state == "stopped":
        follow_up.stopped_at = now
    else:
        follow_up.ended_at = now
    session.execute(sa.update(CheckIn).where(CheckIn.follow_up_id == follow_up.id, CheckIn.state.in_(OPEN))
                    .values(state="cancelled", next_attempt_at=None).execution_options(synchronize_session="fetch"))


def _close_if_done(session: Session, follow_up_id: int, now: dt.datetime) -> None:
    """An active follow-up whose check-ins are all settled has ended."""
    session.flush()
    still_open = session.scalar(sa.select(sa.func.count()).select_from(CheckIn).where(
        CheckIn.follow_up_id == follow_up_id, CheckIn.state.in_(OPEN)))
    if not still_open:
        session.execute(sa.update(FollowUp).where(FollowUp.id == follow_up_id, FollowUp.state == "active")
                        .values(state="ended", ended_at=now).execution_options(synchronize_session="fetch"))


def delete_follow_ups(session: Session, sender_id: Optional[str] = None, references: Sequence[str] = ()) -> int:
    """Delete the follow-ups (and their check-ins) of a conversation and of these pre-screens; how many."""
    conditions = []
    if sender_id is not None:
        conditions.append(FollowUp.sender_id == sender_id)
    if references:
        conditions.append(FollowUp.prescreen_reference.in_(list(references)))
    if not conditions:
        return 0
    ids = list(session.scalars(sa.select(FollowUp.id).where(sa.or_(*conditions))))
    _delete(session, ids)
    return len(ids)


def purge_follow_ups(session: Session, before: dt.datetime) -> int:
    """Delete the follow-ups whose last moment came before `before`; how many. The last moment
    is the latest of the consent, the stop or the end, each check-in's sending, reminder and
    answer, and the due time of each check-in not cancelled: retention counts from the end of
    the follow-up, so a pre-screen is kept while its check-ins run."""
    candidates = session.scalars(sa.select(FollowUp).where(FollowUp.consented_at < before)).all()
    moments: Dict[int, List[Optional[dt.datetime]]] = {
        row.id: [row.consented_at, row.stopped_at, row.ended_at] for row in candidates}
    if candidates:
        for check_in in session.scalars(sa.select(CheckIn).where(CheckIn.follow_up_id.in_(list(moments)))):
            due = check_in.due_at if check_in.state != "cancelled" else None
            moments[check_in.follow_up_id] += [due, check_in.sent_at, check_in.reminded_at, check_in.answered_at]
    expired = [follow_up_id for follow_up_id, times in moments.items()
               if max(moment for moment in times if moment is not None) < before]
    _delete(session, expired)
    return len(expired)


def _delete(session: Session, ids: List[int]) -> None:
    if ids:
        session.execute(sa.delete(CheckIn).where(CheckIn.follow_up_id.in_(ids)).execution_options(synchronize_session=False))
        session.execute(sa.delete(FollowUp).where(FollowUp.id.in_(ids)).execution_options(synchronize_session=False))
