"""Quiz rules without Flask: scoring, the pass mark, cooldown, limits, resume, no dodging."""
import datetime as dt
import sqlite3

import pytest

from core import projects, qualifications, quiz_attempts, quiz_bank, tasks, tasktypes
from core.db import one
from core.errors import Invalid, NotFound
from tests.quiz_helpers import add_quiz

T0 = dt.datetime(2026, 12, 1, 4, 0, tzinfo=dt.timezone.utc)


def _take(db, user, project, answers, now=T0):
    """Start an attempt and answer each question in turn (True: right, False: wrong)."""
    attempt = quiz_attempts.start_attempt(db, user, project, now=now)
    for position, right in enumerate(answers, 1):
        quiz_attempts.answer(db, user, project, attempt["id"], position, "pos" if right else "neg",
                       now=now)
    return one(db, "SELECT * FROM quiz_attempts WHERE id = ?", (attempt["id"],))


def test_free_text_answers_agree_after_normalising_case_spaces_and_end_punctuation():
    assert tasktypes.normalise("  Vanakkam!  ") == tasktypes.normalise("vanakkam")
    assert tasktypes.normalise("நல்ல   நாள்।") == "நல்ல நாள்"
    assert tasktypes.normalise("e\u0301") == tasktypes.normalise("\u00e9")  # NFC
    assert tasktypes.normalise("good day") != tasktypes.normalise("goodday")


def test_a_project_with_a_quiz_is_closed_to_a_new_annotator_until_she_passes(
        db, make_user, make_project):
    worker, project = make_user(), make_project()
    assert [p["slug"] for p in tasks.worker_projects(db, worker)] == [project["slug"]]
    project = add_quiz(db, project)
    assert tasks.worker_projects(db, worker) == []
    with pytest.raises(qualifications.NeedsQuiz) as refused:
        projects.project_for_worker(db, worker, project["slug"])
    assert refused.value.status == 403 and refused.value.detail["slug"] == project["slug"]
    _take(db, worker, project, [True] * 4)
    assert [p["slug"] for p in tasks.worker_projects(db, worker)] == [project["slug"]]
    assert one(db, "SELECT status FROM qualifications")["status"] == "qualified"


def test_turning_a_quiz_on_keeps_those_who_already_worked_qualified(db, make_user, make_project):
    veteran, newcomer, project = make_user(), make_user(), make_project()
    assignment = tasks.claim_next(db, veteran["id"], project)
    tasks.record_answer(db, assignment["id"], veteran["id"], "pos")
    add_quiz(db, project)
    assert tasks.worker_projects(db, veteran) and not tasks.worker_projects(db, newcomer)


def test_pass_mark_is_met_exactly_at_the_boundary(db, make_user, make_project):
    project = add_quiz(db, make_project(), questions=4, pass_percent=75)
    at_mark = _take(db, make_user(), project, [True, True, True, False])
    below = _take(db, make_user(), project, [True, True, False, False])
    assert (at_mark["correct"], at_mark["passed"]) == (3, 1)
    assert (below["correct"], below["passed"]) == (2, 0)


def test_a_retake_waits_for_the_cooldown_then_the_limit_needs_a_supervisor(
        db, make_user, make_project):
    worker, boss = make_user(), make_user(role="supervisor")
    project = add_quiz(db, make_project(), cooldown_hours=24, max_attempts=2)
    _take(db, worker, project, [False] * 4)
    state = quiz_attempts.trainee_state(db, worker, project, now=T0 + dt.timedelta(hours=23))
    assert state["step"] == "wait" and state["next_at"] == T0 + dt.timedelta(hours=24)
    with pytest.raises(Invalid) as refused:
        quiz_attempts.start_attempt(db, worker, project, now=T0 + dt.timedelta(hours=23))
    assert refused.value.code == "quiz_wait"
    later = T0 + dt.timedelta(hours=24)
    _take(db, worker, project, [False] * 4, now=later)
    state = quiz_attempts.trainee_state(db, worker, project, now=later + dt.timedelta(days=30))
    assert state["step"] == "ask"
    with pytest.raises(Invalid) as refused:
        quiz_attempts.start_attempt(db, worker, project, now=later + dt.timedelta(days=30))
    assert refused.value.code == "quiz_ask"
    assert quiz_attempts.reset_attempts(db, project, worker["id"], boss["id"]) == 2
    assert one(db, "SELECT count(*) AS n FROM audit_log WHERE action = 'quiz.reset'")["n"] == 1
    assert quiz_attempts.trainee_state(db, worker, project, now=later)["step"] == "start"
    assert _take(db, worker, project, [True] * 4, now=later)["passed"] == 1


def test_a_reload_resumes_at_the_same_question_and_a_repeat_counts_once(
        db, make_user, make_project):
    worker = make_user()
    project = add_quiz(db, make_project(), questions=4)
    attempt = quiz_attempts.start_attempt(db, worker, project, now=T0)
    quiz_attempts.answer(db, worker, project, attempt["id"], 1, "pos", now=T0)
    # The reply was lost: she reloads, then her phone posts the same answer again.
    assert quiz_attempts.current(db, worker, project, now=T0)["question"]["position"] == 2
    again = quiz_attempts.answer(db, worker, project, attempt["id"], 1, "neg", now=T0)
    assert again["question"]["position"] == 2
    rows = list(db.query("SELECT answer, correct FROM quiz_attempt_questions"
                         " WHERE attempt_id = ? AND answer IS NOT NULL", (attempt["id"],)))
    assert rows == [{"answer": "pos", "correct": 1}]


def test_starting_again_gives_back_the_open_attempt_not_a_new_draw(db, make_user, make_project):
    worker = make_user()
    project = add_quiz(db, make_project(), questions=6, questions_per_attempt=3)
    first = quiz_attempts.start_attempt(db, worker, project, now=T0)
    again = quiz_attempts.start_attempt(db, worker, project, now=T0 + dt.timedelta(minutes=5))
    assert again["id"] == first["id"]
    assert one(db, "SELECT count(*) AS n FROM quiz_attempts")["n"] == 1
    drawn = {r["question_id"] for r in db.query("SELECT question_id FROM quiz_attempt_questions")}
    assert len(drawn) == 3


def test_an_unfinished_attempt_counts_as_failed_when_it_expires(db, make_user, make_project):
    worker = make_user()
    project = add_quiz(db, make_project(), questions=4, attempt_minutes=60, max_attempts=1)
    attempt = quiz_attempts.start_attempt(db, worker, project, now=T0)
    quiz_attempts.answer(db, worker, project, attempt["id"], 1, "pos", now=T0)
    late = T0 + dt.timedelta(minutes=61)
    after = quiz_attempts.answer(db, worker, project, attempt["id"], 2, "pos", now=late)
    assert after["question"] is None
    settled = one(db, "SELECT * FROM quiz_attempts WHERE id = ?", (attempt["id"],))
    assert (settled["correct"], settled["passed"], settled["total"]) == (1, 0, 4)
    assert quiz_attempts.trainee_state(db, worker, project, now=late)["step"] == "ask"


def test_the_database_refuses_a_second_open_attempt_and_a_changed_answer(
        db, make_user, make_project):
    worker = make_user()
    project = add_quiz(db, make_project())
    attempt = quiz_attempts.start_attempt(db, worker, project, now=T0)
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO quiz_attempts (user_id, project_id, started_at, expires_at,"
                   " total, pass_percent) VALUES (?, ?, 'x', 'y', 1, 50)",
                   (worker["id"], project["id"]))
    quiz_attempts.answer(db, worker, project, attempt["id"], 1, "neg", now=T0)
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("UPDATE quiz_attempt_questions SET answer = 'pos', correct = 1"
                   " WHERE attempt_id = ? AND position = 1", (attempt["id"],))


def test_someone_elses_attempt_is_not_found(db, make_user, make_project):
    project = add_quiz(db, make_project())
    owner, other = make_user(), make_user()
    attempt = quiz_attempts.start_attempt(db, owner, project, now=T0)
    with pytest.raises(NotFound):
        quiz_attempts.answer(db, other, project, attempt["id"], 1, "pos", now=T0)
    with pytest.raises(NotFound):
        quiz_attempts.get_attempt_or_404(db, other["id"], attempt["id"])


def test_free_text_quiz_accepts_any_listed_answer(db, make_user, make_project):
    worker = make_user()
    project = add_quiz(db, make_project(task_type="free_text"), questions=2, pass_percent=100)
    attempt = quiz_attempts.start_attempt(db, worker, project, now=T0)
    quiz_attempts.answer(db, worker, project, attempt["id"], 1, " vanakkam. ", now=T0)
    quiz_attempts.answer(db, worker, project, attempt["id"], 2, "வணக்கம்!", now=T0)
    assert one(db, "SELECT passed FROM quiz_attempts")["passed"] == 1


def test_a_bad_import_is_refused_whole_with_every_error_by_line(db, make_project):
    project = make_project()
    content = ("prompt_en,prompt_ta,prompt_hi,answer,explanation_en,explanation_ta,explanation_hi\n"
               "Good?,,,pos,Yes.,ஆம்.,हाँ।\n"
               ",,,pos,Yes.,ஆம்.,हाँ।\n"
               "Bad?,,,maybe,No.,இல்லை.,नहीं।\n"
               "Fine?,,,neg,No.,,नहीं।\n").encode()
    with pytest.raises(Invalid) as refused:
        quiz_bank.import_bank(db, project, "bank.csv", content, None)
    assert refused.value.detail["errors"] == [
        (3, "prompt_en", "required"), (4, "answers", "answer_not_a_label"),
        (5, "explanation_ta", "required")]
    assert one(db, "SELECT count(*) AS n FROM quiz_questions")["n"] == 0
    good = b'{"prompt": {"en": "Good?"}, "answer": "pos", "explanation": ' \
           b'{"en": "Yes.", "ta": "\xe0\xae\x86\xe0\xae\xae\xe0\xaf\x8d.", "hi": "x"}}\n\nnot json\n'
    with pytest.raises(Invalid) as refused:
        quiz_bank.import_bank(db, project, "bank.jsonl", good, None)
    assert refused.value.detail["errors"] == [(3, None, "bad_json")]
    assert quiz_bank.import_bank(db, project, "bank.jsonl", good.split(b"\n")[0], None) == 1


def test_a_quiz_cannot_be_turned_on_with_an_empty_bank(db, make_project):
    project = make_project()
    with pytest.raises(Invalid) as refused:
        quiz_bank.save_settings(db, project, {**{k: str(v[0]) for k, v in
                                               quiz_bank.SETTINGS.items()}, "active": "1"}, None)
    assert refused.value.detail["errors"] == {"active": "empty_bank"}
    assert one(db, "SELECT count(*) AS n FROM quizzes")["n"] == 0



def test_no_core_module_imports_itself_back():
    """core's imports (at the top or inside a function) form no circle: the gate asks
    core.qualifications why it refused, not a quiz module that imports core.projects."""
    import ast
    import pathlib
    folder = pathlib.Path(__file__).resolve().parent.parent / "core"
    graph = {}
    for path in folder.rglob("*.py"):
        name = ".".join(path.relative_to(folder.parent).with_suffix("").parts)
        name = name.removesuffix(".__init__")
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{base}.{node.module}" if node.module else base
                found |= {base} | {f"{base}.{alias.name}" for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("core"):
                found |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
        graph[name] = found
    graph = {name: {m for m in found if m in graph and m != name}
             for name, found in graph.items()}

    def reaches(start, goal, seen):
        return any(m == goal or (m not in seen and not seen.add(m) and reaches(m, goal, seen))
                   for m in graph[start])
    assert [name for name in sorted(graph) if reaches(name, name, set())] == []


def test_a_quiz_file_names_every_kind_of_problem_in_one_pass(db, make_project):
    """#15: a bad value, a question twice, one already in the bank, a too-long prompt, a
    line the csv module cannot read and bad bytes, all named at once; nothing added."""
    project = make_project()
    quiz_bank.import_bank(db, project, "bank.csv",
                          "prompt_en,answer,explanation_en,explanation_ta,explanation_hi\n"
                          "Already here?,pos,a,அ,अ\n".encode(), None)
    lines = ["prompt_en,answer,explanation_en,explanation_ta,explanation_hi",
             "Good?,pos,a,அ,अ", "Bad?,maybe,a,அ,अ", "Fine?,neg,a,அ,अ", "Fine?,pos,a,அ,अ",
             "Another?,neg,a,அ,अ", "  already   HERE? ,pos,a,அ,अ", "x" * 501 + ",pos,a,அ,अ",
             "Huge?,pos," + "a" * 200_000 + ",அ,अ", "Last?,pos,a,அ,अ"]
    data = ("\n".join(lines) + "\n").encode() + "Caf\xe9?,pos,a,அ,अ\n".encode("latin-1",
                                                                          "replace")
    with pytest.raises(Invalid) as refused:
        quiz_bank.import_bank(db, project, "bank.csv", data, None)
    assert refused.value.detail["errors"] == [
        (3, "answers", "answer_not_a_label"), (5, "prompt_en", "question_twice"),
        (7, "prompt_en", "question_in_bank"), (8, "prompt_en", "too_long"),
        (9, None, "bad_csv"), (11, None, "not_utf8")]
    assert one(db, "SELECT count(*) AS n FROM quiz_questions")["n"] == 1


def test_a_quiz_file_without_its_answer_column_still_has_its_rows_checked(db, make_project):
    project = make_project()
    data = "prompt_en,explanation_en,explanation_ta,explanation_hi\nA?,a,அ,अ\nA?,b,,ஆ\n"
    with pytest.raises(Invalid) as refused:
        quiz_bank.import_bank(db, project, "bank.csv", data.encode(), None)
    assert refused.value.detail["errors"] == [
        (1, None, "missing_columns"), (3, "explanation_ta", "required"),
        (3, "prompt_en", "question_twice")]
