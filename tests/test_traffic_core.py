"""Data-used counts wait in the worker and go to the database together."""
from core import traffic
from core.db import one


def test_counts_wait_in_the_worker_yet_her_header_shows_them_and_a_flush_writes_them(
        db, make_user):
    worker = make_user()
    traffic.add(db, worker["id"], 1200, every=3600)
    traffic.add(db, worker["id"], 800, every=3600)
    assert one(db, "SELECT bytes FROM traffic WHERE user_id = ?", (worker["id"],)) is None
    assert traffic.today(db, worker["id"]) == 2000  # what she is shown includes them
    traffic.flush(db)
    assert one(db, "SELECT bytes FROM traffic WHERE user_id = ?",
               (worker["id"],))["bytes"] == 2000
    assert traffic.today(db, worker["id"]) == 2000  # counted once, not twice


def test_with_no_wait_each_count_is_written_at_once(db, make_user):
    worker = make_user()
    traffic.add(db, worker["id"], 500)
    assert one(db, "SELECT bytes FROM traffic WHERE user_id = ?",
               (worker["id"],))["bytes"] == 500
