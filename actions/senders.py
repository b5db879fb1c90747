"""Conversation ids: each channel owns the ids it creates (issue 18).

A conversation is found by its sender id alone, so an id must say which channel made it:
every channel prefixes the ids it builds with its own prefix, from what the platform or the
server vouches for, and never takes an id that carries another channel's prefix from a
client. A caller of one channel therefore cannot reach another channel's conversation
(the REST channel hands Rasa `rest:` + whatever its caller sends: `rest:tg:123` is not
Telegram's `tg:123`).

The table is here, in the action server's package, because the pre-screen record's channel
comes from it (`channel_of`); the Rasa server's channels import it from here.
"""
from __future__ import annotations

from typing import Dict, Optional

# prefix -> the channel's name (Rasa's input channel names, as pht/records/labels.yml has them)
PREFIXES: Dict[str, str] = {
    "rest:": "rest",         # trusted callers with a token (channels/rest.py)
    "web:": "socketio",      # the website widget, ids issued by the server
    "tg:": "telegram",
    "tw-": "twilio",         # WhatsApp and SMS (channels/pseudonyms.py)
    "fb:": "facebook",
    "slack:": "slack",
    "staff:": "staff",       # the reception page's staff pre-screen
}
REST_PREFIX = "rest:"


def prefix_of(channel: str) -> str:
    """The prefix of the conversation ids `channel` builds (each channel takes its own from here)."""
    return next(prefix for prefix, name in PREFIXES.items() if name == channel)


def channel_of(sender_id: str) -> Optional[str]:
    """The channel that made this conversation id, by its prefix; None for an id without one
    (made before the prefixes)."""
    for prefix, channel in PREFIXES.items():
        if sender_id.startswith(prefix):
            return channel
    return None
