"""The staff CLI (`python -m pht.reception`) and the reception accounts, without servers
(a fake stands in for the Rasa server's privacy route)."""
import datetime as dt
import io
import json
import threading
from http.server import ThreadingHTTPServer

import pytest

from pht.reception.cli import main
from pht.reception.users import Users, parse
from pht.records import NewPrescreen, Records, settings
from pht.records.fhir import check_response
from pht.triage import assess
from harness.servers import free_port
from test_reception_web import TOKEN, FakeRasa
from test_records import OUTCOMES

NOW = dt.datetime.now(dt.timezone.utc)


@pytest.fixture
def env(tmp_path, monkeypatch):
    values = {"PHT_VAR_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'records.db'}",
              "RASA_URL": f"http://127.0.0.1:{free_port()}", "RASA_AUTH_TOKEN": TOKEN, "RECORDS_RETENTION_DAYS": "30"}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("RECEPTION_USERS", raising=False)
    return values


@pytest.fixture
def records(env):
    store = Records(env["DATABASE_URL"])
    for level, days_ago in (("routine", 1), ("urgent", 2), ("emergency", 40)):
        result = {**assess(OUTCOMES[level]), "skipped": [], "unsure": []}
        store.add(NewPrescreen(channel="rest", sender_id=f"{level}-person", assessment=result, consent={},
                               engine_version="2.0", knowledge_version="2", created=NOW - dt.timedelta(days=days_ago)))
    yield store
    store.close()


@pytest.fixture
def rasa(monkeypatch):
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), FakeRasa)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("RASA_URL", f"http://127.0.0.1:{server.server_address[1]}")
    yield server
    server.shutdown()


def cli(*argv, stdin=None, monkeypatch=None):
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_list_json_has_the_fields_reception_needs_newest_first(records):
    code, out, _ = cli("list", "--json")
    items = json.loads(out)
    assert code == 0 and [item["urgency"] for item in items] == ["routine", "urgent", "emergency"]
    assert {"reference", "sender_id", "created", "urgency", "likelihood"} <= set(items[0])


def test_list_filters_by_urgency_and_date(records):
    urgent = json.loads(cli("list", "--json", "--urgency", "urgent")[1])
    assert [item["sender_id"] for item in urgent] == ["urgent-person"]
    since = (NOW - dt.timedelta(days=3)).date().isoformat()
    assert len(json.loads(cli("list", "--json", "--since", since)[1])) == 2
    code, out, _ = cli("list")
    assert code == 0 and "EMERGENCY" in out and out.count("PHT-") == 3


def test_show_in_text_json_and_fhir(records):
    record = records.list(urgency="emergency")[0]
    code, out, _ = cli("show", record.reference.lower())
    assert code == 0 and out.startswith(record.reference) and "Emergency: now !!" in out
    assert out.index("Present:") < out.index("Reported absent")
    assert "! Danger signs: Numbness in the saddle area" in out
    assert json.loads(cli("show", record.reference, "--format", "json")[1])["assessment"]["urgency"] == "emergency"
    bundle = json.loads(cli("show", record.reference, "--format", "fhir")[1])
    assert [check_response(entry["resource"]) for entry in bundle["entry"]] == [[]]
    assert cli("show", "PHT-ZZZZZ")[0] == 1


def test_delete_with_the_rasa_server_unreachable_deletes_nothing(records):
    record = records.list()[0]
    code, _, err = cli("delete", record.reference, "--yes")
    assert code == 2 and "Nothing deleted" in err and "cannot be reached" in err
    assert records.get(record.reference) is not None


def test_delete_removes_the_persons_records_after_the_rasa_server_forgot_the_conversation(records, rasa):
    record = records.list(urgency="urgent")[0]
    code, out, _ = cli("delete", record.reference, "--yes")
    assert code == 0 and record.reference in out and "7 events" in out
    assert FakeRasa.forgotten[-1] == "urgent-person" and records.of_sender("urgent-person") == []
    assert records.count() == 2


def test_purge_deletes_records_older_than_the_retention_even_when_conversations_wait(records):
    code, out, err = cli("purge")
    assert code == 1 and json.loads(out)["records_deleted"] == 1 and "not purged" in err
    assert [record.urgency for record in records.list()] == ["routine", "urgent"]


def test_add_user_stores_an_argon2_hash_that_verifies(env, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough secret\n"))
    assert cli("add-user", "alice", "--password-stdin")[0] == 0
    users = Users(settings())
    text = users.config.users_file.read_text()
    assert "alice:$argon2id$" in text and "a long enough secret" not in text
    assert oct(users.config.users_file.stat().st_mode & 0o777) == "0o600"
    assert users.verify("alice", "a long enough secret")
    assert not users.verify("alice", "a long enough secreT") and not users.verify("bob", "a long enough secret")
    assert cli("users")[1] == "alice\n"
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    code, _, err = cli("add-user", "bob", "--password-stdin")
    assert code == 1 and "at least 10" in err
    assert cli("remove-user", "alice")[0] == 0 and cli("users")[1] == ""


def test_accounts_from_the_environment_are_used_and_not_written(env, monkeypatch):
    line = Users(settings()).add("carol", "carols secret pass")
    Users(settings()).remove("carol")
    monkeypatch.setenv("RECEPTION_USERS", f"{line}\nnot-a-valid-entry")
    users = Users(settings())
    assert users.names() == ["carol"] and users.verify("carol", "carols secret pass")
    monkeypatch.setattr("sys.stdin", io.StringIO("another secret pass\n"))
    code, _, err = cli("add-user", "dave", "--password-stdin")
    assert code == 1 and "RECEPTION_USERS" in err and "dave:$argon2id$" in err
    assert parse("x:notahash y:$argon2id$abc") == {"y": "$argon2id$abc"}


def test_staff_delete_of_a_staff_entered_pre_screen_keeps_the_other_patients_of_that_desk(records, rasa):
    result = {**assess(OUTCOMES["routine"]), "skipped": [], "unsure": []}
    desk = [records.add(NewPrescreen(channel="socketio", sender_id="front-desk", assessment=result, consent={},
                                     engine_version="2.0", knowledge_version="2", staff_entered=True))
            for _ in range(2)]
    code, out, _ = cli("delete", desk[0].reference, "--yes")
    assert code == 0 and desk[0].reference in out and desk[1].reference not in out
    assert records.get(desk[0].reference) is None and records.get(desk[1].reference) is not None
