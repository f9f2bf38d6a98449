"""Accepting many answers at once, safely (#15): first what it will do (how many answers,
how much money, how many were given faster than the project's minimum), then the act,
which takes the too-fast ones only when asked again, and an undo until any of its
answers enters a payout. Each decision is a review_bulks row with its answers
(review_bulk_items) and an audit entry with its count and money; the database refuses an
undo once an answer is in a payout, and any change to a paid answer's review."""
import datetime as dt
import json

from . import audit, paging, review, scope
from .clock import stamp, utcnow
from .db import one, write
from .errors import Conflict, Invalid, NotFound

PER_PAGE = 20
_FAST = "coalesce(a.seconds_spent < p.min_seconds, 0)"


def _kept(filters: dict) -> dict:
    return {k: v for k, v in filters.items() if v is not None}


def preview(db, actor: dict, filters: dict) -> dict:
    """What accepting everything the filter shows would do: answers, paise, too_fast
    (how many of them) and fast_paise, and upto (the newest answer's id: the act takes
    none that came later); only the answers in her scope (her centre, and her clients when
    she is limited to some: core.scope), by the filter's reason as the queue shows them.
    Raises NotFound for a filter outside her scope."""
    review.auto_accept(db)
    source, params = review.selection(db, actor, filters)
    row = one(db, f"SELECT count(*) AS answers, coalesce(sum(a.pay_paise), 0) AS paise,"
                  f" coalesce(sum({_FAST}), 0) AS too_fast,"
                  f" coalesce(sum(CASE WHEN {_FAST} THEN a.pay_paise END), 0) AS fast_paise,"
                  f" coalesce(max(a.id), 0) AS upto {source}", params)
    return {**row, "filters": _kept(filters)}


def accept(db, actor: dict, filters: dict, upto: int, shown: dict, with_fast: bool = False,
           now: dt.datetime | None = None) -> dict:
    """Accept what preview showed: the filter's waiting answers up to answer `upto`,
    the too-fast ones only with with_fast. shown: the preview's answers and paise; if
    the set has changed since (someone decided some), nothing is done.

    Returns the bulk decision (get). Raises Conflict("bulk_changed") or
    Invalid("bulk_nothing") (nothing to accept, e.g. all too fast and not asked)."""
    now = now or utcnow()
    centre = scope.centre_of(actor)
    with write(db):
        source, params = review.selection(db, actor, filters)
        source += " AND a.id <= :upto"
        params = {**params, "upto": upto}
        seen = one(db, f"SELECT count(*) AS answers, coalesce(sum(a.pay_paise), 0) AS paise"
                       f" {source}", params)
        if (seen["answers"], seen["paise"]) != (shown.get("answers"), shown.get("paise")):
            raise Conflict("bulk_changed")
        if not with_fast:
            source += f" AND NOT {_FAST}"
        took = one(db, f"SELECT count(*) AS answers, coalesce(sum(a.pay_paise), 0) AS paise,"
                       f" coalesce(sum({_FAST}), 0) AS too_fast {source}", params)
        if not took["answers"]:
            raise Invalid("bulk_nothing")
        bulk_id = db.execute(
            "INSERT INTO review_bulks (actor_id, centre_id, at, answers, paise, too_fast,"
            " filters) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (actor["id"], centre, stamp(now), took["answers"], took["paise"], took["too_fast"],
             json.dumps(_kept(filters)))).lastrowid
        db.execute(f"INSERT INTO review_bulk_items (bulk_id, assignment_id)"
                   f" SELECT :bulk, a.id {source}", {**params, "bulk": bulk_id})
        db.execute("UPDATE assignments SET review_state = 'accepted', reviewed_by = ?,"
                   " reviewed_at = ? WHERE id IN (SELECT assignment_id FROM review_bulk_items"
                   " WHERE bulk_id = ?)", (actor["id"], stamp(now), bulk_id))
        audit.record(db, actor["id"], "review.bulk_accept", f"bulk:{bulk_id}",
                     count=took["answers"], paise=took["paise"], too_fast=took["too_fast"],
                     filters=_kept(filters))
    return get(db, bulk_id, actor)


def undo(db, actor: dict, bulk_id: int, now: dt.datetime | None = None) -> dict:
    """Put a bulk decision's answers back in the queue (those it accepted and nobody has
    decided since). Raises NotFound, Conflict("bulk_undone") or
    Conflict("bulk_in_payout"). Returns the decision as it now stands."""
    now = now or utcnow()
    with write(db):
        bulk = get(db, bulk_id, actor)
        if bulk["undone_at"]:
            raise Conflict("bulk_undone")
        if bulk["in_payout"]:
            raise Conflict("bulk_in_payout")
        back = one(db, "SELECT count(*) AS answers, coalesce(sum(pay_paise), 0) AS paise"
                       " FROM assignments WHERE id IN (SELECT assignment_id FROM"
                       " review_bulk_items WHERE bulk_id = :bulk) AND review_state = 'accepted'"
                       " AND reviewed_by = :actor AND reviewed_at = :at",
                   {"bulk": bulk_id, "actor": bulk["actor_id"], "at": bulk["at"]})
        db.execute("UPDATE assignments SET review_state = 'pending', reviewed_by = NULL,"
                   " reviewed_at = NULL WHERE id IN (SELECT assignment_id FROM"
                   " review_bulk_items WHERE bulk_id = :bulk) AND review_state = 'accepted'"
                   " AND reviewed_by = :actor AND reviewed_at = :at",
                   {"bulk": bulk_id, "actor": bulk["actor_id"], "at": bulk["at"]})
        db.execute("UPDATE review_bulks SET undone_at = ?, undone_by = ? WHERE id = ?",
                   (stamp(now), actor["id"], bulk_id))
        audit.record(db, actor["id"], "review.bulk_undo", f"bulk:{bulk_id}",
                     count=back["answers"], paise=back["paise"])
    return {**get(db, bulk_id, actor), "returned": back["answers"]}


_BULK = """SELECT b.*, u.name AS actor, x.name AS undone_by_name,
  EXISTS (SELECT 1 FROM review_bulk_items i JOIN payout_items pi
    ON pi.assignment_id = i.assignment_id AND pi.live = 1 WHERE i.bulk_id = b.id) AS in_payout
FROM review_bulks b JOIN users u ON u.id = b.actor_id LEFT JOIN users x ON x.id = b.undone_by"""
# A bulk decision in `who`'s scope: of her centre, and none of its answers of a project
# she may not see (a supervisor limited to some clients sees only decisions on theirs).
_IN_SCOPE = (f"{scope.sql('b.centre_id')} AND NOT EXISTS (SELECT 1 FROM review_bulk_items i"
             " JOIN assignments a ON a.id = i.assignment_id JOIN projects p"
             f" ON p.id = a.project_id WHERE i.bulk_id = b.id AND NOT {scope.project_sql('p')})")


def get(db, bulk_id: int, who) -> dict:
    """A bulk decision in `who`'s scope (a person, or a centre id, None: any; see
    core.scope.params), with in_payout and undoable.

    Raises NotFound("not_found") for one outside it or none."""
    row = one(db, f"{_BULK} WHERE b.id = :id AND {_IN_SCOPE}",
              {"id": bulk_id, **scope.params(who)})
    if row is None:
        raise NotFound("not_found")
    return _shaped(row)


def history(db, actor: dict, page: int = 1) -> dict:
    """The bulk decisions in her scope (an admin's: all), newest first, a page."""
    page = paging.page_number(page)
    rows, more = paging.split(db.query(
        f"{_BULK} WHERE {_IN_SCOPE} ORDER BY b.at DESC, b.id DESC"
        f" LIMIT :limit OFFSET :offset",
        {**scope.params(actor), **paging.window(page, PER_PAGE)}), PER_PAGE)
    return {"rows": [_shaped(row) for row in rows], "more": more, "page": page}


def _shaped(row: dict) -> dict:
    row["filters"] = json.loads(row["filters"])
    row["undoable"] = not row["undone_at"] and not row["in_payout"]
    return row
