"""Local fakes of the messaging platforms' APIs, so channel tests need no internet.

One HTTP server answers the calls the connectors make (Telegram Bot API, Twilio's Messages
resource, Messenger's Send API, Slack's chat.postMessage) the way the platforms do, and
records each call; the Rasa server under test is pointed at it through the `*_API_URL`
variables (channels/settings.py). `fail(method, ...)` makes the next calls of one API method
fail the way the platform fails (an error status and the platform's error body), for the
connectors' handling of a platform that does not take a call.

Messenger's standard messaging window is kept as Meta keeps it: a message (or sender action)
to a person more than 24 hours after their last message to the page is refused with Meta's
error (code 10, subcode 2018278), whatever its `messaging_type`. The fake knows when a person
wrote from `messenger_wrote(psid)` (tests/test_channels_e2e.py's PlatformUser calls it) and
reads the time from `time` when a test sets it (the follow-up worker's clock, weeks ahead),
else from the real clock; a person it never saw write is not held to the window.
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional
from urllib.parse import parse_qs, urlsplit


MESSENGER_WINDOW_SECONDS = 24 * 3600  # Meta's standard messaging window
OUTSIDE_THE_WINDOW = {"error": {  # what Meta answers a message sent after it
    "message": "(#10) This message is sent outside of allowed window. Learn more about the new policy here: "
               "https://developers.facebook.com/docs/messenger-platform/policy-overview",
    "type": "OAuthException", "code": 10, "error_subcode": 2018278, "fbtrace_id": "Fake"}}


@dataclass
class Call:
    platform: str  # telegram, twilio, facebook, slack
    path: str
    body: Dict[str, Any]  # JSON, or form fields (first value of each), and the query's fields


@dataclass
class Failure:
    status: int
    body: Dict[str, Any]
    times: int  # how many more calls fail
    matching: Callable[["Call"], bool] = lambda call: True  # which calls of the method fail
    failed: List[Call] = field(default_factory=list)  # the calls it failed


def _platform(path: str) -> str:
    if path.startswith("/bot"):
        return "telegram"
    if path.startswith("/2010-04-01/"):
        return "twilio"
    if path.startswith("/me/"):
        return "facebook"
    return "slack"


def _reply(call: Call) -> tuple:
    """(status, JSON body) as the platform would answer."""
    if call.platform == "telegram":
        return 200, {"ok": True, "result": {"message_id": 1, "date": 0, "chat": {"id": call.body.get("chat_id")}}
                     if call.path.endswith("/sendMessage") else True}
    if call.platform == "twilio":
        return 201, {"sid": "SM" + "0" * 32, "status": "queued", "to": call.body.get("To"),
                     "from": call.body.get("From"), "body": call.body.get("Body")}
    if call.platform == "facebook":
        return 200, {"recipient_id": (call.body.get("recipient") or {}).get("id"), "message_id": "m_1"}
    if call.path.endswith("/conversations.open"):  # the direct message with the user
        return 200, {"ok": True, "channel": {"id": "D" + str(call.body.get("users"))}}
    return 200, {"ok": True, "channel": call.body.get("channel"), "ts": "1700000000.000100"}


class FakePlatforms:
    """The fake APIs, on a free local port, recording every call."""

    def __init__(self) -> None:
        self.calls: List[Call] = []
        self.failures: Dict[str, Failure] = {}
        self.time: Optional[float] = None  # the platforms' "now" (epoch seconds), when a test moves it
        self.messenger_last_message: Dict[str, float] = {}  # PSID -> when the person last wrote
        self.outside_the_window: List[Call] = []  # Messenger calls refused as Meta refuses them
        self._lock = threading.Lock()
        fakes = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                path = urlsplit(self.path).path
                if "json" in (self.headers.get("Content-Type") or ""):
                    body = json.loads(raw or "{}")
                else:
                    body = {name: values[0] for name, values in parse_qs(raw).items()}
                query = {name: values[0] for name, values in parse_qs(urlsplit(self.path).query).items()}
                call = Call(_platform(path), path, {**query, **body})
                with fakes._lock:
                    fakes.calls.append(call)
                    failure = fakes.failures.get(path.rsplit("/", 1)[-1])
                    failing = failure is not None and failure.times > 0 and failure.matching(call)
                    if failing:
                        failure.times -= 1
                        failure.failed.append(call)
                    refused = not failing and fakes._outside_messenger_window(call)
                    if refused:
                        fakes.outside_the_window.append(call)
                status, answer = (failure.status, failure.body) if failing else (
                    (400, OUTSIDE_THE_WINDOW) if refused else _reply(call))
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def fail(self, method: str, status: int, body: Dict[str, Any], times: int = 1,
             matching: Callable[[Call], bool] = lambda call: True) -> Failure:
        """The next `times` calls of `method` (the path's last part: answerCallbackQuery,
        messages, chat.postMessage) that are `matching` get `status` and `body`."""
        failure = Failure(status, body, times, matching)
        with self._lock:
            self.failures[method] = failure
        return failure

    def messenger_wrote(self, psid: str, at: Optional[float] = None) -> None:
        """The person wrote to the page (at `at`, else now): the window opens for 24 hours."""
        with self._lock:
            self.messenger_last_message[psid] = self.now() if at is None else at

    def now(self) -> float:
        return time.time() if self.time is None else self.time

    def _outside_messenger_window(self, call: Call) -> bool:
        if call.platform != "facebook" or not call.path.endswith("/messages"):
            return False
        psid = (call.body.get("recipient") or {}).get("id")
        wrote = self.messenger_last_message.get(psid)
        return wrote is not None and self.now() - wrote > MESSENGER_WINDOW_SECONDS

    def stop(self) -> None:
        self.server.shutdown()

    def since(self, mark: int, platform: str) -> List[Call]:
        with self._lock:
            return [call for call in self.calls[mark:] if call.platform == platform]

    def mark(self) -> int:
        with self._lock:
            return len(self.calls)

    def wait_for(self, condition: Callable[[], bool], timeout: float = 60) -> bool:
        """Wait until `condition()` holds (for replies sent in the background, as Slack's are)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return True
            time.sleep(0.1)
        return condition()
