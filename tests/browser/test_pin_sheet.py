"""Intake of a whole batch of people (#15): the PIN sheet after a people file prints one
page per 30 people and downloads as the CSV it shows, in Chromium."""
import re

from tests.browser.conftest import log_in

MEENA = ("meena", "velai-demo")


def test_the_pin_sheet_prints_a_page_per_30_people_and_downloads_its_pins(
        server, open_phone, checks, lang_text):
    ta = lang_text("ta")
    meena = open_phone("ta")
    log_in(meena, server.url, *MEENA, lands="/supervisor/")
    meena.goto(f"{server.url}/supervisor/people/upload")
    people = "name,phone,lang\n" + "".join(
        f"{'Rekha #1 (100%)' if n == 0 else f'பணியாளர் {n}'},93000{n:05d},ta\n"
        for n in range(61))
    meena.set_input_files("#file", files=[{"name": "people.csv", "mimeType": "text/csv",
                                           "buffer": people.encode()}])
    meena.locator("form.card button.primary").tap()
    meena.wait_for_selector("b.pin")
    checks.page(meena, "ta", "the PIN sheet")
    pins = meena.locator("b.pin").all_inner_texts()
    assert len(pins) == 61 and all(re.fullmatch(r"\d{4}", pin) for pin in pins)
    ta.assert_in_language(meena.locator("p.note").inner_text(), "the PIN note")

    with meena.expect_download() as caught:
        meena.locator('a[download="pins.csv"]').tap()
    download = caught.value
    rows = open(download.path(), encoding="utf-8-sig").read().splitlines()
    assert rows[0] == "name,phone,lang,pin" and [row.split(",")[3] for row in rows[1:]] == pins
    assert rows[1].startswith("Rekha #1 (100%),") and rows[2].startswith("பணியாளர் 1,")

    meena.emulate_media(media="print")
    assert meena.locator("header").is_hidden() and meena.locator("p.note").is_hidden()
    pdf = meena.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 3  # 30, 30 and 1
