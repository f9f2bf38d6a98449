"""Payout pages for `make bench`, each weighed in its reader's language.

Before weighing, Meena drafts last week's payout from the demo (through core), so that
the preview and summary pages show real lines."""
from core import db as coredb
from core import payouts
from tests import live

MEENA = {"login": "meena", "password": "velai-demo", "lang": "ta"}
KAVITHA = {"login": "9876500001", "password": live.DEMO["ta"][1], "lang": "ta"}
ADMIN = {"login": "admin", "password": "velai-admin", "lang": "en"}


def _draft(db_path) -> int:
    db = coredb.connect(db_path)
    try:
        meena = coredb.one(db, "SELECT * FROM users WHERE login = 'meena'")
        found = coredb.one(db, "SELECT id FROM payouts WHERE centre_id = ? ORDER BY id DESC",
                           (meena["centre_id"],))
        if found:
            return found["id"]
        start, end = payouts.last_week()
        return payouts.draft(db, meena, start.isoformat(), end.isoformat())
    finally:
        db.conn.close()


def pages(db_path):
    payout_id = _draft(db_path)
    return [
        {"name": "payouts_list", "path": "/supervisor/payouts", **MEENA},
        {"name": "payout_preview", "path": f"/supervisor/payouts/{payout_id}", **MEENA},
        {"name": "payout_summary", "path": f"/supervisor/payouts/{payout_id}/print", **MEENA},
        {"name": "payment_changes", "path": "/supervisor/payment-changes", **MEENA},
        {"name": "fair_pay", "path": "/supervisor/fair-pay", **MEENA},
        {"name": "payment_details", "path": "/payment-details", **KAVITHA},
        {"name": "earnings_payouts", "path": "/earnings", **KAVITHA},
        {"name": "audit_log", "path": "/admin/audit", **ADMIN},
    ]
