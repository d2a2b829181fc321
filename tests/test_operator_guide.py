"""The operator's guide, run as written: its environment and its commands, in production
settings on PostgreSQL and Redis (gunicorn with several workers, two `flask worker`s, one
`flask scheduler`), and one change walked through them: a member joins a task over HTTP,
a worker runs the debounced recompute and evaluates the alerts, a coordinator finds them
on the desk, and the scheduler's digest planner gets the coordinator's digest to an SMTP
server in this process.

The commands and the names of the variables are read from docs/operations.md, so the
guide cannot drift from what is tested; only values (ports, the database, the secret) are
the test's own.
"""

from __future__ import annotations

import re
import secrets
import shlex
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import requests
from redis import Redis
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from coordinator.models import Alert, Membership, Participation, RecomputeRun, Task, User
from coordinator.services.demo import DEMO_PASSWORD, demo_logins
from tests.databases import shared_postgres_database
from tests.services import ROOT, stop_process_group, wait_until
from tests.smtp import free_port, start_smtp

pytestmark = [pytest.mark.redis]

GUIDE = ROOT / "docs" / "operations.md"
BIN = Path(sys.executable).parent


def _blocks(text: str) -> list[str]:
    return re.findall(r"```(?:sh|ini)\n(.*?)```", text, flags=re.S)


def guide_environment() -> dict[str, str]:
    """The variables of the guide's environment block, with its values."""
    block = next(b for b in _blocks(GUIDE.read_text()) if "POLDER_ENV=" in b)
    pairs = (line.split("#")[0].strip() for line in block.splitlines())
    return dict(shlex.split(pair)[0].split("=", 1) for pair in pairs if "=" in pair)


def guide_commands() -> dict[str, list[str]]:
    """The guide's deploy commands by role: upgrade, web, worker, scheduler."""
    block = next(b for b in _blocks(GUIDE.read_text()) if "db upgrade" in b)
    commands = {}
    for line in block.splitlines():
        words = shlex.split(line.split("#")[0])
        if not words or words[0] == "pip":
            continue
        role = ("upgrade" if "upgrade" in words else "web" if words[0] == "gunicorn"
                else words[-1])
        commands[role] = words
    return commands


def _executable(words: list[str]) -> list[str]:
    """The command with its program taken from this environment's bin folder."""
    return [str(BIN / words[0]), *words[1:]]


class HiddenFields(HTMLParser):
    """The hidden inputs (CSRF and one-time tokens) of the form posting to `action`."""

    def __init__(self, page: str, action: str):
        super().__init__()
        self.page, self.action, self.inside, self.fields = page, action, False, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":  # a form without an action posts to its own page
            target = re.split(r"[?#]", attrs.get("action") or self.page)[0]
            self.inside = target.endswith(self.action)
        elif tag == "input" and self.inside and attrs.get("type") == "hidden":
            self.fields[attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


class Browser(requests.Session):
    """A browser behind the TLS proxy the guide puts in front of gunicorn: the proxy says
    the request came over HTTPS, and secure cookies come back over its plain-HTTP hop."""

    def __init__(self, base: str):
        super().__init__()
        self.base = base
        self.headers["X-Forwarded-Proto"] = "https"

    def request(self, method, url, *args, **kwargs):
        kwargs.setdefault("timeout", 30)
        response = super().request(method, self.base + url, *args, **kwargs)
        for cookie in self.cookies:
            cookie.secure = False
        return response

    def submit(self, page: str, action: str, **data) -> requests.Response:
        form = HiddenFields(page, action)
        form.feed(self.get(page).text)
        assert "csrf_token" in form.fields, f"no form posting to {action} on {page}"
        # A browser names the page it posts from; over HTTPS the CSRF check wants it.
        referer = self.base.replace("http://", "https://") + page
        return self.post(action, data={**form.fields, **data}, allow_redirects=False,
                         headers={"Referer": referer})

    def log_in(self, email: str) -> None:
        response = self.submit("/login", "/login", email=email, password=DEMO_PASSWORD)
        assert response.status_code in (302, 303), response.text[-1500:]


class Deployment:
    """What the guide says to run, each in its own process group, logs in tmp_path."""

    def __init__(self, tmp_path: Path, environment: dict[str, str]):
        self.tmp_path, self.environment = tmp_path, environment
        self.processes: list[tuple[str, subprocess.Popen, Path]] = []

    def run(self, words: list[str]) -> str:
        done = subprocess.run(_executable(words), cwd=ROOT, env=self.environment,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"{shlex.join(words)}:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def start(self, name: str, words: list[str]) -> None:
        log = self.tmp_path / f"{name}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(_executable(words), cwd=ROOT, env=self.environment,
                                       stdout=out, stderr=subprocess.STDOUT,
                                       start_new_session=True)
        self.processes.append((name, process, log))

    def logs(self) -> str:
        return "\n".join(f"--- {name}\n{log.read_text(errors='replace')[-3000:]}"
                         for name, _, log in self.processes)

    def stop(self) -> None:
        for _, process, _ in reversed(self.processes):
            stop_process_group(process)


@pytest.fixture
def database(tmp_path):
    with shared_postgres_database("polder_guide") as url:
        yield url


def test_the_deployment_in_the_operators_guide_carries_a_change_to_a_digest(
        database, redis_url, tmp_path):
    guide = guide_environment()
    commands = guide_commands()
    assert set(commands) == {"upgrade", "web", "worker", "scheduler"}, commands
    smtp, recorder = start_smtp()
    web_port = free_port()
    base = f"http://127.0.0.1:{web_port}"
    ours = {"SECRET_KEY": secrets.token_hex(32), "DATABASE_URL": database,
            "REDIS_URL": redis_url, "BASE_URL": base, "MAIL_SERVER": "127.0.0.1"}
    assert set(ours) <= set(guide), "the guide no longer names these variables"
    env_file = tmp_path / "polder.env"
    env_file.write_text("".join(f"{key}={shlex.quote(value)}\n"
                                for key, value in {**guide, **ours}.items()))
    environment = {
        "PATH": f"{BIN}:/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8",
        # As /etc/polder.env is for the systemd units: every process reads this file.
        "POLDER_ENV_FILE": str(env_file), "FLASK_SKIP_DOTENV": "1",
        # The test's own: its SMTP port, its instance folder, and a recompute that
        # starts at once instead of 30 s after the change.
        "MAIL_PORT": str(smtp.port), "POLDER_INSTANCE_DIR": str(tmp_path / "instance"),
        "RECOMPUTE_DEBOUNCE_SECONDS": "0",
    }
    web = [word.replace("127.0.0.1:8000", f"127.0.0.1:{web_port}") for word in commands["web"]]
    assert web != commands["web"] and "-w" in web  # several gunicorn workers, on our port

    deployment = Deployment(tmp_path, environment)
    engine = create_engine(database)
    try:
        deployment.run(commands["upgrade"])
        deployment.run(["flask", "--app", "wsgi", "seed-demo"])
        # Seeding queued a recompute; drop it, so the run we watch is the join's.
        Redis.from_url(redis_url).flushdb()
        deployment.start("web", web)
        deployment.start("worker-1", commands["worker"])
        deployment.start("worker-2", commands["worker"])
        wait_until(lambda: _answers(base), what="gunicorn to answer", timeout=60)
        with Session(engine) as session:
            assert session.scalar(select(Alert.id).limit(1)) is None
            email, task_id = _someone_with_a_task_to_join(session)
            coordinator = next(e for role, e, _, _ in demo_logins() if role == "coordinator")

        member = Browser(base)
        member.log_in(email)
        joined = member.submit(f"/p/demo/tasks/{task_id}", f"/p/demo/tasks/{task_id}/join",
                               note="I know the ground here")
        assert joined.status_code in (302, 303), joined.text[:500]

        with Session(engine) as session:
            assert session.scalar(select(Participation.id).join(Membership).join(User).where(
                Participation.task_id == task_id, User.email == email))
        run = wait_until(lambda: _finished_run(engine), timeout=120,
                         what="a worker to run the join's recompute")
        assert run == ("succeeded", "change"), deployment.logs()
        # The run row lands with the snapshot; the evaluation commits after it.
        titles = wait_until(lambda: _open_alert_scopes(engine), timeout=60,
                            what="the recompute's evaluation to open alerts")

        desk = Browser(base)
        desk.log_in(coordinator)
        page = desk.get("/p/demo/desk/").text
        assert any(_html_text(title) in page for title in titles), page[:2000]
        saved = desk.submit("/p/demo/digest", "/p/demo/digest", frequency="daily",
                            timezone="UTC", send_hour="0", alerts="y")
        assert saved.status_code in (302, 303), saved.text[:1000]

        deployment.start("scheduler", commands["scheduler"])
        digest = wait_until(lambda: _digest_to(recorder, coordinator), timeout=120,
                            what="the coordinator's digest at the SMTP server")
        body = digest.get_body(("plain",)).get_content()
        assert any(title in body for title in titles), body[:2000]
        assert "Traceback" not in deployment.logs(), deployment.logs()
    finally:
        deployment.stop()
        smtp.stop()
        engine.dispose()


def _answers(base: str) -> bool:
    try:
        return requests.get(base + "/readyz", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def _someone_with_a_task_to_join(session: Session) -> tuple[str, int]:
    """A member and an open task with room, open to anyone, that they are not on."""
    tasks = session.scalars(select(Task).where(Task.status.in_(("open", "active")),
                                               Task.join_policy == "open")
                            .order_by(Task.id)).all()
    members = session.execute(select(User.email, Membership.id).join(Membership.user)
                              .order_by(Membership.id)).all()
    for task in (task for task in tasks if task.has_room):
        on = {p.membership_id for p in task.participations} | {task.initiator_id}
        for email, member_id in members:
            if member_id not in on:
                return email, task.id
    raise AssertionError("the demo has no task with room")


def _finished_run(engine) -> tuple[str, str] | None:
    with Session(engine) as session:
        run = session.scalar(select(RecomputeRun).where(RecomputeRun.trigger == "change")
                             .order_by(RecomputeRun.id.desc()))
        return (run.status, run.trigger) if run and run.status != "running" else None


def _open_alert_scopes(engine) -> list[str]:
    with Session(engine) as session:
        return session.scalars(select(Alert.scope_label).where(
            Alert.status == "open", Alert.scope_label != "")).all()


def _digest_to(recorder, address: str):
    # The scheduler sends other mail too (reminders of quiet task places): digests carry
    # a List-Id.
    return next((m for m in recorder.messages
                 if m["To"].addresses[0].addr_spec == address and m["List-Id"]), None)


def _html_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") \
        .replace('"', "&#34;").replace("'", "&#39;")
