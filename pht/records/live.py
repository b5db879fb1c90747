"""Live updates for the reception page: "something changed, look again".

A person asks for someone (the action server), staff take a conversation over or hand it back
(any reception replica): each says so with `publish()`. The reception page's event streams wait
with `Subscription.wait()` and then read the lists again through `Records`.

With REDIS_URL, through Redis pub/sub: every replica hears every change at once. Without it,
the records database is the shared state (as for the reception's sessions): a change made in
this process wakes its streams at once, and any other change is seen at the stream's next look
at the database (`wait` returns after `seconds` anyway). No message carries anything about a
person: only that something changed. A stream waits without holding a thread: the page may
have many open.
"""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Optional

logger = logging.getLogger(__name__)

CHANNEL = "reception:changes"
LOCAL_LOOK_SECONDS = 0.25  # how often a waiting stream looks at this process's own change count


class Changes:
    """Publish and wait for changes; Redis pub/sub when a URL is given."""

    def __init__(self, redis_url: Optional[str] = None, prefix: str = "pht") -> None:
        self.channel = f"{prefix}:{CHANNEL}"
        self.redis_url = redis_url
        self.published = 0  # changes made in this process: its own streams need no Redis to hear them
        self._redis: Any = None
        if redis_url:
            import redis

            self._redis = redis.Redis.from_url(redis_url, socket_timeout=5)

    def publish(self) -> None:
        """Tell every waiter, in every replica, that something changed (never fails the caller)."""
        self.published += 1
        if self._redis is not None:
            try:
                self._redis.publish(self.channel, b"1")
            except Exception as error:  # noqa: BLE001 (the page falls back on its next look)
                logger.warning("Could not publish a reception change to Redis: %s", type(error).__name__)

    def subscribe(self) -> "Subscription":
        return Subscription(self)


class Subscription:
    """One waiter (one open event stream), in the event loop; `close()` when the stream ends."""

    def __init__(self, changes: Changes) -> None:
        self.changes = changes
        self.seen = changes.published
        self._pubsub: Any = None
        self._client: Any = None

    async def _subscribed(self) -> Any:
        if self._pubsub is None and self.changes.redis_url:
            try:
                from redis import asyncio as aioredis

                self._client = aioredis.Redis.from_url(self.changes.redis_url, socket_timeout=5)
                self._pubsub = self._client.pubsub(ignore_subscribe_messages=True)
                await self._pubsub.subscribe(self.changes.channel)
            except Exception as error:  # noqa: BLE001 (looking at the database still works)
                logger.warning("Could not subscribe to reception changes in Redis: %s", type(error).__name__)
                self._pubsub = None
        return self._pubsub

    async def wait(self, seconds: float) -> bool:
        """Up to `seconds` for a change; whether one was heard."""
        deadline = time.monotonic() + seconds
        pubsub = await self._subscribed()
        while time.monotonic() < deadline:
            if self.changes.published != self.seen:
                self.seen = self.changes.published
                return True
            step = min(LOCAL_LOOK_SECONDS, max(0.0, deadline - time.monotonic()))
            if pubsub is None:
                await asyncio.sleep(step)
                continue
            try:  # a subscription's own confirmation is read, and ignored, first
                if await pubsub.get_message(timeout=step) is not None:
                    return True
            except Exception:  # noqa: BLE001 (Redis went away: the database is looked at anyway)
                pubsub = self._pubsub = None
        return False

    async def close(self) -> None:
        try:
            if self._pubsub is not None:
                await self._pubsub.close()
            if self._client is not None:
                await self._client.close()
        except Exception:  # noqa: BLE001
            pass
