"""`python -m rasa_server.endpoints OUT`: Rasa's endpoints file, written from the environment.

`endpoints.yml` is the base. Its stores read the environment themselves (`DATABASE_URL`,
`REDIS_URL`: `rasa_server/settings.py`); the action server's address is plain configuration to
Rasa, so at start-up, as for the credentials, the file the server reads is written with
`ACTION_SERVER_URL` when it is set (in a container the action server is another host).
The action server's secret stays `${ACTION_SERVER_TOKEN}` in the written file too: Rasa fills
it in as it reads the file. Without the variable, the header is left out (Rasa would refuse to
start on an unset variable), and the action server, which then has no secret either, checks none.
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
ACTION_SERVER_TOKEN_REFERENCE = "${ACTION_SERVER_TOKEN}"


def endpoints(settings: ServerSettings, base: Dict[str, Any]) -> Dict[str, Any]:
    """The endpoints Rasa should load."""
    result = {name: dict(values or {}) for name, values in base.items()}
    if settings.action_server_url:
        result.setdefault("action_endpoint", {})["url"] = settings.action_server_url
    action = result.get("action_endpoint")
    if action and not settings.action_server_token:
        headers = {name: value for name, value in (action.get("headers") or {}).items()
                   if ACTION_SERVER_TOKEN_REFERENCE not in str(value)}
        action.pop("headers", None)
        if headers:
            action["headers"] = headers
    return result


class _Unexpanded(yaml.SafeLoader):
    """YAML as written: once Rasa is imported, every `yaml.safe_load` of the process fills in
    `${...}` from the environment (rasa.shared.utils.io), and fails on an unset variable."""


_Unexpanded.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "!env_var"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def read_base(path: Path = BASE) -> Dict[str, Any]:
    """`endpoints.yml` with its `${...}` left for Rasa to fill in when it reads the written file."""
    return yaml.load(path.read_text(), Loader=_Unexpanded) or {}  # noqa: S506 (a SafeLoader)


def write(path: Path, settings: ServerSettings) -> Dict[str, Any]:
    values = endpoints(settings, read_base())
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
