"""The demo: two centres, accounts in each language, five projects, drawn images."""
import datetime as dt
import io
import math
import random

from PIL import Image, ImageDraw

from . import demo_data as data
from . import projects, review, tasks, users
from .db import one, stamp, utcnow
from .media import prepare_image

ACCOUNTS = [  # login, secret, role, name, lang, centre
    ("9876500001", "2580", "annotator", "Kavitha Murugan", "ta", "KRR"),
    ("9876500002", "2580", "annotator", "Sunita Verma", "hi", "STP"),
    ("9876500003", "2580", "annotator", "Priya Raman", "en", "KRR"),
    ("9876500004", "2580", "annotator", "Selvi Kumar", "ta", "KRR"),
    ("9876500005", "2580", "annotator", "Lakshmi Devi", "ta", "KRR"),
    ("9876500006", "2580", "annotator", "Pooja Singh", "hi", "STP"),
    ("9876500007", "2580", "annotator", "Rekha Gupta", "hi", "STP"),
    ("9876500008", "2580", "annotator", "Revathi Senthil", "ta", "KRR"),
    ("9876500009", "2580", "annotator", "Geeta Sharma", "hi", "STP"),
    ("meena", "velai-demo", "supervisor", "Meena Sundaram", "ta", "KRR"),
    ("anitha", "velai-demo", "supervisor", "Anitha Rajan", "ta", "KRR"),
    ("rakesh", "velai-demo", "supervisor", "Rakesh Yadav", "hi", "STP"),
    ("admin", "velai-admin", "admin", "Velai Admin", "en", "KRR"),
]
CENTRES = {"KRR": "Karur", "STP": "Sitapur"}


def _labels(rows):
    return [(value, {"en": en, "ta": ta, "hi": hi}) for value, en, ta, hi in rows]


def _project(db, centre_id, slug, task_type, labels=(), pay_paise=50, redundancy=3):
    info = data.PROJECTS[slug]
    return projects.create_project(
        db, centre_id=centre_id, slug=slug, task_type=task_type, name=info["name"],
        instructions=info["instructions"], labels=_labels(labels), pay_paise=pay_paise,
        redundancy=redundancy)


def leaf_picture(kind: str, rng: random.Random) -> bytes:
    """A crop leaf drawn on soil: healthy, spotted, yellowing, or a stone (not a leaf)."""
    w, h = 360, 240
    image = Image.new("RGB", (w, h), (150 + rng.randint(-20, 20), 110, 70))
    draw = ImageDraw.Draw(image)
    for _ in range(300):  # soil grain
        x, y = rng.randrange(w), rng.randrange(h)
        shade = rng.randint(90, 170)
        draw.point((x, y), fill=(shade, int(shade * 0.75), int(shade * 0.5)))
    cx, cy = w // 2 + rng.randint(-30, 30), h // 2 + rng.randint(-15, 15)
    if kind == "not_leaf":
        r = rng.randint(50, 80)
        grey = rng.randint(110, 170)
        draw.ellipse((cx - r, cy - r * 0.7, cx + r, cy + r * 0.7), fill=(grey, grey, grey - 10))
        return _png(image)
    colour = {"healthy": (40, 140, 50), "spots": (50, 130, 45),
              "yellow": (200, 190, 60)}[kind]
    length, width = rng.randint(110, 150), rng.randint(40, 60)
    angle = rng.uniform(-0.6, 0.6)
    outline = []
    for i in range(41):  # a pointed ellipse, rotated
        t = math.pi * i / 20
        x, y = length * math.cos(t), width * math.sin(t) * abs(math.sin(t / 2) + 0.3)
        outline.append((cx + x * math.cos(angle) - y * math.sin(angle),
                        cy + x * math.sin(angle) + y * math.cos(angle)))
    draw.polygon(outline, fill=colour)
    tip = (cx + length * math.cos(angle), cy + length * math.sin(angle))
    base = (cx - length * math.cos(angle), cy - length * math.sin(angle))
    draw.line([base, tip], fill=(30, 90, 30), width=3)
    if kind == "spots":
        for _ in range(rng.randint(6, 12)):
            s = rng.uniform(-0.8, 0.8)
            px = cx + s * length * math.cos(angle) + rng.uniform(-18, 18)
            py = cy + s * length * math.sin(angle) + rng.uniform(-12, 12)
            r = rng.randint(4, 9)
            draw.ellipse((px - r, py - r, px + r, py + r), fill=(110, 70, 30))
    return _png(image)


def _png(image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def seed(db, hash_method="scrypt") -> list[tuple]:
    """Load the demo into an empty database; returns (login, secret, role, lang) rows."""
    for code, name in CENTRES.items():
        users.get_centre(db, code, name, create=True)
    for login, secret, role, name, lang, centre in ACCOUNTS:
        users.create_user(db, login=login, password=secret, role=role, name=name,
                          centre=centre, lang=lang, hash_method=hash_method)
    karur = users.get_centre(db, "KRR")["id"]
    sitapur = users.get_centre(db, "STP")["id"]

    sentiment = _project(db, karur, "tamil-review-sentiment", "single_choice",
                         data.SENTIMENT_LABELS)
    projects.add_tasks(db, sentiment["id"], [{"text": t} for t, _ in data.TAMIL_REVIEWS])
    rng = random.Random(7)
    leaf = _project(db, karur, "leaf-health-photos", "single_choice", data.LEAF_LABELS,
                    pay_paise=60)
    kinds = [row[0] for row in data.LEAF_LABELS]
    leaves = [rng.choice(kinds) for _ in range(24)]
    projects.add_tasks(db, leaf["id"], [
        {"image": prepare_image(leaf_picture(kind, rng)), "gold": kind if i % 6 == 0 else None}
        for i, kind in enumerate(leaves)])
    translate = _project(db, karur, "english-to-tamil", "free_text", pay_paise=150)
    projects.add_tasks(db, translate["id"], [{"text": t} for t in data.ENGLISH_TO_TAMIL])

    topic = _project(db, sitapur, "hindi-headline-topic", "single_choice", data.TOPIC_LABELS)
    projects.add_tasks(db, topic["id"], [{"text": t} for t, _ in data.HINDI_HEADLINES])
    question = _project(db, sitapur, "hindi-is-it-a-question", "yes_no", pay_paise=30)
    projects.add_tasks(db, question["id"], [{"text": t} for t, _ in data.HINDI_QUESTIONS])
    _past_answers(db, sentiment, data.TAMIL_REVIEWS, data.SENTIMENT_LABELS,
                  ("9876500004", "9876500005", "9876500008"))
    _past_answers(db, topic, data.HINDI_HEADLINES, data.TOPIC_LABELS,
                  ("9876500006", "9876500007", "9876500009"))
    review.auto_accept(db)  # the oldest are past their review window already
    return [(login, secret, role, lang) for login, secret, role, _, lang, _ in ACCOUNTS]


# Who of the three gives another label than the text's own, on which of the last tasks.
_DISSENT = {1: (2,), 3: (2,), 4: (2,), 2: (1,), 5: (1,), 7: (1,)}
_CHECKS = (0, 2, 5)  # of the last tasks, these are check tasks
PAST_TASKS = 9


def _past_answers(db, project, texts, label_rows, logins, now=None):
    """Three annotators' answers to the project's last PAST_TASKS tasks, one to five days
    ago, through the same claim and record_answer as the app: most agree, some do not, so
    the review queue has answers waiting (some against the majority), the oldest are
    accepted as past their review window, and the dashboard has days to draw. The first
    tasks stay untouched for the people trying the demo."""
    now = now or utcnow()
    values = [row[0] for row in label_rows]
    rows = list(db.query("SELECT id, payload_text FROM tasks WHERE project_id = ?"
                         " ORDER BY id DESC LIMIT ?", (project["id"], PAST_TASKS)))
    truth = dict(texts)
    for j, task in enumerate(reversed(rows)):
        when = now - dt.timedelta(days=1 + j % 2 if j < 6 else 4 + j % 2, hours=j)
        right = truth[task["payload_text"]]
        if j in _CHECKS:  # a check task: the dashboard draws its score, a miss is rejected
            db.execute("UPDATE tasks SET gold_answer = ? WHERE id = ?", (right, task["id"]))
        for k, login in enumerate(logins):
            user_id = one(db, "SELECT id FROM users WHERE login = ?", (login,))["id"]
            answer = values[(values.index(right) + 1) % len(values)] \
                if k in _DISSENT.get(j, ()) else right
            cursor = db.execute(
                "INSERT INTO assignments (task_id, user_id, project_id, claimed_at,"
                " lease_expires_at) VALUES (?, ?, ?, ?, ?)",
                (task["id"], user_id, project["id"], stamp(when),
                 stamp(when + dt.timedelta(seconds=project["lease_seconds"]))))
            tasks.record_answer(db, cursor.lastrowid, user_id, answer,
                                seconds=1 if (k == 1 and j % 3 == 0) else 6 + 2 * k + j,
                                now=when + dt.timedelta(seconds=30))
