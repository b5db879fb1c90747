"""`python -m channels.credentials OUT`: Rasa's credentials file, written from the environment.

Rasa 3.6 refuses to start when its credentials file names a variable that is not set, so the
file the server reads is written at start-up: the project's `credentials.yml` (REST and the
website widget), the widget's allowed origins, and each messaging platform whose variables are
all set. It prints which platforms are on and, for those that are off, what is missing.
The file holds secrets: it is written under `var/` (git-ignored), readable by its owner only.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

import yaml

from pht.private import private_folder

from . import settings

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "credentials.yml"
WIDGET = "channels.socketio.WidgetInput"


def credentials(env: Optional[Mapping[str, str]], base: Dict[str, Any]) -> Tuple[Dict[str, Any], List[str]]:
    """The credentials Rasa should load, and one line per platform saying whether it is on
    (from the process's settings, or from `env` when given)."""
    result = {name: dict(values or {}) for name, values in base.items()}
    if WIDGET in result:
        result[WIDGET]["cors_allowed_origins"] = list(settings.web(env).allowed_origins)
    notes = []
    for platform in settings.PLATFORMS:
        values = platform.credentials(env)
        if values is None:
            notes.append(f"{platform.name}: off (set {', '.join(platform.missing(env))} to turn it on)")
        else:
            result[platform.connector] = values
            notes.append(f"{platform.name}: on")
    return result, notes


def write(path: Path, env: Optional[Mapping[str, str]] = None) -> List[str]:
    """Write the credentials file to `path` (owner-only); the notes on each platform."""
    values, notes = credentials(env, yaml.safe_load(BASE.read_text()) or {})
    private_folder(path.parent)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write("# Written by `python -m channels.credentials` from the environment; do not edit.\n")
        yaml.safe_dump(values, file, sort_keys=False)
    os.chmod(path, 0o600)
    return notes


def main(argv: List[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m channels.credentials OUT", file=sys.stderr)
        return 2
    for note in write(Path(argv[0])):
        print(f"    {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
