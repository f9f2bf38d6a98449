"""Today's figures on her card, by review state, from one grouped query."""
from core import earnings, tasks


def test_today_counts_each_review_state_and_earns_all_but_the_rejected(db, make_user,
                                                                       make_project):
    worker = make_user()
    project = make_project(tasks=4, redundancy=1, pay_paise=40)
    done = []
    for _ in range(4):
        assignment = tasks.claim_next(db, worker["id"], project)
        done.append(tasks.record_answer(db, assignment["id"], worker["id"], "pos"))
    db.execute("UPDATE assignments SET review_state = 'pending' WHERE id = ?", (done[0]["id"],))
    db.execute("UPDATE assignments SET review_state = 'accepted' WHERE id = ?",
               (done[1]["id"],))
    db.execute("UPDATE assignments SET review_state = 'rejected' WHERE id IN (?, ?)",
               (done[2]["id"], done[3]["id"]))
    assert earnings.today(db, worker["id"]) == {
        "answers": 4, "accepted": 1, "pending": 1, "rejected": 2,
        "accepted_paise": 40, "pending_paise": 40, "earned_paise": 80}


def test_today_is_all_zero_before_her_first_answer(db, make_user):
    assert earnings.today(db, make_user()["id"]) == {
        "answers": 0, "accepted": 0, "pending": 0, "rejected": 0,
        "accepted_paise": 0, "pending_paise": 0, "earned_paise": 0}
