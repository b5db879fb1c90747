"""Behaviour knobs from settings.yml, overridable by environment variables."""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Dict, Mapping, Optional, Tuple

import yaml

SETTINGS_FILE = Path(__file__).parent / "settings.yml"
CLINIC_ENV = {"name": "CLINIC_NAME", "phone": "CLINIC_PHONE", "booking_url": "CLINIC_BOOKING_URL"}
# Top-level knobs an environment variable overrides: key -> (variable, type)
KNOB_ENV: Dict[str, Tuple[str, Callable[[str], Any]]] = {
    "max_message_chars": ("MAX_MESSAGE_CHARS", int),
    "action_timeout_seconds": ("ACTION_TIMEOUT_SECONDS", float),
    "max_request_bytes": ("MAX_REQUEST_BYTES", int),
    "rate_limit_window_seconds": ("RATE_LIMIT_WINDOW_SECONDS", float),
    "max_messages_per_conversation": ("MAX_MESSAGES_PER_CONVERSATION", int),
    "max_new_conversations_per_caller": ("MAX_NEW_CONVERSATIONS_PER_CALLER", int),
}


@lru_cache(maxsize=1)
def load_settings() -> Dict[str, Any]:
    settings = yaml.safe_load(SETTINGS_FILE.read_text())
    for key, variable in CLINIC_ENV.items():
        settings["clinic"][key] = os.environ.get(variable) or settings["clinic"][key]  # empty is unset (compose passes "")
    for key, (variable, kind) in KNOB_ENV.items():
        if os.environ.get(variable):
            try:
                settings[key] = kind(os.environ[variable])
            except ValueError:
                raise SystemExit(f"{variable}={os.environ[variable]!r} is not a number (pht/settings.yml: {key})") from None
        if settings[key] <= 0:
            raise SystemExit(f"{key} must be above 0, not {settings[key]} (pht/settings.yml or {variable})")
    return settings


def database_url(env: Mapping[str, str]) -> Optional[str]:
    """`DATABASE_URL` as SQLAlchemy 1.4 takes it, or None when unset: `postgres://` (as many
    hosting services write it) is `postgresql://` to SQLAlchemy, which refuses the short form.
    The one reading of the variable for the conversation store and the pre-screen records,
    which share the database."""
    url = env.get("DATABASE_URL") or None
    if url and url.startswith("postgres://"):
        return "postgresql://" + url[len("postgres://"):]
    return url
