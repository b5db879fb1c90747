"""Reception sign-in (issue 18): sessions kept on the server and ended for real (sign-out,
`remove-user`, idle and absolute expiry) in every replica; a login back-off that slows
guessing without locking the real user out; the client address from trusted proxies only;
audit lines that no input can forge. Two replicas of the page on one records database, over
real HTTP; a clock the test moves instead of waiting."""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import subprocess
import sys
from typing import Dict, Optional

import pytest

from pht.reception.sessions import BACKOFF, FORGET_AFTER, TOUCH_EVERY, LoginThrottle, RedisSessions, Sessions
from pht.reception.users import Users
from pht.records import Records, settings
from harness.servers import ROOT
from services import REDIS_URL
from test_reception_web import PASSWORD, Client, serve_reception
from web.reception.app import create_app


class Clock:
    """The time the pages see; a test moves it on."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.timezone.utc)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


class Site:
    """The reception page's servers (replicas) on one records database and var/ folder."""

    def __init__(self, folder, **env: str) -> None:
        self.env = {"PHT_VAR_DIR": str(folder), "DATABASE_URL": f"sqlite:///{folder / 'records.db'}", **env}
        self.config = settings(self.env)
        self.clock = Clock()
        self.servers = []
        Users(self.config).add("alice", PASSWORD)

    def replica(self, trusted_proxies: Optional[list] = None) -> str:
        """One more page server, with its own connection to the database (nothing shared in memory)."""
        app = create_app(self.config, Records(config=self.config), clock=self.clock)
        port, server, thread = serve_reception(app, trusted_proxies)
        self.servers.append((server, thread))
        return f"http://127.0.0.1:{port}"

    def cli(self, *argv: str) -> subprocess.CompletedProcess:
        """The staff CLI in a process of its own."""
        return subprocess.run([sys.executable, "-m", "pht.reception", *argv], cwd=ROOT, capture_output=True,
                              text=True, timeout=120, env={**os.environ, **self.env})

    def stop(self) -> None:
        for server, thread in self.servers:
            server.should_exit = True
            thread.join(timeout=10)


@pytest.fixture
def site(tmp_path):
    running = Site(tmp_path)
    yield running
    running.stop()


def signed_in(url: str) -> Client:
    client = Client(url)
    status, headers, _ = client.login()
    assert status == 303 and headers["location"] == "/"
    return client


def session_cookie(client: Client) -> Dict[str, str]:
    return {cookie.name: cookie.value for cookie in client.cookies}


def with_cookies(url: str, cookies: Dict[str, str]) -> Client:
    """Another browser holding a copy of these cookies (a stolen or kept cookie)."""
    import http.cookiejar

    client = Client(url)
    for name, value in cookies.items():
        client.cookies.set_cookie(http.cookiejar.Cookie(
            0, name, value, None, False, "127.0.0.1", False, False, "/", True, False, None, False, None, None, {}))
    return client


# --- sessions -----------------------------------------------------------------------------------

def test_the_cookie_holds_only_a_random_id_and_the_session_works_on_every_replica(site):
    first, second = site.replica(), site.replica()
    client = signed_in(first)
    cookies = session_cookie(client)
    assert "alice" not in "".join(cookies.values()) and len(cookies["pht_session"]) >= 40
    assert with_cookies(second, cookies).request("/")[0] == 200


def test_a_cookie_kept_after_sign_out_opens_nothing_on_any_replica(site):
    first, second = site.replica(), site.replica()
    client = signed_in(first)
    kept = session_cookie(client)
    token = client.csrf("/")
    assert with_cookies(second, kept).request("/logout", {"csrf_token": token})[0] == 303  # signed out on the other
    for url in (first, second):
        assert with_cookies(url, kept).request("/")[0] == 303  # back to the login page


def test_remove_user_ends_every_session_of_that_user_at_once(site):
    first, second = site.replica(), site.replica()
    desk, office = signed_in(first), signed_in(second)
    Users(site.config).add("bob", PASSWORD)
    other = Client(first)
    assert other.login(name="bob")[0] == 303
    removed = site.cli("remove-user", "alice")
    assert removed.returncode == 0 and "2 signed-in session(s) ended" in removed.stdout
    assert desk.request("/")[0] == 303 and office.request("/")[0] == 303
    assert other.request("/")[0] == 200  # bob is still signed in


def test_a_session_ends_when_unused_for_a_while_and_after_its_hours_in_any_case(site):
    url = site.replica()
    client = signed_in(url)
    site.clock.advance(minutes=site.config.session_idle_minutes - 1)
    assert client.request("/")[0] == 200
    site.clock.advance(minutes=site.config.session_idle_minutes + 1)
    assert client.request("/")[0] == 303  # idle too long
    client = signed_in(url)
    signed_in_at, lifetime = site.clock.now, dt.timedelta(hours=site.config.session_hours)
    while site.clock.now - signed_in_at + dt.timedelta(minutes=10) <= lifetime:
        site.clock.advance(minutes=10)
        assert client.request("/")[0] == 200  # in use all along ...
    site.clock.advance(minutes=10)
    assert client.request("/")[0] == 303  # ... and still over after its hours


# --- the login back-off ---------------------------------------------------------------------------

def test_guesses_are_slowed_but_the_real_user_signs_in_after_a_short_wait(site):
    url = site.replica()
    attacker, alice = Client(url), Client(url)
    name = BACKOFF["name"]
    checked = 0
    for _ in range(name.free + 6):
        status, _, _ = attacker.login(password="a guess")
        checked += status == 401
    assert checked == name.free  # the free ones are checked; then nothing until the wait is over
    status, _, html = alice.login()
    assert status == 429 and "wait" in html  # even with the right password: no oracle during the wait
    site.clock.advance(seconds=name.cap_seconds)  # at most the cap: seconds, not a quarter of an hour
    status, headers, _ = alice.login()
    assert status == 303 and headers["location"] == "/"
    status, _, _ = attacker.login(password="a new guess")
    assert status == 401  # the count began again with alice's success: checked, and wrong


def test_two_replicas_count_the_same_failures(site):
    first, second = site.replica(), site.replica()
    for number in range(BACKOFF["name"].free):
        assert Client(first if number % 2 else second).login(password="a guess")[0] == 401
    assert Client(first).login(password="a guess")[0] == 429
    assert Client(second).login(password="a guess")[0] == 429


def test_a_made_up_x_forwarded_for_does_not_change_the_address(site, caplog):
    url = site.replica()  # no trusted proxy, as under `make run`
    caplog.set_level(logging.INFO, logger="reception.audit")
    client = Client(url)
    client.opener.addheaders = [("X-Forwarded-For", "203.0.113.9")]
    client.login(password="a guess")
    [entry] = [json.loads(record.getMessage()) for record in caplog.records if record.name == "reception.audit"]
    assert entry["event"] == "login_failed" and entry["client"] == "127.0.0.1"


def test_the_address_limit_holds_whatever_x_forwarded_for_says(site):
    url = site.replica()
    limit = BACKOFF["address"].free
    for number in range(limit):
        client = Client(url)
        client.opener.addheaders = [("X-Forwarded-For", f"198.51.100.{number}")]
        assert client.login(name=f"guess{number}", password="a guess")[0] == 401
    client = Client(url)
    client.opener.addheaders = [("X-Forwarded-For", "198.51.100.250")]
    assert client.login(name="someone-new", password="a guess")[0] == 429


def test_behind_one_busy_address_a_colleagues_sign_in_does_not_slow_the_next(site):
    """Past the address's free failures an attempt holds the address while it is checked; a
    success gives it back, so the front desk's sign-ins do not each wait for the one before."""
    a_colleagues_sign_in_does_not_slow_the_next(site)


def a_colleagues_sign_in_does_not_slow_the_next(site: Site) -> None:
    throttle = LoginThrottle(site.config, Records(config=site.config), clock=site.clock)
    for number in range(BACKOFF["address"].free):
        throttle.failed(*throttle.keys(f"guess{number}", "192.0.2.7"))
    site.clock.advance(seconds=BACKOFF["address"].cap_seconds)
    alice = throttle.claim(*throttle.keys("alice", "192.0.2.7"))
    assert alice.wait == 0
    assert throttle.claim(*throttle.keys("bob", "192.0.2.7")).wait > 0  # held while alice's is checked
    throttle.succeeded(throttle.keys("alice", "192.0.2.7")[0], alice)
    assert throttle.claim(*throttle.keys("bob", "192.0.2.7")).wait == 0  # given back by her success


def test_behind_a_trusted_proxy_the_address_is_the_one_it_forwards(site, caplog):
    url = site.replica(trusted_proxies=["127.0.0.1"])
    caplog.set_level(logging.INFO, logger="reception.audit")
    client = Client(url)
    client.opener.addheaders = [("X-Forwarded-For", "203.0.113.9")]
    client.login(password="a guess")
    [entry] = [json.loads(record.getMessage()) for record in caplog.records if record.name == "reception.audit"]
    assert entry["client"] == "203.0.113.9"


def test_failures_are_forgotten_after_a_quiet_while(site):
    failures_are_forgotten_after_a_quiet_while(site)


def failures_are_forgotten_after_a_quiet_while(site: Site) -> None:
    throttle = LoginThrottle(site.config, Records(config=site.config), clock=site.clock)
    keys = throttle.keys("carol", "192.0.2.1")
    for _ in range(BACKOFF["name"].free + 3):
        throttle.failed(*keys)
    assert throttle.wait_seconds(*keys) > 0
    site.clock.advance(seconds=FORGET_AFTER.total_seconds() + 1)
    assert throttle.wait_seconds(*keys) == 0
    throttle.failed(*keys)
    assert throttle.wait_seconds(*keys) == 0  # counting again from one


# --- the audit log ----------------------------------------------------------------------------------

def test_a_new_line_in_a_login_name_cannot_forge_an_audit_line(site, caplog):
    url = site.replica()
    caplog.set_level(logging.INFO, logger="reception.audit")
    forged = 'mallory\n2026-12-02 09:00:00 INFO reception.audit - alice logged in\n{"event": "login", "user": "alice"}'
    Client(url).login(name=forged, password="a guess")
    signed_in(url)
    lines = [record.getMessage() for record in caplog.records if record.name == "reception.audit"]
    assert all("\n" not in line for line in lines)
    entries = [json.loads(line) for line in lines]
    assert [entry["event"] for entry in entries] == ["login_failed", "login"]
    assert entries[0]["user"] == forged.strip() and entries[1]["user"] == "alice"
    assert set(entries[1]) >= {"time", "event", "user", "reference", "client"}


# --- the same, with REDIS_URL set (make test-scale) -------------------------------------------------

@pytest.fixture
def redis_site(tmp_path, redis_prefix):
    running = Site(tmp_path, REDIS_URL=REDIS_URL, REDIS_KEY_PREFIX=redis_prefix)
    yield running
    running.stop()


@pytest.mark.services
def test_with_redis_replicas_share_sessions_and_remove_user_ends_them_all(redis_site):
    first, second = redis_site.replica(), redis_site.replica()
    desk = signed_in(first)
    assert with_cookies(second, session_cookie(desk)).request("/")[0] == 200
    office = signed_in(second)
    removed = redis_site.cli("remove-user", "alice")
    assert removed.returncode == 0 and "2 signed-in session(s) ended" in removed.stdout
    assert desk.request("/")[0] == 303 and office.request("/")[0] == 303


@pytest.mark.services
def test_with_redis_replicas_count_the_same_failures(redis_site):
    first, second = redis_site.replica(), redis_site.replica()
    for number in range(BACKOFF["name"].free):
        assert Client(first if number % 2 else second).login(password="a guess")[0] == 401
    assert Client(first).login(password="a guess")[0] == 429
    assert Client(second).login(password="a guess")[0] == 429
    redis_site.clock.advance(seconds=BACKOFF["name"].cap_seconds)
    assert Client(second).login()[0] == 303


@pytest.mark.services
def test_with_redis_failures_are_forgotten_after_a_quiet_while_by_the_pages_clock(redis_site):
    """The count starts again from one after FORGET_AFTER by the clock the pages use, not when
    Redis happens to expire the key (which a moved clock does not reach)."""
    failures_are_forgotten_after_a_quiet_while(redis_site)


@pytest.mark.services
def test_with_redis_a_session_signed_out_while_another_replica_touches_it_stays_ended(redis_site, monkeypatch):
    """Replica A reads a session to mark it used; replica B signs it out before A writes back:
    A's write must not bring the session back."""
    sessions = Sessions(redis_site.config, clock=redis_site.clock)
    session = sessions.start("alice")
    other_replica = Sessions(redis_site.config, clock=redis_site.clock)
    original_get, reads = RedisSessions.get, []

    def get_then_signed_out_elsewhere(store, id_hash):
        found = original_get(store, id_hash)
        reads.append(store)
        if found is not None and reads.count(sessions.store) == 2:  # the read to mark it used
            other_replica.end(session.id)
        return found

    monkeypatch.setattr(RedisSessions, "get", get_then_signed_out_elsewhere)
    redis_site.clock.now += TOUCH_EVERY * 2  # so that finding it writes its last use back
    sessions.find(session.id)
    monkeypatch.undo()
    assert other_replica.find(session.id) is None


@pytest.mark.services
def test_with_redis_behind_one_busy_address_a_colleagues_sign_in_does_not_slow_the_next(redis_site):
    a_colleagues_sign_in_does_not_slow_the_next(redis_site)
