"""What {% call once(...) %} keeps is the same for everyone in a language (views/render.once):
two people's pages leave the same blocks, and none carries a name, login, id, key, token or
amount of either."""
import re

from core import users
from tests.conftest import Visitor
from views import render

ANNOTATOR_PAGES = ["/home", "/tasks/{slug}/next", "/earnings", "/help", "/account/pin",
                   "/menu"]
SUPERVISOR_PAGES = ["/supervisor/", "/supervisor/people/", "/supervisor/review",
                    "/supervisor/payouts", "/supervisor/data", "/account/pin", "/menu"]


def _blocks_seen_by(app, person, pages, before=None):
    """The once-blocks rendered for `person`'s pages, from an empty cache; `before` runs
    in her session first (her answers: amounts of her own on the pages)."""
    visitor = Visitor(app.test_client())
    visitor.login(person)
    if before:
        before(visitor)
    render._ONCE.clear()
    for url in pages:
        assert visitor.get(url).status_code == 200, url
    return dict(render._ONCE), visitor.token


def _personal(db, person, token) -> list[str]:
    """What of her may never be rendered once for everyone."""
    row = users.get_user(db, person["id"])
    return [row["name"], row["login"], row["offline_key"], token, f'"{row["id"]}"',
            f"/{row['id']}"]


def _assert_nothing_personal(blocks, personal):
    for key, markup in blocks.items():
        for value in personal:
            assert value not in markup, (key, value)


def test_two_annotators_leave_the_same_once_blocks_with_nothing_of_either(
        app, db, make_user, make_project):
    project = make_project(tasks=6, pay_paise=37)
    pages = [url.format(slug=project["slug"]) for url in ANNOTATOR_PAGES]
    kavitha, selvi = make_user(lang="ta"), make_user(lang="ta")

    def answer_two(visitor):  # her own counts and ₹0.74 on her pages
        for _ in range(2):
            page = visitor.get(f"/tasks/{project['slug']}/next").get_data(as_text=True)
            assignment = re.search(r'action="/answers/(\d+)"', page).group(1)
            visitor.post(f"/answers/{assignment}", {"answer": "pos"})

    hers, her_token = _blocks_seen_by(app, kavitha, pages, before=answer_two)
    others, other_token = _blocks_seen_by(app, selvi, pages)
    assert {"head", "nav-annotator", "queue", "langs", "skip-reasons"} <= {
        key[0] for key in hers}
    assert hers == others
    _assert_nothing_personal(hers, _personal(db, kavitha, her_token) + ["0.74", "0.37"])
    _assert_nothing_personal(others, _personal(db, selvi, other_token))


def test_two_supervisors_leave_the_same_once_blocks_with_nothing_of_either(
        app, db, make_user, make_project):
    make_project(centre="KRR"), make_project(centre="STP")
    meena = make_user(role="supervisor", lang="hi", centre="KRR")
    rakesh = make_user(role="supervisor", lang="hi", centre="STP")
    hers, her_token = _blocks_seen_by(app, meena, SUPERVISOR_PAGES)
    his, his_token = _blocks_seen_by(app, rakesh, SUPERVISOR_PAGES)
    assert {"head", "nav-supervisor", "langs"} <= {key[0] for key in hers}
    assert hers == his
    _assert_nothing_personal(hers, _personal(db, meena, her_token) + ["KRR"])
    _assert_nothing_personal(his, _personal(db, rakesh, his_token) + ["STP"])
