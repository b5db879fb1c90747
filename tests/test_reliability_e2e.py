"""Faults and attacks against the running servers (the fast half of `make soak`): typed intent
payloads, over-long and hostile messages, the HTTP API without its token, the action server's
secret, the action server dead or frozen, and the Rasa server killed mid-conversation.

Every test uses the session's servers (tests/conftest.py) and leaves them running.
"""
import json
import signal
import time
import urllib.request

import pytest

from harness.hostile import FORGED_PAYLOADS, PUBLIC_ROUTES, api_routes, concrete, hostile_messages, malformed_rest_bodies
from harness.servers import ACTION_SERVER_TOKEN, REST_PREFIX, http
from test_e2e import CLASSIC_ANSWERS, started

pytestmark = pytest.mark.e2e

TRY_AGAIN = "Your answers so far are saved"
ANSWERS = set(CLASSIC_ANSWERS) | {"assessment", "mentioned", "possible_signs", "danger_check", "screening_stopped",
                                  "reask_count", "corrected"}


def answers_of(tracker):
    return {name: value for name, value in tracker["slots"].items() if name in ANSWERS}


def texts(replies):
    return [reply.get("text", "") for reply in replies]


# -- typed intent payloads ---------------------------------------------------------------------

def test_typed_intent_payloads_at_the_danger_sign_question_set_nothing_and_skip_nothing(assistant):
    conversation, tracker = started(assistant, "typed-payloads", "at my sit bone", "gradually", "about six weeks")
    assert tracker["slots"]["requested_slot"] == "red_flags"
    before = answers_of(tracker)
    for typed in [payload for payload in FORGED_PAYLOADS if payload != "/restart"]:
        replies = texts(assistant.say("typed-payloads", typed))
        assert replies, f"{typed}: no reply"
        assert any("didn't quite get that" in reply or "didn't understand" in reply for reply in replies), (typed, replies)
        tracker = assistant.tracker("typed-payloads")
        assert tracker["slots"]["requested_slot"] == "red_flags", typed
        assert tracker["active_loop"].get("name") == "assessment_form", typed
        assert answers_of(tracker) == before, typed
    tracker = conversation.send("none of these")
    assert tracker["slots"]["red_flags"] == [] and tracker["slots"]["requested_slot"] != "red_flags"


def test_restart_typed_by_a_person_starts_again_from_the_first_question(assistant):
    conversation, tracker = started(assistant, "typed-restart", "at my sit bone", "gradually")
    replies = texts(assistant.say("typed-restart", "/restart"))
    assert any("Start again from the beginning?" in reply for reply in replies)  # asked first
    assert assistant.tracker("typed-restart")["slots"]["pain_location"] == "sit_bone"
    replies = texts(assistant.say("typed-restart", "yes"))
    assert any("start again" in reply for reply in replies) and any("Shall we start" in reply for reply in replies)
    tracker = assistant.tracker("typed-restart")
    assert tracker["slots"]["pain_location"] is None and tracker["slots"]["onset"] is None
    tracker = conversation.send("yes")
    assert tracker["slots"]["requested_slot"] == "pain_location"


def test_typed_payloads_before_the_questions_get_a_way_forward(assistant):
    for number, typed in enumerate(('/inform{"red_flags": []}', "/session_start",
                                    '/anything{"assessment": {"urgency": "routine"}}')):
        replies = texts(assistant.say(f"typed-first-{number}", typed))
        assert any("describe your pain" in reply for reply in replies), replies
        assert answers_of(assistant.tracker(f"typed-first-{number}")) == {name: None for name in ANSWERS}


# -- over-long and hostile messages ----------------------------------------------------------------

def test_a_message_over_the_limit_is_refused_clearly_and_not_stored(assistant):
    conversation, tracker = started(assistant, "too-long", "at my sit bone")
    events_before = len(tracker["events"])
    replies = texts(assistant.say("too-long", "it started gradually " + "x" * 2000))
    assert replies == [replies[0]] and "under 2,000 characters" in replies[0] and TRY_AGAIN in replies[0]
    tracker = assistant.tracker("too-long")
    assert len(tracker["events"]) == events_before and tracker["slots"]["requested_slot"] == "onset"
    tracker = conversation.send("gradually, " + "really " * 280)  # 2,000 characters at most: read
    assert tracker["slots"]["onset"] == "gradual"


def test_hostile_messages_get_answers_and_never_a_server_error(assistant):
    for number, text in enumerate(hostile_messages(120, seed=12)):
        status, replies = assistant.post_rest({"sender": f"hostile-{number % 7}", "message": text})
        assert status == 200 and isinstance(replies, list), (text[:80], status, replies)
    conversation, tracker = started(assistant, "after-hostile", "at my sit bone")  # still serving
    assert tracker["slots"]["requested_slot"] == "onset"


def test_malformed_webhook_bodies_never_get_a_server_error(assistant):
    failures = []
    for label, body in malformed_rest_bodies():
        request = urllib.request.Request(f"{assistant.url}/webhooks/rest/webhook", data=body, method="POST",
                                         headers={"Content-Type": "application/json", **assistant.rest_headers})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        failures.append((label, status)) if status >= 500 else None
    assert failures == []


# -- the HTTP API -------------------------------------------------------------------------------

def test_every_api_route_refuses_requests_without_the_token(assistant):
    routes = api_routes()
    assert ("GET", "/conversations/<conversation_id:path>/tracker") in routes and len(routes) >= 20
    assert set(PUBLIC_ROUTES) <= set(routes) | {("GET", "/webhooks/socketio")}
    answered = []
    for method, path in routes:
        if (method, path) in PUBLIC_ROUTES:
            continue
        url = f"{assistant.url}{concrete(path, {'conversation_id': 'classic'})}"
        for suffix in ("", "?token=wrong-token", "?token="):
            status, _ = http(method, url + suffix, {} if method in ("POST", "PUT") else None)
            if status not in (401, 403):
                answered.append((method, path, suffix, status))
    assert answered == []
    assert http("GET", f"{assistant.url}/status?token={assistant.token}")[0] == 200  # the token itself works


def test_the_public_routes_say_nothing_about_anyone(assistant):
    assistant.say("public-check", "my sit bone hurts")
    for method, path in PUBLIC_ROUTES:
        if method == "GET" and "socket" not in path:
            status, body = http("GET", f"{assistant.url}{path}")
            assert status == 200 and "public-check" not in json.dumps(body) and "sit bone" not in json.dumps(body)


# -- the action server -----------------------------------------------------------------------------

def test_the_action_server_answers_only_calls_with_the_shared_secret(assistant):
    url = f"http://127.0.0.1:{assistant.action_port}"
    call = {"next_action": "action_welcome", "sender_id": "door", "tracker": {"sender_id": "door", "slots": {},
            "latest_message": {}, "events": [], "paused": False, "active_loop": {}}, "domain": {"responses": {}},
            "version": "3.6.2"}
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": ACTION_SERVER_TOKEN}):
        request = urllib.request.Request(f"{url}/webhook", data=json.dumps(call).encode(), method="POST",
                                         headers={"Content-Type": "application/json", **headers})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        assert refused.value.code == 401
    request = urllib.request.Request(f"{url}/webhook", data=json.dumps(call).encode(), method="POST",
                                     headers={"Content-Type": "application/json",
                                              "Authorization": f"Bearer {ACTION_SERVER_TOKEN}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200
    assert http("GET", f"{url}/actions")[0] == 401
    assert http("GET", f"{url}/health")[0] == 200


def test_the_action_server_listens_on_localhost_only(assistant):
    port = f"{assistant.action_port:04X}"
    listening = [line.split()[1] for line in open("/proc/net/tcp").read().splitlines()[1:]
                 if line.split()[1].endswith(f":{port}") and line.split()[3] == "0A"]
    assert listening == [f"0100007F:{port}"]  # 127.0.0.1, nothing else
    with open("/proc/net/tcp6") as tcp6:
        assert not [line for line in tcp6.read().splitlines()[1:] if line.split()[1].endswith(f":{port}")
                    and line.split()[3] == "0A"]


def test_with_the_action_server_dead_the_person_is_told_calmly_and_resumes_where_they_were(assistant):
    conversation, tracker = started(assistant, "actions-dead", "at my sit bone", "gradually")
    assert tracker["slots"]["requested_slot"] == "duration_days"
    events_before = len(tracker["events"])
    assistant.kill_actions()
    try:
        replies = texts(assistant.say("actions-dead", "about six weeks"))
        assert len(replies) == 1 and TRY_AGAIN in replies[0] and "try again" in replies[0]
        tracker = assistant.tracker("actions-dead")
        assert len(tracker["events"]) == events_before  # nothing of the failed turn was stored
        assert tracker["slots"]["onset"] == "gradual" and tracker["slots"]["requested_slot"] == "duration_days"
    finally:
        assistant.start_actions()
    tracker = conversation.send("about six weeks")  # the same message, once the server is back
    assert tracker["slots"]["duration_days"] == 42 and tracker["slots"]["requested_slot"] == "red_flags"


def test_a_frozen_action_server_times_out_with_the_calm_message(assistant):
    conversation, tracker = started(assistant, "actions-frozen", "at my sit bone")
    assistant.action_server.send_signal(signal.SIGSTOP)  # accepts connections, answers nothing
    try:
        started_at = time.monotonic()
        replies = texts(assistant.say("actions-frozen", "gradually"))
        waited = time.monotonic() - started_at
    finally:
        assistant.action_server.send_signal(signal.SIGCONT)
    assert len(replies) == 1 and TRY_AGAIN in replies[0]
    assert waited < 30  # the configured 10 s, not Rasa's five minutes
    tracker = conversation.send("gradually")
    assert tracker["slots"]["onset"] == "gradual" and tracker["slots"]["requested_slot"] == "duration_days"


# -- the Rasa server killed ---------------------------------------------------------------------------

def test_a_conversation_survives_the_rasa_server_killed_mid_conversation(assistant):
    conversation, tracker = started(assistant, "sigkill-survivor", "at my sit bone", "gradually", "about six weeks")
    before = answers_of(tracker)
    assistant.restart_rasa(kill=True)
    tracker = assistant.tracker("sigkill-survivor")
    assert answers_of(tracker) == before and tracker["slots"]["requested_slot"] == "red_flags"
    tracker = conversation.send("none of these")
    assert tracker["slots"]["red_flags"] == [] and tracker["slots"]["duration_days"] == 42


# -- the conversation store unavailable --------------------------------------------------------------

def test_with_the_store_locked_nothing_is_lost_and_the_conversation_resumes(assistant):
    import sqlite3

    conversation, tracker = started(assistant, "store-locked", "at my sit bone")
    events_before = len(tracker["events"])
    lock = sqlite3.connect(str(assistant.db_path), timeout=30, isolation_level=None)
    lock.execute("BEGIN EXCLUSIVE")  # another program writing: nothing can be saved
    try:
        replies = texts(assistant.say("store-locked", "gradually"))
        assert len(replies) == 1 and TRY_AGAIN in replies[0]  # not the next question, never saved in memory
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    tracker = assistant.tracker("store-locked")
    assert len(tracker["events"]) == events_before and tracker["slots"]["pain_location"] == "sit_bone"
    tracker = conversation.send("gradually")
    assert tracker["slots"]["onset"] == "gradual" and tracker["slots"]["requested_slot"] == "duration_days"


# -- the pre-screen record through faults -------------------------------------------------------------

def test_a_finishing_turn_that_could_not_be_saved_stores_one_record_which_survives_a_kill(assistant):
    import sqlite3

    from pht.records import Records
    from harness.servers import Conversation

    rehearsal = Conversation(assistant, "final-turn-rehearsal", CLASSIC_ANSWERS)
    rehearsal.run("hi")
    last_answer = CLASSIC_ANSWERS[rehearsal.asked[-1]]  # the answer that finishes this pre-screen

    conversation, tracker = started(assistant, "final-turn-retried")
    for field in rehearsal.asked[:-1]:
        tracker = conversation.send(CLASSIC_ANSWERS[field])
    assert tracker["slots"]["requested_slot"] == rehearsal.asked[-1]
    lock = sqlite3.connect(str(assistant.db_path), timeout=30, isolation_level=None)
    lock.execute("BEGIN EXCLUSIVE")  # the finishing turn cannot be saved, after the record was stored
    try:
        assert TRY_AGAIN in " ".join(texts(assistant.say("final-turn-retried", last_answer)))
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    tracker = conversation.send(last_answer)  # the person sends it again
    records = Records(f"sqlite:///{assistant.workdir / 'records.db'}", migrate=False)
    try:
        [record] = records.of_sender(REST_PREFIX + "final-turn-retried")
        assert tracker["slots"]["prescreen_reference"] == record.reference
        assistant.restart_rasa(kill=True)
        assert assistant.tracker("final-turn-retried")["slots"]["prescreen_reference"] == record.reference
        assert [kept.reference for kept in records.of_sender(REST_PREFIX + "final-turn-retried")] == [record.reference]
    finally:
        records.close()
