"""`flask seed-demo`: a demo partnership to explore Polder with."""

import time
from datetime import UTC, datetime

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..extensions import db
from ..models import Partnership
from ..queue import enqueue_committed_changes
from ..services.demo import DEMO_PASSWORD, demo_logins, demo_summary, seed_demo
from .params import Moment


@click.command("seed-demo")
@with_appcontext
@click.option("--now", type=Moment(), default=None,
              help="Date the demo's history up to this moment, e.g. "
                   "2026-11-23T12:00:00+00:00 (default: now). The same value gives the "
                   "same data.")
@click.option("--if-empty", is_flag=True,
              help="Do nothing when the database already holds any partnership.")
def seed_demo_command(now: datetime | None, if_empty: bool) -> None:
    """Create the demo partnership “demo” with members, tasks, groups and history."""
    now = now or datetime.now(UTC)
    if if_empty and db.session.scalar(select(Partnership.id).limit(1)) is not None:
        click.echo("The database already has data; not seeding the demo.")
        if db.session.scalar(select(Partnership.id).where(Partnership.slug == "demo")):
            _print_logins()
        return
    if db.session.scalar(select(Partnership.id).where(Partnership.slug == "demo")):
        raise click.ClickException(
            "a partnership with slug “demo” exists already; nothing was changed")
    started = time.perf_counter()
    result = seed_demo(now)
    db.session.commit()
    enqueue_committed_changes()  # the demo's knowledge map, at once when jobs run here
    seconds = time.perf_counter() - started
    click.echo(f"Seeded “{result.partnership.name}” (slug demo) as of "
               f"{now:%Y-%m-%d %H:%M} UTC in {seconds:.1f} s.")
    for label, value in demo_summary(result.partnership.id).items():
        if isinstance(value, dict):
            value = f"{sum(value.values())} ({', '.join(f'{k} {n}' for k, n in value.items())})"
        click.echo(f"  {label}: {value}")
    _print_logins()


def _print_logins() -> None:
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for role, email, name, why in demo_logins():
        click.echo(f"  {role:<12} {email:<40} {name}, {why}")
