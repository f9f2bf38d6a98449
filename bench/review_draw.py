"""`python -m bench.review_draw`: what the review plan's draw (core/review_plan.py) adds to
recording an answer: reason_on_submit for one of 450 annotators with 90 days of work in
the project, with a plan that reads nothing but her watch, and with one that counts her
first answers too. Prints microseconds per answer; the rest of the cycle is bench.record_answer's."""
import tempfile
import timeit

from core import db as coredb
from core import migrations, projects, review_plan, users

ANSWERS = 20_000


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = coredb.connect(f"{tmp}/bench.db")
        migrations.migrate(db)
        centre = users.get_centre(db, "BNC", "Bench", create=True)
        project = projects.create_project(
            db, centre_id=centre["id"], slug="bench", task_type="single_choice",
            name={"en": "Bench"}, labels=[("a", {"en": "A"}), ("b", {"en": "B"})],
            redundancy=3, pay_paise=50)
        worker = users.create_user(db, login="b1", password="3917", role="annotator",
                                   name="B", centre="BNC", hash_method="pbkdf2:sha256:1")
        # A quarter of a centre's days in the project: 450 people, 90 days, 400 answers a day.
        db.execute("PRAGMA foreign_keys = OFF")  # the other 449 need no user rows here
        db.conn.executemany(
            "INSERT INTO work_by_day (project_id, day, user_id, answers, seconds, earned_paise)"
            " VALUES (?, date('2026-09-01', ?), ?, 400, 2000, 20000)",
            [(project["id"], f"+{day} days", worker["id"] + person)
             for day in range(90) for person in range(450)])
        db.conn.commit()
        assignment = {"id": 12345, "user_id": worker["id"], "gold_answer": None}
        for first, share in ((0, 0.0), (20, 0.1)):
            db.execute("UPDATE projects SET review_first = ?, review_share = ?", (first, share))
            plan = coredb.one(db, "SELECT * FROM projects WHERE id = ?", (project["id"],))
            seconds = timeit.timeit(lambda plan=plan: review_plan.reason_on_submit(
                db, assignment, plan, "pending", 5), number=ANSWERS)
            print(f"review draw (first {first}, share {share:.0%}):"
                  f" {seconds / ANSWERS * 1e6:,.1f} µs per answer")


if __name__ == "__main__":
    main()
