"""Reception staff accounts: names with argon2 password hashes, never passwords.

From RECEPTION_USERS when it is set (`name:hash` pairs separated by spaces or new lines,
e.g. from a deployment's secret), otherwise from the users file (`var/reception_users`, one
`name:hash` a line, readable by its owner only), which `python -m pht.reception
add-user NAME` writes. pht/records/settings.py names both.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Dict, List

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from ..private import private_folder
from ..records.settings import Settings

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
MIN_PASSWORD_LENGTH = 10
_hasher = PasswordHasher()  # argon2id with the library's recommended cost
_UNKNOWN_USER = _hasher.hash("no such user: the same work as a real check")


class UsersError(ValueError):
    """A name or password that cannot be used, or accounts that cannot be changed here."""


def parse(text: str) -> Dict[str, str]:
    accounts = {}
    for entry in text.split():
        name, _, hashed = entry.partition(":")
        if NAME.match(name) and hashed.startswith("$argon2"):
            accounts[name] = hashed
    return accounts


class Users:
    def __init__(self, config: Settings) -> None:
        self.config = config

    @property
    def from_environment(self) -> bool:
        return bool(self.config.users)

    def accounts(self) -> Dict[str, str]:
        if self.config.users:
            return parse(self.config.users)
        path: Path = self.config.users_file
        return parse(path.read_text()) if path.exists() else {}

    def names(self) -> List[str]:
        return sorted(self.accounts())

    def verify(self, name: str, password: str) -> bool:
        """Whether the password is this user's; as slow for an unknown name as for a known one."""
        hashed = self.accounts().get(name)
        try:
            return _hasher.verify(hashed or _UNKNOWN_USER, password) and hashed is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def add(self, name: str, password: str) -> str:
        """Add a user or change their password; the line written (name and hash)."""
        if not NAME.match(name):
            raise UsersError("a user name is 1-64 letters, digits, '.', '_', '@' or '-', "
                             "starting with a letter or digit")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise UsersError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
        line = f"{name}:{_hasher.hash(password)}"
        if self.from_environment:
            raise UsersError(f"the accounts come from RECEPTION_USERS; add this entry there:\n{line}")
        self._write({**self.accounts(), name: line.split(":", 1)[1]})
        return line

    def remove(self, name: str) -> bool:
        if self.from_environment:
            raise UsersError("the accounts come from RECEPTION_USERS: remove the entry there")
        accounts = self.accounts()
        if accounts.pop(name, None) is None:
            return False
        self._write(accounts)
        return True

    def _write(self, accounts: Dict[str, str]) -> None:
        path = self.config.users_file
        private_folder(path.parent)
        temporary = path.with_suffix(".new")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write("# Reception staff: name:argon2-hash, one a line (python -m pht.reception add-user NAME)\n")
            file.writelines(f"{name}:{hashed}\n" for name, hashed in sorted(accounts.items()))
        os.replace(temporary, path)
