"""Where the Rasa server keeps conversations and locks (the variables are read and documented
in pht/settings.py: DATABASE_URL, REDIS_URL, REDIS_KEY_PREFIX, ACTION_SERVER_URL,
SANIC_WORKERS, RABBITMQ_URL).

Unset, everything is the embedded default of one machine: conversations in the SQLite file
that `endpoints.yml` names, conversation locks in the server's memory, the action server at
the address in `endpoints.yml`. A deployment with several replicas sets DATABASE_URL and
REDIS_URL. The pool of database connections (`SQL_POOL_SIZE`, `SQL_MAX_OVERFLOW`) and the
conversation lock's lifetime (`TICKET_LOCK_LIFETIME`, seconds) are Rasa's own variables.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional

from pht.settings import settings_from


@dataclass(frozen=True)
class ServerSettings:
    database_url: Optional[str]
    redis_url: Optional[str]
    redis_key_prefix: str
    action_server_url: Optional[str]
    sanic_workers: int
    rabbitmq_url: Optional[str] = None
    action_server_token: Optional[str] = None

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "ServerSettings":
        """The process's (pht.settings), or those of `env` when given."""
        config = settings_from(env)
        return cls(
            database_url=config.sqlalchemy_database_url,
            redis_url=config.redis_url,
            redis_key_prefix=config.redis_key_prefix,
            action_server_url=config.action_server_url,
            sanic_workers=config.sanic_workers,
            rabbitmq_url=config.rabbitmq_url,
            action_server_token=config.action_server_token,
        )

