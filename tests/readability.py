"""Flesch reading ease, with the usual vowel-group syllable estimate (no dictionary needed).

206.835 - 1.015 x (words per sentence) - 84.6 x (syllables per word). 60 and above reads
as plain English for a 12-year-old.
"""
import re

_SENTENCE_END = re.compile(r"[.!?]+(?:\s|$)|\n+")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


def syllables(word: str) -> int:
    word = re.sub(r"[^a-z]", "", word.lower())
    if len(word) <= 3:
        return 1
    word = re.sub(r"(?:[^laeiouy]es|[^laeiouy]ed|[^laeiouy]e)$", "", word)
    word = re.sub(r"^y", "", word)
    return max(1, len(re.findall(r"[aeiouy]{1,2}", word)))


def flesch_reading_ease(text: str) -> float:
    sentences = [part for part in _SENTENCE_END.split(text) if _WORD.search(part)]
    words = _WORD.findall(text)
    if not words:
        return 100.0
    syllable_count = sum(syllables(word) for word in words)
    return 206.835 - 1.015 * len(words) / max(1, len(sentences)) - 84.6 * syllable_count / len(words)
