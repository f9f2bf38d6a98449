"""Accounts: create-user."""
import click
from flask import current_app
from flask.cli import with_appcontext

from core import languages, migrations, qualifications, users
from core.errors import Refused

from . import connect


@click.command("create-user")
@with_appcontext
@click.option("--login", required=True)
@click.option("--password", required=True)
@click.option("--role", required=True, type=click.Choice(users.ROLES))
@click.option("--name", required=True)
@click.option("--lang", default="en", type=click.Choice(languages.CODES))
@click.option("--centre", default="main", help="Centre code; created when new.")
@click.option("--qualified-for", "qualified_for", multiple=True, metavar="PROJECT",
              help="Project slug she may work on at once, quiz or not (repeatable); "
                   "'all': every project of her centre. Without it she is a trainee "
                   "wherever a quiz is on.")
def create_user(login, password, role, name, lang, centre, qualified_for):
    """Create an account."""
    database = connect()
    migrations.migrate(database)
    try:
        targets = qualifications.projects_to_qualify(database, centre, qualified_for, role)
        user = users.create_user(database, login=login, password=password, role=role, name=name,
                                 centre=centre, lang=lang,
                                 hash_method=current_app.config["PASSWORD_HASH"])
    except Refused as refusal:
        what = f" {refusal.detail['slug']}" if "slug" in refusal.detail else ""
        raise click.ClickException(f"not created: {refusal.code}{what}") from None
    qualifications.qualify_for(database, user["id"], targets)
    click.echo(f"Created {user['role']} {user['login']} (id {user['id']})")
    for project in targets:
        click.echo(f"  qualified for {project['slug']}")


COMMANDS = (create_user,)
