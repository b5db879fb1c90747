"""Handovers to clinic staff in the records: a request waits, one staff member takes it over
(a database-level claim: never two), writes to the person, hands back; the record's JSON and
FHIR keep who took over, when and what they wrote; deleting a person's data deletes them."""
import datetime as dt
import io
import json
import threading

import pytest

from pht.reception.cli import main
from pht.records import NewPrescreen
from pht.records.fhir import export_bundle
from pht.records.handovers import Taken
from pht.triage import assess
from databases import database_url, records_on_both_databases  # noqa: F401 (the fixture `records`)
from test_records import OUTCOMES

NOW = dt.datetime(2027, 1, 4, 10, 0, tzinfo=dt.timezone.utc)
PERSON = "tg:4242"


def a_prescreen(records, sender=PERSON, level="urgent"):
    result = {**assess(OUTCOMES[level]), "skipped": [], "unsure": []}
    return records.add(NewPrescreen(channel="telegram", sender_id=sender, assessment=result, consent={},
                                    engine_version="2.0", knowledge_version="2", created=NOW))


def test_a_request_waits_and_asking_again_keeps_the_one_request(records):
    first, new = records.handovers.request(PERSON, "telegram", when=NOW)
    again, new_again = records.handovers.request(PERSON, "telegram", when=NOW + dt.timedelta(minutes=1))
    assert (new, new_again) == (True, False)
    assert again.id == first.id and again.state == "waiting" and again.requested_at == NOW
    assert [item.sender_id for item in records.handovers.open()] == [PERSON]


def test_a_request_out_of_hours_is_kept_and_marked(records):
    handover, _ = records.handovers.request(PERSON, "telegram", out_of_hours=True, when=NOW)
    assert records.handovers.open_of(PERSON).out_of_hours is True and handover.state == "waiting"


def test_taking_over_writing_and_handing_back_are_recorded(records):
    records.handovers.request(PERSON, "telegram", when=NOW)
    taken = records.handovers.take(PERSON, "telegram", "alice", when=NOW + dt.timedelta(minutes=2))
    assert (taken.state, taken.taken_by) == ("taken", "alice")
    records.handovers.add_message(PERSON, "alice", "Hello, I'm Alice from reception.", when=NOW + dt.timedelta(minutes=3))
    records.handovers.add_message(PERSON, "alice", "Can you come in at 3pm?", when=NOW + dt.timedelta(minutes=4))
    back = records.handovers.hand_back(PERSON, "alice", when=NOW + dt.timedelta(minutes=5))
    assert back.state == "handed_back" and back.handed_back_at == NOW + dt.timedelta(minutes=5)
    assert [message.text for message in back.messages] == ["Hello, I'm Alice from reception.", "Can you come in at 3pm?"]
    assert records.handovers.open() == [] and records.handovers.open_of(PERSON) is None


def test_staff_may_step_into_a_conversation_nobody_asked_about(records):
    taken = records.handovers.take(PERSON, "telegram", "alice", when=NOW)
    assert taken.requested_at is None and taken.taken_by == "alice"


def test_two_staff_cannot_take_the_same_conversation(records):
    records.handovers.request(PERSON, "telegram", when=NOW)
    records.handovers.take(PERSON, "telegram", "alice")
    with pytest.raises(Taken) as refused:
        records.handovers.take(PERSON, "telegram", "bob")
    assert refused.value.by == "alice"
    with pytest.raises(Taken):
        records.handovers.add_message(PERSON, "bob", "hello")
    with pytest.raises(Taken):
        records.handovers.hand_back(PERSON, "bob")
    assert records.handovers.take(PERSON, "telegram", "alice").taken_by == "alice"  # one's own again: no change


@pytest.mark.parametrize("asked", [True, False])
def test_many_staff_taking_at_once_leave_exactly_one_holder(records, asked):
    if asked:
        records.handovers.request(PERSON, "telegram", when=NOW)
    names = [f"staff{index}" for index in range(8)]
    won, lost = [], []
    start = threading.Barrier(len(names))

    def take(name):
        start.wait()
        try:
            won.append(records.handovers.take(PERSON, "telegram", name).taken_by)
        except Taken:
            lost.append(name)

    threads = [threading.Thread(target=take, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 1 and len(lost) == len(names) - 1
    assert len(records.handovers.of_sender(PERSON)) == 1


def test_a_colleague_can_take_over_from_the_holder_by_name_only(records):
    records.handovers.take(PERSON, "telegram", "alice")
    with pytest.raises(Taken):
        records.handovers.take(PERSON, "telegram", "carol", from_user="bob")  # bob does not hold it
    moved = records.handovers.take(PERSON, "telegram", "bob", from_user="alice")
    assert moved.taken_by == "bob" and len(records.handovers.of_sender(PERSON)) == 1
    with pytest.raises(Taken) as refused:
        records.handovers.take(PERSON, "telegram", "carol", from_user="alice")  # alice no longer holds it
    assert refused.value.by == "bob"
    with pytest.raises(Taken):
        records.handovers.add_message(PERSON, "alice", "still here?")


def test_after_handing_back_a_new_request_is_a_new_handover(records):
    records.handovers.take(PERSON, "telegram", "alice")
    records.handovers.hand_back(PERSON, "alice")
    second, new = records.handovers.request(PERSON, "telegram")
    assert new and len(records.handovers.of_sender(PERSON)) == 2


def test_delete_my_data_deletes_the_handovers_and_what_staff_wrote(records):
    a_prescreen(records)
    records.handovers.take(PERSON, "telegram", "alice")
    records.handovers.add_message(PERSON, "alice", "See you at 3pm.")
    records.handovers.request("tg:other", "telegram")
    records.delete_sender(PERSON)
    assert records.handovers.of_sender(PERSON) == []
    assert [item.sender_id for item in records.handovers.open()] == ["tg:other"]  # nobody else's touched


def test_purge_deletes_handovers_handed_back_long_ago_only(records):
    records.handovers.take(PERSON, "telegram", "alice", when=NOW - dt.timedelta(days=100))
    records.handovers.hand_back(PERSON, "alice", when=NOW - dt.timedelta(days=100))
    records.handovers.request("tg:other", "telegram", when=NOW - dt.timedelta(days=100))
    records.purge(NOW - dt.timedelta(days=90))
    assert records.handovers.of_sender(PERSON) == []
    assert records.handovers.open_of("tg:other") is not None  # still waiting: kept


def handed_over(records):
    record = a_prescreen(records)
    records.handovers.request(PERSON, "telegram", when=NOW)
    records.handovers.take(PERSON, "telegram", "alice", when=NOW + dt.timedelta(minutes=2))
    records.handovers.add_message(PERSON, "alice", "Please come in today at 3pm.", when=NOW + dt.timedelta(minutes=3))
    records.handovers.hand_back(PERSON, "alice", when=NOW + dt.timedelta(minutes=5))
    return record


def test_the_record_json_keeps_who_took_over_when_and_what_they_wrote(records):
    handed_over(records)
    [kept] = [item.as_dict() for item in records.handovers.of_sender(PERSON)]
    assert kept["taken_by"] == "alice" and kept["taken_at"] == "2027-01-04T10:02:00+00:00"
    assert kept["handed_back_at"] == "2027-01-04T10:05:00+00:00"
    assert kept["messages"] == [{"at": "2027-01-04T10:03:00+00:00", "staff_user": "alice",
                                 "text": "Please come in today at 3pm."}]


def test_the_fhir_export_has_the_takeover_as_a_task_and_each_message_as_a_communication(records):
    record = handed_over(records)
    bundle = export_bundle(record, None, records.handovers.of_sender(PERSON))
    resources = [entry["resource"] for entry in bundle["entry"]]
    [task] = [item for item in resources if item["resourceType"] == "Task"]
    [message] = [item for item in resources if item["resourceType"] == "Communication"]
    assert task["owner"]["display"] == "alice" and task["status"] == "completed"
    assert task["executionPeriod"]["start"].startswith("2027-01-04T10:02")
    assert message["payload"][0]["contentString"] == "Please come in today at 3pm."
    assert message["sender"]["display"] == "alice" and message["partOf"][0]["reference"] == f"Task/{task['id']}"


def test_the_staff_cli_lists_those_waiting_as_json(records, monkeypatch, tmp_path):
    if not records.url.startswith("sqlite"):
        pytest.skip("the CLI reads DATABASE_URL; one backend is enough")
    a_prescreen(records)
    records.handovers.request(PERSON, "telegram", when=NOW)
    records.handovers.take("web:abc", "socketio", "bob", when=NOW + dt.timedelta(minutes=1))
    monkeypatch.setenv("DATABASE_URL", records.url)
    monkeypatch.setenv("PHT_VAR_DIR", str(tmp_path))
    from pht.settings import settings
    settings.cache_clear()
    out = io.StringIO()
    try:
        assert main(["list", "--waiting", "--json"], out=out, err=io.StringIO()) == 0
    finally:
        settings.cache_clear()
    listed = json.loads(out.getvalue())
    assert [(item["sender_id"], item["state"], item["taken_by"], item["reference"] is not None) for item in listed] == [
        (PERSON, "waiting", None, True), ("web:abc", "taken", "bob", False)]


def test_without_redis_a_change_in_this_process_wakes_its_streams_at_once_and_nothing_else_does():
    import asyncio
    import time

    from pht.records.live import Changes

    async def scenario():
        changes = Changes()
        stream = changes.subscribe()
        assert await stream.wait(0.3) is False
        asyncio.get_running_loop().call_later(0.1, changes.publish)
        started = time.monotonic()
        assert await stream.wait(5) is True
        return time.monotonic() - started

    assert asyncio.run(scenario()) < 2


def test_the_person_sees_the_staff_members_first_name_and_their_words_as_plain_text():
    from pht.reception.conversations import MAX_STAFF_MESSAGE_CHARS, first_name, plain_text

    assert [first_name(name) for name in ("alice.smith", "bob", "carol_jones", "dave-o")] == ["Alice", "Bob", "Carol", "Dave"]
    assert plain_text("  Hello\x00 <b>there</b>\x1b[31m \n") == "Hello <b>there</b>[31m"  # markup stays text
    assert len(plain_text("x" * 5000)) == MAX_STAFF_MESSAGE_CHARS


def test_the_transcript_shows_the_person_the_assistant_and_staff_since_the_session_started():
    from pht.reception.conversations import transcript

    events = [
        {"event": "user", "text": "an old session", "timestamp": 1},
        {"event": "session_started", "timestamp": 2},
        {"event": "user", "text": "/greet", "timestamp": 3, "parse_data": {"intent": {"name": "greet"}}},
        {"event": "bot", "text": "Hi, I'm the pre-screen.", "timestamp": 4, "metadata": {}},
        {"event": "user", "text": "/affirm", "timestamp": 5, "metadata": {"display": "Yes, let's start"}},
        {"event": "user", "text": "EXTERNAL: EXTERNAL_check_in", "timestamp": 6,
         "parse_data": {"intent": {"name": "EXTERNAL_check_in"}}},
        {"event": "bot", "text": "Alice: See you at 3.", "timestamp": 7, "metadata": {"utter_action": "utter_staff_message"}},
    ]
    assert [(line.who, line.text) for line in transcript({"events": events})] == [
        ("assistant", "Hi, I'm the pre-screen."), ("person", "Yes, let's start"), ("staff", "Alice: See you at 3.")]
