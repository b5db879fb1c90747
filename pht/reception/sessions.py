"""Reception sign-in sessions and the login back-off, kept where every replica sees them:
Redis when REDIS_URL is set, otherwise the records database (pht/records/reception_state.py).

Sessions. The browser's cookie holds only a random id (256 bits); the server keeps who it
belongs to, its CSRF token and its times, under the id's SHA-256. A session ends when it is
deleted: on sign-out, for every session of a user at once on `remove-user` (the staff CLI) or
a password change, after RECEPTION_SESSION_IDLE_MINUTES unused, and
RECEPTION_SESSION_HOURS after sign-in whatever happens. Nothing in the cookie can outlive that.

The login back-off slows guessing without locking the real user out. Each failed sign-in for
an account name, and each from a client address, counts; past a few free failures each
further attempt for that key must wait a delay that doubles with every failure, up to a short
cap (`BACKOFF`); a success clears the account's count, and counts are forgotten after a quiet
`FORGET_AFTER`. During the wait an attempt is refused *without checking the password*, and
the refusal does not count. Why not let the right password through during the wait? Because
then every guess would still be checked, and "refused" against "signed in" would tell the
attacker which guess was right at full speed: the back-off would slow nothing. So the real
user, after someone's guesses, waits out at most the cap (seconds, not the quarter of an hour
a hard lock cost) and then signs in; an attacker gets one checked guess per cap interval per
account, a few thousand a day against argon2 hashes of passwords of 10+ characters.
The address count is more generous (a front desk's computers may share an address), and
the address is the real client's only when a trusted proxy says so (web/reception/app.py).

Replicas (deploy/k8s runs two) agree because the counts are only in the shared store, changed
in one step each: a failure counted by one statement (database) or one Lua script (Redis), and
an attempt past the free failures granted by a compare-and-set on the latest failure's time
(`LoginThrottle.claim`), so guesses sent at the same moment to several replicas get one check.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterable, Optional, Tuple

from ..records import Records
from ..records.reception_state import DatabaseFailures, DatabaseSessions, StoredSession
from ..records.settings import Settings

Clock = Callable[[], dt.datetime]
TOUCH_EVERY = dt.timedelta(seconds=60)  # a session's last use is written at most this often


@dataclass(frozen=True)
class Backoff:
    free: int  # failures in a row before any wait
    first_seconds: float  # the first wait; each further failure doubles it ...
    cap_seconds: float  # ... up to this

    def wait(self, failures: int) -> float:
        if failures < self.free:
            return 0.0
        return min(self.first_seconds * 2 ** (failures - self.free), self.cap_seconds)


BACKOFF = {"name": Backoff(free=3, first_seconds=1, cap_seconds=30),
           "address": Backoff(free=20, first_seconds=1, cap_seconds=60)}
FORGET_AFTER = dt.timedelta(minutes=15)
CLAIM_TRIES = 5  # attempts to hold the keys while other replicas change them


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


@dataclass(frozen=True)
class Session:
    id: str  # what the cookie holds
    username: str
    csrf: str


class RedisSessions:
    """The same operations as DatabaseSessions, on Redis (keys expire on their own)."""

    def __init__(self, url: str, prefix: str, idle: dt.timedelta) -> None:
        import redis

        self.redis = redis.Redis.from_url(url, socket_timeout=5, decode_responses=True)
        self.prefix, self.idle = f"{prefix}:reception", idle

    def _key(self, id_hash: str) -> str:
        return f"{self.prefix}:session:{id_hash}"

    def _user(self, username: str) -> str:
        return f"{self.prefix}:user:{username}"

    @staticmethod
    def _value(session: StoredSession) -> str:
        return json.dumps({"username": session.username, "csrf": session.csrf,
                           "created": session.created.isoformat(), "last_seen": session.last_seen.isoformat()})

    def put(self, id_hash: str, session: StoredSession) -> None:
        idle = int(self.idle.total_seconds())
        with self.redis.pipeline() as pipe:  # MULTI: the session and its user's set together
            pipe.set(self._key(id_hash), self._value(session), ex=idle)
            pipe.sadd(self._user(session.username), id_hash)
            pipe.expire(self._user(session.username), idle)  # outlives each session put since
            pipe.execute()

    def get(self, id_hash: str) -> Optional[StoredSession]:
        value = self.redis.get(self._key(id_hash))
        if value is None:
            return None
        data = json.loads(value)
        return StoredSession(data["username"], data["csrf"], dt.datetime.fromisoformat(data["created"]),
                             dt.datetime.fromisoformat(data["last_seen"]))

    def touch(self, id_hash: str, when: dt.datetime) -> None:
        """Only a session that still exists (SET XX): one ended by another replica between the
        read and the write stays ended."""
        stored = self.get(id_hash)
        if stored is not None:
            self.redis.set(self._key(id_hash), self._value(replace(stored, last_seen=when)),
                           ex=int(self.idle.total_seconds()), xx=True)

    def delete(self, id_hash: str) -> None:
        self.redis.delete(self._key(id_hash))

    def delete_user(self, username: str) -> int:
        """Every session of the user, and the set naming them, in one transaction (WATCH on the
        set: a sign-in that adds to it meanwhile makes it run again, so none is left out)."""
        members = self._user(username)

        def delete_all(pipe: Any) -> None:  # redis-py's Pipeline, in immediate mode until multi()
            hashes = pipe.smembers(members)
            pipe.multi()
            if hashes:
                pipe.delete(*[self._key(id_hash) for id_hash in hashes])
            pipe.delete(members)

        results = self.redis.transaction(delete_all, members)  # the sessions' DEL first, when any
        return int(results[0]) if len(results) == 2 else 0


# One failure more for a key, in one step on the Redis server (two replicas counting at once
# lose nothing): the count starts again from one when the latest failure is older than
# `forget_before` by the caller's clock, exactly as the database's count does. The key's expiry
# only tidies up; it does not decide when failures are forgotten.
# KEYS[1] the key; ARGV: the failure's time (ISO), the same in epoch seconds, forget_before in
# epoch seconds, the expiry in seconds.
COUNT_FAILURE = """
local at = tonumber(redis.call('HGET', KEYS[1], 'at'))
local failures = 1
if at ~= nil and at >= tonumber(ARGV[3]) then
  failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
else
  redis.call('HSET', KEYS[1], 'failures', 1)
end
redis.call('HSET', KEYS[1], 'last', ARGV[1], 'at', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[4])
return failures
"""

# Compare and set: KEYS[1] the key; ARGV: the latest failure's time as read (ISO), the new
# time (ISO), the same in epoch seconds. 1 when it was set, 0 when another attempt came first.
HOLD = """
if redis.call('HGET', KEYS[1], 'last') ~= ARGV[1] then
  return 0
end
redis.call('HSET', KEYS[1], 'last', ARGV[2], 'at', ARGV[3])
return 1
"""


class RedisFailures:
    """The same operations as DatabaseFailures, on Redis: a hash per key (failures, last)."""

    def __init__(self, url: str, prefix: str) -> None:
        import redis

        self.redis = redis.Redis.from_url(url, socket_timeout=5, decode_responses=True)
        self.prefix = f"{prefix}:reception:failures"
        self._count_failure = self.redis.register_script(COUNT_FAILURE)
        self._hold = self.redis.register_script(HOLD)

    def _key(self, key: str) -> str:
        return f"{self.prefix}:{key}"

    def get(self, key: str) -> Optional[Tuple[int, dt.datetime]]:
        data = self.redis.hgetall(self._key(key))
        if not data:
            return None
        return int(data["failures"]), dt.datetime.fromisoformat(data["last"])

    def failed(self, key: str, when: dt.datetime, forget_before: dt.datetime) -> int:
        """Count one more failure (from one again when the latest is older than
        `forget_before`); the count now."""
        expiry = int(FORGET_AFTER.total_seconds()) + 60
        return int(self._count_failure(keys=[self._key(key)], args=[
            when.isoformat(), repr(when.timestamp()), repr(forget_before.timestamp()), expiry]))

    def hold(self, key: str, seen_last: dt.datetime, when: dt.datetime) -> bool:
        """Move the latest failure's time to `when`, only if it is still `seen_last` (no other
        attempt held or failed in between); whether it was moved."""
        return bool(self._hold(keys=[self._key(key)], args=[seen_last.isoformat(), when.isoformat(),
                                                            repr(when.timestamp())]))

    def clear(self, key: str) -> None:
        self.redis.delete(self._key(key))


def _stores(config: Settings, records: Optional[Records]) -> Tuple[Any, Any]:
    if config.redis_url:
        prefix = config.redis_key_prefix
        idle = dt.timedelta(minutes=config.session_idle_minutes)
        return RedisSessions(config.redis_url, prefix, idle), RedisFailures(config.redis_url, prefix)
    records = records or Records(config=config)
    return DatabaseSessions(records), DatabaseFailures(records)


class Sessions:
    """Sign-in sessions: start, find (with idle and absolute expiry), end, end all of a user."""

    def __init__(self, config: Settings, records: Optional[Records] = None, clock: Clock = utc_now,
                 store: Optional[Any] = None) -> None:
        self.store = store or _stores(config, records)[0]
        self.clock = clock
        self.idle = dt.timedelta(minutes=config.session_idle_minutes)
        self.lifetime = dt.timedelta(hours=config.session_hours)

    def start(self, username: str) -> Session:
        now = self.clock()
        sweep = getattr(self.store, "delete_older", None)  # Redis expires its keys by itself
        if sweep is not None:  # sessions nobody presented again leave no rows behind
            sweep(now - self.idle, now - self.lifetime)
        session = Session(id=secrets.token_urlsafe(32), username=username, csrf=secrets.token_urlsafe(32))
        self.store.put(_hash(session.id), StoredSession(username, session.csrf, now, now))
        return session

    def find(self, session_id: Optional[str]) -> Optional[Session]:
        """The live session with this id; None (and the session deleted) once it has expired."""
        if not session_id:
            return None
        id_hash = _hash(session_id)
        stored = self.store.get(id_hash)
        if stored is None:
            return None
        now = self.clock()
        if now - stored.last_seen > self.idle or now - stored.created > self.lifetime:
            self.store.delete(id_hash)
            return None
        if now - stored.last_seen > TOUCH_EVERY:
            self.store.touch(id_hash, now)
        return Session(id=session_id, username=stored.username, csrf=stored.csrf)

    def end(self, session_id: str) -> None:
        self.store.delete(_hash(session_id))

    def end_all_of(self, username: str) -> int:
        """End every session of this user, in every replica at once; how many there were."""
        return self.store.delete_user(username)


@dataclass(frozen=True)
class Attempt:
    """What `LoginThrottle.claim` answers."""

    wait: float  # seconds until an attempt is checked; 0: check this one now
    held: Tuple[Tuple[str, dt.datetime, dt.datetime], ...] = ()  # (key, latest failure before, held at)


class LoginThrottle:
    """The login back-off (see the module docstring), per account name and per client address."""

    def __init__(self, config: Settings, records: Optional[Records] = None, clock: Clock = utc_now,
                 store: Optional[Any] = None) -> None:
        self.store = store or _stores(config, records)[1]
        self.clock = clock

    @staticmethod
    def keys(name: str, address: str) -> Tuple[str, str]:
        return f"name:{name.lower()}", f"address:{address}"

    def wait_seconds(self, *keys: str) -> float:
        """How long until another attempt for these keys is checked (0: now)."""
        return self._look(self.clock(), keys)[0]

    def claim(self, *keys: str) -> Attempt:
        """Ask to check one attempt for these keys: a wait of 0 when it may be checked now,
        otherwise how long to wait. Past the free failures, a granted attempt holds its keys
        (their latest failure's time moved to now, compare-and-set in the shared store), so
        attempts arriving at the same moment on any replica wait a full delay: one checked guess
        per delay, not one per replica or per open connection. A success gives the holds back
        (`succeeded`), so colleagues behind one address are not slowed by each other's sign-ins."""
        for _ in range(CLAIM_TRIES):
            now = self.clock()
            wait, backing_off = self._look(now, keys)
            if wait > 0:
                return Attempt(wait)
            held = []
            for key, last in backing_off:
                if not self.store.hold(key, last, now):
                    break  # another attempt came first: give back what this one took, look again
                held.append((key, last, now))
            else:
                return Attempt(0.0, tuple(held))
            self._release(held)
        return Attempt(self.wait_seconds(*keys) or BACKOFF["name"].first_seconds)  # others kept coming first

    def _release(self, held: Iterable[Tuple[str, dt.datetime, dt.datetime]]) -> None:
        for key, before, held_at in held:
            self.store.hold(key, held_at, before)  # unless another attempt has changed it since

    def _look(self, now: dt.datetime, keys: Tuple[str, ...]) -> Tuple[float, list]:
        """The wait for these keys, and those past their free failures (key, latest failure)."""
        longest, backing_off = 0.0, []
        for key in keys:
            found = self.store.get(key)
            if found is None:
                continue
            failures, last = found
            if now - last > FORGET_AFTER:
                continue
            backoff = BACKOFF[key.split(":", 1)[0]]
            longest = max(longest, backoff.wait(failures) - (now - last).total_seconds())
            if failures >= backoff.free:
                backing_off.append((key, last))
        return max(longest, 0.0), backing_off

    def failed(self, *keys: str) -> None:
        now = self.clock()
        for key in keys:
            self.store.failed(key, now, now - FORGET_AFTER)

    def succeeded(self, name_key: str, attempt: Optional[Attempt] = None) -> None:
        """The account's count cleared; the other keys' holds given back."""
        self.store.clear(name_key)
        if attempt is not None:
            self._release(held for held in attempt.held if held[0] != name_key)
