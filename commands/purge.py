"""purge: carry out approved purges, list closed projects past their retention, rebuild the
database file, and (with --reset-replica, app stopped) empty a file replica (#19)."""
import os

import click
from flask.cli import with_appcontext

from core import purge as corepurge

from . import connect


@click.command("purge")
@with_appcontext
@click.option("--reset-replica", is_flag=True,
              help="Empty the file replica named by VELAI_REPLICA (run with the app stopped).")
def purge(reset_replica):
    """Carry out every approved purge and make the deleted bytes unreadable.

    A purge is asked by one supervisor and approved by another on the project's page;
    approving carries it out, and this finishes any that a crash left approved. Closed
    projects past their retention are listed: each still needs the two people."""
    database = connect()
    for purge_id in corepurge.pending(database):
        record = corepurge.carry_out(database, purge_id)
        click.echo(f"Purged {record['slug']}: {record['tasks']} tasks, {record['answers']}"
                   f" answers, {record['media']} media; SHA-256 {record['sha256']}")
    if not corepurge.scrub(database):
        click.echo("The log was in use (Litestream?) and is not emptied yet: run again.")
    for project in corepurge.due(database):
        click.echo(f"Past its retention, to be purged (ask and approve on its page):"
                   f" {project['slug']} (closed {project['closed_at']},"
                   f" {project['retention_days']} days)")
    replica = os.environ.get("VELAI_REPLICA")
    if reset_replica:
        if not corepurge.local_replica(replica):
            raise click.ClickException(
                "VELAI_REPLICA names no local directory: remove the object store's old"
                " snapshots as docs/operations.md says")
        removed = corepurge.reset_replica(replica)
        click.echo(f"Emptied the replica {replica} ({len(removed)} entries); start the app"
                   " again and Litestream writes a new snapshot.")
    elif replica:
        click.echo(f"The replica {replica} still holds the deleted content until Litestream's"
                   " retention drops it: stop the app and run `flask purge --reset-replica`.")


COMMANDS = [purge]
