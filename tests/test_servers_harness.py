"""The test servers' harness (harness/servers.py): ports, and a start that survives a port taken
between choosing it and binding it (a parallel test run's servers once failed on that)."""
import socket
import sys
from pathlib import Path
from typing import List

from harness.servers import Assistant, _ephemeral_ports, free_port

# A stand-in for the Rasa server: answers /status as Rasa does once its model is loaded, and on a
# port already in use writes what sanic writes and exits
STAND_IN = """
import http.server, json, sys
class Status(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"model_file": "stand-in"}).encode()
        self.send_response(200); self.send_header("Content-Type", "application/json"); self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
try:
    server = http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Status)
except OSError:
    print("OSError: [Errno 98] error while attempting to bind on address: address already in use", flush=True)
    sys.exit(1)
server.serve_forever()
"""


class StandIn(Assistant):
    def rasa_command(self) -> List[str]:
        return [sys.executable, "-c", STAND_IN, str(self.rasa_port)]


def test_a_free_port_is_outside_the_range_the_kernel_gives_outgoing_connections():
    ports = {free_port() for _ in range(50)}
    assert not ports & set(_ephemeral_ports())
    assert all(1024 < port < 65536 for port in ports)


def test_a_server_whose_port_was_taken_meanwhile_starts_on_another(tmp_path: Path):
    assistant = StandIn(tmp_path, with_actions=False)
    taken = assistant.rasa_port
    assistant.env = {"SOMETHING_URL": f"http://127.0.0.1:{taken}/x"}
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", taken))
        squatter.listen()
        with assistant:
            assert assistant.rasa_port != taken
            assert assistant.env["SOMETHING_URL"] == f"http://127.0.0.1:{assistant.rasa_port}/x"
            assert "address already in use" in (tmp_path / "servers.log").read_text()


def test_a_server_that_fails_for_another_reason_is_not_started_again(tmp_path: Path):
    class Broken(Assistant):
        def rasa_command(self) -> List[str]:
            return [sys.executable, "-c", "import sys; print('no model'); sys.exit(1)"]

    assistant = Broken(tmp_path, with_actions=False)
    first_port = assistant.rasa_port
    try:
        assistant.start()
    except RuntimeError as error:
        assert "exited early" in str(error)
    else:
        raise AssertionError("a broken server was reported as started")
    assert assistant.rasa_port == first_port
    assert (tmp_path / "servers.log").read_text().count("no model") == 1


def test_a_server_stopped_cleanly_before_it_was_ready_is_started_again_and_says_so(tmp_path: Path, capsys):
    # sanic exits 0 when it cannot begin to serve, and on SIGINT or SIGTERM: once a CI run lost
    # every end-to-end test of one worker to a Rasa server that had exited 0 this way
    class StoppedOnce(StandIn):
        def rasa_command(self) -> List[str]:
            marker = self.workdir / "stopped-once"
            if marker.exists():
                return super().rasa_command()
            marker.touch()
            return [sys.executable, "-c", "print('Stopping worker'); import sys; sys.exit(0)"]

    assistant = StoppedOnce(tmp_path, with_actions=False)
    first_port = assistant.rasa_port
    with assistant:
        assert assistant.rasa_port != first_port
    log = (tmp_path / "servers.log").read_text()
    assert "the Rasa server stopped before it was ready (exit code 0)" in log
    assert "starting both servers again on new ports (attempt 2)" in capsys.readouterr().err


def test_a_server_that_fails_says_which_with_its_exit_code_and_the_end_of_its_log(tmp_path: Path):
    class Broken(Assistant):
        def rasa_command(self) -> List[str]:
            return [sys.executable, "-c", "import sys; print('ValueError: no such model'); sys.exit(3)"]

    try:
        Broken(tmp_path, with_actions=False).start()
    except RuntimeError as error:
        assert "the Rasa server, exit code 3" in str(error)
        assert "ValueError: no such model" in str(error)
    else:
        raise AssertionError("a broken server was reported as started")


def test_a_free_port_is_still_found_where_the_ephemeral_range_leaves_none_below_it(monkeypatch):
    import harness.servers

    monkeypatch.setattr(harness.servers, "_ephemeral_ports", lambda: range(1024, 65536))
    port = free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))  # free


# A test run that starts a server and is then killed (SIGKILL: no clean-up runs): it prints the
# server's pid and waits to be killed
KILLED_RUN = """
import subprocess, sys, time
from harness.servers import dies_with_parent
server = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"], preexec_fn=dies_with_parent)
print(server.pid, flush=True)
time.sleep(120)
"""


def test_a_server_started_by_a_test_run_that_is_killed_does_not_outlive_it():
    import os
    import signal
    import subprocess
    import time

    run = subprocess.Popen([sys.executable, "-c", KILLED_RUN], cwd=Path(__file__).resolve().parent.parent,
                           stdout=subprocess.PIPE, text=True)
    server = int(run.stdout.readline())
    run.send_signal(signal.SIGKILL)
    run.wait(timeout=30)
    for _ in range(300):  # the kernel signals the server at once; a busy machine may take a moment to reap it
        try:
            os.kill(server, 0)
        except ProcessLookupError:
            break
        with open(f"/proc/{server}/stat") as stat:
            if stat.read().split(") ")[1].startswith("Z"):
                break  # terminated, waiting only for init to reap it
        time.sleep(0.1)
    else:
        os.kill(server, signal.SIGKILL)
        raise AssertionError("the server outlived the test run that started it")
