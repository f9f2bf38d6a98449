"""Payouts: `flask --app app payouts file|check`."""
import click
from flask.cli import AppGroup

from core import payout_files, payouts
from core.errors import NotFound, Refused

from . import connect

group = AppGroup("payouts", help="Payout files and the money rules' check.")


@group.command("file")
@click.argument("payout_id", type=int)
@click.argument("target", type=click.Path(dir_okay=False))
@click.option("--by", "login", required=True, help="Login of the supervisor or admin taking it.")
@click.option("--format", "fmt", type=click.Choice(list(payout_files.FORMATS)),
              default=payout_files.DEFAULT, show_default=True,
              help="The bank's layout: Velai's own CSV, RazorpayX or Cashfree bulk upload.")
def file_command(payout_id, target, login, fmt):
    """Write an approved payout's bulk-payout CSV to TARGET (audited under --by)."""
    db = connect()
    actor = payouts.active_user(db, login)
    try:
        if actor is None:
            raise NotFound("not_found")
        name, text = payouts.payout_file(db, payout_id, actor, fmt)
    except Refused as refusal:
        detail = f" ({refusal.detail['names']})" if "names" in refusal.detail else ""
        raise click.ClickException(f"no file: {refusal.code}{detail}") from None
    with open(target, "wb") as out:
        out.write(text.encode("utf-8"))
    click.echo(f"Wrote {name}", err=True)


@group.command("check")
def check_command():
    """Re-check every money rule over the whole ledger; exit 1 on any problem.

    Also flags payouts one person could have moved alone: an approver whose account the
    drafter created or reset, or that was created or reset in the week before."""
    problems = payouts.check_all(connect())
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise SystemExit(1)
    click.echo("Payouts: every total adds up; no answer is in two payouts or paid twice;"
               " every approver was a second person.")
