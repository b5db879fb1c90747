"""Drives scripted conversations over the REST channel and measures each turn.

One asyncio client (aiohttp, which Rasa already installs) plays one user or many at once,
on localhost only, for a bounded number of conversations or a bounded time.
"""
from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterator, List, Optional

import aiohttp

TURN_TIMEOUT_SECONDS = 60


@dataclass
class LoadResult:
    """What one run measured: turn latencies (seconds), errors and completed conversations."""

    latencies: List[float] = field(default_factory=list)
    errors: int = 0
    conversations: int = 0
    conversations_finished_well: int = 0
    elapsed: float = 0.0

    def summary(self) -> Dict[str, float]:
        ordered = sorted(self.latencies)
        return {
            "turns": len(ordered),
            "p50_ms": round(1000 * statistics.median(ordered), 1) if ordered else None,
            "p95_ms": round(1000 * percentile(ordered, 95), 1) if ordered else None,
            "turns_per_second": round(len(ordered) / self.elapsed, 2) if self.elapsed else None,
            "errors": self.errors,
            "conversations": self.conversations,
            "conversations_finished_well": self.conversations_finished_well,
        }


def percentile(ordered: List[float], pct: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    rank = max(1, round(pct / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


async def _converse(session: aiohttp.ClientSession, url: str, sender: str, script, result: LoadResult,
                    deadline: float) -> None:
    message = script.first()
    while message is not None and time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            async with session.post(url, json={"sender": sender, "message": message}) as response:
                replies = await response.json(content_type=None)
                ok = response.status == 200 and isinstance(replies, list)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
            ok = False
        if not ok:
            result.errors += 1
            return
        result.latencies.append(time.perf_counter() - started)
        message = script.next(replies)
    result.conversations += 1
    result.conversations_finished_well += bool(script.finished_well)


async def _drive(url: str, scripts: Iterator, users: int, seconds: float, prefix: str,
                 headers: Optional[Dict[str, str]] = None) -> LoadResult:
    result = LoadResult()
    deadline = time.monotonic() + seconds
    numbered = enumerate(scripts)
    timeout = aiohttp.ClientTimeout(total=TURN_TIMEOUT_SECONDS)
    connector = aiohttp.TCPConnector(limit=users)

    async def user() -> None:
        for number, script in numbered:  # shared iterator: each conversation is played once
            if time.monotonic() >= deadline:
                return
            await _converse(session, url, f"{prefix}-{number}", script, result, deadline)

    started = time.perf_counter()
    async with aiohttp.ClientSession(timeout=timeout, connector=connector, headers=headers) as session:
        await asyncio.gather(*(user() for _ in range(users)))
    result.elapsed = time.perf_counter() - started
    return result


def run_load(url: str, make_scripts: Callable[[], Iterator], users: int, seconds: float, prefix: str,
             headers: Optional[Dict[str, str]] = None) -> LoadResult:
    """`users` simultaneous users playing conversations from `make_scripts()` until they run
    out or `seconds` have passed (a conversation under way then stops between turns).
    `headers`: sent with every message (the REST channel's caller token)."""
    return asyncio.run(_drive(url, make_scripts(), users, seconds, prefix, headers))
