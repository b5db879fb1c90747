"""Reception takes over across replicas (`make test-scale`): two Rasa servers and two reception
pages, each in a process of its own, on one PostgreSQL database and one Redis. A person on
Telegram (its local fake) writes to one Rasa replica and then the other; staff sign in on one
reception page and carry on from the other (the session is in Redis); the take-over claim holds
across them; the live lists of one page hear, through Redis pub/sub, what the other did; the
staff's messages reach the person through whichever Rasa replica the page talks to."""
from __future__ import annotations

import subprocess
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any, Dict, List

import pytest

from channels import credentials
from harness.fake_platforms import FakePlatforms
from harness.platforms import SECRETS, WEBHOOKS
from harness.servers import ACTION_SERVER, MODEL, RASA_SERVER, ROOT, http
from pht.domain import read_domain
from pht.reception.users import Users
from pht.records import Records, settings
from pht.records.live import Changes
from reception_process import START, FileClock, ReceptionProcess
from services import REDIS_URL
from test_channels_e2e import post, sent_text
from test_reception_web import PASSWORD, Client
from test_scale import TOKEN, Deployment

pytestmark = pytest.mark.services
RESPONSES = read_domain()["responses"]
PERSON = "990001"
CONVERSATION = f"tg:{PERSON}"


class TelegramDeployment(Deployment):
    """test_scale's two Rasa replicas and action server, with Telegram on its local fake."""

    def __init__(self, workdir: Path, database_url: str, redis_prefix: str, fakes: FakePlatforms) -> None:
        super().__init__(workdir, database_url, redis_prefix)
        self.platform_env = {**SECRETS, "TELEGRAM_API_URL": fakes.url,
                             "TELEGRAM_WEBHOOK_URL": f"{self.url(0)}/webhooks/telegram/webhook"}
        self.env.update({**self.platform_env, "CLINIC_OPENING_HOURS": "Mon-Sun 00:00-24:00"})

    def start(self) -> "TelegramDeployment":
        endpoints, channels = self.workdir / "endpoints.yml", self.workdir / "credentials.yml"
        subprocess.run([*RASA_SERVER[:2], "rasa_server.endpoints", str(endpoints)], cwd=ROOT, env=self.env,
                       check=True, capture_output=True)
        credentials.write(channels, self.platform_env)
        self.actions = self._spawn("actions", ACTION_SERVER + ["--actions", "actions", "--port", str(self.action_port)])
        self.replicas = [self._spawn(f"rasa-{replica}", RASA_SERVER + [
            "run", "--model", str(MODEL), "--port", str(port), "--enable-api", "--auth-token", TOKEN,
            "--endpoints", str(endpoints), "--credentials", str(channels)]) for replica, port in enumerate(self.ports)]
        self._wait_until_ready()
        return self


@pytest.fixture(scope="module")
def clinic(tmp_path_factory, module_database, module_redis_prefix):
    """The deployment, its reception pages and staff, shared by this file's tests: each tells
    a conversation of its own (Telegram's, then the widget's), so they start it once."""
    tmp_path, database, redis_prefix = tmp_path_factory.mktemp("clinic"), module_database, module_redis_prefix
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train`")
    fakes = FakePlatforms()
    deployment = TelegramDeployment(tmp_path, database.url, redis_prefix, fakes).start()
    shared = {"PHT_VAR_DIR": str(tmp_path), "DATABASE_URL": database.url, "REDIS_URL": REDIS_URL,
              "REDIS_KEY_PREFIX": redis_prefix, "RASA_AUTH_TOKEN": TOKEN}
    config = settings(shared)
    Users(config).add("alice", PASSWORD)
    Users(config).add("bob", PASSWORD)
    config.secret_key()
    records = Records(config=config)
    clock = FileClock(tmp_path / "clock")
    clock.set(START)
    pages = [ReceptionProcess({**shared, "RASA_URL": deployment.url(replica)}, clock,
                              tmp_path / f"reception-{replica}.log").start() for replica in (0, 1)]
    yield {"deployment": deployment, "fakes": fakes, "pages": pages, "records": records, "prefix": redis_prefix}
    for page in pages:
        page.stop()
    deployment.stop()
    records.close()
    fakes.stop()


def tracker(clinic, replica: int) -> Dict[str, Any]:
    status, body = http("GET", f"{clinic['deployment'].url(replica)}/conversations/{CONVERSATION}/tracker?token={TOKEN}")
    assert status == 200
    return body


def write(clinic, replica: int, text: str, answered: bool = True) -> List[str]:
    """The person writes through `replica`; the texts Telegram's fake was asked to send since."""
    mark = clinic["fakes"].mark()
    seen = len(tracker(clinic, replica)["events"])
    body, headers = WEBHOOKS["telegram"](clinic["deployment"].platform_env, PERSON, text)
    assert post(f"{clinic['deployment'].url(replica)}/webhooks/telegram/webhook", body, headers) in (200, 204)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        events = tracker(clinic, replica)["events"][seen:]
        if any(event["event"] == "user" for event in events) and (
                not answered or (events[-1]["event"] == "action" and events[-1]["name"] == "action_listen")):
            break
        time.sleep(0.2)
    if answered:
        clinic["fakes"].wait_for(lambda: texts(clinic, mark), timeout=30)
    return texts(clinic, mark)


def texts(clinic, mark: int) -> List[str]:
    return [sent_text(call) for call in clinic["fakes"].since(mark, "telegram") if sent_text(call)]


def act(client: Client, action: str, **form: str) -> str:
    path = f"/conversations/{urllib.parse.quote(CONVERSATION)}"
    token = client.csrf(path)
    status, headers, _ = client.request(f"{path}/{action}", {"csrf_token": token, **form})
    assert status == 303
    return headers["location"]


def test_a_change_published_in_one_process_is_heard_in_another_through_redis(redis_prefix):
    import asyncio

    async def heard() -> float:
        listening = Changes(REDIS_URL, redis_prefix).subscribe()  # another process's: it never published
        try:
            assert await listening.wait(0.5) is False  # subscribed, nothing yet
            threading.Timer(0.3, Changes(REDIS_URL, redis_prefix).publish).start()
            started = time.monotonic()
            assert await listening.wait(10) is True
            return time.monotonic() - started
        finally:
            await listening.close()

    assert asyncio.run(heard()) < 5  # heard, not waited out


def test_take_over_reply_and_hand_back_across_two_rasa_replicas_and_two_reception_pages(clinic):
    write(clinic, 0, "hi")
    write(clinic, 0, "yes")
    said = write(clinic, 0, "can I talk to someone please")
    assert any(text.startswith("I've asked for a person") for text in said)
    asked = tracker(clinic, 0)["slots"]["requested_slot"]

    first, second = (Client(page.url) for page in clinic["pages"])
    first.login("alice")
    second.cookies, second.opener = first.cookies, first.opener  # the same browser, sent to the other replica
    bob = Client(clinic["pages"][1].url)
    bob.login("bob")
    _, _, listing = second.request("/")
    assert f"/conversations/{urllib.parse.quote(CONVERSATION)}" in listing

    heard: List[str] = []
    stream = threading.Thread(target=lambda: heard.extend(sse_lines(bob, "/conversations/events", 20)), daemon=True)
    stream.start()
    time.sleep(1.5)  # the stream has sent what the lists show now
    mark = clinic["fakes"].mark()
    act(first, "take")  # on page 0, through Rasa replica 0
    clinic["fakes"].wait_for(lambda: texts(clinic, mark), timeout=30)
    assert texts(clinic, mark) == ["Alice from the clinic has joined this chat. You're talking to a person now."]
    assert "message=taken" in act(bob, "take")  # on page 1: the claim is the database's
    stream.join(timeout=25)
    assert "event: changed" in heard  # page 1's live list heard page 0's take-over

    assert write(clinic, 1, "is 3pm possible?", answered=False) == []  # replica 1 sees it paused too
    mark = clinic["fakes"].mark()
    act(second, "reply", message="Yes, 3pm is booked.")  # on page 1, through Rasa replica 1
    clinic["fakes"].wait_for(lambda: texts(clinic, mark), timeout=30)
    assert texts(clinic, mark) == ["Alice: Yes, 3pm is booked."]

    mark = clinic["fakes"].mark()
    act(first, "hand-back")
    clinic["fakes"].wait_for(lambda: len(texts(clinic, mark)) >= 3, timeout=30)
    assert texts(clinic, mark)[:2] == ["Alice has handed you back to the assistant.",
                                       RESPONSES["utter_handed_back_carry_on"][0]["text"]]
    current = tracker(clinic, 1)
    assert current["paused"] is False and current["slots"]["requested_slot"] == asked
    [handover] = clinic["records"].handovers.of_sender(CONVERSATION)
    assert handover.state == "handed_back" and [message.text for message in handover.messages] == [
        "Yes, 3pm is booked."]


def sse_lines(client: Client, path: str, seconds: float) -> List[str]:
    """The lines of a server-sent event stream for `seconds` (the signed-in client's cookies)."""
    import urllib.request

    lines: List[str] = []
    request = urllib.request.Request(client.base + path)
    deadline = time.monotonic() + seconds
    try:
        with client.opener.open(request, timeout=seconds) as stream:
            while time.monotonic() < deadline:
                line = stream.readline().decode().strip()
                if line:
                    lines.append(line)
                if line == "event: changed":
                    break
    except OSError:
        pass
    return lines


WIDGET_ORIGIN = "http://localhost:8080"  # one of the widget's default allowed origins


def test_a_widget_on_one_rasa_replica_gets_what_staff_send_through_the_other(clinic):
    import asyncio

    import socketio

    async def scenario() -> List[Dict[str, Any]]:
        said: List[Dict[str, Any]] = []
        confirmed: Dict[str, str] = {}
        widget = socketio.AsyncClient(reconnection=False)
        widget.on("session_confirm", lambda session_id: confirmed.update(id=session_id))
        widget.on("bot_uttered", lambda message: said.append(message))
        await widget.connect(clinic["deployment"].url(0), headers={"Origin": WIDGET_ORIGIN}, transports=["polling"])
        await widget.emit("session_request", {"session_id": None})

        async def until(condition, seconds: float = 60) -> None:
            deadline = time.monotonic() + seconds
            while not condition():
                assert time.monotonic() < deadline, [message.get("text") for message in said]
                await asyncio.sleep(0.1)

        await until(lambda: "id" in confirmed)
        conversation = "web:" + confirmed["id"].split(".")[0]
        for text in ("/greet", "yes", "can I talk to a person please"):
            before = len(said)
            await widget.emit("user_uttered", {"message": text, "session_id": confirmed["id"]})
            await until(lambda: any("quick_replies" in message for message in said[before:]) or
                        any("asked for a person" in message.get("text", "") for message in said[before:]))
        await until(lambda: any("quick_replies" in message for message in said[-2:]))

        staff = Client(clinic["pages"][1].url)  # reception page 1 talks to Rasa replica 1 only
        staff.login("alice")
        path = f"/conversations/{urllib.parse.quote(conversation)}"
        for action, form in (("take", {}), ("reply", {"message": "Hello from reception."}), ("hand-back", {})):
            status, _, _ = await asyncio.to_thread(staff.request, f"{path}/{action}",
                                                   {"csrf_token": await asyncio.to_thread(staff.csrf, path), **form})
            assert status == 303
        await until(lambda: any("carry on with the questions" in message.get("text", "") for message in said))
        await widget.disconnect()
        return said

    said = asyncio.run(scenario())
    texts_seen = [message.get("text", "") for message in said]
    # the widget labels it with who wrote it, whichever replica sent it
    assert {"name": "Alice", "text": "Hello from reception."} in [message.get("staff") for message in said]
    assert "Alice from the clinic has joined this chat. You're talking to a person now." in texts_seen
    assert "Alice: Hello from reception." in texts_seen
    assert "Alice has handed you back to the assistant." in texts_seen
