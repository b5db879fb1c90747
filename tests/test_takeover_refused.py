"""Taking over when it cannot work, on the reception page with the Rasa server's HTTP API faked:
the Rasa server refuses or cannot be reached after the database claim was made (the claim is
released: the conversation is not shown as held while the assistant goes on), and a conversation
on the REST channel, which can bring the person nothing they did not ask for (refused, saying
why). And what the page asks of the Rasa server: one call that pauses and says who joined, and
staff messages as `bot` events that name their writer (no deprecated `execute`)."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from harness.servers import free_port
from pht.reception.users import Users
from pht.records import Records, settings
from test_reception_web import PASSWORD, Client, serve_reception
from web.reception.app import create_app

TOKEN = "fake-rasa-token"


class FakeRasaApi(BaseHTTPRequestHandler):
    """The Rasa server's conversation routes: a tracker whose person wrote on `channels[id]`;
    appended events are kept, or refused with `refuse` (an HTTP status; -1: the connection is
    dropped without an answer, as by a server that went away)."""

    channels: Dict[str, str] = {}
    appended: List[Dict[str, Any]] = []
    refuse: int = 0

    def _reply(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _conversation(self) -> str:
        return unquote(urlsplit(self.path).path.split("/")[2])

    def do_GET(self) -> None:  # noqa: N802
        conversation = self._conversation()
        events = [{"event": "user", "text": "can I talk to a person", "timestamp": 1,
                   "input_channel": self.channels[conversation]}] if conversation in self.channels else []
        self._reply(200, {"sender_id": conversation, "events": events, "slots": {}, "paused": False})

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if FakeRasaApi.refuse < 0:
            return  # no answer: the connection closes
        if FakeRasaApi.refuse:
            self._reply(FakeRasaApi.refuse, {"message": "refused"})
            return
        url = urlsplit(self.path)
        FakeRasaApi.appended.append({"route": url.path.split("/", 3)[3], "query": parse_qs(url.query), "body": body})
        self._reply(200, {})

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    folder = tmp_path_factory.mktemp("takeover")
    rasa = ThreadingHTTPServer(("127.0.0.1", free_port()), FakeRasaApi)
    threading.Thread(target=rasa.serve_forever, daemon=True).start()
    config = settings({"PHT_VAR_DIR": str(folder), "DATABASE_URL": f"sqlite:///{folder / 'records.db'}",
                       "RASA_URL": f"http://127.0.0.1:{rasa.server_address[1]}", "RASA_AUTH_TOKEN": TOKEN})
    Users(config).add("alice.smith", PASSWORD)
    Users(config).add("bob", PASSWORD)
    records = Records(config=config)
    port, server, thread = serve_reception(create_app(config, records))
    yield {"url": f"http://127.0.0.1:{port}", "records": records, "rasa": rasa}
    server.should_exit = True
    thread.join(timeout=10)
    rasa.shutdown()


@pytest.fixture(autouse=True)
def fresh_rasa():
    FakeRasaApi.appended.clear()
    FakeRasaApi.refuse = 0
    yield


def staff(page, name: str) -> Client:
    client = Client(page["url"])
    assert client.login(name)[0] == 303
    return client


def act(client: Client, conversation: str, action: str, **form: str) -> str:
    path = f"/conversations/{conversation}"
    status, headers, _ = client.request(f"{path}/{action}", {"csrf_token": client.csrf(path), **form})
    assert status == 303
    return headers["location"]


def test_when_the_rasa_server_refuses_the_take_over_the_request_waits_again_for_anyone(page):
    FakeRasaApi.channels["tg:refused"] = "telegram"
    page["records"].handovers.request("tg:refused", "telegram")
    alice = staff(page, "alice.smith")
    FakeRasaApi.refuse = 500
    location = act(alice, "tg:refused", "take")
    assert "message=unreachable" in location
    waiting = page["records"].handovers.open_of("tg:refused")
    assert (waiting.state, waiting.taken_by) == ("waiting", None)  # not shown as held by Alice
    FakeRasaApi.refuse = 0
    _, _, html = alice.request(location)
    assert "cannot be reached" in html and ">Take over</button>" in html
    assert "message" not in act(staff(page, "bob"), "tg:refused", "take")  # anyone can take it now
    assert page["records"].handovers.open_of("tg:refused").taken_by == "bob"


def test_when_the_rasa_server_cannot_be_reached_a_take_over_nobody_asked_for_leaves_nothing(page):
    FakeRasaApi.channels["tg:unreachable"] = "telegram"
    FakeRasaApi.refuse = -1  # the tracker is read, then the server is gone
    assert "message=unreachable" in act(staff(page, "alice.smith"), "tg:unreachable", "take")
    assert page["records"].handovers.of_sender("tg:unreachable") == []


def test_taken_over_from_a_colleague_it_stays_theirs_when_the_rasa_server_refuses(page):
    FakeRasaApi.channels["tg:colleague"] = "telegram"
    page["records"].handovers.take("tg:colleague", "telegram", "alice.smith")
    FakeRasaApi.refuse = 503
    assert "message=unreachable" in act(staff(page, "bob"), "tg:colleague", "take", **{"from": "alice.smith"})
    assert page["records"].handovers.open_of("tg:colleague").taken_by == "alice.smith"


def test_a_conversation_on_the_rest_channel_cannot_be_taken_over_and_the_page_says_why(page):
    FakeRasaApi.channels["rest:caller-1"] = "rest"
    alice = staff(page, "alice.smith")
    _, _, html = alice.request("/conversations/rest:caller-1")
    assert ">Take over</button>" not in html and "REST channel" in html and "cannot be taken over" in html
    location = act(alice, "rest:caller-1", "take")  # a form sent anyway
    assert "message=cannot_reach" in location
    assert page["records"].handovers.of_sender("rest:caller-1") == [] and FakeRasaApi.appended == []
    _, _, html = alice.request(location)
    assert "what you write would reach nobody" in html


def test_taking_over_is_one_call_that_pauses_and_says_who_joined_and_messages_name_their_writer(page):
    FakeRasaApi.channels["web:abc"] = "socketio"
    alice = staff(page, "alice.smith")
    act(alice, "web:abc", "take")
    act(alice, "web:abc", "reply", message="Hello, how can I help?")
    routes = [call["route"] for call in FakeRasaApi.appended]
    assert routes == ["tracker/events", "tracker/events"]  # never the deprecated `execute`
    taking, writing = FakeRasaApi.appended
    for call in (taking, writing):
        assert call["query"]["output_channel"] == ["latest"] and call["query"]["execute_side_effects"] == ["true"]
    assert [event["event"] for event in taking["body"]] == ["pause", "slot", "bot"]
    assert taking["body"][2]["text"] == "Alice from the clinic has joined this chat. You're talking to a person now."
    [message] = writing["body"]
    assert message["text"] == "Alice: Hello, how can I help?"
    assert message["metadata"] == {"utter_action": "utter_staff_message", "staff_name": "Alice",
                                   "staff_text": "Hello, how can I help?"}


def test_a_staff_member_whose_conversation_was_handed_back_automatically_is_told_so_when_they_write(page):
    import datetime as dt

    FakeRasaApi.channels["tg:left"] = "telegram"
    alice = staff(page, "alice.smith")
    act(alice, "tg:left", "take")
    handovers = page["records"].handovers
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=30)
    [silent] = [item for item in handovers.silent(later - dt.timedelta(minutes=20)) if item.sender_id == "tg:left"]
    assert handovers.hand_back_silent(silent, later - dt.timedelta(minutes=20), later)  # as the worker does
    sent = len(FakeRasaApi.appended)
    location = act(alice, "tg:left", "reply", message="Sorry, I'm back!")
    assert "message=taken" in location and len(FakeRasaApi.appended) == sent  # nothing reached the person
    _, _, html = alice.request(location)
    assert "You no longer hold this conversation" in html and "automatically, after 20 minutes" in html
    assert "handed back to the assistant automatically: nothing from alice.smith for 20 minutes" in html
