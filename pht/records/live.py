"""Live updates for the reception page: "something changed, look again".

A person asks for someone (the action server), staff take a conversation over or hand it back
(any reception replica), a pre-screen ends: each says so with `publish()`. The reception page's
event stream waits with `wait()` and then reads the lists again through `Records`.

With REDIS_URL, through Redis pub/sub: every replica hears every change at once. Without it,
the records database is the shared state (as for the reception's sessions): nothing is sent,
and `wait()` simply lets the poll interval pass, so the page sees a change within seconds.
No message carries anything about a person: only that something changed.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Any, Optional

logger = logging.getLogger(__name__)

CHANNEL = "reception:changes"


class Changes:
    """Publish and wait for changes; Redis pub/sub when a URL is given, else polling."""

    def __init__(self, redis_url: Optional[str] = None, prefix: str = "pht") -> None:
        self.channel = f"{prefix}:{CHANNEL}"
        self._redis: Any = None
        self._local = threading.Event()  # a change made in this process wakes its own waiters at once
        if redis_url:
            import redis

            self._redis = redis.Redis.from_url(redis_url, socket_timeout=5)

    def publish(self) -> None:
        """Tell every waiter, in every replica, that something changed (never fails the caller)."""
        self._local.set()
        if self._redis is not None:
            try:
                self._redis.publish(self.channel, b"1")
            except Exception as error:  # noqa: BLE001 (the page falls back on its next poll)
                logger.warning("Could not publish a reception change to Redis: %s", type(error).__name__)

    def subscribe(self) -> "Subscription":
        return Subscription(self)


class Subscription:
    """One waiter (one open event stream); close it when the stream ends."""

    def __init__(self, changes: Changes) -> None:
        self.changes = changes
        self._pubsub: Any = None
        if changes._redis is not None:
            try:
                self._pubsub = changes._redis.pubsub(ignore_subscribe_messages=True)
                self._pubsub.subscribe(changes.channel)
            except Exception as error:  # noqa: BLE001 (polling still works)
                logger.warning("Could not subscribe to reception changes in Redis: %s", type(error).__name__)
                self._pubsub = None

    def wait(self, seconds: float) -> bool:
        """Block up to `seconds` (in a worker thread) for a change; whether one was heard."""
        if self._pubsub is not None:
            deadline = time.monotonic() + seconds
            try:
                while time.monotonic() < deadline:  # a subscription's own confirmation is read, and ignored, first
                    if self._pubsub.get_message(timeout=max(0.0, deadline - time.monotonic())) is not None:
                        return True
                return False
            except Exception:  # noqa: BLE001
                self._pubsub = None
        heard = self.changes._local.wait(seconds)
        self.changes._local.clear()
        return heard

    def close(self) -> None:
        if self._pubsub is not None:
            try:
                self._pubsub.close()
            except Exception:  # noqa: BLE001
                pass
