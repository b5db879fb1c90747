"""Files that hold health data or secrets are readable by their owner only, from the moment
they exist: the var/ folder 0700, databases and secrets 0600.

Every writer of var/ goes through here: the records database (pht/records), the
conversation store (rasa_server/tracker_store.py), the kept secrets (pht/records/settings.py),
the sender-id key (channels/pseudonyms.py), the channels' credentials (channels/credentials.py),
the staff accounts (pht/reception/users.py); scripts/run.sh sets `umask 077` for the rest.
SQLite makes its -wal and -shm files with the database file's mode, so a database file made
0600 before SQLite opens it keeps its companions 0600 too; `restrict_sqlite` also mends the
files of an older installation, made before this.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

FOLDER_MODE = 0o700
FILE_MODE = 0o600
SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def private_folder(path: Path) -> Path:
    """`path` (and missing parents) made; `path` itself owner-only."""
    path.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    if path.stat().st_mode & 0o777 != FOLDER_MODE:
        os.chmod(path, FOLDER_MODE)
    return path


def private_file(path: Path) -> Path:
    """`path` made empty and owner-only when missing, made owner-only when it is there."""
    private_folder(path.parent)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:
        os.chmod(path, FILE_MODE)
    return path


def sqlite_file(url: str) -> Optional[Path]:
    """The file of a `sqlite:///...` URL; None for another database or an in-memory one."""
    if not url.startswith("sqlite:///"):
        return None
    database = url[len("sqlite:///"):].split("?", 1)[0]
    return Path(database) if database and database != ":memory:" else None


def private_sqlite(path: Path) -> None:
    """A SQLite database that is about to be opened: its folder and file owner-only."""
    private_file(path)
    restrict_sqlite(path)


def restrict_sqlite(path: Path) -> None:
    """The database file and its companions that exist, owner-only."""
    for suffix in SQLITE_COMPANIONS:
        companion = Path(f"{path}{suffix}")
        try:
            if companion.stat().st_mode & 0o777 != FILE_MODE:
                os.chmod(companion, FILE_MODE)
        except FileNotFoundError:
            pass
