"""Command line for scripts (`flask --app app COMMAND`), non-interactive: one module per
family, each command a thin call into core, like a view."""
from flask import current_app

from core import db as coredb


def connect():
    """This app's database."""
    return coredb.connect(current_app.config["VELAI_DB"])


def init_app(app):
    from . import data, payouts, people, purge, setup  # each imports connect() from here

    for module in (setup, people, data, purge):
        for command in module.COMMANDS:
            app.cli.add_command(command)
    app.cli.add_command(payouts.group)
