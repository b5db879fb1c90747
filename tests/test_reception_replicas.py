"""Two reception pages in processes of their own share one login back-off (issue 21): the
manifests run two replicas, and a count kept in one process's memory would let five wrong
passwords become ten. On the records database (SQLite, as under `make run`, and PostgreSQL, as
deployed) and on Redis (REDIS_URL). The processes' clock is a file the test moves
(tests/reception_process.py), so nothing here waits or is timed."""
from __future__ import annotations

import threading
from typing import Dict, List

import pytest

from pht.reception.sessions import BACKOFF
from pht.reception.users import Users
from pht.records import Records, settings
from reception_process import START, FileClock, ReceptionProcess
from services import REDIS_URL
from test_reception_web import PASSWORD, Client


class Replicas:
    """Two reception processes on one var/ folder and records database (and Redis when given)."""

    def __init__(self, folder, **env: str) -> None:
        self.env = {"PHT_VAR_DIR": str(folder), "DATABASE_URL": f"sqlite:///{folder / 'records.db'}", **env}
        config = settings(self.env)
        Users(config).add("alice", PASSWORD)
        config.secret_key()  # made once here, not by two processes at once
        Records(config=config)  # the schema, migrated before either starts
        self.clock = FileClock(folder / "clock")
        self.clock.set(START)
        self.processes: List[ReceptionProcess] = []
        for number in (1, 2):
            self.processes.append(ReceptionProcess(self.env, self.clock, folder / f"reception-{number}.log").start())

    @property
    def urls(self) -> List[str]:
        return [process.url for process in self.processes]

    def stop(self) -> None:
        for process in self.processes:
            process.stop()


@pytest.fixture
def replicas(tmp_path):
    running = Replicas(tmp_path)
    yield running
    running.stop()


@pytest.fixture
def postgres_replicas(tmp_path, database):
    running = Replicas(tmp_path, DATABASE_URL=database.url)
    yield running
    running.stop()


@pytest.fixture
def redis_replicas(tmp_path, redis_prefix):
    running = Replicas(tmp_path, REDIS_URL=REDIS_URL, REDIS_KEY_PREFIX=redis_prefix)
    yield running
    running.stop()


def one_back_off_for_both(replicas: Replicas) -> None:
    first, second = replicas.urls
    name = BACKOFF["name"]
    for number in range(name.free):  # the free failures, alternating between the replicas
        assert Client(first if number % 2 else second).login(password="a guess")[0] == 401
    for url in (first, second):
        status, _, html = Client(url).login(password="a guess")
        assert status == 429 and "wait" in html  # not one more free guess on the other replica
        assert Client(url).login()[0] == 429  # nor the right password, during the wait
    replicas.clock.advance(seconds=name.cap_seconds)
    status, headers, _ = Client(second).login()
    assert status == 303 and headers["location"] == "/"  # the real user, after a short wait
    assert Client(first).login(password="a new guess")[0] == 401  # counting again from one


def guesses_at_the_same_moment_are_checked_once(replicas: Replicas) -> None:
    """Past the free failures, once the delay is over: twelve guesses arriving together, six
    on each replica, get one checked and eleven told to wait."""
    first, second = replicas.urls
    for number in range(BACKOFF["name"].free):
        assert Client(first if number % 2 else second).login(password="a guess")[0] == 401
    replicas.clock.advance(seconds=BACKOFF["name"].cap_seconds)
    clients = [Client(first if number % 2 else second) for number in range(12)]
    tokens = [client.csrf("/login") for client in clients]
    together = threading.Barrier(len(clients))
    statuses: Dict[int, int] = {}

    def guess(number: int) -> None:
        together.wait(timeout=30)
        form = {"csrf_token": tokens[number], "username": "alice", "password": f"guess {number}"}
        statuses[number] = clients[number].request("/login?next=/", form)[0]

    threads = [threading.Thread(target=guess, args=(number,)) for number in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(statuses.values()) == [401] + [429] * (len(clients) - 1)


def test_two_reception_processes_share_one_login_back_off(replicas):
    one_back_off_for_both(replicas)


def test_guesses_sent_together_to_two_processes_are_checked_once(replicas):
    guesses_at_the_same_moment_are_checked_once(replicas)


@pytest.mark.services
def test_with_redis_two_reception_processes_share_one_login_back_off(redis_replicas):
    one_back_off_for_both(redis_replicas)


@pytest.mark.services
def test_with_redis_guesses_sent_together_to_two_processes_are_checked_once(redis_replicas):
    guesses_at_the_same_moment_are_checked_once(redis_replicas)


@pytest.mark.services
def test_on_postgresql_guesses_sent_together_to_two_processes_are_checked_once(postgres_replicas):
    guesses_at_the_same_moment_are_checked_once(postgres_replicas)
