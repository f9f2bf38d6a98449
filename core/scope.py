"""Scope: who may see which centre, and which of its projects.

An admin sees every centre; anyone else (a supervisor, an annotator) her own. Inside a
centre, projects belong to clients (#19): a supervisor limited to some clients (rows in
user_clients) sees only their projects and nothing that hangs off the others (tasks,
answers, media, exports, dashboards, the access log); one with no such row sees every
client of her centre. Every list and every row lookup that a centre or a project bounds
asks here, as a Python answer or as SQL fragments (`sql(column)` for a centre column,
`project_sql(alias)` for a projects row) bound with `params(actor)`."""
from .db import one, rows


def sees_all(actor: dict) -> bool:
    """Whether the actor sees every centre (an admin)."""
    return actor["role"] == "admin"


def centre_of(actor: dict) -> int | None:
    """The one centre the actor is held to, or None for every centre (an admin)."""
    return None if sees_all(actor) else actor["centre_id"]


def may_see(actor: dict, centre_id) -> bool:
    """Whether the actor may see centre `centre_id`."""
    return sees_all(actor) or centre_id == actor["centre_id"]


def centre_for(actor: dict, asked) -> int | None:
    """The centre a page shows: an admin's choice (`asked`; None or 0: every centre),
    anyone else's own whatever she asked."""
    return (asked or None) if sees_all(actor) else actor["centre_id"]


def sql(column: str) -> str:
    """SQL: `column` (a centre id) is in scope; bind :centre with params() or centre_of()."""
    return f"(:centre IS NULL OR {column} = :centre)"


# The clients a person is limited to; none: every client of her centre.
_LIMITED = "EXISTS (SELECT 1 FROM user_clients WHERE user_id = :scope_user)"


def project_sql(alias: str = "p") -> str:
    """SQL: the projects row `alias` is one the actor may see: her centre (admin: any)
    and, when she is limited to some clients, one of theirs. Bind with params()."""
    return (f"({sql(alias + '.centre_id')} AND (:scope_user IS NULL OR NOT {_LIMITED}"
            f" OR {alias}.client_id IN (SELECT client_id FROM user_clients"
            f" WHERE user_id = :scope_user)))")


def params(actor) -> dict:
    """Bindings for sql() and project_sql(). `actor` is a user row; a bare centre id
    (or None: every centre) binds the centre alone, for callers with no person."""
    if not isinstance(actor, dict):
        return {"centre": actor, "scope_user": None}
    return {"centre": centre_of(actor), "scope_user": None if sees_all(actor) else actor["id"]}


def may_see_project(db, actor: dict, project: dict | None) -> bool:
    """Whether the actor may see this projects row (centre, then client)."""
    if project is None or not may_see(actor, project["centre_id"]):
        return False
    return one(db, f"SELECT 1 AS x FROM projects p WHERE p.id = :id AND {project_sql('p')}",
               {"id": project["id"], **params(actor)}) is not None


def client_ids(db, actor: dict) -> list[int] | None:
    """The clients the actor is limited to, or None for all of her centre's."""
    if sees_all(actor):
        return None
    found = [row["client_id"] for row in rows(
        db, "SELECT client_id FROM user_clients WHERE user_id = ? ORDER BY client_id",
        (actor["id"],))]
    return found or None


def clients_sql(alias: str = "c") -> str:
    """SQL: the clients row `alias` is one the actor may see. Bind with params()."""
    return (f"({sql(alias + '.centre_id')} AND (:scope_user IS NULL OR NOT {_LIMITED}"
            f" OR {alias}.id IN (SELECT client_id FROM user_clients WHERE user_id = :scope_user)))")


def bind(centre_id, viewer: dict | None = None) -> dict:
    """Bindings for a page showing centre `centre_id` (None: every centre) to `viewer`
    (None: no person; an admin: no client limit)."""
    return {"centre": centre_id,
            "scope_user": viewer["id"] if viewer and not sees_all(viewer) else None}


def person_id(who) -> int | None:
    """The person behind `who` (a user row, or a bare centre id: nobody)."""
    return who["id"] if isinstance(who, dict) else None
