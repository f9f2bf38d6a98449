"""Clips for a transcription project: a zip with a manifest (file, client_id, gold),
checked whole first, every problem by line, then all or nothing; each clip kept as a
small Opus copy with its length. Prompts for record and photo projects are text rows."""
import io
import zipfile

import av
import pytest

from core import clips, importing
from core.db import one
from core.errors import Invalid


def _zip(files: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def _refusal(db, project, data, name="clips.zip"):
    with pytest.raises(Invalid) as caught:
        importing.import_tasks(db, project, data, name)
    assert db["tasks"].count == 0 and db["media"].count == 0, "a refused import wrote"
    return [(e["line"], e["code"]) for e in caught.value.detail["report"]["errors"]]


def test_a_five_second_clip_becomes_opus_under_the_listening_budget():
    clip = clips.prepare_clip(clips.tone(5, rate=44_100))
    assert clip["duration_ms"] == 5000 and clip["content_type"] == "audio/ogg"
    assert len(clip["data"]) <= 16 * 1024
    with av.open(io.BytesIO(clip["data"])) as played:
        stream = played.streams.audio[0]
        assert stream.codec_context.name == "opus" and stream.codec_context.channels == 1


def test_a_zip_of_clips_imports_each_with_its_id_gold_and_length(db, make_project):
    project = make_project(task_type="transcribe", tasks=0)
    data = _zip({"clips/manifest.csv": "file,client_id,gold\na.wav,c-1,வணக்கம்\n"
                                       "sub/b.wav,c-2,\n",
                 "clips/a.wav": clips.tone(2), "clips/sub/b.wav": clips.tone(3, hz=300)})
    report = importing.import_tasks(db, project, data, "clips.zip")
    assert report["imported"] == 2
    rows = list(db.query("SELECT t.client_id, t.gold_answer, t.image_ref, m.kind,"
                         " m.duration_ms, m.content_type, m.user_id FROM tasks t"
                         " JOIN media m ON m.id = t.media_id ORDER BY t.client_id"))
    assert rows == [
        {"client_id": "c-1", "gold_answer": "வணக்கம்", "image_ref": "a.wav", "kind": "audio",
         "duration_ms": 2000, "content_type": "audio/ogg", "user_id": None},
        {"client_id": "c-2", "gold_answer": None, "image_ref": "sub/b.wav", "kind": "audio",
         "duration_ms": 3000, "content_type": "audio/ogg", "user_id": None}]


def test_every_bad_clip_is_named_by_its_line_and_nothing_is_written(db, make_project,
                                                                    monkeypatch):
    monkeypatch.setattr(clips, "MAX_SECONDS", 4)
    monkeypatch.setattr(clips.prepare_clip, "__defaults__", (4,))
    project = make_project(task_type="transcribe", tasks=0)
    data = _zip({"m.csv": "file,id\ngood.wav,1\nnot-here.wav,2\nnoise.wav,3\n"
                          "long.wav,4\n,5\ngood.wav,1\n",
                 "good.wav": clips.tone(1), "noise.wav": b"RIFF....WAVE" + b"\0" * 200,
                 "long.wav": clips.tone(6)})
    assert _refusal(db, project, data) == [
        (3, "missing_clip"), (4, "bad_clip"), (5, "clip_too_long"), (6, "clip_needed"),
        (7, "duplicate_id")]


def test_a_zip_that_escapes_its_folder_is_refused_before_any_clip_is_decoded(
        db, make_project, monkeypatch):
    decoded = []
    monkeypatch.setattr(clips, "prepare_clip", lambda data, *a: decoded.append(data))
    project = make_project(task_type="transcribe", tasks=0)
    data = _zip({"m.csv": "file\na.wav\n", "a.wav": clips.tone(1),
                 "../../etc/evil.wav": b"x"})
    assert _refusal(db, project, data) == [(None, "unsafe_path")]
    assert decoded == []


def test_clips_are_refused_where_no_one_listens_and_prompts_are_text(db, make_project):
    photo = make_project(task_type="photo", tasks=0)
    data = _zip({"m.csv": "file,text\na.wav,Shop front\n", "a.wav": clips.tone(1)})
    assert _refusal(db, photo, data) == [(2, "no_clips_here")]
    report = importing.import_tasks(
        db, photo, "id,text\np-1,Photo of a shop front\np-2,கடையின் முன்பக்கம்\n".encode(),
        "prompts.csv")
    assert report["imported"] == 2
    assert [r["payload_text"] for r in db.query("SELECT payload_text FROM tasks"
                                                 " ORDER BY id")] == \
        ["Photo of a shop front", "கடையின் முன்பக்கம்"]
    assert one(db, "SELECT count(*) AS n FROM media")["n"] == 0
