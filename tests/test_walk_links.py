"""Links between screens that the walk-throughs missed: from a trainee's own page her
supervisor reaches the quiz screen where her tries are reset."""
from core import qualifications
from tests.quiz_helpers import add_quiz


def test_a_trainees_person_page_links_to_her_quiz_tries_and_reset(
        visitor, db, make_user, make_project):
    boss, worker = make_user(role="supervisor"), make_user()
    quiz = add_quiz(db, make_project(slug="with-quiz"))
    open_ = make_project(slug="no-quiz")
    qualifications.set_status(db, worker["id"], open_["id"], "qualified")
    visitor.login(boss)
    page = visitor.get(f"/supervisor/people/{worker['id']}").get_data(as_text=True)
    assert f'href="/supervisor/quiz/{quiz["id"]}/trainees"' in page
    assert f'href="/supervisor/quiz/{open_["id"]}/trainees"' not in page  # qualified there
    assert visitor.get(f"/supervisor/quiz/{quiz['id']}/trainees").status_code == 200
