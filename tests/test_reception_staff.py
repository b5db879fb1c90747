"""Staff pre-screens (issue 18), end to end with the real servers: only the staff channel
(channels/staff.py, behind the reception page's secret) makes a conversation staff-entered;
the reception page's "Pre-screen a patient" relays to it; typing "I'm at reception with a
patient" anywhere else changes nothing. And the files: from an empty var/ folder, after a
pre-screen, the folder is 0700 and every database and secret in it 0600."""
from __future__ import annotations

import json
import stat
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

import actions.messages as messages
import channels.staff as staff
from pht.reception.users import Users
from pht.records import Records, settings
from harness.servers import MODEL, Assistant, Conversation
from test_e2e import CLASSIC_ANSWERS
from test_reception_web import PASSWORD, Client, serve_reception
from web.reception.app import create_app


def test_the_channel_and_the_actions_name_the_staff_channel_alike():
    assert (staff.STAFF_CHANNEL, staff.STAFF_SENDER_PREFIX) == (messages.STAFF_CHANNEL, messages.STAFF_SENDER_PREFIX)
    assert staff.staff_sender_id("0b8a4d52-1f8e-4c55-9d0b-7b7e2f5e3c11") == "staff:0b8a4d52-1f8e-4c55-9d0b-7b7e2f5e3c11"
    for forged in ("rest:someone", "staff:x", "../x", "", None, 7):
        assert staff.staff_sender_id(forged) is None


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The servers with their var/ folder not yet made: everything in it is made by them."""
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` (make test does it for you)")
    workdir = tmp_path_factory.mktemp("staff")
    var = workdir / "var"
    assistant = Assistant(workdir, env={"PHT_VAR_DIR": str(var)},
                          tracker_store={"dialect": "sqlite", "db": str(var / "tracker.db")})
    assistant.start()
    config = settings({"PHT_VAR_DIR": str(var), "RASA_URL": assistant.url, "RASA_AUTH_TOKEN": assistant.token})
    yield {"assistant": assistant, "var": var, "config": config, "records": Records(config=config)}
    assistant.stop()


def staff_say(site, conversation: str, message: str, secret=None, staff_user: str = "alice"):
    """One message to the staff channel, as the reception page's server sends it."""
    secret = site["config"].staff_channel_secret() if secret is None else secret
    request = urllib.request.Request(
        f"{site['assistant'].url}/webhooks/staff/webhook", method="POST",
        data=json.dumps({"conversation": conversation, "message": message, "staff_user": staff_user}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {secret}"})
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:
            return reply.status, json.loads(reply.read().decode())
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.mark.e2e
def test_typing_the_staff_sentence_on_a_patient_channel_changes_nothing(site):
    conversation = Conversation(site["assistant"], "at-the-desk", CLASSIC_ANSWERS)
    tracker = conversation.send("I'm at reception with a patient")
    said = "\n".join(conversation.replies)
    assert "Staff pre-screens start from the reception page" in said and "Shall we start?" in said
    assert "Staff mode" not in said and not tracker["slots"].get("staff_entered")
    tracker = conversation.send("yes")
    assert tracker["slots"]["requested_slot"] and "patient" not in conversation.replies[-1]
    for _ in range(20):
        if tracker["slots"].get("assessment"):
            break
        tracker = conversation.send(CLASSIC_ANSWERS[tracker["slots"]["requested_slot"]])
    [record] = site["records"].of_sender("rest:at-the-desk")
    assert not record.staff_entered and record.consent["by"] == "patient"
    assert record.consent["question"] == "utter_ask_consent"


@pytest.mark.e2e
def test_the_staff_channel_refuses_calls_without_the_reception_pages_secret(site):
    conversation = str(uuid.uuid4())
    for secret in ("", "not-the-secret"):
        status, _ = staff_say(site, conversation, "/greet", secret=secret)
        assert status == 403
    events = site["assistant"].conversation(f"staff:{conversation}")["events"] or []
    assert not any(event.get("event") == "user" for event in events)
    status, _ = staff_say(site, "not-a-uuid", "/greet")
    assert status == 400


@pytest.mark.e2e
def test_a_staff_pre_screen_is_worded_for_staff_and_recorded_as_theirs(site):
    conversation = str(uuid.uuid4())
    status, replies = staff_say(site, conversation, "/greet")
    assert status == 200
    said = "\n".join(reply.get("text", "") for reply in replies)
    assert "Staff mode" in said and "Has the patient agreed" in said
    status, replies = staff_say(site, conversation, "/affirm")
    assert "Where is the patient's pain worst?" in replies[-1]["text"]
    sender = f"staff:{conversation}"
    for _ in range(20):
        tracker = site["assistant"].conversation(sender)
        if tracker["slots"].get("assessment"):
            break
        staff_say(site, conversation, CLASSIC_ANSWERS[tracker["slots"]["requested_slot"]])
    [record] = site["records"].of_sender(sender)
    assert record.staff_entered and record.channel == "staff"
    assert record.consent["by"] == "staff_for_patient" and record.consent["staff_user"] == "alice"


@pytest.mark.e2e
def test_the_reception_page_relays_a_staff_pre_screen(site):
    config = site["config"]
    Users(config).add("alice", PASSWORD)
    port, server, thread = serve_reception(create_app(config, site["records"]))
    try:
        client = Client(f"http://127.0.0.1:{port}")
        assert client.login()[0] == 303
        token = client.csrf("/prescreen")
        assert client.request("/prescreen", {"csrf_token": "forged", "start": "1"})[0] == 400
        status, _, html = client.request("/prescreen", {"csrf_token": token, "start": "1"})
        assert status == 200 and "Staff mode" in html and "Has the patient agreed" in html
        assert 'value="/affirm"' in html and "Yes, the patient agrees" in html
        assert config.staff_channel_secret() not in html  # the browser never sees the channel's secret
        conversation = html.split('name="conversation" value="')[1].split('"')[0]
        status, _, html = client.request("/prescreen", {"csrf_token": token, "conversation": conversation,
                                                        "message": "/affirm"})
        assert status == 200 and "Where is the patient&#39;s pain worst?" in html
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.mark.e2e
def test_after_a_pre_screen_var_is_the_owners_only(site):
    """Issue 18: health databases were world-readable (var/ 0755, *.db 0644)."""
    Conversation(site["assistant"], "modes", CLASSIC_ANSWERS).run("hi")
    var: Path = site["var"]
    assert stat.S_IMODE(var.stat().st_mode) == 0o700
    made = {path.name: stat.S_IMODE(path.stat().st_mode) for path in var.iterdir()}
    for expected in ("records.db", "tracker.db"):  # and the secrets, once the other tests made them
        assert expected in made, (expected, sorted(made))
    assert any(name.endswith(("-wal", "-shm")) for name in made)  # SQLite's companions, while open
    assert {name: oct(mode) for name, mode in made.items() if mode != 0o600} == {}
