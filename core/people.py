"""A centre's people: annotators added one by one or from a CSV, PIN resets, unlocking,
deactivating; centres and supervisors, for an admin. Every change is audited.

Who may see whom: a supervisor her own centre's annotators, an admin everyone. The
`viewer` passed in is the logged-in user's row; `get_*_or_404` are the one place that
turns a foreign or missing id into NotFound.
"""
import csv
import datetime as dt
import io
import re
import unicodedata

from werkzeug.security import generate_password_hash

from . import audit, languages, paging, projects, qualifications, scope, sessions, users
from .clock import ist_day_start, parse_stamp, stamp, utcnow
from .credentials import (MAX_PASSWORD, MIN_PASSWORD, check_secret,  # noqa: F401
                          is_weak_pin, new_password, new_pin)
from .db import is_id, one, write
from .errors import Conflict, Invalid, NotFound
from .payouts import APPROVER_WAIT

PAGE_SIZE = 20
MAX_NAME = 80
# Each PIN is hashed on the way in (scrypt: about 0.1 s each), before the write lock is
# taken; 500 people is a minute of hashing, so a bigger file is refused.
MAX_CSV_ROWS = 500
MAX_CSV_BYTES = 512 * 1024
_LOGIN = re.compile(r"^[a-z][a-z0-9._-]{2,31}$")
_CODE = re.compile(r"^[A-Z0-9]{2,8}$")


def clean_phone(raw) -> str:
    """An Indian mobile number as logins store it (core.users.normalise_phone): 10 digits,
    starting 6-9. Raises Invalid("bad_phone") for anything else (landlines, other
    countries, letters)."""
    digits = users.normalise_phone(raw if isinstance(raw, str) else "")
    if not (len(digits) == 10 and digits.isascii() and digits.isdigit() and digits[0] in "6789"):
        raise Invalid("bad_phone")
    return digits


# Her PIN refused on a supervisor's form, by the sentence that form shows: it offers to
# leave the PIN empty and have one made.
_PIN_FIELD_CODES = {"pin_too_short": "bad_pin", "pin_common": "weak_pin"}


def clean_pin(raw) -> str:
    """The PIN (or password) a supervisor typed for an annotator, by the same rule as
    her own change (core.credentials.check_secret)."""
    try:
        return check_secret("annotator", raw)
    except Invalid as refusal:
        raise Invalid(_PIN_FIELD_CODES.get(refusal.code, refusal.code)) from None


def _clean_name(raw) -> str:
    """A name as typed, with runs of spaces made one and control characters dropped."""
    raw = raw if isinstance(raw, str) else ""
    name = " ".join("".join(c for c in raw if unicodedata.category(c) != "Cc").split())
    if not name:
        raise Invalid("name_required")
    if len(name) > MAX_NAME:
        raise Invalid("name_too_long")
    return name


def _clean_lang(raw) -> str:
    if raw not in languages.CODES:
        raise Invalid("bad_lang")
    return raw


def _check_person(name, phone, lang) -> tuple[dict, dict]:
    """A person's name, phone and language checked: (clean values, errors by field: code)."""
    clean, errors = {}, {}
    for field, check, raw in (("name", _clean_name, name), ("phone", clean_phone, phone),
                              ("lang", _clean_lang, lang)):
        try:
            clean[field] = check(raw)
        except Invalid as refusal:
            errors[field] = refusal.code
    return clean, errors


def check_annotator(name, phone, lang, pin=None) -> tuple[dict, dict]:
    """Check one new annotator's fields. Returns (clean values, errors by field: code).

    `pin` empty or None: one is generated (`generated` True in the values).
    """
    clean, errors = _check_person(name, phone, lang)
    if (pin or "").strip():
        try:
            clean["pin"], clean["generated"] = clean_pin(pin), False
        except Invalid as refusal:
            errors["pin"] = refusal.code
    else:
        clean["pin"], clean["generated"] = new_pin(), True
    return clean, errors


def _insert(db, *, login, name, role, centre_id, password_hash, lang, actor_id) -> int:
    """Write one account inside the caller's write(); audited. The hash is made before
    the write lock is taken: a slow hash must not hold up everyone's answers."""
    # created_by: an account someone made approves none of her payouts (core.payouts).
    cursor = db.execute(
        "INSERT INTO users (login, name, role, centre_id, password_hash, lang, created_at,"
        " created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (login, name, role, centre_id, password_hash, lang, stamp(utcnow()), actor_id))
    audit.record(db, actor_id, "user.create", f"user:{cursor.lastrowid}", role=role,
                 centre=centre_id)
    return cursor.lastrowid


def _login_taken(db, login: str) -> bool:
    return one(db, "SELECT 1 AS x FROM users WHERE login = ?", (login,)) is not None


def add_annotator(db, viewer: dict, centre_id: int, *, name, phone, lang, pin=None,
                  hash_method="scrypt") -> dict:
    """Add one annotator to a centre the viewer runs. Returns {"user", "pin", "generated"}:
    the PIN is shown once and never stored but as a hash.

    Raises NotFound for a centre not hers, Invalid("form", errors={field: code}) otherwise.
    """
    centre = get_centre_or_404(db, viewer, centre_id)
    clean, errors = check_annotator(name, phone, lang, pin)
    hashed = None if errors else generate_password_hash(clean["pin"], method=hash_method)
    with write(db):
        if "phone" in clean and _login_taken(db, clean["phone"]):
            errors["phone"] = "phone_taken"
        if errors:
            raise Invalid("form", errors=errors)
        user_id = _insert(db, login=clean["phone"], name=clean["name"], role="annotator",
                          centre_id=centre["id"], password_hash=hashed, lang=clean["lang"],
                          actor_id=viewer["id"])
    return {"user": get_person_or_404(db, viewer, user_id), "pin": clean["pin"],
            "generated": clean["generated"]}


def read_csv(data: bytes) -> list[dict]:
    """The rows of an add-many CSV (header name,phone,lang[,pin]), each with its line.

    UTF-8 with or without a BOM. Raises Invalid with code bad_encoding, empty_file,
    too_big, too_many_rows or bad_header (detail: missing columns).
    """
    if len(data) > MAX_CSV_BYTES:
        raise Invalid("too_big")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid("people_bad_encoding") from None
    if not text.strip():
        raise Invalid("no_people")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
        missing = [c for c in ("name", "phone", "lang") if c not in header]
        if missing:
            raise Invalid("bad_header", columns=", ".join(missing))
        rows = []
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            row = dict(zip(header, (v.strip() for v in values)))
            row["line"] = reader.line_num
            rows.append(row)
            if len(rows) > MAX_CSV_ROWS:
                raise Invalid("too_many_people", limit=MAX_CSV_ROWS)
    except csv.Error:  # a field longer than the csv module allows, and the like
        raise Invalid("people_bad_csv", line=reader.line_num) from None
    if not rows:
        raise Invalid("no_people")
    return rows


def add_many(db, viewer: dict, centre_id: int, data: bytes, hash_method="scrypt") -> list[dict]:
    """Add every annotator of a CSV, or none. Returns [{"user", "pin", "generated"}].

    Every line is checked first; raises Invalid("lines", errors=[(line, field, code)])
    naming each bad field of each bad line (a phone taken, or twice in the file, too).
    """
    centre = get_centre_or_404(db, viewer, centre_id)
    rows = read_csv(data)
    checked, errors, seen = [], [], {}
    for row in rows:
        clean, bad = check_annotator(row.get("name"), row.get("phone"),
                                     (row.get("lang") or "").lower(), row.get("pin"))
        if "phone" in clean:
            if clean["phone"] in seen:
                bad["phone"] = "phone_twice"
            seen.setdefault(clean["phone"], row["line"])
        errors.extend((row["line"], field, code) for field, code in sorted(bad.items()))
        checked.append((row["line"], clean))
    hashes = [] if errors else [generate_password_hash(clean["pin"], method=hash_method)
                                for _line, clean in checked]
    added = []
    with write(db):
        for line, clean in checked:
            if "phone" in clean and seen.get(clean["phone"]) == line \
                    and _login_taken(db, clean["phone"]):
                errors.append((line, "phone", "phone_taken"))
        if errors:
            raise Invalid("lines", errors=sorted(errors))
        for (_line, clean), hashed in zip(checked, hashes):
            user_id = _insert(db, login=clean["phone"], name=clean["name"], role="annotator",
                              centre_id=centre["id"], password_hash=hashed, lang=clean["lang"],
                              actor_id=viewer["id"])
            added.append({"id": user_id, "pin": clean["pin"], "generated": clean["generated"],
                          "name": clean["name"], "login": clean["phone"]})
    return added


# -- seeing people -------------------------------------------------------------------

def get_centre_or_404(db, viewer: dict, centre_id) -> dict:
    """The centre `centre_id` if the viewer runs it (an admin runs every one).

    Raises NotFound("not_found") for a missing centre or another centre's."""
    centre = one(db, "SELECT * FROM centres WHERE id = ?", (centre_id,)) if is_id(centre_id) \
        else None
    if centre is None or not scope.may_see(viewer, centre["id"]):
        raise NotFound("not_found")
    return centre


def centres(db, viewer: dict) -> list[dict]:
    """Centres the viewer runs, with their people counts."""
    return list(db.query(
        "SELECT c.*, (SELECT count(*) FROM users u WHERE u.centre_id = c.id"
        " AND u.role = 'annotator') AS annotators FROM centres c"
        f" WHERE {scope.sql('c.id')} ORDER BY c.name", scope.params(viewer)))


def _locked_sql() -> str:
    """SQL: whether login u.login is locked now, by the rule of core.users.authenticate
    (MAX_FAILURES failures since its last success, within LOCK_WINDOW)."""
    return (f"(SELECT count(*) FROM login_attempts f WHERE f.login = u.login AND f.ok = 0"
            f" AND f.at > :lock_since AND f.at >= coalesce((SELECT max(at) FROM login_attempts s"
            f" WHERE s.login = u.login AND s.ok = 1), '')) >= {users.MAX_FAILURES}"
            f" OR u.guess_locked_at IS NOT NULL")


_PERSON = """SELECT u.id, u.login, u.name, u.role, u.lang, u.active, u.centre_id, u.created_at,
  c.name AS centre_name, c.code AS centre_code,
  {locked} AS locked,
  max(coalesce((SELECT max(submitted_at) FROM assignments a WHERE a.user_id = u.id
                AND a.state = 'submitted'), ''),
      coalesce((SELECT max(at) FROM login_attempts l WHERE l.login = u.login AND l.ok = 1), ''))
    AS last_active,
  (SELECT count(*) FROM assignments a WHERE a.user_id = u.id AND a.state = 'submitted'
   AND a.submitted_at >= :day_start) AS answers_today
FROM {users} u JOIN centres c ON c.id = u.centre_id"""


def _times(now: dt.datetime | None) -> dict:
    now = now or utcnow()
    return {"lock_since": stamp(now - users.LOCK_WINDOW), "day_start": stamp(ist_day_start(now))}


def status(person: dict) -> str:
    """active, deactivated or locked: what her list and her page show."""
    if not person["active"]:
        return "deactivated"
    return "locked" if person["locked"] else "active"


def _with_status(row: dict) -> dict:
    row["status"] = status(row)
    row["last_active"] = row["last_active"] or None
    return row


def list_people(db, viewer: dict, centre_id=None, page: int = 1, query: str = "",
                now: dt.datetime | None = None) -> tuple[list[dict], bool]:
    """One page of annotators the viewer runs (her centre; an admin: `centre_id` or all),
    by name; `query` matches name or phone. Returns (rows, whether there is a next page)."""
    centre_id = scope.centre_for(viewer, centre_id)
    # The page's rows are chosen first, so the counts are made for those rows only.
    page_rows = ("(SELECT * FROM users WHERE role = 'annotator'"
                 " AND (:centre IS NULL OR centre_id = :centre)"
                 " AND (:q = '' OR name LIKE :like OR login LIKE :like)"
                 " ORDER BY active DESC, name COLLATE NOCASE, id LIMIT :limit OFFSET :offset)")
    rows = [_with_status(row) for row in db.query(
        _PERSON.format(locked=_locked_sql(), users=page_rows) +
        " ORDER BY u.active DESC, u.name COLLATE NOCASE, u.id",
        {**_times(now), "centre": centre_id, "q": query, "like": f"%{query}%",
         **paging.window(page, PAGE_SIZE)})]
    return paging.split(rows, PAGE_SIZE)


def get_person_or_404(db, viewer: dict, user_id, now: dt.datetime | None = None) -> dict:
    """The annotator `user_id` if the viewer runs her centre (admin: any centre), with
    status, last active and answers today. Deactivated people are found too.

    Raises NotFound("not_found") for a missing id, a non-annotator, or another centre's."""
    row = one(db, _PERSON.format(locked=_locked_sql(), users="users") +
              f" WHERE u.id = :id AND u.role = 'annotator' AND {scope.sql('u.centre_id')}",
              {**_times(now), **scope.params(viewer), "id": user_id})
    if row is None:
        raise NotFound("not_found")
    return _with_status(row)


def person_projects(db, person: dict, viewer: dict | None = None) -> list[dict]:
    """Her centre's projects (those `viewer` may see: core.scope) with her status in each
    (as the task loop reads it: core.projects.QUALIFICATION) and her answers there."""
    return list(db.query(
        "SELECT p.id, p.slug, p.languages, p.content_version, p.status,"
        f" {projects.QUALIFICATION} AS qualification, q.reason,"
        # From work_by_day, kept by triggers: not every answer of the project (#15).
        " (SELECT coalesce(sum(w.answers), 0) FROM work_by_day w INDEXED BY work_by_day_user"
        " WHERE w.user_id = :user AND w.project_id = p.id) AS answers"
        " FROM projects p LEFT JOIN qualifications q ON q.project_id = p.id AND q.user_id = :user"
        " LEFT JOIN quizzes z ON z.project_id = p.id AND z.active = 1"
        f" WHERE {scope.project_sql('p')} AND p.status != 'closed' ORDER BY p.id",
        {"user": person["id"], **scope.bind(person["centre_id"], viewer)}))


# -- changing people -----------------------------------------------------------------

def reset_pin(db, viewer: dict, user_id, hash_method="scrypt") -> str:
    """A new generated PIN for her (returned, to show once); unlocks her too."""
    pin = new_pin()
    hashed = generate_password_hash(pin, method=hash_method)  # before the lock: it is slow
    with write(db):
        person = get_person_or_404(db, viewer, user_id)
        # Who set it and when: she approves none of that person's payouts (core.payouts).
        db.execute("UPDATE users SET password_hash = ?, password_set_by = ?,"
                   " password_set_at = ? WHERE id = ?",
                   (hashed, viewer["id"], stamp(utcnow()), person["id"]))
        users.clear_failures(db, person["login"])
        sessions.end_sessions(db, person["id"])  # a phone someone else holds is out too
        audit.record(db, viewer["id"], "user.reset_pin", f"user:{person['id']}")
    return pin


def unlock(db, viewer: dict, user_id) -> None:
    """Forget her failed logins, so she may try again now."""
    with write(db):
        person = get_person_or_404(db, viewer, user_id)
        users.clear_failures(db, person["login"])
        audit.record(db, viewer["id"], "user.unlock", f"user:{person['id']}")


def set_active(db, viewer: dict, user_id, active: bool) -> None:
    """Deactivate her (she can no longer log in; her work and pay stay) or reactivate."""
    with write(db):
        person = get_person_or_404(db, viewer, user_id)
        if bool(person["active"]) == active:
            return
        db.execute("UPDATE users SET active = ? WHERE id = ?", (int(active), person["id"]))
        sessions.end_sessions(db, person["id"])  # reactivated: a new login, no old cookie
        audit.record(db, viewer["id"], "user.activate" if active else "user.deactivate",
                     f"user:{person['id']}")


def set_qualification(db, viewer: dict, user_id, project_id, status_: str) -> None:
    """Qualify or pause her for a project of her own centre, by hand.

    Raises NotFound for a person or project the viewer may not touch, or a project of
    another centre than hers; Invalid("bad_status") for anything but qualified/paused."""
    if status_ not in ("qualified", "paused"):
        raise Invalid("bad_status")
    with write(db):
        person = get_person_or_404(db, viewer, user_id)
        project = one(db, f"SELECT id FROM projects p WHERE id = :id AND {scope.project_sql('p')}",
                      {"id": project_id, **scope.bind(person["centre_id"], viewer)})
        if project is None:
            raise NotFound("not_found")
        qualifications.set_status(db, person["id"], project["id"], status_,
                                  actor_id=viewer["id"], reason="by_hand", in_transaction=True)


def edit_person(db, viewer: dict, user_id, *, name, phone, lang) -> dict:
    """Change her name, phone number (which she logs in with) or language. Audited with
    each changed field's value before and after; nothing changed, nothing written.

    Raises NotFound for a person the viewer may not touch (before looking at the form),
    Invalid("form", errors={field: code}) for bad fields or a phone someone else has."""
    clean, errors = _check_person(name, phone, lang)
    with write(db):
        person = get_person_or_404(db, viewer, user_id)
        if "phone" in clean and clean["phone"] != person["login"] \
                and _login_taken(db, clean["phone"]):
            errors["phone"] = "phone_taken"
        if errors:
            raise Invalid("form", errors=errors)
        before = {"name": person["name"], "phone": person["login"], "lang": person["lang"]}
        changed = {field: f"{before[field]} → {clean[field]}"
                   for field in before if before[field] != clean[field]}
        if changed:
            db.execute("UPDATE users SET name = ?, login = ?, lang = ? WHERE id = ?",
                       (clean["name"], clean["phone"], clean["lang"], person["id"]))
            audit.record(db, viewer["id"], "user.edit", f"user:{person['id']}", **changed)
    return get_person_or_404(db, viewer, user_id)


# -- centres and supervisors (admin) --------------------------------------------------

def _require_admin(viewer: dict) -> None:
    if not scope.sees_all(viewer):
        raise NotFound("not_found")


def create_centre(db, viewer: dict, *, code, name) -> dict:
    """Admin: a new centre. Raises Invalid("form", errors=...) naming bad fields."""
    _require_admin(viewer)
    code = (code or "").strip().upper()
    errors = {}
    if not _CODE.match(code):
        errors["code"] = "bad_code"
    try:
        name = _clean_name(name)
    except Invalid as refusal:
        errors["name"] = refusal.code
    with write(db):
        if "code" not in errors and one(db, "SELECT 1 AS x FROM centres WHERE code = ?", (code,)):
            errors["code"] = "code_taken"
        if errors:
            raise Invalid("form", errors=errors)
        centre_id = db.execute("INSERT INTO centres (code, name) VALUES (?, ?)",
                               (code, name)).lastrowid
        audit.record(db, viewer["id"], "centre.create", f"centre:{centre_id}", code=code)
    return one(db, "SELECT * FROM centres WHERE id = ?", (centre_id,))


def create_staff(db, viewer: dict, *, login, name, role, centre_id, lang, password,
                 hash_method="scrypt") -> int:
    """Admin: a supervisor or admin with a real password (core.credentials).
    Returns the id. Raises Invalid("form", errors=...) naming bad fields."""
    _require_admin(viewer)
    login = (login or "").strip().lower()
    errors = {}
    if not _LOGIN.match(login):
        errors["login"] = "bad_login"
    if role not in ("supervisor", "admin"):
        errors["role"] = "bad_role"
    for field, check, raw in (("name", _clean_name, name), ("lang", _clean_lang, lang)):
        try:
            check(raw)
        except Invalid as refusal:
            errors[field] = refusal.code
    try:
        check_secret(role if role in ("supervisor", "admin") else "supervisor", password)
    except Invalid as refusal:
        errors["password"] = refusal.code
    hashed = None if errors else generate_password_hash(password, method=hash_method)
    with write(db):
        if not is_id(centre_id) or one(db, "SELECT 1 AS x FROM centres WHERE id = ?",
                                       (centre_id,)) is None:
            errors["centre"] = "bad_centre"
        if "login" not in errors and _login_taken(db, login):
            errors["login"] = "login_taken"
        if errors:
            raise Invalid("form", errors=errors)
        return _insert(db, login=login, name=_clean_name(name), role=role, centre_id=centre_id,
                       password_hash=hashed, lang=lang, actor_id=viewer["id"])


_STAFF = ("SELECT u.id, u.login, u.name, u.role, u.lang, u.active, u.centre_id,"
          " c.name AS centre_name FROM users u JOIN centres c ON c.id = u.centre_id"
          " WHERE u.role IN ('supervisor', 'admin')")


def staff(db) -> list[dict]:
    """Every supervisor and admin, for the admin's centres page: by centre, active first."""
    return list(db.query(_STAFF + " ORDER BY c.name, u.active DESC, u.name COLLATE NOCASE"))


def new_staff(db, viewer: dict, now: dt.datetime | None = None) -> list[dict]:
    """Staff accounts created, or whose password someone reset, in the last week, with
    who did it: every admin sees them all, a supervisor her centre's. A new account is
    the one way an admin could make herself a second approver, so others must see it."""
    since = stamp((now or utcnow()) - APPROVER_WAIT)
    rows = list(db.query(f"""
        SELECT x.*, CASE WHEN x.made THEN 'created' ELSE 'reset' END AS what,
               CASE WHEN x.made THEN x.created_at ELSE x.password_set_at END AS at,
               b.name AS by_name
        FROM (SELECT u.id, u.name, u.login, u.role, u.created_at, u.password_set_at,
                     u.created_by, u.password_set_by, c.name AS centre_name,
                     u.created_by IS NOT NULL AND u.created_at > :since AS made
              FROM users u JOIN centres c ON c.id = u.centre_id
              WHERE u.role IN ('supervisor', 'admin')
                AND {scope.sql("u.centre_id")}) x
        LEFT JOIN users b ON b.id = CASE WHEN x.made THEN x.created_by
                                         ELSE x.password_set_by END
        WHERE x.made OR (x.password_set_by IS NOT NULL AND x.password_set_at > :since)
        ORDER BY at DESC LIMIT 20""",
        {"since": since, **scope.params(viewer)}))
    for row in rows:
        row["at"] = parse_stamp(row["at"])
    return rows


def staff_by_centre(db) -> dict[int, list[dict]]:
    """Every supervisor and admin, under her centre's id."""
    grouped: dict[int, list[dict]] = {}
    for row in staff(db):
        grouped.setdefault(row["centre_id"], []).append(row)
    return grouped


def get_staff_or_404(db, viewer: dict, user_id) -> dict:
    """The supervisor or admin `user_id`, for an admin only: a supervisor manages no
    other supervisor, so to her (and for a missing id or an annotator) it is NotFound."""
    _require_admin(viewer)
    row = one(db, _STAFF + " AND u.id = ?", (user_id,)) if is_id(user_id) else None
    if row is None:
        raise NotFound("not_found")
    return row


def reset_password(db, viewer: dict, user_id, password=None, hash_method="scrypt") -> dict:
    """Admin: a new password for a supervisor or admin, typed (by the rule of
    core.credentials) or, when empty or only spaces, generated. Returns
    {"person", "password", "generated"}: the password is shown once and stored only as a
    hash. Unlocks her too.

    Raises NotFound (not admin, not staff), Invalid("form", errors={"password": code})."""
    get_staff_or_404(db, viewer, user_id)  # a supervisor's try is refused before hashing
    generated = not (password or "").strip()  # spaces alone are no password: make one
    password = new_password() if generated else password
    try:
        check_secret("supervisor", password)
    except Invalid as refusal:
        raise Invalid("form", errors={"password": refusal.code}) from None
    hashed = generate_password_hash(password, method=hash_method)  # before the lock: slow
    with write(db):
        person = get_staff_or_404(db, viewer, user_id)
        # Who set it and when: she approves none of that person's payouts (core.payouts).
        db.execute("UPDATE users SET password_hash = ?, password_set_by = ?,"
                   " password_set_at = ? WHERE id = ?",
                   (hashed, viewer["id"], stamp(utcnow()), person["id"]))
        users.clear_failures(db, person["login"])
        sessions.end_sessions(db, person["id"])
        audit.record(db, viewer["id"], "user.reset_password", f"user:{person['id']}",
                     generated=generated)
    return {"person": person, "password": password, "generated": generated}


def set_staff_active(db, viewer: dict, user_id, active: bool) -> dict:
    """Admin: deactivate a supervisor or admin (she can no longer log in) or reactivate.

    Raises NotFound (not admin, not staff); Conflict("own_account") for her own account,
    Conflict("last_admin") for the last active admin (checked inside the write lock, so
    two admins deactivating each other at once leave one)."""
    with write(db):
        person = get_staff_or_404(db, viewer, user_id)
        if bool(person["active"]) == active:
            return person
        if not active:
            if person["id"] == viewer["id"]:
                raise Conflict("own_account")
            if person["role"] == "admin" and one(
                    db, "SELECT count(*) AS n FROM users WHERE role = 'admin' AND active = 1"
                        " AND id != ?", (person["id"],))["n"] == 0:
                raise Conflict("last_admin")
        db.execute("UPDATE users SET active = ? WHERE id = ?", (int(active), person["id"]))
        # Either way no session survives: a deactivated supervisor is out at once, and a
        # cookie from before her deactivation (or from before this rule) never comes back
        # to life when she is reactivated; she logs in again.
        sessions.end_sessions(db, person["id"])
        audit.record(db, viewer["id"], "user.activate" if active else "user.deactivate",
                     f"user:{person['id']}", role=person["role"])
    return get_staff_or_404(db, viewer, user_id)
