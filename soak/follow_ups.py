"""The follow-up worker in the soak: under the project's supervisor, as `make run` runs it, with
check-ins due for many people, killed with SIGKILL while it waits for the Rasa server, again
and again. Every check-in must be sent, none reach its person twice.

The Rasa server is the fake of harness/fake_rasa.py (the real one does not answer the
check-in intents yet: the Rasa side of the follow-ups is built on its own branch); it acts on
each key once through `Records.follow_ups.first_trigger`, as the Rasa side is to. Run alone:
`python -m soak.follow_ups`.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional

from harness.fake_rasa import FakeRasa
from pht.records import NewFollowUp, Records

from . import ROOT

QUICK = bool(os.environ.get("SOAK_QUICK"))
PEOPLE = 12 if QUICK else 60
KILLS = 2 if QUICK else 5
WORKER = "follow-up worker"


@dataclass
class FollowUpResult:
    check_ins: int = 0
    sent: int = 0
    kills: int = 0
    sent_again: int = 0  # calls that repeated a key after a kill (the Rasa side acts on the first only)
    reached_twice: int = 0  # keys that reached their person more than once: must be 0
    notes: List[str] = field(default_factory=list)


def _worker_pid(status_file: Path) -> Optional[int]:
    try:
        return json.loads(status_file.read_text())[WORKER]["pid"]
    except (OSError, ValueError, KeyError):
        return None


def follow_up_phase(workdir: Path) -> FollowUpResult:
    folder = workdir / "follow-ups"
    folder.mkdir(parents=True, exist_ok=True)
    records = Records(f"sqlite:///{folder / 'records.db'}", migrate=True)
    fake = FakeRasa(records=records, delay=0.3)
    result = FollowUpResult(check_ins=PEOPLE)
    now = dt.datetime.now(dt.timezone.utc)
    for number in range(PEOPLE):
        records.follow_ups.create(NewFollowUp(
            prescreen_reference=f"PHT-S{number:04d}", sender_id=f"tg:{number}", channel="telegram",
            consented_at=now - dt.timedelta(days=14), consent={"answer": "yes", "question": "soak"},
            baseline={"sitting_minutes": 20, "worst_pain": 5}), [("2 weeks", now - dt.timedelta(minutes=1))])
    status_file = folder / "supervisor.json"
    env = {**os.environ, "DATABASE_URL": records.url, "RASA_URL": fake.url, "RASA_AUTH_TOKEN": fake.token,
           "PHT_VAR_DIR": str(folder), "FOLLOW_UP_QUIET_HOURS": "off", "FOLLOW_UP_POLL_SECONDS": "0.5",
           "FOLLOW_UP_SEND_TIMEOUT_SECONDS": "2", "FOLLOW_UP_LEASE_SECONDS": "4"}
    log = open(folder / "supervisor.log", "w")
    supervisor = subprocess.Popen(
        [sys.executable, "-m", "supervisor", "--status-file", str(status_file), "--backoff-first", "0.5",
         f"{WORKER}||{sys.executable} -m pht.followups"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 300
        while result.kills < KILLS and time.monotonic() < deadline:
            calls = len(fake.calls)
            while len(fake.calls) == calls and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(0.1)  # the worker is waiting for the answer (0.3 s)
            pid = _worker_pid(status_file)
            if pid:
                os.kill(pid, signal.SIGKILL)
                result.kills += 1
            time.sleep(1.5)  # the supervisor starts it again
        while records.follow_ups.count_check_ins("sent") < PEOPLE and time.monotonic() < deadline:
            time.sleep(0.5)
    finally:
        supervisor.send_signal(signal.SIGTERM)
        try:
            supervisor.wait(60)
        except subprocess.TimeoutExpired:
            supervisor.kill()
        log.close()
        fake.close()
    result.sent = records.follow_ups.count_check_ins("sent")
    per_key = Counter(call.key for call in fake.calls)
    reached = Counter(call.key for call in fake.delivered())
    result.sent_again = sum(count - 1 for count in per_key.values())
    result.reached_twice = sum(1 for count in reached.values() if count > 1)
    if result.sent < PEOPLE:
        result.notes.append(f"{PEOPLE - result.sent} check-ins not sent (logs in {folder})")
    result.notes.append(f"{result.sent} of {PEOPLE} check-ins sent; {result.sent_again} sent again with their key "
                        f"after a kill, reaching nobody twice")
    records.close()
    return result


if __name__ == "__main__":
    done = follow_up_phase(Path(tempfile.mkdtemp(prefix="pht-soak-follow-ups-")))
    print(json.dumps(done.__dict__, indent=1))
    sys.exit(0 if done.sent == done.check_ins and not done.reached_twice and done.kills == KILLS else 1)
