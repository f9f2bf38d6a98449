"""Projects and their tasks: create-project, list-projects, import-tasks, export,
auto-accept, purge-access-log."""
import json
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from core import access_log, exporting, importing, languages, migrations, money, projects, \
    taskdata
from core.errors import Invalid, Refused
from views.secret import export_secret

from . import connect


@click.command("create-project")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--update", is_flag=True, help="Change the project of the same slug if it exists.")
def create_project(path, update):
    """Create a project from a JSON file (format in docs/supervisors.md), or refuse it whole,
    naming each wrong field. With --update, a project of the same slug takes the file's
    values (a centre keeps its project files under version control)."""
    from views.messages import message  # the same sentences as the web form, in English

    try:
        with open(path, encoding="utf-8-sig") as f:
            data = json.load(f)
    except (UnicodeDecodeError, ValueError) as error:
        raise click.ClickException(f"not saved: {path} is not UTF-8 JSON ({error})") from None
    if not isinstance(data, dict):
        raise click.ClickException("not saved: the file must hold one JSON object {...}")
    database = connect()
    migrations.migrate(database)
    try:
        project, created = projects.save_project_file(database, data, update)
    except Invalid as refusal:
        lines = []
        with current_app.test_request_context(headers={"Accept-Language": "en"}):
            for field, error in refusal.detail["errors"].items():
                name = "pay_paise" if field == "pay" and "pay" not in data else field
                lines.append(f"  {name}: {message(error)}")
        raise click.ClickException("not saved:\n" + "\n".join(lines)) from None
    done = "Created" if created else "Updated"
    click.echo(f"{done} project {project['slug']} (id {project['id']}, {project['status']})")


@click.command("list-projects")
@with_appcontext
def list_projects():
    """Every project: slug, centre, task type, status, tasks, pay per answer."""
    rows = projects.list_projects(connect())
    click.echo(f"{'slug':<28} {'centre':<6} {'type':<13} {'status':<7} {'tasks':>7} pay")
    for row in rows:
        click.echo(f"{row['slug']:<28} {row['centre']:<6} {row['task_type']:<13}"
                   f" {row['status']:<7} {row['tasks']:>7}"
                   f" {money.format_money(row['pay_paise'], languages.locale('en'))}")


@click.command("auto-accept")
@with_appcontext
def auto_accept():
    """Accept answers left unreviewed past their project's review window (run from cron)."""
    from core import review

    count = review.auto_accept(connect())
    click.echo(f"Accepted {count} answers left unreviewed past their review window")


@click.command("import-tasks")
@with_appcontext
@click.argument("slug")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--skip-duplicates", is_flag=True,
              help="Skip rows whose id the project (or the file, above) has already.")
def import_tasks(slug, path, skip_duplicates):
    """Add tasks to project SLUG from a CSV, JSON Lines or zip file, all or nothing.

    Every problem is listed with its line; pictures are resized for a 360 px screen and
    recompressed to at most 40 KB.
    """
    database = connect()
    bars = {}

    def progress(step, done, total):
        if step not in bars:
            for bar in bars.values():
                bar.render_finish()
            label = "Checking" if step == "check" else "Writing "
            bars[step] = click.progressbar(length=total, label=label, file=sys.stderr)
            bars[step].render_progress()
        bar = bars[step]
        bar.update(done - bar.pos)

    try:
        project = taskdata.get_project_by_slug(database, slug)
        report = importing.import_path(database, project, path,
                                       skip_duplicates=skip_duplicates, progress=progress)
    except Invalid as refusal:
        if refusal.code != "import_refused":
            raise click.ClickException(f"nothing imported: {refusal.code}") from None
        found = refusal.detail["report"]
        for error in found["errors"]:
            where = f"line {error['line']}: " if error["line"] else ""
            detail = ", ".join(f"{k}={v}" for k, v in error.items() if k not in ("line", "code"))
            click.echo(f"{where}{error['code']}{' (' + detail + ')' if detail else ''}", err=True)
        more = found["error_count"] - len(found["errors"])
        if more > 0:
            click.echo(f"... and {more} more", err=True)
        raise click.ClickException(
            f"nothing imported: {found['error_count']} problem(s) in {found['rows']} rows"
        ) from None
    except Refused as refusal:
        raise click.ClickException(f"nothing imported: {refusal.code}") from None
    finally:
        for bar in bars.values():
            bar.render_finish()
    skipped = f", {report['skipped']} duplicates skipped" if report["skipped"] else ""
    click.echo(f"Imported {report['imported']} tasks into {slug}"
               f" ({report['rows']} rows checked{skipped})")


@click.command("export")
@with_appcontext
@click.argument("slug")
@click.option("--format", "fmt", type=click.Choice(exporting.FORMATS), default="csv",
              show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, writable=True),
              help="File to write (default: standard output).")
def export(slug, fmt, out):
    """Write project SLUG's tasks and answers as CSV (UTF-8 with BOM, for Excel) or JSONL."""
    database = connect()
    try:
        project = taskdata.get_project_by_slug(database, slug)
    except Refused as refusal:
        raise click.ClickException(refusal.code) from None
    access_log.log_export(database, None, project["id"])  # by the command line: no person
    pieces = exporting.export(database, project["id"], fmt, export_secret())
    if out:
        with open(out, "w", encoding="utf-8", newline="") as f:
            for piece in pieces:
                f.write(piece)
        click.echo(f"Exported {slug} to {out}", err=True)
    else:
        for piece in pieces:
            click.echo(piece, nl=False)


@click.command("purge-access-log")
@with_appcontext
def purge_access_log():
    """Delete access-log rows older than their retention (400 days; the database refuses
    any younger). From cron, daily or monthly."""
    database = connect()
    try:
        gone = access_log.purge_expired(database)
    finally:
        database.conn.close()
    click.echo(f"Deleted {gone} access-log rows older than {access_log.RETENTION_DAYS} days")


COMMANDS = (import_tasks, export, create_project, list_projects, auto_accept, purge_access_log)
