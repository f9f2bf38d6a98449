"""Paging (#14): the page asked for is read by core.paging alone, and every paged list
cuts its pages the same way: a page of rows, and whether a next page exists."""
import pytest

from core import audit, paging, people


@pytest.mark.parametrize("raw,page", [
    ("3", 3), (3, 3), ("x", 1), ("", 1), (None, 1), ("0", 1), ("-4", 1), ("2.5", 1),
    ("99999999999", paging.MAX_PAGE), (str(10**30), paging.MAX_PAGE)])
def test_a_page_asked_for_is_a_page_from_one_to_the_last_there_may_be(raw, page):
    assert paging.page_number(raw) == page


def test_window_and_split_cut_pages_with_one_row_to_spare():
    rows = list(range(7))
    pages = [paging.split(rows[w["offset"]:w["offset"] + w["limit"]], 3)
             for w in (paging.window(page, 3) for page in (1, 2, 3, 4))]
    assert pages == [([0, 1, 2], True), ([3, 4, 5], True), ([6], False), ([], False)]


def _audit_page(db, make_user, page):
    rows, more = audit.entries(db, action="test.paging", page=page, per_page=3)
    return [row["subject"] for row in rows], more


def _people_page(db, make_user, page):
    supervisor = make_user(role="supervisor")
    rows, more = people.list_people(db, supervisor, page=page)
    return [row["login"] for row in rows], more


@pytest.mark.parametrize("raw", ["x", "0", "-1", None, 10**30])
@pytest.mark.parametrize("path,per_page", [(_audit_page, 3), (_people_page, people.PAGE_SIZE)])
def test_every_paged_list_reads_a_bad_page_as_the_window_says(db, make_user, path, per_page,
                                                              raw):
    for n in range(per_page * 2 + 1):
        make_user()
        audit.record(db, None, "test.paging", f"thing:{n}")
    first, more = path(db, make_user, 1)
    assert len(first) == per_page and more
    last, more = path(db, make_user, 3)
    assert len(last) == 1 and not more
    expected = path(db, make_user, 1) if paging.page_number(raw) == 1 else ([], False)
    assert path(db, make_user, raw) == expected


@pytest.mark.parametrize("url", ["/supervisor/people/", "/supervisor/", "/supervisor/payouts",
                                 "/supervisor/review"])
def test_a_page_far_past_the_end_is_an_empty_page_not_an_error(visitor, make_user, url):
    visitor.login(make_user(role="supervisor"))
    assert visitor.get(f"{url}?page={10**30}", follow_redirects=True).status_code == 200
