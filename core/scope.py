"""Centre scope: who may see which centre. An admin sees every centre; anyone else (a
supervisor, an annotator) her own. Every list and every row lookup that a centre bounds
asks here, as a Python answer or as the SQL fragment `sql(column)` with `params(actor)`."""


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


def params(actor: dict) -> dict:
    return {"centre": centre_of(actor)}
