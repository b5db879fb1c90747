"""Pre-screen records: written by the assessment for every outcome, unique reference codes,
listing, deletion and purging, the migrations; on SQLite and on PostgreSQL."""
import asyncio
import dataclasses
import datetime as dt
import itertools
import logging
import random
import re
import threading

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from rasa_sdk.executor import CollectingDispatcher

import actions.prescreen as prescreen
from actions.assessment import ActionAssess
from pht.records import NewPrescreen, Records, new_reference, normalise_reference
from pht.records import references
from pht.records.models import VERSION_TABLE, Base
from pht.triage import ENGINE_VERSION, knowledge_version, load_knowledge
from common import CLASSIC
from databases import database_url
from test_actions import DOMAIN, make_tracker

OUTCOMES = {
    "emergency": {**CLASSIC, "red_flags": ["saddle_numbness"]},
    "urgent": {"pain_location": "upper_hamstring", "onset": "sudden", "injury_signs": ["pop", "bruising"]},
    "soon": {"pain_location": "low_back", "onset": "gradual", "red_flags": [],
             "neuro_symptoms": ["tingling", "pain_below_knee", "back_pain"]},
    "routine": CLASSIC,
}
CONSENTED = [
    {"event": "bot", "text": "It takes about 2-3 minutes. ... Shall we start?",
     "metadata": {"utter_action": "utter_ask_consent"},
     "timestamp": 1_700_000_000.0},
    {"event": "user", "text": "yes", "parse_data": {"intent": {"name": "affirm"}}, "input_channel": "socketio",
     "timestamp": 1_700_000_005.0},
]


@pytest.fixture(params=["sqlite", "postgresql"])
def records(request, tmp_path, monkeypatch):
    """A fresh records database, which the record action writes to."""
    with database_url(request.param, tmp_path) as url:
        store = Records(url, migrate=True)
        monkeypatch.setattr(prescreen, "records", lambda: store)
        yield store
        store.close()


def assess(slots, events=CONSENTED, sender="person-1"):
    tracker = make_tracker(slots=slots, form=False, events=list(events))
    tracker.sender_id = sender
    dispatcher = CollectingDispatcher()
    returned = asyncio.run(ActionAssess().run(dispatcher, tracker, DOMAIN))
    return [message.get("text") or message.get("response") for message in dispatcher.messages], returned


# --- reference codes ---------------------------------------------------------------------------

def test_reference_codes_are_short_and_have_no_look_alike_characters():
    codes = {new_reference() for _ in range(3000)}
    assert all(re.fullmatch(r"PHT-[2-9A-HJ-NP-Z]{5}", code) for code in codes)
    assert not any(set(code[4:]) & set("01OI") for code in codes)
    assert len(codes) > 2990  # drawn at random from 33.5 million


@pytest.mark.parametrize("typed", ["PHT-7KQ2M", "pht-7kq2m", " pht 7kq2m ", "7KQ2M", "PHT7KQ2M", "pht_7kq_2m"])
def test_a_reference_is_understood_however_it_is_typed(typed):
    assert normalise_reference(typed) == "PHT-7KQ2M"


@pytest.mark.parametrize("typed", ["PHT-7KQ2", "PHT-7KQ2M9", "PHT-7KQ0M", "PHT-OKQ2M", "", "hello"])
def test_something_that_cannot_be_a_reference_is_not_one(typed):
    assert normalise_reference(typed) is None


# --- the record action ---------------------------------------------------------------------------

@pytest.mark.parametrize("level", list(OUTCOMES))
def test_a_record_is_written_for_each_outcome_level(records, level):
    said, returned = assess(OUTCOMES[level])
    [record] = records.list()
    assert record.urgency == level
    assert record.ended_by == ("danger_sign" if level in ("emergency", "urgent") else "completed")
    assert record.findings == {key: value for key, value in OUTCOMES[level].items()}
    assert record.assessment["urgency"] == level and record.assessment["reasons"]
    assert set(record.skipped) <= set(record.assessment["missing"])
    assert record.sender_id == "person-1" and record.channel == "socketio"
    assert record.engine_version == ENGINE_VERSION and record.knowledge_version == knowledge_version()
    assert record.consent["status"] == "given" and record.consent["answer"] == "affirm"
    assert record.consent["question"] == "utter_ask_consent" and record.consent["by"] == "patient"
    assert not record.staff_entered
    # the person sees the code and a summary to bring along; the last word is still the care advice
    saved = next(text for text in said if text and record.reference in text)
    if level in ("emergency", "urgent"):  # care first; the code is for later
        assert saved.startswith("For later") and "First, please get the care above" in saved
    else:
        assert "bring it to the clinic" in saved and load_knowledge().advice["care"][level]["headline"] in saved
    assert {"event": "slot", "timestamp": None, "name": "prescreen_reference", "value": record.reference} in returned
    assert record.reference not in (said[-1] or "")


def test_skipped_and_unsure_answers_are_kept_apart(records):
    slots = {**CLASSIC, "sport": None, "morning_stiffness": None, "pain_score": "not_sure"}
    assess(slots)
    [record] = records.list()
    assert "pain_score" in record.unsure and "pain_score" not in record.findings
    assert {"sport", "morning_stiffness"} <= set(record.skipped)


def test_a_danger_sign_before_the_consent_question_is_recorded_as_such(records):
    assess(OUTCOMES["emergency"], events=[])
    [record] = records.list()
    assert record.consent == {"status": "not_asked", "reason": "danger_sign_before_consent_question", "by": "patient"}


STAFF_CONSENTED = [
    {"event": "bot", "text": "Has the patient agreed to do the pre-screen ...?",
     "metadata": {"utter_action": "utter_ask_staff_consent"}, "timestamp": 1_700_000_000.0},
    {"event": "user", "text": "yes", "parse_data": {"intent": {"name": "affirm"}}, "input_channel": "staff",
     "metadata": {"staff_user": "alice"}, "timestamp": 1_700_000_005.0},
]


def test_a_pre_screen_entered_by_staff_is_marked_and_worded_for_staff(records):
    said, _ = assess({**CLASSIC, "staff_entered": True}, events=STAFF_CONSENTED,
                     sender="staff:6f1c2f8e-3f7a-4e0b-9a57-0d5f7e1c2b3a")
    [record] = records.list()
    assert record.staff_entered and record.consent["by"] == "staff_for_patient"
    assert record.consent["staff_user"] == "alice" and record.channel == "staff"
    text = "\n".join(filter(None, said))
    assert "The patient's answers fit PHT well" in text and "What the patient can do now" in text
    assert f"Saved for the clinic as {record.reference}" in text
    assert "Your answers" not in text


@pytest.mark.parametrize("sender, channel", [("person-1", "socketio"), ("staff:forged", "rest"),
                                             ("rest:staff:x", "staff")])
def test_a_record_is_staff_entered_only_from_the_staff_channel_whatever_the_slot_says(records, sender, channel):
    """Issue 18: typing "I'm at reception with a patient" made a record marked staff-entered
    with consent "confirmed by staff". What is recorded follows the channel, not the slot."""
    events = [{**event, "input_channel": channel, "metadata": {"staff_user": "mallory"}}
              if event["event"] == "user" else event for event in CONSENTED]
    assess({**CLASSIC, "staff_entered": True}, events=events, sender=sender)
    [record] = records.list()
    assert not record.staff_entered and record.consent["by"] == "patient" and "staff_user" not in record.consent


def test_a_database_that_cannot_be_reached_costs_only_the_reference_code(monkeypatch):
    def broken():
        raise sa.exc.OperationalError("INSERT ...", {}, Exception("disk I/O error"))

    monkeypatch.setattr(prescreen, "records", broken)
    said, returned = assess(CLASSIC)
    assert "utter_prescreen_not_saved" in said
    assert returned[0]["name"] == "assessment" and returned[0]["value"]["urgency"] == "routine"
    assert said[-1] == "utter_after_outcome"


def test_storing_a_record_logs_nothing_clinical_at_info(records, caplog):
    with caplog.at_level(logging.INFO):
        assess(OUTCOMES["emergency"])
    logged = " ".join(record.getMessage() for record in caplog.records if record.levelno >= logging.INFO)
    [stored] = records.list()
    assert stored.reference in logged
    for clinical in ("emergency", "saddle", "sit_bone", "person-1", "red_flags"):
        assert clinical not in logged


# --- the repository --------------------------------------------------------------------------------

def new(sender="someone", urgency="routine", created=None, **assessment):
    result = {"urgency": urgency, "likelihood": "high", "findings": {"age": 30}, **assessment}
    return NewPrescreen(channel="rest", sender_id=sender, assessment=result, consent={"status": "given"},
                        engine_version="e", knowledge_version="k",
                        **({"created": created} if created else {}))


def test_reference_codes_stay_unique_when_many_finish_at_once(records, monkeypatch):
    pool = [f"PHT-{''.join(code)}" for code in itertools.islice(itertools.product("ABCDEFGH", repeat=5), 400)]
    drawn = []

    def crowded():  # few codes, drawn at random: many finishing at once collide
        drawn.append(random.choice(pool))
        return drawn[-1]

    monkeypatch.setattr("pht.records.repository.new_reference", crowded)
    stored, errors = [], []
    start = threading.Barrier(8)

    def finish_some(worker):
        start.wait()
        for turn in range(15):
            try:
                stored.append(records.add(new(sender=f"w{worker}-{turn}")).reference)
            except Exception as error:  # noqa: BLE001
                errors.append(error)

    threads = [threading.Thread(target=finish_some, args=(worker,)) for worker in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(stored) == len(set(stored)) == 120 == records.count()
    assert len(drawn) > 120  # some codes were taken and drawn again


def test_a_finishing_turn_sent_again_after_a_fault_finds_its_record_instead_of_storing_another(records):
    first = records.add(dataclasses.replace(new("someone"), turn_key="12:1700000000.5"))
    again = records.add(dataclasses.replace(new("someone"), turn_key="12:1700000000.5"))
    assert again.reference == first.reference and records.count() == 1
    later = records.add(dataclasses.replace(new("someone"), turn_key="40:1700000900.0"))  # a second pre-screen
    other = records.add(dataclasses.replace(new("someone-else"), turn_key="12:1700000000.5"))
    assert len({first.reference, later.reference, other.reference}) == 3 and records.count() == 3


def test_the_record_action_keys_a_pre_screen_by_the_stored_state_its_turn_began_from(records):
    _, returned = assess(OUTCOMES["routine"], sender="retried")
    _, again = assess(OUTCOMES["routine"], sender="retried")  # the same turn, sent again: same stored events
    assert returned == again and len(records.of_sender("retried")) == 1


def test_the_list_is_newest_first_and_filters_by_date_and_urgency(records):
    day = dt.datetime(2026, 3, 1, 9, tzinfo=dt.timezone.utc)
    for offset, urgency in enumerate(["routine", "urgent", "soon", "urgent"]):
        records.add(new(sender=f"s{offset}", urgency=urgency, created=day + dt.timedelta(days=offset)))
    assert [record.sender_id for record in records.list()] == ["s3", "s2", "s1", "s0"]
    assert [record.sender_id for record in records.list(urgency="urgent")] == ["s3", "s1"]
    assert [record.sender_id for record in records.list(since=day + dt.timedelta(days=2))] == ["s3", "s2"]
    assert records.list()[0].created == day + dt.timedelta(days=3)  # aware UTC, on both databases
    summary = records.list()[0].summary()
    assert {"reference", "sender_id", "created", "urgency", "likelihood"} <= set(summary)


def test_deleting_a_person_removes_all_their_records_and_nobody_elses(records):
    mine = [records.add(new(sender="me")).reference for _ in range(2)]
    theirs = records.add(new(sender="someone-else")).reference
    assert sorted(records.delete_sender("me")) == sorted(mine)
    assert records.of_sender("me") == [] and records.get(mine[0]) is None
    assert records.get(theirs) is not None and records.count() == 1


def test_purge_removes_only_records_older_than_the_cutoff(records):
    now = dt.datetime.now(dt.timezone.utc)
    old = records.add(new(created=now - dt.timedelta(days=100))).reference
    recent = records.add(new(created=now - dt.timedelta(days=10))).reference
    assert records.purge(now - dt.timedelta(days=90)) == [old]
    assert records.get(recent) is not None and records.get(old) is None


def test_the_migrations_make_exactly_the_models_tables(records):
    with records.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
        differences = [difference for difference in compare_metadata(context, Base.metadata)
                       if not (difference[0] == "remove_table" and difference[1].name == VERSION_TABLE)]
        assert differences == []
        assert VERSION_TABLE in sa.inspect(connection).get_table_names()
    assert records.schema_is_current()
    records.migrate()  # a second time does nothing


def test_a_new_database_has_no_tables_until_migrated(tmp_path):
    store = Records(f"sqlite:///{tmp_path / 'new.db'}", migrate=False)
    assert not store.schema_is_current()
    assert sa.inspect(store.engine).get_table_names() == []
    store.migrate()
    assert store.schema_is_current() and store.count() == 0


def test_references_module_alphabet_has_32_characters():
    assert len(set(references.ALPHABET)) == 32 and not set("01OI") & set(references.ALPHABET)


def test_every_question_has_a_staff_wording_and_a_label():
    for field, spec in load_knowledge().fields.items():
        assert spec.get("label"), field
        for key in ("question", "more_question", "confirm_question"):
            if key in spec:
                staff = spec.get(f"staff_{key}")
                assert staff and staff != spec[key] and "patient" in staff, (field, key)
                assert set(re.findall(r"{(\w+)}", staff)) == set(re.findall(r"{(\w+)}", spec[key])), (field, key)


def test_every_channel_that_owns_conversation_ids_has_a_name_staff_can_read():
    from pht.records.fhir import labels
    from actions.senders import PREFIXES

    named = labels()["channels"]
    assert {channel for channel in PREFIXES.values()} <= set(named)
