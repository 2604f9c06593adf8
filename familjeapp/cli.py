"""The familjeapp command: init-db, demo and serve; teams, accounts and deleting closed cases."""

import json
import re
import sys

import click
import pyotp
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from .db import backup_command, connect, init_db_command, migrate, restore_command
from .demo import add_demo_family
from .store import accounts, audit, families, retention


@click.command("demo")
@with_appcontext
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option(
    "--base-url", default="", help="Put this before each link, e.g. http://127.0.0.1:5000"
)
def demo_command(as_json: bool, base_url: str) -> None:
    """Add one complete demo family (each run adds another, independent family)."""
    db = connect(current_app.config["DATABASE"])
    migrate(db)
    demo = add_demo_family(db)
    db.close()
    if as_json:
        click.echo(json.dumps(demo, ensure_ascii=False))
        return
    click.echo(f"Demofamilj {demo['family_id']}: Familjen Lind")
    click.echo("Öppna en länk på telefonen (eller i webbläsaren) för att logga in som:")
    for person in demo["people"]:
        click.echo(f"  {person['name']:<15} {person['role']:<8} {base_url}{person['invite_path']}")
    click.echo(f"Socialsekreterare, logga in på {base_url}{demo['workers'][0]['login_path']}:")
    for worker in demo["workers"]:
        sees = "ser familjen" if worker["sees_family"] else "annat team"
        click.echo(f"  {worker['email']}  lösenord: {worker['password']}  ({sees})")
        click.echo(f"    engångskod: lägg in nyckeln {worker['totp_secret']} i en app för")
        click.echo(
            f"    engångskoder, eller skriv ut den: {sys.argv[0]} totp-code {worker['email']}"
        )


@click.command("serve")
@with_appcontext
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
def serve_command(host: str, port: int, threads: int) -> None:
    """Run the app under waitress, a production WSGI server."""
    from waitress import serve

    app = current_app._get_current_object()
    db = connect(app.config["DATABASE"])
    migrate(db)
    db.close()
    click.echo(f"familjeapp på http://{host}:{port}/  (databas: {app.config['DATABASE']})")
    sys.stdout.flush()
    serve(app, host=host, port=port, threads=threads, ident="familjeapp")


@click.command("totp-code")
@click.argument("email")
@with_appcontext
def totp_code_command(email: str) -> None:
    """Print a demo worker's current one-time code (only for the demo's own workers)."""
    db = connect(current_app.config["DATABASE"])
    row = db.execute(
        "SELECT totp_secret FROM workers WHERE email = ? AND email LIKE '%@demo.familjeapp.se'",
        [email.strip().lower()],
    ).fetchone()
    db.close()
    if not row or not row[0]:
        raise click.ClickException("Det finns ingen demo-socialsekreterare med den e-posten.")
    click.echo(pyotp.TOTP(row[0]).now())


def _open_db():
    db = connect(current_app.config["DATABASE"])
    migrate(db)
    return db


@click.command("create-team")
@click.argument("name")
@with_appcontext
def create_team_command(name: str) -> None:
    """Add a team and print its id (for create-worker --team)."""
    if not name.strip():
        raise click.BadParameter("the name is empty", param_hint="NAME")
    db = _open_db()
    team_id = families.create_team(db, name.strip())
    audit.record(db, "team_created", actor_type="system", object_type="team", object_id=team_id)
    db.close()
    click.echo(team_id)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < accounts.PASSWORD_MIN_LENGTH:
        raise click.ClickException(
            f"The password must be at least {accounts.PASSWORD_MIN_LENGTH} characters long."
        )
    return password


@click.command("create-worker")
@click.option("--email", required=True, help="The address the worker signs in with.")
@click.option("--name", required=True, help="The worker's name, as families see it.")
@click.option("--team", "team_id", required=True, type=int, help="The team's id.")
@click.option("--phone", default="", help="The number families call.")
@click.option("--admin", "is_admin", is_flag=True, help="Make the account an administrator.")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of stdin."
)
@with_appcontext
def create_worker_command(
    email: str, name: str, team_id: int, phone: str, is_admin: bool, password_stdin: bool
) -> None:
    """Add a staff account. The password is asked for, never given on the command line, where
    the shell history and the process list would keep it."""
    if not re.match(accounts.EMAIL_PATTERN, email.strip()):
        raise click.BadParameter("not an e-mail address", param_hint="--email")
    if not name.strip():
        raise click.BadParameter("the name is empty", param_hint="--name")
    db = _open_db()
    try:
        if not accounts.team_exists(db, team_id):
            raise click.ClickException(f"There is no team {team_id}. See create-team.")
        password = _read_password(password_stdin)
        try:
            worker_id = accounts.add_worker(
                db, team_id=team_id, email=email, name=name.strip(), password=password,
                phone=phone.strip(), is_admin=is_admin,
            )  # fmt: skip
        except accounts.EmailInUse:
            raise click.ClickException(
                f"There is already an account with the e-mail {email.strip().lower()}."
            ) from None
        audit.record(
            db, "worker_created", actor_type="system", object_type="worker", object_id=worker_id
        )
    finally:
        db.close()
    kind = "administrator" if is_admin else "worker"
    click.echo(f"Added {kind} {worker_id}: {email.strip().lower()}")
    click.echo(
        "At the first sign-in the worker connects an authenticator app (TOTP) with a QR code."
    )


@click.command("delete-closed-cases")
@click.option("--dry-run", is_flag=True, help="Only list the cases that would be deleted.")
@with_appcontext
def delete_closed_cases_command(dry_run: bool) -> None:
    """Delete every closed case past the retention period (RETENTION_DAYS); for cron."""
    days = current_app.config["RETENTION_DAYS"]
    db = _open_db()
    try:
        due = retention.due_cases(db, days=days)
        if dry_run:
            click.echo(f"{len(due)} closed cases are past the retention period of {days} days.")
            for case in due:
                click.echo(f"  would delete family {case.id}, closed {case.closed_at[:10]}")
            return
        deleted = retention.delete_due_cases(db, days=days, actor_type="system")
    finally:
        db.close()
    click.echo(f"Deleted {len(deleted)} closed cases past the retention period of {days} days.")
    for family_id in deleted:
        click.echo(f"  deleted family {family_id}")


def init_app(app: Flask) -> None:
    app.cli.add_command(init_db_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(serve_command)
    app.cli.add_command(totp_code_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(create_team_command)
    app.cli.add_command(create_worker_command)
    app.cli.add_command(delete_closed_cases_command)


def _create_app():
    from . import create_app

    return create_app()


main = FlaskGroup(
    create_app=_create_app,
    add_default_commands=False,
    add_version_option=False,
    load_dotenv=False,
    help="familjeapp: the family's own safety plan.",
)


if __name__ == "__main__":
    main()
