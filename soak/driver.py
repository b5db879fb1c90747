"""Scripted patients over REST that survive the faults the soak injects, and the check that
each one's outcome is its own.

A patient (bench/conversations.py: it reads the question from the replies and answers it
from its own true findings) talks through a `Client` that treats a lost connection, a server
error or the assistant's "try again" as something to wait out, not as the end: it waits for
the server, then asks the conversation store (HTTP API, with the token) whether the message
arrived before the fault; if it did, the replies are read back from the stored conversation,
if not, the same message is sent again. So a message is never answered twice.

Each patient is played once alone first (`reference`), then again while many others talk at
once and faults are injected: its outcome (urgency, fit, differentials and every finding)
must be the same. A difference is cross-talk, an answer from somewhere else.
"""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

import aiohttp

from pht.domain import read_domain
from bench.conversations import PatientScript
from harness.patients import patient_cases
from harness.servers import REST_PREFIX  # the REST channel's conversations are "rest:" + sender

TURN_TIMEOUT = 60  # seconds for one request
RECOVERY_SECONDS = 240  # how long one message may wait for the servers to come back
DOMAIN = read_domain()
TRY_AGAIN = DOMAIN["responses"]["utter_try_again_later"][0]["text"]


@dataclass
class Tally:
    """What the clients saw."""

    server_errors: int = 0  # HTTP 5xx answers, but 503 ("unavailable, try again" while a database is down)
    faults_waited_out: int = 0  # messages that met a fault (no answer, 5xx, "try again") and went through later
    messages: int = 0
    failures: List[str] = field(default_factory=list)


class Client:
    """REST turns and tracker reads against one Rasa server, riding out its faults."""

    def __init__(self, session: aiohttp.ClientSession, url: str, token: str, tally: Tally, rest_token: str) -> None:
        self.session, self.url, self.token, self.tally = session, url, token, tally
        self.rest_headers = {"Authorization": f"Bearer {rest_token}"}  # the REST channel's trusted caller

    async def tracker(self, sender: str) -> Optional[Dict[str, Any]]:
        try:
            async with self.session.get(f"{self.url}/conversations/{REST_PREFIX}{sender}/tracker",
                                        params={"token": self.token}) as reply:
                if reply.status >= 500 and reply.status != 503:
                    self.tally.server_errors += 1
                return await reply.json() if reply.status == 200 else None
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
            return None

    async def say(self, sender: str, text: str, delivered: int) -> List[Dict[str, Any]]:
        """The replies to `text`, the conversation's message number `delivered + 1`."""
        self.tally.messages += 1
        deadline = time.monotonic() + RECOVERY_SECONDS
        met_a_fault = False
        while time.monotonic() < deadline:
            try:
                async with self.session.post(f"{self.url}/webhooks/rest/webhook", headers=self.rest_headers,
                                             json={"sender": sender, "message": text}) as reply:
                    status = reply.status
                    replies = await reply.json(content_type=None) if status == 200 else None
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
                status, replies = None, None
            if status is not None and status >= 500 and status != 503:
                self.tally.server_errors += 1
            if isinstance(replies, list) and not any(r.get("text") == TRY_AGAIN for r in replies):
                self.tally.faults_waited_out += met_a_fault
                return replies
            met_a_fault = True
            await asyncio.sleep(1)
            if status is None:  # no answer: did the message arrive before the server went?
                stored = await self._stored_replies(sender, text, delivered)
                if stored is not None:
                    self.tally.faults_waited_out += 1
                    return stored
        raise TimeoutError(f"{sender}: no answer to {text!r} within {RECOVERY_SECONDS} s")

    async def _stored_replies(self, sender: str, text: str, delivered: int) -> Optional[List[Dict[str, Any]]]:
        tracker = await self.tracker(sender)
        if tracker is None:
            return None
        events = tracker.get("events") or []
        users = [index for index, event in enumerate(events) if event.get("event") == "user"]
        if len(users) == delivered + 1 and events[users[-1]].get("text") == text:
            return [{"text": event.get("text") or "", **({"buttons": event["data"]["buttons"]}
                    if (event.get("data") or {}).get("buttons") else {})}
                    for event in events[users[-1] + 1:] if event.get("event") == "bot"]
        return None


def patients(count: int) -> List[Dict[str, Any]]:
    """`count` different patients: (truth, seed), from the vignettes, each with its own answers."""
    cases = patient_cases()
    return [{"truth": cases[index % len(cases)][1], "seed": 1000 + index} for index in range(count)]


def outcome(tracker: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """What must be the same each time a patient is played: the assessment and the answers."""
    result = (tracker or {}).get("slots", {}).get("assessment")
    if not result:
        return None
    return {"urgency": result["urgency"], "likelihood": result["likelihood"],
            "differentials": sorted(result["differentials"]), "findings": result["findings"]}


async def play(client: Client, sender: str, patient: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """One whole pre-screen; its outcome, or None if it did not reach one."""
    script = PatientScript(patient["truth"], patient["seed"], DOMAIN)
    message: Optional[str] = script.first()
    delivered = 0
    while message is not None:
        replies = await client.say(sender, message, delivered)
        delivered += 1
        message = script.next(replies)
    if not script.finished_well:
        client.tally.failures.append(f"{sender}: the conversation went wrong after {delivered} messages")
        return None
    return outcome(await client.tracker(sender))


def session(users: int) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=TURN_TIMEOUT),
                                 connector=aiohttp.TCPConnector(limit=users))


async def reference(url: str, token: str, rest_token: str, pool: List[Dict[str, Any]], tally: Tally) -> List[Optional[Dict[str, Any]]]:
    """Each patient played alone, one after another."""
    async with session(1) as http:
        client = Client(http, url, token, tally, rest_token)
        return [await play(client, f"reference-{index}", patient) for index, patient in enumerate(pool)]


@dataclass
class RunResult:
    conversations: int = 0
    finished: int = 0
    lost: List[str] = field(default_factory=list)
    cross_talk: List[str] = field(default_factory=list)


async def crowd(url: str, token: str, rest_token: str, pool: List[Dict[str, Any]], expected: List[Optional[Dict[str, Any]]],
                count: int, spread_seconds: float, users: int, prefix: str, tally: Tally,
                deadline_seconds: float) -> RunResult:
    """`count` conversations, started evenly over `spread_seconds` (all at once for 0), at most
    `users` at a time; conversation i plays patient i of the pool (cycling)."""
    result = RunResult(conversations=count)
    gate = asyncio.Semaphore(users)
    started = time.monotonic()

    async def one(index: int) -> None:
        await asyncio.sleep(index * spread_seconds / count if spread_seconds else 0)
        async with gate:
            sender = f"{prefix}-{index}"
            try:
                got = await asyncio.wait_for(play(client, sender, pool[index % len(pool)]),
                                             timeout=max(1.0, deadline_seconds - (time.monotonic() - started)))
            except (asyncio.TimeoutError, TimeoutError) as error:
                result.lost.append(f"{sender}: {error or 'not finished in time'}")
                return
            if got is None:
                result.lost.append(f"{sender}: no outcome")
                return
            result.finished += 1
            if got != expected[index % len(pool)]:
                result.cross_talk.append(f"{sender}: {got} instead of {expected[index % len(pool)]}")

    async with session(users) as http:
        client = Client(http, url, token, tally, rest_token)
        await asyncio.gather(*(one(index) for index in range(count)))
    return result
