"""The must-pass danger-sign table (tests/language/danger_signs.yml) and every position a
phrase of it may come in: for its test (tests/test_danger_signs.py) and the reader's timing
in `make bench` (bench/reading.py)."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator, List, Tuple

import yaml

from pht.triage.knowledge import load_knowledge

TABLE = yaml.safe_load((Path(__file__).resolve().parent.parent / "tests" / "language" / "danger_signs.yml")
                       .read_text(encoding="utf-8"))
QUESTION_ORDER: List[str] = load_knowledge().vocabulary["question_order"]


def positions(phrase: str) -> Iterator[Tuple[str, str, "str | None"]]:
    """(position name, message, the field just asked) for every place the phrase may come."""
    phrase = phrase.strip().rstrip(".?!")
    yield "first message", phrase, None
    for field in QUESTION_ORDER:
        yield f"answer to {field}", phrase, field
    for number, template in enumerate(TABLE["questions"], 1):
        yield f"question {number}", template.format(phrase=phrase), None
        yield f"question {number} while asked red_flags", template.format(phrase=phrase), "red_flags"
    yield "correction", TABLE["correction"].format(phrase=phrase), None
    yield "correction of the pain_location answer", TABLE["correction"].format(phrase=phrase), "pain_location"
    sentence = phrase[0].upper() + phrase[1:]
    yield "long story", " ".join(TABLE["story"].format(phrase=sentence).split()), None
