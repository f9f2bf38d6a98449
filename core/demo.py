"""The demo: four centres, accounts in each language, twelve projects, drawn images,
clips and recordings."""
import datetime as dt
import io
import math
import random

from PIL import Image, ImageDraw

from . import demo_data as data, demo_media
from . import (audio, clients, consent, payment_details, projects, qualifications, quiz_bank,
               recordings, review, tasks, users)
from .clock import IST, stamp, utcnow
from .db import one, write
from .media import prepare_image

ACCOUNTS = [  # login, secret, role, name, lang, centre
    ("9876500001", "3917", "annotator", "Kavitha Murugan", "ta", "KRR"),
    ("9876500002", "3917", "annotator", "Sunita Verma", "hi", "STP"),
    ("9876500003", "3917", "annotator", "Priya Raman", "en", "KRR"),
    ("9876500009", "3917", "annotator", "Lakshmi Selvam", "ta", "KRR"),  # paused by checks
    ("9876500021", "3917", "annotator", "Selvi Kumar", "ta", "KRR"),
    ("9876500022", "3917", "annotator", "Malar Devi", "ta", "KRR"),
    ("9876500023", "3917", "annotator", "Neha Singh", "hi", "STP"),
    ("9876500024", "3917", "annotator", "Rekha Gupta", "hi", "STP"),
    ("9876500025", "3917", "annotator", "Revathi Senthil", "ta", "KRR"),
    ("9876500026", "3917", "annotator", "Geeta Sharma", "hi", "STP"),
    ("meena", "velai-demo", "supervisor", "Meena Sundaram", "ta", "KRR"),
    ("rakesh", "velai-demo", "supervisor", "Rakesh Yadav", "hi", "STP"),
    ("admin", "velai-admin", "admin", "Velai Admin", "en", "KRR"),
    ("anitha", "velai-demo", "supervisor", "Anitha Selvam", "ta", "KRR"),
    # Karur's supervisor for one client alone (#19): she sees nothing of the other's work.
    ("kala", "velai-demo", "supervisor", "Kala Ramesh", "ta", "KRR"),
    ("shilpa", "velai-demo", "supervisor", "Shilpa Patil", "kn", "HBL"),
    ("9876500031", "3917", "annotator", "Savitri Hiremath", "kn", "HBL"),
    ("9876500032", "3917", "annotator", "Mahadevi Kulkarni", "kn", "HBL"),
    ("ravi", "velai-demo", "supervisor", "Ravi Teja", "te", "VJA"),
    ("9876500041", "3917", "annotator", "Lakshmi Prasanna", "te", "VJA"),
]
# New annotators with no qualification: each meets her centre's quizzes first.
TRAINEES = [
    ("9876500011", "3917", "annotator", "Divya Murugan", "ta", "KRR"),
    ("9876500012", "3917", "annotator", "Pooja Kumari", "hi", "STP"),
    ("9876500013", "3917", "annotator", "Anita Thomas", "en", "KRR"),
    ("9876500014", "3917", "annotator", "Roopa Naik", "kn", "HBL"),
]
# code: (name, the languages it works in: each live project has its labels in all).
CENTRES = {"KRR": ("Karur", ["ta", "en"]), "STP": ("Sitapur", ["hi", "en"]),
           "HBL": ("Hubballi", ["kn", "en"]), "VJA": ("Vijayawada", ["te", "en"])}


def _labels(rows):
    """(value, {lang: text}) pairs, from (value, en, ta, hi) rows or already so."""
    return [row if len(row) == 2 else (row[0], dict(zip(("en", "ta", "hi"), row[1:])))
            for row in rows]


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


def _south(db, rng) -> None:
    """Hubballi works in Kannada: reviews to judge and leaf photos; Vijayawada in Telugu."""
    hubli = users.get_centre(db, "HBL")["id"]
    reviews = _project(db, hubli, "kannada-review-sentiment", "single_choice",
                       data.KANNADA_SENTIMENT_LABELS)
    projects.add_tasks(db, reviews["id"], [{"text": t} for t, _ in data.KANNADA_REVIEWS])
    leaf = _project(db, hubli, "hubli-leaf-photos", "single_choice", data.KANNADA_LEAF_LABELS,
                    pay_paise=60)
    kinds = [row[0] for row in data.KANNADA_LEAF_LABELS]
    projects.add_tasks(db, leaf["id"], [
        {"image": prepare_image(leaf_picture(kind, rng)), "gold": kind if i % 6 == 0 else None}
        for i, kind in enumerate(rng.choice(kinds) for _ in range(18))])
    telugu = _project(db, users.get_centre(db, "VJA")["id"], "telugu-is-it-a-question",
                      "yes_no", pay_paise=30)
    projects.add_tasks(db, telugu["id"], [{"text": t} for t, _ in data.TELUGU_QUESTIONS])


def _karur_clients(db, karur: int, leaf: dict) -> None:
    """Karur works for two clients (#19): the reviews and translations are one company's,
    the leaf photos an agritech's; Kala supervises the agritech's work alone."""
    admin = one(db, "SELECT * FROM users WHERE login = 'admin'")
    first = one(db, "SELECT id FROM clients WHERE centre_id = ? ORDER BY id LIMIT 1", (karur,))
    clients.rename_client(db, admin, first["id"], data.CLIENTS[0])
    agritech = clients.add_client(db, admin, karur, data.CLIENTS[1])
    clients.set_project_client(db, admin, leaf["id"], agritech["id"])
    kala = one(db, "SELECT id FROM users WHERE login = 'kala'")
    clients.limit_supervisor(db, admin, kala["id"], [agritech["id"]])


def _past_views(db) -> None:
    """The access log's past: the demo writes its old answers straight in, backdated, so
    each gets the view the app would have logged when it was claimed (no session: not
    from a phone)."""
    with write(db):
        db.execute("INSERT INTO access_log (at, user_id, kind, task_id, media_id, project_id,"
                   " client_id) SELECT a.claimed_at, a.user_id, 'task', a.task_id, t.media_id,"
                   " a.project_id, p.client_id FROM assignments a JOIN tasks t ON t.id = a.task_id"
                   " JOIN projects p ON p.id = a.project_id WHERE NOT EXISTS (SELECT 1"
                   " FROM access_log l WHERE l.task_id = a.task_id AND l.user_id = a.user_id)"
                   " ORDER BY a.claimed_at, a.id")


def _miss_checks(db, login: str, project: dict) -> None:
    """Her answers in a project: check tasks right twice, then wrong until the misses
    pause her (core.gold), as her supervisor will find her; ordinary ones "healthy"."""
    user = one(db, "SELECT * FROM users WHERE login = ?", (login,))
    project = one(db, "SELECT * FROM projects WHERE id = ?", (project["id"],))
    checks = 0
    while qualifications.get_status(db, user["id"], project["id"]) != "paused":
        held = tasks.claim_next(db, user["id"], project)
        if held is None:
            return
        answer = held["gold_answer"] or "healthy"
        if held["gold_answer"] is not None:
            checks += 1
            if checks > 2:
                answer = "not_leaf" if held["gold_answer"] != "not_leaf" else "healthy"
        tasks.record_answer(db, held["id"], user["id"], answer)


def _png(image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


DEMO_REVIEW_PLAN = {"review_share": 0.1, "review_first": 5, "review_fast": 1,
                    "review_seed": 15}


def seed(db, hash_method="scrypt") -> list[tuple]:
    """Load the demo into an empty database; returns (login, secret, role, lang) rows."""
    for code, (name, langs) in CENTRES.items():
        centre = users.get_centre(db, code, name, create=True)
        projects.set_centre_languages(db, centre["id"], langs)
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
    # Four check tasks are enough to judge here; Lakshmi misses two and is paused.
    db["projects"].update(leaf["id"], {"gold_min_answers": 4})
    _miss_checks(db, "9876500009", leaf)
    translate = _project(db, karur, "english-to-tamil", "free_text", pay_paise=150)
    projects.add_tasks(db, translate["id"], [{"text": t} for t in data.ENGLISH_TO_TAMIL])
    _karur_clients(db, karur, leaf)

    topic = _project(db, sitapur, "hindi-headline-topic", "single_choice", data.TOPIC_LABELS)
    projects.add_tasks(db, topic["id"], [{"text": t} for t, _ in data.HINDI_HEADLINES])
    question = _project(db, sitapur, "hindi-is-it-a-question", "yes_no", pay_paise=30)
    projects.add_tasks(db, question["id"], [{"text": t} for t, _ in data.HINDI_QUESTIONS])
    # Review by sample and by rule (core/review_plan.py): a tenth at random, each one's
    # first five, and answers quicker than the minimum; a fixed seed, so the demo's
    # queue is the same on every machine.
    for project in (sentiment, topic):
        db["projects"].update(project["id"], DEMO_REVIEW_PLAN)
    _past_answers(db, sentiment, data.TAMIL_REVIEWS, data.SENTIMENT_LABELS,
                  ("9876500021", "9876500022", "9876500025"))
    _past_answers(db, topic, data.HINDI_HEADLINES, data.TOPIC_LABELS,
                  ("9876500023", "9876500024", "9876500026"))
    _south(db, random.Random(17))  # its own draws: the others keep their pictures
    demo_media.seed(db, karur)  # listening and photos (#18)
    review.auto_accept(db)  # the oldest are past their review window already
    _last_week(db)
    _held_task(db, sentiment, data.BROKEN_REVIEW, ("9876500001", "9876500003"))
    _quizzes(db, rng)
    _speech(db, karur)
    _past_views(db)
    for login, secret, role, name, lang, centre in TRAINEES:
        users.create_user(db, login=login, password=secret, role=role, name=name,
                          centre=centre, lang=lang, hash_method=hash_method)
    _listened(db)
    # The demo's annotators agreed at their first login, as the people they stand for
    # would have; anyone a supervisor adds is asked (core.consent).
    for row in db.query("SELECT id FROM users WHERE role IN ('annotator')"):
        consent.record(db, row["id"], None)
    return [(login, secret, role, lang) for login, secret, role, _, lang, _ in
            ACCOUNTS + TRAINEES]


# Who was paid where, and what each did last week: (project, answers, of them pending).
# Confirmed details, so that last week's payout can be drafted at once: by the admin, as the
# supervisors who draft may not confirm the details their first payout pays to (#16).
PAID_TO = {
    "9876500001": ("admin", {"kind": "vpa", "upi_id": "kavitha.m@okaxis",
                            "account_name": "KAVITHA M"}),
    "9876500002": ("admin", {"kind": "bank_account", "account_number": "30219876543",
                              "ifsc": "SBIN0011352", "account_name": "SUNITA DEVI"}),
    "9876500003": ("admin", {"kind": "bank_account", "account_number": "50100123456789",
                             "ifsc": "HDFC0001234", "account_name": "PRIYA S"}),
}
LAST_WEEK = {
    "9876500001": (("tamil-review-sentiment", 8, 1), ("english-to-tamil", 3, 0)),
    "9876500002": (("hindi-headline-topic", 6, 1),),
    "9876500003": (("english-to-tamil", 4, 1), ("leaf-health-photos", 4, 0)),
}


def _speech(db, centre_id) -> None:
    """A Tamil project of sentences to read aloud and the project whose listeners check
    its recordings, linked; three sentences recorded already (a voiced buzz standing in
    for a voice), so the check has work too."""
    made = {}
    for slug, task_type, pay, redundancy in (("tamil-read-aloud", "record", 300, 1),
                                             ("tamil-recording-check", "verify_recording", 40,
                                              3)):
        info = data.SPEECH_PROJECTS[slug]
        made[slug] = projects.create_project(
            db, centre_id=centre_id, slug=slug, task_type=task_type, name=info["name"],
            instructions=info["instructions"], labels=(), pay_paise=pay,
            redundancy=redundancy,  # Tamil first: the language it records in
            langs=["ta", *(lang for lang in info["name"] if lang != "ta")])
    record = made["tamil-read-aloud"]
    projects.add_tasks(db, record["id"], [{"text": t} for t in data.TAMIL_SENTENCES])
    recordings.link(db, record, made["tamil-recording-check"])
    record = db["projects"].get(record["id"])
    selvi = one(db, "SELECT * FROM users WHERE login = ?", ("9876500021",))
    for seconds in (3.0, 4.0, 3.5):
        assignment = tasks.claim_next(db, selvi["id"], record)
        fields = audio.prepare_recording(audio.speechlike_wav(seconds), "audio/wav", 15)
        tasks.record(db, assignment["id"], selvi["id"], tasks.capture_step(fields))


def _listened(db) -> None:
    """Three listeners found the first demo recording clear: it is accepted, and the
    supervisors' home page has accepted speech to show; the others wait for listeners.
    Karur annotators whose day the other screens do not count on (two of them trainees:
    the listening project has no quiz)."""
    check = one(db, "SELECT * FROM projects WHERE slug = 'tamil-recording-check'")
    first = one(db, "SELECT id FROM tasks WHERE project_id = ? ORDER BY id LIMIT 1",
                (check["id"],))["id"]
    for login in ("9876500025", "9876500011", "9876500013"):
        listener = one(db, "SELECT * FROM users WHERE login = ?", (login,))
        held = tasks.claim_next(db, listener["id"], check)
        if held is None or held["task_id"] != first:
            break  # the pool hands out another first: the recordings all wait
        tasks.record_answer(db, held["id"], listener["id"], "yes")


def _last_week(db, now=None) -> None:
    """Answers given last week (Tuesday to Friday, India time), most of them accepted, on
    each project's last tasks (the first ones stay fresh for today's work)."""
    from .payouts import last_week
    from .wages import set_min_wage

    admin = one(db, "SELECT * FROM users WHERE login = 'admin'")
    for code, wage in (("KRR", "60"), ("STP", "45")):  # ₹ an hour: fair pay has a bar
        set_min_wage(db, admin, wage, users.get_centre(db, code)["id"])
    monday = dt.datetime.combine(last_week(now)[0], dt.time(10, 0), IST)
    for login, (confirmer, details) in PAID_TO.items():
        user = one(db, "SELECT * FROM users WHERE login = ?", (login,))
        row = payment_details.change(db, user, **details)
        boss = one(db, "SELECT * FROM users WHERE login = ?", (confirmer,))
        payment_details.confirm(db, row["id"], boss)
    with write(db):
        for login, work in LAST_WEEK.items():
            user = one(db, "SELECT * FROM users WHERE login = ?", (login,))
            for slug, count, pending in work:
                project = one(db, "SELECT * FROM projects WHERE slug = ?", (slug,))
                tasks = list(db.query(
                    "SELECT * FROM tasks t WHERE project_id = ? AND gold_answer IS NULL AND NOT"
                    " EXISTS (SELECT 1 FROM assignments a WHERE a.task_id = t.id)"
                    " ORDER BY id DESC LIMIT ?", (project["id"], count)))
                labels = [r["value"] for r in db.query(
                    "SELECT value FROM labels WHERE project_id = ? ORDER BY position",
                    (project["id"],))] or ["yes"]
                for n, task in enumerate(tasks):
                    at = monday + dt.timedelta(days=1 + n % 4, minutes=7 * n)
                    answer = labels[n % len(labels)]
                    if project["task_type"] == "free_text":
                        answer = "நன்றி"
                    db.execute(
                        "INSERT INTO assignments (task_id, user_id, project_id, state, claimed_at,"
                        " lease_expires_at, answer, submitted_at, seconds_spent, review_state,"
                        " pay_paise) VALUES (?, ?, ?, 'submitted', ?, ?, ?, ?, ?, ?, ?)",
                        (task["id"], user["id"], project["id"],
                         stamp(at - dt.timedelta(seconds=40)), stamp(at + dt.timedelta(minutes=15)),
                         answer, stamp(at), 25 + 3 * n,
                         "pending" if n < pending else "accepted", project["pay_paise"]))
                    db.execute("UPDATE tasks SET answers_count = answers_count + 1 WHERE id = ?",
                               (task["id"],))


def _held_task(db, project: dict, text: str, reporters) -> None:
    """A task cut off in the client's file, reported broken by two annotators and so held:
    Meena's "Reported tasks" screen shows her what to mend (it comes last, so nobody's
    first tasks change)."""
    projects.add_tasks(db, project["id"], [{"text": text}])
    task_id = db.execute("SELECT max(id) FROM tasks WHERE project_id = ?",
                         (project["id"],)).fetchone()[0]
    with write(db):
        for login in reporters:
            user = db.execute("SELECT id FROM users WHERE login = ?", (login,)).fetchone()[0]
            db.execute("INSERT INTO assignments (task_id, user_id, project_id, state, reason,"
                       " claimed_at, lease_expires_at, submitted_at) VALUES (?, ?, ?,"
                       " 'reported', 'broken', ?, ?, ?)",
                       (task_id, user, project["id"], *[stamp(utcnow())] * 3))
        db.execute("UPDATE tasks SET reports_count = ?, status = 'held' WHERE id = ?",
                   (len(reporters), task_id))


def _quizzes(db, rng) -> None:
    """A quiz on every demo project; the demo annotators made before it stay qualified."""
    for slug, (settings, questions) in data.QUIZZES.items():
        project = quiz_bank.get_training_project_by_id(
            db, db.execute("SELECT id FROM projects WHERE slug = ?", (slug,)).fetchone()[0])
        supervisor = db.execute("SELECT id FROM users WHERE role = 'supervisor'"
                                " AND centre_id = ?", (project["centre_id"],)).fetchone()[0]
        for question in questions:
            image = prepare_image(leaf_picture(question["answers"], rng)) \
                if slug in data.PICTURE_QUIZZES else None
            quiz_bank.save_question(db, project, question, image=image, actor_id=supervisor)
        annotators = [row[0] for row in db.execute(  # a paused one stays paused
            "SELECT id FROM users u WHERE role = 'annotator' AND centre_id = ? AND NOT EXISTS"
            " (SELECT 1 FROM qualifications q WHERE q.user_id = u.id AND q.project_id = ?)",
            (project["centre_id"], project["id"]))]
        for user_id in annotators:
            qualifications.qualify_for(db, user_id, [project], actor_id=supervisor)
        form = {**{k: v[0] for k, v in quiz_bank.SETTINGS.items()}, "cooldown_hours": 24,
                "max_attempts": 3, **settings, "active": "1"}
        quiz_bank.save_settings(db, project, {k: str(v) for k, v in form.items()}, supervisor)


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
