"""Money, times and shares as she reads them, in each language Velai speaks or is adding:
rupees with lakh grouping, India's time with a day-period word instead of AM/PM, and
"N in 100" instead of a % sign."""
import datetime as dt

import pytest
from flask_babel import force_locale

from views import formats

# Every locale a centre works in; kn_IN is the one whose CLDR pattern groups in thousands.
LOCALES = ("en_IN", "ta_IN", "hi_IN", "kn_IN", "te_IN")


def _in(app, locale, fn, *args, **kwargs):
    with app.test_request_context(), force_locale(locale):
        return fn(*args, **kwargs)


@pytest.mark.parametrize("locale", LOCALES)
def test_money_groups_in_lakhs_in_every_language(app, locale):
    assert _in(app, locale, formats.money, 12345650) == "₹1,23,456.50"
    assert _in(app, locale, formats.money, 1234567800) == "₹1,23,45,678.00"
    assert _in(app, locale, formats.money, 50) == "₹0.50"
    assert _in(app, locale, formats.money, -12345650) == "-₹1,23,456.50"


# 11:24 UTC is 4:54 in the evening in India; 22:30 UTC is 4:00 the next morning.
EVENING = dt.datetime(2026, 12, 2, 11, 24, tzinfo=dt.timezone.utc)
EVENING_STAMP = "2026-12-02 11:24:00"


@pytest.mark.parametrize(("locale", "shown"), [
    ("en_IN", "2 December, 4:54 pm"),
    ("ta_IN", "2 டிசம்பர், மாலை 4:54"),
    ("hi_IN", "2 दिसंबर, शाम 4:54"),
    ("kn_IN", "2 ಡಿಸೆಂಬರ್, ಸಂಜೆ 4:54"),
    ("te_IN", "2 డిసెంబర్, సాయంత్రం 4:54"),
])
def test_a_stamp_shows_in_india_time_with_a_day_period_word_and_no_am_pm(app, locale, shown):
    assert _in(app, locale, formats.when, EVENING_STAMP) == shown
    assert _in(app, locale, formats.when, EVENING) == shown


@pytest.mark.parametrize(("utc_hour", "india", "words"), [
    (23, "4:30", {"en_IN": "am", "ta_IN": "காலை", "hi_IN": "सुबह", "kn_IN": "ಬೆಳಿಗ್ಗೆ",
                  "te_IN": "ఉదయం"}),
    (7, "12:30", {"en_IN": "pm", "ta_IN": "மதியம்", "hi_IN": "दोपहर", "kn_IN": "ಮಧ್ಯಾಹ್ನ",
                  "te_IN": "మధ్యాహ్నం"}),
    (16, "9:30", {"en_IN": "pm", "ta_IN": "இரவு", "hi_IN": "रात", "kn_IN": "ರಾತ್ರಿ",
                  "te_IN": "రాత్రి"}),
    (19, "12:30", {"en_IN": "am", "ta_IN": "இரவு", "hi_IN": "रात", "kn_IN": "ರಾತ್ರಿ",
                   "te_IN": "రాత్రి"}),
])
def test_each_part_of_the_day_has_its_word_and_a_12_hour_clock(app, utc_hour, india, words):
    moment = dt.datetime(2026, 12, 2, utc_hour, 0, tzinfo=dt.timezone.utc)
    for locale, word in words.items():
        shown = _in(app, locale, formats.clock, moment)
        expected = f"{india} {word}" if locale == "en_IN" else f"{word} {india}"
        assert shown == expected, locale
        assert "AM" not in shown and "PM" not in shown


def test_hindi_dates_name_the_whole_month(app):
    assert _in(app, "hi_IN", formats.day_at_time, EVENING) == "2 दिसंबर, शाम 4:54"
    assert "॰" not in _in(app, "hi_IN", formats.when, EVENING_STAMP)
    assert _in(app, "hi_IN", formats.when, EVENING_STAMP, year=True) == \
        "2 दिसंबर 2026, शाम 4:54"


@pytest.mark.parametrize(("locale", "shown"), [
    ("en_IN", "75 in 100"), ("ta_IN", "100-க்கு 75"), ("hi_IN", "100 में 75"),
    ("kn_IN", "100ಕ್ಕೆ 75"), ("te_IN", "100లో 75"),
])
def test_a_share_is_n_in_100_never_a_percent_sign(app, locale, shown):
    assert _in(app, locale, formats.share, 0.749) == shown
    assert _in(app, locale, formats.share, None) == "–"


def test_the_pass_mark_a_trainee_reads_has_no_percent_sign(visitor, db, make_user,
                                                           make_project):
    from tests.quiz_helpers import add_quiz

    project = add_quiz(db, make_project(), questions=4)
    visitor.login(make_user(lang="ta"))
    page = visitor.get(f"/quiz/{project['slug']}").get_data(as_text=True)
    assert "100-க்கு " in page and "%" not in page.split("<main")[-1].split("</main>")[0]
