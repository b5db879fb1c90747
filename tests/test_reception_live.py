"""The reception page's live lists without the Rasa servers: who is waiting for a person and the
emergency and urgent outcomes of the last hours, behind the sign-in; the event stream says
"changed" when a request arrives from another process (the database, without Redis)."""
from __future__ import annotations

import threading
import time
import urllib.request
from typing import List

from test_reception_web import Client, reception, signed_in  # noqa: F401 (the module's servers, shared)


def stream_lines(client: Client, path: str, seconds: float, until: str) -> List[str]:
    lines: List[str] = []
    deadline = time.monotonic() + seconds
    try:
        with client.opener.open(urllib.request.Request(client.base + path), timeout=seconds) as stream:
            while time.monotonic() < deadline:
                line = stream.readline().decode().strip()
                lines.append(line)
                if line == until:
                    break
    except OSError:
        pass
    return lines


def test_the_live_lists_show_those_waiting_and_the_emergency_and_urgent_outcomes(reception):  # noqa: F811
    client = signed_in(reception)
    examples = reception["examples"]
    reception["records"].handovers.request("tg:live-1", "telegram")
    status, _, html = client.request("/conversations/live")
    assert status == 200
    assert "/conversations/tg%3Alive-1" in html and "through Telegram" in html
    assert examples["emergency"].reference in html and examples["urgent"].reference in html
    assert examples["routine"].reference not in html  # only what calls for care now
    assert "Entered by staff" in html  # the urgent one was entered at the desk: no conversation to open
    _, _, page = client.request("/")
    assert "Waiting for a person" in page and "/conversations/tg%3Alive-1" in page


def test_the_list_says_when_a_person_nobody_took_was_told_nobody_is_free(reception):  # noqa: F811
    import datetime as dt

    client = signed_in(reception)
    handover, _ = reception["records"].handovers.request("tg:live-3", "telegram")
    reception["records"].handovers.claim_nobody_free(handover, dt.datetime(2027, 1, 4, 10, 40, tzinfo=dt.timezone.utc))
    _, _, html = client.request("/conversations/live")
    assert "told at 10:40 that nobody was free" in html  # the page shows London time, still GMT in January


def test_the_event_stream_says_changed_when_someone_asks_for_a_person(reception):  # noqa: F811
    client = signed_in(reception)
    heard: List[str] = []
    listening = threading.Thread(target=lambda: heard.extend(
        stream_lines(client, "/conversations/events", 20, "event: changed")), daemon=True)
    listening.start()
    time.sleep(1)
    reception["records"].handovers.request("tg:live-2", "telegram")  # as the action server does: another process
    listening.join(timeout=25)
    assert "event: changed" in heard
    assert not any("live-2" in line for line in heard)  # the stream carries no content, only that it changed


def test_nothing_live_without_signing_in(reception):  # noqa: F811
    stranger = Client(reception["url"])
    for path in ("/conversations/live", "/conversations/events", "/conversations/tg:live-1"):
        status, headers, body = stranger.request(path)
        assert status == 303 and headers["location"].startswith("/login") and "live-1" not in body
