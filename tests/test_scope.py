"""Centre scope (#14): who may see which centre is decided in core.scope, and every
list and lookup bounded by a centre agrees with it: an admin sees both centres, a
supervisor her own alone."""
import pytest

from core import gold, people, projects, scope, taskdata, users
from core.db import one
from core.errors import NotFound

CENTRES = ("KRR", "STP")


def _found(lookup) -> bool:
    try:
        lookup()
    except NotFound:
        return False
    return True


@pytest.fixture
def world(db, make_user, make_project):
    """Two centres, each with a project, a task and an annotator; an admin and a
    supervisor of each."""
    centres = {}
    for code in CENTRES:
        project = make_project(centre=code, slug=f"p-{code.lower()}", tasks=1)
        centres[code] = {
            "id": users.get_centre(db, code)["id"], "project": project["id"],
            "task": one(db, "SELECT id FROM tasks WHERE project_id = ?", (project["id"],))["id"],
            "annotator": make_user(centre=code)["id"]}
    actors = {"admin": make_user(role="admin"), "KRR supervisor": make_user(role="supervisor"),
              "STP supervisor": make_user(role="supervisor", centre="STP")}
    return centres, actors


def _paths(db, actor, centre):
    """Whether each path shows this centre's rows to the actor."""
    listed = {row["centre_id"] for row in people.list_people(db, actor)[0]}
    return {
        "centres list": centre["id"] in {c["id"] for c in people.centres(db, actor)},
        "centre page": _found(lambda: people.get_centre_or_404(db, actor, centre["id"])),
        "people list": centre["id"] in listed,
        "person page": _found(lambda: people.get_person_or_404(db, actor, centre["annotator"])),
        "project": _found(lambda: projects.get_project_or_404(db, actor, centre["project"])),
        "check-task projects": centre["project"] in {
            p["id"] for p in gold.centre_projects(db, actor)},
        "task": _found(lambda: taskdata.get_task_or_404(db, actor, centre["task"])),
        "scope SQL": one(db, f"SELECT count(*) AS n FROM centres WHERE id = :id"
                             f" AND {scope.sql('id')}",
                         {**scope.params(actor), "id": centre["id"]})["n"] == 1,
    }


@pytest.mark.parametrize("who,sees", [("admin", {"KRR", "STP"}), ("KRR supervisor", {"KRR"}),
                                      ("STP supervisor", {"STP"})])
def test_every_path_bounded_by_a_centre_shows_the_same_centres(db, world, who, sees):
    centres, actors = world
    actor = actors[who]
    for code, centre in centres.items():
        assert scope.may_see(actor, centre["id"]) == (code in sees)
        paths = _paths(db, actor, centre)
        assert paths == dict.fromkeys(paths, code in sees), code


def test_an_admin_chooses_a_centre_or_all_and_a_supervisor_always_has_her_own(world):
    centres, actors = world
    stp = centres["STP"]["id"]
    assert scope.centre_for(actors["admin"], stp) == stp
    assert scope.centre_for(actors["admin"], None) is None
    assert scope.centre_for(actors["KRR supervisor"], stp) == centres["KRR"]["id"]
    assert scope.centre_of(actors["admin"]) is None
