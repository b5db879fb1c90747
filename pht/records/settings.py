"""What the pre-screen records, the staff CLI and the reception page need of the settings
(pht/settings.py reads and documents every variable): the database, the reception page's
address and sessions, and the secrets kept in var/ when no variable gives them.
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional, Tuple

from ..private import private_folder
from ..settings import settings_from

DEFAULT_DATABASE_FILE = "records.db"


@dataclass(frozen=True)
class Settings:
    database_url: str
    retention_days: int
    migrate_automatically: bool
    reception_host: str
    reception_port: int
    users: Optional[str]  # RECEPTION_USERS, when the accounts come from the environment
    users_file: Path
    secret_key_file: Path
    secret_key_env: Optional[str]
    cookie_secure: bool
    timezone: str
    refresh_seconds: int
    rasa_url: str
    rasa_token_env: Optional[str]
    rasa_token_file: Path
    trusted_proxies: Tuple[str, ...] = ()
    session_idle_minutes: int = 30
    session_hours: int = 8
    redis_url: Optional[str] = None  # REDIS_URL: the reception's sessions and login back-off there
    redis_key_prefix: str = "pht"  # REDIS_KEY_PREFIX, as the Rasa server's locks use it
    staff_secret_env: Optional[str] = None
    staff_secret_file: Optional[Path] = None
    staff_channel_url: Optional[str] = None
    link_key_env: Optional[str] = None
    link_key_file: Optional[Path] = None
    web_url: str = "http://localhost:8080"  # the website server as people reach it (their check-in links)
    link_days: int = 14
    urgent_hours: int = 12  # RECEPTION_URGENT_HOURS: the emergency and urgent outcomes listed beside those waiting
    handover_idle_minutes: int = 20  # HANDOVER_IDLE_MINUTES: a conversation taken over and left silent is handed back

    def secret_key(self) -> str:
        """The session-signing key: RECEPTION_SECRET_KEY, or one made once and kept in var/."""
        return self.secret_key_env or _kept_secret(self.secret_key_file, create=True) or ""

    def staff_channel_secret(self) -> str:
        """The staff channel's shared secret: STAFF_CHANNEL_SECRET, or one made once in var/."""
        kept = self.staff_secret_file or self.secret_key_file.with_name("staff_channel_secret")
        return self.staff_secret_env or _kept_secret(kept, create=True) or ""

    def follow_up_link_key(self) -> bytes:
        """The key that signs website visitors' check-in links (pht/followups/links.py):
        FOLLOW_UP_LINK_KEY, or one made once and kept in var/."""
        kept = self.link_key_file or self.secret_key_file.with_name("follow_up_link_key")
        return (self.link_key_env or _kept_secret(kept, create=True) or "").encode()

    def rasa_token(self) -> Optional[str]:
        """The Rasa server's API token: RASA_AUTH_TOKEN, or the one `make run` keeps in var/."""
        return self.rasa_token_env or _kept_secret(self.rasa_token_file, create=False)


def settings(env: Optional[Mapping[str, str]] = None) -> Settings:
    """The records' settings: the process's (pht.settings), or those of `env` when given."""
    config = settings_from(env)
    var = config.var_dir
    return Settings(
        database_url=config.sqlalchemy_database_url or f"sqlite:///{var / DEFAULT_DATABASE_FILE}",
        retention_days=config.records_retention_days,
        migrate_automatically=config.records_migrate.lower() != "off",
        reception_host=config.reception_host,
        reception_port=config.reception_port,
        users=config.reception_users,
        users_file=config.reception_users_file or var / "reception_users",
        secret_key_file=var / "reception_secret",
        secret_key_env=config.reception_secret_key,
        cookie_secure=config.reception_cookie_secure,
        timezone=config.reception_timezone,
        refresh_seconds=config.reception_refresh_seconds,
        rasa_url=config.rasa_url.rstrip("/"),
        rasa_token_env=config.rasa_auth_token,
        rasa_token_file=var / "rasa_auth_token",
        trusted_proxies=tuple((config.reception_trusted_proxies or "").replace(",", " ").split()),
        session_idle_minutes=config.reception_session_idle_minutes,
        session_hours=config.reception_session_hours,
        redis_url=config.redis_url,
        redis_key_prefix=config.redis_key_prefix,
        staff_secret_env=config.staff_channel_secret,
        staff_secret_file=var / "staff_channel_secret",
        staff_channel_url=config.staff_channel_url or f"{config.rasa_url.rstrip('/')}/webhooks/staff/webhook",
        link_key_env=config.follow_up_link_key,
        link_key_file=var / "follow_up_link_key",
        web_url=(config.web_public_url or f"http://localhost:{config.web_port}").rstrip("/"),
        link_days=config.follow_up_link_days,
        urgent_hours=config.reception_urgent_hours,
        handover_idle_minutes=config.handover_idle_minutes,
    )


def _kept_secret(path: Path, create: bool) -> Optional[str]:
    """A secret kept in a file readable by its owner only; made on first use when `create`."""
    if path.exists():
        return path.read_text().strip() or None
    if not create:
        return None
    private_folder(path.parent)
    value = secrets.token_urlsafe(32)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return path.read_text().strip()
    with os.fdopen(descriptor, "w") as file:
        file.write(value + "\n")
    return value
