"""`make soak`: faults, attacks and load against the real servers, on this machine only.

The action server and the Rasa server run under the project's supervisor, as `make run`
runs them, with a SQLite conversation store; a second pair runs on a PostgreSQL server of
its own (skipped, and said so, where PostgreSQL is not installed). In order:

1. each of 50 simulated patients with different answers is played alone: its reference outcome;
2. hostile inputs: 300 hostile messages, malformed webhook bodies, intent payloads typed at the
   danger-sign question; every API route without the token or with a wrong one; the action
   server without its secret;
3. 50 conversations at once: each outcome must be its reference (no cross-talk), no errors;
4. faults, each during 8 conversations: the action server killed, the action server frozen
   (no answer for 15 s), the SQLite store locked mid-run, and the Rasa server killed and
   started again while the store is locked (start-up without the database);
5. 500 conversations spread over 10 minutes, the Rasa server killed twice on the way;
6. cross-channel and replay attacks (soak/identity.py): a victim on every channel (Telegram,
   WhatsApp, SMS, Messenger, Slack, the widget, the staff channel), whose conversation is tried
   through every other way in; each platform's signed calls sent three times;
7. PostgreSQL stopped mid-run and started again, then stopped while the Rasa server restarts;
8. the follow-up worker under the supervisor, with 60 check-ins due, SIGKILLed mid-send five
   times: every check-in sent, none reaching its person twice (soak/follow_ups.py; against a
   fake Rasa API until the Rasa side answers the check-in intents).

It prints one table; every column after the first five (what was tried) must be 0 (the exit code says whether
they were). `SOAK_QUICK=1` runs a few conversations instead of 50 and 500, for trying it out.
"""
from __future__ import annotations

import asyncio
import itertools
import json
import os
import signal
import sqlite3
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional

from harness.hostile import FORGED_PAYLOADS, PUBLIC_ROUTES, api_routes, concrete, hostile_messages, malformed_rest_bodies
from harness.servers import ACTION_SERVER_TOKEN, MODEL, TRACKER_STORE, http

from . import ROOT
from .driver import RunResult, Tally, crowd, patients, reference
from .follow_ups import follow_up_phase
from .identity import identity_phase
from .servers import Postgres, SupervisedAssistant, postgres_bin

QUICK = bool(os.environ.get("SOAK_QUICK"))
POOL = 10 if QUICK else 50  # different patients
CROWD = 10 if QUICK else 50
LONG_RUN = 40 if QUICK else 500
LONG_RUN_SECONDS = 60 if QUICK else 600
LONG_RUN_KILLS = 2
RESULTS = ROOT / "results" / "soak.json"
COLUMNS = ["faults injected", "faults survived", "hostile inputs tried", "cross-channel attempts", "replays sent",
           "server errors", "conversations lost", "cross-talk found", "unauthorised requests answered",
           "cross-channel succeeded", "replays handled twice"]
TRIED = 5  # the columns before this one count what was tried; every later one must be 0


@dataclass
class Row:
    phase: str
    faults_injected: int = 0
    faults_survived: int = 0
    hostile_inputs: int = 0
    server_errors: int = 0
    conversations_lost: int = 0
    cross_talk: int = 0
    unauthorised_answered: int = 0
    cross_channel_tried: int = 0
    replays_tried: int = 0
    cross_channel_succeeded: int = 0
    replays_handled_twice: int = 0
    notes: List[str] = field(default_factory=list)

    def cells(self) -> List[int]:
        return [self.faults_injected, self.faults_survived, self.hostile_inputs, self.cross_channel_tried,
                self.replays_tried, self.server_errors, self.conversations_lost, self.cross_talk,
                self.unauthorised_answered, self.cross_channel_succeeded, self.replays_handled_twice]

    def add_run(self, run: RunResult, tally: Tally) -> None:
        self.server_errors += tally.server_errors
        self.conversations_lost += len(run.lost)
        self.cross_talk += len(run.cross_talk)
        self.notes += run.lost[:5] + run.cross_talk[:5] + tally.failures[:5]


def say(line: str) -> None:
    print(f"[soak {time.strftime('%H:%M:%S')}] {line}", flush=True)


# -- 2. hostile inputs and unauthorised requests ------------------------------------------------

def _post_raw(url: str, body: bytes, headers: Dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError):
        return 599


def hostile_phase(assistant: SupervisedAssistant) -> Row:
    row = Row("hostile inputs and unauthorised requests")
    webhook = f"{assistant.url}/webhooks/rest/webhook"
    for number, text in enumerate(hostile_messages(300, seed=2026)):
        status, replies = assistant.post_rest({"sender": f"hostile-{number % 10}", "message": text})
        row.hostile_inputs += 1
        if status >= 500 or not isinstance(replies, list):
            row.server_errors += 1
            row.notes.append(f"hostile message {text[:40]!r}: {status}")
    for label, body in malformed_rest_bodies():
        row.hostile_inputs += 1
        status = _post_raw(webhook, body, assistant.rest_headers)
        if status >= 500:
            row.server_errors += 1
            row.notes.append(f"malformed body ({label}): {status}")
    # typed intent payloads at the danger-sign question: nothing may change, nothing be skipped
    sender = "typed-at-the-screen"
    for message in ("my sit bone hurts", "yes", "gradually", "about six weeks"):
        assistant.say(sender, message)
    before = assistant.tracker(sender)["slots"]
    if before.get("requested_slot") != "red_flags":
        row.notes.append(f"typed payloads: expected the danger-sign question, not {before.get('requested_slot')}")
    for typed in FORGED_PAYLOADS:
        if typed == "/restart":
            continue
        row.hostile_inputs += 1
        replies = assistant.say(sender, typed)
        after = assistant.tracker(sender)["slots"]
        if not replies or after != before:
            row.unauthorised_answered += 1
            row.notes.append(f"typed {typed!r} changed {[k for k in after if after[k] != before.get(k)]}")
    # every API route without the token, with a wrong one and an empty one
    for method, path in api_routes():
        if (method, path) in PUBLIC_ROUTES:
            continue
        url = f"{assistant.url}{concrete(path, {'conversation_id': sender})}"
        for suffix in ("", "?token=wrong", "?token="):
            status, _ = http(method, url + suffix, {} if method in ("POST", "PUT") else None)
            if status not in (401, 403):
                row.unauthorised_answered += 1
                row.notes.append(f"{method} {path}{suffix}: {status}")
    # the action server without its secret
    call = json.dumps({"next_action": "action_welcome", "sender_id": "door", "version": "3.6.2", "domain": {},
                       "tracker": {"sender_id": "door", "slots": {}, "latest_message": {}, "events": []}}).encode()
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": ACTION_SERVER_TOKEN}):
        request = urllib.request.Request(f"http://127.0.0.1:{assistant.action_port}/webhook", data=call, method="POST",
                                         headers={"Content-Type": "application/json", **headers})
        try:
            with urllib.request.urlopen(request, timeout=30):
                row.unauthorised_answered += 1
                row.notes.append(f"the action server ran an action for {headers or 'no secret'}")
        except urllib.error.HTTPError as error:
            if error.code != 401:
                row.unauthorised_answered += 1
                row.notes.append(f"the action server answered {error.code} without the secret")
    return row


def identity_row(workdir: Path) -> Row:
    """Issue 18: nobody reaches another channel's conversation; a platform message is handled once."""
    result = identity_phase(workdir)
    return Row("cross-channel and replay attacks", hostile_inputs=0, server_errors=result.server_errors,
               conversations_lost=result.lost, cross_channel_tried=result.cross_channel_tried,
               cross_channel_succeeded=result.cross_channel_succeeded, replays_tried=result.replays_tried,
               replays_handled_twice=result.replays_handled_twice, notes=result.notes)


def follow_up_row(workdir: Path) -> Row:
    """Issue 22: the follow-up worker killed mid-send sends every check-in, none twice."""
    result = follow_up_phase(workdir)
    survived = result.kills if result.sent == result.check_ins and not result.reached_twice else 0
    return Row("follow-up worker killed mid-send", faults_injected=result.kills, faults_survived=survived,
               conversations_lost=result.check_ins - result.sent, replays_tried=result.sent_again,
               replays_handled_twice=result.reached_twice, notes=result.notes)


# -- 3, 4, 5. conversations, with and without faults ----------------------------------------------

def run_crowd(assistant: SupervisedAssistant, pool: List[Dict], expected: List, count: int, spread: float,
              prefix: str, faults: Optional[Callable[[], int]] = None, users: int = 50,
              deadline: Optional[float] = None) -> tuple:
    """`count` conversations (with `faults` injected from a thread while they run): the run,
    its tally, and how many faults the thread injected."""
    tally = Tally()
    injected: List[int] = []
    thread = None
    if faults:
        thread = threading.Thread(target=lambda: injected.append(faults()), daemon=True)
        thread.start()
    run = asyncio.run(crowd(assistant.url, assistant.token, assistant.rest_token, pool, expected, count, spread, users,
                            prefix, tally, deadline or spread + 300))
    if thread:
        thread.join(timeout=600)
    return run, tally, (injected[0] if injected else 0)


_phase_numbers = itertools.count(1)  # each fault's conversations have their own ids


def fault_phase(assistant: SupervisedAssistant, pool: List[Dict], expected: List, name: str,
                inject: Callable[[], None], count: int = 8, spread: float = 20) -> Row:
    """Conversations started over `spread` seconds, with `inject` run 5 s in; the fault is
    survived when every one reaches its reference outcome and some met the fault."""
    row = Row(name)

    def faults() -> int:
        time.sleep(5)  # some conversations are under way, more are to come
        inject()
        return 1

    prefix = f"fault{next(_phase_numbers)}"
    run, tally, injected = run_crowd(assistant, pool, expected, count, spread, prefix, faults, users=count)
    row.add_run(run, tally)
    row.faults_injected = injected
    row.faults_survived = injected if not run.lost and not run.cross_talk and tally.faults_waited_out else 0
    if not tally.faults_waited_out:
        row.notes.append("no conversation met the fault: it was not really tried")
    return row


def lock_sqlite(path: Path, seconds: float) -> None:
    """Hold the SQLite store's write lock, as another program writing to it would: nothing can
    be saved (in write-ahead-log mode reading goes on)."""
    connection = sqlite3.connect(str(path), timeout=30, isolation_level=None)
    connection.execute("BEGIN EXCLUSIVE")
    time.sleep(seconds)
    connection.execute("ROLLBACK")
    connection.close()


def restart_rasa_while_locked(assistant: SupervisedAssistant) -> None:
    """The Rasa server killed and started again while its store is locked: start-up without it."""
    holder = threading.Thread(target=lock_sqlite, args=(assistant.db_path, 60), daemon=True)
    holder.start()
    time.sleep(1)
    pid = assistant.signal("Rasa server", signal.SIGKILL)
    assistant.wait_until_back("Rasa server", pid)
    holder.join()


def freeze_actions(assistant: SupervisedAssistant, seconds: float = 15) -> None:
    pid = assistant.signal("action server", signal.SIGSTOP)
    time.sleep(seconds)
    os.kill(pid, signal.SIGCONT)


def long_run(assistant: SupervisedAssistant, pool: List[Dict], expected: List) -> Row:
    row = Row(f"{LONG_RUN} conversations over {LONG_RUN_SECONDS // 60} minutes, Rasa killed {LONG_RUN_KILLS} times")

    def kills() -> int:
        done = 0
        for moment in range(1, LONG_RUN_KILLS + 1):
            time.sleep(max(5.0, LONG_RUN_SECONDS / (LONG_RUN_KILLS + 1) - (30 if done else 0)))
            pid = assistant.signal("Rasa server", signal.SIGKILL)
            say(f"killed the Rasa server ({moment} of {LONG_RUN_KILLS})")
            assistant.wait_until_back("Rasa server", pid)
            say("the Rasa server is back")
            done += 1
        return done

    run, tally, injected = run_crowd(assistant, pool, expected, LONG_RUN, LONG_RUN_SECONDS, "long", kills,
                                     deadline=LONG_RUN_SECONDS + 300)
    row.add_run(run, tally)
    row.faults_injected = injected
    row.faults_survived = injected if not run.lost and not run.cross_talk else 0
    row.notes.append(f"{run.finished} of {run.conversations} finished; {tally.messages} messages; "
                     f"{tally.faults_waited_out} met a fault and went through later")
    return row


# -- 6. PostgreSQL ---------------------------------------------------------------------------------

def postgres_phase(workdir: Path, pool: List[Dict], expected: List) -> Row:
    row = Row("PostgreSQL stopped mid-run and at start-up")
    if postgres_bin() is None:
        row.notes.append("not tried: PostgreSQL is not installed on this machine")
        return row
    database = Postgres(workdir / "postgres").create()
    assistant = SupervisedAssistant(workdir / "on-postgres", tracker_store=database.tracker_store(TRACKER_STORE))
    try:
        assistant.start()

        def stop_for_a_while() -> None:
            database.stop()
            time.sleep(15)
            database.start()

        def stop_while_rasa_restarts() -> None:
            database.stop()
            pid = assistant.signal("Rasa server", signal.SIGKILL)
            time.sleep(20)  # the Rasa server starts without its database
            database.start()
            assistant.wait_until_back("Rasa server", pid)

        for inject in (stop_for_a_while, stop_while_rasa_restarts):
            part = fault_phase(assistant, pool, expected, row.phase, inject)
            for name in ("faults_injected", "faults_survived", "server_errors", "conversations_lost", "cross_talk"):
                setattr(row, name, getattr(row, name) + getattr(part, name))
            row.notes += part.notes
    finally:
        assistant.stop()
        database.stop()
    return row


# -- the table ---------------------------------------------------------------------------------------

def table(rows: List[Row]) -> str:
    total = Row("total")
    for row in rows:
        for index, name in enumerate(("faults_injected", "faults_survived", "hostile_inputs", "cross_channel_tried",
                                      "replays_tried", "server_errors", "conversations_lost", "cross_talk",
                                      "unauthorised_answered", "cross_channel_succeeded",
                                      "replays_handled_twice")):
            setattr(total, name, getattr(total, name) + row.cells()[index])
    width = max(len(row.phase) for row in rows + [total])
    header = f"| {'phase':<{width}} | " + " | ".join(COLUMNS) + " |"
    lines = [header, "|" + "|".join("-" * (len(part) + 2) for part in [" " * width] + COLUMNS) + "|"]
    for row in rows + [total]:
        lines.append(f"| {row.phase:<{width}} | " + " | ".join(f"{cell:>{len(column)}}"
                                                             for cell, column in zip(row.cells(), COLUMNS)) + " |")
    return "\n".join(lines)


def main() -> int:
    if not MODEL.exists():
        print("no trained model: run `make train`", file=sys.stderr)
        return 2
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="pht-soak-"))
    workdir.chmod(0o755)  # the PostgreSQL server runs as its own user
    rows: List[Row] = []
    assistant = SupervisedAssistant(workdir / "on-sqlite")
    try:
        say("starting the supervised servers (SQLite store) ...")
        assistant.start()
        pool = patients(POOL)
        say(f"playing {len(pool)} different patients alone for their reference outcomes ...")
        tally = Tally()
        expected = asyncio.run(reference(assistant.url, assistant.token, assistant.rest_token, pool, tally))
        missing = [index for index, result in enumerate(expected) if result is None]
        if missing or tally.server_errors:
            print(f"reference run failed for patients {missing}: {tally.failures[:5]}", file=sys.stderr)
            return 1
        say("hostile inputs and unauthorised requests ...")
        rows.append(hostile_phase(assistant))
        say(f"{CROWD} conversations at once ...")
        run, tally, _ = run_crowd(assistant, pool, expected, CROWD, 0, "crowd")
        rows.append(Row(f"{CROWD} conversations at once"))
        rows[-1].add_run(run, tally)
        faults = [
            ("action server killed", lambda: assistant.kill("action server")),
            ("action server frozen 15 s", lambda: freeze_actions(assistant)),
            ("SQLite store locked 20 s", lambda: lock_sqlite(assistant.db_path, 20)),
            ("Rasa killed, restarts with SQLite locked", lambda: restart_rasa_while_locked(assistant)),
        ]
        for name, inject in faults:
            say(f"fault: {name} ...")
            rows.append(fault_phase(assistant, pool, expected, name, inject))
        say(f"{LONG_RUN} conversations over {LONG_RUN_SECONDS} s with the Rasa server killed {LONG_RUN_KILLS} times ...")
        rows.append(long_run(assistant, pool, expected))
    finally:
        assistant.stop()
    say("cross-channel and replay attacks, every channel on ...")
    rows.append(identity_row(workdir))
    say("PostgreSQL ...")
    rows.append(postgres_phase(workdir, pool, expected))
    say("the follow-up worker, killed mid-send ...")
    rows.append(follow_up_row(workdir))
    print()
    print(table(rows))
    for row in rows:
        for note in row.notes:
            print(f"  {row.phase}: {note}")
    print(f"\n(make soak took {(time.monotonic() - started) / 60:.1f} minutes; servers' logs in {workdir})")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps([{**row.__dict__, "cells": dict(zip(COLUMNS, row.cells()))} for row in rows], indent=1))
    bad = sum(sum(row.cells()[TRIED:]) for row in rows)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
