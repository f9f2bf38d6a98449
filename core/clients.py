"""Clients as tenants inside a centre (#19): a client owns projects; a supervisor may be
limited to some clients and then sees nothing of the others (the rule: core.scope).

An admin, or a supervisor of the centre who is not limited herself, manages them: adds,
renames, sets a project's client and which clients a supervisor is limited to. A limited
supervisor sees her own clients and changes none of this (she could widen her limit)."""
from . import audit, scope
from .clock import stamp, utcnow
from .db import is_id, one, rows, write
from .errors import Invalid, NotFound

MAX_NAME = 80


def may_manage(db, actor: dict) -> bool:
    """Whether the actor may add, rename and assign clients (see the module)."""
    if scope.sees_all(actor):
        return True
    return actor["role"] == "supervisor" and scope.client_ids(db, actor) is None


def list_clients(db, viewer: dict, centre_id=None) -> list[dict]:
    """The clients the viewer may see (of `centre_id` when given, for an admin), each
    with its centre and project count, by centre and name."""
    return rows(db, "SELECT c.*, e.name AS centre_name, e.code AS centre_code,"
                    " (SELECT count(*) FROM projects p WHERE p.client_id = c.id) AS projects"
                    " FROM clients c JOIN centres e ON e.id = c.centre_id"
                    f" WHERE {scope.clients_sql('c')}"
                    " AND (:only IS NULL OR c.centre_id = :only) ORDER BY e.name, c.name, c.id",
                {**scope.params(viewer), "only": centre_id})


def get_client_or_404(db, viewer: dict, client_id) -> dict:
    """The client if the viewer may see it. Raises NotFound("not_found") otherwise."""
    row = one(db, f"SELECT c.* FROM clients c WHERE c.id = :id AND {scope.clients_sql('c')}",
              {"id": client_id, **scope.params(viewer)}) if is_id(client_id) else None
    if row is None:
        raise NotFound("not_found")
    return row


def _clean_name(raw) -> str:
    name = " ".join(str(raw or "").split())
    if not name or len(name) > MAX_NAME:
        raise Invalid("client_name", limit=MAX_NAME)
    return name


def _require_manager(db, actor: dict) -> None:
    if not may_manage(db, actor):
        raise NotFound("not_found")


def add_client(db, actor: dict, centre_id, name) -> dict:
    """A new client of a centre the actor runs. Raises NotFound (not hers to manage),
    Invalid("client_name") or Invalid("client_taken")."""
    _require_manager(db, actor)
    if not is_id(centre_id) or not scope.may_see(actor, centre_id):
        raise NotFound("not_found")
    name = _clean_name(name)
    with write(db):
        if one(db, "SELECT 1 AS x FROM centres WHERE id = ?", (centre_id,)) is None:
            raise NotFound("not_found")
        if one(db, "SELECT 1 AS x FROM clients WHERE centre_id = ? AND name = ?",
               (centre_id, name)):
            raise Invalid("client_taken")
        client_id = db.execute("INSERT INTO clients (centre_id, name, created_at)"
                               " VALUES (?, ?, ?)", (centre_id, name, stamp(utcnow()))).lastrowid
        audit.record(db, actor["id"], "client.create", f"client:{client_id}", name=name)
    return get_client_or_404(db, actor, client_id)


def rename_client(db, actor: dict, client_id, name) -> dict:
    """Rename one of the actor's clients. Raises as add_client."""
    _require_manager(db, actor)
    name = _clean_name(name)
    with write(db):
        client = get_client_or_404(db, actor, client_id)
        if one(db, "SELECT 1 AS x FROM clients WHERE centre_id = ? AND name = ? AND id <> ?",
               (client["centre_id"], name, client["id"])):
            raise Invalid("client_taken")
        db.execute("UPDATE clients SET name = ? WHERE id = ?", (name, client["id"]))
        audit.record(db, actor["id"], "client.rename", f"client:{client['id']}",
                     old=client["name"], name=name)
    return get_client_or_404(db, actor, client_id)


def set_project_client(db, actor: dict, project_id, client_id) -> None:
    """Give a project to another client of its centre. Raises NotFound."""
    from .projects import get_project_or_404  # projects imports scope, not clients

    _require_manager(db, actor)
    with write(db):
        project = get_project_or_404(db, actor, project_id)
        client = get_client_or_404(db, actor, client_id)
        if client["centre_id"] != project["centre_id"]:
            raise NotFound("not_found")
        db.execute("UPDATE projects SET client_id = ? WHERE id = ?", (client["id"], project["id"]))
        audit.record(db, actor["id"], "project.client", f"project:{project['id']}",
                     client=client["id"])


def supervisors(db, viewer: dict, centre_id=None) -> list[dict]:
    """The supervisors of the centres the viewer runs, each with `clients`: the ids she
    is limited to (empty: all of her centre's)."""
    found = rows(db, "SELECT u.id, u.name, u.login, u.centre_id,"
                     " (SELECT group_concat(client_id) FROM (SELECT client_id FROM user_clients"
                     "  WHERE user_id = u.id ORDER BY client_id)) AS limited"
                     " FROM users u WHERE u.role = 'supervisor' AND u.active = 1"
                     f" AND {scope.sql('u.centre_id')} AND (:only IS NULL OR u.centre_id = :only)"
                     " ORDER BY u.name, u.id", {**scope.params(viewer), "only": centre_id})
    for row in found:
        row["clients"] = [int(x) for x in (row.pop("limited") or "").split(",") if x]
    return found


def limit_supervisor(db, actor: dict, user_id, client_ids) -> list[int]:
    """Limit a supervisor of the actor's centre to these clients (none: every client of
    her centre). Ends none of her sessions: the rule is read on every request. Returns
    the ids kept. Raises NotFound for a person or client out of the actor's hands."""
    _require_manager(db, actor)
    with write(db):
        person = one(db, "SELECT * FROM users WHERE id = ? AND role = 'supervisor'",
                     (user_id,)) if is_id(user_id) else None
        if person is None or not scope.may_see(actor, person["centre_id"]) \
                or person["id"] == actor["id"]:
            raise NotFound("not_found")
        wanted = sorted({get_client_or_404(db, actor, cid)["id"] for cid in client_ids})
        if any(one(db, "SELECT centre_id FROM clients WHERE id = ?", (cid,))["centre_id"]
               != person["centre_id"] for cid in wanted):
            raise NotFound("not_found")
        db.execute("DELETE FROM user_clients WHERE user_id = ?", (person["id"],))
        db.conn.executemany("INSERT INTO user_clients (user_id, client_id) VALUES (?, ?)",
                            [(person["id"], cid) for cid in wanted])
        audit.record(db, actor["id"], "user.clients", f"user:{person['id']}", clients=wanted)
    return wanted
