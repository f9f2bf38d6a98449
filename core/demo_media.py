"""The demo's data collection in Karur (#18): a Tamil transcription project whose clips
are made here at seed time (tones with a little noise, through the same import as a
client's zip) and a photo project asking for shop fronts and crops."""
import io
import json
import zipfile

from . import clips, importing, projects

TRANSCRIBE = {
    "slug": "tamil-transcription",
    "name": {"en": "Tamil transcription", "ta": "தமிழ் ஒலிப்பதிவை எழுதுதல்",
             "hi": "तमिल रिकॉर्डिंग लिखना"},
    "instructions": {
        "en": "Listen to the recording and type in Tamil exactly what you hear. Play it "
              "again as often as you need. Write numbers as words.",
        "ta": "ஒலிப்பதிவைக் கேட்டு, கேட்பதை அப்படியே தமிழில் எழுதுங்கள். தேவையான அளவு "
              "மீண்டும் கேளுங்கள். எண்களை எழுத்தில் எழுதுங்கள்.",
        "hi": "रिकॉर्डिंग सुनें और जो सुनें, ठीक वैसा ही तमिल में लिखें। जितनी बार ज़रूरत हो, "
              "फिर से सुनें। अंक शब्दों में लिखें।"},
}
# (client id, seconds, pitch, a check answer or None): short clips, as a client cuts them.
CLIPS = [("krr-001", 3, 330, "நாளை காலை மழை பெய்யும்"), ("krr-002", 4, 392, None),
         ("krr-003", 2, 440, None), ("krr-004", 5, 262, None), ("krr-005", 3, 494, None),
         ("krr-006", 4, 349, "கிணற்று நீரைக் காய்ச்சிக் குடியுங்கள்")]
PHOTO = {
    "slug": "karur-shop-photos",
    "name": {"en": "Photos of shops and fields", "ta": "கடை, வயல் படங்கள்",
             "hi": "दुकानों और खेतों की फ़ोटो"},
    "instructions": {
        "en": "Take the photo the task asks for, in daylight, holding the phone steady. "
              "Do not take photos of people's faces.",
        "ta": "பணி கேட்கும் படத்தை, பகல் வெளிச்சத்தில், மொபைலை அசையாமல் பிடித்து எடுங்கள். "
              "மனிதர்களின் முகங்களைப் படம் எடுக்க வேண்டாம்.",
        "hi": "काम में जो फ़ोटो माँगी गई है, वह दिन की रोशनी में, फ़ोन को स्थिर रखकर खींचें। "
              "लोगों के चेहरों की फ़ोटो न खींचें।"},
}
PROMPTS = ["கடையின் முன்பக்கம், பெயர்ப் பலகையுடன்", "நெல் வயல், அருகில் இருந்து",
           "சந்தையில் காய்கறிக் கடை", "தென்னை மரம், முழுவதும் தெரியும்படி",
           "பேருந்து நிறுத்தத்தின் பெயர்ப் பலகை"]


def _clips_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        rows = ["file,client_id,gold"]
        for client_id, seconds, hz, gold in CLIPS:
            archive.writestr(f"{client_id}.wav", clips.tone(seconds, hz))
            rows.append(f"{client_id}.wav,{client_id},{gold or ''}")
        archive.writestr("manifest.csv", "\n".join(rows) + "\n")
    return out.getvalue()


def seed(db, centre_id: int) -> None:
    """The transcription and photo projects of a centre, with their tasks."""
    listen = projects.create_project(
        db, centre_id=centre_id, slug=TRANSCRIBE["slug"], task_type="transcribe",
        name=TRANSCRIBE["name"], instructions=TRANSCRIBE["instructions"], pay_paise=200,
        redundancy=2)
    db["projects"].update(listen["id"], {"answer_script": "Taml"})
    importing.import_tasks(db, listen, _clips_zip(), "karur-clips.zip")
    photo = projects.create_project(
        db, centre_id=centre_id, slug=PHOTO["slug"], task_type="photo", name=PHOTO["name"],
        instructions=PHOTO["instructions"], pay_paise=300, redundancy=1)
    # Nothing votes between two photos: the demo's plan draws every one for review.
    db["projects"].update(photo["id"], {"review_share": 1.0})
    importing.import_tasks(db, photo, json_lines({"text": p} for p in PROMPTS),
                           "karur-prompts.jsonl")


def json_lines(rows) -> bytes:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode()
