"""Durability under load, against the real `familjeapp serve` in a subprocess, with several
worker processes (gunicorn, `--workers 2`) writing to the same SQLite file.

SECURITY.md, "Storage and durability", asks for tests that show: 50 concurrent writers get no
error; a resend of the same check-in stores one row; and kill -9 of the server during concurrent
check-ins loses no acknowledged check-in, with `PRAGMA integrity_check` ok afterwards. Here kill -9
hits, in turn, one worker (the master starts another), the master alone (its workers must stop
by themselves), and the master with every worker at once, as a crash of the machine would.

Each test starts its own server on a fresh SQLite file and talks plain HTTP to it with the
standard library only (http.client, one connection per request, the cookie kept by hand).
"""

import http.client
import os
import random
import re
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from familjeapp.db import connect
from familjeapp.demo import add_demo_family
from familjeapp.store import invites

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
CODE = "2468"
ADULT_ROLES = ("parent", "network")
REQUEST_TIMEOUT = 30


# --- The real server -------------------------------------------------------------------------


def _command() -> str:
    """The console script beside this Python (the venv's), run directly: its shebang execs
    Python, so the Popen pid is the Python process that listens, not a wrapper."""
    script = Path(sys.executable).parent / "familjeapp"
    if not script.exists():
        pytest.fail(f"{script} is missing: pip install -e . into this venv")
    return str(script)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _listening_inodes(port: int) -> set[str]:
    """Socket inodes listening on 127.0.0.1:port, from /proc/net/tcp (state 0A = LISTEN)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, state, inode = fields[1], fields[3], fields[9]
        if state == "0A" and int(local.split(":")[1], 16) == port:
            found.add(inode)
    return found


def _is_python_listening(pid: int, port: int) -> bool:
    try:
        python = "python" in os.path.basename(os.readlink(f"/proc/{pid}/exe"))
    except OSError:
        return False
    return python and _owns_listening_socket(pid, port)


def _owns_listening_socket(pid: int, port: int) -> bool:
    inodes = _listening_inodes(port)
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False
    for fd in fds:
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:[") and target[8:-1] in inodes:
            return True
    return False


def _parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def child_pids(pid: int) -> set[int]:
    """The processes whose parent is pid, from /proc/<n>/stat."""
    return {n for n in (int(p.name) for p in Path("/proc").glob("[0-9]*")) if _parent(n) == pid}


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting for its parent."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _wait_until(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"not within {seconds} s: {what}")
        time.sleep(0.05)


class Server:
    """`familjeapp serve --workers N` on a free port, on the given SQLite file."""

    def __init__(
        self, db_path: Path, log_dir: Path, threads: int = 8, workers: int = 2,
        extra: tuple[str, ...] = (),
    ) -> None:  # fmt: skip
        self.db_path = db_path
        self.log_dir = log_dir
        self.threads = threads
        self.workers = workers
        self.extra = extra
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("FAMILJEAPP_")}
        self.env.update(FAMILJEAPP_DB=str(db_path), FAMILJEAPP_SECRET_KEY="durability-tests")
        self.process: subprocess.Popen | None = None
        self.port = 0
        self.starts = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.log_dir / f"serve-{self.starts}.log"

    def init_db(self) -> None:
        done = subprocess.run(
            [_command(), "init-db"], env=self.env, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr

    def start(self) -> None:
        self.starts += 1
        self.port = _free_port()
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(
                [
                    _command(),
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--threads",
                    str(self.threads),
                    "--workers",
                    str(self.workers),
                    *self.extra,
                ],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while True:
            if self.process.poll() is not None:
                pytest.fail(f"familjeapp serve stopped at once:\n{self.log_path.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    pass
                status, _, _ = Browser(self).request("GET", "/", timeout=5)
                if status == 200:
                    return
            except (OSError, http.client.HTTPException):
                pass
            if time.monotonic() > deadline:
                self.stop()
                log = self.log_path.read_text()
                pytest.fail(f"familjeapp serve did not answer in 30 s:\n{log}")
            time.sleep(0.05)
        # Every worker is up (each has the listening socket), so each may take requests.
        _wait_until(lambda: len(self.worker_pids()) == self.workers, 30, "all workers up")

    def worker_pids(self) -> set[int]:
        """The workers: the master's children that are Python and hold the listening socket.

        Read three times: on a busy machine a read of /proc (its listing, or /proc/net/tcp)
        can now and then miss an entry while other processes and sockets come and go."""
        assert self.process is not None
        master = self.process.pid
        found: set[int] = set()
        for _ in range(3):
            found |= {pid for pid in child_pids(master) if _is_python_listening(pid, self.port)}
        return {pid for pid in found if _alive(pid) and _parent(pid) == master}

    def kill_9(self, what: str = "all") -> None:
        """SIGKILL a worker ("worker"), the master ("master") or both at once ("all").

        Each pid is checked first (Python, owning the listening socket), so a wrapper process
        could never make this test pass vacuously. After "worker" the master starts a new one
        and the server keeps its port; after the others the server is gone and must be
        started again."""
        assert self.process is not None
        master = self.process.pid
        assert _is_python_listening(master, self.port), f"{master} does not listen"
        workers = self.worker_pids()
        assert len(workers) == self.workers, workers
        if what == "worker":
            victim = min(workers)
            os.kill(victim, signal.SIGKILL)
            _wait_until(lambda: victim not in self.worker_pids(), 10, "the worker is gone")
            _wait_until(
                lambda: len(self.worker_pids()) == self.workers, 30, "the master replaced it"
            )
            return
        for pid in [master, *workers] if what == "all" else [master]:
            os.kill(pid, signal.SIGKILL)
        assert self.process.wait(timeout=10) == -signal.SIGKILL
        self.process = None
        # Orphaned workers notice their master is gone and stop by themselves.
        _wait_until(lambda: not any(_alive(p) for p in workers), 15, "orphan workers stopped")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def db(self):
        return connect(self.db_path)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    running = Server(tmp_path / "familjeapp.sqlite3", tmp_path)
    running.init_db()
    running.start()
    try:
        yield running
    finally:
        running.stop()


# --- A device talking HTTP -------------------------------------------------------------------


class Browser:
    """One device: its own cookies, a new connection per request (no redirects followed)."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.cookies: dict[str, str] = {}
        self.csrf = ""

    def request(
        self,
        method: str,
        path: str,
        fields: dict | None = None,
        *,
        timeout: float = REQUEST_TIMEOUT,
    ) -> tuple[int, dict, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=timeout)
        try:
            headers = {"Connection": "close"}
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            body = None
            if fields is not None:
                body = urlencode(fields)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            connection.request(method, path, body=body, headers=headers)
            answer = connection.getresponse()
            text = answer.read().decode("utf-8", "replace")
            for header in answer.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return answer.status, {k.lower(): v for k, v in answer.getheaders()}, text
        finally:
            connection.close()

    def form_token(self, path: str) -> str:
        status, _, text = self.request("GET", path)
        assert status == 200, (path, status)
        match = CSRF.search(text)
        assert match, f"no csrf_token on {path}"
        return match.group(1)

    def sign_in(self, invite_path: str) -> str:
        """Open the invite, press its button, choose a code; returns the plan's path."""
        status, headers, _ = self.request(
            "POST", invite_path, {"csrf_token": self.form_token(invite_path)}
        )
        assert status == 303 and urlsplit(headers["location"]).path == "/kod/ny", status
        token = self.form_token("/kod/ny")
        status, headers, _ = self.request(
            "POST", "/kod/ny", {"csrf_token": token, "code": CODE, "repeat": CODE}
        )
        assert status == 303, status
        plan = urlsplit(headers["location"]).path
        assert re.fullmatch(r"/familj/\d+/plan", plan), plan
        self.plan_path = plan
        self.checkin_path = plan.removesuffix("plan") + "hur-gar-det"
        # The check-in form's token stays valid for the whole session (no time limit).
        self.csrf = self.form_token(self.checkin_path)
        return plan

    def send_checkin(self, client_id: str, rating: int = 7, words: str = "") -> tuple[int, str]:
        status, headers, _ = self.request(
            "POST",
            self.checkin_path,
            {
                "csrf_token": self.csrf,
                "client_id": client_id,
                "rating": str(rating),
                "words": words,
                "shared": "y",
            },
        )
        return status, headers.get("location", "")


def signed_in_browsers(server: Server, count: int, families: int) -> list[Browser]:
    """`count` signed-in devices of adults spread over `families` demo families; a person gets
    more than one device through extra invites."""
    db = server.db()
    adults = []
    for _ in range(families):
        demo = add_demo_family(db)
        adults += [p for p in demo["people"] if p["role"] in ADULT_ROLES]
    paths = [
        "/i/" + invites.create_invite(db, adults[n % len(adults)]["id"], days=7, created_by=None)
        for n in range(count)
    ]
    db.close()
    browsers = [Browser(server) for _ in paths]
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(Browser.sign_in, browsers, paths))
    return browsers


def query(db_path: Path, sql: str, params: tuple = ()) -> list[tuple]:
    """Read the file straight from this process, as another SQLite client would."""
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def stored_client_ids(server: Server) -> set[str]:
    return {row[0] for row in query(server.db_path, "SELECT client_id FROM checkins")}


def count_checkins(server: Server) -> int:
    return query(server.db_path, "SELECT count(*) FROM checkins")[0][0]


def integrity(db_path: Path) -> str:
    return query(db_path, "PRAGMA integrity_check")[0][0]


def new_client_id() -> str:
    return secrets.token_urlsafe(18)


# --- The tests -------------------------------------------------------------------------------


def test_fifty_concurrent_writers_all_succeed(server: Server):
    browsers = signed_in_browsers(server, 50, families=5)
    assert len({b.cookies["familjeapp"] for b in browsers}) == 50
    barrier = threading.Barrier(len(browsers))

    def write(n: int) -> tuple[int, str]:
        browser = browsers[n]
        client_id = new_client_id()
        barrier.wait(timeout=30)
        return (*browser.send_checkin(client_id, rating=n % 11, words=f"nummer {n}"), client_id)

    with ThreadPoolExecutor(max_workers=len(browsers)) as pool:
        answers = list(pool.map(write, range(len(browsers))))

    statuses = [status for status, _, _ in answers]
    assert statuses == [303] * 50, statuses
    assert all("/historik?sparad=" in location for _, location, _ in answers)
    assert count_checkins(server) == 50
    assert stored_client_ids(server) == {client_id for _, _, client_id in answers}
    assert integrity(server.db_path) == "ok"


def test_three_concurrent_resends_over_http_store_one_row(server: Server):
    (browser,) = signed_in_browsers(server, 1, families=1)
    client_id = new_client_id()
    barrier = threading.Barrier(3)

    def resend(_: int) -> tuple[int, str]:
        barrier.wait(timeout=30)
        return browser.send_checkin(client_id, rating=4, words="Samma ord, tre gånger")

    with ThreadPoolExecutor(max_workers=3) as pool:
        answers = list(pool.map(resend, range(3)))

    assert [status for status, _ in answers] == [303] * 3, answers
    assert len({location for _, location in answers}) == 1, answers
    assert "/historik?sparad=" in answers[0][1]
    rows = query(server.db_path, "SELECT id FROM checkins WHERE client_id = ?", (client_id,))
    assert len(rows) == 1
    assert count_checkins(server) == 1
    assert answers[0][1].endswith(f"sparad={rows[0][0]}")
    # The same id with other content is refused, and still stores nothing more.
    assert browser.send_checkin(client_id, rating=9, words="Annat")[0] == 409
    assert len(stored_client_ids(server)) == 1


# One worker, the master alone, then the master and every worker at once.
KILLS = ("worker", "master", "all")
WRITERS = 6


@pytest.mark.skipif(
    not Path("/proc/net/tcp").exists(), reason="finds the listening process through Linux's /proc"
)
def test_kill_9_loses_no_acknowledged_checkin(server: Server):
    browsers = signed_in_browsers(server, WRITERS, families=2)
    acknowledged: list[str] = []
    unexpected: list[tuple[int, str]] = []
    lock = threading.Lock()

    def keep_writing(browser: Browser, stop: threading.Event) -> None:
        n = 0
        while not stop.is_set():
            client_id = new_client_id()
            n += 1
            try:
                status, location = browser.send_checkin(client_id, rating=n % 11, words=str(n))
            except (OSError, http.client.HTTPException):
                # The server died under this request: not acknowledged, so nothing is promised.
                time.sleep(0.01)
                continue
            with lock:
                if status == 303:
                    acknowledged.append(client_id)
                else:
                    unexpected.append((status, location))

    for cycle, what in enumerate(KILLS):
        stop = threading.Event()
        writers = [
            threading.Thread(target=keep_writing, args=(b, stop), daemon=True) for b in browsers
        ]
        before = len(acknowledged)
        for writer in writers:
            writer.start()
        # Let the writers get going, then kill the server at some moment in their traffic.
        deadline = time.monotonic() + 10
        while len(acknowledged) - before < 20 and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(random.uniform(0.1, 0.8))
        server.kill_9(what)
        stop.set()
        for writer in writers:
            writer.join(timeout=REQUEST_TIMEOUT + 5)
            assert not writer.is_alive()

        assert not unexpected, unexpected
        assert len(acknowledged) - before >= 20, f"cycle {cycle}: too few check-ins before kill"
        # Straight after the kill, before any server opens the file again (after "worker", while
        # the other worker and the new one have it open).
        assert integrity(server.db_path) == "ok"
        missing = set(acknowledged) - stored_client_ids(server)
        assert not missing, f"cycle {cycle} ({what}): {len(missing)} acknowledged check-ins lost"

        if what != "worker":
            server.start()
        assert integrity(server.db_path) == "ok"
        missing = set(acknowledged) - stored_client_ids(server)
        assert not missing, f"cycle {cycle}: {len(missing)} lost after restart"
        # The restarted server answers the same devices and takes a new check-in.
        probe = browsers[cycle % len(browsers)]
        status, _, _ = probe.request("GET", probe.plan_path)
        assert status == 200
        client_id = new_client_id()
        assert probe.send_checkin(client_id, rating=5)[0] == 303
        assert client_id in stored_client_ids(server)

    total = count_checkins(server)
    # Every row is either acknowledged, a probe, or a write that committed just as it was killed.
    assert total >= len(acknowledged) + len(KILLS)
