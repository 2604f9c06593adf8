"""`familjeapp serve` with several worker processes (gunicorn), against the real command.

What a municipality relies on: the requests are really answered by more than one process; the
migrations run once however many workers start together; no worker shares the master's database
connection; SIGTERM lets a request in flight finish; and nothing in the logs names a person or
holds an invite link's token. The durability tests (test_durability.py) run with two workers too.
"""

import http.client
import os
import re
import signal
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from test_durability import Browser, Server, _alive, _wait_until, query

from familjeapp.db import migrations

pytestmark = pytest.mark.skipif(
    not Path("/proc/net/tcp").exists() or not hasattr(os, "fork"),
    reason="gunicorn and the /proc checks need Linux",
)

WORKER = re.compile(r"worker=<(\d+)>")
SECRET = "hemligt-token-i-adressen"


def open_files(pid: int) -> set[str]:
    found = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            found.add(os.readlink(fd))
        except OSError:
            pass
    return found


def test_two_workers_answer_and_log_nothing_personal(tmp_path: Path):
    access_log = tmp_path / "access.log"
    server = Server(
        tmp_path / "familjeapp.sqlite3", tmp_path, workers=2,
        extra=("--access-log", str(access_log)),
    )  # fmt: skip
    server.init_db()
    server.start()
    try:
        workers = server.worker_pids()
        assert len(workers) == 2 and server.process.pid not in workers

        # Requests at the same time, until both workers have answered some (the kernel hands
        # each connection to whichever worker takes it first).
        def get(_: int) -> int:
            return Browser(server).request("GET", "/tillganglighet")[0]

        deadline = time.monotonic() + 20
        answered: set[int] = set()
        while answered != workers and time.monotonic() < deadline:
            with ThreadPoolExecutor(max_workers=16) as pool:
                assert set(pool.map(get, range(48))) == {200}
            answered = {int(pid) for pid in WORKER.findall(access_log.read_text())}
        assert answered == workers, (answered, workers)

        # An invite link's token and the client's address are in no log.
        status, _, _ = Browser(server).request("GET", f"/i/{SECRET}?x={SECRET}")
        assert status in (200, 404, 410)
        # A request line gunicorn refuses is quoted in its own log: the token is taken out.
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
            raw.sendall(f"GET /i/{SECRET}\r\n\r\n".encode())  # no HTTP version
            raw.recv(1000)
        time.sleep(0.5)
        logs = access_log.read_text() + server.log_path.read_text()
        assert "/i/[invite]" in logs  # the refused request line was logged, without its secret
        assert SECRET not in logs
        assert "127.0.0.1 " not in access_log.read_text()

        # gunicorn would trust X-Forwarded-Proto from 127.0.0.1 by itself; without
        # FAMILJEAPP_PROXIES nobody is trusted, so the answer is not one for HTTPS.
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        connection.request("GET", "/", headers={"X-Forwarded-Proto": "https"})
        answer = connection.getresponse()
        answer.read()
        connection.close()
        assert answer.status == 200
        assert answer.getheader("Strict-Transport-Security") is None

        # The master answers no request and holds no database connection (it migrated, then
        # closed it), so no worker it starts, now or after one dies, can inherit one.
        master_files = open_files(server.process.pid)
        assert master_files  # /proc shows them
        assert not {f for f in master_files if f.startswith(str(server.db_path))}

        stops_gracefully(server, workers)
    finally:
        server.stop()


def test_several_workers_starting_together_migrate_once(tmp_path: Path):
    # A fresh file, no init-db: `serve` must create it, once, before the workers start.
    server = Server(tmp_path / "familjeapp.sqlite3", tmp_path, workers=4)
    server.start()
    try:
        names = [row[0] for row in query(server.db_path, "SELECT name FROM _sqlite_migrations")]
        assert sorted(names) == sorted(m.name for m in migrations._migrations)
        assert len(names) == len(set(names))
        # Each worker logs its start a moment after it is forked (and listening).
        _wait_until(
            lambda: server.log_path.read_text().count("Booting worker") >= 4, 15, "4 workers"
        )
        time.sleep(0.5)
        log = server.log_path.read_text()
        assert log.count("Booting worker") == 4, log  # none died and was started again
        assert "Traceback" not in log and "exited" not in log, log
    finally:
        server.stop()


def stops_gracefully(server: Server, workers: set[int]) -> None:
    """SIGTERM to the master: a request in flight still gets its answer, then all stop."""
    body = b"email=a%40b.se&password=" + b"x" * 2000
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as raw:
        raw.sendall(
            b"POST /personal/logga-in HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body[:100]
        )
        time.sleep(0.5)  # a worker is now reading this request
        server.process.send_signal(signal.SIGTERM)
        time.sleep(1)
        raw.sendall(body[100:])
        answer = raw.recv(100)
    # The request got its answer (the CSRF token was missing: 400), not a closed connection.
    assert answer.startswith(b"HTTP/1.1 400"), answer
    assert server.process.wait(timeout=30) == 0
    server.process = None
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in workers)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", server.port), timeout=2).close()
