"""The pre-screen record and deleting data, end to end with the real servers, on SQLite and on
PostgreSQL (tracker store and records database both): a finished pre-screen is stored and
its code given; "delete my data" (confirmed) leaves nothing of that person in either
database and nobody else's rows are touched, and the conversation can start afresh; the
staff CLI's `delete` and `purge` go through the Rasa server's lock."""
from __future__ import annotations

import os
import subprocess
import sys
from contextlib import ExitStack

import pytest
import sqlalchemy as sa

from pht.records import Records
from databases import POSTGRES, postgres_schema, schema_url
from harness.servers import MODEL, REST_PREFIX, ROOT, Assistant, Conversation
from test_e2e import CLASSIC_ANSWERS

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(request, tmp_path_factory):
    """The servers, with the tracker store and the records in SQLite files or in one
    PostgreSQL schema of this test's own (as a deployment with DATABASE_URL would share one)."""
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` (make test does it for you)")
    workdir = tmp_path_factory.mktemp(f"privacy-{request.param}")
    with ExitStack() as stack:
        assistant = Assistant(workdir)
        if request.param == "sqlite":
            tracker_url, records_url = f"sqlite:///{workdir / 'tracker.db'}", f"sqlite:///{workdir / 'records.db'}"
        else:
            schema = stack.enter_context(postgres_schema("pht_privacy"))
            tracker_url = records_url = schema_url(schema)
            url = sa.engine.make_url(POSTGRES)
            assistant.tracker_store = {"dialect": "postgresql", "url": url.host, "port": url.port or 5432,
                                       "db": url.database, "username": url.username}
            assistant.env = {"POSTGRESQL_SCHEMA": schema, "DATABASE_URL": records_url}
        stack.callback(assistant.stop)  # also when a server fails to start: none is left running
        assistant.start()
        tracker_db = sa.create_engine(tracker_url)
        stack.callback(tracker_db.dispose)
        records = Records(records_url, migrate=False)
        stack.callback(records.close)
        yield {"assistant": assistant, "tracker_db": tracker_db, "records": records, "records_url": records_url}


def events_of(site, sender: str) -> int:
    """How many events the conversation of `say(sender)` has, in the database itself."""
    with site["tracker_db"].connect() as connection:
        return connection.execute(sa.text("SELECT count(*) FROM events WHERE sender_id = :sender"),
                                  {"sender": REST_PREFIX + sender}).scalar()


def records_of(site, sender: str) -> list:
    """The pre-screen records of the conversation of `say(sender)`."""
    return site["records"].of_sender(REST_PREFIX + sender)


def finished(site, sender: str, **answers) -> Conversation:
    conversation = Conversation(site["assistant"], sender, {**CLASSIC_ANSWERS, **answers})
    conversation.run("hi")
    return conversation


def cli(site, *args: str, retention_days: str = "90") -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": site["records_url"], "RASA_URL": site["assistant"].url,
           "RASA_AUTH_TOKEN": site["assistant"].token, "RECORDS_RETENTION_DAYS": retention_days}
    return subprocess.run([sys.executable, "-m", "pht.reception", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_a_finished_pre_screen_is_stored_and_its_code_given(site):
    conversation = finished(site, "stored-person")
    [record] = records_of(site, "stored-person")
    assert record.urgency == "routine" and record.channel == "rest"
    assert record.consent["status"] == "given" and "delete my data" in record.consent["wording"]
    assert any(record.reference in reply and "bring it to the clinic" in reply for reply in conversation.replies)
    assert site["assistant"].tracker("stored-person")["slots"]["prescreen_reference"] == record.reference


def test_delete_my_data_leaves_nothing_of_that_person_and_touches_nobody_else(site):
    assistant = site["assistant"]
    finished(site, "forget-me")
    finished(site, "keep-me", red_flags="I've gone numb between my legs")
    kept_events = events_of(site, "keep-me")
    [kept] = records_of(site, "keep-me")
    assert events_of(site, "forget-me") > 0 and records_of(site, "forget-me")

    asked = assistant.say("forget-me", "please delete my data")
    assert any("can't be undone" in reply.get("text", "") for reply in asked)
    assert records_of(site, "forget-me")  # nothing yet: it waits for the confirmation
    done = assistant.say("forget-me", "yes")
    assert any("I've deleted your pre-screen record and this conversation" in reply.get("text", "") for reply in done)

    assert events_of(site, "forget-me") == 0  # checked in the database itself, before anything asks for it again
    assert records_of(site, "forget-me") == []
    assert events_of(site, "keep-me") == kept_events
    assert site["records"].get(kept.reference) == kept

    # the same sender starts afresh, with nothing remembered
    again = assistant.say("forget-me", "hi")
    assert any("hamstring pain pre-screen" in reply.get("text", "") for reply in again)
    tracker = assistant.tracker("forget-me")
    assert tracker["slots"]["pain_location"] is None and tracker["slots"]["assessment"] is None
    assert [event for event in tracker["events"] if event["event"] == "user"][0]["text"] == "hi"


def test_delete_my_data_before_any_outcome_deletes_the_conversation(site):
    assistant = site["assistant"]
    for text in ("hi", "yes", "right at my sit bone", "delete my data"):
        assistant.say("early-leaver", text)
    done = assistant.say("early-leaver", "yes")
    assert any("there was no pre-screen record" in reply.get("text", "") for reply in done)
    assert events_of(site, "early-leaver") == 0


def test_keeping_the_data_during_the_questions_carries_on_where_they_were(site):
    assistant = site["assistant"]
    conversation = Conversation(assistant, "changed-mind", CLASSIC_ANSWERS)
    conversation.send("hi")
    conversation.send("yes")
    tracker = conversation.send("right at my sit bone")
    asked = tracker["slots"]["requested_slot"]
    conversation.send("I want my data deleted")
    tracker = conversation.send("no, keep it")
    assert "OK, nothing has been deleted." in conversation.replies
    assert tracker["slots"]["requested_slot"] == asked and tracker["slots"]["pain_location"] == "sit_bone"
    assert events_of(site, "changed-mind") > 0


def test_staff_delete_goes_through_the_rasa_server_and_removes_that_person_only(site):
    finished(site, "staff-delete")
    finished(site, "bystander")
    [record] = records_of(site, "staff-delete")
    bystander_events = events_of(site, "bystander")
    shown = cli(site, "show", record.reference.lower())
    assert shown.returncode == 0 and record.reference in shown.stdout and "Present:" in shown.stdout
    deleted = cli(site, "delete", record.reference, "--yes")
    assert deleted.returncode == 0, deleted.stderr
    assert record.reference in deleted.stdout
    assert events_of(site, "staff-delete") == 0 and records_of(site, "staff-delete") == []
    assert events_of(site, "bystander") == bystander_events and records_of(site, "bystander")


def test_purge_removes_records_and_conversations_older_than_the_retention(site):
    finished(site, "purge-me")
    kept = cli(site, "purge")  # 90 days: everything here is new
    assert kept.returncode == 0, kept.stderr
    assert records_of(site, "purge-me") and events_of(site, "purge-me") > 0
    purged = cli(site, "purge", retention_days="0")  # everything is older than now
    assert purged.returncode == 0, purged.stderr
    assert '"conversations_deleted"' in purged.stdout
    assert site["records"].count() == 0 and events_of(site, "purge-me") == 0


def test_a_wrong_token_deletes_nothing(site):
    finished(site, "guarded")
    env_token = site["assistant"].token
    site["assistant"].token = "not-the-token"
    try:
        [record] = records_of(site, "guarded")
        refused = cli(site, "delete", record.reference, "--yes")
    finally:
        site["assistant"].token = env_token
    assert refused.returncode == 2 and "Nothing deleted" in refused.stderr and "403" in refused.stderr
    assert records_of(site, "guarded") and events_of(site, "guarded") > 0


def test_nothing_clinical_reaches_the_server_logs(site):
    """The servers log at INFO (Rasa's default): no finding, answer or outcome may be there."""
    finished(site, "quiet-logs", red_flags="I've gone numb between my legs")
    logged = (site["assistant"].workdir / "servers.log").read_text(errors="replace")
    for clinical in ("numb between my legs", "saddle_numbness", "sit bone", "sit_bone", "crept up gradually",
                     '"urgency"', "emergency room"):
        assert clinical not in logged, clinical


def test_typing_the_staff_sentence_makes_no_staff_record(site):
    """Issue 18: anyone could type it and get a record marked staff-entered with consent
    "confirmed by staff". Staff pre-screens come only through the reception page's staff
    channel (tests/test_reception_staff.py)."""
    conversation = Conversation(site["assistant"], "at-the-desk", CLASSIC_ANSWERS)
    tracker = conversation.send("I'm at reception with a patient")
    assert any("Staff pre-screens start from the reception page" in reply for reply in conversation.replies)
    assert not any("Staff mode" in reply for reply in conversation.replies)
    assert not tracker["slots"].get("staff_entered")
    tracker = conversation.send("yes")
    for _ in range(15):
        if tracker["slots"].get("assessment"):
            break
        tracker = conversation.send(CLASSIC_ANSWERS[tracker["slots"]["requested_slot"]])
    said = "\n".join(conversation.replies)
    assert "The patient's answers" not in said
    [record] = records_of(site, "at-the-desk")
    assert not record.staff_entered and record.consent["by"] == "patient"
