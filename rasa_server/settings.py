"""Where the Rasa server keeps conversations and locks, from environment variables, in one place.

Unset, everything is the embedded default of one machine: conversations in the SQLite file
that `endpoints.yml` names, conversation locks in the server's memory, the action server at
the address in `endpoints.yml`. A deployment with several replicas sets:

| variable | what | default |
|---|---|---|
| `DATABASE_URL` | conversations (and the pre-screen records), e.g. `postgresql://pht:...@db:5432/pht` | SQLite under `var/` |
| `REDIS_URL` | conversation locks shared by every replica and worker, e.g. `redis://redis:6379/1` | in memory (one process) |
| `REDIS_KEY_PREFIX` | prefix of the lock keys (letters and digits), so deployments can share a Redis | `pht` |
| `ACTION_SERVER_URL` | the action server's webhook, e.g. `http://actions:5055/webhook` | `endpoints.yml`'s |
| `ACTION_SERVER_TOKEN` | the secret the Rasa server shows the action server (`endpoints.yml`'s `headers:`) | none: no header |
| `SANIC_WORKERS` | Rasa server processes per replica (more than one needs `REDIS_URL`) | 1 |
| `RABBITMQ_URL` | outcome counts for analytics, without personal data (`event_broker.py`), e.g. `amqp://pht:...@rabbitmq:5672/` | off |

The pool of database connections (`SQL_POOL_SIZE`, `SQL_MAX_OVERFLOW`) and the conversation
lock's lifetime (`TICKET_LOCK_LIFETIME`, seconds) are Rasa's own variables.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping, Optional

from actions.settings import database_url

DEFAULT_REDIS_KEY_PREFIX = "pht"


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
    def from_env(cls, env: Mapping[str, str] = os.environ) -> "ServerSettings":
        return cls(
            database_url=database_url(env),
            redis_url=env.get("REDIS_URL") or None,
            redis_key_prefix=env.get("REDIS_KEY_PREFIX") or DEFAULT_REDIS_KEY_PREFIX,
            action_server_url=env.get("ACTION_SERVER_URL") or None,
            sanic_workers=int(env.get("SANIC_WORKERS") or 1),
            rabbitmq_url=env.get("RABBITMQ_URL") or None,
            action_server_token=env.get("ACTION_SERVER_TOKEN") or None,
        )

