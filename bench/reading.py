"""How long the reader takes to read one message (issue 19: under 20 ms at p95 on these machines).

Times `Reader.read` on every message of the must-pass danger-sign table in every position
(tests/language/danger_signs.yml, through harness/danger_signs.py) and on the real stories
of the tuning set (tests/real/tune.yml, when it is there): first messages and every answer.
Each message is read once, after a warm-up, so the typo corrector's memory of words it has seen
does not flatter the figure more than a running server's would.
"""
from __future__ import annotations

import statistics
import time
from typing import Dict, Iterator, List, Optional, Tuple

import yaml

from . import ROOT

TUNE = ROOT / "tests" / "real" / "tune.yml"
TARGET_P95_MS = 20.0
WARM_UP = 20


def messages() -> Iterator[Tuple[str, Optional[str]]]:
    """(text, the field just asked) for every message timed."""
    from harness import danger_signs as table

    for entry in table.TABLE["signs"].values():
        for phrase in entry["phrasings"]:
            for _, text, asked in table.positions(phrase):
                yield text, asked
    for phrase in table.TABLE["near_misses"]:
        for _, text, asked in table.positions(phrase):
            yield text, asked
    if TUNE.exists():
        for story in yaml.safe_load(TUNE.read_text(encoding="utf-8")).get("stories", []):
            yield story["text"], None
            for field, answer in (story.get("answers") or {}).items():
                if isinstance(answer, str):
                    yield answer, field


def measure() -> Dict[str, float]:
    """p50 and p95 of one Reader.read, in milliseconds."""
    from pht.language.reader import shared_reader

    reader = shared_reader()
    timed: List[Tuple[str, Optional[str]]] = list(dict.fromkeys(messages()))
    for text, asked in timed[:WARM_UP]:
        reader.read(text, asked)
    seconds = []
    for text, asked in timed:
        start = time.perf_counter()
        reader.read(text, asked)
        seconds.append(time.perf_counter() - start)
    cuts = statistics.quantiles(seconds, n=20)
    return {"messages": len(timed), "read_p50_ms": round(statistics.median(seconds) * 1000, 2),
            "read_p95_ms": round(cuts[18] * 1000, 2)}


def report(figures: Dict[str, float]) -> str:
    verdict = "ok" if figures["read_p95_ms"] < TARGET_P95_MS else "OVER TARGET"
    return (f"reading one message: p50 {figures['read_p50_ms']} ms, p95 {figures['read_p95_ms']} ms over "
            f"{figures['messages']} messages (target p95 < {TARGET_P95_MS:g} ms: {verdict})")


if __name__ == "__main__":
    print(report(measure()))
