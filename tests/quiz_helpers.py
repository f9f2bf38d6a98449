"""Shared by the quiz tests: a project's question bank and quiz switched on."""
from core import quiz_bank

EXPLAIN = {"en": "Because it says so.", "ta": "அப்படிச் சொல்கிறது.", "hi": "क्योंकि ऐसा लिखा है।"}


def add_quiz(db, project, questions=4, answer="pos", supervisor_id=None, **settings):
    """`questions` questions all answered `answer` (free text: "Vanakkam"), quiz on."""
    if project["task_type"] == "free_text":
        answer = ["Vanakkam", "வணக்கம்"]
    elif project["task_type"] == "yes_no" and answer == "pos":
        answer = "yes"
    for n in range(questions):
        quiz_bank.save_question(db, project, {
            "prompt": {"en": f"Question {n}", "ta": f"கேள்வி {n}", "hi": f"प्रश्न {n}"},
            "explanation": EXPLAIN, "answers": answer}, actor_id=supervisor_id)
    form = {"questions_per_attempt": questions, "pass_percent": 75, "cooldown_hours": 24,
            "max_attempts": 2, "attempt_minutes": 60, "active": "1", **settings}
    quiz_bank.save_settings(db, project, {k: str(v) for k, v in form.items()}, supervisor_id)
    return quiz_bank.get_training_project_by_id(db, project["id"])
