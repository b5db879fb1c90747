"""A local fake of the Rasa server's `trigger_intent` route, for the follow-up worker's tests
and the soak: it records every call, can answer with an error, stall, or hold the first calls
until several workers have called, and acts on each (intent, check-in key) once, the way the
Rasa side does, through `Records.follow_ups.first_trigger` when given the records (else in
memory)."""
from __future__ import annotations

import datetime as dt
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import parse_qs, unquote, urlsplit

from pht.followups.rasa import KEY_ENTITY, REMINDER_INTENT

PORTS = range(58100, 58200)  # the ports this project's follow-up tests may use on a shared machine


@dataclass
class Trigger:
    conversation: str
    output_channel: Optional[str]
    token: Optional[str]
    intent: str
    entities: Dict[str, Any]
    user_agent: str
    at: float
    delivered: bool = False  # the first call with its (intent, key): the person got the message

    @property
    def key(self) -> Optional[str]:
        return self.entities.get(KEY_ENTITY)


@dataclass
class FakeRasa:
    token: str = "the-rasa-api-token"
    records: Any = None  # a Records: deduplicate through first_trigger, as the Rasa side will
    status: int = 200  # what every call is answered with
    delay: float = 0.0  # seconds before each answer
    stall_first: int = 0  # this many first calls are held (never answered) until `release()`
    hold_until_callers: int = 0  # hold the first calls until this many different User-Agents have called
    calls: List[Trigger] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._released = threading.Event()
        self._callers_arrived = threading.Event()
        self._callers: set = set()
        self._seen_keys: set = set()
        self.server = _bind(self)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    # -- what the tests read -----------------------------------------------------------------
    def keys(self) -> List[Optional[str]]:
        return [call.key for call in self.calls]

    def delivered(self) -> List[Trigger]:
        return [call for call in self.calls if call.delivered]

    def wait_for_calls(self, count: int, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while len(self.calls) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} calls to the fake Rasa server, got {len(self.calls)}")
            time.sleep(0.05)

    def release(self) -> None:
        self._released.set()

    def close(self) -> None:
        self.release()
        self._callers_arrived.set()
        self.server.shutdown()
        self.server.server_close()

    # -- answering ---------------------------------------------------------------------------
    def handle(self, path: str, body: Dict[str, Any], user_agent: str) -> Tuple[int, Dict[str, Any]]:
        parts = urlsplit(path)
        query = {name: values[0] for name, values in parse_qs(parts.query).items()}
        conversation = unquote(parts.path.split("/conversations/", 1)[-1].rsplit("/trigger_intent", 1)[0])
        call = Trigger(conversation, query.get("output_channel"), query.get("token"), str(body.get("name")),
                       dict(body.get("entities") or {}), user_agent, time.monotonic())
        with self._lock:
            self.calls.append(call)
            number = len(self.calls)
            self._callers.add(user_agent)
            if len(self._callers) >= self.hold_until_callers:
                self._callers_arrived.set()
        if call.token != self.token:
            return 401, {"status": "failure", "reason": "NotAuthenticated"}
        if self.status == 200:
            call.delivered = self._first(call)
        if number <= self.stall_first:
            self._released.wait(120)
        if self.hold_until_callers:
            self._callers_arrived.wait(60)
        if self.delay:
            time.sleep(self.delay)
        if self.status != 200:
            return self.status, {"status": "failure", "reason": "ConversationError", "message": "the platform is down"}
        return 200, {"tracker": {"sender_id": conversation}}

    def _first(self, call: Trigger) -> bool:
        reminder = call.intent == REMINDER_INTENT
        if self.records is not None and call.key:
            return self.records.follow_ups.first_trigger(call.key, reminder, dt.datetime.now(dt.timezone.utc))
        with self._lock:
            if (reminder, call.key) in self._seen_keys:
                return False
            self._seen_keys.add((reminder, call.key))
            return True


def _bind(fake: FakeRasa) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            status, answer = fake.handle(self.path, body, self.headers.get("User-Agent", ""))
            data = json.dumps(answer).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:
                pass  # the worker was killed while it waited

        def log_message(self, *args: Any) -> None:
            pass

    for port in PORTS:
        try:
            server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        except OSError:
            continue
        server.daemon_threads = True
        return server
    raise RuntimeError(f"no free port in {PORTS.start}-{PORTS.stop - 1} for the fake Rasa server")
