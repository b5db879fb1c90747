"""Long texts split for platforms with a length limit, at the most natural boundary that fits."""
from __future__ import annotations

import re
from typing import List

# From the most to the least natural place to cut a text that is too long.
_BOUNDARIES = (re.compile(r"\n\s*\n"), re.compile(r"\n"), re.compile(r"(?<=[.!?])\s+"), re.compile(r"\s+"))
_JOINERS = ("\n\n", "\n", " ", " ")


def split_text(text: str, limit: int) -> List[str]:
    """`text` as few messages as possible, each at most `limit` characters.

    Paragraphs are packed together while they fit and a cut falls between paragraphs; a
    paragraph longer than the limit is cut between lines, then sentences, then words, and only
    a single word longer than the limit is cut inside.
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    return [part for part in _split(text.strip(), limit, 0) if part]


def _split(text: str, limit: int, level: int) -> List[str]:
    if len(text) <= limit:
        return [text]
    if level == len(_BOUNDARIES):
        return [text[start:start + limit] for start in range(0, len(text), limit)]
    boundary = _BOUNDARIES[level]
    pieces = [piece.strip() for piece in boundary.split(text) if piece.strip()]
    joiner = _JOINERS[level]
    parts: List[str] = []
    current = ""
    for piece in pieces:
        for chunk in (_split(piece, limit, level + 1) if len(piece) > limit else [piece]):
            candidate = f"{current}{joiner}{chunk}" if current else chunk
            if len(candidate) <= limit:
                current = candidate
            else:
                parts.append(current)
                current = chunk
    parts.append(current)
    return parts
