"""Starts the real action server and Rasa server for end-to-end tests, and talks to them.

The servers run on free ports with their own SQLite tracker store in a temporary folder, so
the tests never touch a running `make run`.
"""
from __future__ import annotations

import ctypes
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

from rasa_server.endpoints import read_base

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "pht.tar.gz"
# For a harness that is itself the one trusted REST caller and starts conversations by the
# hundred (the benchmark, make evaluate-real): the per-caller flood guard (120 new
# conversations a minute) would answer it 429 and count as errors.
ONE_TRUSTED_LOAD_CALLER = {"MAX_NEW_CONVERSATIONS_PER_CALLER": "100000"}
RASA = Path(sys.executable).parent / "rasa"
# How `make run` starts the servers: Rasa with the project's fixes, and the action server
RASA_SERVER = [sys.executable, "-m", "rasa_server"]
ACTION_SERVER = [sys.executable, "-m", "actions.server"]
PROJECT_ENDPOINTS = read_base()  # as written: the action server's secret is `${ACTION_SERVER_TOKEN}`
TRACKER_STORE = PROJECT_ENDPOINTS["tracker_store"]["type"]
START_TIMEOUT_SECONDS = 240
PORT_ATTEMPTS = 3  # starts again on new ports when a server could not begin to serve (`Assistant.start`)
ACTION_SERVER_TOKEN = "e2e-action-server-secret"  # the servers share it, as `make run`'s do
REST_CALLER = "tests"  # the trusted REST caller the tests talk as (channels/rest.py)
REST_PREFIX = "rest:"  # the REST channel's conversations are "rest:" + the sender it is sent


PR_SET_PDEATHSIG = 1  # linux/prctl.h
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None


def dies_with_parent() -> None:
    """`preexec_fn` of a server the harness starts: Linux sends it SIGTERM when the process
    (thread) that started it ends, so that a test run killed mid-way (a CI time-out, Ctrl-C,
    pytest-xdist stopping a worker) leaves no server bound to its port. The C library is loaded
    before the fork: between fork and exec only this one call is made."""
    if _LIBC is not None:
        _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _ephemeral_ports() -> range:
    """The ports the kernel hands to outgoing connections and to bind(0) (Linux's default
    range where /proc does not say)."""
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return range(int(low), int(high) + 1)
    except (OSError, ValueError):
        return range(32768, 61000)


def free_port() -> int:
    """A port free now, for a server about to start. Chosen below the kernel's ephemeral range:
    a port bind(0) gave could be taken, before the server binds it, by any outgoing connection
    or another worker's bind(0) (a server of a parallel test run then failed with "address
    already in use"). `Assistant.start` still tries other ports if one is taken."""
    low, high = 20000, min(_ephemeral_ports().start, 32768)
    for _ in range(200 if low < high else 0):  # none below a range that starts lower (1024-65535)
        port = random.randrange(low, high)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket() as sock:  # a crowded machine: whatever the kernel gives
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http(method: str, url: str, body: Optional[Dict[str, Any]] = None, timeout: float = 60,
         headers: Optional[Dict[str, str]] = None) -> tuple:
    """(status, parsed JSON or text) for one request."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read().decode()
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw


def resident_mb(pid: int) -> Optional[float]:
    """A process's resident set size in MB, from /proc (None where there is no /proc)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


class ServerExited(RuntimeError):
    """A server stopped before it answered: which, its exit code (negative: the signal that
    stopped it), and the end of the servers' log, so that a failed run shows why."""

    def __init__(self, name: str, code: int, log: Path, lines: int = 40):
        self.name, self.code = name, code
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:] if log.exists() else []
        super().__init__(f"a server exited early: {name}, exit code {code}; see {log}, which ends:\n"
                         + "\n".join(tail))


@dataclass
class Assistant:
    """A running pair of servers (or only a Rasa server, for an assistant with no actions)."""

    workdir: Path
    token: str = "e2e-test-token"
    rest_token: str = "e2e-rest-channel-token"  # REST_CHANNEL_TOKENS gives it to the caller REST_CALLER
    model: Path = MODEL
    project: Path = ROOT
    with_actions: bool = True
    env: Dict[str, str] = field(default_factory=dict)  # added to both servers' environment (DATABASE_URL, ...)
    tracker_store: Optional[Dict[str, Any]] = None  # instead of SQLite in the work folder
    credentials: Optional[Path] = None  # instead of the project's credentials.yml
    action_port: int = field(default_factory=free_port)
    rasa_port: int = field(default_factory=free_port)
    stop_timeout_seconds = 30  # (not a field) how long a server may take to stop before it is killed
    processes: List[subprocess.Popen] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def db_path(self) -> Path:
        return self.workdir / "tracker.db"

    def start(self) -> "Assistant":
        """Start the servers and wait until both answer. Started again on new ports (up to
        PORT_ATTEMPTS times) when a server could not begin to serve for a reason outside it: its
        port was taken in the meantime, or it stopped cleanly or by a signal before it was ready
        (sanic exits 0 when it cannot bind, and on SIGINT or SIGTERM). A server that fails with
        an error code is not started again: that is a fault of its own."""
        for attempt in range(1, PORT_ATTEMPTS + 1):
            log_start = self._log_size()
            self.write_endpoints()
            if self.with_actions:
                self.processes.append(self._spawn(self.action_command()))
            self.processes.append(self._spawn_rasa())
            try:
                self._wait_until_ready()
                return self
            except ServerExited as exited:
                if attempt == PORT_ATTEMPTS or not (exited.code <= 0 or self._port_was_taken(log_start)):
                    raise
                self._note(f"{exited.name} stopped before it was ready (exit code {exited.code}): "
                           f"starting both servers again on new ports (attempt {attempt + 1})")
                self.stop()
                self.processes.clear()
                self._move_to({self.action_port: free_port(), self.rasa_port: free_port()})
        return self

    def _note(self, line: str) -> None:
        """A line of the harness's own in the servers' log, and on stderr for the test run."""
        print(f"harness: {line}", file=sys.stderr, flush=True)
        with open(self.workdir / "servers.log", "a", encoding="utf-8") as log:
            log.write(f"harness: {line}\n")

    def _move_to(self, ports: Dict[int, int]) -> None:
        """New ports for both servers, also where the environment given to them names the old
        ones (a served assistant's RASA_PORT, a webhook's address)."""
        def moved(match: "re.Match[str]") -> str:
            return str(ports[int(match.group(0))])

        pattern = re.compile("|".join(rf"(?<!\d){port}(?!\d)" for port in ports))
        self.env = {name: pattern.sub(moved, value) for name, value in self.env.items()}
        self.action_port, self.rasa_port = ports[self.action_port], ports[self.rasa_port]

    def _log_size(self) -> int:
        log = self.workdir / "servers.log"
        return log.stat().st_size if log.exists() else 0

    def _port_was_taken(self, since: int) -> bool:
        """Whether a server wrote, after `since` bytes of the log, that its port was in use."""
        with open(self.workdir / "servers.log", "rb") as log:
            log.seek(since)
            return b"address already in use" in log.read()

    def write_endpoints(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        endpoints = self.workdir / "endpoints.yml"
        if self.with_actions:
            store = self.tracker_store or {"dialect": "sqlite", "db": str(self.db_path)}
            endpoints.write_text(yaml.safe_dump({
                # the project's action endpoint (with its secret header), at this run's port
                "action_endpoint": {**PROJECT_ENDPOINTS["action_endpoint"],
                                    "url": f"http://127.0.0.1:{self.action_port}/webhook"},
                "tracker_store": {"type": TRACKER_STORE, **store}}))
        else:
            endpoints.write_text("{}\n")  # Rasa's defaults: in-memory tracker store

    def action_command(self) -> List[str]:
        return ACTION_SERVER + ["--actions", "actions", "--port", str(self.action_port)]

    def __enter__(self) -> "Assistant":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def _spawn(self, command: List[str]) -> subprocess.Popen:
        # the embedded defaults whatever the shell has set (the tracker store in this work
        # folder's endpoints.yml; no Redis, no broker); the pre-screen records, accounts and
        # secrets in the work folder (PHT_VAR_DIR); the Rasa server's privacy routes take the
        # same token as its API (rasa_server/privacy.py); the REST channel one trusted caller
        own = {"DATABASE_URL": "", "REDIS_URL": "", "RABBITMQ_URL": "", "PHT_VAR_DIR": str(self.workdir),
               "RASA_AUTH_TOKEN": self.token, "ACTION_SERVER_TOKEN": ACTION_SERVER_TOKEN,
               "REST_CHANNEL_TOKENS": f"{REST_CALLER}:{self.rest_token}", "REST_CHANNEL_TOKEN": ""}
        env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3", **own, **self.env}
        log = open(self.workdir / "servers.log", "ab")
        return subprocess.Popen(command, cwd=self.project, env=env, stdout=log, stderr=subprocess.STDOUT,
                                preexec_fn=dies_with_parent)

    def rasa_command(self) -> List[str]:
        credentials = ["--credentials", str(self.credentials)] if self.credentials else (
            ["--credentials", "credentials.yml"] if (self.project / "credentials.yml").exists() else [])
        rasa = RASA_SERVER if self.with_actions else [str(RASA)]  # the stock assistant runs plain Rasa
        return [*rasa, "run", "--model", str(self.model), "--port", str(self.rasa_port), "--enable-api",
                f"--auth-token={self.token}", "--endpoints", str(self.workdir / "endpoints.yml"), *credentials]

    def _spawn_rasa(self) -> subprocess.Popen:
        return self._spawn(self.rasa_command())

    def restart_rasa(self, kill: bool = False) -> None:
        """Stop the Rasa server (SIGTERM, or SIGKILL mid-whatever with `kill`) and start a new
        one on the same tracker store."""
        old = self.processes.pop()
        old.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        old.wait(timeout=30)
        self.processes.append(self._spawn_rasa())
        self._wait_until_ready()

    @property
    def action_server(self) -> subprocess.Popen:
        assert self.with_actions
        return self.processes[0]

    def kill_actions(self) -> None:
        """SIGKILL the action server, as a crash would stop it."""
        self.action_server.kill()
        self.action_server.wait(timeout=30)

    def start_actions(self) -> None:
        """Start the action server again (after `kill_actions`) and wait for it."""
        self.processes[0] = self._spawn(self.action_command())
        self._wait_until_ready()

    def memory_mb(self) -> Dict[str, Optional[float]]:
        """Resident memory of the Rasa server and of the action server (Linux /proc)."""
        rasa, actions = self.processes[-1], (self.processes[0] if self.with_actions else None)
        return {"rasa_server_rss_mb": resident_mb(rasa.pid), "action_server_rss_mb": resident_mb(actions.pid) if actions else None}

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        ready = {"actions": not self.with_actions, "rasa": False}
        while time.monotonic() < deadline:
            for process in self.processes:
                if process.poll() is not None:
                    name = "the Rasa server" if process is self.processes[-1] else "the action server"
                    raise ServerExited(name, process.returncode, self.workdir / "servers.log")
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
                process.wait(timeout=self.stop_timeout_seconds)
            except subprocess.TimeoutExpired:
                process.kill()

    @property
    def rest_headers(self) -> Dict[str, str]:
        """What a trusted caller of the REST channel sends with each message."""
        return {"Authorization": f"Bearer {self.rest_token}"}

    def post_rest(self, body: Dict[str, Any]) -> tuple:
        """(status, answer) of one REST webhook call as the trusted caller."""
        return http("POST", f"{self.url}/webhooks/rest/webhook", body, headers=self.rest_headers)

    def say(self, sender: str, text: str) -> List[Dict[str, Any]]:
        """Send one message over the REST channel; the bot's replies. The conversation is
        `rest:` + sender (`tracker(sender)` reads it)."""
        status, replies = self.post_rest({"sender": sender, "message": text})
        assert status == 200, replies
        return replies

    def tracker(self, sender: str) -> Dict[str, Any]:
        """The conversation `say(sender)` talks in (`rest:` + sender)."""
        return self.conversation(REST_PREFIX + sender)

    def conversation(self, conversation_id: str) -> Dict[str, Any]:
        """Any stored conversation's tracker, by its full id (a widget's, a platform's)."""
        status, tracker = http("GET", f"{self.url}/conversations/{conversation_id}/tracker?token={self.token}")
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
