"""Importing tasks: every format, every refusal listed by line, all or nothing."""
import io
import json
import zipfile

import pytest
from PIL import Image

from core import importing
from core.db import one
from core.errors import Conflict, Invalid


def _refusal(db, project, data, name="tasks.csv", **options):
    with pytest.raises(Invalid) as caught:
        importing.import_tasks(db, project, data, name, **options)
    assert caught.value.code == "import_refused"
    assert db["tasks"].count == 0, "a refused import wrote tasks"
    return caught.value.detail["report"]


def _codes(report):
    return [(e["line"], e["code"]) for e in report["errors"]]


def _png(color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), color).save(out, "PNG")
    return out.getvalue()


def _zip(files: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_csv_with_bom_columns_in_any_order_imports_every_field(db, make_project):
    project = make_project(tasks=0)
    data = "\ufeffGold,text,id\npos,இந்தக் கடை நல்லது,c-1\n,மோசமான சேவை,c-2\nNEG,சரி,\n"
    report = importing.import_tasks(db, project, data.encode(), "t.csv", actor_id=None)
    assert (report["rows"], report["imported"], report["skipped"]) == (3, 3, 0)
    rows = list(db.query("SELECT client_id, payload_text, gold_answer, status FROM tasks"
                         " ORDER BY id"))
    assert rows == [
        {"client_id": "c-1", "payload_text": "இந்தக் கடை நல்லது", "gold_answer": "pos",
         "status": "open"},
        {"client_id": "c-2", "payload_text": "மோசமான சேவை", "gold_answer": None,
         "status": "open"},
        {"client_id": None, "payload_text": "சரி", "gold_answer": "neg", "status": "open"}]
    audit = one(db, "SELECT * FROM audit_log WHERE action = 'tasks.import'")
    assert json.loads(audit["detail"])["imported"] == 3


def test_csv_without_bom_and_with_semicolons_is_read(db, make_project):
    project = make_project(tasks=0, task_type="yes_no")
    report = importing.import_tasks(db, project, b"text;gold\nIs it?;yes\nNo;No\n", "t.csv")
    assert report["imported"] == 2
    assert [r["gold_answer"] for r in db.query("SELECT gold_answer FROM tasks")] == ["yes", "no"]


def test_a_semicolon_in_the_text_does_not_make_it_the_separator(db, make_project):
    project = make_project(tasks=0)
    data = "id,text\n1,விலை அதிகம்; தரம் குறைவு\n2,சரி; நல்லது\n".encode()
    assert importing.import_tasks(db, project, data, "t.csv")["imported"] == 2
    assert one(db, "SELECT payload_text FROM tasks")["payload_text"] == "விலை அதிகம்; தரம் குறைவு"


def test_tab_separated_text_from_excel_is_read(db, make_project):
    project = make_project(tasks=0)
    data = "text\tid\nகடை, நல்லது\tx\n".encode()
    assert importing.import_tasks(db, project, data, "t.csv")["imported"] == 1
    assert one(db, "SELECT client_id FROM tasks")["client_id"] == "x"


def test_jsonl_imports_and_free_text_takes_any_gold(db, make_project):
    project = make_project(tasks=0, task_type="free_text")
    data = '{"id": 7, "text": "Good morning", "gold": "காலை வணக்கம்"}\n\n{"text": "Hi"}\n'
    assert importing.import_tasks(db, project, data.encode(), "t.jsonl")["imported"] == 2
    assert one(db, "SELECT client_id, gold_answer FROM tasks ORDER BY id") == {
        "client_id": "7", "gold_answer": "காலை வணக்கம்"}


def test_jsonl_lines_break_only_at_newlines(db, make_project):
    project = make_project(tasks=0, task_type="free_text")
    data = '{"text": "ஒன்று\u2028இரண்டு"}\r\n{"text": "மூன்று\x85"}\r\n'.encode()
    assert importing.import_tasks(db, project, data, "t.jsonl")["imported"] == 2


def test_wrong_columns_are_named_and_nothing_imported(db, make_project):
    project = make_project(tasks=0)
    report = _refusal(db, project, b"id,sentence,label\n1,a,pos\n")
    assert _codes(report) == [(1, "unknown_column"), (1, "unknown_column"),
                              (1, "missing_column")]
    assert {e.get("name") for e in report["errors"]} >= {"sentence", "label"}


@pytest.mark.parametrize("data", [
    "text\nகடை நல்லது\n".encode("utf-16"),  # Excel's "Unicode text", with its BOM
    "text\nகடை நல்லது\n".encode("utf-16-le"),  # no BOM
], ids=["utf16-bom", "utf16-nobom"])
def test_utf16_is_refused_as_a_bad_encoding(db, make_project, data):
    report = _refusal(db, make_project(tasks=0), data)
    assert [e["code"] for e in report["errors"]] == ["bad_encoding"]


def test_cp1252_lines_are_each_listed_as_bad_encoding(db, make_project):
    data = "text\nCafé crème\nplain\nrésumé\n".encode("cp1252")
    report = _refusal(db, make_project(tasks=0), data)
    assert _codes(report) == [(2, "bad_encoding"), (4, "bad_encoding")]


def test_unknown_label_as_gold_is_refused_with_the_answers_allowed(db, make_project):
    project = make_project(tasks=0)
    report = _refusal(db, project, b"text,gold\na,pos\nb,happy\nc,\nd,maybe\n")
    assert _codes(report) == [(3, "unknown_gold"), (5, "unknown_gold")]
    assert report["errors"][0]["allowed"] == "pos, neg"


def test_a_huge_line_is_refused_by_its_number(db, make_project):
    huge = "x" * (importing.MAX_LINE_CHARS + 10)
    report = _refusal(db, make_project(tasks=0), f"text\nok\n{huge}\nfine\n".encode())
    assert _codes(report) == [(3, "line_too_long")]
    report = _refusal(db, make_project(tasks=0, slug="j"),
                      f'{{"text": "ok"}}\n{{"text": "{huge}"}}\n'.encode(), "t.jsonl")
    assert _codes(report) == [(2, "line_too_long")]


def test_text_over_the_task_limit_is_refused(db, make_project):
    long_text = "அ" * (importing.MAX_TEXT_CHARS + 1)
    report = _refusal(db, make_project(tasks=0), f"text\n{long_text}\n".encode())
    assert _codes(report) == [(2, "task_text_too_long")]


@pytest.mark.parametrize("data,code", [
    (b"", "empty_file"), (b"  \n\n", "empty_file"), (b"\xef\xbb\xbf", "empty_file"),
    (b"id,text\n", "no_rows")])
def test_an_empty_file_is_refused(db, make_project, data, code):
    assert [e["code"] for e in _refusal(db, make_project(tasks=0), data)["errors"]] == [code]


def test_rows_without_text_or_image_and_bad_json_are_listed(db, make_project):
    project = make_project(tasks=0)
    data = b'{"text": "ok"}\n{"text": ""}\nnot json\n[1, 2]\n{"txt": "x"}\n{"text": {"a": 1}}\n'
    assert _codes(_refusal(db, project, data, "t.jsonl")) == [
        (2, "empty_task"), (3, "bad_json"), (4, "bad_json"), (5, "unknown_column"),
        (5, "empty_task"), (6, "bad_json")]


def test_duplicate_ids_in_the_file_or_the_project_are_refused_or_skipped(db, make_project):
    project = make_project(tasks=0)
    importing.import_tasks(db, project, b"id,text\na,one\n", "t.csv")
    data = b"id,text\na,again\nb,two\nb,twice\n"
    with pytest.raises(Invalid) as caught:
        importing.import_tasks(db, project, data, "t.csv")
    errors = caught.value.detail["report"]["errors"]
    assert _codes(caught.value.detail["report"]) == [(2, "existing_id"), (4, "duplicate_id")]
    assert errors[1]["first"] == 3
    assert db["tasks"].count == 1
    report = importing.import_tasks(db, project, data, "t.csv", skip_duplicates=True)
    assert (report["imported"], report["skipped"]) == (1, 2)
    assert [r["payload_text"] for r in db.query("SELECT payload_text FROM tasks ORDER BY id")] \
        == ["one", "two"]


def test_an_oversized_file_is_refused_before_it_is_read(db, make_project, monkeypatch):
    monkeypatch.setattr(importing, "MAX_FILE_BYTES", 100)
    report = _refusal(db, make_project(tasks=0), b"text\n" + b"x\n" * 100)
    assert [e["code"] for e in report["errors"]] == ["file_too_big"]


def test_a_zip_of_pictures_with_a_csv_manifest_imports_them_shrunk(db, make_project):
    project = make_project(tasks=0)
    data = _zip({"batch/tasks.csv": "id,image,gold\nleaf-1,pics/a.png,pos\nleaf-2,pics/b.png,\n",
                 "batch/pics/a.png": _png(), "batch/pics/b.png": _png((0, 90, 0))})
    report = importing.import_tasks(db, project, data, "upload.zip")
    assert report["imported"] == 2
    rows = list(db.query("SELECT t.client_id, t.image_ref, m.width, length(m.data) AS size"
                         " FROM tasks t JOIN media m ON m.id = t.media_id ORDER BY t.id"))
    assert [(r["client_id"], r["image_ref"], r["width"]) for r in rows] == [
        ("leaf-1", "pics/a.png", 360), ("leaf-2", "pics/b.png", 360)]
    assert all(r["size"] <= 40 * 1024 for r in rows)


def test_a_zip_with_a_jsonl_manifest_lists_missing_and_bad_pictures(db, make_project):
    project = make_project(tasks=0)
    data = _zip({"tasks.jsonl": '{"image": "a.png"}\n{"image": "gone.png"}\n'
                                '{"image": "bad.png", "text": "x"}\n',
                 "a.png": _png(), "bad.png": b"not a picture"})
    assert _codes(_refusal(db, project, data, "u.zip")) == [
        (2, "missing_picture"), (3, "bad_picture")]
    assert db["media"].count == 0


def _claimed_size_png(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width x height (a decompression bomb's header)."""
    import struct
    import zlib as zlib_
    data = bytearray(_png())
    ihdr = data.index(b"IHDR")
    data[ihdr + 4:ihdr + 12] = struct.pack(">II", width, height)
    data[ihdr + 17:ihdr + 21] = struct.pack(">I", zlib_.crc32(bytes(data[ihdr:ihdr + 17])))
    return bytes(data)


@pytest.mark.parametrize("width,height", [(13000, 13000), (8000, 8000)])
def test_a_picture_claiming_too_many_pixels_is_refused_by_line_before_decoding(
        db, make_project, monkeypatch, width, height):
    """169 megapixels in 37 KB took 812 MB to decode: the header's size is checked first
    (8000 x 8000 is where Pillow would only have warned)."""
    from core import media

    load = Image.Image.load

    def decoded(image):
        assert image.width * image.height <= media.MAX_PIXELS, "the bomb was decoded"
        return load(image)

    monkeypatch.setattr(Image.Image, "load", decoded)
    data = _zip({"tasks.csv": "image\na.png\nbomb.png\n", "a.png": _png(),
                 "bomb.png": _claimed_size_png(width, height)})
    report = _refusal(db, make_project(tasks=0), data, "u.zip")
    assert [(e["line"], e["code"], e["limit"]) for e in report["errors"]] == [
        (3, "image_too_large", 50)]
    assert db["media"].count == 0
    with pytest.raises(Invalid) as refused:
        media.prepare_image(_claimed_size_png(width, height))
    assert refused.value.code == "image_too_large"


def test_a_csv_naming_pictures_without_a_zip_is_refused_on_the_web(db, make_project):
    report = _refusal(db, make_project(tasks=0), b"image\na.png\n")
    assert _codes(report) == [(2, "picture_needs_zip")]


@pytest.mark.parametrize("name", ["../evil.png", "a/../../evil.png", "/etc/evil.png",
                                  "C:/evil.png", "..\\evil.png"])
def test_a_zip_with_paths_outside_it_is_refused_whole(db, make_project, name):
    data = _zip({"tasks.csv": "image\nok.png\n", "ok.png": _png(), name: _png()})
    report = _refusal(db, make_project(tasks=0), data, "u.zip")
    assert [e["code"] for e in report["errors"]] == ["unsafe_path"]


def test_a_zip_bomb_is_refused_by_its_declared_size(db, make_project):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("tasks.csv", "image\nbig.png\n")
        archive.writestr("big.png", b"\0" * (importing.MAX_UNZIPPED_BYTES + 1))
    assert len(bomb.getvalue()) < 1024 * 1024  # 200 MB of zeros in a few hundred KB
    report = _refusal(db, make_project(tasks=0), bomb.getvalue(), "u.zip")
    assert [e["code"] for e in report["errors"]] == ["zip_too_big"]


def test_a_zip_that_lies_about_its_sizes_is_stopped_while_reading(db, make_project,
                                                                  monkeypatch):
    """A member whose header declares a few bytes but expands to many: the bytes are
    counted as they are read, whatever the header says."""
    monkeypatch.setattr(importing, "MAX_UNZIPPED_BYTES", 2 * 1024 * 1024)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("tasks.csv", "image\nbig.png\n")
        archive.writestr("big.png", b"\0" * (3 * 1024 * 1024))
    data = bytearray(out.getvalue())
    # Rewrite the declared size of big.png (local header and central directory) to 10.
    real = (3 * 1024 * 1024).to_bytes(4, "little")
    assert data.count(real) == 2
    data = bytes(data).replace(real, (10).to_bytes(4, "little"))
    report = _refusal(db, make_project(tasks=0), data, "u.zip")
    assert [e["code"] for e in report["errors"]] == ["bad_picture"]


def test_bytes_are_counted_while_reading_whatever_the_zip_declares():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.png", b"\0" * 500_000)
    archive = zipfile.ZipFile(out)
    budget = [100_000]  # what is left of the limit for this zip
    with pytest.raises(Invalid) as caught:
        importing._read_member(archive, archive.infolist()[0], budget, limit=10**9)
    assert caught.value.code == "zip_too_big" and budget[0] < 0
    with pytest.raises(Invalid) as caught:
        importing._read_member(archive, archive.infolist()[0], [10**9], limit=200_000)
    assert caught.value.code == "picture_too_big"


def test_a_zip_needs_exactly_one_manifest(db, make_project):
    project = make_project(tasks=0)
    assert [e["code"] for e in _refusal(db, project, _zip({"a.png": _png()}), "u.zip")[
        "errors"]] == ["no_manifest"]
    assert [e["code"] for e in _refusal(db, project, _zip({"a.csv": "text\nx\n",
                                                           "b.jsonl": '{"text": "y"}\n'}),
                                        "u.zip")["errors"]] == ["many_manifests"]
    assert [e["code"] for e in _refusal(db, project, b"PK\x03\x04broken", "u.zip")[
        "errors"]] == ["bad_zip"]


def test_progress_is_reported_while_checking_and_writing(db, make_project):
    project = make_project(tasks=0)
    seen = []
    data = ("text\n" + "".join(f"row {i}\n" for i in range(2500))).encode()
    importing.import_tasks(db, project, data, "t.csv",
                           progress=lambda step, done, total: seen.append((step, done, total)))
    assert ("check", 1001, 2502) in seen or any(s[0] == "check" and s[1] < s[2] for s in seen)
    assert seen[-1] == ("write", 2500, 2500)
    assert db["tasks"].count == 2500


def test_ids_taken_by_another_import_meanwhile_refuse_the_whole_file(db, make_project,
                                                                     monkeypatch):
    project = make_project(tasks=0)
    real_check = importing.check

    def check_then_another_import(*args, **kwargs):
        found = real_check(*args, **kwargs)
        db.execute("INSERT INTO tasks (project_id, client_id, payload_text, created_at)"
                   " VALUES (?, 'b', 'theirs', '2026-12-01 10:00:00')", (project["id"],))
        return found

    monkeypatch.setattr(importing, "check", check_then_another_import)
    with pytest.raises(Conflict) as caught:
        importing.import_tasks(db, project, b"id,text\na,mine\nb,mine too\n", "t.csv")
    assert caught.value.code == "duplicate_race"
    assert [r["payload_text"] for r in db.query("SELECT payload_text FROM tasks")] == ["theirs"]


def test_the_same_file_twice_is_refused_the_second_time(db, make_project):
    project = make_project(tasks=0)
    data = "text\nஒன்று\nஇரண்டு\n".encode()
    assert importing.import_tasks(db, project, data, "t.csv")["imported"] == 2
    assert [e["code"] for e in _refusal_after(db, project, data)] == ["same_file"]
    other = make_project(tasks=0, slug="other")
    assert importing.import_tasks(db, other, data, "t.csv")["imported"] == 2


def _refusal_after(db, project, data):
    before = db["tasks"].count
    with pytest.raises(Invalid) as caught:
        importing.import_tasks(db, project, data, "t.csv")
    assert db["tasks"].count == before
    return caught.value.detail["report"]["errors"]


def test_a_task_file_names_every_kind_of_problem_in_one_pass(db, make_project):
    """#15: a bad header, bad values, duplicates, a too-long text and bad bytes all named
    at once (the header's problem no longer hides the rows'), and nothing imported."""
    project = make_project(tasks=0)
    lines = ["id,text,gold,colour", "t1,Fine,pos,red", "t2,Bad gold,maybe,red",
             "t3,Fine,pos,red", "t2,Bad gold and a second t2,maybe,red", "t5,Fine,,red",
             "t1,A second t1,,red", "t8,Fine,,red", "t9," + "அ" * 5001 + ",,red"]
    data = ("\n".join(lines) + "\n").encode() + b"t10,caf\xe9,,red\n"
    assert _codes(_refusal(db, project, data)) == [
        (10, "bad_encoding"), (1, "unknown_column"), (3, "unknown_gold"),
        (5, "unknown_gold"), (5, "duplicate_id"), (7, "duplicate_id"),
        (9, "task_text_too_long")]


def test_a_file_without_a_text_column_still_has_its_rows_checked(db, make_project):
    project = make_project(tasks=0)
    report = _refusal(db, project, b"id,gold\na,pos\na,nope\n")
    assert _codes(report) == [(1, "missing_column"), (3, "unknown_gold"), (3, "duplicate_id")]


def test_another_check_adds_its_problems_to_the_same_pass(db, make_project, monkeypatch):
    """The seam a later check (personal data in task text) uses: one more ROW_CHECKS entry,
    its problems listed by line beside the others, the file refused whole."""
    def no_digits(line, task, report, ctx):
        if any(ch.isdigit() for ch in task["text"] or ""):
            report.error(line, "digits")

    monkeypatch.setattr(importing, "ROW_CHECKS", (*importing.ROW_CHECKS, no_digits))
    project = make_project(tasks=0)
    report = _refusal(db, project, b"text,gold\nCall 98765,pos\nFine,nope\n")
    assert _codes(report) == [(2, "digits"), (3, "unknown_gold")]
