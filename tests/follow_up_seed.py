"""Pre-screens with follow-up check-ins, stored directly through pht/records the way the
check-in conversation and the worker store them (answers decided by pht/triage/checkins.py):
one improving check-in, one worse with the clinic told, one with no reply after its reminder;
and a follow-up whose first check-in could not be delivered."""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict

from common import CLASSIC
from pht.records import NewPrescreen, Records
from pht.records.follow_ups import NewFollowUp
from pht.triage import assess
from pht.triage.checkins import CheckinAnswers, decide, schedule

CONSENTED = dt.datetime(2026, 9, 1, 10, tzinfo=dt.timezone.utc)
DAY = dt.timedelta(days=1)
LEASE = dt.timedelta(minutes=5)
BASELINE = {"sitting_minutes": 20, "worst_pain": 6}
CLASSIC_ROUTINE = {**CLASSIC, "pain_score": 6}
NONE_OF_THE_SCREENS = {"red_flags": [], "neuro_symptoms": [], "injury_signs": []}
IMPROVING = {"checkin": "week_2", "pain_score": 4, "trend": "better", "sitting_minutes": 35, "next_morning": "settled",
             "doing_exercises": True, "clinician_treating": False, **NONE_OF_THE_SCREENS}
WORSE = {"checkin": "week_6", "pain_score": 7, "trend": "worse", "sitting_minutes": 15,
         "next_morning": "clearly_worse", "doing_exercises": True, "clinician_treating": False, **NONE_OF_THE_SCREENS}


def prescreen(records: Records, sender: str, channel: str = "telegram"):
    result = {**assess(CLASSIC_ROUTINE), "skipped": [], "unsure": []}
    return records.add(NewPrescreen(channel=channel, sender_id=sender, assessment=result,
                                    consent={"status": "given", "by": "patient", "at": CONSENTED.isoformat()},
                                    engine_version="3.0", knowledge_version="3+abc", created=CONSENTED))


def follow_up_for(records: Records, record: Any, stage: int = 1):
    due = [(item.label, item.due_at) for item in schedule(CONSENTED)]
    return records.follow_ups.create(NewFollowUp(
        prescreen_reference=record.reference, sender_id=record.sender_id, channel=record.channel,
        consent={"answer": "yes", "question": "May I check in with you in 2 weeks to see how it's going?"},
        baseline=BASELINE, consented_at=CONSENTED, stage=stage), due)


def answer(records: Records, record: Any, sequence: int, answers: Dict[str, Any], history: list) -> Dict[str, Any]:
    """Decide a check-in's answers as the Rasa side does, and store both."""
    follow_up = records.follow_ups.of_prescreen(record.reference)
    check_in = follow_up.check_ins[sequence - 1]
    given = CheckinAnswers.from_json(answers)
    days = (check_in.due_at - CONSENTED).days
    decision = decide({**record.findings, "sitting_minutes": BASELINE["sitting_minutes"]}, history, given, days,
                      follow_up.stage)
    records.follow_ups.record_answers(check_in.idempotency_key, given.to_json(), decision.to_json(),
                                      check_in.due_at + dt.timedelta(hours=3), stage=decision.stage)
    history.append(given)
    return decision.to_json()


def no_reply(records: Records, at: dt.datetime) -> None:
    """The check-in due at `at` is sent, reminded a day later, and still unanswered: "no reply"."""
    [message] = records.follow_ups.claim_due(at, LEASE, ["telegram"])
    records.follow_ups.mark_sent(message, at, at + DAY)
    [reminder] = records.follow_ups.claim_due(at + DAY, LEASE, ["telegram"])
    records.follow_ups.mark_sent(reminder, at + DAY, at + 2 * DAY)
    assert records.follow_ups.mark_unanswered(at + 2 * DAY) == 1


def seed_trend(records: Records, sender: str = "trend-person"):
    """A pre-screen whose check-ins went: improving (2 weeks), worse with the clinic told (6
    weeks), no reply (12 weeks); the 6-month check-in still to come."""
    record = prescreen(records, sender)
    follow_up_for(records, record)
    history: list = []
    answer(records, record, 1, IMPROVING, history)
    answer(records, record, 2, WORSE, history)
    no_reply(records, CONSENTED + 84 * DAY)
    return record


def seed_undeliverable(records: Records, sender: str = "unreachable-person"):
    """A pre-screen whose first check-in could not be delivered (the platform down, twice)."""
    record = prescreen(records, sender)
    follow_up_for(records, record)
    at = CONSENTED + 14 * DAY
    [message] = records.follow_ups.claim_due(at, LEASE, ["telegram"])
    records.follow_ups.mark_failed(message, at, "the Rasa server answered 502: bad gateway", at + dt.timedelta(minutes=10))
    [retry] = records.follow_ups.claim_due(at + dt.timedelta(minutes=10), LEASE, ["telegram"])
    records.follow_ups.mark_undeliverable(retry, at + dt.timedelta(minutes=10), "the Rasa server answered 502: bad gateway")
    return record


def seed_unsure(records: Records, sender: str = "unsure-person"):
    """A pre-screen whose first check-in's danger signs were answered unsure (saddle numbness):
    decided as in a pre-screen, the clinic told, the check-ins stopped."""
    record = prescreen(records, sender)
    follow_up_for(records, record)
    decision = answer(records, record, 1, {**IMPROVING, "red_flags": [], "unsure": {"red_flags": ["saddle_numbness"]}}, [])
    if decision["stop"]:
        follow_up = records.follow_ups.of_prescreen(record.reference)
        records.follow_ups.end(follow_up.id, CONSENTED + 14 * DAY + dt.timedelta(hours=3), "escalated")
    return record
