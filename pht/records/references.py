"""Reference codes a person can read out or type: `PHT-7KQ2M`.

Five characters from 32 that cannot be mistaken for one another: no 0/O, no 1/I. That is
33.5 million codes; a new code is drawn at random and the database's unique constraint
catches the rare repeat (the repository then draws again).
"""
from __future__ import annotations

import re
import secrets
from typing import Optional

PREFIX = "PHT-"
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LENGTH = 5
_CODE = re.compile(f"^[{ALPHABET}]{{{LENGTH}}}$")


def new_reference() -> str:
    return PREFIX + "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise_reference(text: str) -> Optional[str]:
    """A reference as typed ("pht 7kq2m", "7KQ2M") in its stored form, or None if it cannot be one."""
    code = re.sub(r"[\s\-_.]", "", text.strip().upper())
    if code.startswith(PREFIX[:-1]):
        code = code[len(PREFIX) - 1:]
    return PREFIX + code if _CODE.match(code) else None
