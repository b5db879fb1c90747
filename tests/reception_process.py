"""A reception page in a process of its own, on a free port: what a replica is in the manifests
(deploy/k8s runs two), with nothing shared in memory with the test or with another replica.

The process serves the page's own app and server (`web.reception.app`: `create_app`, `server`),
as `python -m web.reception` does, with one difference: its clock is a file the test moves
(`FileClock`), so a test of the back-off or of expiry waits for nothing and can be timed by
nothing. Run as a script, this module is that process:

    python tests/reception_process.py --port PORT --clock FILE   (settings from the environment)
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Dict, Optional

from harness.servers import ROOT, dies_with_parent, free_port

START = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.timezone.utc)


class FileClock:
    """The time in a file (ISO 8601), read at every call: every process given the file sees the
    same time, and the test moves it for all of them at once."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def __call__(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.path.read_text())

    def set(self, moment: dt.datetime) -> None:
        staged = self.path.with_suffix(".new")
        staged.write_text(moment.isoformat())
        os.replace(staged, self.path)  # a reader sees the old time or the new, never half of one

    def advance(self, **delta: float) -> None:
        self.set(self() + dt.timedelta(**delta))


class ReceptionProcess:
    """One reception replica: `start()` waits until it answers, `stop()` ends it."""

    def __init__(self, env: Dict[str, str], clock: FileClock, log: Path) -> None:
        self.env, self.clock, self.log_path = env, clock, log
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: Optional[subprocess.Popen] = None

    def start(self, timeout: float = 60) -> "ReceptionProcess":
        env = {**os.environ, "PYTHONPATH": str(ROOT), **self.env}
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, str(Path(__file__).resolve()), "--port", str(self.port), "--clock",
                 str(self.clock.path)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, preexec_fn=dies_with_parent)
        deadline = time.monotonic() + timeout  # start-up only: no assertion is made on it
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the reception process ended at start-up:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2) as answer:
                    if answer.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the reception process did not answer within {timeout} s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description="a reception page whose clock is a file")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--clock", type=Path, required=True)
    args = parser.parse_args()
    from pht.records import settings
    from web.reception.app import create_app, server

    config = settings()
    server(create_app(config, clock=FileClock(args.clock)), "127.0.0.1", args.port,
           list(config.trusted_proxies)).run()


if __name__ == "__main__":
    main()
