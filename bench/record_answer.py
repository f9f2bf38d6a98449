"""`python -m bench.record_answer`: the server-side cost of one task cycle's core work
(claim_next + record_answer, aggregation and the lease trigger included) and the card's
project content in her language (core.content.card: cached per process), by timeit on
a fresh SQLite file. Prints microseconds per cycle; no server, no network."""
import tempfile
import timeit

from core import db as coredb
from core import content, migrations, projects, tasks, users

CYCLES = 3000


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = coredb.connect(f"{tmp}/bench.db")
        migrations.migrate(db)
        centre = users.get_centre(db, "BNC", "Bench", create=True)
        project = projects.create_project(
            db, centre_id=centre["id"], slug="bench", task_type="single_choice",
            name={"en": "Bench"}, labels=[("a", {"en": "A"}), ("b", {"en": "B"})],
            redundancy=3, pay_paise=50)
        projects.add_tasks(db, project["id"], [{"text": f"t{i}"} for i in range(CYCLES)])
        project = coredb.one(db, "SELECT * FROM projects WHERE id = ?", (project["id"],))
        workers = [users.create_user(db, login=f"b{i}", password="3917", role="annotator",
                                     name=f"B{i}", centre="BNC", hash_method="pbkdf2:sha256:1")
                   for i in range(3)]
        state = {"n": 0}

        def cycle():
            worker = workers[state["n"] % 3]
            answer = "a" if state["n"] % 7 else "b"  # some dissent: settle takes both paths
            state["n"] += 1
            a = tasks.claim_next(db, worker["id"], project)
            tasks.record_answer(db, a["id"], worker["id"], answer, seconds=5)
            content.card(db, project, "ta")  # what her next card shows of the project

        seconds = timeit.timeit(cycle, number=CYCLES)
        done = coredb.one(db, "SELECT count(*) AS n FROM tasks WHERE status = 'done'")["n"]
        print(f"claim_next + record_answer + card content: {seconds / CYCLES * 1e6:,.0f} µs per cycle"
              f" over {CYCLES} cycles ({done} tasks settled)")


if __name__ == "__main__":
    main()
