"""The familjeapp command: init-db, demo and serve; teams, accounts and deleting closed cases."""

import json
import re
import sys

import click
import pyotp
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from flask_babel import gettext as _
from flask_babel import ngettext

from .cli_answers import Refused
from .db import backup_command, connect, init_db_command, migrate, restore_command
from .demo import add_demo_family
from .store import accounts, audit, families, retention
from .worker.forms import ROLE_CHOICES


@click.command("demo")
@with_appcontext
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option(
    "--base-url", default="", help="Put this before each link, e.g. http://127.0.0.1:5000"
)
def demo_command(as_json: bool, base_url: str) -> None:
    """Add one complete demo family; every run adds another to the same demo team and staff."""
    db = connect(current_app.config["DATABASE"])
    migrate(db)
    demo = add_demo_family(db, with_admin=True)
    db.close()
    if as_json:
        click.echo(json.dumps(demo, ensure_ascii=False))
        return
    roles = {choice.value: str(choice.label).lower() for choice in ROLE_CHOICES}
    click.echo(_("Demo family %(id)d: %(name)s", id=demo["family_id"], name="Familjen Lind"))
    click.echo(_("Open a link on the phone (or in the browser) to sign in as:"))
    for person in demo["people"]:
        role = roles[person["role"]]
        click.echo(f"  {person['name']:<15} {role:<9} {base_url}{person['invite_path']}")
    click.echo(_("Social workers, sign in at %(url)s:", url=base_url + demo["admin"]["login_path"]))

    def sign_in_details(account: dict, about: str) -> None:
        click.echo(
            "  " + _("%(email)s  password: %(password)s  (%(about)s)", email=account["email"],
                     password=account["password"], about=about)
        )  # fmt: skip
        click.echo("    " + _("one-time code: add the key %(key)s", key=account["totp_secret"]))
        click.echo("    " + _("to an app for one-time codes, or print the code now:"))
        click.echo(f"    {sys.argv[0]} totp-code {account['email']}")

    for worker in demo["workers"]:
        sign_in_details(
            worker, _("sees the family") if worker["sees_family"] else _("another team")
        )
    click.echo(_("Administrator: the same sign-in, then Administration:"))
    sign_in_details(demo["admin"], _("administrator"))


@click.command("serve")
@with_appcontext
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int, help="Threads per worker.")
@click.option(
    "--workers", type=click.IntRange(min=1), default=None,
    help="Worker processes (gunicorn). Default: one per core. waitress runs one.",
)  # fmt: skip
@click.option(
    "--access-log", type=click.Path(dir_okay=False), default=None,
    help="Log each request to this file ('-': stderr): time, worker, method, status, duration; "
    "never an address or a path.",
)  # fmt: skip
def serve_command(
    host: str, port: int, threads: int, workers: int | None, access_log: str | None
) -> None:
    """Run the app under gunicorn, one worker per core (waitress where gunicorn is missing)."""
    from . import serving

    app = current_app._get_current_object()
    # Migrations run here, once, before gunicorn forks its workers; the connection is closed
    # so that no worker inherits it.
    db = connect(app.config["DATABASE"])
    migrate(db)
    db.close()
    click.echo(
        _("familjeapp at %(url)s  (database: %(path)s)", url=f"http://{host}:{port}/",
          path=app.config["DATABASE"])
    )  # fmt: skip
    sys.stdout.flush()
    serving.serve(
        app, host=host, port=port, threads=threads,
        workers=workers or serving.default_workers(), proxies=app.config["PROXIES"],
        trusted_proxy=app.config["TRUSTED_PROXY"], access_log=access_log,
    )  # fmt: skip


def proxy_settings(app: Flask) -> dict:
    """waitress's settings for FAMILJEAPP_PROXIES (serving.waitress_proxy_settings)."""
    from .serving import waitress_proxy_settings

    return waitress_proxy_settings(app.config["PROXIES"], app.config["TRUSTED_PROXY"])


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
        raise Refused(_("There is no demo social worker with that e-mail."))
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
        raise Refused(_("Write a name for the team."))
    db = _open_db()
    team_id = families.create_team(db, name.strip())
    audit.record(db, "team_created", actor_type="system", object_type="team", object_id=team_id)
    db.close()
    click.echo(team_id)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        # Asked twice here rather than with click's confirmation_prompt, which answers in English.
        password = click.prompt(_("Password"), hide_input=True)
        if click.prompt(_("The same password again"), hide_input=True) != password:
            raise Refused(_("The passwords are not the same."))
    if len(password) < accounts.PASSWORD_MIN_LENGTH:
        raise Refused(
            _(
                "The password must be at least %(num)d characters long.",
                num=accounts.PASSWORD_MIN_LENGTH,
            )
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
        raise Refused(_("%(email)s is not an e-mail address.", email=email.strip()))
    if not name.strip():
        raise Refused(_("Write the person's name."))
    db = _open_db()
    try:
        if not accounts.team_exists(db, team_id):
            raise Refused(_("There is no team %(id)d. Add one with create-team.", id=team_id))
        password = _read_password(password_stdin)
        try:
            worker_id = accounts.add_worker(
                db, team_id=team_id, email=email, name=name.strip(), password=password,
                phone=phone.strip(), is_admin=is_admin,
            )  # fmt: skip
        except accounts.EmailInUse:
            raise Refused(
                _("There is already an account with the e-mail %(email)s.",
                  email=email.strip().lower())
            ) from None  # fmt: skip
        audit.record(
            db, "worker_created", actor_type="system", object_type="worker", object_id=worker_id
        )
    finally:
        db.close()
    added = (
        _("Added an administrator account %(id)d: %(email)s")
        if is_admin
        else _("Added a staff account %(id)d: %(email)s")
    )
    click.echo(added % {"id": worker_id, "email": email.strip().lower()})
    click.echo(
        _("At the first sign-in the person connects an authenticator app (TOTP) with a QR code.")
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
            click.echo(
                ngettext(
                    "%(num)d closed case is past the retention period of %(days)d days.",
                    "%(num)d closed cases are past the retention period of %(days)d days.",
                    len(due),
                    days=days,
                )
            )
            for case in due:
                click.echo(
                    "  " + _("would delete family %(id)d, closed %(day)s", id=case.id,
                             day=case.closed_at[:10])
                )  # fmt: skip
            return
        deleted = retention.delete_due_cases(db, days=days, actor_type="system")
    finally:
        db.close()
    click.echo(
        ngettext(
            "Deleted %(num)d closed case past the retention period of %(days)d days.",
            "Deleted %(num)d closed cases past the retention period of %(days)d days.",
            len(deleted),
            days=days,
        )
    )
    for family_id in deleted:
        click.echo("  " + _("deleted family %(id)d", id=family_id))


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
