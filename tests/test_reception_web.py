"""The reception page over real HTTP (uvicorn in a thread), without the Rasa servers: login,
sessions and CSRF, the list with its filters, a pre-screen, the print view, JSON and FHIR
export, deleting a person's data (through a fake of the Rasa server's privacy route)."""
from __future__ import annotations

import datetime as dt
import http.cookiejar
import json
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, Optional, Tuple

import pytest

from pht.reception.users import Users
from pht.records import NewPrescreen, Records, settings
from pht.records.fhir import check_response, from_questionnaire_response
from pht.triage import assess
from common import CLASSIC
from harness.servers import free_port
from pht.reception.sessions import BACKOFF
from web.reception.app import create_app
from web.reception.app import server as reception_server

PASSWORD = "correct horse battery"
TOKEN = "fake-rasa-token"


class FakeRasa(BaseHTTPRequestHandler):
    """The Rasa server's privacy route: records who was forgotten."""

    forgotten: list = []

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            self.send_response(403)
            self.end_headers()
            return
        FakeRasa.forgotten.append(body["sender_id"])
        reply = json.dumps({"sender_id": body["sender_id"], "events_deleted": 7}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args: object) -> None:
        pass


def stored(records: Records, sender: str, findings: Dict, staff: bool = False, created: Optional[dt.datetime] = None):
    result = assess(findings)
    result["skipped"] = [field for field in result["missing"] if field in ("sport", "age")]
    result["unsure"] = []
    return records.add(NewPrescreen(channel="socketio", sender_id=sender, assessment=result,
                                    consent={"status": "given", "by": "patient", "at": "2026-11-29T10:00:00+00:00"},
                                    engine_version="2.0", knowledge_version="2+abc", staff_entered=staff,
                                    **({"created": created} if created else {})))


def serve_reception(app, trusted_proxies=None):
    """The reception app on a free local port, in a thread: (port, server, thread)."""
    port = free_port()
    server = reception_server(app, "127.0.0.1", port, trusted_proxies)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    return port, server, thread


@pytest.fixture(scope="module")
def reception(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reception")
    rasa = ThreadingHTTPServer(("127.0.0.1", free_port()), FakeRasa)
    threading.Thread(target=rasa.serve_forever, daemon=True).start()
    config = settings({"PHT_VAR_DIR": str(folder), "DATABASE_URL": f"sqlite:///{folder / 'records.db'}",
                       "RASA_URL": f"http://127.0.0.1:{rasa.server_address[1]}", "RASA_AUTH_TOKEN": TOKEN,
                       "RECEPTION_TIMEZONE": "Europe/London"})
    Users(config).add("alice", PASSWORD)
    records = Records(config=config)
    examples = {
        "routine": stored(records, "routine-person", CLASSIC),
        "emergency": stored(records, "emergency-person", {**CLASSIC, "red_flags": ["saddle_numbness"]}),
        "urgent": stored(records, "urgent-person", {"pain_location": "upper_hamstring", "onset": "sudden",
                                                     "injury_signs": ["pop", "bruising"]}, staff=True),
        "old": stored(records, "old-person", CLASSIC, created=dt.datetime(2026, 1, 5, 9, tzinfo=dt.timezone.utc)),
    }
    port, server, thread = serve_reception(create_app(config, records))
    yield {"url": f"http://127.0.0.1:{port}", "records": records, "examples": examples}
    server.should_exit = True
    thread.join(timeout=10)
    rasa.shutdown()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """A browser without JavaScript: cookies, forms, no automatic redirects."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect)

    def request(self, path: str, form: Optional[Dict[str, str]] = None, address: str = "") -> Tuple[int, Dict, str]:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(self.base + path, data=data)
        try:
            with self.opener.open(request, timeout=30) as reply:
                return reply.status, dict(reply.headers), reply.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def csrf(self, path: str) -> str:
        _, _, html = self.request(path)
        return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)

    def login(self, name: str = "alice", password: str = PASSWORD) -> Tuple[int, Dict, str]:
        token = self.csrf("/login")
        return self.request("/login?next=/", {"csrf_token": token, "username": name, "password": password})


def signed_in(reception) -> Client:
    client = Client(reception["url"])
    status, headers, _ = client.login()
    assert status == 303 and headers["location"] == "/"
    return client


def test_every_page_but_the_login_needs_a_signed_in_user(reception):
    client = Client(reception["url"])
    reference = reception["examples"]["routine"].reference
    for path in ("/", f"/prescreens/{reference}", f"/prescreens/{reference}/export/fhir"):
        status, headers, _ = client.request(path)
        assert status == 303 and headers["location"].startswith("/login?next=")
    status, _, html = client.request("/login")
    assert status == 200 and "Sign in" in html and "PHT-" not in html


def test_a_wrong_password_or_a_missing_csrf_token_signs_nobody_in(reception):
    client = Client(reception["url"])
    status, _, html = client.login(password="not the password")
    assert status == 401 and "not right" in html
    status, _, _ = client.request("/login", {"username": "alice", "password": PASSWORD})  # no token
    assert status == 400
    assert client.request("/")[0] == 303


def test_repeated_failures_for_a_name_make_the_next_attempt_wait(reception):
    client = Client(reception["url"])
    for _ in range(BACKOFF["name"].free):
        client.login(name="mallory", password="guess")
    status, _, html = client.login(name="mallory", password="guess")
    assert status == 429 and "Too many failed attempts" in html and "wait" in html


def test_the_session_cookie_is_http_only_and_strict_and_pages_are_not_cached(reception):
    client = Client(reception["url"])
    token = client.csrf("/login")
    status, headers, _ = client.request("/login", {"csrf_token": token, "username": "alice", "password": PASSWORD})
    cookie = headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    _, headers, _ = client.request("/")
    assert headers["cache-control"] == "no-store" and "default-src 'self'" in headers["content-security-policy"]
    assert "script-src 'self'" in headers["content-security-policy"] and headers["x-frame-options"] == "DENY"


def test_after_login_the_next_page_stays_on_this_site(reception):
    client = Client(reception["url"])
    token = client.csrf("/login")
    status, headers, _ = client.request("/login?next=//evil.example/x",
                                        {"csrf_token": token, "username": "alice", "password": PASSWORD})
    assert status == 303 and headers["location"] == "/"


def test_the_list_shows_every_pre_screen_with_emergency_and_urgent_standing_out(reception):
    client = signed_in(reception)
    status, _, html = client.request("/")
    assert status == 200
    examples = reception["examples"]
    for record in examples.values():
        assert record.reference in html
    emergency_row = re.search(r'<tr class="row row--emergency">(.*?)</tr>', html, re.S).group(1)
    assert examples["emergency"].reference in emergency_row and "Emergency: now" in emergency_row
    assert 'class="flag"' in emergency_row  # the danger sign, in the row itself
    assert re.search(r'<tr class="row row--urgent">.*?Staff', html, re.S)
    assert html.index(examples["emergency"].reference) < html.index(examples["old"].reference)  # newest first
    assert '/static/refresh.js' in html and 'data-live' in html


def test_the_list_filters_by_urgency_date_and_reference(reception):
    client = signed_in(reception)
    examples = reception["examples"]
    _, _, html = client.request("/?urgency=urgent")
    assert examples["urgent"].reference in html and examples["routine"].reference not in html
    _, _, html = client.request("/?since=2026-06-01")
    assert examples["old"].reference not in html and examples["routine"].reference in html
    typed = examples["old"].reference.lower().replace("-", " ")
    status, headers, _ = client.request("/?q=" + urllib.parse.quote(typed))
    assert status == 303 and headers["location"] == f"/prescreens/{examples['old'].reference}"
    _, _, html = client.request("/?q=PHT-ZZZZZ")
    assert "No pre-screen matches" in html


def test_a_pre_screen_leads_with_what_is_present(reception):
    client = signed_in(reception)
    record = reception["examples"]["emergency"]
    status, _, html = client.request(f"/prescreens/{record.reference}")
    assert status == 200
    assert "Go to the emergency room" in html
    present = html.index('id="present-title"')
    absent = html.index("Reported absent")
    assert present < absent
    alert = re.search(r'<div class="finding finding--alert">(.*?)</div>', html, re.S).group(1)
    assert "Danger signs" in alert and "Numbness in the saddle area" in alert
    assert html.index("Danger signs", present) < html.index("Where it hurts most", present)  # alerts first
    assert "Nerve-type symptoms" in html[absent:]  # "none" is listed with the absent, not as a finding


def test_the_print_view_and_the_exports(reception):
    client = signed_in(reception)
    record = reception["examples"]["urgent"]
    status, _, html = client.request(f"/prescreens/{record.reference}/print")
    assert status == 200 and record.reference in html and "Printed" in html and "alice" in html
    assert "/static/print.js" in html and "<script>" not in html
    status, headers, body = client.request(f"/prescreens/{record.reference}/export/fhir")
    assert status == 200 and headers["content-type"].startswith("application/fhir+json")
    assert f'filename="{record.reference}.fhir.json"' in headers["content-disposition"]
    bundle = json.loads(body)  # a Bundle: the pre-screen's response first, then any check-ins'
    assert bundle["resourceType"] == "Bundle" and len(bundle["entry"]) == 1
    response = bundle["entry"][0]["resource"]
    assert check_response(response) == []
    assert from_questionnaire_response(response)["findings"] == record.findings
    status, headers, body = client.request(f"/prescreens/{record.reference}/export/json")
    assert status == 200 and json.loads(body)["reference"] == record.reference
    status, _, body = client.request("/fhir/Questionnaire/pht-prescreen")
    assert status == 200 and json.loads(body)["resourceType"] == "Questionnaire"
    assert client.request(f"/prescreens/{record.reference}/export/pdf")[0] == 404
    assert client.request("/prescreens/PHT-ZZZZZ")[0] == 404


def test_deleting_a_persons_data_needs_the_csrf_token_and_goes_through_rasa(reception):
    client = signed_in(reception)
    records = reception["records"]
    record = stored(records, "delete-me", CLASSIC)
    second = stored(records, "delete-me", CLASSIC)
    status, _, html = client.request(f"/prescreens/{record.reference}/delete")
    assert status == 200 and second.reference in html  # the same person's other pre-screen is named
    status, _, _ = client.request(f"/prescreens/{record.reference}/delete", {"csrf_token": "forged"})
    assert status == 400 and records.get(record.reference) is not None and "delete-me" not in FakeRasa.forgotten
    token = client.csrf(f"/prescreens/{record.reference}")
    status, headers, _ = client.request(f"/prescreens/{record.reference}/delete", {"csrf_token": token})
    assert status == 303 and headers["location"].startswith("/?deleted=")
    assert FakeRasa.forgotten[-1] == "delete-me" and records.of_sender("delete-me") == []
    assert records.get(reception["examples"]["routine"].reference) is not None


def test_signing_out_ends_the_session(reception):
    client = signed_in(reception)
    token = client.csrf("/")
    assert client.request("/logout", {"csrf_token": token})[0] == 303
    assert client.request("/")[0] == 303


def test_a_corrected_pre_screen_shows_the_one_it_replaces(reception):
    client = signed_in(reception)
    earlier = reception["examples"]["routine"]
    result = assess(CLASSIC)
    result.update({"skipped": [], "unsure": [], "replaces": earlier.reference})
    corrected = reception["records"].add(NewPrescreen(
        channel="socketio", sender_id="routine-person", assessment=result,
        consent={"status": "given", "by": "patient", "at": "2026-11-29T10:00:00+00:00"},
        engine_version="2.0", knowledge_version="2+abc"))
    _, _, html = client.request(f"/prescreens/{corrected.reference}")
    assert f'replaces <a class="reference" href="/prescreens/{earlier.reference}">{earlier.reference}</a>' in html
    _, _, listing = client.request("/")
    assert f"replaces {earlier.reference}" in listing
    _, _, original = client.request(f"/prescreens/{earlier.reference}")
    assert "replaces" not in original.split('id="about-title"')[0]
