"""Supervisors and admins: how each project of the centre is going."""
from flask import Blueprint, g, render_template

from core import projects

from .web import get_db, role_required

bp = Blueprint("supervisor", __name__, url_prefix="/supervisor")


@bp.get("/")
@role_required("supervisor", "admin")
def overview():
    """Supervisor: progress of her centre's projects (admin: every centre)."""
    centre = None if g.user["role"] == "admin" else g.user["centre_id"]
    return render_template("supervisor/overview.html",
                           projects=projects.centre_overview(get_db(), centre))
