"""Real Redis and worker processes for tests; in CI a missing service fails the test."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def require_redis() -> str:
    from redis import Redis
    from redis.exceptions import RedisError

    try:
        Redis.from_url(REDIS_URL, socket_timeout=1, socket_connect_timeout=1).ping()
    except RedisError as exc:
        message = f"Redis is not reachable at {REDIS_URL}: {exc}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return REDIS_URL


def wait_until(condition, timeout: float = 60, what: str = "condition"):
    """Poll `condition` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def stop_process_group(process: subprocess.Popen) -> None:
    """SIGTERM the process's group, SIGKILL it if it has not ended within 20 s."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


class WorkerProcess:
    """`flask worker` in its own process group, against the test database."""

    def __init__(self, database_uri: str, redis_url: str, tmp_path: Path,
                 hold: Path | None = None, **env: str):
        """`hold`: the first recompute waits after taking its lease while this file is
        there (tests/held_worker.py)."""
        self.log = tmp_path / "worker.log"
        environment = {
            **os.environ, "FLASK_APP": "wsgi.py", "DATABASE_URL": database_uri,
            "REDIS_URL": redis_url, "SECRET_KEY": "worker-test-secret-0123456789abcdef",
            "POLDER_INSTANCE_DIR": str(tmp_path / "instance"), "JOB_RETRY_INTERVALS": "0",
            **env,
        }
        self._log_file = self.log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", *(("tests.held_worker", str(hold)) if hold
                                     else ("flask", "worker"))], cwd=ROOT, env=environment,
            stdout=self._log_file, stderr=subprocess.STDOUT, start_new_session=True)

    def stop(self) -> None:
        stop_process_group(self.process)
        self._log_file.close()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


class SilentServer:
    """Accepts connections and never answers: a hung Redis."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.connections: list[socket.socket] = []
        self._stop = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        self.sock.settimeout(0.2)
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections.append(conn)

    def close(self) -> None:
        self._stop = True
        for conn in self.connections:
            conn.close()
        self.sock.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class GunicornServer:
    """The app under gunicorn with several worker processes, as in production."""

    def __init__(self, database_uri: str, tmp_path: Path, workers: int = 4, **env: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tmp_path / "gunicorn.log"
        environment = {
            **os.environ, "DATABASE_URL": database_uri, "REDIS_URL": "",
            "SECRET_KEY": "gunicorn-test-secret-0123456789abcdef",
            "POLDER_INSTANCE_DIR": str(tmp_path / "instance"), "BASE_URL": self.url,
            **env,
        }
        self._log_file = self.log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b",
             f"127.0.0.1:{self.port}", "--timeout", "60", "wsgi:app"],
            cwd=ROOT, env=environment, stdout=self._log_file, stderr=subprocess.STDOUT,
            start_new_session=True)
        try:
            wait_until(self._answers, timeout=60, what="gunicorn to answer")
        except BaseException:
            self.stop()
            raise

    def _answers(self) -> bool:
        import requests

        if self.process.poll() is not None:
            raise AssertionError("gunicorn exited:\n" + self.output())
        try:
            return requests.get(self.url + "/healthz", timeout=2).status_code == 200
        except requests.RequestException:  # refused, or workers still booting
            return False

    def stop(self) -> None:
        stop_process_group(self.process)
        self._log_file.close()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


class ThrowawayPostgres:
    """A PostgreSQL cluster of the test's own (own port, own data folder) that it may stop
    and start; never the shared server. In CI missing binaries fail the test."""

    def __init__(self):
        import glob
        import shutil
        import tempfile

        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        if not found:
            message = "PostgreSQL server binaries are not installed"
            if os.environ.get("CI"):
                pytest.fail(message)
            pytest.skip(message)
        self.bin = Path(found[-1]).parent
        self.folder = Path(tempfile.mkdtemp(prefix="polder-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        self._as_postgres = os.geteuid() == 0  # the server refuses to run as root
        if self._as_postgres:
            shutil.chown(self.folder, "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
                  "--no-sync", "-E", "UTF8")
        self.start()

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bin / tool), *args]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c full_page_writes=off")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l",
                  str(self.folder / "server.log"), "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def close(self) -> None:
        import shutil

        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass  # already stopped
        shutil.rmtree(self.folder, ignore_errors=True)
