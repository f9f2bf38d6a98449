"""Command line for scripts: init-db, seed-demo, create-user, projects, import-tasks,
export, backup. Non-interactive."""
import json
import os
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from core import db as coredb
from core import exporting, importing, money, projects, quizzes, taskdata, users
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
@click.option("--qualified-for", "qualified_for", multiple=True, metavar="PROJECT",
              help="Project slug she may work on at once, quiz or not (repeatable); "
                   "'all': every project of her centre. Without it she is a trainee "
                   "wherever a quiz is on.")
def create_user(login, password, role, name, lang, centre, qualified_for):
    """Create an account."""
    database = _db()
    coredb.migrate(database)
    try:
        targets = quizzes.projects_to_qualify(database, centre, qualified_for, role)
        user = users.create_user(database, login=login, password=password, role=role, name=name,
                                 centre=centre, lang=lang,
                                 hash_method=current_app.config["PASSWORD_HASH"])
    except Refused as refusal:
        what = f" {refusal.detail['slug']}" if "slug" in refusal.detail else ""
        raise click.ClickException(f"not created: {refusal.code}{what}") from None
    quizzes.qualify_for(database, user["id"], targets)
    click.echo(f"Created {user['role']} {user['login']} (id {user['id']})")
    for project in targets:
        click.echo(f"  qualified for {project['slug']}")


@click.command("backup")
@with_appcontext
@click.argument("target", type=click.Path(dir_okay=False))
def backup(target):
    """Write a consistent copy of the database to TARGET, even while serving."""
    coredb.backup(_db(), target)
    click.echo(f"Backup written: {target}")


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
    database = _db()
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


def export_secret() -> bytes:
    """The key of the annotators' pseudonyms: the app's secret, or, for a command run
    without FLASK_SECRET_KEY, the one `make run` keeps in instance/, so that the command
    line and the web give everyone the same pseudonym."""
    from app import DEV_SECRET  # app.py imports this module: import at call time

    secret = current_app.secret_key
    kept = os.path.join(current_app.instance_path, "secret_key")
    if secret == DEV_SECRET and os.path.exists(kept):
        with open(kept, encoding="utf-8") as f:
            secret = f.read().strip()
    return secret.encode() if isinstance(secret, str) else secret


@click.command("export")
@with_appcontext
@click.argument("slug")
@click.option("--format", "fmt", type=click.Choice(exporting.FORMATS), default="csv",
              show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, writable=True),
              help="File to write (default: standard output).")
def export(slug, fmt, out):
    """Write project SLUG's tasks and answers as CSV (UTF-8 with BOM, for Excel) or JSONL."""
    database = _db()
    try:
        project = taskdata.get_project_by_slug(database, slug)
    except Refused as refusal:
        raise click.ClickException(refusal.code) from None
    pieces = exporting.export(database, project["id"], fmt, export_secret())
    if out:
        with open(out, "w", encoding="utf-8", newline="") as f:
            for piece in pieces:
                f.write(piece)
        click.echo(f"Exported {slug} to {out}", err=True)
    else:
        for piece in pieces:
            click.echo(piece, nl=False)


@click.command("create-project")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--update", is_flag=True, help="Change the project of the same slug if it exists.")
def create_project(path, update):
    """Create a project from a JSON file (format in README.md), or refuse it whole,
    naming each wrong field. With --update, a project of the same slug takes the file's
    values (a centre keeps its project files under version control)."""
    from .web import message  # the same sentences as the web form, in English

    try:
        with open(path, encoding="utf-8-sig") as f:
            data = json.load(f)
    except (UnicodeDecodeError, ValueError) as error:
        raise click.ClickException(f"not saved: {path} is not UTF-8 JSON ({error})") from None
    if not isinstance(data, dict):
        raise click.ClickException("not saved: the file must hold one JSON object {...}")
    database = _db()
    coredb.migrate(database)
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
    rows = projects.list_projects(_db())
    click.echo(f"{'slug':<28} {'centre':<6} {'type':<13} {'status':<7} {'tasks':>7} pay")
    for row in rows:
        click.echo(f"{row['slug']:<28} {row['centre']:<6} {row['task_type']:<13}"
                   f" {row['status']:<7} {row['tasks']:>7}"
                   f" ₹{money.rupees(row['pay_paise'])}")


@click.command("auto-accept")
@with_appcontext
def auto_accept():
    """Accept answers left unreviewed past their project's review window (run from cron)."""
    from core import review

    count = review.auto_accept(_db())
    click.echo(f"Accepted {count} answers left unreviewed past their review window")


def init_app(app):
    for command in (init_db, seed_demo, create_user, import_tasks, export, backup,
                    create_project, list_projects, auto_accept):
        app.cli.add_command(command)
