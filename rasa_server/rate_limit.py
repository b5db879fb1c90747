"""Floods: how many messages one conversation, and how many new conversations one REST caller,
may send in a window of `rate_limit_window_seconds` (RATE_LIMIT_WINDOW_SECONDS, pht/settings.py).

- A conversation (any channel): after `max_messages_per_conversation` messages in a window,
  the next ones are not read; the person gets the calm `utter_slow_down`, and nothing is
  stored (rasa_server/guards.py), until the window ends.
- A REST caller (channels/rest.py): after `max_new_conversations_per_caller` different
  conversations in a window, a message for yet another one gets 429; its conversations so
  far go on. So neither a flood into one conversation nor a flood of new ones fills the
  reception list with records.

The windows are fixed (the count starts again at each multiple of the window), which needs
one counter per key and no clock shared between processes.

Where the counts are kept: in Redis when `REDIS_URL` is set, shared by every replica and
Sanic worker like the conversation locks (rasa_server/lock_store.py). Otherwise in the Rasa
server's memory: without `REDIS_URL` the server must be one process (its conversation locks
are in that memory too, and `SANIC_WORKERS` > 1 is refused), so the memory sees every
message there is. A restart forgets the counts, which only gives a flood a fresh window. Not
the database: a write per message would add to every turn for a number that matters for a
minute. When Redis cannot be reached, messages are let through (and it is logged): the
conversation locks fail loudly in that case anyway, and a rate limit must not be what stops
the assistant.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Dict, Optional, Set, Tuple

from pht.settings import load_settings

from .settings import ServerSettings

logger = logging.getLogger(__name__)


class MemoryCounts:
    """Counts of the current window in this process (older windows are dropped)."""

    def __init__(self) -> None:
        self.window: Optional[int] = None
        self.counts: Dict[str, int] = {}
        self.members: Dict[str, Set[str]] = {}

    def _current(self, window: int) -> None:
        if window != self.window:
            self.window, self.counts, self.members = window, {}, {}

    def increment(self, key: str, window: int, _seconds: float) -> int:
        self._current(window)
        self.counts[key] = self.counts.get(key, 0) + 1
        return self.counts[key]

    def add(self, key: str, member: str, window: int, _seconds: float) -> Tuple[bool, int]:
        self._current(window)
        members = self.members.setdefault(key, set())
        added = member not in members
        members.add(member)
        return added, len(members)

    def remove(self, key: str, member: str, window: int) -> None:
        self.members.get(key, set()).discard(member)


class RedisCounts:
    """Counts in Redis, each key expiring with its window."""

    def __init__(self, url: str, key_prefix: str) -> None:
        import redis

        self.red = redis.Redis.from_url(url, socket_timeout=2)
        self.prefix = f"{key_prefix}:rate:"

    def _key(self, key: str, window: int) -> str:
        return f"{self.prefix}{key}:{window}"

    def increment(self, key: str, window: int, seconds: float) -> int:
        pipe = self.red.pipeline()
        pipe.incr(self._key(key, window))
        pipe.expire(self._key(key, window), int(seconds) + 1)
        return int(pipe.execute()[0])

    def add(self, key: str, member: str, window: int, seconds: float) -> Tuple[bool, int]:
        pipe = self.red.pipeline()
        pipe.sadd(self._key(key, window), member)
        pipe.expire(self._key(key, window), int(seconds) + 1)
        pipe.scard(self._key(key, window))
        added, _, size = pipe.execute()
        return bool(added), int(size)

    def remove(self, key: str, member: str, window: int) -> None:
        self.red.srem(self._key(key, window), member)


@dataclass
class Limits:
    counts: Any  # MemoryCounts or RedisCounts
    window_seconds: float
    messages_per_conversation: int
    new_conversations_per_caller: int
    clock: Callable[[], float] = time.time

    def _window(self) -> int:
        return int(self.clock() // self.window_seconds)

    def message_allowed(self, sender_id: str) -> bool:
        """Count a message into this conversation; False when it is over the limit."""
        try:
            count = self.counts.increment(f"conversation:{sender_id}", self._window(), self.window_seconds)
        except Exception as error:  # noqa: BLE001 (Redis down: let the message through)
            logger.warning("The rate limit could not be checked (%s); the message was let through.",
                           type(error).__name__)
            return True
        return count <= self.messages_per_conversation

    def conversation_allowed(self, caller: str, sender_id: str) -> bool:
        """Count a REST caller's conversation; False when it is one more than the caller may
        start in this window (a conversation it already wrote in this window always goes on)."""
        key, window = f"caller:{caller}", self._window()
        try:
            added, size = self.counts.add(key, sender_id, window, self.window_seconds)
            if added and size > self.new_conversations_per_caller:
                self.counts.remove(key, sender_id, window)
                return False
        except Exception as error:  # noqa: BLE001
            logger.warning("The rate limit could not be checked (%s); the message was let through.",
                           type(error).__name__)
        return True


@lru_cache(maxsize=1)
def limits() -> Limits:
    """The Rasa server's limits, from pht/settings.py (the environment), made once."""
    settings, server = load_settings(), ServerSettings.from_env()
    counts = RedisCounts(server.redis_url, server.redis_key_prefix) if server.redis_url else MemoryCounts()
    return Limits(counts, float(settings["rate_limit_window_seconds"]), int(settings["max_messages_per_conversation"]),
                  int(settings["max_new_conversations_per_caller"]))
