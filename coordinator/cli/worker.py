"""`flask worker`, `flask scheduler`, `flask recompute`, `flask send-digests` and
`flask sweep-places` and `flask backfill-readings`: the background side."""

import time
from datetime import datetime

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from workers.schedule import SCHEDULE, run_forever, tick

from ..extensions import db
from ..models import Partnership, utcnow
from ..queue import (
    QUEUES,
    RECOMPUTE_JOB,
    SEND_DIGESTS_JOB,
    SEND_EMAIL_JOB,
    WEBHOOKS_JOB,
    job_function,
    make_queue,
)
from ..services import places, readings
from ..services.digests import due
from ..services.knowledge.snapshots import latest_snapshot
from .params import Moment


def _queue():
    url = current_app.config.get("REDIS_URL")
    if not url:
        raise click.ClickException("set REDIS_URL (e.g. redis://127.0.0.1:6379/0) to run "
                                   "workers; without it jobs run inside the web process")
    return make_queue(url, timeout=30)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run an RQ worker (with RQ's scheduler for delayed and retried jobs)."""
    from rq import Queue, Worker

    queue = _queue()
    queues = [Queue(name, connection=queue.connection) for name in QUEUES]
    # Jobs fork from this process: import their code (the clustering stack, over a
    # second) once, here, rather than in every job; never hand them an open connection.
    for job in (RECOMPUTE_JOB, SEND_DIGESTS_JOB, SEND_EMAIL_JOB, WEBHOOKS_JOB,
                *(entry.job for entry in SCHEDULE)):
        job_function(job)
    db.engine.dispose()
    Worker(queues, connection=queue.connection).work(with_scheduler=True, burst=burst)


@click.command("scheduler")
@click.option("--once", is_flag=True, help="Run one tick and exit.")
@with_appcontext
def scheduler_command(once: bool) -> None:
    """Enqueue periodic work (hourly recompute sweep); run exactly one in production."""
    queue = _queue()
    if once:
        click.echo("enqueued: " + (", ".join(tick(queue)) or "nothing new"))
        return
    run_forever(queue)


@click.command("recompute")
@click.option("--partnership", "slug", required=True, help="Slug of the partnership.")
@click.option("--now", type=Moment(), default=None,
              help="Evaluate the alerts as of this moment, e.g. 2026-11-23T07:00:00+00:00 "
                   "(default: now).")
@with_appcontext
def recompute_command(slug: str, now: datetime | None) -> None:
    """Recompute a partnership's knowledge map and its balance alerts, here, with a summary."""
    partnership = db.session.scalar(select(Partnership).where(Partnership.slug == slug))
    if partnership is None:
        raise click.ClickException(f"no partnership with slug “{slug}”")
    started = time.perf_counter()
    # The job itself, run here: named by its path, so that web processes, which register
    # this command too, never load the clustering code behind it.
    outcome = job_function(RECOMPUTE_JOB)(partnership.id, trigger="cli", force=True,
                                          now=now.isoformat() if now else None)
    seconds = time.perf_counter() - started
    snapshot = latest_snapshot(partnership.id)
    quality = snapshot.quality
    click.echo(f"{partnership.name}: {quality['clusters']} clusters of "
               f"{quality['profiled']} profiled members ({quality['unclustered']} "
               f"unclustered), modularity {quality['modularity']}, "
               f"{snapshot.params['method']} neighbours, {seconds:.1f} s "
               f"({outcome['status']}).")
    for cluster in snapshot.clusters:
        click.echo(f"  #{cluster.stable_id:<4} {cluster.size:>6} members  {cluster.label}")
    timings = ", ".join(f"{name} {value:.2f} s" for name, value in outcome["timings"].items())
    click.echo(f"Stages: {timings}")
    click.echo(f"Balance {outcome['alerts'] or 'alerts: not evaluated (another run was busy)'}")




@click.command("send-digests")
@click.option("--now", type=Moment(), default=None,
              help="Plan and send as at this moment, e.g. 2026-11-23T07:00:00+00:00 "
                   "(default: now).")
@click.option("--dry-run", is_flag=True, help="Show what would be planned and sent; change "
                                              "nothing.")
@with_appcontext
def send_digests_command(now: datetime | None, dry_run: bool) -> None:
    """Plan the digests that are due and send them here, now; print what happened per kind."""
    now = now or utcnow()
    if dry_run:
        counts = due.preview_due(now)
    else:
        counts = due.send_due(now, progress_bar=lambda total: click.progressbar(
            length=total, label="Sending digests", file=None, show_pos=True))
    for kind in sorted(counts):
        parts = ", ".join(f"{what} {n}" for what, n in sorted(counts[kind].items()))
        click.echo(f"{kind}: {parts}")
    if not counts:
        click.echo("Nothing due.")


@click.command("sweep-places")
@click.option("--now", type=Moment(), default=None,
              help="Sweep as at this moment, e.g. 2026-11-23T07:00:00+00:00 (default: now).")
@with_appcontext
def sweep_places_command(now: datetime | None) -> None:
    """Remind quiet task places and release those reminded a week ago, here, now."""
    totals = places.sweep_all(now, progress_bar=lambda total: click.progressbar(
        length=total, label="Sweeping quiet places", file=None, show_pos=True))
    click.echo(f"reminded {totals['reminded']}, released {totals['released']}")

@click.command("backfill-readings")
@click.option("--partnership", "slug", required=True, help="The partnership's slug.")
@click.option("--weeks", type=click.IntRange(1, 104), default=readings.WEEKS, show_default=True,
              help="How many weeks back, this one included.")
@click.option("--now", type=Moment(), default=None,
              help="Rebuild as at this moment, e.g. 2026-11-23T12:00:00+00:00 (default: now).")
@with_appcontext
def backfill_readings_command(slug: str, weeks: int, now: datetime | None) -> None:
    """Rebuild the stored weekly readings from the event log (past weeks included)."""
    partnership = db.session.scalar(select(Partnership).where(Partnership.slug == slug))
    if partnership is None:
        raise click.BadParameter(f"no partnership {slug!r}", param_hint="--partnership")
    written = readings.backfill(partnership, now or utcnow(), weeks,
                                progress_bar=lambda total: click.progressbar(
                                    length=total, label="Rebuilding weekly readings",
                                    file=None, show_pos=True))
    db.session.commit()
    click.echo(f"{written} readings over {weeks} weeks rebuilt for {slug}.")


COMMANDS = (worker_command, scheduler_command, recompute_command, send_digests_command,
            sweep_places_command, backfill_readings_command)
