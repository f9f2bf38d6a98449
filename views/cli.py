"""Command line for scripts: init-db, seed-demo, create-user. Non-interactive."""
import click
from flask import current_app
from flask.cli import with_appcontext

from core import db as coredb
from core import importing, users
from core.errors import Invalid, Refused


def _db():
    return coredb.connect(current_app.config["VELAI_DB"])


@click.command("init-db")
@with_appcontext
def init_db():
    """Create the database or apply pending migrations."""
    database = _db()
    coredb.migrate(database)
    click.echo(f"Database ready: {current_app.config['VELAI_DB']}")


@click.command("seed-demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Do nothing when users exist already.")
def seed_demo(if_empty):
    """Load the demo centres, accounts, projects and tasks."""
    database = _db()
    coredb.migrate(database)
    if if_empty and database["users"].count:
        click.echo("Database has users already; demo not loaded.")
        return
    from core import demo  # Pillow drawing code: load only when seeding

    accounts = demo.seed(database, hash_method=current_app.config["PASSWORD_HASH"])
    click.echo("Demo loaded. Log in with:")
    for login, secret, role, lang in accounts:
        click.echo(f"  {role:<10} {lang}  login {login:<12} password/PIN {secret}")


@click.command("create-user")
@with_appcontext
@click.option("--login", required=True)
@click.option("--password", required=True)
@click.option("--role", required=True, type=click.Choice(users.ROLES))
@click.option("--name", required=True)
@click.option("--lang", default="en", type=click.Choice(users.LANGS))
@click.option("--centre", default="main", help="Centre code; created when new.")
def create_user(login, password, role, name, lang, centre):
    """Create an account."""
    database = _db()
    coredb.migrate(database)
    try:
        user = users.create_user(database, login=login, password=password, role=role, name=name,
                                 centre=centre, lang=lang,
                                 hash_method=current_app.config["PASSWORD_HASH"])
    except Invalid as refusal:
        raise click.ClickException(f"not created: {refusal.code}") from None
    click.echo(f"Created {user['role']} {user['login']} (id {user['id']})")


@click.command("backup")
@with_appcontext
@click.argument("target", type=click.Path(dir_okay=False))
def backup(target):
    """Write a consistent copy of the database to TARGET, even while serving."""
    coredb.backup(_db(), target)
    click.echo(f"Backup written: {target}")


@click.command("import-tasks")
@with_appcontext
@click.option("--project", "slug", required=True, help="Project slug.")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_tasks(slug, path):
    """Add tasks from a JSON Lines file ({"text", "image", "gold"} per line), all or nothing.

    Pictures are resized for a 360 px screen and recompressed to at most 40 KB.
    """
    try:
        count = importing.import_jsonl(_db(), slug, path)
    except Refused as refusal:
        where = f" (line {refusal.detail['line']})" if "line" in refusal.detail else ""
        raise click.ClickException(f"nothing imported: {refusal.code}{where}") from None
    click.echo(f"Imported {count} tasks into {slug}")


@click.command("auto-accept")
@with_appcontext
def auto_accept():
    """Accept answers left unreviewed past their project's review window (run from cron)."""
    from core import review

    count = review.auto_accept(_db())
    click.echo(f"Accepted {count} answers left unreviewed past their review window")


def init_app(app):
    for command in (init_db, seed_demo, create_user, import_tasks, backup, auto_accept):
        app.cli.add_command(command)
