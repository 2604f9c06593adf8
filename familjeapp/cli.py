"""The familjeapp command: init-db, demo and serve."""

import json
import sys

import click
import pyotp
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from .db import connect, init_db_command, migrate
from .demo import add_demo_family


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
        click.echo("    engångskoder, eller skriv ut koden med: familjeapp totp-code E-POST")


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


def init_app(app: Flask) -> None:
    app.cli.add_command(init_db_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(serve_command)
    app.cli.add_command(totp_code_command)


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
