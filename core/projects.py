"""Projects, their labels and tasks: creating them and listing them for a worker; for
supervisors, one validation that serves the web form and the project file, saving,
and each project's progress."""
import datetime as dt
import hashlib
import json
import re

from . import audit, content, languages, money, paging, purge, qualifications, scope, scripts, \
    tasktypes
from .clock import india_day, stamp, utcnow
from .db import is_id, one, rows as all_rows, write
from .errors import Invalid, NotFound

TASK_TYPES = tasktypes.NAMES


def create_project(db, *, centre_id, slug, task_type, name, instructions=None, labels=(),
                   redundancy=3, pay_paise, lease_seconds=900, actor_id=None,
                   langs=None, client_id=None) -> dict:
    """Create a project. `name`/`instructions` are {lang: text} (any languages of
    core.languages); `labels` are (value, {lang: text}) pairs, needed for single choice;
    `langs`: its content's languages, the first shown when hers is missing (default: the
    languages of the name, in the order given); `client_id`: the client that owns it
    (None: its centre's first, by the trigger of 0090_clients)."""
    instructions = instructions or {}
    langs = list(langs or [lang for lang, text in name.items() if text])
    if task_type not in TASK_TYPES:
        raise Invalid("bad_task_type")
    if tasktypes.TYPES[task_type].needs_labels and len(labels) < 2:
        raise Invalid("labels_required")
    if not langs or not name.get(langs[0]) or redundancy < 1 or pay_paise < 0:
        raise Invalid("bad_project")
    with write(db):
        cursor = db.execute(
            "INSERT INTO projects (centre_id, slug, task_type, languages, redundancy,"
            " pay_paise, lease_seconds, created_at, client_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (centre_id, slug, task_type, json.dumps(langs), redundancy, pay_paise,
             lease_seconds, stamp(utcnow()), client_id),
        )
        project_id = cursor.lastrowid
        content.write(db, "project", project_id, "name", name)
        content.write(db, "project", project_id, "instructions", instructions)
        for position, (value, text) in enumerate(labels):
            label_id = db.execute(
                "INSERT INTO labels (project_id, value, position) VALUES (?, ?, ?)",
                (project_id, value, position)).lastrowid
            content.write(db, "label", label_id, "text", text)
        audit.record(db, actor_id, "project.create", f"project:{project_id}",
                     pay_paise=pay_paise, redundancy=redundancy)
    return one(db, "SELECT * FROM projects WHERE id = ?", (project_id,))


def add_media(db, project_id: int, media: dict, user_id: int | None = None) -> int:
    """Store prepared media (core.media.prepare_image, core.photos, core.clips: a picture,
    a photo she took or a clip); `user_id`: its maker, None when imported. Returns its id."""
    cursor = db.execute(
        "INSERT INTO media (project_id, content_type, width, height, sha256, data, kind,"
        " duration_ms, original, original_type, user_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (project_id, media["content_type"], media["width"], media["height"],
         media.get("sha256") or hashlib.sha256(media["data"]).hexdigest(), media["data"],
         media.get("kind", "image"), media.get("duration_ms"), media.get("original"),
         media.get("original_type"), user_id),
    )
    return cursor.lastrowid


def add_tasks(db, project_id: int, tasks: list[dict]) -> int:
    """Add tasks all-or-nothing. Each: {"text": .., "image": prepared image, "gold": ..}."""
    with write(db):
        for task in tasks:
            if not (task.get("text") or task.get("image")):
                raise Invalid("empty_task")
            media_id = add_media(db, project_id, task["image"]) if task.get("image") else None
            db.execute(
                "INSERT INTO tasks (project_id, payload_text, media_id, gold_answer, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (project_id, task.get("text"), media_id, task.get("gold"), stamp(utcnow())),
            )
    return len(tasks)


def labels(db, project_id: int) -> list[dict]:
    """The project's labels in order, each with `text`: {lang: text}."""
    rows = all_rows(db, "SELECT * FROM labels WHERE project_id = ? ORDER BY position",
                    (project_id,))
    texts = content.read(db, "label", [row["id"] for row in rows])
    for row in rows:
        row["text"] = texts[row["id"]].get("text", {})
    return rows


# A worker sees her centre's live projects, except those where a qualification row
# says she is still a trainee or paused, and those with an active quiz (#6) where she has
# no row: there she is a trainee until she passes (core.quiz_attempts).
# SQL: her status in project p, given q (her qualification row) and z (the project's
# active quiz) joined as below; the one rule every screen reads.
QUALIFICATION = ("coalesce(q.status,"
                 " CASE WHEN z.project_id IS NULL THEN 'qualified' ELSE 'trainee' END)")
WORKER_PROJECTS = f"""
SELECT p.* FROM projects p
LEFT JOIN qualifications q ON q.project_id = p.id AND q.user_id = :user
LEFT JOIN quizzes z ON z.project_id = p.id AND z.active = 1
WHERE p.centre_id = (SELECT centre_id FROM users WHERE id = :user) AND p.status = 'live'
  AND {QUALIFICATION} = 'qualified'
"""


def project_for_worker(db, user: dict, slug: str) -> dict:
    """The project `slug` if this annotator may work on it.

    Raises NotFound("no_project") for a missing project or one she may not see, and
    core.qualifications.NeedsQuiz (a NotFound) when she has its quiz to pass first.
    """
    project = one(db, WORKER_PROJECTS + " AND p.slug = :slug", {"user": user["id"], "slug": slug})
    if project is None:
        raise qualifications.gate_refusal(db, user["id"], slug=slug)
    return project


def check_open_to(db, user_id: int, project_id: int) -> dict:
    """The project, or NotFound("no_project") unless this annotator may still work on it:
    a paused worker or a closed project gets no more answers recorded, by any route."""
    project = one(db, WORKER_PROJECTS + " AND p.id = :project",
                  {"user": user_id, "project": project_id})
    if project is None:
        raise qualifications.gate_refusal(db, user_id, project_id=project_id)
    return project


# -- supervisors: one validation for the web form and the project file ---------------

STATUSES = ("draft", "live", "paused", "closed")
MAX_PAY_PAISE = 10_000  # ₹100 an answer: more is a typo
MAX_REDUNDANCY = 10
MAX_LEASE_MINUTES = 240
# An offline batch (core.tasks.claim_batch): at most this many tasks, its leases from 10
# minutes to a 12-hour day without signal; the database holds the same bounds (0060).
MAX_BATCH_SIZE = 100
BATCH_LEASE_MINUTES = (10, 720)
MAX_NAME = 120
MAX_INSTRUCTIONS = 4000
MAX_LABELS = 20
FORM_LABEL_ROWS = 3  # empty label rows the form offers beyond those saved
DEFAULTS = {"instructions": {}, "labels": [], "redundancy": 3, "lease_minutes": 15,
            "gold_share": 0.1, "status": "draft", "answer_script": None,
            "batch_size": 20, "batch_lease_minutes": 120, "batch_percent": 20,
            "retention_days": None, "personal_data": "mask",
            "photo_max_px": 1280, "keep_location": 0, "cer_threshold": 0.1,
            "max_record_seconds": 15, "verified_by_project_id": None,
            "transcribed_by_project_id": None}
FIELDS = ("slug", "centre", "task_type", "languages", "name", "instructions", "labels",
          "redundancy", "pay_paise", "pay", "lease_minutes", "gold_share", "gold_percent",
          "status", "answer_script", "batch_size", "batch_lease_minutes", "batch_percent",
          "retention_days", "personal_data", "photo_max_px", "keep_location", "cer_threshold",
          "cer_percent", "max_record_seconds", "verified_by_project_id",
          "transcribed_by_project_id")
PERSONAL_DATA = ("mask", "refuse")  # what an import does with personal data it finds
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,58}[a-z0-9]$")
_VALUE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
_TYPED_PAY_BELOW = 10_000_00  # four digits of rupees at most: more is no pay typed


def rupees_to_paise(text) -> int:
    """A pay per answer typed in rupees (core.money), at most four digits of them.
    Raises Invalid("bad_pay") for anything else, more than two decimals included."""
    try:
        paise = money.parse_rupees(text)
    except Invalid:
        raise Invalid("bad_pay") from None
    if paise >= _TYPED_PAY_BELOW:
        raise Invalid("bad_pay")
    return paise


def _whole(value, low: int, high: int, code: str) -> int:
    """A whole number in [low, high] from JSON (int) or a form (digits)."""
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if type(value) is not int or not low <= value <= high:
        raise Invalid(code)
    return value


def _langs(raw) -> list[str]:
    """A project's content languages: known codes, each once, the first its fallback."""
    if not isinstance(raw, list) or not raw or len(set(raw)) != len(raw) \
            or any(code not in languages.CODES for code in raw):
        raise Invalid("bad_languages")
    return raw


def _texts(raw, first: str | None, limit: int) -> dict:
    """{lang: stripped text} for every known language ("" where none); the text in
    `first` (the project's first language) required unless `first` is None."""
    raw = raw if isinstance(raw, dict) else {}
    texts = {lang: raw.get(lang) for lang in languages.CODES}
    if any(v is not None and not isinstance(v, str) for v in texts.values()) \
            or set(raw) - set(languages.CODES):
        raise Invalid("bad_texts")
    texts = {lang: (v or "").strip().replace("\r\n", "\n") for lang, v in texts.items()}
    if first and not texts[first]:
        raise Invalid("first_language_required", language=languages.name(first))
    if any(len(v) > limit for v in texts.values()):
        raise Invalid("too_long", limit=limit)
    return texts


def _labels(raw, first: str) -> list[dict]:
    if not isinstance(raw, list) or len(raw) > MAX_LABELS:
        raise Invalid("bad_labels")
    out, values = [], set()
    for label in raw:
        if not isinstance(label, dict) or not isinstance(label.get("value"), str):
            raise Invalid("bad_labels")
        value = label["value"].strip()
        if not _VALUE.match(value):
            raise Invalid("bad_label_value", value=value[:40])
        if value in values:
            raise Invalid("label_twice", value=value)
        values.add(value)
        texts = _texts({k: v for k, v in label.items() if k != "value"}, None, MAX_NAME)
        if not texts[first]:
            raise Invalid("label_first_language_required", value=value,
                          language=languages.name(first))
        out.append({"value": value, **texts})
    if len(out) < 2:
        raise Invalid("labels_required")
    return out


def set_centre_languages(db, centre_id: int, codes: list[str], actor_id=None) -> None:
    """The languages a centre works in (Karur: Tamil and English): each of its live
    projects must have its name and labels in all of them. Raises Invalid("bad_languages")
    for an empty list or an unknown code (the database refuses one too). Audited."""
    codes = _langs(list(codes))
    with write(db):
        db.execute("UPDATE centres SET languages = ? WHERE id = ?", (json.dumps(codes), centre_id))
        audit.record(db, actor_id, "centre.languages", f"centre:{centre_id}", languages=codes)


def check_project(db, data: dict, project: dict | None = None) -> tuple[dict, dict]:
    """Check a project's fields, for a new project or (`project`) an edit of one.

    `data` is shaped like a project file (docs/supervisors.md): pay as `pay_paise` (int) or `pay`
    (rupees typed, "0.50"), the check-task share as `gold_share` (0-1) or `gold_percent`
    (0-100); missing optional fields take DEFAULTS (on an edit: the project's own).
    Returns (clean values, errors {field: Invalid}); nothing is written.
    An edit keeps slug and centre, and keeps the task type once the project has tasks.
    """
    data = data if isinstance(data, dict) else {}
    current = _as_data(db, project) if project else DEFAULTS
    clean, errors = {}, {}
    for key in data:
        if key not in FIELDS:
            errors[key] = Invalid("unknown_field")

    def field(name, check):
        try:
            clean[name] = check()
        except Invalid as refusal:
            errors[name] = refusal

    def get(name):
        return data.get(name, current.get(name))

    if project is None:
        field("slug", lambda: _slug(db, data.get("slug")))
        field("centre", lambda: _centre(db, data.get("centre")))
    else:
        clean["centre"] = project["centre_id"]

    def task_type():
        value = get("task_type")
        if value not in TASK_TYPES:
            raise Invalid("bad_task_type")
        if project and value != project["task_type"] and task_count(db, project["id"]):
            raise Invalid("type_fixed")
        return value

    field("task_type", task_type)

    def langs():
        value = data.get("languages", current.get("languages"))
        if value is None:  # a new project's file that names none: its name's languages
            name = data.get("name") if isinstance(data.get("name"), dict) else {}
            value = [code for code, text in name.items() if text] or [languages.FALLBACK]
        return _langs(value)

    field("languages", langs)
    first = clean.get("languages", [languages.FALLBACK])[0]
    field("name", lambda: _texts(get("name"), first, MAX_NAME))
    field("instructions", lambda: _texts(get("instructions"), None, MAX_INSTRUCTIONS))
    if clean.get("task_type") in TASK_TYPES and tasktypes.TYPES[clean["task_type"]].needs_labels:
        field("labels", lambda: _labels(get("labels"), first))
        if project and "labels" in clean:
            field("labels", lambda: _labels_kept(db, project, clean["labels"]))
    else:
        clean["labels"] = []
    field("redundancy", lambda: _whole(get("redundancy"), 1, MAX_REDUNDANCY, "bad_redundancy"))
    if "pay" in data:
        field("pay", lambda: rupees_to_paise(data["pay"]))
    else:
        field("pay", lambda: _whole(get("pay_paise"), 0, MAX_PAY_PAISE, "bad_pay_paise"))
    if "pay" in clean and clean["pay"] > MAX_PAY_PAISE:
        errors["pay"] = Invalid("bad_pay")
    field("lease_minutes", lambda: _whole(get("lease_minutes"), 1, MAX_LEASE_MINUTES,
                                          "bad_lease"))
    field("batch_size", lambda: _whole(get("batch_size"), 1, MAX_BATCH_SIZE, "bad_batch_size"))
    field("batch_lease_minutes", lambda: _whole(get("batch_lease_minutes"),
                                                *BATCH_LEASE_MINUTES, "bad_batch_lease"))
    field("batch_percent", lambda: _whole(get("batch_percent"), 1, 100, "bad_batch_percent"))
    if "gold_percent" in data:
        field("gold_share", lambda: _whole(data["gold_percent"], 0, 100, "bad_gold") / 100)
    else:
        field("gold_share", lambda: _share(get("gold_share")))
    field("status", lambda: _status(get("status")))
    field("retention_days", lambda: purge.parse_retention(get("retention_days")))
    field("personal_data", lambda: _personal_data(get("personal_data")))
    # A script set earlier lapses when the type stops taking typed words; one sent is checked.
    typed = clean.get("task_type") in TASK_TYPES and tasktypes.TYPES[clean["task_type"]].typed
    script = data.get("answer_script", current.get("answer_script") if typed else None)
    field("answer_script", lambda: _answer_script(script, typed))
    # Photos (#18): their size, and whether their location is kept (she is told so).
    field("photo_max_px", lambda: _whole(get("photo_max_px"), 320, 4096, "bad_photo_px"))
    field("keep_location", lambda: _whole(get("keep_location"), 0, 1, "bad_keep_location"))
    # Transcripts: how far apart two may be and still say the same (core.cer).
    if "cer_percent" in data:
        field("cer_threshold", lambda: _whole(data["cer_percent"], 0, 50, "bad_cer") / 100)
    else:
        field("cer_threshold", lambda: _cer(get("cer_threshold")))
    # Recordings (#18): how long one may be, who listens to them, who transcribes them.
    field("max_record_seconds", lambda: _whole(get("max_record_seconds"), *RECORD_SECONDS,
                                               "bad_record_seconds"))
    records = clean.get("task_type") in TASK_TYPES \
        and tasktypes.TYPES[clean["task_type"]].capture == "audio"
    for name, kind, code in LINKS:
        field(name, lambda name=name, kind=kind, code=code: _linked(
            db, get(name), records, kind, clean.get("centre"), code))
    if clean.get("status") == "live" and not errors:
        field("status", lambda: _ready_for(db, clean))
    return clean, errors


RECORD_SECONDS = (2, 120)  # the database's CHECK on projects.max_record_seconds (0070)
# A record project's links: (field, whether the project it names has its answers typed, a
# transcription, or chosen, a listening project (both play a recording), refusal).
LINKS = (("verified_by_project_id", False, "bad_verifier"),
         ("transcribed_by_project_id", True, "bad_transcriber"))


def _plays_audio(typed: bool) -> list[str]:
    """The task types whose tasks play a recording, with typed answers or not."""
    return [name for name, t in tasktypes.TYPES.items() if "audio" in t.media and t.typed == typed]


def _linked(db, value, records: bool, kind: bool, centre_id, code: str) -> int | None:
    """The project a record project sends its recordings to: a slug (the file) or an id
    (the form), a project playing recordings (answers typed: `kind`) in the same centre; None for none. Only a
    project whose answers are recordings names one. Raises Invalid(code)."""
    if value in (None, ""):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if is_id(value):
        row = one(db, "SELECT id, centre_id, task_type FROM projects WHERE id = ?", (value,))
    elif isinstance(value, str):
        row = one(db, "SELECT id, centre_id, task_type FROM projects WHERE slug = ?",
                  (value.strip(),))
    else:
        row = None
    if not records or row is None or row["task_type"] not in _plays_audio(kind) \
            or row["centre_id"] != centre_id:
        raise Invalid(code)
    return row["id"]


def link_choices(db, centre_id: int | None) -> dict:
    """{field: [projects]} a record project of the centre (all when None) may send its
    recordings to (LINKS), each with its name, for the project form's selects."""
    return {name: list(db.query(
        f"SELECT p.id, p.slug, {content.project_name()} FROM projects p"
        " WHERE p.task_type IN (SELECT value FROM json_each(:kinds))"
        " AND (:centre IS NULL OR p.centre_id = :centre)"
        " AND p.status <> 'closed' ORDER BY p.id",
        {"kinds": json.dumps(_plays_audio(kind)), "centre": centre_id}))
        for name, kind, _ in LINKS}


def _personal_data(value) -> str:
    if value not in PERSONAL_DATA:
        raise Invalid("bad_personal_data")
    return value


def _ready_for(db, clean: dict) -> str:
    """A live project has its name and every label in each language its centre works
    in: nobody there meets a fallback on a paid task. Raises Invalid("incomplete_for_live",
    languages=their names)."""
    centre = one(db, "SELECT languages FROM centres WHERE id = ?", (clean["centre"],))
    short = [code for code in content.langs_of(centre or {})
             if not clean["name"].get(code)
             or any(not label.get(code) for label in clean["labels"])]
    if short:
        raise Invalid("incomplete_for_live",
                      languages=", ".join(languages.name(code) for code in short))
    return "live"


def _slug(db, value) -> str:
    if not isinstance(value, str) or not _SLUG.match(value):
        raise Invalid("bad_slug")
    if one(db, "SELECT 1 AS x FROM projects WHERE slug = ?", (value,)):
        raise Invalid("slug_taken")
    return value


def _centre(db, value) -> int:
    """A centre code (the file, a string) or id (the form, an int) as the centre's id."""
    row = None
    if isinstance(value, str) and value.strip():
        row = one(db, "SELECT id FROM centres WHERE code = ?", (value.strip(),))
    elif is_id(value):
        row = one(db, "SELECT id FROM centres WHERE id = ?", (value,))
    if row is None:
        raise Invalid("unknown_centre")
    return row["id"]


def _share(value) -> float:
    if type(value) not in (int, float) or not 0 <= value <= 1:
        raise Invalid("bad_gold")
    return float(value)


def _cer(value) -> float:
    if type(value) not in (int, float) or not 0 <= value <= 0.5:
        raise Invalid("bad_cer")
    return float(value)


def _status(value) -> str:
    if value not in STATUSES:
        raise Invalid("bad_status")
    return value


def _answer_script(value, typed: bool) -> str | None:
    """A script code (core/scripts.py) for the answers of a project whose answers are
    typed words, or None: any letters."""
    if value in (None, ""):
        return None
    if value not in scripts.CODES:
        raise Invalid("bad_script")
    if not typed:
        raise Invalid("script_needs_typed")
    return value


def task_count(db, project_id: int) -> int:
    """How many tasks the project has (any status)."""
    return one(db, "SELECT count(*) AS n FROM tasks WHERE project_id = ?", (project_id,))["n"]


def _labels_kept(db, project: dict, new: list[dict]) -> list[dict]:
    """Refuse to drop a label that an answer or a check task already uses."""
    kept = {label["value"] for label in new}
    for label in labels(db, project["id"]):
        if label["value"] in kept:
            continue
        if one(db, "SELECT 1 AS x FROM assignments WHERE project_id = :p AND answer = :v"
                   " UNION ALL SELECT 1 FROM tasks WHERE project_id = :p AND gold_answer = :v"
                   " LIMIT 1", {"p": project["id"], "v": label["value"]}):
            raise Invalid("label_in_use", value=label["value"])
    return new


def _as_data(db, project: dict) -> dict:
    """A saved project in the shape check_project reads (the file's)."""
    texts = content.project_texts(db, project["id"])
    every = {lang: "" for lang in languages.CODES}
    return {
        "task_type": project["task_type"], "languages": content.langs_of(project),
        "name": {**every, **texts["name"]},
        "instructions": {**every, **texts["instructions"]},
        "labels": [{"value": label["value"], **every, **label["text"]}
                   for label in texts["labels"]],
        "redundancy": project["redundancy"], "pay_paise": project["pay_paise"],
        "lease_minutes": max(1, project["lease_seconds"] // 60),
        "gold_share": project["gold_share"], "status": project["status"],
        "answer_script": project["answer_script"], "batch_size": project["batch_size"],
        "batch_lease_minutes": project["batch_lease_seconds"] // 60,
        "batch_percent": project["batch_share_percent"],
        "retention_days": project["retention_days"], "personal_data": project["personal_data"],
        "photo_max_px": project["photo_max_px"], "keep_location": project["keep_location"],
        "cer_threshold": project["cer_threshold"],
        "max_record_seconds": project["max_record_seconds"],
        "verified_by_project_id": project["verified_by_project_id"],
        "transcribed_by_project_id": project["transcribed_by_project_id"]}


def form_data(form) -> dict:
    """The project form's fields (any mapping with .get) in the file's shape."""
    data = {key: form.get(key) for key in ("slug", "task_type", "redundancy", "pay",
                                           "lease_minutes", "gold_percent", "status",
                                           "answer_script", "batch_size",
                                           "batch_lease_minutes", "batch_percent",
                                           "retention_days", "personal_data",
                                           "photo_max_px", "keep_location", "cer_percent",
                                           "max_record_seconds", "verified_by_project_id",
                                           "transcribed_by_project_id")
            if form.get(key) is not None}
    centre = (form.get("centre") or "").strip()
    if centre:
        data["centre"] = int(centre) if centre.isdigit() else -1  # the form sends ids
    # Ticked languages, the one chosen as first leading (the one shown when hers is missing).
    ticked = form.getlist("languages") if hasattr(form, "getlist") else []
    first = form.get("first_language")
    if ticked or first:
        data["languages"] = [first] * bool(first) + [c for c in ticked if c != first]
    for group in ("name", "instructions"):
        data[group] = {lang: form.get(f"{group}_{lang}", "") for lang in languages.CODES}
    data["labels"] = []
    for n in range(MAX_LABELS + FORM_LABEL_ROWS):
        row = {key: (form.get(f"label_{n}_{key}") or "")
               for key in ("value", *languages.CODES)}
        if any(v.strip() for v in row.values()):
            data["labels"].append(row)
    return data


def form_values(db, project: dict | None) -> dict:
    """What the form shows before she types: the project as saved, or the defaults (the
    first registered task type)."""
    data = _as_data(db, project) if project else {**DEFAULTS, "name": {}, "pay_paise": 0,
                                                  "task_type": TASK_TYPES[0],
                                                  "languages": [languages.FALLBACK]}
    return {**data, "pay": money.rupees(data["pay_paise"]),
            "gold_percent": round(data["gold_share"] * 100),
            "cer_percent": round(data["cer_threshold"] * 100)}


def incomplete(db, project: dict | None, values: dict) -> dict:
    """{lang: ["name", "instructions", "labels"] missing} over the project's languages
    and its centre's: what the form lists as not yet written."""
    centre_id = project["centre_id"] if project else values.get("centre")
    centre = one(db, "SELECT languages FROM centres WHERE id = ?", (centre_id,)) \
        if is_id(centre_id) else None
    langs = values.get("languages") if isinstance(values.get("languages"), list) else []
    wanted = languages.ordered([*langs, *(content.langs_of(centre) if centre else ())])
    texts = {"name": values.get("name") or {}, "instructions": values.get("instructions") or {},
             "labels": [{"text": {k: v for k, v in label.items() if k != "value"}}
                        for label in values.get("labels") or []]}
    return content.missing({"languages": langs or [languages.FALLBACK]}, texts, wanted)


def _columns(clean: dict) -> dict:
    return {"task_type": clean["task_type"], "languages": json.dumps(clean["languages"]),
            "redundancy": clean["redundancy"], "pay_paise": clean["pay"],
            "lease_seconds": clean["lease_minutes"] * 60, "gold_share": clean["gold_share"],
            "status": clean["status"], "answer_script": clean["answer_script"],
            "batch_size": clean["batch_size"],
            "batch_lease_seconds": clean["batch_lease_minutes"] * 60,
            "batch_share_percent": clean["batch_percent"],
            "retention_days": clean["retention_days"], "personal_data": clean["personal_data"],
            "photo_max_px": clean["photo_max_px"], "keep_location": clean["keep_location"],
            "cer_threshold": clean["cer_threshold"],
            "max_record_seconds": clean["max_record_seconds"],
            "verified_by_project_id": clean["verified_by_project_id"],
            "transcribed_by_project_id": clean["transcribed_by_project_id"]}


def _write_content(db, project_id: int, clean: dict) -> None:
    """The project's name, instructions and labels as saved: texts rows (core.content)."""
    content.write(db, "project", project_id, "name", clean["name"])
    content.write(db, "project", project_id, "instructions", clean["instructions"])
    new = clean["labels"]
    db.execute("DELETE FROM labels WHERE project_id = ? AND value NOT IN"
               " (SELECT value FROM json_each(?))",
               (project_id, json.dumps([label["value"] for label in new])))
    for position, label in enumerate(new):
        label_id = db.execute(
            "INSERT INTO labels (project_id, value, position) VALUES (?, ?, ?)"
            " ON CONFLICT (project_id, value) DO UPDATE SET position = excluded.position"
            " WHERE position <> excluded.position RETURNING id",
            (project_id, label["value"], position)).fetchone()
        label_id = label_id[0] if label_id else one(
            db, "SELECT id FROM labels WHERE project_id = ? AND value = ?",
            (project_id, label["value"]))["id"]
        content.write(db, "label", label_id, "text",
                      {k: v for k, v in label.items() if k != "value"})


def save_project(db, viewer: dict, data: dict, project_id=None) -> dict:
    """Create a project (project_id None) or change one the viewer runs, from form or
    file data (see check_project). A supervisor saves only in her own centre.

    Raises NotFound for a project not hers; Invalid("form", errors={field: Invalid})
    naming every bad field, having written nothing. Pay changes apply to answers given
    after it (record_answer reads the pay when the answer comes in). Audited.
    """
    with write(db):
        project = get_project_or_404(db, viewer, project_id) if project_id else None
        if project is None and not scope.sees_all(viewer):
            data = {**data, "centre": data.get("centre") or viewer["centre_id"]}
        clean, errors = check_project(db, data, project)
        if project is None and "centre" in clean and not scope.may_see(viewer, clean["centre"]):
            raise NotFound("not_found")  # another centre's id: as if it did not exist
        if errors:
            raise Invalid("form", errors=errors)
        columns = _columns(clean)
        if project is None:
            columns.update(centre_id=clean["centre"], slug=clean["slug"],
                           created_at=stamp(utcnow()))
            # A supervisor limited to some clients makes it for the first of hers, so she
            # sees what she made; anyone else: the centre's first client (0090_clients).
            limited = None if scope.sees_all(viewer) else scope.client_ids(db, viewer)
            if limited:
                columns["client_id"] = limited[0]
            names = ", ".join(columns)
            project_id = db.execute(
                f"INSERT INTO projects ({names}) VALUES ({', '.join('?' * len(columns))})",
                list(columns.values())).lastrowid
            audit.record(db, viewer["id"], "project.create", f"project:{project_id}",
                         slug=clean["slug"], pay_paise=clean["pay"], status=clean["status"])
        else:
            changed = {k: [project[k], v] for k, v in columns.items() if project[k] != v}
            db.execute(f"UPDATE projects SET {', '.join(f'{k} = ?' for k in columns)}"
                       " WHERE id = ?", [*columns.values(), project["id"]])
            before = _as_data(db, project)
            for group in ("name", "instructions"):
                if before[group] != clean[group]:
                    changed[group] = [before[group], clean[group]]
            before = before["labels"]
            if before != clean["labels"]:
                changed["labels"] = [[x["value"] for x in before],
                                     [x["value"] for x in clean["labels"]]]
            audit.record(db, viewer["id"], "project.update", f"project:{project['id']}",
                         **changed)
        _write_content(db, project_id, clean)
        return one(db, "SELECT * FROM projects WHERE id = ?", (project_id,))


# The command line acts for the whole company, as an admin with no account would.
SYSTEM = {"id": None, "role": "admin", "centre_id": None}


def save_project_file(db, data: dict, update: bool = False) -> tuple[dict, bool]:
    """A project file (docs/supervisors.md) saved: created, or with `update` applied to the
    project of the same slug (fields left out keep their values). Returns (project,
    created). Raises Invalid("form", errors=...) as save_project does; a file may not
    move a project to another centre."""
    slug = data.get("slug") if isinstance(data, dict) else None
    existing = one(db, "SELECT p.id, c.code FROM projects p JOIN centres c"
                       " ON c.id = p.centre_id WHERE p.slug = ?",
                   (slug,)) if update and isinstance(slug, str) else None
    if existing is None:
        return save_project(db, SYSTEM, data), True
    if data.get("centre", existing["code"]) != existing["code"]:
        raise Invalid("form", errors={"centre": Invalid("centre_fixed")})
    return save_project(db, SYSTEM, data, existing["id"]), False


def get_project_or_404(db, viewer: dict, project_id) -> dict:
    """The project `project_id` if the viewer runs its centre (admin: any) and, when she
    is limited to some clients, it is one of theirs (core.scope).

    Raises NotFound("not_found") for a missing project or one out of her scope."""
    project = one(db, "SELECT * FROM projects WHERE id = ?", (project_id,))
    if not scope.may_see_project(db, viewer, project):
        raise NotFound("not_found")
    return project


OVERVIEW_PAGE = 20


def centre_overview(db, centre_id: int | None, now: dt.datetime | None = None,
                    page: int = 1, viewer: dict | None = None,
                    client: int | None = None) -> tuple[list[dict], bool]:
    """A page of projects with their progress, for supervisors (every centre when
    centre_id is None; only the clients `viewer` may see, and only `client` when given),
    closed ones last: tasks open and waiting, in progress (open, a
    lease running), done, held; answers today and in all. Returns (rows, more pages)."""
    now = now or utcnow()
    # Counts from the summaries the database keeps (tasks_by_status, answers_by_project,
    # work_by_day): a centre's millions of tasks and answers are not counted on every
    # visit (#15).
    status = "(SELECT coalesce(sum(s.tasks), 0) FROM tasks_by_status s WHERE s.project_id = p.id"
    rows = list(db.query(
        f"SELECT p.*, {content.project_name()}, c.name AS centre_name, c.code AS centre_code,"
        " k.name AS client_name,"
        f" {status} AND s.status <> 'removed') AS tasks_total,"
        f" {status} AND s.status = 'open') AS tasks_open,"
        f" {status} AND s.status = 'done') AS tasks_done,"
        f" {status} AND s.status = 'held') AS tasks_held,"
        # Open tasks with a lease running: from the project's active assignments (few).
        " (SELECT count(DISTINCT a.task_id) FROM assignments a JOIN tasks t ON t.id = a.task_id"
        " WHERE a.project_id = p.id AND a.state = 'active' AND a.lease_expires_at > :now"
        " AND t.status = 'open') AS tasks_in_progress,"
        " (SELECT coalesce(sum(n.answers), 0) FROM answers_by_project n"
        " WHERE n.project_id = p.id) AS answers,"
        " (SELECT coalesce(sum(w.answers), 0) FROM work_by_day w WHERE w.project_id = p.id"
        " AND w.day = :today) AS answers_today"
        " FROM projects p JOIN centres c ON c.id = p.centre_id"
        " LEFT JOIN clients k ON k.id = p.client_id"
        f" WHERE {scope.project_sql('p')} AND (:client IS NULL OR p.client_id = :client)"
        " ORDER BY p.status = 'closed', c.name, p.id LIMIT :limit OFFSET :offset",
        {**scope.bind(centre_id, viewer), "client": client, "now": stamp(now),
         "today": india_day(now),
         **paging.window(page, OVERVIEW_PAGE)},
    ))
    for row in rows:
        row["tasks_open"] -= row["tasks_in_progress"]
    return rows[:OVERVIEW_PAGE], len(rows) > OVERVIEW_PAGE


def centre_today(db, centre_id: int | None, now: dt.datetime | None = None,
                 viewer: dict | None = None, client: int | None = None) -> dict:
    """Today in India, for a centre (all when None), in the projects `viewer` may see
    (and of `client` when given): answers given and annotators who gave at least one."""
    return one(db, "SELECT coalesce(sum(w.answers), 0) AS answers,"
                   " count(DISTINCT CASE WHEN w.answers > 0 THEN w.user_id END) AS annotators"
                   # Projects first (CROSS JOIN keeps the order): a range of the
                   # summary's key per project, not a look at every row.
                   " FROM projects p CROSS JOIN work_by_day w ON w.project_id = p.id"
                   f" WHERE w.day = :today AND {scope.project_sql('p')}"
                   " AND (:client IS NULL OR p.client_id = :client)",
               {**scope.bind(centre_id, viewer), "client": client, "today": india_day(now)})


def list_projects(db) -> list[dict]:
    """Every project, for `flask list-projects`."""
    return list(db.query(
        "SELECT p.slug, c.code AS centre, p.task_type, p.status, p.pay_paise,"
        " (SELECT count(*) FROM tasks t WHERE t.project_id = p.id) AS tasks"
        " FROM projects p JOIN centres c ON c.id = p.centre_id ORDER BY c.code, p.slug"))


def accepted_speech(db, centre_id: int | None, viewer: dict | None = None,
                    client: int | None = None) -> list[dict]:
    """Recordings her verifiers accepted, per language (a project's first language is
    the one it records in), for a centre (all when None), in the projects `viewer` may
    see (and of `client` when given): [{"language", "ms"}], most first. Read from the
    recording projects' accepted answers and their media rows."""
    kinds = [name for name, task_type in tasktypes.TYPES.items() if task_type.capture == "audio"]
    if not kinds:
        return []
    return list(db.query(
        "SELECT json_extract(p.languages, '$[0]') AS language,"
        " sum(m.duration_ms) AS ms FROM projects p"
        " JOIN assignments a ON a.project_id = p.id AND a.state = 'submitted'"
        " JOIN media m ON m.id = CAST(a.answer AS INTEGER) AND m.project_id = p.id"
        f" WHERE p.task_type IN ({','.join(f':kind{i}' for i in range(len(kinds)))})"
        " AND a.review_state = 'accepted' AND m.kind = 'audio'"
        f" AND {scope.project_sql('p')} AND (:client IS NULL OR p.client_id = :client)"
        " GROUP BY language HAVING ms > 0 ORDER BY ms DESC",
        {**scope.bind(centre_id, viewer), "client": client,
         **{f"kind{i}": kind for i, kind in enumerate(kinds)}}))
