"""Operator commands: `flask create-admin`, `flask import-members`, `flask seed-demo`, ..."""

import getpass
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from ..domain.passwords import password_problem
from ..emails import send_invitation_email
from ..extensions import db
from ..models import Partnership
from ..queue import enqueue_committed_changes
from ..services import accounts
from ..services.imports import import_members
from .demo import seed_demo_command
from .worker import COMMANDS as worker_commands


def register_commands(app: Flask) -> None:
    app.cli.add_command(create_partnership)
    app.cli.add_command(create_admin)
    app.cli.add_command(import_members_command)
    app.cli.add_command(seed_demo_command)
    for command in worker_commands:
        app.cli.add_command(command)


def _partnership(slug: str) -> Partnership:
    partnership = db.session.scalar(select(Partnership).where(Partnership.slug == slug))
    if partnership is None:
        raise click.ClickException(f"no partnership with slug “{slug}”")
    return partnership


@click.command("create-partnership")
@with_appcontext
@click.argument("slug")
@click.argument("name")
def create_partnership(slug: str, name: str) -> None:
    """Create an empty partnership."""
    if db.session.scalar(select(Partnership).where(Partnership.slug == slug)):
        raise click.ClickException(f"partnership “{slug}” exists already")
    db.session.add(Partnership(slug=slug, name=name))
    db.session.commit()
    click.echo(f"Created partnership {slug}.")


@click.command("create-admin")
@with_appcontext
@click.argument("email")
@click.option("--name", default="", help="Display name (default: the part before @).")
@click.option("--partnership", "slug", default=None, help="Make them admin of this partnership.")
@click.option("--password", envvar="POLDER_ADMIN_PASSWORD", default=None,
              help="Read from POLDER_ADMIN_PASSWORD, else asked for.")
def create_admin(email: str, name: str, slug: str | None, password: str | None) -> None:
    """Create (or promote) an administrator account."""
    if password is None:
        password = getpass.getpass("Password: ")
    problem = password_problem(password, current_app.config["PASSWORD_MIN_LENGTH"],
                               (email, name))
    if problem:
        raise click.ClickException(problem)
    partnership = _partnership(slug) if slug else None
    try:
        user = accounts.create_admin(email, name, password, partnership)
    except ValueError as exc:
        raise click.ClickException(f"email: {exc}") from None
    db.session.commit()
    where = f" of {partnership.slug}" if partnership else ""
    click.echo(f"{user.email} is an admin{where}.")


@click.command("import-members")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--partnership", "slug", required=True, help="Slug of the partnership.")
@click.option("--skip-invalid", is_flag=True, help="Import the valid rows, report the rest.")
def import_members_command(file: Path, slug: str, skip_invalid: bool) -> None:
    """Import members from CSV: email,name,organization,sector,tags,bio (tags split by ;)."""
    partnership = _partnership(slug)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise click.ClickException(f"{file} is not UTF-8 text") from None
    total = max(text.count("\n") - 1, 0)
    with click.progressbar(length=total, label="Importing members", file=sys.stderr) as bar:
        report = import_members(partnership, text, skip_invalid=skip_invalid,
                                progress=bar.update)
    for error in report.errors:
        click.echo(f"error: {error}", err=True)
    if not report.ok:
        db.session.rollback()
        raise click.ClickException(
            f"nothing imported: {len(report.errors)} invalid row(s); fix them or "
            "use --skip-invalid")
    db.session.commit()
    enqueue_committed_changes()  # the knowledge map follows the new members
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        lost = [invitation.email for invitation in report.invitations
                if not send_invitation_email(invitation, f"The admins of {partnership.name}")]
    for email in lost:
        click.echo(f"invitation email to {email} not sent: the mail queue is unavailable; "
                   "invite the address again under Admin → Invitations", err=True)
    for skipped in report.skipped:
        click.echo(f"skipped {skipped}", err=True)
    click.echo(f"Imported {report.added} member(s); invited {report.invited} who already "
               "have an account (they join once they accept); "
               f"{report.already_members} already "
               f"members; {report.organisations_created} new organisation(s); "
               f"{len(report.skipped)} row(s) skipped.")
