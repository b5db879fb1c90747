"""The flood limits (rasa_server/rate_limit.py), in this process's memory and in Redis: a
conversation's messages and a REST caller's new conversations are counted per fixed window,
and the count starts again with the next window. The servers' side is in tests/test_identity.py."""
from __future__ import annotations

import pytest

from rasa_server.rate_limit import Limits, MemoryCounts, RedisCounts
from services import REDIS_URL


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def limits(counts, clock: Clock) -> Limits:
    return Limits(counts, window_seconds=60, messages_per_conversation=3, new_conversations_per_caller=2, clock=clock)


def both_stores():
    return pytest.mark.parametrize("store", ["memory", pytest.param("redis", marks=pytest.mark.services)])


@pytest.fixture
def counts(request, store):
    if store == "memory":
        return MemoryCounts()
    return RedisCounts(REDIS_URL, request.getfixturevalue("redis_prefix"))


@both_stores()
def test_a_conversation_over_its_messages_waits_for_the_next_window(counts):
    clock = Clock()
    limit = limits(counts, clock)
    assert [limit.message_allowed("rest:a") for _ in range(4)] == [True, True, True, False]
    assert limit.message_allowed("rest:b")  # another conversation has its own count
    clock.now += 60
    assert limit.message_allowed("rest:a")


@both_stores()
def test_a_caller_over_its_new_conversations_is_refused_and_its_own_go_on(counts):
    clock = Clock()
    limit = limits(counts, clock)
    assert limit.conversation_allowed("app", "rest:one") and limit.conversation_allowed("app", "rest:two")
    assert not limit.conversation_allowed("app", "rest:three")
    assert not limit.conversation_allowed("app", "rest:three")  # a refused one is not counted
    assert limit.conversation_allowed("app", "rest:one")  # its own conversations go on
    assert limit.conversation_allowed("other", "rest:three")  # each caller has its own count
    clock.now += 60
    assert limit.conversation_allowed("app", "rest:three")


def test_an_unreachable_redis_lets_messages_through():
    limit = limits(RedisCounts("redis://127.0.0.1:1/0", "pht"), Clock())
    assert limit.message_allowed("rest:a") and limit.conversation_allowed("app", "rest:a")
