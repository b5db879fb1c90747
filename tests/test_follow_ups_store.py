"""Follow-ups in the records database (pht/records/follow_ups.py): the schedule, claiming what is
due, each attempt recorded, answers and decisions, stop, "delete my data", retention and the
reception list; on SQLite and on PostgreSQL."""
import asyncio
import datetime as dt
import threading

import pytest
import sqlalchemy as sa

import actions.prescreen as prescreen
from pht.records import NewFollowUp, NewPrescreen, Records
from pht.records.models import CheckIn
from databases import database_url, records_on_both_databases  # noqa: F401 (the fixture `records`)

T0 = dt.datetime(2027, 1, 1, 10, 0, tzinfo=dt.timezone.utc)
DAY = dt.timedelta(days=1)
LEASE = dt.timedelta(minutes=2)
PUSH = ("telegram", "twilio", "facebook", "slack")
SCHEDULE = [("2 weeks", T0 + 14 * DAY), ("6 weeks", T0 + 42 * DAY), ("12 weeks", T0 + 84 * DAY),
            ("6 months", T0 + 182 * DAY)]


def prescreen_of(records, sender="tg:1", created=T0):
    return records.add(NewPrescreen(channel="telegram", sender_id=sender, consent={"status": "given"},
                                    assessment={"urgency": "routine", "likelihood": "high", "findings": {}},
                                    engine_version="e", knowledge_version="k", created=created)).reference


def follow_up(records, sender="tg:1", channel="telegram", schedule=SCHEDULE, reference=None, consented_at=T0, stage=0):
    new = NewFollowUp(prescreen_reference=reference or prescreen_of(records, sender, consented_at), sender_id=sender,
                      channel=channel, consented_at=consented_at,
                      consent={"answer": "yes", "question": "May I check in with you in 2 weeks to see how it's going?"},
                      baseline={"sitting_minutes": 20, "worst_pain": 6}, stage=stage)
    return records.follow_ups.create(new, schedule)


def claim(records, now, channels=PUSH, limit=10):
    return records.follow_ups.claim_due(now, LEASE, channels, limit=limit)


def states(records, follow_up_id):
    return [check_in.state for check_in in records.follow_ups.get(follow_up_id).check_ins]


def sent(records, now):
    """Claim what is due and record each as sent (the reminder a day later)."""
    messages = claim(records, now)
    for message in messages:
        assert records.follow_ups.mark_sent(message, now, now + DAY)
    return messages


def test_a_consent_is_stored_with_its_schedule_and_a_key_of_its_own_for_each_check_in(records):
    stored = follow_up(records)
    assert (stored.state, stored.stage, stored.channel) == ("active", 0, "telegram")
    assert stored.consent["question"].startswith("May I check in") and stored.baseline["sitting_minutes"] == 20
    assert [(c.sequence, c.label, c.due_at, c.state) for c in stored.check_ins] == [
        (number, label, due, "scheduled") for number, (label, due) in enumerate(SCHEDULE, start=1)]
    assert len({c.idempotency_key for c in stored.check_ins}) == 4 and all(c.deliveries == [] for c in stored.check_ins)


def test_the_same_consent_stored_twice_is_one_follow_up(records):
    first = follow_up(records)
    again = follow_up(records, reference=first.prescreen_reference)
    assert again.id == first.id and records.follow_ups.count_check_ins() == 4


def test_only_what_is_due_is_claimed_and_a_claimed_check_in_is_not_claimed_again(records):
    stored = follow_up(records)
    assert claim(records, T0 + 13 * DAY) == []
    [message] = claim(records, T0 + 14 * DAY)
    assert (message.key, message.reminder, message.attempt, message.sender_id, message.channel, message.label) == (
        stored.check_ins[0].idempotency_key, False, 1, "tg:1", "telegram", "2 weeks")
    assert states(records, stored.id)[0] == "sending"
    assert claim(records, T0 + 14 * DAY + LEASE / 2) == []  # still being sent


def test_a_check_in_whose_worker_died_mid_send_is_claimed_again_with_the_same_key_once_the_lease_is_over(records):
    stored = follow_up(records)
    [first] = claim(records, T0 + 14 * DAY)
    [again] = claim(records, T0 + 14 * DAY + LEASE)
    assert again.key == first.key and again.attempt == 2
    assert not records.follow_ups.mark_sent(first, T0 + 14 * DAY + LEASE, T0 + 15 * DAY)  # the dead one's lease is gone
    assert records.follow_ups.mark_sent(again, T0 + 14 * DAY + LEASE, T0 + 15 * DAY)
    check_in = records.follow_ups.get(stored.id).check_ins[0]
    assert [d["outcome"] for d in check_in.deliveries] == ["interrupted", "sent"]
    assert check_in.state == "sent" and check_in.sent_at == T0 + 14 * DAY + LEASE


def test_a_website_visitors_check_ins_are_not_sent_by_the_worker(records):
    follow_up(records, sender="web:abc", channel="socketio")
    assert claim(records, T0 + 400 * DAY) == []


def test_a_failed_attempt_waits_for_its_retry_and_the_record_keeps_each_attempt(records):
    stored = follow_up(records)
    [message] = claim(records, T0 + 14 * DAY)
    records.follow_ups.mark_failed(message, T0 + 14 * DAY, "the Rasa server answered 500: down", T0 + 14 * DAY + dt.timedelta(minutes=1))
    assert claim(records, T0 + 14 * DAY + dt.timedelta(seconds=59)) == []
    [retry] = claim(records, T0 + 14 * DAY + dt.timedelta(minutes=1))
    assert retry.attempt == 2 and retry.key == message.key
    records.follow_ups.mark_undeliverable(retry, T0 + 14 * DAY + dt.timedelta(minutes=1), "the Rasa server answered 500: down")
    check_in = records.follow_ups.get(stored.id).check_ins[0]
    assert check_in.state == "undeliverable" and "500" in check_in.last_error
    assert [(d["attempt"], d["outcome"]) for d in check_in.deliveries] == [(1, "failed"), (2, "undeliverable")]
    assert [f.id for f in records.follow_ups.list("undeliverable")] == [stored.id]


def test_an_unanswered_check_in_gets_one_reminder_then_no_reply_never_fine(records):
    stored = follow_up(records, schedule=SCHEDULE[:1])
    sent(records, T0 + 14 * DAY)
    assert claim(records, T0 + 15 * DAY - dt.timedelta(seconds=1)) == []
    [reminder] = claim(records, T0 + 15 * DAY)
    assert reminder.reminder and reminder.key == stored.check_ins[0].idempotency_key and reminder.attempt == 1
    records.follow_ups.mark_sent(reminder, T0 + 15 * DAY, T0 + 16 * DAY)
    assert records.follow_ups.mark_unanswered(T0 + 16 * DAY - dt.timedelta(seconds=1)) == 0
    assert records.follow_ups.mark_unanswered(T0 + 16 * DAY) == 1
    assert claim(records, T0 + 30 * DAY) == []  # one reminder only
    after = records.follow_ups.get(stored.id)
    assert after.check_ins[0].state == "no_reply" and after.check_ins[0].answers is None
    assert after.state == "ended"  # its last check-in is settled
    assert [f.id for f in records.follow_ups.list("no_reply")] == [stored.id]


def test_an_answer_is_kept_with_its_decision_and_no_reminder_follows(records):
    stored = follow_up(records)
    [message] = sent(records, T0 + 14 * DAY)
    answers = {"worst_pain": 4, "trend": "better", "sitting_minutes": 30}
    kept = records.follow_ups.record_answers(message.key, answers, {"outcome": "routine", "advice": "next_stage"},
                                             T0 + 14 * DAY + dt.timedelta(hours=3), stage=1)
    assert (kept.state, kept.answers, kept.stage_before, kept.stage_after) == ("answered", answers, 0, 1)
    assert claim(records, T0 + 20 * DAY) == []
    assert records.follow_ups.get(stored.id).stage == 1
    assert records.follow_ups.record_answers("no-such-key", {}, {}, T0) is None


def test_the_rasa_side_acts_on_each_key_once_and_not_on_a_cancelled_check_in(records):
    stored = follow_up(records)
    key = stored.check_ins[0].idempotency_key
    assert records.follow_ups.first_trigger(key, reminder=False, now=T0)
    assert not records.follow_ups.first_trigger(key, reminder=False, now=T0)
    assert records.follow_ups.first_trigger(key, reminder=True, now=T0)  # the reminder is a message of its own
    records.follow_ups.stop("tg:1", T0)
    assert not records.follow_ups.first_trigger(stored.check_ins[1].idempotency_key, reminder=False, now=T0)
    assert not records.follow_ups.first_trigger("unknown", reminder=False, now=T0)


def test_stop_cancels_every_check_in_still_to_come(records):
    stored = follow_up(records)
    other = follow_up(records, sender="tg:2")
    sent(records, T0 + 14 * DAY)
    assert records.follow_ups.stop("tg:1", T0 + 15 * DAY - dt.timedelta(hours=1)) == 1
    after = records.follow_ups.get(stored.id)
    assert after.state == "stopped" and after.stopped_at == T0 + 15 * DAY - dt.timedelta(hours=1)
    assert set(states(records, stored.id)) == {"cancelled"}
    assert {m.sender_id for m in claim(records, T0 + 400 * DAY)} == {"tg:2"}  # no reminder, nothing more for tg:1
    assert records.follow_ups.stop("tg:1", T0 + 16 * DAY) == 0 and records.follow_ups.get(other.id).state == "active"


def test_an_escalated_check_in_ends_the_follow_up_and_the_list_shows_it_not_improving(records):
    stored = follow_up(records)
    [message] = sent(records, T0 + 14 * DAY)
    records.follow_ups.record_answers(message.key, {"red_flags": ["saddle_numbness"]}, {"outcome": "emergency"},
                                      T0 + 14 * DAY, follow_up_state="escalated")
    after = records.follow_ups.get(stored.id)
    assert after.state == "escalated" and states(records, stored.id) == ["answered"] + ["cancelled"] * 3
    assert [f.id for f in records.follow_ups.list("not_improving")] == [stored.id]


def test_not_improving_is_the_latest_decision_soon_or_worse_or_a_stage_back(records):
    decided = {"tg:better": ({"outcome": "routine"}, 2), "tg:worse": ({"outcome": "soon"}, None),
               "tg:back": ({"outcome": "routine"}, 0)}
    stored = {sender: follow_up(records, sender=sender, stage=1) for sender in decided}
    for message in sent(records, T0 + 14 * DAY):
        decision, stage = decided[message.sender_id]
        records.follow_ups.record_answers(message.key, {}, decision, T0 + 14 * DAY, stage=stage)
    assert {f.sender_id for f in records.follow_ups.list("not_improving")} == {"tg:worse", "tg:back"}
    assert records.follow_ups.get(stored["tg:back"].id).check_ins[0].stage_went_back
    assert records.follow_ups.list("no_reply") == [] and len(records.follow_ups.list()) == 3
    with pytest.raises(ValueError):
        records.follow_ups.list("fine")


def test_a_decision_as_the_check_in_engine_writes_it_is_read_by_its_urgency_not_its_step(records):
    """pht/triage/checkins.py: `outcome` names the step that decided, `urgency` the level."""
    decided = {"tg:well": {"outcome": "next_stage", "urgency": "routine"},
               "tg:worse": {"outcome": "getting_worse", "urgency": "soon"}}
    for sender in decided:
        follow_up(records, sender=sender, stage=1)
    for message in sent(records, T0 + 14 * DAY):
        records.follow_ups.record_answers(message.key, {}, decided[message.sender_id], T0 + 14 * DAY)
    assert {f.sender_id for f in records.follow_ups.list("not_improving")} == {"tg:worse"}


def test_the_follow_ups_of_a_page_of_pre_screens_are_found_by_reference(records):
    mine, theirs = follow_up(records, sender="tg:a"), follow_up(records, sender="tg:b")
    found = records.follow_ups.of_prescreens([mine.prescreen_reference, "PHT-ZZZZZ"])
    assert list(found) == [mine.prescreen_reference] and found[mine.prescreen_reference].id == mine.id
    assert records.follow_ups.of_prescreens([]) == {} and theirs.prescreen_reference not in found


def test_deleting_a_person_removes_their_follow_ups_and_check_ins_and_nobody_elses(records):
    mine = follow_up(records, sender="tg:me")
    theirs = follow_up(records, sender="tg:them")
    assert records.delete_sender("tg:me") == [mine.prescreen_reference]
    assert records.follow_ups.of_sender("tg:me") == [] and records.follow_ups.get(mine.id) is None
    with records.engine.connect() as connection:
        assert connection.scalar(sa.select(sa.func.count()).select_from(CheckIn)
                                 .where(CheckIn.follow_up_id == mine.id)) == 0
    assert records.follow_ups.get(theirs.id) is not None and records.follow_ups.count_check_ins() == 4


def test_deleting_a_pre_screen_from_reception_removes_its_follow_up(records):
    stored = follow_up(records)
    assert records.delete([stored.prescreen_reference]) == [stored.prescreen_reference]
    assert records.follow_ups.get(stored.id) is None and records.follow_ups.count_check_ins() == 0


def test_delete_my_data_in_the_conversation_deletes_the_follow_ups_too(records, monkeypatch):
    from rasa_sdk.executor import CollectingDispatcher
    from test_actions import DOMAIN, make_tracker

    stored = follow_up(records, sender="test-user")
    monkeypatch.setattr(prescreen, "records", lambda: records)
    tracker = make_tracker(form=False)
    asyncio.run(prescreen.ActionForgetMe().run(CollectingDispatcher(), tracker, DOMAIN))
    assert records.follow_ups.get(stored.id) is None and records.follow_ups.count_check_ins() == 0


def test_retention_keeps_a_pre_screen_while_its_check_ins_run_and_counts_from_their_end(records):
    running = follow_up(records, sender="tg:running")  # its last check-in is 6 months after T0
    stopped = follow_up(records, sender="tg:stopped")
    records.follow_ups.stop("tg:stopped", T0 + 20 * DAY)
    alone = prescreen_of(records, sender="tg:alone")
    retention = 90 * DAY
    assert records.purge(T0 + 91 * DAY - retention) == [alone]  # on day 91
    assert records.get(running.prescreen_reference) is not None and records.get(stopped.prescreen_reference) is not None
    assert records.purge(T0 + 110 * DAY - retention) == []
    assert records.purge(T0 + 111 * DAY - retention) == [stopped.prescreen_reference]  # 90 days after the stop
    assert records.follow_ups.get(stopped.id) is None and records.follow_ups.get(running.id) is not None
    assert records.purge(T0 + 182 * DAY + 91 * DAY - retention) == [running.prescreen_reference]
    assert records.follow_ups.count_check_ins() == 0


def postgres_only(records):
    if records.engine.dialect.name == "sqlite":
        pytest.skip("one worker on SQLite (FOR UPDATE SKIP LOCKED is PostgreSQL's)")


def test_a_claim_skips_check_ins_another_worker_is_claiming_instead_of_waiting_for_them(records):
    postgres_only(records)
    for number in range(6):
        follow_up(records, sender=f"tg:{number}", schedule=SCHEDULE[:1])
    other = Records(records.url, migrate=False)
    with records.engine.connect() as holder:
        claiming = holder.begin()  # another worker's claim, not yet committed
        locked = set(holder.execute(sa.text("SELECT id FROM check_ins ORDER BY id LIMIT 3 FOR UPDATE")).scalars())
        claimed = []
        thread = threading.Thread(target=lambda: claimed.extend(
            other.follow_ups.claim_due(T0 + 14 * DAY, LEASE, PUSH, limit=10)))
        thread.start()
        thread.join(20)
        claiming.rollback()
    other.close()
    assert not thread.is_alive(), "the claim waited for the other worker's rows"
    assert len(claimed) == 3 and not {message.check_in_id for message in claimed} & locked


def test_two_workers_claiming_at_once_never_take_the_same_check_in(records):
    postgres_only(records)
    for number in range(40):
        follow_up(records, sender=f"tg:{number}", schedule=SCHEDULE[:1])
    other = Records(records.url, migrate=False)
    taken = {0: [], 1: []}
    start = threading.Barrier(2)

    def take(index, store):
        start.wait()
        while True:
            messages = store.follow_ups.claim_due(T0 + 14 * DAY, LEASE, PUSH, limit=2)
            if not messages:
                return
            taken[index] += [message.key for message in messages]

    threads = [threading.Thread(target=take, args=(index, store)) for index, store in enumerate((records, other))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    other.close()
    keys = taken[0] + taken[1]
    assert len(keys) == 40 and len(set(keys)) == 40
