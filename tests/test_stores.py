"""Where conversations and their locks are kept, selected by the environment
(rasa_server/settings.py): SQLite and memory by default, PostgreSQL and Redis when set."""
import asyncio
import threading
import time

import pytest
import rasa.core.lock as rasa_lock
import sqlalchemy as sa
from rasa.core.lock import TicketLock
from rasa.core.lock_store import InMemoryLockStore, RedisLockStore
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

import rasa_server.lock_store as lock_store_module
from rasa_server.lock_store import ConversationLockStore, SharedLockStore
from pht.records.settings import settings as records_settings
from rasa_server.settings import ServerSettings
from rasa_server.tracker_store import ConversationStore
from services import REDIS_URL

pytestmark = pytest.mark.services
LOCKS = EndpointConfig(type="rasa_server.lock_store.ConversationLockStore")


def test_unset_variables_mean_one_machine_and_postgres_urls_are_taken_in_either_spelling():
    assert ServerSettings.from_env({}) == ServerSettings(None, None, "pht", None, 1)
    settings = ServerSettings.from_env({"DATABASE_URL": "postgres://pht:secret@db:5432/pht", "SANIC_WORKERS": "3"})
    assert settings.database_url == "postgresql://pht:secret@db:5432/pht"
    assert settings.sanic_workers == 3
    # the pre-screen records share the database, and read the variable the same way
    assert records_settings({"DATABASE_URL": "postgres://pht:secret@db:5432/pht"}).database_url == settings.database_url


def test_conversations_go_to_the_database_in_database_url(database, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", database.url)
    store = ConversationStore(dialect="sqlite", db=str(tmp_path / "unused.db"))  # endpoints.yml's SQLite is ignored
    assert store.engine.dialect.name == "postgresql" and store.engine.url.database == database.name
    tracker = DialogueStateTracker.from_events("someone", [UserUttered("hi"), SlotSet("onset", "gradual")])
    asyncio.run(store.save(tracker))
    again = asyncio.run(ConversationStore().retrieve("someone"))  # another replica reads it
    assert [event.as_dict()["event"] for event in again.events] == ["user", "slot"]
    assert not (tmp_path / "unused.db").exists()
    with sa.create_engine(database.url).connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM events WHERE sender_id = 'someone'").scalar() == 2


def test_without_redis_the_locks_are_in_memory_and_several_workers_are_refused(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("SANIC_WORKERS", raising=False)
    assert isinstance(ConversationLockStore(endpoint_config=LOCKS), InMemoryLockStore)
    monkeypatch.setenv("SANIC_WORKERS", "2")
    with pytest.raises(ValueError, match="SANIC_WORKERS=2 needs REDIS_URL"):
        ConversationLockStore(endpoint_config=LOCKS)


def test_with_redis_url_the_locks_are_in_redis_under_the_key_prefix(monkeypatch, redis_prefix):
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    monkeypatch.setenv("REDIS_KEY_PREFIX", redis_prefix)
    store = ConversationLockStore(endpoint_config=LOCKS)
    assert isinstance(store, SharedLockStore)
    assert store.issue_ticket("someone") == 0
    assert store.red.exists(f"{redis_prefix}:lock:someone")
    store.cleanup("someone", 0)
    assert not store.red.exists(f"{redis_prefix}:lock:someone")


def _interleave(monkeypatch, other_replica_acts):
    """While the next lock change reads the lock and has not yet written it back, another
    replica does `other_replica_acts()`: the race two Rasa replicas can run into."""
    original = TicketLock.issue_ticket
    calls = []

    def issue_ticket(lock, lifetime):
        calls.append(lock)
        if len(calls) == 1:
            other_replica_acts()
        return original(lock, lifetime)

    monkeypatch.setattr(TicketLock, "issue_ticket", issue_ticket)


def test_rasas_redis_lock_store_gives_two_replicas_the_same_ticket_when_they_interleave(monkeypatch, redis_prefix):
    replica_a = RedisLockStore(host="127.0.0.1", db=0, key_prefix=redis_prefix)
    replica_b = RedisLockStore(host="127.0.0.1", db=0, key_prefix=redis_prefix)
    tickets = []
    _interleave(monkeypatch, lambda: tickets.append(replica_b.issue_ticket("someone")))
    tickets.append(replica_a.issue_ticket("someone"))
    assert tickets == [0, 0]  # both would be served at once: why SharedLockStore exists


def test_two_replicas_that_interleave_get_different_tickets(monkeypatch, redis_prefix):
    replica_a, replica_b = SharedLockStore(REDIS_URL, redis_prefix), SharedLockStore(REDIS_URL, redis_prefix)
    tickets = []
    _interleave(monkeypatch, lambda: tickets.append(replica_b.issue_ticket("someone")))
    tickets.append(replica_a.issue_ticket("someone"))
    assert tickets == [0, 1]
    lock = replica_a.get_lock("someone")
    assert not lock.is_locked(0) and lock.is_locked(1)


def test_a_replica_finishing_never_deletes_the_ticket_another_just_took(monkeypatch, redis_prefix):
    replica_a, replica_b = SharedLockStore(REDIS_URL, redis_prefix), SharedLockStore(REDIS_URL, redis_prefix)
    first = replica_a.issue_ticket("someone")
    original = TicketLock.remove_ticket_for
    taken = []

    def remove_ticket_for(lock, number):
        if not taken:  # between replica A reading the lock and writing it back
            taken.append(replica_b.issue_ticket("someone"))
        return original(lock, number)

    monkeypatch.setattr(TicketLock, "remove_ticket_for", remove_ticket_for)
    replica_a.cleanup("someone", first)
    lock = replica_b.get_lock("someone")
    assert lock is not None and not lock.is_locked(taken[0])


def test_two_replicas_never_handle_one_conversation_at_the_same_time(redis_prefix):
    """Each replica (a thread with its own event loop and Redis connection) takes the lock 15
    times and updates a shared count the slow way; a lost update means they overlapped."""
    count = {"value": 0, "overlaps": 0, "inside": 0}

    async def work(store):
        for _ in range(15):
            async with store.lock("someone", lock_lifetime=30, wait_time_in_seconds=0.005):
                count["inside"] += 1
                count["overlaps"] += count["inside"] > 1
                value = count["value"]
                time.sleep(0.002)
                count["value"] = value + 1
                count["inside"] -= 1

    replicas = [threading.Thread(target=lambda: asyncio.run(work(SharedLockStore(REDIS_URL, redis_prefix))))
                for _ in range(2)]
    for replica in replicas:
        replica.start()
    for replica in replicas:
        replica.join(timeout=60)
    assert (count["value"], count["overlaps"]) == (30, 0)


class FakeTime:
    """`time.time()` for the ticket locks (Rasa's `TicketLock` and ours), moved on by the test:
    expiry is decided by this clock, never by how long the test happened to take."""

    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def time(self) -> float:
        return self.now


def test_a_message_queued_behind_a_dead_replica_goes_next_when_the_dead_ones_ticket_runs_out(
        monkeypatch, redis_prefix):
    clock = FakeTime()
    monkeypatch.setattr(rasa_lock, "time", clock)
    monkeypatch.setattr(lock_store_module, "time", clock)
    dead, live = SharedLockStore(REDIS_URL, redis_prefix), SharedLockStore(REDIS_URL, redis_prefix)
    dead.issue_ticket("someone", lock_lifetime=1)  # took the lock, then died: never gives it back
    served = asyncio.Event()
    looks = {"count": 0}
    original = lock_store_module._still_waiting

    def still_waiting(lock, ticket, lifetime):
        looks["count"] += 1
        return original(lock, ticket, lifetime)

    monkeypatch.setattr(lock_store_module, "_still_waiting", still_waiting)

    async def queued():
        async with live.lock("someone", lock_lifetime=1, wait_time_in_seconds=0.001):
            served.set()

    async def looked_again(times: int) -> None:
        seen = looks["count"]
        while looks["count"] < seen + times:
            await asyncio.sleep(0.001)

    async def scenario():
        waiting = asyncio.create_task(queued())
        await looked_again(3)
        assert not served.is_set()  # the dead one's ticket has not run out
        clock.now += 0.6
        await looked_again(3)
        assert not served.is_set()  # still not: 0.6 of its 1 second
        clock.now += 0.6  # the dead one's ticket ran out; the queued one's (1 s too) was kept alive
        await asyncio.wait_for(waiting, 10)
        assert served.is_set()

    asyncio.run(scenario())
    assert live.get_lock("someone") is None
