"""The follow-up worker (pht/followups/): each due check-in starts once through the Rasa server's
`trigger_intent` with its key; quiet hours; retries with back-off, then "could not be
delivered"; one reminder, then "no reply"; two workers on PostgreSQL; a worker killed mid-send.
A fake Rasa server (harness/fake_rasa.py) on a port in 58100-58199 counts the calls per key."""
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness.fake_rasa import FakeRasa
from pht.followups.rasa import CHECK_IN_INTENT, KEY_ENTITY, LABEL_ENTITY, NUMBER_ENTITY, REMINDER_INTENT, RasaSender
from pht.followups.settings import follow_up_settings
from pht.followups.timing import QuietHours
from pht.followups.worker import Worker
from pht.records import NewFollowUp, Records
from databases import postgres_schema, schema_url

ROOT = Path(__file__).resolve().parent.parent
JAN_15 = dt.datetime(2027, 1, 15, 10, 0, tzinfo=dt.timezone.utc)  # London is on GMT
DAY = dt.timedelta(days=1)


class FakeClock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def records(tmp_path):
    store = Records(f"sqlite:///{tmp_path / 'records.db'}", migrate=True)
    yield store
    store.close()


@pytest.fixture
def fake(records):
    server = FakeRasa(records=records)
    yield server
    server.close()


def settings_for(tmp_path, fake, database_url, **variables):
    env = {"PHT_VAR_DIR": str(tmp_path / "var"), "DATABASE_URL": database_url, "RASA_URL": fake.url,
           "RASA_AUTH_TOKEN": fake.token, "CLINIC_TIMEZONE": "Europe/London", "FOLLOW_UP_QUIET_HOURS": "21:00-08:00",
           "FOLLOW_UP_SEND_TIMEOUT_SECONDS": "5", "FOLLOW_UP_LEASE_SECONDS": "60", **variables}
    return env, follow_up_settings(env)


def worker_for(records, fake, tmp_path, clock, **variables):
    _, config = settings_for(tmp_path, fake, records.url, **variables)
    return Worker(records, RasaSender(config.rasa_url, config.rasa_token or "", config.send_timeout_seconds), config,
                  clock=clock)


def consent(records, due, sender="tg:1001", channel="telegram", reference="PHT-AAAAA"):
    schedule = [(label, moment) for label, moment in zip(("2 weeks", "6 weeks", "12 weeks", "6 months"), due)]
    return records.follow_ups.create(NewFollowUp(
        prescreen_reference=reference, sender_id=sender, channel=channel, consented_at=due[0] - 14 * DAY,
        consent={"answer": "yes", "question": "May I check in with you in 2 weeks to see how it's going?"},
        baseline={"sitting_minutes": 20, "worst_pain": 6}), schedule)


def check_in(records, follow_up, number=1):
    return records.follow_ups.get(follow_up.id).check_ins[number - 1]


def test_a_due_check_in_starts_in_its_conversation_on_its_channel_once_with_its_key(records, fake, tmp_path):
    stored = consent(records, [JAN_15, JAN_15 + 28 * DAY])
    clock = FakeClock(JAN_15 - dt.timedelta(minutes=1))
    worker = worker_for(records, fake, tmp_path, clock)
    assert worker.run_once().sent == 0 and fake.calls == []
    clock.now = JAN_15
    assert worker.run_once().sent == 1
    assert worker.run_once().sent == 0  # once
    [call] = fake.calls
    key = stored.check_ins[0].idempotency_key
    assert (call.conversation, call.output_channel, call.token, call.intent) == (
        "tg:1001", "telegram", fake.token, CHECK_IN_INTENT)
    assert call.entities == {KEY_ENTITY: key, NUMBER_ENTITY: "1", LABEL_ENTITY: "2 weeks"}
    sent = check_in(records, stored)
    assert (sent.state, sent.sent_at, sent.reminder_due_at) == ("sent", JAN_15, JAN_15 + DAY)
    assert [d["outcome"] for d in sent.deliveries] == ["sent"] and check_in(records, stored, 2).state == "scheduled"


@pytest.mark.parametrize("due, quiet, morning", [
    # winter, London on GMT: quiet 21:00-08:00 UTC
    (dt.datetime(2027, 1, 14, 22, 0), [dt.datetime(2027, 1, 14, 22, 0), dt.datetime(2027, 1, 15, 7, 59)],
     dt.datetime(2027, 1, 15, 8, 0)),
    # summer, London on BST: quiet 20:00-07:00 UTC
    (dt.datetime(2027, 7, 1, 6, 0), [dt.datetime(2027, 7, 1, 6, 0), dt.datetime(2027, 7, 1, 6, 59)],
     dt.datetime(2027, 7, 1, 7, 0)),
])
def test_no_check_in_goes_in_the_clinics_quiet_hours_and_it_goes_in_the_morning(records, fake, tmp_path, due, quiet,
                                                                                 morning):
    utc = dt.timezone.utc
    stored = consent(records, [due.replace(tzinfo=utc)])
    clock = FakeClock(due.replace(tzinfo=utc))
    worker = worker_for(records, fake, tmp_path, clock)
    for moment in quiet:
        clock.now = moment.replace(tzinfo=utc)
        done = worker.run_once()
        assert done.sent == 0 and done.quiet_until == morning.replace(tzinfo=utc)
    assert fake.calls == [] and check_in(records, stored).state == "scheduled"
    clock.now = morning.replace(tzinfo=utc)
    assert worker.run_once().sent == 1 and len(fake.calls) == 1


def test_quiet_hours_can_be_off_and_a_window_inside_one_day_works_too():
    london = "Europe/London"
    assert not QuietHours.parse("off", london).contains(dt.datetime(2027, 1, 15, 3, 0, tzinfo=dt.timezone.utc))
    lunch = QuietHours.parse("12:00-13:30", london)
    assert lunch.contains(dt.datetime(2027, 1, 15, 12, 0, tzinfo=dt.timezone.utc))
    assert not lunch.contains(dt.datetime(2027, 1, 15, 13, 30, tzinfo=dt.timezone.utc))
    with pytest.raises(ValueError):
        QuietHours.parse("late", london)
    with pytest.raises(ValueError):
        QuietHours.parse("21:00-08:00", "Mars/Olympus")


def test_a_rasa_server_answering_500_gets_retries_with_back_off_then_the_record_says_undeliverable(records, fake,
                                                                                                  tmp_path):
    fake.status = 500
    stored = consent(records, [JAN_15])
    clock = FakeClock(JAN_15)
    worker = worker_for(records, fake, tmp_path, clock, FOLLOW_UP_MAX_ATTEMPTS="4", FOLLOW_UP_RETRY_FIRST_SECONDS="60",
                        FOLLOW_UP_RETRY_MOST_SECONDS="150")
    attempts = [0, 60, 180, 330]  # waits of 60, 120, then 150 (the most), seconds after the first
    for second in range(0, 400, 1):
        clock.now = JAN_15 + dt.timedelta(seconds=second)
        worker.run_once()
    record = check_in(records, stored)
    assert [(d["attempt"], d["outcome"]) for d in record.deliveries] == [(1, "failed"), (2, "failed"), (3, "failed"),
                                                                         (4, "undeliverable")]
    assert [dt.datetime.fromisoformat(d["time"]) - JAN_15 for d in record.deliveries] == [
        dt.timedelta(seconds=second) for second in attempts]
    assert all("the Rasa server answered 500" in d["error"] for d in record.deliveries)
    assert record.state == "undeliverable" and "500" in record.last_error
    assert len(fake.calls) == 4 and set(fake.keys()) == {record.idempotency_key}
    assert [f.id for f in records.follow_ups.list("undeliverable")] == [stored.id]


def test_a_rasa_server_that_does_not_answer_in_time_is_a_failed_attempt(records, fake, tmp_path):
    fake.delay = 2.0
    stored = consent(records, [JAN_15])
    worker = worker_for(records, fake, tmp_path, FakeClock(JAN_15), FOLLOW_UP_SEND_TIMEOUT_SECONDS="0.5")
    assert worker.run_once().failed == 1
    record = check_in(records, stored)
    assert record.state == "scheduled" and "no answer from the Rasa server within 0.5 s" in record.last_error


def test_an_unanswered_check_in_gets_one_reminder_a_day_later_then_shows_no_reply(records, fake, tmp_path):
    stored = consent(records, [JAN_15])
    clock = FakeClock(JAN_15)
    worker = worker_for(records, fake, tmp_path, clock)
    worker.run_once()
    clock.now = JAN_15 + DAY - dt.timedelta(minutes=1)
    assert worker.run_once().sent == 0
    clock.now = JAN_15 + DAY
    assert worker.run_once().sent == 1
    assert [(call.intent, call.key) for call in fake.calls] == [
        (CHECK_IN_INTENT, stored.check_ins[0].idempotency_key), (REMINDER_INTENT, stored.check_ins[0].idempotency_key)]
    assert check_in(records, stored).state == "reminded"
    clock.now = JAN_15 + 2 * DAY
    done = worker.run_once()
    assert done.no_reply == 1 and done.sent == 0
    clock.now = JAN_15 + 30 * DAY
    assert worker.run_once().sent == 0 and len(fake.calls) == 2  # one reminder only
    record = check_in(records, stored)
    assert record.state == "no_reply" and record.answers is None and record.decision is None  # never read as fine
    assert [f.id for f in records.follow_ups.list("no_reply")] == [stored.id]


def test_a_check_in_answered_in_time_gets_no_reminder(records, fake, tmp_path):
    stored = consent(records, [JAN_15])
    clock = FakeClock(JAN_15)
    worker = worker_for(records, fake, tmp_path, clock)
    worker.run_once()
    records.follow_ups.record_answers(stored.check_ins[0].idempotency_key, {"worst_pain": 3}, {"outcome": "routine"},
                                      JAN_15 + dt.timedelta(hours=2))
    clock.now = JAN_15 + 3 * DAY
    assert worker.run_once().sent == 0 and len(fake.calls) == 1
    assert records.follow_ups.get(stored.id).state == "ended"


def test_after_stop_nothing_more_is_sent(records, fake, tmp_path):
    stored = consent(records, [JAN_15, JAN_15 + 28 * DAY])
    clock = FakeClock(JAN_15)
    worker = worker_for(records, fake, tmp_path, clock)
    worker.run_once()
    records.follow_ups.stop("tg:1001", JAN_15 + dt.timedelta(hours=1))
    clock.now = JAN_15 + 60 * DAY
    assert worker.run_once().sent == 0 and len(fake.calls) == 1
    assert records.follow_ups.get(stored.id).state == "stopped"


# -- the worker as a process -------------------------------------------------------------------

def worker_env(tmp_path, fake, database_url, **variables):
    env, _ = settings_for(tmp_path, fake, database_url, **variables)
    return {**os.environ, "PYTHONPATH": str(ROOT), **env}


def run_due_by(env, moment):
    return subprocess.Popen([sys.executable, "-m", "pht.followups", "--due-by", moment], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_follow_ups_due_at_a_time_sends_every_check_in_due_by_then_once(records, fake, tmp_path):
    first = consent(records, [JAN_15 - DAY, JAN_15 + DAY], sender="tg:1", reference="PHT-AAAAA")
    second = consent(records, [JAN_15], sender="tw-2", channel="twilio", reference="PHT-BBBBB")
    consent(records, [JAN_15 - DAY], sender="web:3", channel="socketio", reference="PHT-CCCCC")  # cannot be messaged
    env = worker_env(tmp_path, fake, records.url)
    for expected in (2, 0):  # the second run finds nothing more due
        process = run_due_by(env, "2027-01-15T10:00:00Z")
        out, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
        assert json.loads(out)["sent"] == expected
    assert sorted(call.key for call in fake.calls) == sorted([first.check_ins[0].idempotency_key,
                                                              second.check_ins[0].idempotency_key])
    assert {call.output_channel for call in fake.calls} == {"telegram", "twilio"}
    quiet = run_due_by(env, "2027-01-15T23:00:00Z")
    out, _ = quiet.communicate(timeout=60)
    assert json.loads(out)["quiet_until"] == "2027-01-16T08:00:00+00:00"


def test_two_workers_on_postgresql_never_send_a_check_in_twice(tmp_path):
    with postgres_schema() as schema:
        url = schema_url(schema)
        store = Records(url, migrate=True)
        # each worker's first call is held until the other has called too: they send at the same time
        fake = FakeRasa(records=store, hold_until_callers=2, delay=0.02)
        try:
            stored = [consent(store, [JAN_15], sender=f"tg:{number}", reference=f"PHT-{number:05d}")
                      for number in range(30)]
            env = worker_env(tmp_path, fake, url)
            workers = [run_due_by(env, "2027-01-15T10:00:00Z") for _ in range(2)]
            results = [json.loads(worker.communicate(timeout=120)[0]) for worker in workers]
            assert all(worker.returncode == 0 for worker in workers)
            keys = [check_in.idempotency_key for follow_up in stored for check_in in follow_up.check_ins]
            assert sorted(fake.keys()) == sorted(keys)  # every check-in called once: none twice, none left out
            assert len(fake.delivered()) == 30
            assert len({call.user_agent for call in fake.calls}) == 2 and all(result["sent"] for result in results)
            assert store.follow_ups.count_check_ins("sent") == 30
        finally:
            fake.close()
            store.close()


def test_a_worker_killed_mid_send_sends_the_check_in_once_after_a_restart_with_the_same_key(records, tmp_path):
    fake = FakeRasa(records=records, stall_first=1)  # the first call never gets its answer
    try:
        stored = consent(records, [dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)])
        env = worker_env(tmp_path, fake, records.url, FOLLOW_UP_QUIET_HOURS="off", FOLLOW_UP_POLL_SECONDS="0.2",
                         FOLLOW_UP_SEND_TIMEOUT_SECONDS="2", FOLLOW_UP_LEASE_SECONDS="3")
        command = [sys.executable, "-m", "pht.followups"]
        first = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        fake.wait_for_calls(1)
        first.send_signal(signal.SIGKILL)  # mid-send: the Rasa side had it, the worker never heard back
        first.wait(10)
        interrupted = check_in(records, stored)
        assert (interrupted.state, interrupted.attempts) == ("sending", 1)
        second = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 30
            while check_in(records, stored).state != "sent":
                assert time.monotonic() < deadline, "the check-in was not sent after the restart"
                time.sleep(0.2)
        finally:
            second.terminate()
            second.wait(15)
        assert second.returncode == 0  # SIGTERM: it finished and stopped
        key = stored.check_ins[0].idempotency_key
        assert fake.keys() == [key, key]  # sent again with the same key ...
        assert len(fake.delivered()) == 1  # ... and it reached the person once
        record = check_in(records, stored)
        assert [d["outcome"] for d in record.deliveries] == ["interrupted", "sent"]
    finally:
        fake.close()


def test_the_worker_process_loads_neither_rasa_nor_the_language_models():
    from test_layout import modules_after

    loaded = modules_after("import pht.followups.__main__")
    assert "pht.followups.worker" in loaded and "pht.records.follow_ups" in loaded
    assert not [name for name in loaded if name.split(".")[0] in {"rasa", "rasa_sdk", "actions", "spacy", "tensorflow",
                                                                   "starlette", "harness"}]
