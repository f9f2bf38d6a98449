"""Reviewing answers: the queue, accept and reject, bulk accept, automatic acceptance
after the review window, appeals, and what she sees of it.

The rule (docs/supervisors.md): the project's review plan draws answers for review, each
with its reason (core.review_plan); an answer not drawn that agrees with a confident
majority is accepted when its task settles (core.quality.settle_task); a check-task
answer is accepted when right and rejected when wrong, at once; every other answer waits
here for a supervisor, and is accepted automatically once the project's review window has
passed. The queue shows the drawn answers unless asked for every one waiting. Only
review_state 'accepted' earns (payouts read that and assignments.pay_paise).
"""
import datetime as dt

from . import access_log, audit, content, paging, quality, recordings, review_plan, scope
from .clock import parse_stamp, stamp, utcnow
from .db import one, write
from .errors import Conflict, Invalid, NotFound
from .tasktypes import normalise

# The fixed list a supervisor picks from; the views translate each. 'wrong_check' is the
# system's own (a wrong answer to a check task) and is never picked by hand.
REJECT_REASONS = ("wrong_answer", "instructions", "too_fast", "incomplete")
FILTERS = ("all", "disagree", "missed", "fast")
# Which answers by why they were drawn (core.review_plan.REASONS): "drawn" any reason (the
# queue's default), "any" every answer waiting, drawn or not.
REASON_FILTERS = ("drawn", *review_plan.REASONS, "any")
MAX_NOTE = 300
PER_PAGE = 15
# The queue's page: at desk width 30 rows of about 40 px, on a phone one card each; more
# come in below (after=) as she works down the list, without a page load.
QUEUE_PER_PAGE = 30


def _norm_function(db) -> None:
    """normalise() as an SQL function, so the queue compares free text as the vote does."""
    db.conn.create_function("vnorm", 1, normalise, deterministic=True)


def default_reason(filters: dict) -> str:
    """The reason filter asked for, else the drawn answers for "all waiting" and every
    answer for a narrower kind (disagreement, too fast, missed: whatever drew them)."""
    if filters.get("reason") in REASON_FILTERS:
        return filters["reason"]
    return "drawn" if filters.get("kind", "all") in ("all", None) else "any"


def _where(who, filters: dict) -> tuple[str, dict]:
    """The queue's WHERE clause and parameters for a filter set (see queue)."""
    kind = filters.get("kind") if filters.get("kind") in FILTERS else "all"
    reason = default_reason(filters)
    if reason == "check":
        kind = "missed"  # a missed check task is rejected at once, not waiting
    clauses = [scope.project_sql("p"),
               "(:project IS NULL OR a.project_id = :project)",
               "(:annotator IS NULL OR a.user_id = :annotator)"]
    if kind == "missed":  # wrong on a check task, rejected by the system, not yet looked at
        clauses.append("a.review_state = 'rejected' AND t.gold_answer IS NOT NULL"
                       " AND a.reviewed_by IS NULL")
    else:
        clauses.append("a.review_state = 'pending'")
    if kind == "disagree":
        # An answer equal to the majority as typed agrees: vnorm (Python) only for others.
        clauses.append("t.status = 'done' AND (t.aggregate IS NULL"
                       " OR (a.answer IS NOT t.aggregate"
                       " AND vnorm(a.answer) != vnorm(t.aggregate)))")
    if kind == "fast":
        clauses.append("a.seconds_spent < p.min_seconds")
    if reason == "drawn":
        clauses.append("a.review_reason IS NOT NULL")
    elif reason != "any":
        clauses.append("a.review_reason = :reason")
    return " AND ".join(clauses), {**scope.params(who), "project": filters.get("project"),
                                   "annotator": filters.get("annotator"), "reason": reason}


_QUEUE_FROM = """FROM assignments a JOIN tasks t ON t.id = a.task_id
JOIN projects p ON p.id = a.project_id JOIN users u ON u.id = a.user_id"""


def _count_from(filters: dict) -> str:
    """The queue's FROM for its count, without the joins its filter does not read (every
    answer has its person; only "disagree" and "missed" read the task): "all" and "fast"
    count one index alone (#15)."""
    if filters.get("kind", "all") in ("all", "fast") and filters.get("reason") != "check":
        return "FROM assignments a JOIN projects p ON p.id = a.project_id"
    return ("FROM assignments a JOIN tasks t ON t.id = a.task_id"
            " JOIN projects p ON p.id = a.project_id")


_ROW = f"""SELECT a.id, a.task_id, a.answer, a.seconds_spent, a.submitted_at, a.review_state,
  a.review_reason, a.user_id, a.project_id, a.reject_reason, a.review_note, a.reviewed_by, a.reviewed_at,
  u.name AS annotator,
  t.payload_text, t.media_id, (SELECT m.kind FROM media m WHERE m.id = t.media_id)
  AS media_kind, t.gold_answer, t.aggregate, t.confidence, t.answers_count,
  t.status AS task_status, p.task_type, p.min_seconds, {content.project_name()}
{_QUEUE_FROM}"""


def check_filters(db, who, filters: dict) -> None:
    """Raise NotFound unless the filtered project and annotator are in `who`'s scope (a
    person, or a centre id: core.scope.params)."""
    centre_id = scope.params(who)["centre"]
    if filters.get("project") is not None:
        get_project_or_404(db, filters["project"], who)
    if filters.get("annotator") is not None and one(
            db, "SELECT 1 AS x FROM users WHERE id = ? AND (? IS NULL OR centre_id = ?)",
            (filters["annotator"], centre_id, centre_id)) is None:
        raise NotFound("not_found")


def get_project_or_404(db, project_id: int, who) -> dict:
    """The project if it is in `who`'s scope (a person, or a centre id, None: any).

    Raises NotFound("not_found") otherwise."""
    project = one(db, f"SELECT * FROM projects p WHERE p.id = :id AND {scope.project_sql('p')}",
                  {"id": project_id, **scope.params(who)})
    if project is None:
        raise NotFound("not_found")
    return project


def queue(db, who, filters: dict, page: int = 1, now: dt.datetime | None = None,
          after: int | None = None) -> dict:
    """Answers to review in `who`'s scope (a person, or a centre id, None: all; see
    core.scope.params), oldest first, QUEUE_PER_PAGE a page.

    filters: project, annotator (ids or None), kind: all (pending), disagree (pending on
    a settled task, against the majority or with none), missed (wrong on a check task),
    fast (pending, quicker than the project's minimum seconds); reason (REASON_FILTERS):
    drawn for review by any reason (the default), by one, or "any". Answers past their review
    window are accepted first (auto_accept). Returns rows, total, more, labels
    ({project_id: {value: label row}}), projects and annotators for the filter form.

    after: an answer's id: the rows that follow it in the queue's order instead of a page
    (answers above it may have been decided meanwhile, which would shift an OFFSET); then
    only rows, more, page and labels."""
    auto_accept(db, now)
    check_filters(db, who, filters)
    _norm_function(db)
    where, params = _where(who, filters)
    page = paging.page_number(page)
    window = paging.window(page, QUEUE_PER_PAGE)
    if after is not None:
        where += (" AND (a.submitted_at, a.id) > (SELECT submitted_at, id FROM assignments"
                  " WHERE id = :after)")
        params, window = {**params, "after": after}, {**window, "offset": 0}
    rows, more = paging.split(db.query(
        f"{_ROW} WHERE {where} ORDER BY a.submitted_at, a.id LIMIT :limit OFFSET :offset",
        {**params, **window}), QUEUE_PER_PAGE)
    labels = labels_for(db, {row["project_id"] for row in rows})
    # Every answer shown is logged, on a page or in the rows that come in below it.
    access_log.record_now(db, scope.person_id(who), "task", access_log.task_items(
        [{**row, "id": row["task_id"]} for row in rows]), now)
    if after is not None:
        return {"rows": rows, "more": more, "page": page, "labels": labels}
    total = one(db, f"SELECT count(*) AS n {_count_from(filters)} WHERE {where}", params)["n"]
    return {"rows": rows, "more": more, "total": total, "page": page, "labels": labels,
            "projects": centre_projects(db, who),
            # Only those with answers waiting (and the one filtered on): a short list.
            "annotators": list(db.query(
                "SELECT id, name FROM users WHERE id = :annotator OR id IN (SELECT a.user_id"
                " FROM assignments a JOIN projects p ON p.id = a.project_id"
                f" WHERE a.review_state = 'pending' AND {scope.project_sql('p')})"
                " ORDER BY name", {**scope.params(who), "annotator": filters.get("annotator")}))}


def drawn(db, who, reason: str = "drawn", filters: dict | None = None, page: int = 1,
          now: dt.datetime | None = None) -> dict:
    """The answers the review plans drew, waiting in `who`'s scope, by reason
    (REASON_FILTERS: "drawn" for every reason); as queue, whose other filters apply."""
    return queue(db, who, {**(filters or {}), "reason": reason}, page, now)


def centre_projects(db, who, client: int | None = None) -> list[dict]:
    """The projects in `who`'s scope (core.scope.params), of `client` when given."""
    return list(db.query(f"SELECT * FROM projects p WHERE {scope.project_sql('p')}"
                         " AND (:client IS NULL OR p.client_id = :client) ORDER BY p.id",
                         {**scope.params(who), "client": client}))


def labels_for(db, project_ids) -> dict:
    out = {pid: {} for pid in project_ids}
    if project_ids:
        rows = list(db.query(f"SELECT * FROM labels WHERE project_id IN"
                             f" ({','.join('?' * len(project_ids))})", tuple(project_ids)))
        texts = content.read(db, "label", [label["id"] for label in rows])
        for label in rows:
            label["text"] = texts[label["id"]].get("text", {})
            out[label["project_id"]][label["value"]] = label
    return out


def get_review_or_404(db, assignment_id: int, who) -> dict:
    """An answer (submitted assignment, as a queue row) in the supervisor's centre.

    Raises NotFound("not_found") for a missing one or one of another centre."""
    row = one(db, f"{_ROW} WHERE a.id = :id AND a.state = 'submitted'"
                  f" AND {scope.project_sql('p')}",
              {"id": assignment_id, **scope.params(who)})
    if row is None:
        raise NotFound("not_found")
    return row


def _decidable(row: dict) -> None:
    """Refuse a decision on an answer no longer open to one."""
    if row["review_state"] == "pending":
        return
    if row["review_state"] == "rejected" and row["gold_answer"] is not None \
            and row["reject_reason"] is None:
        return  # a check task's verdict: a supervisor may accept it (the gold was wrong)
    raise Conflict("already_reviewed")


def accept(db, assignment_id: int, actor: dict, now: dt.datetime | None = None) -> dict:
    """Accept one answer. Raises NotFound (not in her centre) or Conflict."""
    now = now or utcnow()
    centre = _centre(actor)
    with write(db):
        row = get_review_or_404(db, assignment_id, centre)
        _decidable(row)
        _in_no_payout(db, assignment_id)
        db.execute("UPDATE assignments SET review_state = 'accepted', reviewed_by = ?,"
                   " reviewed_at = ?, reject_reason = NULL, review_note = NULL WHERE id = ?",
                   (actor["id"], stamp(now), assignment_id))
        recordings.to_transcribe(db, assignment_id, now)  # a recording she accepted
        audit.record(db, actor["id"], "review.accept", f"assignment:{assignment_id}",
                     before=row["review_state"])
    return get_review_or_404(db, assignment_id, centre)


def reject(db, assignment_id: int, actor: dict, reason, note=None,
           now: dt.datetime | None = None) -> dict:
    """Reject one pending answer with a reason of REJECT_REASONS and an optional note
    (her supervisor's words, shown to her as written). Rejected answers earn nothing.

    Raises Invalid("bad_reject_reason" / "note_too_long"), NotFound or Conflict."""
    now = now or utcnow()
    note = (note or "").strip() or None
    if reason not in REJECT_REASONS:
        raise Invalid("bad_reject_reason")
    if note and len(note) > MAX_NOTE:
        raise Invalid("note_too_long", limit=MAX_NOTE)
    centre = _centre(actor)
    with write(db):
        row = get_review_or_404(db, assignment_id, centre)
        if row["review_state"] != "pending":
            raise Conflict("already_reviewed")
        _in_no_payout(db, assignment_id)
        db.execute("UPDATE assignments SET review_state = 'rejected', reviewed_by = ?,"
                   " reviewed_at = ?, reject_reason = ?, review_note = ? WHERE id = ?",
                   (actor["id"], stamp(now), reason, note, assignment_id))
        audit.record(db, actor["id"], "review.reject", f"assignment:{assignment_id}",
                     reason=reason, note=note)
        if row["review_reason"] in review_plan.BLIND:  # her checked error rate rose
            review_plan.watch_if_high(db, get_project_or_404(db, row["project_id"], None),
                                      row["user_id"], now)
    return get_review_or_404(db, assignment_id, centre)


def selection(db, who, filters: dict) -> tuple[str, dict]:
    """FROM and WHERE of the waiting answers a filter shows on every page, as a bulk
    decision takes them (core.review_bulk), in `who`'s scope (core.scope.params) and by
    the filter's reason (default_reason): pending ones only (never in a payout: the
    database puts only accepted answers in one), never the missed check tasks (those are
    looked at one by one: the reason "check" selects none)."""
    check_filters(db, who, filters)
    _norm_function(db)
    kind = filters.get("kind") if filters.get("kind") != "missed" else "all"
    where, params = _where(who, {**filters, "kind": kind})
    if default_reason(filters) == "check":
        where += " AND 0"
    return f"{_QUEUE_FROM} WHERE {where}", params


def auto_accept(db, now: dt.datetime | None = None) -> int:
    """Accept every pending answer older than its project's review window, so money never
    waits forever. Cheap when nothing is due (one indexed look per project, no write
    lock), so pages may call it lazily; `flask auto-accept` runs it from cron. Audited
    per project. Returns how many were accepted."""
    now = now or utcnow()
    due = []
    # Recordings that listeners verify wait for them, or for a person (core.recordings).
    for project in db.query("SELECT id, review_window_days FROM projects"
                            " WHERE verified_by_project_id IS NULL"):
        cutoff = stamp(now - dt.timedelta(days=project["review_window_days"]))
        if one(db, "SELECT 1 AS x FROM assignments WHERE project_id = ?"
                   " AND review_state = 'pending' AND submitted_at <= ? LIMIT 1",
               (project["id"], cutoff)):
            due.append((project["id"], cutoff))
    if not due:
        return 0
    accepted = 0
    with write(db):
        for project_id, cutoff in due:
            ids = [row["id"] for row in db.query(
                "SELECT id FROM assignments WHERE project_id = ? AND review_state = 'pending'"
                " AND submitted_at <= ?", (project_id, cutoff))]
            if not ids:
                continue  # another worker got there first
            db.execute("UPDATE assignments SET review_state = 'accepted', reviewed_at = ?"
                       " WHERE project_id = ? AND review_state = 'pending'"
                       " AND submitted_at <= ?", (stamp(now), project_id, cutoff))
            audit.record(db, None, "review.auto_accept", f"project:{project_id}",
                         count=len(ids), ids=ids, before=cutoff)
            accepted += len(ids)
    return accepted


def _centre(actor: dict):
    """Whom a review action is bounded by: the actor herself (core.scope)."""
    return actor


def _in_no_payout(db, assignment_id: int) -> None:
    if one(db, "SELECT payout_id FROM assignments WHERE id = ?",
           (assignment_id,))["payout_id"] is not None:
        raise Conflict("in_payout")


# -- appeals ---------------------------------------------------------------------------

MAX_APPEAL = 300


def get_own_rejected(db, assignment_id: int, user_id: int) -> dict:
    """Her rejected answer with its task, project and appeal (if any).

    Raises NotFound("no_task") when it is not hers or not rejected."""
    row = one(db, "SELECT a.id, a.answer, a.submitted_at, a.reviewed_at, a.reject_reason,"
                  " a.review_note, a.review_state, a.reviewed_by, a.project_id, a.task_id,"
                  " t.payload_text,"
                  " t.gold_answer, p.task_type, p.appeal_window_days,"
                  f" {content.project_name()}, ap.id AS appeal_id, ap.status AS appeal_status,"
                  " ap.note AS appeal_note, ap.decision_note"
                  " FROM assignments a JOIN tasks t ON t.id = a.task_id"
                  " JOIN projects p ON p.id = a.project_id"
                  " LEFT JOIN appeals ap ON ap.assignment_id = a.id"
                  " WHERE a.id = ? AND a.user_id = ? AND (a.review_state = 'rejected'"
                  " OR ap.id IS NOT NULL)", (assignment_id, user_id))
    if row is None:
        raise NotFound("no_task")
    row["decider"] = decider(db, assignment_id)
    access_log.record_now(db, user_id, "task", [(row["task_id"], None, row["project_id"])])
    return row


def appeal_deadline(row: dict) -> dt.datetime:
    """Until when she may appeal: the window runs from the rejection."""
    return parse_stamp(row["reviewed_at"] or row["submitted_at"]) + dt.timedelta(
        days=row["appeal_window_days"])


def can_appeal(row: dict, now: dt.datetime | None = None) -> bool:
    return (row["review_state"] == "rejected" and row["appeal_id"] is None
            and (now or utcnow()) <= appeal_deadline(row))


def appeal(db, assignment_id: int, user_id: int, note, now: dt.datetime | None = None) -> dict:
    """She appeals a rejection once, within the project's appeal window, with a note.

    Raises NotFound, Invalid("appeal_note_required"/"appeal_note_too_long"), or
    Conflict("appealed_already"/"appeal_window_over")."""
    now = now or utcnow()
    note = (note if isinstance(note, str) else "").strip()
    if not note:
        raise Invalid("appeal_note_required")
    if len(note) > MAX_APPEAL:
        raise Invalid("appeal_note_too_long", limit=MAX_APPEAL)
    with write(db):
        row = get_own_rejected(db, assignment_id, user_id)
        if row["appeal_id"] is not None:
            raise Conflict("appealed_already")
        if now > appeal_deadline(row):
            raise Conflict("appeal_window_over")
        db.execute("INSERT INTO appeals (assignment_id, user_id, note, created_at, rejected_by)"
                   " VALUES (?, ?, ?, ?, ?)",
                   (assignment_id, user_id, note, stamp(now), row["reviewed_by"]))
        audit.record(db, user_id, "appeal.create", f"assignment:{assignment_id}")
    return get_own_rejected(db, assignment_id, user_id)


_APPEAL_ROW = f"""SELECT ap.*, a.task_id, t.media_id, a.answer, a.reject_reason, a.review_note, a.project_id,
  a.reviewed_by, t.payload_text, t.gold_answer, t.aggregate, p.task_type,
  {content.project_name()}, p.centre_id, u.name AS annotator, r.name AS rejected_by_name
FROM appeals ap JOIN assignments a ON a.id = ap.assignment_id
JOIN tasks t ON t.id = a.task_id JOIN projects p ON p.id = a.project_id
JOIN users u ON u.id = ap.user_id LEFT JOIN users r ON r.id = ap.rejected_by"""


# Who may decide an appeal is the database's view appeal_deciders (migration 0013); the
# queries below read it, and a trigger refuses any other decider.
MAY_DECIDE = ("EXISTS (SELECT 1 FROM appeal_deciders d WHERE d.assignment_id = ap.assignment_id"
               " AND d.user_id = :viewer)")


def decider(db, assignment_id: int) -> dict:
    """Who will decide the appeal of this answer, to say it in a sentence:
    {"who": "person", "name": ...} when one supervisor may, {"who": "supervisor"} when any
    of several may, {"who": "admin"} when no supervisor may (her centre's only one
    rejected it). Admins may always; they are named only when no supervisor may."""
    rows = list(db.query("SELECT name FROM appeal_deciders WHERE assignment_id = ?"
                         " AND role = 'supervisor' ORDER BY user_id LIMIT 2", (assignment_id,)))
    if len(rows) == 1:
        return {"who": "person", "name": rows[0]["name"]}
    return {"who": "supervisor"} if rows else {"who": "admin"}


def may_decide(db, assignment_id: int, user_id: int) -> bool:
    return one(db, "SELECT 1 AS x FROM appeal_deciders WHERE assignment_id = ? AND user_id = ?",
               (assignment_id, user_id)) is not None


def open_appeals(db, viewer: dict, who, page: int = 1) -> dict:
    """Open appeals in the centre (None: all) that the viewer may decide, oldest first."""
    page = paging.page_number(page)
    rows, more = paging.split(db.query(
        f"{_APPEAL_ROW} WHERE ap.status = 'open' AND {scope.project_sql('p')}"
        f" AND {MAY_DECIDE} ORDER BY ap.created_at, ap.id LIMIT :limit OFFSET :offset",
        {**scope.params(who), "viewer": viewer["id"], **paging.window(page, PER_PAGE)}),
        PER_PAGE)
    access_log.record_now(db, viewer["id"], "task", access_log.task_items(
        [{**row, "id": row["task_id"]} for row in rows]))
    return {"rows": rows, "more": more, "page": page,
            "labels": labels_for(db, {row["project_id"] for row in rows})}


def count_open_appeals(db, viewer: dict, who) -> int:
    """How many open appeals in the centre (None: all) the viewer may decide."""
    return one(db, f"SELECT count(*) AS n FROM appeals ap JOIN assignments a"
                   f" ON a.id = ap.assignment_id JOIN projects p ON p.id = a.project_id"
                   f" WHERE ap.status = 'open' AND {scope.project_sql('p')}"
                   f" AND {MAY_DECIDE}", {**scope.params(who), "viewer": viewer["id"]})["n"]


def get_appeal_or_404(db, appeal_id: int, who) -> dict:
    """An appeal in `who`'s scope. Raises NotFound("not_found") otherwise."""
    row = one(db, f"{_APPEAL_ROW} WHERE ap.id = :id AND {scope.project_sql('p')}",
              {"id": appeal_id, **scope.params(who)})
    if row is None:
        raise NotFound("not_found")
    return row


def set_appeals_by(db, actor: dict, centre_id: int, user_id) -> None:
    """Admin: name the supervisor who decides the centre's appeals, or none (user_id None:
    any other supervisor of the centre, else an admin). Raises NotFound for a centre that
    does not exist, Invalid("not_a_supervisor_here") for anyone but one of the centre's
    active supervisors."""
    if actor["role"] != "admin":
        raise NotFound("not_found")
    with write(db):
        if one(db, "SELECT 1 AS x FROM centres WHERE id = ?", (centre_id,)) is None:
            raise NotFound("not_found")
        if user_id is not None and one(
                db, "SELECT 1 AS x FROM users WHERE id = ? AND role = 'supervisor'"
                    " AND active = 1 AND centre_id = ?", (user_id, centre_id)) is None:
            raise Invalid("not_a_supervisor_here")
        db.execute("UPDATE centres SET appeals_by = ? WHERE id = ?", (user_id, centre_id))
        audit.record(db, actor["id"], "centre.appeals_by", f"centre:{centre_id}",
                     appeals_by=user_id)


def decide_appeal(db, appeal_id: int, actor: dict, outcome, note=None,
                  now: dt.datetime | None = None) -> dict:
    """Uphold or overturn an appeal (outcome 'upheld' or 'overturned'); an overturned
    answer is accepted and so paid. Only by one who may decide it (appeal_deciders: never
    the one who rejected it). Raises Invalid("bad_outcome"/"note_too_long"), NotFound
    (not hers to decide) or Conflict("appeal_decided")."""
    now = now or utcnow()
    note = (note or "").strip() or None
    if outcome not in ("upheld", "overturned"):
        raise Invalid("bad_outcome")
    if note and len(note) > MAX_NOTE:
        raise Invalid("note_too_long", limit=MAX_NOTE)
    centre = _centre(actor)
    with write(db):
        row = get_appeal_or_404(db, appeal_id, centre)
        if row["status"] != "open":
            raise Conflict("appeal_decided")
        if not may_decide(db, row["assignment_id"], actor["id"]):
            raise NotFound("not_found")  # as on her list: not hers to see or decide
        db.execute("UPDATE appeals SET status = ?, decided_by = ?, decided_at = ?,"
                   " decision_note = ? WHERE id = ?",
                   (outcome, actor["id"], stamp(now), note, appeal_id))
        if outcome == "overturned":
            _in_no_payout(db, row["assignment_id"])
            db.execute("UPDATE assignments SET review_state = 'accepted', reviewed_by = ?,"
                       " reviewed_at = ? WHERE id = ?",
                       (actor["id"], stamp(now), row["assignment_id"]))
            recordings.to_transcribe(db, row["assignment_id"], now)
        audit.record(db, actor["id"], f"appeal.{outcome}", f"assignment:{row['assignment_id']}",
                     appeal=appeal_id, note=note)
    return get_appeal_or_404(db, appeal_id, centre)


# -- her side ----------------------------------------------------------------------------

HER_PER_PAGE = 5


def her_rejections(db, user_id: int, page: int = 1, now: dt.datetime | None = None) -> dict:
    """Her rejected answers (and appealed ones, whatever the outcome), newest first, with
    reason, note and appeal; whether she may still appeal each. Runs auto_accept first so
    her totals are true when she looks."""
    now = now or utcnow()
    auto_accept(db, now)
    page = paging.page_number(page)
    rows = list(db.query(
        "SELECT a.id, a.answer, a.submitted_at, a.reviewed_at, a.reject_reason,"
        " a.review_note, a.review_state, a.project_id, a.task_id, t.payload_text,"
        f" t.gold_answer, p.task_type, p.appeal_window_days, {content.project_name()},"
        " ap.id AS appeal_id, ap.status AS appeal_status, ap.decision_note"
        " FROM assignments a JOIN tasks t ON t.id = a.task_id"
        " JOIN projects p ON p.id = a.project_id"
        " LEFT JOIN appeals ap ON ap.assignment_id = a.id"
        " WHERE a.user_id = :user AND a.state = 'submitted' AND (a.review_state = 'rejected'"
        " OR ap.id IS NOT NULL) ORDER BY coalesce(a.reviewed_at, a.submitted_at) DESC, a.id DESC"
        " LIMIT :limit OFFSET :offset",
        {"user": user_id, **paging.window(page, HER_PER_PAGE)}))
    for row in rows:
        row["can_appeal"] = can_appeal(row, now)
        row["appeal_until"] = appeal_deadline(row)
        if row["appeal_status"] == "open":
            row["decider"] = decider(db, row["id"])
    access_log.record_now(db, user_id, "task", access_log.task_items(
        [{"id": row["task_id"], "project_id": row["project_id"]} for row in rows[:HER_PER_PAGE]]),
        now)
    return {"rows": rows[:HER_PER_PAGE], "more": len(rows) > HER_PER_PAGE, "page": page,
            "labels": labels_for(db, {row["project_id"] for row in rows})}


# -- supervisors' pictures and dashboards -------------------------------------------------

def media_for_centre(db, media_id: int, who) -> dict:
    """A task's picture for a supervisor whose scope holds its project.
    Raises NotFound("no_media")."""
    media = one(db, "SELECT m.* FROM media m JOIN projects p ON p.id = m.project_id"
                    f" WHERE m.id = :id AND {scope.project_sql('p')}",
                {"id": media_id, **scope.params(who)})
    if media is None:
        raise NotFound("no_media")
    access_log.record_now(db, scope.person_id(who), "media", [(None, media["id"],
                                                               media["project_id"])])
    return media


def centre_dashboard(db, viewer: dict, who, now: dt.datetime | None = None,
                     client: int | None = None) -> dict:
    """The centre's last 14 days (quality.series over all its projects in `who`'s scope,
    of `client` when given), each project's agreement, and the open appeals the viewer
    may decide."""
    projects = centre_projects(db, who, client)
    for project in projects:
        project.update(quality.project_agreement(db, project["id"]))
    return {"projects": projects,
            "days": quality.series(db, [p["id"] for p in projects], now=now),
            "open_appeals": count_open_appeals(db, viewer, who)}


def project_dashboard(db, project_id: int, who, page: int = 1,
                      now: dt.datetime | None = None) -> dict:
    """One project of the centre: agreement, 14 days, its annotators (paged).

    Raises NotFound for a project of another centre."""
    project = get_project_or_404(db, project_id, who)
    people, more = quality.annotator_stats(db, project, page)
    checked = review_plan.error_rates(db, project_id, [p["user_id"] for p in people])
    for person in people:  # her checked error rate and watch (core.review_plan)
        person["checked"] = checked.get(person["user_id"])
    return {"project": project, **quality.project_agreement(db, project_id),
            "days": quality.series(db, [project_id], now=now), "people": people,
            "more": more, "page": paging.page_number(page)}
