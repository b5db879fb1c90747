"""The Rasa domain as the files in `domain/` hold it, merged into one mapping.

Rasa reads the folder and merges its files: `core.yml` and `channels.yml` are written by hand,
`faq.yml` is generated from the knowledge base by `make data` (pht/rasa_data.py). Code
that needs a response's text outside the Rasa server (the channels' option hints, the widget's
words, the tests) reads it here, so each sentence is written in one domain file only.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Mapping, Optional

import yaml

DOMAIN_DIR = Path(__file__).resolve().parent.parent / "domain"


def read_domain(folder: Path = DOMAIN_DIR) -> Dict[str, Any]:
    """Every domain file in `folder`, merged as Rasa merges them: mappings (responses, slots,
    forms) key by key, lists (intents, actions) one after the other."""
    merged: Dict[str, Any] = {}
    for path in sorted(folder.glob("*.yml")):
        for key, value in (yaml.safe_load(path.read_text()) or {}).items():
            if isinstance(value, dict):
                merged.setdefault(key, {}).update(value)
            elif isinstance(value, list):
                merged.setdefault(key, []).extend(value)
            else:
                merged.setdefault(key, value)
    return merged


@lru_cache(maxsize=1)
def domain() -> Dict[str, Any]:
    """The project's domain, read once per process (treat it as read-only)."""
    return read_domain()


def response_text(name: str) -> str:
    """The text of the domain response `name` (its first variation)."""
    return str(domain()["responses"][name][0]["text"])


def render(domain: Mapping[str, Any], response: str, slots: Optional[Mapping[str, Any]] = None, **values: Any) -> str:
    """The text of a domain response with `{placeholders}` filled: as Rasa chooses, a variation
    whose slot `condition` the conversation's `slots` meet (the staff wording), else the first
    variation without a condition."""
    variations = domain.get("responses", {}).get(response)
    if not variations:
        raise KeyError(f"response {response} is not in the domain")
    chosen = next((variation for variation in variations if variation.get("condition") and slots is not None
                   and all(slots.get(test["name"]) == test["value"] for test in variation["condition"])), None)
    chosen = chosen or next(variation for variation in variations if not variation.get("condition"))
    return chosen["text"].format(**values)
