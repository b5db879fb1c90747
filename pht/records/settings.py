"""Configuration of the pre-screen records, the staff CLI and the reception page, read from
environment variables with embedded defaults, in this one place.

DATABASE_URL               the records database, e.g. postgresql://user:pass@host/db
                           (default: SQLite in var/records.db)
RECORDS_RETENTION_DAYS     `purge` deletes pre-screens and conversations older than this (90)
RECORDS_MIGRATE            auto: bring the schema up to date on first use (default);
                           off: only `python -m pht.reception migrate` does
RECEPTION_HOST, _PORT      where the reception page listens (127.0.0.1, 8081)
RECEPTION_USERS            staff accounts as `name:argon2-hash` pairs separated by spaces or
                           new lines; when set, the users file is not read
RECEPTION_USERS_FILE       staff accounts, one `name:argon2-hash` a line (var/reception_users)
RECEPTION_SECRET_KEY       signs the login form's CSRF cookie (default: made once, var/reception_secret);
                           sessions are kept on the server (pht/reception/sessions.py)
RECEPTION_COOKIE_SECURE    1 behind HTTPS: cookies only over HTTPS (0)
RECEPTION_TRUSTED_PROXIES  the reverse proxy's addresses, whose X-Forwarded-For the page believes
                           (default: none, so a made-up header changes nothing; behind a proxy on
                           the same machine: 127.0.0.1)
REDIS_URL, REDIS_KEY_PREFIX  when set, the page's sessions and login back-off are kept in Redis
                           (else in this database), shared by every replica either way
RECEPTION_SESSION_IDLE_MINUTES, RECEPTION_SESSION_HOURS
                           a session ends after this long unused (30) and this long after sign-in (8)
STAFF_CHANNEL_SECRET       the shared secret of the staff pre-screen channel (channels/staff.py),
                           which only the reception page's server calls (default: made once,
                           var/staff_channel_secret)
STAFF_CHANNEL_URL          the staff channel as the reception page reaches it
                           (RASA_URL + /webhooks/staff/webhook)
RECEPTION_TIMEZONE         the times the reception page shows, e.g. Europe/London (UTC)
RECEPTION_REFRESH_SECONDS  how often the open list fetches new pre-screens (20)
RASA_URL                   the Rasa server as the CLI and the page reach it, to delete
                           conversations (http://localhost:5005)
RASA_AUTH_TOKEN            the Rasa server's API token (default: var/rasa_auth_token, which
                           `make run` keeps)
PHT_VAR_DIR                where the var/ files above are kept (the tests use their own)

(The channels' settings, SENDER_ID_KEY among them, are in channels/.)
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional, Tuple

from ..private import private_folder
from ..settings import database_url

ROOT = Path(__file__).resolve().parents[2]
VAR = ROOT / "var"
DEFAULT_DATABASE_FILE = "records.db"
DEFAULT_RETENTION_DAYS = 90
DEFAULT_RECEPTION_PORT = 8081
DEFAULT_RASA_URL = "http://localhost:5005"


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

    def secret_key(self) -> str:
        """The session-signing key: RECEPTION_SECRET_KEY, or one made once and kept in var/."""
        return self.secret_key_env or _kept_secret(self.secret_key_file, create=True) or ""

    def staff_channel_secret(self) -> str:
        """The staff channel's shared secret: STAFF_CHANNEL_SECRET, or one made once in var/."""
        kept = self.staff_secret_file or self.secret_key_file.with_name("staff_channel_secret")
        return self.staff_secret_env or _kept_secret(kept, create=True) or ""

    def rasa_token(self) -> Optional[str]:
        """The Rasa server's API token: RASA_AUTH_TOKEN, or the one `make run` keeps in var/."""
        return self.rasa_token_env or _kept_secret(self.rasa_token_file, create=False)


def settings(env: Optional[Mapping[str, str]] = None) -> Settings:
    env = os.environ if env is None else env
    var = Path(env.get("PHT_VAR_DIR") or VAR)
    return Settings(
        database_url=database_url(env) or f"sqlite:///{var / DEFAULT_DATABASE_FILE}",
        retention_days=int(env.get("RECORDS_RETENTION_DAYS") or DEFAULT_RETENTION_DAYS),
        migrate_automatically=(env.get("RECORDS_MIGRATE") or "auto").lower() != "off",
        reception_host=env.get("RECEPTION_HOST") or "127.0.0.1",
        reception_port=int(env.get("RECEPTION_PORT") or DEFAULT_RECEPTION_PORT),
        users=env.get("RECEPTION_USERS") or None,
        users_file=Path(env.get("RECEPTION_USERS_FILE") or var / "reception_users"),
        secret_key_file=var / "reception_secret",
        secret_key_env=env.get("RECEPTION_SECRET_KEY") or None,
        cookie_secure=(env.get("RECEPTION_COOKIE_SECURE") or "0") in {"1", "true", "yes"},
        timezone=env.get("RECEPTION_TIMEZONE") or "UTC",
        refresh_seconds=int(env.get("RECEPTION_REFRESH_SECONDS") or 20),
        rasa_url=(env.get("RASA_URL") or DEFAULT_RASA_URL).rstrip("/"),
        rasa_token_env=env.get("RASA_AUTH_TOKEN") or None,
        rasa_token_file=var / "rasa_auth_token",
        trusted_proxies=tuple((env.get("RECEPTION_TRUSTED_PROXIES") or "").replace(",", " ").split()),
        session_idle_minutes=int(env.get("RECEPTION_SESSION_IDLE_MINUTES") or 30),
        session_hours=int(env.get("RECEPTION_SESSION_HOURS") or 8),
        redis_url=env.get("REDIS_URL") or None,
        redis_key_prefix=env.get("REDIS_KEY_PREFIX") or "pht",
        staff_secret_env=env.get("STAFF_CHANNEL_SECRET") or None,
        staff_secret_file=var / "staff_channel_secret",
        staff_channel_url=(env.get("STAFF_CHANNEL_URL")
                           or f"{(env.get('RASA_URL') or DEFAULT_RASA_URL).rstrip('/')}/webhooks/staff/webhook"),
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
