"""Loading a client's tasks from a file: CSV, JSON Lines, or a zip of pictures or sound
clips with either as its manifest. Everything is checked first and every problem listed
with its line; then all rows go in, in one transaction, or none do. Pictures are shrunk
for phones on the way in, clips made small Opus copies (core.clips).
"""
import csv
import hashlib
import io
import json
import os
import posixpath
import sqlite3
import unicodedata
import zipfile
import zlib

from . import audit, clips, personal_data, tasktypes
from .clock import parse_stamp, stamp, utcnow
from .db import one, write
from .errors import Conflict, Invalid, NotFound
from .media import prepare_image
from .projects import add_media

# Limits (docs/supervisors.md, "Importing tasks", says them to supervisors).
MAX_FILE_BYTES = 50 * 1024 * 1024  # the file as uploaded or given to the command
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # everything a zip holds, once expanded
MAX_PICTURE_BYTES = 10 * 1024 * 1024  # one picture in a zip, before it is shrunk
MAX_CLIP_BYTES = 20 * 1024 * 1024  # one sound clip in a zip, before it is made small
MAX_MEMBERS = 210_000  # files in a zip: a task's each, and room for a few others
MAX_ROWS = 200_000
MAX_LINE_CHARS = 20_000  # one line of the file
MAX_TEXT_CHARS = 5_000  # a task's text
MAX_ID_CHARS = 200
MAX_ERRORS = 200  # listed; counting goes on
COLUMNS = ("id", "text", "image", "file", "gold")
ALIASES = {"client_id": "id"}  # the same column under the name a client's file may use
MANIFESTS = (".csv", ".jsonl", ".ndjson", ".json")
DELIMITERS = (",", ";", "\t", "|")
_CHUNK = 64 * 1024


class Report:
    """What an import found and did: rows checked, tasks imported, duplicates skipped, and
    the problems, each {"line": n or None, "code": .., **detail}."""

    def __init__(self):
        self.rows = 0
        self.imported = 0
        self.skipped = 0
        self.errors = []
        self.error_count = 0
        self.sha256 = None

    def error(self, line, code, **detail):
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append({"line": line, "code": code, **detail})

    def as_dict(self) -> dict:
        return {"rows": self.rows, "imported": self.imported, "skipped": self.skipped,
                "errors": self.errors, "error_count": self.error_count}


def _refuse(report: Report):
    raise Invalid("import_refused", report=report.as_dict())


# -- reading the bytes ----------------------------------------------------------------

def _decode(data: bytes, report: Report) -> str | None:
    """The file as text, UTF-8 with or without BOM; each line that is not is an error."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        report.error(1, "bad_encoding")  # UTF-16: Excel's "Unicode text"
        return None
    bad = False
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        bad = True
        for number, line in enumerate(data.split(b"\n"), 1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                report.error(number, "bad_encoding")
        # The other lines are still checked (one pass names every problem); the bad
        # bytes read as U+FFFD, and the file is refused anyway.
        text = data.decode("utf-8-sig", errors="replace")
    if "\x00" in text:  # UTF-16 without its BOM decodes as UTF-8 full of NULs
        if not bad:
            report.error(text.count("\n", 0, text.index("\x00")) + 1, "bad_encoding")
        return None
    return text


def _lines(text: str, report: Report):
    """Physical lines for the csv module, a huge one reported and replaced by a blank."""
    for number, line in enumerate(io.StringIO(text, newline=""), 1):
        if len(line) > MAX_LINE_CHARS:
            report.error(number, "line_too_long", limit=MAX_LINE_CHARS)
            yield "\n"
        else:
            yield line


def _delimiter(text: str) -> str:
    """The separator the header row uses (Excel writes ';' in some locales, tab for "text").

    The header holds only our column names, so it tells more surely than csv.Sniffer,
    which can take a ';' inside Tamil sentences for the separator."""
    header = text.lstrip("\r\n").split("\n", 1)[0]
    return max(DELIMITERS, key=header.count) if any(d in header for d in DELIMITERS) else ","


def _csv_records(reader, report: Report):
    """The reader's records; one the csv module cannot read is reported by its line and
    reading goes on with the next, so every problem of the file is named in one pass."""
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error:
            report.error(reader.line_num, "bad_csv")


def _csv_rows(text: str, report: Report):
    """(line, {column: value}) for each data row of a CSV with a header row. A problem
    with the header is reported and the rows are still checked, by the columns known."""
    delimiter = _delimiter(text)
    reader = csv.reader(_lines(text, report), delimiter=delimiter)
    records = _csv_records(reader, report)
    header = next(records, None)
    while header is not None and not any(cell.strip() for cell in header):
        header = next(records, None)  # blank lines before the header
    if header is None:
        report.error(None, "empty_file")
        return
    names = [cell.strip().lower() for cell in header]
    names = [ALIASES.get(name, name) for name in names]
    line = reader.line_num
    for name in names:
        if name not in COLUMNS:
            report.error(line, "unknown_column", name=name or "?")
    for name in sorted({n for n in names if names.count(n) > 1}):
        report.error(line, "repeated_column", name=name)
    if not {"text", "image", "file"} & set(names):
        report.error(line, "missing_column")
    # An unknown or repeated column is left out of the rows (said once, above).
    known = [name if name in COLUMNS and names.count(name) == 1 else None for name in names]
    start = reader.line_num + 1
    for cells in records:
        if not any(cell.strip() for cell in cells):
            start = reader.line_num + 1
            continue
        if len(cells) > len(names):
            report.error(start, "extra_cells", cells=len(cells), columns=len(names))
        yield start, {name: cell for name, cell in zip(known, cells) if name}
        start = reader.line_num + 1


def _jsonl_rows(text: str, report: Report):
    # Not splitlines(): it also breaks at U+2028 and other separators a text may hold.
    for number, line in enumerate(text.split("\n"), 1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        if len(line) > MAX_LINE_CHARS:
            report.error(number, "line_too_long", limit=MAX_LINE_CHARS)
            continue
        try:
            row = json.loads(line)
        except ValueError:
            report.error(number, "bad_json")
            continue
        if not isinstance(row, dict):
            report.error(number, "bad_json")
            continue
        if any(isinstance(value, (dict, list)) for value in row.values()):
            report.error(number, "bad_json")
            continue
        row = {ALIASES.get(key, key): value for key, value in row.items()}
        for key in row:
            if key not in COLUMNS:
                report.error(number, "unknown_column", name=str(key)[:40])
        yield number, {"text": "", **{key: "" if value is None else value
                                      for key, value in row.items() if key in COLUMNS}}


def _rows(name: str, text: str, report: Report):
    if name.lower().endswith((".jsonl", ".ndjson", ".json")) or text.lstrip()[:1] == "{":
        return _jsonl_rows(text, report)
    return _csv_rows(text, report)


# -- zips -----------------------------------------------------------------------------

def _safe_name(name: str) -> bool:
    """A member name that stays inside the archive once extracted."""
    if name.startswith(("/", "\\")) or "\\" in name or ":" in name.split("/")[0]:
        return False
    return ".." not in name.split("/")


def _read_member(archive, info, budget: list, limit: int) -> bytes:
    """A member's bytes, counted as they come: a zip may lie about its sizes."""
    out = bytearray()
    with archive.open(info) as member:
        while True:
            chunk = member.read(_CHUNK)
            if not chunk:
                return bytes(out)
            out += chunk
            budget[0] -= len(chunk)
            if budget[0] < 0:
                raise Invalid("zip_too_big", limit_mb=MAX_UNZIPPED_BYTES // 1024 // 1024)
            if len(out) > limit:
                raise Invalid("picture_too_big", limit_mb=limit // 1024 // 1024)


class _Zip:
    """A checked zip: every name safe, the declared sizes under the limits."""

    def __init__(self, data: bytes, report: Report):
        self.archive = None
        self.budget = [MAX_UNZIPPED_BYTES]
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            infos = archive.infolist()
        except (zipfile.BadZipFile, ValueError, OSError):
            report.error(None, "bad_zip")
            return
        for info in infos:
            if not _safe_name(info.filename):
                report.error(None, "unsafe_path", name=info.filename[:80])
        if len(infos) > MAX_MEMBERS:
            report.error(None, "zip_too_many_files", limit=MAX_MEMBERS)
        if sum(info.file_size for info in infos) > MAX_UNZIPPED_BYTES:
            report.error(None, "zip_too_big", limit_mb=MAX_UNZIPPED_BYTES // 1024 // 1024)
        if report.error_count:
            return
        self.files = {info.filename: info for info in infos if not info.is_dir()}
        manifests = [name for name in self.files if name.lower().endswith(MANIFESTS)
                     and not name.startswith("__MACOSX/")]
        if len(manifests) != 1:
            report.error(None, "no_manifest" if not manifests else "many_manifests")
            return
        self.manifest = manifests[0]
        self.base = posixpath.dirname(self.manifest)
        self.archive = archive

    def read(self, name: str, limit: int) -> bytes:
        return _read_member(self.archive, self.files[name], self.budget, limit)

    def picture(self, path: str, limit: int = MAX_PICTURE_BYTES) -> bytes | None:
        name = posixpath.normpath(posixpath.join(self.base, path.replace("\\", "/")))
        if name not in self.files:
            return None
        return self.read(name, limit)


# -- checking rows --------------------------------------------------------------------

def _text(value) -> str:
    if not isinstance(value, str):
        value = "" if value is None else str(value)
    return unicodedata.normalize("NFC", value).strip()


def _gold_rule(db, project: dict):
    """A function turning a gold cell into the stored answer (None when it is no answer),
    and the answers allowed, for the error message."""
    task_type = tasktypes.of(project)
    allowed = task_type.choices(db, project)
    return task_type.parse_gold(allowed), ", ".join(allowed or ())


def check(db, project: dict, data: bytes, name: str, *, skip_duplicates=False,
          pictures_from=None, progress=None) -> tuple[list[dict], Report]:
    """Read and check a whole file; returns the tasks ready to insert and the report.

    `name` is the file's name (its ending tells CSV, JSON Lines or zip apart; a zip is
    known by its first bytes too). `pictures_from`: a folder for the images a CSV or
    JSONL names (the command line); None: pictures come only inside a zip.
    """
    report = Report()
    if len(data) > MAX_FILE_BYTES:
        report.error(None, "file_too_big", limit_mb=MAX_FILE_BYTES // 1024 // 1024)
        return [], report
    report.sha256 = hashlib.sha256(data).hexdigest()
    if one(db, "SELECT 1 FROM audit_log WHERE action = 'tasks.import' AND subject = ?"
               " AND json_extract(detail, '$.sha256') = ?",
           (f"project:{project['id']}", report.sha256)):
        # A second tap on a slow link, or the same file twice: the rows would be new tasks.
        report.error(None, "same_file")
        return [], report
    archive = None
    if data.startswith(b"PK\x03\x04") or name.lower().endswith(".zip"):
        archive = _Zip(data, report)
        if archive.archive is None:
            return [], report
        try:
            data = archive.read(archive.manifest, MAX_FILE_BYTES)
        except Invalid as refusal:  # the manifest alone is over a limit
            code = "file_too_big" if refusal.code == "picture_too_big" else refusal.code
            report.error(None, code, **refusal.detail)
            return [], report
        name = archive.manifest
    if not data.strip():
        report.error(None, "empty_file")
        return [], report
    text = _decode(data, report)
    if text is None:
        return [], report
    ctx = {"db": db, "project": project, "gold_rule": _gold_rule(db, project),
           "archive": archive, "pictures_from": pictures_from,
           "kinds": tasktypes.of(project).media}
    taken = {row["client_id"] for row in db.query(
        "SELECT client_id FROM tasks WHERE project_id = ? AND client_id IS NOT NULL",
        (project["id"],))}
    seen = {}
    tasks = []
    total = text.count("\n") + 1
    for line, row in _rows(name, text, report):
        report.rows += 1
        if report.rows > MAX_ROWS:
            report.error(line, "too_many_rows", limit=MAX_ROWS)
            break
        if progress and report.rows % 1000 == 0:
            progress("check", min(line, total), total)
        task = _check_row(line, row, report, ctx)
        # Its id is checked against the others even when the row has other problems.
        client_id = _text(row.get("id")) or None
        if client_id is not None:
            if client_id in taken or client_id in seen:
                if skip_duplicates:
                    report.skipped += 1
                elif client_id in taken:
                    report.error(line, "existing_id", id=client_id[:40])
                else:
                    report.error(line, "duplicate_id", id=client_id[:40],
                                 first=seen[client_id])
                continue
            seen[client_id] = line
        if task is None:
            continue
        task["line"] = line
        tasks.append(task)
    if progress:
        progress("check", total, total)
    if report.rows == 0 and not report.error_count:
        report.error(None, "no_rows")
    return tasks, report


def _check_personal_data(line, task, report, ctx):
    # Personal data: every finding a problem of its line, or masked before it is stored
    # (the project's choice, core/personal_data.py).
    if not task["text"]:
        return
    if ctx["project"].get("personal_data", "mask") == "refuse":
        for at, code in personal_data.problems(line, task["text"]):
            report.error(at, code)
    else:
        task["text"] = personal_data.mask(task["text"])


def _check_text(line, task, report, ctx):
    if len(task["text"] or "") > MAX_TEXT_CHARS:
        report.error(line, "task_text_too_long", limit=MAX_TEXT_CHARS)
    if "audio" in ctx["kinds"] and not task["clip_ref"]:
        report.error(line, "clip_needed")  # she is to hear something
    elif not task["text"] and not task["image_ref"] and not task["clip_ref"] \
            and task["has_columns"]:
        report.error(line, "empty_task")  # not when the header has none: said once
    if task["clip_ref"] and "audio" not in ctx["kinds"]:
        report.error(line, "no_clips_here", name=task["clip_ref"][:80])


def _check_id(line, task, report, ctx):
    if task["client_id"] and len(task["client_id"]) > MAX_ID_CHARS:
        report.error(line, "id_too_long", limit=MAX_ID_CHARS)


def _check_gold(line, task, report, ctx):
    if task["gold_cell"]:
        parse, allowed = ctx["gold_rule"]
        task["gold"] = parse(task["gold_cell"])
        if task["gold"] is None:
            report.error(line, "unknown_gold", gold=task["gold_cell"][:40], allowed=allowed)


def _check_picture(line, task, report, ctx):
    """Its picture, or its clip (decoded only when nothing else is wrong with the row)."""
    if task["image_ref"]:
        task["image"] = _picture(line, task["image_ref"], report, ctx["archive"],
                                 ctx["pictures_from"])
    elif task["clip_ref"] and "audio" in ctx["kinds"] and report.error_count == task["errors"]:
        task["image"] = _clip(line, task["clip_ref"], report, ctx["archive"])


# Every check a row goes through, in order: each reads and may complete the task
# (`text`, `client_id`, `gold_cell`, `image_ref`, `clip_ref` as typed; sets `gold`, `image`)
# and adds what is wrong to the report's problems, by line, without stopping: the file's
# every problem is named in one pass. Another check of task files goes here, with the
# same signature.
ROW_CHECKS = (_check_personal_data, _check_text, _check_id, _check_gold, _check_picture)


def _check_row(line, row, report, ctx) -> dict | None:
    """The task a row makes, or None when any check found a problem in it (reported)."""
    errors = report.error_count
    task = {"client_id": _text(row.get("id")) or None, "text": _text(row.get("text")) or None,
            "image_ref": _text(row.get("image")) or None, "clip_ref": _text(row.get("file")),
            "gold_cell": _text(row.get("gold")), "gold": None, "image": None,
            "has_columns": "text" in row or "image" in row or "file" in row, "errors": errors}
    for check in ROW_CHECKS:
        check(line, task, report, ctx)
    if report.error_count != errors:
        return None
    clip = task.pop("clip_ref")
    task.pop("errors")
    task["image_ref"] = task["image_ref"] or clip or None
    return task


def _clip(line, path, report, archive) -> dict | None:
    """A clip named by the manifest, decoded and made small; its problems by line."""
    if archive is None:
        report.error(line, "clip_needs_zip")
        return None
    try:
        data = archive.picture(path, MAX_CLIP_BYTES)
        if data is None:
            report.error(line, "missing_clip", name=path[:80])
            return None
        return clips.prepare_clip(data)
    except Invalid as refusal:
        code = {"picture_too_big": "clip_too_big", "not_audio": "bad_clip"}.get(
            refusal.code, refusal.code)
        report.error(line, code, name=path[:80], **refusal.detail)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError):  # a member that lies
        report.error(line, "bad_clip", name=path[:80])
    return None


def _picture(line, path, report, archive, pictures_from) -> dict | None:
    try:
        if archive is not None:
            data = archive.picture(path)
        elif pictures_from is not None:
            full = os.path.join(pictures_from, path)
            data = None
            if os.path.isfile(full):
                if os.path.getsize(full) > MAX_PICTURE_BYTES:
                    raise Invalid("picture_too_big", limit_mb=MAX_PICTURE_BYTES // 1024 // 1024)
                with open(full, "rb") as f:
                    data = f.read()
        else:
            report.error(line, "picture_needs_zip")
            return None
        if data is None:
            report.error(line, "missing_picture", name=path[:80])
            return None
        return prepare_image(data)
    except Invalid as refusal:
        code = "bad_picture" if refusal.code == "bad_image" else refusal.code
        report.error(line, code, name=path[:80], **refusal.detail)
        return None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError):  # a member that lies
        report.error(line, "bad_picture", name=path[:80])
        return None


# -- writing --------------------------------------------------------------------------

_INSERT = ("INSERT {verb} INTO tasks (project_id, client_id, payload_text, media_id,"
           " gold_answer, image_ref, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")


def import_tasks(db, project: dict, data: bytes, name: str, *, skip_duplicates=False,
                 actor_id=None, pictures_from=None, progress=None) -> dict:
    """Check the file, then add every task in one transaction; returns the report as a
    dict, with `audit_id` (the audit-log row that keeps it).

    Raises Invalid("import_refused", report=...) with every problem when anything is
    wrong: nothing is written. Raises Conflict("duplicate_race") when another import
    took one of the ids in between (refusing duplicates); nothing is written then either.
    """
    tasks, report = check(db, project, data, name, skip_duplicates=skip_duplicates,
                          pictures_from=pictures_from, progress=progress)
    if report.error_count:
        _refuse(report)
    now = stamp(utcnow())
    total = len(tasks)
    verb = "OR IGNORE" if skip_duplicates else ""
    sql = _INSERT.format(verb=verb)
    text_rows = [(project["id"], t["client_id"], t["text"], None, t["gold"], None, now)
                 for t in tasks if t["image"] is None]
    try:
        with write(db):
            inserted = db.conn.executemany(sql, text_rows).rowcount if text_rows else 0
            done = len(text_rows)
            if progress:
                progress("write", done, total)
            for task in (t for t in tasks if t["image"] is not None):
                media_id = add_media(db, project["id"], task["image"])
                inserted += db.execute(sql, (project["id"], task["client_id"], task["text"],
                                             media_id, task["gold"], task["image_ref"],
                                             now)).rowcount
                done += 1
                if progress and done % 100 == 0:
                    progress("write", done, total)
            report.skipped += total - inserted  # only another import in between
            report.imported = inserted
            summary = {k: v for k, v in report.as_dict().items() if k != "errors"}
            audit_id = audit.record(db, actor_id, "tasks.import", f"project:{project['id']}",
                                    file=name[:120], sha256=report.sha256, **summary)
    except sqlite3.IntegrityError as exc:
        raise Conflict("duplicate_race") from exc
    if progress:
        progress("write", total, total)
    return {**report.as_dict(), "audit_id": audit_id}


def import_path(db, project: dict, path: str, **options) -> dict:
    """Import a file on disk (the command line): pictures a CSV or JSONL names are
    read beside it."""
    if os.path.getsize(path) > MAX_FILE_BYTES:
        report = Report()
        report.error(None, "file_too_big", limit_mb=MAX_FILE_BYTES // 1024 // 1024)
        _refuse(report)
    with open(path, "rb") as f:
        data = f.read()
    return import_tasks(db, project, data, os.path.basename(path),
                        pictures_from=os.path.dirname(os.path.abspath(path)), **options)


def import_result(db, project: dict, audit_id: int) -> dict:
    """The report an import of this project left in the audit log.

    Raises NotFound("no_import") for any other row."""
    row = one(db, "SELECT * FROM audit_log WHERE id = ? AND action = 'tasks.import'"
                  " AND subject = ?", (audit_id, f"project:{project['id']}"))
    if row is None:
        raise NotFound("no_import")
    return {**json.loads(row["detail"]), "at": parse_stamp(row["at"])}
