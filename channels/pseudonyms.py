"""Sender ids that carry no personal data, for channels whose address is a phone number.

Twilio gives the person's phone number ("whatsapp:+447700900123"); used as the conversation's
sender id it would sit in the tracker store, the pre-screen records, the reception page and
any log line. Instead the sender id is the number encrypted deterministically (AES-SIV, from
`cryptography`, which Rasa already installs) under a key of the server's: the same number
always gets the same id, so the conversation goes on; replies decrypt it to reach the
number; without the key the id says nothing. The key is SENDER_ID_KEY (base64 of 64 bytes),
or one made once and kept in var/sender_id_key. Losing it only means that the next message
from a number starts a new conversation.

(Telegram, Messenger and Slack give platform-scoped ids, not addresses; the widget's are
random; REST clients choose their own.)
"""
from __future__ import annotations

import base64
import os
from typing import Mapping, Optional

from cryptography.hazmat.primitives.ciphers.aead import AESSIV

from pht.private import private_folder
from pht.settings import settings_from

KEY_BYTES = 64  # AES-256-SIV


def _decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sender_id_key(env: Optional[Mapping[str, str]] = None) -> bytes:
    config = settings_from(env)
    if config.sender_id_key:
        return _decode(config.sender_id_key.strip())
    path = config.var_dir / "sender_id_key"
    if not path.exists():
        private_folder(path.parent)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w") as file:
                file.write(base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode() + "\n")
        except FileExistsError:
            pass  # another process made it first
    return _decode(path.read_text().strip())


class Pseudonyms:
    """`sender_id(address)` and back, with one key and a prefix per channel."""

    def __init__(self, key: bytes, prefix: str) -> None:
        self.cipher = AESSIV(key)
        self.prefix = prefix

    def sender_id(self, address: str) -> str:
        sealed = self.cipher.encrypt(address.encode(), None)
        return self.prefix + base64.urlsafe_b64encode(sealed).decode().rstrip("=")

    def address(self, sender_id: str) -> str:
        if not sender_id.startswith(self.prefix):
            raise ValueError("not a sender id of this channel")
        return self.cipher.decrypt(_decode(sender_id[len(self.prefix):]), None).decode()
