"""Conversation locks: one message of a conversation at a time, across every Rasa process.

Rasa handles a conversation's messages one at a time under a ticket lock (first come, first
served), so two messages of one person never load the same state and save over each other.
`endpoints.yml` names `ConversationLockStore`, which is, by `rasa_server/settings.py`:
- `REDIS_URL` set: the locks in Redis, shared by every replica and Sanic worker;
- unset: Rasa's in-memory store, right for one process (and refused with `SANIC_WORKERS` > 1,
  which Rasa would otherwise allow for a lock store it does not know).

Rasa 3.6's `RedisLockStore` has two faults that show only with several replicas:
- It reads a lock, changes it in Python and writes it back, with nothing stopping another
  replica in between. Two messages of one conversation arriving at two replicas at once can
  then both get ticket 0 and run together, or one replica deletes the lock while the other is
  queueing on it. `SharedLockStore` does each read-change-write as one Redis transaction
  (WATCH/MULTI/EXEC, retried when the lock changed meanwhile).
- A ticket expires a fixed time after it was issued, waiting included. When a replica dies
  holding a conversation's lock, the message queued behind it (sent within the same second)
  expires with it, and is dropped ("Could not acquire lock"; the REST channel answers it with
  nothing). Here a queued message keeps its ticket alive while it waits; only a dead
  replica's ticket runs out (`TICKET_LOCK_LIFETIME`, 60 s by default), then the next goes.
The ticket lock itself (`rasa.core.lock.TicketLock`: first come, first served) is Rasa's.
"""
from __future__ import annotations

import asyncio
import json
import time
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Callable, Optional, Text, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import (
    DEFAULT_REDIS_LOCK_STORE_KEY_PREFIX,
    DEFAULT_SOCKET_TIMEOUT_IN_SECONDS,
    LOCK_LIFETIME,
    InMemoryLockStore,
    LockError,
    LockStore,
    RedisLockStore,
)
from rasa.utils.endpoints import EndpointConfig

from .settings import ServerSettings

Result = TypeVar("Result")


class SharedLockStore(RedisLockStore):
    """Rasa's Redis lock store, with every change of a lock atomic."""

    def __init__(self, url: Text, key_prefix: Text, socket_timeout: float = DEFAULT_SOCKET_TIMEOUT_IN_SECONDS) -> None:
        import redis

        self.red = redis.Redis.from_url(url, socket_timeout=socket_timeout)
        self.key_prefix = DEFAULT_REDIS_LOCK_STORE_KEY_PREFIX
        self._set_key_prefix(key_prefix)  # Rasa's: "<prefix>:lock:" for a prefix of letters and digits
        LockStore.__init__(self)

    def _change(self, conversation_id: Text, change: Callable[[TicketLock], Result]) -> Result:
        """Apply `change` to the conversation's lock (a new one if there is none) in one Redis
        transaction, and store the result; a lock with no tickets left is deleted."""
        key = self.key_prefix + conversation_id

        def attempt(pipe: Any) -> Result:
            stored = pipe.get(key)  # immediate, the key being watched
            lock = TicketLock.from_dict(json.loads(stored)) if stored else self.create_lock(conversation_id)
            result = change(lock)
            pipe.multi()
            if lock.is_someone_waiting():
                pipe.set(key, lock.dumps())
            else:
                pipe.delete(key)
            return result

        return self.red.transaction(attempt, key, value_from_callable=True)

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        try:
            return self._change(conversation_id, lambda lock: lock.issue_ticket(lock_lifetime))
        except Exception as error:  # Rasa's own contract: any failure here is a LockError
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: Text) -> None:
        self._change(conversation_id, lambda lock: lock.remove_expired_tickets())

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        self._change(conversation_id, lambda lock: lock.remove_ticket_for(ticket_number))

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        """Give up the ticket; the lock goes with the last ticket (one step, not Rasa's three)."""
        self.finish_serving(conversation_id, ticket_number)

    @asynccontextmanager
    async def lock(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME,
                   wait_time_in_seconds: float = 1) -> AsyncIterator[TicketLock]:
        """Rasa's `LockStore.lock`, waiting with `wait_for_turn`."""
        ticket = self.issue_ticket(conversation_id, lock_lifetime)
        try:
            yield await self.wait_for_turn(conversation_id, ticket, lock_lifetime, wait_time_in_seconds)
        finally:
            self.cleanup(conversation_id, ticket)

    async def wait_for_turn(self, conversation_id: Text, ticket: int, lifetime: float,
                            wait_time_in_seconds: float) -> TicketLock:
        """The lock, once `ticket` is the one served; until then the ticket is kept alive (its
        expiry moved to `lifetime` from now at every look), expired tickets are dropped."""
        while True:
            lock = self._change(conversation_id, lambda lock: _still_waiting(lock, ticket, lifetime))
            if lock is None:
                raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")
            if not lock.is_locked(ticket):
                return lock
            await asyncio.sleep(wait_time_in_seconds)


def _still_waiting(lock: TicketLock, ticket: int, lifetime: float) -> Optional[TicketLock]:
    """Drop expired tickets and keep `ticket` alive; None if it is gone already."""
    lock.remove_expired_tickets()
    waiting = lock._ticket_for_ticket_number(ticket)
    if waiting is None:
        return None
    waiting.expires = max(waiting.expires, time.time() + lifetime)
    return lock


class ConversationLockStore(LockStore):
    """What `endpoints.yml` names: builds the lock store the environment asks for.

    Rasa creates a custom lock store as `ConversationLockStore(endpoint_config=...)`; that call
    returns a `SharedLockStore` or Rasa's `InMemoryLockStore`, not an instance of this class.
    """

    def __new__(cls, endpoint_config: Optional[EndpointConfig] = None) -> LockStore:  # type: ignore[misc]
        return lock_store(ServerSettings.from_env())


def lock_store(settings: ServerSettings) -> LockStore:
    if settings.redis_url:
        return SharedLockStore(settings.redis_url, settings.redis_key_prefix)
    if settings.sanic_workers > 1:
        raise ValueError(f"SANIC_WORKERS={settings.sanic_workers} needs REDIS_URL: Sanic workers are separate "
                         "processes and share conversation locks only through Redis.")
    return InMemoryLockStore()
