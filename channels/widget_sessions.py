"""The website widget's session ids, which the server issues and signs (issue 18), without Rasa:
the socket.io channel (channels/socketio.py) confirms them, and the website server
(web/server.py) hands a returning visitor the one of their check-ins' conversation.

A session id is a random part and its signature (HMAC-SHA256 under a key derived from
SENDER_ID_KEY, channels/pseudonyms.py, the same on every replica); its conversation is `web:`
+ the random part. The signature, which is what lets a page come back to its conversation, is
never stored or shown with the conversation.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Any, Mapping, Optional

from .pseudonyms import sender_id_key

SENDER_PREFIX = "web:"  # actions/senders.py's for "socketio" (channels/socketio.py checks they agree)
MAX_SESSION_ID_CHARS = 128  # an issued id is 65 characters; anything longer is not looked at
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


class WidgetSessions:
    """Session ids the server issues: a random part and its signature under the server's key.

    `issue()` makes one; `sender_id(session_id)` is its conversation (`web:` + the random
    part), or None for an id this server (or another replica with the same key) never issued;
    `session_id_of(sender_id)` is the id of a conversation the server made, or None.
    """

    def __init__(self, key: bytes) -> None:
        self.key = hmac.new(key, b"pht-widget-session-id", hashlib.sha256).digest()  # this purpose only

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "WidgetSessions":
        return cls(sender_id_key(env))

    def _signature(self, token: str) -> str:
        return hmac.new(self.key, token.encode(), hashlib.sha256).hexdigest()[:32]

    def issue(self) -> str:
        token = secrets.token_hex(16)
        return f"{token}.{self._signature(token)}"

    def sender_id(self, session_id: Any) -> Optional[str]:
        if not isinstance(session_id, str) or len(session_id) > MAX_SESSION_ID_CHARS:
            return None
        token, _, signature = session_id.partition(".")
        if not _TOKEN.match(token) or not hmac.compare_digest(signature, self._signature(token)):
            return None
        return SENDER_PREFIX + token

    def session_id_of(self, sender_id: str) -> Optional[str]:
        token = sender_id[len(SENDER_PREFIX):] if sender_id.startswith(SENDER_PREFIX) else ""
        return f"{token}.{self._signature(token)}" if _TOKEN.match(token) else None
