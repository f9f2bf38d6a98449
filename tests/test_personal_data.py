"""Personal data at import (#19): phone, Aadhaar (Verhoeff), PAN, e-mail and UPI ids
refused line by line, or masked before any phone sees them; pictures lose their EXIF."""
import io
import zipfile

import pytest
from PIL import Image

from core import importing, personal_data
from core.db import rows
from core.errors import Invalid
from core.media import prepare_image

# Real-looking numbers: Aadhaar-shaped twelve digits with a right and a wrong check digit.
AADHAAR = "2345 6789 0124"  # Verhoeff-valid
NOT_AADHAAR = "2345 6789 0123"  # one digit off: fails the check
assert personal_data.verhoeff_valid("234567890124")


def test_verhoeff_check_digit_known_values():
    # The worked example of Verhoeff's scheme: 236 -> check digit 3.
    assert personal_data.verhoeff_digit("236") == "3"
    assert personal_data.verhoeff_valid("2363")
    assert not personal_data.verhoeff_valid("2364")
    # A single wrong digit or two swapped neighbours are always caught.
    assert not personal_data.verhoeff_valid("234567890142")
    assert not personal_data.verhoeff_valid("324567890124")


@pytest.mark.parametrize("text, kinds", [
    ("Call 98765 43210 today", ["phone"]),
    ("Ring +91-98765-43210", ["phone"]),
    ("Phone 09876543210", ["phone"]),
    ("அழைக்க ௯௮௭௬௫௪௩௨௧௦", ["phone"]),  # in Tamil digits
    (f"Aadhaar {AADHAAR}", ["aadhaar"]),
    ("Aadhaar 234567890124", ["aadhaar"]),
    (f"Order {NOT_AADHAAR}", []),
    ("Invoice 1234 5678", []),
    ("Landline 0431 2345678", []),
    ("PAN ABCPK1234F", ["pan"]),
    ("Code ABCDE1234F", []),  # E is no PAN holder kind
    ("Mail kavitha.m@gmail.com", ["email"]),
    ("Pay kavitha@okaxis", ["upi"]),
    ("Pay 9876543210@ybl", ["upi"]),
    ("₹ 500 for 3 kg rice", []),
])
def test_find(text, kinds):
    assert personal_data.find(text) == kinds


def test_mask_keeps_only_the_ends():
    text = (f"Kavitha 98765 43210, Aadhaar {AADHAAR}, order {NOT_AADHAAR},"
            " PAN ABCPK1234F, kavitha.m@gmail.com, kavitha@okaxis")
    assert personal_data.mask(text) == (
        "Kavitha 98XXXXXX10, Aadhaar XXXX XXXX 0124, order 2345 6789 0123,"
        " PAN XXXXXXXXXX, k***@gmail.com, k***@okaxis")


def _csv(*texts):
    return ("text\n" + "".join(f"\"{t}\"\n" for t in texts)).encode()


def test_a_refusing_project_lists_every_hit_by_line_and_kind(db, make_project):
    project = make_project(tasks=0, task_type="free_text")
    db.execute("UPDATE projects SET personal_data = 'refuse' WHERE id = ?", (project["id"],))
    project = {**project, "personal_data": "refuse"}
    with pytest.raises(Invalid) as caught:
        importing.import_tasks(db, project, _csv(
            "A clean sentence", "Call 98765 43210 or kavitha@okaxis",
            f"Order {NOT_AADHAAR}", f"Aadhaar {AADHAAR} PAN ABCPK1234F"), "t.csv")
    report = caught.value.detail["report"]
    assert [(e["line"], e["code"]) for e in report["errors"]] == [
        (3, "pii_phone"), (3, "pii_upi"), (5, "pii_aadhaar"), (5, "pii_pan")]
    assert db["tasks"].count == 0


def test_a_masking_project_stores_no_number(db, make_project):
    project = make_project(tasks=0, task_type="free_text")
    assert project["personal_data"] == "mask"  # the default
    importing.import_tasks(db, project, _csv("Call 98765 43210", f"Aadhaar {AADHAAR}"),
                           "t.csv")
    stored = [r["payload_text"] for r in rows(db, "SELECT payload_text FROM tasks"
                                                  " WHERE project_id = ? ORDER BY id",
                                              (project["id"],))]
    assert stored == ["Call 98XXXXXX10", "Aadhaar XXXX XXXX 0124"]


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (640, 480), (30, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = {1: "N", 2: (10.0, 57.0, 36.0), 3: "E", 4: (78.0, 4.0, 48.0)}  # Karur
    exif[0x8825] = gps
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_pictures_lose_their_exif_and_gps_on_import(db, make_project):
    original = _jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the test has GPS
    prepared = prepare_image(original)["data"]
    image = Image.open(io.BytesIO(prepared))
    assert not image.getexif() and "exif" not in image.info
    assert b"PhoneMaker" not in prepared
    # And through a zip import into the database.
    project = make_project(tasks=0, task_type="yes_no")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("tasks.csv", "text,image\nIs it blue?,a.jpg\n")
        archive.writestr("a.jpg", original)
    importing.import_tasks(db, project, out.getvalue(), "t.zip")
    stored = rows(db, "SELECT data, original FROM media WHERE project_id = ?",
                  (project["id"],))
    assert len(stored) == 1 and stored[0]["original"] is None
    assert not Image.open(io.BytesIO(stored[0]["data"])).getexif()
