"""Handovers to clinic staff: a person asks for someone (`request`), a staff member takes the
conversation over (`take`), writes to the person (`add_message`) and hands it back (`hand_back`).
Nobody looking after it: a taken conversation with no staff message for a while is handed back
automatically (`silent` lists them, `hand_back_silent` claims one), and a person nobody took is
told so once (`long_waiting`, `claim_nobody_free`); each claim is one conditional statement, so
of several workers one acts, and each has its undo for when the Rasa server did not do it.

A conversation has at most one open handover (waiting or taken): the table's unique
`open_sender_id` says so, and taking over is one conditional statement, so two staff taking
the same conversation at once, on any replica, get one winner (`Taken` names the other).
Deleting a person's data deletes their handovers and what staff wrote (`delete_handovers`).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from .models import Handover, HandoverMessage

WAITING, TAKEN, HANDED_BACK = "waiting", "taken", "handed_back"
OPEN = (WAITING, TAKEN)
# The channels (Rasa's names) that can bring a person a message they did not ask for, so staff can
# write to them: the widget and the messaging platforms. Not `rest`, which answers only in the
# HTTP response to the caller's own message (what staff wrote would reach nobody), nor `staff`,
# the reception's own pre-screen channel.
HANDOVER_CHANNELS = ("socketio", "telegram", "twilio", "facebook", "slack")
# Names the reception (pht/reception/conversations.py), the actions and the widget's channel share;
# here, where the action server may load them (it never loads pht.reception: tests/test_layout.py).
STAFF_NAME_SLOT = "staff_name"  # domain/handover.yml: utter_handed_back names them
STEPPED_AWAY_SLOT = "staff_stepped_away"  # set when handed back automatically: action_handed_back says so
STAFF_TEXT = "staff_text"  # a staff message's own words, in its metadata beside `staff_name` (the widget's label)


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Taken(Exception):
    """The conversation is held by another staff member (or was just handed back)."""

    def __init__(self, by: Optional[str]) -> None:
        super().__init__(f"taken over by {by}" if by else "not open")
        self.by = by


@dataclass(frozen=True)
class StaffMessage:
    at: dt.datetime
    staff_user: str
    text: str

    def as_dict(self) -> Dict[str, Any]:
        return {"at": self.at.isoformat(), "staff_user": self.staff_user, "text": self.text}


@dataclass(frozen=True)
class HandoverRecord:
    id: int
    sender_id: str
    channel: str
    state: str
    requested_at: Optional[dt.datetime]
    out_of_hours: bool
    taken_by: Optional[str]
    taken_at: Optional[dt.datetime]
    handed_back_at: Optional[dt.datetime]
    messages: Tuple[StaffMessage, ...] = ()
    handed_back_by: Optional[str] = None  # the staff member who handed back; None when automatically
    handed_back_automatically: bool = False  # nobody from the clinic wrote for HANDOVER_IDLE_MINUTES
    nobody_free_told_at: Optional[dt.datetime] = None  # nobody took it: the person was told so, then

    def as_dict(self) -> Dict[str, Any]:
        """JSON-ready: times in ISO 8601 with their zone; no internal id."""
        data = asdict(self)
        data.pop("id")
        for key in ("requested_at", "taken_at", "handed_back_at", "nobody_free_told_at"):
            data[key] = data[key].isoformat() if data[key] else None
        data["messages"] = [message.as_dict() for message in self.messages]
        return data


def _record(row: Handover, messages: Sequence[HandoverMessage] = ()) -> HandoverRecord:
    return HandoverRecord(row.id, row.sender_id, row.channel, row.state, row.requested_at, bool(row.out_of_hours),
                          row.taken_by, row.taken_at, row.handed_back_at,
                          tuple(StaffMessage(m.at, m.staff_user, m.text) for m in messages),
                          row.handed_back_by, bool(row.handed_back_automatically), row.nobody_free_told_at)


class Handovers:
    """The handovers in the records database (`Records.handovers`)."""

    def __init__(self, sessions: sessionmaker) -> None:
        self._sessions = sessions

    def request(self, sender_id: str, channel: str, out_of_hours: bool = False,
                when: Optional[dt.datetime] = None) -> Tuple[HandoverRecord, bool]:
        """The person asks for someone: a waiting handover, or the one already open; and
        whether it is new."""
        for _ in range(3):
            found = self.open_of(sender_id)
            if found is not None:
                return found, False
            with self._sessions() as session:
                row = Handover(sender_id=sender_id, open_sender_id=sender_id, channel=channel, state=WAITING,
                               requested_at=when or now(), out_of_hours=out_of_hours)
                session.add(row)
                try:
                    session.commit()
                except sa.exc.IntegrityError:  # asked twice at once: the other one stands
                    session.rollback()
                    continue
                return _record(row), True
        raise RuntimeError("could not record the request for a person")

    def take(self, sender_id: str, channel: str, staff_user: str, when: Optional[dt.datetime] = None,
             from_user: Optional[str] = None) -> HandoverRecord:
        """`staff_user` takes the conversation over: the waiting request, or a new handover when
        nobody asked; or, with `from_user`, from that colleague, only while they still hold it
        (a colleague who left for the day). Raises `Taken` when someone else holds it; taking
        one's own again is no change."""
        when = when or now()
        held_by = (Handover.state == TAKEN, Handover.taken_by == from_user) if from_user else (Handover.state == WAITING,)
        with self._sessions() as session, session.begin():
            claimed = session.execute(sa.update(Handover).where(Handover.open_sender_id == sender_id, *held_by).values(
                state=TAKEN, taken_by=staff_user, taken_at=when)).rowcount
        if not claimed:
            with self._sessions() as session:
                session.add(Handover(sender_id=sender_id, open_sender_id=sender_id, channel=channel, state=TAKEN,
                                     out_of_hours=False, taken_by=staff_user, taken_at=when))
                try:
                    session.commit()
                except sa.exc.IntegrityError:
                    session.rollback()
        found = self.open_of(sender_id)
        if found is None or found.state != TAKEN or found.taken_by != staff_user:
            raise Taken(found.taken_by if found is not None else None)
        return found

    def add_message(self, sender_id: str, staff_user: str, text: str, when: Optional[dt.datetime] = None) -> StaffMessage:
        """Keep what `staff_user` wrote; only the staff member who holds the conversation may."""
        with self._sessions() as session, session.begin():
            row = self._open_row(session, sender_id)
            if row is None or row.state != TAKEN or row.taken_by != staff_user:
                raise Taken(row.taken_by if row is not None else None)
            message = HandoverMessage(handover_id=row.id, at=when or now(), staff_user=staff_user, text=text)
            session.add(message)
        return StaffMessage(message.at, staff_user, text)

    def hand_back(self, sender_id: str, staff_user: str, when: Optional[dt.datetime] = None) -> HandoverRecord:
        """The staff member who holds the conversation gives it back to the assistant."""
        with self._sessions() as session, session.begin():
            row = self._open_row(session, sender_id)
            if row is None or row.state != TAKEN or row.taken_by != staff_user:
                raise Taken(row.taken_by if row is not None else None)
            row.state, row.open_sender_id, row.handed_back_at = HANDED_BACK, None, when or now()
            row.handed_back_by = staff_user
            handover_id = row.id
        return self.get(handover_id)  # type: ignore[return-value]

    def release(self, sender_id: str, staff_user: str, before: Optional[HandoverRecord]) -> None:
        """Undo `staff_user`'s take (the Rasa server did not pause the conversation): the handover
        is again as it was `before` (waiting, or held by the colleague), or gone when there was none."""
        with self._sessions() as session, session.begin():
            row = self._open_row(session, sender_id)
            if row is None or row.state != TAKEN or row.taken_by != staff_user:
                return  # someone else's now: nothing of ours to undo
            if before is None:
                session.execute(sa.delete(HandoverMessage).where(HandoverMessage.handover_id == row.id))
                session.delete(row)
            else:
                row.state, row.taken_by, row.taken_at = before.state, before.taken_by, before.taken_at

    # -- nobody looking after it (pht/reception/unattended.py) -----------------------------------

    def silent(self, since: dt.datetime) -> List[HandoverRecord]:
        """The taken conversations whose holder neither took them nor wrote since `since`."""
        latest = (sa.select(sa.func.max(HandoverMessage.at)).where(HandoverMessage.handover_id == Handover.id)
                  .scalar_subquery())
        with self._sessions() as session:
            rows = session.scalars(sa.select(Handover).where(
                Handover.state == TAKEN, Handover.taken_at < since,
                sa.or_(latest.is_(None), latest < since)).order_by(Handover.taken_at, Handover.id)).all()
            return self._with_messages(session, rows)

    def hand_back_silent(self, handover: HandoverRecord, since: dt.datetime, when: dt.datetime) -> bool:
        """Hand `handover` back automatically, if its holder is still the same and still has not
        written since `since`: whether this call did it (of several workers, one does)."""
        newer = sa.exists().where(HandoverMessage.handover_id == Handover.id, HandoverMessage.at >= since)
        with self._sessions() as session, session.begin():
            return session.execute(sa.update(Handover).where(
                Handover.id == handover.id, Handover.state == TAKEN, Handover.taken_by == handover.taken_by,
                Handover.taken_at < since, ~newer).values(
                state=HANDED_BACK, open_sender_id=None, handed_back_at=when, handed_back_by=None,
                handed_back_automatically=True).execution_options(synchronize_session=False)).rowcount == 1

    def undo_hand_back_silent(self, handover: HandoverRecord) -> None:
        """The Rasa server did not resume it: held again as before, to be tried at the next round
        (unless the conversation has another open handover meanwhile)."""
        with self._sessions() as session:
            session.execute(sa.update(Handover).where(
                Handover.id == handover.id, Handover.handed_back_automatically.is_(True)).values(
                state=TAKEN, open_sender_id=handover.sender_id, handed_back_at=None,
                handed_back_automatically=False).execution_options(synchronize_session=False))
            try:
                session.commit()
            except sa.exc.IntegrityError:
                session.rollback()

    def long_waiting(self, since: dt.datetime) -> List[HandoverRecord]:
        """The requests made within the opening hours before `since` that nobody has taken, and
        whose person has not been told so yet."""
        with self._sessions() as session:
            rows = session.scalars(sa.select(Handover).where(
                Handover.state == WAITING, Handover.out_of_hours.is_(False), Handover.requested_at < since,
                Handover.nobody_free_told_at.is_(None)).order_by(Handover.requested_at, Handover.id)).all()
            return [_record(row) for row in rows]

    def claim_nobody_free(self, handover: HandoverRecord, when: Optional[dt.datetime]) -> bool:
        """Mark that the person is told nobody is free (`when`), once: whether this call did;
        `when=None` undoes it (the message did not go)."""
        told = Handover.nobody_free_told_at.is_(None) if when is not None else Handover.nobody_free_told_at.isnot(None)
        with self._sessions() as session, session.begin():
            return session.execute(sa.update(Handover).where(Handover.id == handover.id, told).values(
                nobody_free_told_at=when).execution_options(synchronize_session=False)).rowcount == 1

    def delete_of_sender(self, sender_id: str) -> int:
        """Delete a conversation's handovers and what staff wrote in them (staff `delete`)."""
        with self._sessions() as session, session.begin():
            return delete_handovers(session, sender_id)

    # -- reading ------------------------------------------------------------------------------

    @staticmethod
    def _open_row(session: Session, sender_id: str) -> Optional[Handover]:
        return session.scalars(sa.select(Handover).where(Handover.open_sender_id == sender_id)).first()

    def _with_messages(self, session: Session, rows: Sequence[Handover]) -> List[HandoverRecord]:
        ids = [row.id for row in rows]
        messages: Dict[int, List[HandoverMessage]] = {}
        if ids:
            for message in session.scalars(sa.select(HandoverMessage).where(HandoverMessage.handover_id.in_(ids))
                                           .order_by(HandoverMessage.at, HandoverMessage.id)):
                messages.setdefault(message.handover_id, []).append(message)
        return [_record(row, messages.get(row.id, ())) for row in rows]

    def get(self, handover_id: int) -> Optional[HandoverRecord]:
        with self._sessions() as session:
            row = session.get(Handover, handover_id)
            return self._with_messages(session, [row])[0] if row is not None else None

    def open_of(self, sender_id: str) -> Optional[HandoverRecord]:
        """The conversation's waiting or taken handover, if any."""
        with self._sessions() as session:
            row = self._open_row(session, sender_id)
            return self._with_messages(session, [row])[0] if row is not None else None

    def of_sender(self, sender_id: str) -> List[HandoverRecord]:
        """Every handover of a conversation, oldest first, with what staff wrote."""
        with self._sessions() as session:
            rows = session.scalars(sa.select(Handover).where(Handover.sender_id == sender_id).order_by(Handover.id)).all()
            return self._with_messages(session, rows)

    def open(self) -> List[HandoverRecord]:
        """Every waiting or taken handover, the longest waiting first."""
        with self._sessions() as session:
            rows = session.scalars(sa.select(Handover).where(Handover.state.in_(OPEN)).order_by(
                sa.func.coalesce(Handover.requested_at, Handover.taken_at), Handover.id)).all()
            return [_record(row) for row in rows]


def delete_handovers(session: Session, sender_id: str) -> int:
    """Delete a conversation's handovers and what staff wrote in them; how many handovers."""
    ids = list(session.scalars(sa.select(Handover.id).where(Handover.sender_id == sender_id)))
    if ids:
        session.execute(sa.delete(HandoverMessage).where(HandoverMessage.handover_id.in_(ids)))
        session.execute(sa.delete(Handover).where(Handover.id.in_(ids)))
    return len(ids)


def purge_handovers(session: Session, before: dt.datetime) -> int:
    """Delete the handovers handed back before `before` (and their messages); how many."""
    ids = list(session.scalars(sa.select(Handover.id).where(Handover.state == HANDED_BACK,
                                                            Handover.handed_back_at < before)))
    if ids:
        session.execute(sa.delete(HandoverMessage).where(HandoverMessage.handover_id.in_(ids)))
        session.execute(sa.delete(Handover).where(Handover.id.in_(ids)))
    return len(ids)
