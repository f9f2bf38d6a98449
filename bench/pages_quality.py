"""Quality pages for `make bench`: review queue, appeals, dashboards (supervisors, in their
own language) and the appeal form (the Tamil annotator), on the seeded demo."""
from core import db as coredb
from core import review
from core.errors import Conflict
from tests import live

MEENA = {"login": "meena", "password": "velai-demo", "lang": "ta"}
RAKESH = {"login": "rakesh", "password": "velai-demo", "lang": "hi"}
REVATHI = {"login": "9876500025", "password": live.DEMO["ta"][1], "lang": "ta"}  # has demo answers


def _rejected_for_revathi(db_path) -> int:
    """Meena rejects one of Revathi's waiting demo answers (as in the demo journey), so
    the appeal form has an answer to show; its id."""
    db = coredb.connect(db_path)
    try:
        row = coredb.one(db, "SELECT a.id FROM assignments a JOIN users u ON u.id = a.user_id"
                             " WHERE u.login = ? AND a.review_state IN ('pending', 'rejected')"
                             " ORDER BY a.review_state = 'rejected' DESC, a.id LIMIT 1",
                         (REVATHI["login"],))
        meena = coredb.one(db, "SELECT * FROM users WHERE login = 'meena'")
        try:
            review.reject(db, row["id"], meena, "instructions", "வழிமுறைகளை மீண்டும் படியுங்கள்.")
        except Conflict:
            pass  # rejected already by an earlier run on this database
        return row["id"]
    finally:
        db.conn.close()


def pages(db_path):
    sentiment = coredb.one(coredb.connect(db_path), "SELECT id FROM projects WHERE slug ="
                                                    " 'tamil-review-sentiment'")["id"]
    rejected = _rejected_for_revathi(db_path)
    return [
        {"name": "review_queue", "path": "/supervisor/review", **MEENA},
        {"name": "review_queue_hi", "path": "/supervisor/review?kind=disagree", **RAKESH},
        {"name": "appeals", "path": "/supervisor/appeals", **MEENA},
        {"name": "quality_centre", "path": "/supervisor/quality", **MEENA},
        {"name": "quality_project", "path": f"/supervisor/quality/{sentiment}", **MEENA},
        {"name": "appeal_form", "path": f"/earnings/appeal/{rejected}", **REVATHI},
        {"name": "earnings_rejected", "path": "/earnings", **REVATHI},
    ]
