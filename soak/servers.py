"""The assistant as `make run` runs it, for the soak: the action server and the Rasa server
under the project's supervisor (`python -m supervisor`), which restarts whichever is killed.
And a PostgreSQL server of its own, when this machine has PostgreSQL's programs."""
from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Optional

from harness.servers import Assistant, free_port


class SupervisedAssistant(Assistant):
    """Both servers as children of the project's supervisor, with a fast back-off."""

    stop_timeout_seconds = 60  # the supervisor stops its servers on SIGTERM, then itself

    @property
    def status_file(self) -> Path:
        return self.workdir / "supervisor.json"

    def start(self) -> "SupervisedAssistant":
        self.write_endpoints()
        processes = [f"action server|http://127.0.0.1:{self.action_port}/health|{shlex.join(self.action_command())}",
                     f"Rasa server|{self.url}/|{shlex.join(self.rasa_command())}"]
        self.processes.append(self._spawn([sys.executable, "-m", "supervisor", "--status-file", str(self.status_file),
                                           "--backoff-first", "0.5", "--start-timeout", "300", *processes]))
        self._wait_until_ready()
        return self

    def pid(self, name: str) -> Optional[int]:
        try:
            return json.loads(self.status_file.read_text())[name]["pid"]
        except (OSError, ValueError, KeyError):
            return None

    def signal(self, name: str, sig: int) -> int:
        """Send `sig` to the named server ("action server" or "Rasa server"); its pid."""
        pid = self.pid(name)
        assert pid, f"the {name} is not running"
        os.kill(pid, sig)
        return pid

    def kill(self, name: str) -> None:
        """SIGKILL the named server; the supervisor starts it again."""
        self.signal(name, signal.SIGKILL)

    def wait_until_back(self, name: str, old_pid: int, seconds: float = 300) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                status = json.loads(self.status_file.read_text())[name]
                if status["pid"] not in (None, old_pid) and status["ready"]:
                    return
            except (OSError, ValueError, KeyError):
                pass
            time.sleep(0.5)
        raise RuntimeError(f"the {name} did not come back within {seconds:.0f} s")



POSTGRES_BIN = Path("/usr/lib/postgresql")


def postgres_bin() -> Optional[Path]:
    """The directory of PostgreSQL's server programs (initdb, pg_ctl), if installed."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(os.path.realpath(found)).parent
    versions = sorted(POSTGRES_BIN.glob("*/bin/pg_ctl"))
    return versions[-1].parent if versions else None


@dataclass
class Postgres:
    """A throw-away PostgreSQL cluster on 127.0.0.1, run as the `postgres` user when root."""

    directory: Path
    port: int = 0

    def __post_init__(self) -> None:
        self.port = self.port or free_port()
        self.bin = postgres_bin()
        if self.bin is None:
            raise RuntimeError("PostgreSQL's programs are not installed")

    def _run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run([*prefix, *command], check=check, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)

    def create(self) -> "Postgres":
        self.directory.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        self._run(str(self.bin / "initdb"), "-D", str(self.directory / "data"), "-U", "postgres", "--auth=trust",
                  "-E", "UTF8")
        self.start()
        self._run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "pht")
        return self

    def start(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.directory / "data"), "-l", str(self.directory / "log"),
                  "-o", f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1", "-w", "start")

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.directory / "data"), "-m", "fast", "-w", "stop", check=False)

    def tracker_store(self, store_class: str) -> Dict[str, object]:
        return {"type": store_class, "dialect": "postgresql", "url": "127.0.0.1", "port": self.port,
                "db": "pht", "username": "postgres"}
