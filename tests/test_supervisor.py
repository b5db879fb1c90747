"""The process supervisor behind `make run` (supervisor/), with small stand-in processes: a
killed process comes back with back-off while the others go on, Ctrl-C stops them all, and a
process that cannot start stops everything with an error."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness.servers import free_port
from supervisor.supervise import backoff_delay, parse_program

ROOT = Path(__file__).resolve().parent.parent
SLEEPER = f"{sys.executable} -c 'import time; time.sleep(600)'"


def supervise(tmp_path, *processes, options=()):
    status = tmp_path / "status.json"
    process = subprocess.Popen([sys.executable, "-m", "supervisor", "--status-file", str(status), "--backoff-first",
                                "0.3", "--stop-timeout", "5", *options, *processes], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return process, status


def wait_for(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def read(status):
    try:
        return json.loads(status.read_text())
    except (OSError, ValueError):
        return None


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split()[2] != "Z"


def test_the_back_off_doubles_up_to_its_limit():
    assert [backoff_delay(n, 1, 30) for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]


def test_a_process_line_is_name_url_and_command():
    program = parse_program("Rasa server|http://127.0.0.1:5005/|python -m rasa_server run --cors 'http://a b'")
    assert program.name == "Rasa server" and program.ready_url == "http://127.0.0.1:5005/"
    assert program.command == ["python", "-m", "rasa_server", "run", "--cors", "http://a b"]
    assert parse_program("sleeper||sleep 5").ready_url is None
    with pytest.raises(ValueError):
        parse_program("no command here")


def test_a_killed_process_is_started_again_while_the_others_go_on(tmp_path):
    port = free_port()
    web = f"page|http://127.0.0.1:{port}/|{sys.executable} -m http.server --bind 127.0.0.1 {port}"
    supervisor, status = supervise(tmp_path, web, f"sleeper||{SLEEPER}", options=["--ready-message", "ALL UP"])
    try:
        first = wait_for(lambda: (s := read(status)) and all(p["ready"] for p in s.values()) and s)
        os.kill(first["page"]["pid"], signal.SIGKILL)
        again = wait_for(lambda: (s := read(status)) and s["page"]["restarts"] == 1 and s["page"]["ready"] and s)
        assert again["page"]["pid"] != first["page"]["pid"]
        assert again["sleeper"]["pid"] == first["sleeper"]["pid"] and alive(first["sleeper"]["pid"])
        killed = {first["page"]["pid"]}
        for _ in range(2):  # killed again at once: the wait before each start doubles
            # the process started after the last kill (the status may still name the one just killed)
            pid = wait_for(lambda: (s := read(status)) and s["page"]["pid"] not in killed and s["page"]["pid"])
            os.kill(pid, signal.SIGKILL)
            killed.add(pid)
            time.sleep(0.2)
    finally:
        supervisor.send_signal(signal.SIGINT)
        output = supervisor.communicate(timeout=30)[0]
    assert "ALL UP" in output
    assert "The page stopped (killed by SIGKILL)" in output and "The page is back." in output
    assert "starting it again in 1 s" in output  # 0.3, 0.6, 1.2: doubling


def test_ctrl_c_stops_every_process(tmp_path):
    supervisor, status = supervise(tmp_path, f"one||{SLEEPER}", f"two||{SLEEPER}")
    running = wait_for(lambda: (s := read(status)) and all(p["pid"] for p in s.values()) and s)
    pids = [p["pid"] for p in running.values()]
    supervisor.send_signal(signal.SIGINT)
    assert supervisor.wait(timeout=30) == 0
    assert not [pid for pid in pids if alive(pid)]


def test_sigterm_stops_every_process_too(tmp_path):
    supervisor, status = supervise(tmp_path, f"one||{SLEEPER}")
    pid = wait_for(lambda: (s := read(status)) and s["one"]["pid"])
    supervisor.terminate()
    assert supervisor.wait(timeout=30) == 0 and not alive(pid)


def test_a_process_that_cannot_start_stops_everything_with_an_error(tmp_path):
    supervisor, _ = supervise(tmp_path, f"sleeper||{SLEEPER}", f"broken|http://127.0.0.1:{free_port()}/|"
                              f"{sys.executable} -c 'raise SystemExit(3)'", options=["--start-attempts", "2"])
    output = supervisor.communicate(timeout=60)[0]
    assert supervisor.returncode == 1
    assert "The broken stopped (exit code 3)" in output and "stopped 2 times while starting" in output


def test_a_program_that_cannot_even_be_run_is_tried_again_not_fatal(tmp_path):
    marker = tmp_path / "appears-later"
    supervisor, status = supervise(tmp_path, f"sleeper||{SLEEPER}", f"later||{marker}", options=["--start-attempts", "50"])
    try:
        wait_for(lambda: (s := read(status)) and s["sleeper"]["pid"])
        time.sleep(1.5)
        marker.write_text("#!/bin/sh\nexec sleep 600\n")  # the program is there now (a reinstall finished)
        marker.chmod(0o755)
        wait_for(lambda: (s := read(status)) and s["later"]["pid"])
    finally:
        supervisor.send_signal(signal.SIGINT)
        output = supervisor.communicate(timeout=30)[0]
    assert "The later stopped (could not be started: [Errno 2]" in output
