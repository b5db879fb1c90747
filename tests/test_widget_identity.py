"""The widget's socket.io channel against the Rasa server as `make run` and the containers start
it (scripts/serve.sh), talked to with python-socketio's own client, as a page would (issue 18).

A socket speaks only into the session the server confirmed for it: someone else's session id
in `user_uttered` reaches nothing of theirs; a session id the server did not issue gets a new
session; an oversized packet is refused. A null message and rasa-webchat's default opening
(`/get_started`) get the welcome, never an error. socket.io's long-polling answers carry one
Access-Control-Allow-Origin header (two made browsers refuse rasa-webchat), and the server
listens on this machine only.
"""
from __future__ import annotations

import asyncio
import http.client
import socket
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterator, List, Optional

import pytest
import socketio

from harness.servers import MODEL, Assistant

pytestmark = pytest.mark.e2e

ORIGIN = "https://clinic.example"
WAIT_SECONDS = 120  # a turn on a busy 2-core machine; a wait, not an assertion about speed
WELCOME = "hamstring pain pre-screen"
ERRORS = ("something went wrong", "didn't understand", "didn't quite get")


class ServedAssistant(Assistant):
    """The Rasa server started by scripts/serve.sh (make run, the containers), its state in the work folder."""

    def rasa_command(self) -> List[str]:
        return ["bash", "scripts/serve.sh", "rasa"]


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[Assistant]:
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` (make test does it for you)")
    workdir = tmp_path_factory.mktemp("widget-identity")
    assistant = ServedAssistant(workdir)
    assistant.env = {"RASA_PORT": str(assistant.rasa_port), "MODEL": str(MODEL), "CHAT_ALLOWED_ORIGINS": ORIGIN,
                     "ACTION_SERVER_URL": f"http://127.0.0.1:{assistant.action_port}/webhook",
                     "DATABASE_URL": f"sqlite:///{workdir / 'conversations.db'}"}
    with assistant:
        yield assistant


@dataclass
class Page:
    """One browser tab's socket: the session the server confirmed, and everything it was sent."""

    url: str
    client: socketio.AsyncClient = field(default_factory=lambda: socketio.AsyncClient(reconnection=False))
    session_id: Optional[str] = None
    history: Optional[List[Dict[str, Any]]] = None
    said: List[Dict[str, Any]] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def open(self, session_id: Any = None) -> "Page":
        def confirmed(session_id: str) -> None:
            self.session_id = session_id

        def history(messages: List[Dict[str, Any]]) -> None:
            self.history = messages
            self.arrived.set()

        def bot_uttered(message: Dict[str, Any]) -> None:
            self.said.append(message)
            self.arrived.set()

        self.client.on("session_confirm", confirmed)
        self.client.on("session_history", history)
        self.client.on("bot_uttered", bot_uttered)
        # long-polling: what a browser falls back to (this aiohttp is too old for the client's websocket)
        await self.client.connect(self.url, headers={"Origin": ORIGIN}, transports=["polling"])
        await self.client.emit("session_request", {"session_id": session_id})
        await self.until(lambda: self.history is not None)
        return self

    async def send(self, message: Any, session_id: Any = "own") -> None:
        await self.client.emit("user_uttered", {"message": message,
                                                "session_id": self.session_id if session_id == "own" else session_id})

    async def until(self, condition: Callable[[], bool]) -> None:
        """Wait for what the server sends until `condition` holds."""
        async def wait() -> None:
            while not condition():
                self.arrived.clear()
                await self.arrived.wait()
        await asyncio.wait_for(wait(), WAIT_SECONDS)

    async def answered(self, count: int = 1) -> None:
        """Wait for the `count`-th turn's end: a message with answer buttons."""
        await self.until(lambda: sum("quick_replies" in message for message in self.said) >= count)

    def texts(self) -> str:
        return "\n".join(message.get("text", "") for message in self.said)

    async def close(self) -> None:
        """Leave as a closed tab does: engine.io's goodbye, without waiting for the long poll in
        flight to come back (the server holds it for its ping interval, 25 s)."""
        await self.client.eio.disconnect(abort=True)


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


def user_texts(assistant: Assistant, sender_id: str) -> List[str]:
    return [event.get("text") for event in assistant.conversation(sender_id)["events"] if event["event"] == "user"]


def conversation(session_id: str) -> str:
    """The conversation of an issued session id: `web:` + its random part (never its signature)."""
    return "web:" + session_id.split(".")[0]


def test_a_second_socket_with_someone_elses_session_id_gets_nothing_of_theirs_and_changes_nothing(served):
    async def scenario() -> Dict[str, Any]:
        mine = await Page(served.url).open()
        await mine.send("/greet")
        await mine.answered()
        intruder = await Page(served.url).open()
        await intruder.send("yes", session_id=mine.session_id)  # "Shall we start?" in my conversation
        await intruder.send("/greet")  # then its own: once answered, the other message was handled long ago
        await intruder.answered()
        again = await Page(served.url).open(mine.session_id)  # my page, reloaded
        result = {"mine": mine.texts(), "intruder": intruder.texts(), "history": again.history,
                  "session": mine.session_id, "intruder_session": intruder.session_id}
        for page in (mine, intruder, again):
            await page.close()
        return result

    result = run(scenario())
    assert result["intruder_session"] != result["session"]
    assert "Where" not in result["mine"] and "Where" not in result["intruder"]  # the first question: nobody got it
    assert [message["text"] for message in result["history"] if message["sender"] == "user"] == []
    assert user_texts(served, conversation(result["session"])) == ["/greet"]


def test_a_session_id_the_server_did_not_issue_gets_a_new_session(served):
    async def scenario() -> List[Optional[str]]:
        issued = []
        for invented in ("0" * 32, "0" * 32 + "." + "0" * 32, "rest:someone", 42):
            page = await Page(served.url).open(invented)
            issued.append(page.session_id)
            assert page.history == []
            await page.close()
        return issued

    issued = run(scenario())
    assert "0" * 32 not in issued and "rest:someone" not in issued
    assert len(set(issued)) == 4


def test_a_500_kb_session_id_is_refused(served):
    packet = '42["session_request",{"session_id":"' + "a" * 500_000 + '"}]'  # engine.io message, socket.io event
    status, _ = polling(served, body=packet)
    assert status == 413  # refused before it is read, let alone stored

    async def scenario() -> Page:  # and the same request of 60 KB, under the limit, gets a session of its own
        return await Page(served.url).open("a" * 60_000)

    page = run(scenario())
    assert page.session_id and len(page.session_id) < 100


def test_a_null_message_or_rasa_webchats_opening_gets_the_welcome_and_never_an_error(served):
    async def scenario() -> Dict[str, str]:
        said = {}
        for opening in (None, "/get_started"):
            page = await Page(served.url).open()
            await page.send(opening)
            await page.answered()
            await page.send(None)  # later: nothing to answer
            await page.send(42)
            await page.send("yes")
            await page.answered(2)
            said[str(opening)] = page.texts()
            said[f"{opening} user"] = user_texts(served, conversation(page.session_id))
            await page.close()
        return said

    said = run(scenario())
    for opening in ("None", "/get_started"):
        assert WELCOME in said[opening]
        assert not any(error in said[opening] for error in ERRORS), said[opening]
        assert said[f"{opening} user"] == ["/greet", "yes"]


def polling(served: Assistant, body: Optional[str] = None) -> tuple:
    """A socket.io long-polling handshake from the allowed origin (and a POST of `body` on it):
    (status, the answer's Access-Control-Allow-Origin headers)."""
    host, port = "127.0.0.1", served.rasa_port
    connection = http.client.HTTPConnection(host, port, timeout=60)
    connection.request("GET", "/socket.io/?EIO=4&transport=polling", headers={"Origin": ORIGIN})
    answer = connection.getresponse()
    handshake = answer.read().decode()
    status, headers = answer.status, answer.headers.get_all("Access-Control-Allow-Origin") or []
    if body is not None:
        sid = handshake.split('"sid":"', 1)[1].split('"', 1)[0]
        connection.request("POST", f"/socket.io/?EIO=4&transport=polling&sid={sid}", body=body.encode(),
                           headers={"Origin": ORIGIN, "Content-Type": "text/plain;charset=UTF-8"})
        answer = connection.getresponse()
        answer.read()
        status, headers = answer.status, answer.headers.get_all("Access-Control-Allow-Origin") or []
    connection.close()
    return status, headers


def test_long_polling_answers_carry_one_allow_origin_header(served):
    status, headers = polling(served)
    assert status == 200 and headers == [ORIGIN]


def test_the_rasa_server_listens_on_this_machine_only(served):
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", served.rasa_port)) == 0
    with socket.socket() as sock:  # another loopback address: what 0.0.0.0 would also answer on
        assert sock.connect_ex(("127.0.0.2", served.rasa_port)) != 0
