"""`python -m rasa_server.endpoints OUT`: Rasa's endpoints file, written from the environment.

`endpoints.yml` is the base. Its stores read the environment themselves (`DATABASE_URL`,
`REDIS_URL`: `rasa_server/settings.py`); the action server's address is plain configuration to
Rasa, so at start-up, as for the credentials, the file the server reads is written with
`ACTION_SERVER_URL` when it is set (in a container the action server is another host).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Dict, List

import yaml

from pht.private import private_file, private_folder

from .settings import ServerSettings

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "endpoints.yml"


def endpoints(settings: ServerSettings, base: Dict[str, Any]) -> Dict[str, Any]:
    """The endpoints Rasa should load."""
    result = {name: dict(values or {}) for name, values in base.items()}
    if settings.action_server_url:
        result.setdefault("action_endpoint", {})["url"] = settings.action_server_url
    return result


def write(path: Path, settings: ServerSettings) -> Dict[str, Any]:
    values = endpoints(settings, yaml.safe_load(BASE.read_text()) or {})
    private_folder(path.parent)  # it may name a Redis or broker URL with its password: owner-only
    descriptor = os.open(private_file(path), os.O_WRONLY | os.O_TRUNC)
    with os.fdopen(descriptor, "w") as file:
        file.write("# Written by `python -m rasa_server.endpoints` from endpoints.yml and the environment;"
                   " do not edit.\n" + yaml.safe_dump(values, sort_keys=False))
    return values


def main(argv: List[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m rasa_server.endpoints OUT", file=sys.stderr)
        return 2
    settings = ServerSettings.from_env()
    values = write(Path(argv[0]), settings)
    print(f"    actions: {values.get('action_endpoint', {}).get('url')}; "
          f"conversations: {'DATABASE_URL' if settings.database_url else 'SQLite in var/'}; "
          f"locks: {'REDIS_URL' if settings.redis_url else 'in memory'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
