"""The demo: two centres, accounts in each language, five projects, drawn images."""
import io
import math
import random

from PIL import Image, ImageDraw

from . import demo_data as data
from . import projects, quizzes, users
from .media import prepare_image

ACCOUNTS = [  # login, secret, role, name, lang, centre
    ("9876500001", "2580", "annotator", "Kavitha Murugan", "ta", "KRR"),
    ("9876500002", "2580", "annotator", "Sunita Verma", "hi", "STP"),
    ("9876500003", "2580", "annotator", "Priya Raman", "en", "KRR"),
    ("meena", "velai-demo", "supervisor", "Meena Sundaram", "ta", "KRR"),
    ("rakesh", "velai-demo", "supervisor", "Rakesh Yadav", "hi", "STP"),
    ("admin", "velai-admin", "admin", "Velai Admin", "en", "KRR"),
]
# New annotators with no qualification: each meets her centre's quizzes first.
TRAINEES = [
    ("9876500011", "2580", "annotator", "Lakshmi Selvam", "ta", "KRR"),
    ("9876500012", "2580", "annotator", "Pooja Kumari", "hi", "STP"),
    ("9876500013", "2580", "annotator", "Anita Thomas", "en", "KRR"),
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
    _quizzes(db, rng)
    for login, secret, role, name, lang, centre in TRAINEES:
        users.create_user(db, login=login, password=secret, role=role, name=name,
                          centre=centre, lang=lang, hash_method=hash_method)
    return [(login, secret, role, lang) for login, secret, role, _, lang, _ in
            ACCOUNTS + TRAINEES]


def _quizzes(db, rng) -> None:
    """A quiz on every demo project; the demo annotators made before it stay qualified."""
    for slug, (settings, questions) in data.QUIZZES.items():
        project = quizzes.get_training_project_by_id(
            db, db.execute("SELECT id FROM projects WHERE slug = ?", (slug,)).fetchone()[0])
        supervisor = db.execute("SELECT id FROM users WHERE role = 'supervisor'"
                                " AND centre_id = ?", (project["centre_id"],)).fetchone()[0]
        for question in questions:
            image = prepare_image(leaf_picture(question["answers"], rng)) \
                if slug == "leaf-health-photos" else None
            quizzes.save_question(db, project, question, image=image, actor_id=supervisor)
        annotators = [row[0] for row in db.execute(
            "SELECT id FROM users WHERE role = 'annotator' AND centre_id = ?",
            (project["centre_id"],))]
        for user_id in annotators:
            quizzes.qualify_for(db, user_id, [project], actor_id=supervisor)
        form = {**{k: v[0] for k, v in quizzes.SETTINGS.items()}, "cooldown_hours": 24,
                "max_attempts": 3, **settings, "active": "1"}
        quizzes.save_settings(db, project, {k: str(v) for k, v in form.items()}, supervisor)
