"""Scale-out on real PostgreSQL and Redis (`make test-scale`): two Rasa replicas on different
ports share the PostgreSQL conversation store and the Redis locks, with one action server.

20 simulated patients (harness/patients.py, played by bench's script) talk at once; each
conversation's turns alternate between the replicas, and every other turn while the
questions run is two messages sent at once, one to each replica (the answer and a question
about PHT, whose order does not change the outcome). After about 90 of the 160 turns one
replica is killed (SIGKILL, requests in flight): its conversations finish on the other. A
message cut off with its replica is looked up in the store and sent again only if it was not
stored, as a client retrying through a load balancer would.

Without a lock shared by the replicas, or with Rasa 3.6's own Redis lock store, this test
fails (messages answered but not stored; a message queued behind the dead replica dropped).

Then, from the database itself: every conversation reached its expected urgency; each message
was stored exactly once, whole turns one after another (never two at once), in order, with
timestamps that never go back; each turn holds the bot messages its sender received; no
conversation lock is left held. About a minute (servers ready in 15-30 s), bounded.
"""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Set

import aiohttp
import pytest
import sqlalchemy as sa

from bench.conversations import PatientScript
from harness.patients import patient_cases
from harness.servers import (
    ACTION_SERVER, MODEL, RASA_SERVER, REST_PREFIX, ROOT, START_TIMEOUT_SECONDS, dies_with_parent, free_port, http,
)
from services import REDIS_URL
from pht.domain import read_domain

pytestmark = pytest.mark.services

PATIENTS = 20
AT_ONCE_EVERY = 2  # every other turn while the questions run: two messages at once, one to each replica
QUESTIONS_ABOUT_PHT = ["should i try shockwave", "what is ESWT"]  # answered, then the question comes again
KILL_AFTER_TURNS = 90  # of about 160: most messages sent at once go to both replicas
TOKEN = "scale-test-token"
REST_TOKEN = "scale-test-rest-token"  # the REST channel's one trusted caller (channels/rest.py)
LOCK_LIFETIME_SECONDS = 10  # how long a dead replica's lock holds up its conversation (Rasa's default: 60)
RUN_TIMEOUT_SECONDS = 180
DOMAIN = read_domain()


def records_per_conversation(database_url: str) -> Dict[str, int]:
    """{conversation id: number of pre-screen records}, read through the records module."""
    from pht.records import Records

    records = Records(database_url, migrate=False)
    try:
        return dict(Counter(record.sender_id for record in records.list(limit=None)))
    finally:
        records.close()


@dataclass
class Sent:
    text: str
    turn: int  # messages sent at once share a turn
    replies: Optional[int]  # bot messages its sender got back; None: its replica died before answering


@dataclass
class Patient:
    index: int
    name: str
    expected_urgency: str
    script: PatientScript
    sent: List[Sent] = field(default_factory=list)
    replicas_before_kill: Set[int] = field(default_factory=set)
    turns_after_kill: int = 0
    outcome: Optional[Dict[str, Any]] = None

    @property
    def sender(self) -> str:
        return f"scale-{self.index}-{self.name}"


class Deployment:
    """The action server and two Rasa replicas, started the way the containers start them:
    `rasa_server.endpoints` writes the endpoints from `endpoints.yml` and the environment."""

    def __init__(self, workdir: Path, database_url: str, redis_prefix: str) -> None:
        self.workdir = workdir
        self.action_port = free_port()
        self.ports = [free_port(), free_port()]
        self.env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3",
                    "DATABASE_URL": database_url, "REDIS_URL": REDIS_URL, "REDIS_KEY_PREFIX": redis_prefix,
                    "ACTION_SERVER_URL": f"http://127.0.0.1:{self.action_port}/webhook",
                    "TICKET_LOCK_LIFETIME": str(LOCK_LIFETIME_SECONDS), "RABBITMQ_URL": "",
                    "REST_CHANNEL_TOKENS": f"scale:{REST_TOKEN}", "REST_CHANNEL_TOKEN": ""}
        self.actions: Optional[subprocess.Popen] = None
        self.replicas: List[subprocess.Popen] = []
        self.alive = [True, True]

    def url(self, replica: int) -> str:
        return f"http://127.0.0.1:{self.ports[replica]}"

    def start(self) -> "Deployment":
        endpoints = self.workdir / "endpoints.yml"
        subprocess.run([*RASA_SERVER[:2], "rasa_server.endpoints", str(endpoints)], cwd=ROOT, env=self.env,
                       check=True, capture_output=True)
        self.actions = self._spawn("actions", ACTION_SERVER + ["--actions", "actions", "--port", str(self.action_port)])
        self.replicas = [self._spawn(f"rasa-{replica}", RASA_SERVER + [
            "run", "--model", str(MODEL), "--port", str(port), "--enable-api", "--auth-token", TOKEN,
            "--endpoints", str(endpoints), "--credentials", "credentials.yml"]) for replica, port in enumerate(self.ports)]
        self._wait_until_ready()
        return self

    def _spawn(self, name: str, command: List[str]) -> subprocess.Popen:
        log = open(self.workdir / f"{name}.log", "ab")
        return subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, preexec_fn=dies_with_parent)

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        waiting = {"actions": f"http://127.0.0.1:{self.action_port}/health",
                   **{f"rasa-{r}": f"{self.url(r)}/status?token={TOKEN}" for r in range(2)}}
        while waiting and time.monotonic() < deadline:
            for process in [self.actions, *self.replicas]:
                if process.poll() is not None:
                    raise RuntimeError(f"a server exited while starting; see the logs in {self.workdir}")
            for name, url in list(waiting.items()):
                try:
                    status, body = http("GET", url, timeout=2)
                except OSError:
                    continue
                if status == 200 and (name == "actions" or body.get("model_file")):
                    del waiting[name]
            time.sleep(1)
        if waiting:
            raise RuntimeError(f"not ready after {START_TIMEOUT_SECONDS}s: {sorted(waiting)}; logs in {self.workdir}")

    def kill(self, replica: int) -> None:
        """No more messages to it, then SIGKILL: whatever it was doing is cut off."""
        self.alive[replica] = False
        self.replicas[replica].kill()

    def serving(self, preferred: int) -> int:
        return preferred if self.alive[preferred] else self.alive.index(True)

    def stop(self) -> None:
        for process in [*self.replicas, self.actions]:
            if process and process.poll() is None:
                process.terminate()
        for process in [*self.replicas, self.actions]:
            if process:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()


class Run:
    """Drives every patient at once and kills replica 1 after KILL_AFTER_TURNS turns."""

    def __init__(self, deployment: Deployment, patients: List[Patient]) -> None:
        self.deployment = deployment
        self.patients = patients
        self.turns_done = 0
        self.killed = asyncio.Event()

    async def main(self) -> None:
        timeout = aiohttp.ClientTimeout(total=90)
        async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=0)) as session:
            self.session = session
            await asyncio.gather(*(self.converse(patient) for patient in self.patients))

    async def send(self, replica: int, patient: Patient, text: str) -> Optional[int]:
        """The number of bot messages that came back; None when the replica died meanwhile."""
        url = f"{self.deployment.url(replica)}/webhooks/rest/webhook"
        try:
            async with self.session.post(url, json={"sender": patient.sender, "message": text},
                                         headers={"Authorization": f"Bearer {REST_TOKEN}"}) as response:
                replies = await response.json(content_type=None)
                assert response.status == 200 and isinstance(replies, list), (response.status, replies)
                return len(replies)
        except aiohttp.ClientError:
            if self.deployment.alive[replica]:
                raise
            return None

    async def tracker(self, replica: int, patient: Patient) -> Dict[str, Any]:
        """The conversation as a replica reads it from the store (the live one, if it died)."""
        url = f"{self.deployment.url(replica)}/conversations/{REST_PREFIX}{patient.sender}/tracker?token={TOKEN}"
        try:
            async with self.session.get(url) as response:
                assert response.status == 200, await response.text()
                return await response.json()
        except aiohttp.ClientError:
            if self.deployment.alive[replica]:
                raise
            return await self.tracker(self.deployment.serving(replica), patient)

    async def converse(self, patient: Patient) -> None:
        message, turn, questions_running = patient.script.first(), 0, False
        while True:
            preferred = (patient.index + turn) % 2
            texts = [message]
            if questions_running and turn % AT_ONCE_EVERY == AT_ONCE_EVERY - 1:
                texts.append(QUESTIONS_ABOUT_PHT[turn // AT_ONCE_EVERY % 2])
            replicas = [self.deployment.serving(preferred), self.deployment.serving(1 - preferred)][: len(texts)]
            killed_before = self.killed.is_set()
            results = await asyncio.gather(*(self.send(r, patient, t) for r, t in zip(replicas, texts)))
            for replica, text, replies in zip(replicas, texts, results):
                if not killed_before:
                    patient.replicas_before_kill.add(replica)
                if replies is not None:
                    patient.sent.append(Sent(text, turn, replies))
            for text in [t for t, replies in zip(texts, results) if replies is None]:
                await self.cut_off(patient, text, turn)
            patient.turns_after_kill += killed_before
            self.turn_done()
            # the next turn's replica reads what this one stored
            tracker = await self.tracker(self.deployment.serving(1 - preferred), patient)
            if tracker["slots"].get("assessment"):
                patient.outcome = tracker["slots"]["assessment"]
                return
            questions_running = bool(tracker["slots"].get("requested_slot"))
            message = patient.script.next([{"text": text} for text in latest_bot_texts(tracker["events"])])
            assert message is not None, f"{patient.sender}: no question and no outcome after turn {turn}"
            turn += 1

    async def cut_off(self, patient: Patient, text: str, turn: int) -> None:
        """A message whose replica died under it: stored whole or not at all. If stored, it
        counts as sent; if not, it goes to the live replica, as a load balancer would retry.
        Two messages of one turn go to the two replicas at once, so the one cut off may be
        stored before the other ("should i try shockwave", then "no"): the one stored beyond
        what was sent is the message, wherever it is."""
        live = self.deployment.serving(0)
        stored = user_texts((await self.tracker(live, patient))["events"])
        extra = Counter(stored) - Counter(sent.text for sent in patient.sent)
        if len(stored) == len(patient.sent) + 1 and extra == Counter([text]):
            patient.sent.append(Sent(text, turn, None))
            return
        assert len(stored) == len(patient.sent), f"{patient.sender}: {stored} after sending {patient.sent}"
        replies = await self.send(live, patient, text)
        patient.sent.append(Sent(text, turn, replies))

    def turn_done(self) -> None:
        self.turns_done += 1
        if self.turns_done == KILL_AFTER_TURNS:
            self.deployment.kill(1)
            self.killed.set()


def user_texts(events: List[Dict[str, Any]]) -> List[str]:
    return [event.get("text") for event in events if event["event"] == "user"]


def latest_bot_texts(events: List[Dict[str, Any]]) -> List[str]:
    """What the bot said after the last message it handled."""
    last_user = max(i for i, event in enumerate(events) if event["event"] == "user")
    return [event.get("text") or "" for event in events[last_user:] if event["event"] == "bot"]


def stored_events(database_url: str, sender: str) -> List[Dict[str, Any]]:
    """The conversation as the replicas stored it, in the order they appended it."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT type_name, timestamp, data FROM events WHERE sender_id = :sender "
                                              "ORDER BY id"), {"sender": sender}).fetchall()
    finally:
        engine.dispose()
    return [{**json.loads(data), "type_name": type_name, "stored_timestamp": timestamp} for type_name, timestamp, data in rows]


def rest_messages(bot: Dict[str, Any]) -> int:
    """How many REST messages one stored bot utterance made (Rasa's CollectingOutputChannel
    splits a text without buttons at blank lines; an image or custom payload is one more)."""
    data = bot.get("data") or {}
    if data.get("buttons") or data.get("quick_replies"):
        count = 1
    else:
        count = len(bot["text"].strip().split("\n\n")) if bot.get("text") else 0
    return count + sum(bool(data.get(key)) for key in ("custom", "image", "attachment", "elements"))


def turn_problems(patient: Patient, events: List[Dict[str, Any]]) -> List[str]:
    """What is wrong with a stored conversation, compared with what its sender sent and received."""
    problems = []
    users = [i for i, event in enumerate(events) if event["event"] == "user"]
    stored = [events[i]["text"] for i in users]
    if Counter(stored) != Counter(sent.text for sent in patient.sent) or len(stored) != len(patient.sent):
        problems.append(f"messages stored {stored}, sent {[sent.text for sent in patient.sent]}")
        return problems
    position = 0
    for turn in sorted({sent.turn for sent in patient.sent}):
        group = [sent for sent in patient.sent if sent.turn == turn]
        handled = stored[position: position + len(group)]  # messages sent at once: in either order
        if Counter(handled) != Counter(sent.text for sent in group):
            problems.append(f"turn {turn}: stored {handled}, sent {[sent.text for sent in group]}")
            break
        for offset, text in enumerate(handled):
            sent = next(sent for sent in group if sent.text == text)
            start = users[position + offset]
            end = users[position + offset + 1] if position + offset + 1 < len(users) else len(events)
            delivered = sum(rest_messages(event) for event in events[start:end] if event["event"] == "bot")
            if sent.replies is not None and delivered != sent.replies:
                problems.append(f"'{text}': {delivered} bot messages stored, {sent.replies} received")
        position += len(group)
    for index in users:  # each message handled whole, after the one before it
        before = events[index - 1] if index else {}
        if before.get("event") != "action" or before.get("name") != "action_listen":
            problems.append(f"'{events[index]['text']}' stored in the middle of another turn (after {before.get('event')})")
    timestamps = [event["stored_timestamp"] for event in events]
    if timestamps != sorted(timestamps):
        problems.append("timestamps go back")
    return problems


def test_two_replicas_share_conversations_and_one_can_die(tmp_path, database, redis_prefix):
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` (make test-scale does it for you)")
    cases = patient_cases()[1::3][:PATIENTS]
    assert len(cases) == PATIENTS
    patients = [Patient(index, name, urgency, PatientScript(truth, seed=100 + index, domain=DOMAIN))
                for index, (name, truth, urgency) in enumerate(cases)]
    deployment = Deployment(tmp_path, database.url, redis_prefix)
    started = time.monotonic()
    try:
        deployment.start()
        ready = time.monotonic()
        run = Run(deployment, patients)
        asyncio.run(asyncio.wait_for(run.main(), RUN_TIMEOUT_SECONDS))
        finished = time.monotonic()
    finally:
        deployment.stop()
    print(f"\nscale test: servers ready in {ready - started:.0f} s, {run.turns_done} turns in {finished - ready:.0f} s")

    assert not deployment.alive[1] and deployment.replicas[1].returncode == -9, "replica 1 was never killed"
    outcomes = {p.sender: (p.outcome or {}).get("urgency") for p in patients}
    assert outcomes == {p.sender: p.expected_urgency for p in patients}
    at_once = sum(len({sent.turn for sent in p.sent}) < len(p.sent) for p in patients)
    assert at_once >= PATIENTS // 2, "too few conversations had messages sent to both replicas at once"
    moved = [p.sender for p in patients if 1 in p.replicas_before_kill and p.turns_after_kill]
    assert len(moved) >= PATIENTS // 2, f"only {moved} were served by the killed replica and finished on the other"

    problems = {p.sender: turn_problems(p, stored_events(database.url, REST_PREFIX + p.sender)) for p in patients}
    assert {sender: found for sender, found in problems.items() if found} == {}

    import redis
    client = redis.Redis.from_url(REDIS_URL)
    held = [key for key in client.scan_iter(f"{redis_prefix}:lock:*")
            if any(ticket["expires"] > time.time() for ticket in _tickets(client.get(key)))]
    assert held == [], "conversation locks left held"

    assert records_per_conversation(database.url) == {REST_PREFIX + p.sender: 1 for p in patients}  # one record per pre-screen


def _tickets(stored: Optional[bytes]) -> List[Dict[str, float]]:
    return [json.loads(ticket) for ticket in json.loads(stored or b"{}").get("tickets", [])]
