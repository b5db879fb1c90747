"""Starts the real action server and Rasa server for end-to-end tests, and talks to them.

The servers run on free ports with their own SQLite tracker store in a temporary folder, so
the tests never touch a running `make run`.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "pht.tar.gz"
RASA = Path(sys.executable).parent / "rasa"
START_TIMEOUT_SECONDS = 240


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http(method: str, url: str, body: Optional[Dict[str, Any]] = None, timeout: float = 60) -> tuple:
    """(status, parsed JSON or text) for one request."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read().decode()
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw


@dataclass
class Assistant:
    """A running pair of servers."""

    workdir: Path
    token: str = "e2e-test-token"
    action_port: int = field(default_factory=free_port)
    rasa_port: int = field(default_factory=free_port)
    processes: List[subprocess.Popen] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def start(self) -> "Assistant":
        endpoints = self.workdir / "endpoints.yml"
        endpoints.write_text(
            f"action_endpoint:\n  url: http://127.0.0.1:{self.action_port}/webhook\n"
            f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {self.workdir / 'tracker.db'}\n"
        )
        self.processes.append(self._spawn(["run", "actions", "--actions", "actions", "--port", str(self.action_port)]))
        self.processes.append(self._spawn_rasa())
        self._wait_until_ready()
        return self

    def _spawn(self, arguments: List[str]) -> subprocess.Popen:
        env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3"}
        log = open(self.workdir / "servers.log", "ab")
        return subprocess.Popen([str(RASA), *arguments], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)

    def _spawn_rasa(self) -> subprocess.Popen:
        return self._spawn(
            ["run", "--model", str(MODEL), "--port", str(self.rasa_port), "--enable-api", "--auth-token",
             self.token, "--endpoints", str(self.workdir / "endpoints.yml"), "--credentials", "credentials.yml"])

    def restart_rasa(self) -> None:
        """Stop the Rasa server and start a new one on the same tracker store."""
        old = self.processes.pop()
        old.terminate()
        old.wait(timeout=30)
        self.processes.append(self._spawn_rasa())
        self._wait_until_ready()

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        ready = {"actions": False, "rasa": False}
        while time.monotonic() < deadline:
            for process in self.processes:
                if process.poll() is not None:
                    raise RuntimeError(f"a server exited early; see {self.workdir / 'servers.log'}")
            try:
                ready["actions"] = ready["actions"] or http("GET", f"http://127.0.0.1:{self.action_port}/health", timeout=2)[0] == 200
                status, body = http("GET", f"{self.url}/status?token={self.token}", timeout=2)
                ready["rasa"] = status == 200 and bool(body.get("model_file"))
            except (urllib.error.URLError, OSError):
                pass
            if all(ready.values()):
                return
            time.sleep(1)
        raise RuntimeError(f"servers not ready after {START_TIMEOUT_SECONDS}s; see {self.workdir / 'servers.log'}")

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()

    def say(self, sender: str, text: str) -> List[Dict[str, Any]]:
        """Send one message over the REST channel; the bot's replies."""
        status, replies = http("POST", f"{self.url}/webhooks/rest/webhook", {"sender": sender, "message": text})
        assert status == 200, replies
        return replies

    def tracker(self, sender: str) -> Dict[str, Any]:
        status, tracker = http("GET", f"{self.url}/conversations/{sender}/tracker?token={self.token}")
        assert status == 200, tracker
        return tracker


@dataclass
class Conversation:
    """One person answering whatever the assistant asks, in free text."""

    assistant: Assistant
    sender: str
    answers: Dict[str, str]
    asked: List[str] = field(default_factory=list)
    replies: List[str] = field(default_factory=list)

    transcript: List[str] = field(default_factory=list)

    def send(self, text: str) -> Dict[str, Any]:
        said = [reply.get("text", "") for reply in self.assistant.say(self.sender, text)]
        self.replies += said
        self.transcript += [f"user: {text}"] + [f"bot: {reply[:80]}" for reply in said]
        return self.assistant.tracker(self.sender)

    def run(self, opening: str, max_turns: int = 30) -> Dict[str, Any]:
        """Open, consent, then answer each requested slot until an outcome is given."""
        tracker = self.send(opening)
        if not tracker["slots"].get("assessment"):
            tracker = self.send("yes")
        for _ in range(max_turns):
            if tracker["slots"].get("assessment"):
                return tracker["slots"]["assessment"]
            requested = tracker["slots"].get("requested_slot")
            assert requested, f"{self.sender}: no question and no outcome: {self.transcript[-6:]}"
            assert requested in self.answers, f"asked {requested}, which this person has no answer for"
            self.asked.append(requested)
            tracker = self.send(self.answers[requested])
        raise AssertionError(f"no outcome after {max_turns} turns; asked {self.asked}")
