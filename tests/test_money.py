"""Money (#14): rupees a person types become paise in core.money alone, and paise
become rupees there alone; every path that reads or writes an amount agrees with it."""
import pytest

from core import money, payouts, projects
from core.db import one
from core.errors import Invalid
from views.formats import money as money_filter

# typed, paise (None: refused)
TYPED = [("120", 12000), ("120.5", 12050), ("120.50", 12050), ("0.29", 29), ("0.57", 57),
         (".05", 5), ("₹ 12.30", 1230), ("1,000", 100000), (" 60 ", 6000), ("0", 0),
         ("12.345", None), ("-1", None), ("abc", None), ("1e2", None), ("", None),
         (".", None), ("٠.٥", None), ("²", None), ("१२", None), ("½", None)]


def _parsed(parse, typed):
    try:
        return parse(typed)
    except Invalid:
        return None


@pytest.mark.parametrize("typed,paise", TYPED)
def test_every_path_reads_typed_rupees_alike(app, db, make_user, visitor, typed, paise):
    supervisor = make_user(role="supervisor")
    visitor.login(supervisor)
    saved = visitor.post("/supervisor/fair-pay/min-wage", {"min_wage": typed})
    wage = one(db, "SELECT min_wage_paise_per_hour AS p FROM centres WHERE id = ?",
               (supervisor["centre_id"],))["p"]
    assert saved.status_code == (303 if paise is not None else 400)
    paths = {
        "rule": _parsed(money.parse_rupees, typed),
        "project pay": _parsed(projects.rupees_to_paise, typed),
        "bonus": _parsed(lambda text: payouts.parse_rupees(text, "bonus"), typed),
        "minimum wage page": wage if saved.status_code == 303 else None,
    }
    assert paths == dict.fromkeys(paths, paise)


@pytest.mark.parametrize("paise,plain,typed", [(0, "0.00", "0"), (5, "0.05", "0.05"),
                                               (6000, "60.00", "60"),
                                               (12350, "123.50", "123.50")])
def test_paise_are_written_as_rupees_alike_and_read_back_the_same(db, make_project, paise,
                                                                   plain, typed):
    assert money.rupees(paise) == plain
    assert money.typed_rupees(paise) == typed
    project = make_project(pay_paise=paise)
    assert projects.form_values(db, project)["pay"] == plain  # the project form's value
    for written in (plain, typed):
        assert money.parse_rupees(written) == paise


@pytest.mark.parametrize("locale", ["en_IN", "ta_IN", "hi_IN"])
def test_amounts_are_shown_in_rupees_with_lakh_grouping_in_every_language(app, locale):
    assert money.format_money(12345650, locale) == "₹1,23,456.50"
    assert money.format_money(10**12 + 1, locale) == "₹10,00,00,00,000.01"  # no float
    with app.test_request_context(headers={"Accept-Language": locale.replace("_", "-")}):
        assert money_filter(12345650) == money.format_money(12345650, locale)
