"""The database: init-db, seed-demo, backup."""
import click
from flask import current_app
from flask.cli import with_appcontext

from core import db as coredb
from core import migrations

from . import connect


@click.command("init-db")
@with_appcontext
def init_db():
    """Create the database or apply pending migrations."""
    database = connect()
    migrations.migrate(database)
    click.echo(f"Database ready: {current_app.config['VELAI_DB']}")


@click.command("seed-demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Do nothing when users exist already.")
def seed_demo(if_empty):
    """Load the demo centres, accounts, projects and tasks."""
    database = connect()
    migrations.migrate(database)
    if if_empty and database["users"].count:
        click.echo("Database has users already; demo not loaded.")
        return
    from core import demo  # Pillow drawing code: load only when seeding

    accounts = demo.seed(database, hash_method=current_app.config["PASSWORD_HASH"])
    click.echo("Demo loaded. Log in with:")
    for login, secret, role, lang in accounts:
        click.echo(f"  {role:<10} {lang}  login {login:<12} password/PIN {secret}")


@click.command("backup")
@with_appcontext
@click.argument("target", type=click.Path(dir_okay=False))
def backup(target):
    """Write a consistent copy of the database to TARGET, even while serving."""
    coredb.backup(connect(), target)
    click.echo(f"Backup written: {target}")


COMMANDS = (init_db, seed_demo, backup)
