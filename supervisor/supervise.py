"""Runs the assistant's processes and keeps them running.

Each process is given as `NAME|READY_URL|COMMAND` (READY_URL may be empty; COMMAND is split
like a shell line, without a shell). The processes start in the order given, each once the
one before answers at its READY_URL. Afterwards:

- a process that stops, whatever the reason (a crash, SIGKILL, out of memory), is started
  again after a back-off that doubles from `--backoff-first` to at most `--backoff-most`
  seconds, and falls back to the first once the process has run `--stable-after` seconds;
  the others go on, so one crash is a blip, not an outage;
- a process that stops again and again while first starting (a port in use, a missing
  model) is a mistake to fix, not a blip: after `--start-attempts` tries everything stops
  with an error;
- Ctrl-C or SIGTERM stops every process (SIGTERM to its process group, SIGKILL after
  `--stop-timeout` seconds), the last started first.

`--status-file` keeps a JSON file with each process's pid, restarts and readiness, for the
tests and for anyone who wants to know.
"""
from __future__ import annotations

import argparse
import json
import os
import shlex
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, List, Optional


@dataclass(frozen=True)
class Program:
    """One process to keep running."""

    name: str
    command: List[str]
    ready_url: Optional[str] = None


@dataclass
class Running:
    """A program's current process and its history."""

    program: Program
    process: Optional[subprocess.Popen] = None
    started_at: float = 0.0
    restarts: int = 0
    failures_in_a_row: int = 0
    restart_at: Optional[float] = None
    ready: bool = False
    ever_ready: bool = False
    start_failures: int = 0
    history: List[str] = field(default_factory=list)


def parse_program(spec: str) -> Program:
    """`NAME|READY_URL|COMMAND` as a Program."""
    parts = spec.split("|", 2)
    if len(parts) != 3 or not parts[0].strip() or not parts[2].strip():
        raise ValueError(f"a process is NAME|READY_URL|COMMAND, not {spec!r}")
    name, url, command = (part.strip() for part in parts)
    return Program(name, shlex.split(command), url or None)


def backoff_delay(failures_in_a_row: int, first: float, most: float) -> float:
    """Seconds to wait before the next start after that many stops in a row (1, 2, 4, ...)."""
    return min(most, first * 2 ** max(0, failures_in_a_row - 1))


def answers(url: str) -> bool:
    """Whether something answers HTTP at `url` (any status below 500)."""
    try:
        with urllib.request.urlopen(url, timeout=2) as reply:
            return reply.status < 500
    except urllib.error.HTTPError as error:
        return error.code < 500
    except (urllib.error.URLError, OSError, ValueError):
        return False


def how_it_ended(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


class Supervisor:
    def __init__(self, programs: List[Program], backoff_first: float = 1.0, backoff_most: float = 30.0,
                 stable_after: float = 60.0, start_timeout: float = 180.0, start_attempts: int = 3,
                 stop_timeout: float = 15.0, status_file: Optional[Path] = None,
                 say: Callable[[str], None] = lambda line: print(line, flush=True)) -> None:
        self.running = [Running(program) for program in programs]
        self.backoff_first, self.backoff_most, self.stable_after = backoff_first, backoff_most, stable_after
        self.start_timeout, self.start_attempts, self.stop_timeout = start_timeout, start_attempts, stop_timeout
        self.status_file = status_file
        self.say = say
        self.stopping = False

    # -- starting and watching ---------------------------------------------------------------
    def _start(self, entry: Running) -> None:
        entry.started_at = time.monotonic()
        entry.restart_at = None
        try:
            entry.process = subprocess.Popen(entry.program.command, start_new_session=True)  # own group: Ctrl-C is ours
        except OSError as error:  # the program is missing or cannot run: a stop like any other
            self._stopped(entry, entry.started_at, f"could not be started: {error}")
            return
        entry.ready = entry.program.ready_url is None
        self._write_status()

    def _stopped(self, entry: Running, now: float, how: str) -> None:
        """Plan the next start of a program whose process stopped (or never started)."""
        entry.process, entry.ready = None, False
        ran = now - entry.started_at
        entry.failures_in_a_row = 1 if ran >= self.stable_after else entry.failures_in_a_row + 1
        delay = backoff_delay(entry.failures_in_a_row, self.backoff_first, self.backoff_most)
        entry.restart_at = now + delay
        if not entry.ever_ready:
            entry.start_failures += 1
        self.say(f"==> The {entry.program.name} stopped ({how}) after {ran:.0f} s; starting it again in {delay:.0f} s.")
        self._write_status()

    def _check(self, entry: Running, now: float) -> None:
        """Notice a stop (and plan the restart), a restart that is due, or readiness."""
        process = entry.process
        if process is not None and process.poll() is not None:
            self._stopped(entry, now, how_it_ended(process.returncode))
        elif process is None and entry.restart_at is not None and now >= entry.restart_at:
            entry.restarts += 1
            self._start(entry)
        elif process is not None and not entry.ready and entry.program.ready_url and answers(entry.program.ready_url):
            entry.ready = True
            if entry.ever_ready:
                self.say(f"==> The {entry.program.name} is back.")
            entry.ever_ready = True
            self._write_status()

    def _start_in_order(self) -> bool:
        """Start each program once the one before answers; False if one cannot be started."""
        for entry in self.running:
            self._start(entry)
            deadline = time.monotonic() + self.start_timeout
            while not entry.ready:
                if self.stopping:
                    return False
                now = time.monotonic()
                self._check(entry, now)
                if entry.start_failures >= self.start_attempts:
                    self.say(f"The {entry.program.name} stopped {entry.start_failures} times while starting; "
                             f"see the messages above.")
                    return False
                if now > deadline:
                    self.say(f"The {entry.program.name} did not start within {self.start_timeout:.0f} s.")
                    return False
                time.sleep(0.2)
            entry.ever_ready = True
            self._write_status()
        return True

    def run(self, ready_message: str = "") -> int:
        """Run until Ctrl-C or SIGTERM (0), or until a program cannot be started (1)."""
        previous = {sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            if not self._start_in_order():
                return 0 if self.stopping else 1
            if ready_message:
                self.say(ready_message)
            while not self.stopping:
                now = time.monotonic()
                for entry in self.running:
                    self._check(entry, now)
                time.sleep(0.2)
            return 0
        finally:
            self.stop_all()
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _on_signal(self, _signum: int, _frame: object) -> None:
        self.stopping = True

    # -- stopping ----------------------------------------------------------------------------
    def stop_all(self) -> None:
        """SIGTERM to every process group, the last started first; SIGKILL to what remains."""
        self.stopping = True
        alive = [entry.process for entry in reversed(self.running) if entry.process and entry.process.poll() is None]
        for process in alive:
            _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + self.stop_timeout
        for process in alive:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait()
        for entry in self.running:
            entry.process, entry.ready = None, False
        self._write_status()

    def _write_status(self) -> None:
        if not self.status_file:
            return
        status = {entry.program.name: {"pid": entry.process.pid if entry.process else None, "ready": entry.ready,
                                       "restarts": entry.restarts} for entry in self.running}
        temporary = self.status_file.with_suffix(".tmp")
        temporary.write_text(json.dumps(status, indent=1))
        os.replace(temporary, self.status_file)


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(process.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m supervisor", description=__doc__.splitlines()[0])
    parser.add_argument("processes", nargs="+", metavar="NAME|READY_URL|COMMAND")
    parser.add_argument("--ready-message", default="", help="printed once every process has started")
    parser.add_argument("--status-file", type=Path)
    parser.add_argument("--backoff-first", type=float, default=1.0)
    parser.add_argument("--backoff-most", type=float, default=30.0)
    parser.add_argument("--stable-after", type=float, default=60.0)
    parser.add_argument("--start-timeout", type=float, default=180.0)
    parser.add_argument("--start-attempts", type=int, default=3)
    parser.add_argument("--stop-timeout", type=float, default=15.0)
    args = parser.parse_args(argv)
    try:
        programs = [parse_program(spec) for spec in args.processes]
    except ValueError as error:
        parser.error(str(error))
    supervisor = Supervisor(programs, args.backoff_first, args.backoff_most, args.stable_after, args.start_timeout,
                            args.start_attempts, args.stop_timeout, args.status_file)
    return supervisor.run(args.ready_message)


if __name__ == "__main__":
    sys.exit(main())
