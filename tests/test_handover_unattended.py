"""Conversations nobody looks after (pht/reception/unattended.py, run by the follow-up worker each
round), on SQLite and PostgreSQL with the Rasa server faked: a staff member who took a conversation
over and then wrote nothing for HANDOVER_IDLE_MINUTES has it handed back automatically, once, even
with several workers; a person nobody took within the opening hours is told once that nobody is
free, and stays on reception's list; a Rasa server that does not do it leaves it to the next round."""
import datetime as dt
import json
import logging
import threading

import pytest

from pht.opening_hours import OpeningHours
from pht.reception.conversations import RasaUnreachable
from pht.reception.unattended import NOBODY_FREE, NOBODY_FREE_AFTER_WAITS, Unattended
from pht.records.fhir import export_bundle
from databases import records_on_both_databases  # noqa: F401 (the fixture `records`, on both databases)
from test_handovers import a_prescreen

MONDAY_10 = dt.datetime(2027, 1, 4, 10, 0, tzinfo=dt.timezone.utc)  # the clinic is open (London)
MINUTE = dt.timedelta(minutes=1)
PERSON = "tg:4242"
CLINIC = {"name": "Hamstring Clinic", "phone": "020 7946 0000", "booking_url": "https://clinic.example"}


class FakeRasa:
    """What the watch asks of the Rasa server, recorded; `down` refuses like an unreachable server."""

    def __init__(self) -> None:
        self.calls = []
        self.down = False
        self.lock = threading.Lock()

    def hand_back(self, sender_id, automatically=False):
        if self.down:
            raise RasaUnreachable("the Rasa server cannot be reached")
        with self.lock:
            self.calls.append(("hand_back", sender_id, automatically))

    def say(self, sender_id, response, **values):
        if self.down:
            raise RasaUnreachable("the Rasa server refused (500)")
        with self.lock:
            self.calls.append(("say", sender_id, response, values))


def watch(records, rasa=None, hours="Mon-Fri 08:00-18:00"):  # noqa: F811
    return Unattended(records, rasa or FakeRasa(), idle=20 * MINUTE, wait=10 * MINUTE,
                      hours=OpeningHours.parse(hours, "Europe/London"), clinic=CLINIC)


def test_a_conversation_whose_staff_member_went_silent_is_handed_back_automatically(records, caplog):  # noqa: F811
    records.handovers.request(PERSON, "telegram", when=MONDAY_10)
    records.handovers.take(PERSON, "telegram", "alice", when=MONDAY_10 + MINUTE)
    records.handovers.add_message(PERSON, "alice", "Let me check the diary.", when=MONDAY_10 + 2 * MINUTE)
    looking = watch(records)
    assert looking.run_once(MONDAY_10 + 21 * MINUTE).handed_back == 0  # 19 minutes since she wrote: still hers
    assert records.handovers.open_of(PERSON).taken_by == "alice"
    with caplog.at_level(logging.INFO, logger="reception.audit"):
        assert looking.run_once(MONDAY_10 + 23 * MINUTE).handed_back == 1
    assert looking.rasa.calls == [("hand_back", PERSON, True)]  # the person is told she had to step away
    [handover] = records.handovers.of_sender(PERSON)
    assert (handover.state, handover.handed_back_automatically, handover.handed_back_by) == ("handed_back", True, None)
    assert handover.handed_back_at == MONDAY_10 + 23 * MINUTE and records.handovers.open() == []
    kept = handover.as_dict()
    assert kept["handed_back_automatically"] is True and kept["taken_by"] == "alice"
    [entry] = [json.loads(line.getMessage()) for line in caplog.records if line.name == "reception.audit"]
    assert entry["event"] == "handover_handed_back_automatically" and entry["user"] is None
    assert (entry["conversation"], entry["taken_by"], entry["idle_minutes"]) == (PERSON, "alice", 20)
    assert looking.run_once(MONDAY_10 + 60 * MINUTE).handed_back == 0  # once


def test_handed_back_by_a_person_the_record_names_them_and_not_automatically(records):  # noqa: F811
    records.handovers.take(PERSON, "telegram", "alice", when=MONDAY_10)
    back = records.handovers.hand_back(PERSON, "alice", when=MONDAY_10 + MINUTE)
    assert (back.handed_back_by, back.handed_back_automatically) == ("alice", False)


def test_the_fhir_task_says_it_was_handed_back_automatically(records):  # noqa: F811
    record = a_prescreen(records)
    records.handovers.take(PERSON, "telegram", "alice", when=MONDAY_10)
    watch(records).run_once(MONDAY_10 + 30 * MINUTE)
    bundle = export_bundle(record, None, records.handovers.of_sender(PERSON))
    [task] = [entry["resource"] for entry in bundle["entry"] if entry["resource"]["resourceType"] == "Task"]
    assert task["status"] == "completed" and "automatically" in task["statusReason"]["text"]


def test_a_staff_message_just_before_the_claim_keeps_the_conversation_with_them(records):  # noqa: F811
    records.handovers.take(PERSON, "telegram", "alice", when=MONDAY_10)
    since = MONDAY_10 + 5 * MINUTE
    [silent] = records.handovers.silent(since)
    records.handovers.add_message(PERSON, "alice", "Still here!", when=since + dt.timedelta(seconds=1))
    assert records.handovers.hand_back_silent(silent, since, MONDAY_10 + 25 * MINUTE) is False
    assert records.handovers.open_of(PERSON).state == "taken"


def test_a_colleague_who_took_it_over_from_the_silent_one_has_their_own_idle_time(records):  # noqa: F811
    records.handovers.take(PERSON, "telegram", "alice", when=MONDAY_10)
    records.handovers.take(PERSON, "telegram", "bob", when=MONDAY_10 + 15 * MINUTE, from_user="alice")
    assert watch(records).run_once(MONDAY_10 + 25 * MINUTE).handed_back == 0
    assert records.handovers.open_of(PERSON).taken_by == "bob"


def test_when_the_rasa_server_cannot_hand_back_the_staff_member_still_holds_it_until_the_next_round(records):  # noqa: F811
    records.handovers.take(PERSON, "telegram", "alice", when=MONDAY_10)
    looking = watch(records)
    looking.rasa.down = True
    done = looking.run_once(MONDAY_10 + 30 * MINUTE)
    assert done.handed_back == 0 and done.errors == {"hand back": 1}
    held = records.handovers.open_of(PERSON)
    assert (held.state, held.taken_by, held.handed_back_automatically) == ("taken", "alice", False)
    looking.rasa.down = False
    assert looking.run_once(MONDAY_10 + 31 * MINUTE).handed_back == 1


def test_several_workers_at_once_hand_a_conversation_back_once(records):  # noqa: F811
    records.handovers.take(PERSON, "telegram", "alice", when=MONDAY_10)
    rasa = FakeRasa()
    workers = [watch(records, rasa) for _ in range(6)]
    start = threading.Barrier(len(workers))

    def round_(worker):
        start.wait()
        worker.run_once(MONDAY_10 + 30 * MINUTE)

    threads = [threading.Thread(target=round_, args=(worker,)) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert rasa.calls == [("hand_back", PERSON, True)]


def test_a_person_nobody_takes_is_told_once_with_the_phone_number_and_stays_on_the_list(records):  # noqa: F811
    records.handovers.request(PERSON, "telegram", when=MONDAY_10)
    looking = watch(records)
    told_after = NOBODY_FREE_AFTER_WAITS * 10 * MINUTE
    assert looking.run_once(MONDAY_10 + told_after - MINUTE).told_nobody_free == 0
    assert looking.run_once(MONDAY_10 + told_after + MINUTE).told_nobody_free == 1
    assert looking.rasa.calls == [("say", PERSON, NOBODY_FREE, CLINIC)]
    assert looking.run_once(MONDAY_10 + 2 * told_after).told_nobody_free == 0  # once
    [waiting] = records.handovers.open()
    assert waiting.state == "waiting" and waiting.nobody_free_told_at == MONDAY_10 + told_after + MINUTE
    records.handovers.take(PERSON, "telegram", "alice")  # reception can still take it


def test_requests_out_of_hours_or_once_the_clinic_has_closed_are_left_alone(records):  # noqa: F811
    records.handovers.request("tg:night", "telegram", out_of_hours=True, when=MONDAY_10 - dt.timedelta(hours=12))
    records.handovers.request(PERSON, "telegram", when=MONDAY_10)
    looking = watch(records)
    assert looking.run_once(MONDAY_10 + dt.timedelta(hours=9)).told_nobody_free == 0  # 19:00: closed
    assert looking.run_once(MONDAY_10 + 40 * MINUTE).told_nobody_free == 1 and len(looking.rasa.calls) == 1
    assert records.handovers.open_of("tg:night").nobody_free_told_at is None


def test_when_the_nobody_free_message_cannot_go_it_is_tried_again_next_round(records):  # noqa: F811
    records.handovers.request(PERSON, "telegram", when=MONDAY_10)
    looking = watch(records)
    looking.rasa.down = True
    assert looking.run_once(MONDAY_10 + 40 * MINUTE).errors == {"tell": 1}
    assert records.handovers.open_of(PERSON).nobody_free_told_at is None
    looking.rasa.down = False
    assert looking.run_once(MONDAY_10 + 41 * MINUTE).told_nobody_free == 1


@pytest.mark.parametrize("variable", ["HANDOVER_IDLE_MINUTES"])
def test_the_idle_time_is_a_setting_with_a_default_of_20_minutes(variable):
    from pht.settings import Settings

    assert Settings.from_env({}).handover_idle_minutes == 20
    assert Settings.from_env({variable: "45"}).handover_idle_minutes == 45
    with pytest.raises(SystemExit):
        Settings.from_env({variable: "0"})
