"""`flask worker`, `flask scheduler` and `flask recompute`: the background side."""

import time
from datetime import datetime

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from ..extensions import db
from ..models import Partnership
from ..queue import QUEUES, make_queue


def _queue():
    url = current_app.config.get("REDIS_URL")
    if not url:
        raise click.ClickException("set REDIS_URL (e.g. redis://127.0.0.1:6379/0) to run "
                                   "workers; without it jobs run inside the web process")
    return make_queue(url, timeout=30)


def _moment(text: str) -> datetime:
    """An aware moment from --now; jobs compare it with stored UTC times, so no guessing."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter("use ISO 8601 with a UTC offset, e.g. "
                                 "2026-11-23T07:00:00+00:00", param_hint="--now") from None
    if moment.tzinfo is None:
        raise click.BadParameter("give a UTC offset, e.g. +00:00", param_hint="--now")
    return moment


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run an RQ worker (with RQ's scheduler for delayed and retried jobs)."""
    from rq import Queue, Worker

    queue = _queue()
    queues = [Queue(name, connection=queue.connection) for name in QUEUES]
    # Jobs fork from this process: never hand them an open database connection.
    db.engine.dispose()
    Worker(queues, connection=queue.connection).work(with_scheduler=True, burst=burst)


@click.command("scheduler")
@click.option("--once", is_flag=True, help="Run one tick and exit.")
@with_appcontext
def scheduler_command(once: bool) -> None:
    """Enqueue periodic work (hourly recompute sweep); run exactly one in production."""
    from workers.schedule import run_forever, tick

    queue = _queue()
    if once:
        click.echo("enqueued: " + (", ".join(tick(queue)) or "nothing new"))
        return
    run_forever(queue)


@click.command("recompute")
@click.option("--partnership", "slug", required=True, help="Slug of the partnership.")
@click.option("--now", "now_text", metavar="ISO-DATETIME", default=None,
              help="Evaluate the balance alerts as of this moment (default: now).")
@with_appcontext
def recompute_command(slug: str, now_text: str | None) -> None:
    """Recompute a partnership's knowledge map and its balance alerts, here, with a summary."""
    from workers.knowledge import recompute_partnership

    partnership = db.session.scalar(select(Partnership).where(Partnership.slug == slug))
    if partnership is None:
        raise click.ClickException(f"no partnership with slug “{slug}”")
    if now_text is not None:
        _moment(now_text)  # refuse a bad --now before any work starts
    started = time.perf_counter()
    outcome = recompute_partnership(partnership.id, trigger="cli", force=True, now=now_text)
    seconds = time.perf_counter() - started
    from coordinator.services.knowledge.snapshots import latest_snapshot

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
    click.echo(f"Balance {outcome.get('alerts', 'alerts: not evaluated (another run was busy)')}")




@click.command("send-digests")
@click.option("--now", "now_text", metavar="ISO-TIME", default=None,
              help="Plan and send as at this moment (default: now, UTC).")
@click.option("--dry-run", is_flag=True, help="Show what would be planned and sent; change "
                                              "nothing.")
@with_appcontext
def send_digests_command(now_text: str | None, dry_run: bool) -> None:
    """Plan the digests that are due and send them here, now; print what happened per kind."""
    from collections import Counter, defaultdict

    from coordinator.services.digests.outbox import mark_stuck_unknown, send_batch
    from coordinator.services.digests.pages import Page
    from coordinator.services.digests.planner import plan
    from coordinator.services.digests.smtp_batch import close_batch

    from ..models import DigestDelivery, utcnow

    now = utcnow() if now_text is None else _moment(now_text)
    planned = plan(now)
    stuck = 0 if dry_run else mark_stuck_unknown(now)
    counts: dict[str, Counter] = defaultdict(Counter)
    if stuck:
        counts["any"]["marked unknown (interrupted while sending)"] = stuck
    for kind, n in planned.planned.items():
        counts[kind]["planned"] = n
    if dry_run:
        ids = list(db.session.scalars(select(DigestDelivery.id).where(
            DigestDelivery.status == "pending", DigestDelivery.due_at <= now)
            .order_by(DigestDelivery.id)))
        sources: dict = {}
        for start in range(0, len(ids), Page.SIZE):
            page = Page(ids[start:start + Page.SIZE], now, sources)
            for row in page.deliveries.values():
                content = page.content(row, now)
                counts[row.kind]["would skip" if content.empty else "would send"] += 1
        db.session.rollback()
    else:
        db.session.commit()
        kinds = dict(db.session.execute(select(DigestDelivery.id, DigestDelivery.kind).where(
            DigestDelivery.status.in_(("pending", "rendering")),
            DigestDelivery.due_at <= now).order_by(DigestDelivery.id)).all())
        ids = list(kinds)
        sources = {}
        try:
            with click.progressbar(length=len(ids), label="Sending digests", file=None,
                                   show_pos=True) as bar:
                outcomes = send_batch(ids, now, sources, progress=bar.update)
        finally:
            close_batch(sources)
        for delivery_id, outcome in outcomes.items():
            status = "failed, will retry" if outcome.status == "pending" else outcome.status
            counts[kinds[delivery_id]][status] += 1
    for kind in sorted(counts):
        parts = ", ".join(f"{what} {n}" for what, n in sorted(counts[kind].items()))
        click.echo(f"{kind}: {parts}")
    if not counts:
        click.echo("Nothing due.")


COMMANDS = (worker_command, scheduler_command, recompute_command, send_digests_command)
