"""Who reaches what: every route x every role, object checks, CSRF on every state-changing
route, logout ending the session on the server (#10 item 4).

A route added anywhere must get one line in ROUTES, or test_every_route_has_an_expectation
fails naming it.
"""
import copy
import functools
import hashlib
import json
import random
import shutil
import time

import pytest

from core import content
from core import (clients, importing, payment_details, payouts, projects, qualifications,
                  quiz_attempts, quiz_bank, review, review_bulk, tasks)
from core import db as coredb
from core.clock import utcnow
from core.db import one
from tests import payout_helpers
from tests.conftest import Visitor, app_for, project_maker, settle, user_maker
from tests.quiz_helpers import add_quiz

ROLES = ("anonymous", "trainee", "annotator", "supervisor", "other_supervisor", "admin")
A, B, C, D, E, F = ROLES

# Status by role, in the order of ROLES. Anonymous users are sent to log in (302).
WORKER = (302, 200, 200, 403, 403, 403)  # an annotator's own pages
PAID = (302, 404, 200, 403, 403, 403)  # paid work on the project she holds (trainee: not hers)
PAID_POST = (302, 404, 303, 403, 403, 403)
CLAIM = (302, 403, 200, 403, 403, 403)  # claiming: a trainee is told to take the quiz first
SUPERVISOR = (302, 403, 403, 200, 200, 200)
EVERYONE = (200,) * 6
ANY_USER = (302, 200, 200, 200, 200, 200)

# (method, endpoint): (path, statuses by role, body). In paths: {slug} the project, {a} the
# annotator's assignment, {m} its picture. Body: form dict, or ("json", value).
ROUTES = {
    ("GET", "auth.login"): ("/login", (200, 302, 302, 302, 302, 302), None),
    ("POST", "auth.login"): ("/login", (401,) * 6, {"login": "nobody", "password": "x"}),
    ("POST", "auth.logout"): ("/logout", (302, 303, 303, 303, 303, 303), {}),
    ("GET", "auth.change_pin"): ("/account/pin", ANY_USER, None),
    ("GET", "auth.menu"): ("/menu", ANY_USER, None),
    ("POST", "auth.change_pin"): ("/account/pin", (302, 400, 400, 400, 400, 400), {}),
    ("POST", "auth.set_lang"): ("/lang", (303,) * 6, {"lang": "en"}),
    ("GET", "auth.index"): ("/", (302,) * 6, None),
    # No password typed just before: the code form sends her back to log in.
    ("GET", "auth.login_code"): ("/login/code", (303,) * 6, None),
    ("POST", "auth.login_code"): ("/login/code", (303,) * 6, {"code": "123456"}),
    ("GET", "account.consent_page"): ("/account/consent", ANY_USER, None),
    ("POST", "account.consent_page"): ("/account/consent", (302,) + (303,) * 5, {}),
    ("GET", "account.my_data"): ("/account/data", ANY_USER, None),
    ("GET", "account.my_data_csv"): ("/account/data.csv", ANY_USER, None),
    ("GET", "account.my_data_json"): ("/account/data.json", ANY_USER, None),
    ("GET", "account.second_factor"): ("/account/second-factor", SUPERVISOR, None),
    ("POST", "account.second_factor"): ("/account/second-factor", SUPERVISOR, {}),
    ("GET", "work.home"): ("/home", WORKER, None),
    ("GET", "work.next_task"): ("/tasks/{slug}/next", CLAIM, None),
    ("POST", "work.answer"): ("/answers/{a}", PAID_POST, {"answer": "pos"}),
    ("POST", "work.skip"): ("/assignments/{a}/skip", PAID_POST, {"reason": "unsure"}),
    ("GET", "work.batch"): ("/tasks/{slug}/batch", CLAIM, None),
    ("POST", "work.claim_batch"): ("/tasks/{slug}/batch", (302, 403, 303, 403, 403, 403), {}),
    ("POST", "work.give_back"): ("/tasks/{slug}/batch/give-back",
                                 (302, 403, 303, 403, 403, 403), {}),
    ("POST", "work.sync"): ("/answers/sync", (302, 200, 200, 403, 403, 403),
                            ("json", {"items": []})),
    ("GET", "work.media"): ("/media/{m}", PAID, None),
    # {a} is no recording task: her upload of it is refused (400), another's is not found.
    ("POST", "work.upload_start"): ("/answers/{a}/upload", (302, 404, 400, 403, 403, 403),
                                    {"size": "10", "type": "audio/webm"}),
    ("GET", "work.upload_status"): ("/uploads/nokey", (302, 404, 404, 403, 403, 403), None),
    ("POST", "work.upload_piece"): ("/uploads/nokey?offset=0", (302, 404, 404, 403, 403, 403),
                                    {}),
    ("GET", "work.earnings_page"): ("/earnings", WORKER, None),
    ("GET", "supervisor.overview"): ("/supervisor/", SUPERVISOR, None),
    ("GET", "work.help_page"): ("/help", WORKER, None),
    ("GET", "appeal.appeal"): ("/earnings/appeal/{rej}", (302, 404, 200, 403, 403, 403), None),
    ("POST", "appeal.appeal"): ("/earnings/appeal/{rej}", (302, 404, 303, 403, 403, 403), {"note": "It was right."}),
    ("GET", "payouts.details"): ("/payment-details", (302, 200, 200, 403, 403, 403), None),
    ("POST", "payouts.details"): ("/payment-details", (302, 303, 303, 403, 403, 403),
                                  {"kind": "vpa", "upi_id": "kavitha@okaxis",
                                   "account_name": "KAVITHA M"}),
    ("GET", "quiz.overview"): ("/quiz/{slug}", (302, 200, 200, 403, 403, 403), None),
    ("GET", "quiz.practice"): ("/quiz/{slug}/practice/1", (302, 200, 200, 403, 403, 403), None),
    ("POST", "quiz.practice"): ("/quiz/{slug}/practice/1", (302, 200, 200, 403, 403, 403), {"answer": "pos"}),
    ("POST", "quiz.start"): ("/quiz/{slug}/start", (302, 303, 303, 403, 403, 403), {}),
    ("GET", "quiz.exam"): ("/quiz/{slug}/exam", (302, 200, 303, 403, 403, 403), None),
    ("POST", "quiz.answer"): ("/quiz/{slug}/exam/{att}/1", (302, 303, 404, 403, 403, 403), {"answer": "pos"}),
    ("GET", "quiz.result"): ("/quiz/{slug}/result/{att}", (302, 400, 404, 403, 403, 403), None),
    ("GET", "quiz.media"): ("/quiz/media/{qm}", (302, 200, 200, 403, 403, 403), None),
    ("GET", "gold.accuracy"): ("/supervisor/gold/", SUPERVISOR, None),
    ("POST", "gold.decide"): ("/supervisor/gold/{pid}/{u}/reinstate", (302, 403, 403, 303, 404, 303), {}),
    ("GET", "payouts.index"): ("/supervisor/payouts", SUPERVISOR, None),
    ("POST", "payouts.draft"): ("/supervisor/payouts", (302, 403, 403, 303, 400, 404),
                                {"start": "2026-11-23", "end": "2026-11-29"}),
    ("GET", "payouts.show"): ("/supervisor/payouts/{po}", (302, 403, 403, 200, 404, 200), None),
    ("GET", "payouts.printable"): ("/supervisor/payouts/{pa}/print", (302, 403, 403, 200, 404, 200), None),
    ("GET", "payouts.payout_file"): ("/supervisor/payouts/{pa}/file.csv", (302, 403, 403, 200, 404, 200), None),
    ("GET", "payouts.approve_ask"): ("/supervisor/payouts/{po}/approve?version=1", (302, 403, 403, 200, 404, 200), None),
    ("GET", "payouts.void_ask"): ("/supervisor/payouts/{po}/void", (302, 403, 403, 200, 404, 200), None),
    ("GET", "payouts.paid_ask"): ("/supervisor/payouts/{pa}/paid?utr=UTR123456789&line={al}", (302, 403, 403, 200, 404, 200), None),
    ("POST", "payouts.approve"): ("/supervisor/payouts/{po}/approve", (302, 403, 403, 409, 404, 303), {"version": "1"}),
    ("POST", "payouts.void"): ("/supervisor/payouts/{po}/void", (302, 403, 403, 303, 404, 303), {}),
    ("POST", "payouts.bonus"): ("/supervisor/payouts/{po}/lines/{dl}/bonus", (302, 403, 403, 303, 404, 303),
                                {"bonus": "10", "reason": "Extra hours"}),
    ("POST", "payouts.paid"): ("/supervisor/payouts/{pa}/paid", (302, 403, 403, 303, 404, 303),
                               {"utr": "UTR123456789", "line": "{al}"}),
    ("POST", "payouts.failed"): ("/supervisor/payouts/{pa}/lines/{al}/failed", (302, 403, 403, 303, 404, 303),
                                 {"reason": "Wrong account"}),
    ("POST", "payouts.results"): ("/supervisor/payouts/{pa}/results", (302, 403, 403, 400, 404, 400),
                                  {"text": "line,status,utr"}),
    ("GET", "payouts.changes"): ("/supervisor/payment-changes", SUPERVISOR, None),
    ("GET", "payouts.change"): ("/supervisor/payment-changes/{pd}", (302, 403, 403, 200, 404, 200), None),
    ("POST", "payouts.confirm"): ("/supervisor/payment-changes/{pd}/confirm", (302, 403, 403, 303, 404, 303), {}),
    ("POST", "payouts.refuse"): ("/supervisor/payment-changes/{pd}/refuse", (302, 403, 403, 303, 404, 303),
                                 {"reason": "Not her account"}),
    ("GET", "payouts.fair_pay"): ("/supervisor/fair-pay", (302, 403, 403, 200, 200, 404), None),
    ("POST", "payouts.min_wage"): ("/supervisor/fair-pay/min-wage", (302, 403, 403, 303, 303, 404), {"min_wage": "50"}),
    ("GET", "payouts.audit_log"): ("/admin/audit", (302, 403, 403, 403, 403, 200), None),
    ("GET", "people.index"): ("/supervisor/people/", SUPERVISOR, None),
    ("GET", "people.new"): ("/supervisor/people/new", SUPERVISOR, None),
    ("POST", "people.add"): ("/supervisor/people/new", SUPERVISOR,
                             {"name": "Selvi", "phone": "9876512345", "lang": "ta"}),
    ("GET", "people.upload_form"): ("/supervisor/people/upload", SUPERVISOR, None),
    ("POST", "people.upload"): ("/supervisor/people/upload", (302, 403, 403, 400, 400, 400), {}),
    ("GET", "people.show"): ("/supervisor/people/{u}", (302, 403, 403, 200, 404, 200), None),
    ("GET", "people.edit"): ("/supervisor/people/{u}/edit", (302, 403, 403, 200, 404, 200), None),
    ("POST", "people.update"): ("/supervisor/people/{u}/edit", (302, 403, 403, 303, 404, 303),
                                {"name": "Renamed", "phone": "{login}", "lang": "ta"}),
    ("POST", "people.reset_pin"): ("/supervisor/people/{u}/pin", (302, 403, 403, 200, 404, 200), {}),
    ("POST", "people.unlock"): ("/supervisor/people/{u}/unlock", (302, 403, 403, 303, 404, 303), {}),
    ("GET", "people.deactivate_ask"): ("/supervisor/people/{u}/deactivate", (302, 403, 403, 200, 404, 200), None),
    ("POST", "people.set_active"): ("/supervisor/people/{u}/active", (302, 403, 403, 303, 404, 303), {"active": "0"}),
    ("POST", "people.qualify"): ("/supervisor/people/{u}/projects/{pid}", (302, 403, 403, 303, 404, 303),
                                 {"status": "paused"}),
    ("GET", "projects_admin.new"): ("/supervisor/projects/new", SUPERVISOR, None),
    ("POST", "projects_admin.create"): ("/supervisor/projects/new", (302, 403, 403, 400, 400, 400), {}),
    ("GET", "projects_admin.edit"): ("/supervisor/projects/{pid}/edit", (302, 403, 403, 200, 404, 200), None),
    ("POST", "projects_admin.update"): ("/supervisor/projects/{pid}/edit", (302, 403, 403, 400, 404, 400), {}),
    ("POST", "projects_admin.review_plan"): ("/supervisor/projects/{pid}/review-plan", (302, 403, 403, 400, 404, 400), {}),
    ("POST", "projects_admin.watch"): ("/supervisor/projects/{pid}/watch/{u}", (302, 403, 403, 303, 404, 303), {}),
    ("POST", "projects_admin.lift"): ("/supervisor/projects/{pid}/lift/{u}", (302, 403, 403, 303, 404, 303), {}),
    ("GET", "projects_admin.purges"): ("/supervisor/projects/{pid}/purge", (302, 403, 403, 200, 404, 200), None),
    ("POST", "projects_admin.ask_purge"): ("/supervisor/projects/{pid}/purge", (302, 403, 403, 409, 404, 409), {}),
    ("POST", "projects_admin.approve_purge"): ("/supervisor/projects/{pid}/purge/999999/approve", (302, 403, 403, 404, 404, 404), {}),
    ("POST", "projects_admin.cancel_purge"): ("/supervisor/projects/{pid}/purge/999999/cancel", (302, 403, 403, 404, 404, 404), {}),
    ("GET", "projects_admin.purge_record"): ("/supervisor/projects/{pid}/purge/999999/record.txt", (302, 403, 403, 404, 404, 404), None),
    ("GET", "quiz_admin.index"): ("/supervisor/quiz/", SUPERVISOR, None),
    ("GET", "quiz_admin.project"): ("/supervisor/quiz/{pid}", (302, 403, 403, 200, 404, 200), None),
    ("POST", "quiz_admin.project"): ("/supervisor/quiz/{pid}", (302, 403, 403, 400, 404, 400), {}),
    ("GET", "quiz_admin.question"): ("/supervisor/quiz/{pid}/questions/{q}", (302, 403, 403, 200, 404, 200), None),
    ("POST", "quiz_admin.question"): ("/supervisor/quiz/{pid}/questions/{q}", (302, 403, 403, 400, 404, 400), {}),
    ("POST", "quiz_admin.import_bank"): ("/supervisor/quiz/{pid}/import", (302, 403, 403, 400, 404, 400), {}),
    ("POST", "quiz_admin.reset"): ("/supervisor/quiz/{pid}/trainees/{tr}/reset", (302, 403, 403, 303, 404, 303), {}),
    ("GET", "quiz_admin.trainees"): ("/supervisor/quiz/{pid}/trainees", (302, 403, 403, 200, 404, 200), None),
    ("GET", "quiz_admin.media"): ("/supervisor/quiz/media/{qm}", (302, 403, 403, 200, 404, 200), None),
    ("GET", "review.queue"): ("/supervisor/review", SUPERVISOR, None),
    ("POST", "review.accept"): ("/supervisor/review/{r}/accept", (302, 403, 403, 303, 404, 303), {}),
    ("POST", "review.reject"): ("/supervisor/review/{r}/reject", (302, 403, 403, 303, 404, 303),
                                {"reason": "wrong_answer", "note": "Look again."}),
    # Without the figures she was shown, the bulk accept asks again (409) and does nothing.
    ("GET", "review.accept_all_confirm"): ("/supervisor/review/accept-all", SUPERVISOR, None),
    ("POST", "review.accept_all"): ("/supervisor/review/accept-all", (302, 403, 403, 409, 409, 409), {}),
    ("GET", "review.bulk_history"): ("/supervisor/review/bulk", SUPERVISOR, None),
    ("POST", "review.undo_bulk"): ("/supervisor/review/bulk/{bk}/undo", (302, 403, 403, 303, 404, 303), {}),
    ("GET", "review.appeals"): ("/supervisor/appeals", SUPERVISOR, None),
    ("POST", "review.decide"): ("/supervisor/appeals/{ap}", (302, 403, 403, 303, 404, 303),
                                {"outcome": "upheld", "note": "Fair."}),
    ("GET", "review.media"): ("/supervisor/review/media/{m}", (302, 403, 403, 200, 404, 200), None),
    ("GET", "review.centre_dashboard"): ("/supervisor/quality", SUPERVISOR, None),
    ("GET", "review.project_dashboard"): ("/supervisor/quality/{pid}", (302, 403, 403, 200, 404, 200), None),
    ("GET", "supervisor.centres"): ("/supervisor/centres", (302, 403, 403, 403, 403, 200), None),
    ("POST", "supervisor.add_centre"): ("/supervisor/centres", (302, 403, 403, 403, 403, 303),
                                        {"code": "TRY", "centre_name": "Tiruchi"}),
    ("POST", "supervisor.set_appeals_by"): ("/supervisor/centres/1/appeals",
                                            (302, 403, 403, 403, 403, 303), {"appeals_by": ""}),
    ("POST", "supervisor.add_staff"): ("/supervisor/staff", (302, 403, 403, 403, 403, 400), {}),
    ("POST", "supervisor.centre_languages"): ("/supervisor/centres/{c}/languages",
                                              (302, 403, 403, 403, 403, 303),
                                              {"languages": "ta"}),
    ("GET", "supervisor.staff_password"): ("/supervisor/staff/{sup}/password", (302, 403, 403, 404, 404, 200), None),
    ("POST", "supervisor.reset_staff_password"): ("/supervisor/staff/{sup}/password", (302, 403, 403, 404, 404, 200), {}),
    ("GET", "supervisor.staff_deactivate_ask"): ("/supervisor/staff/{sup}/deactivate", (302, 403, 403, 404, 404, 200), None),
    ("POST", "supervisor.set_staff_active"): ("/supervisor/staff/{sup}/active", (302, 403, 403, 404, 404, 303),
                                              {"active": "0"}),
    ("GET", "taskdata.index"): ("/supervisor/data", SUPERVISOR, None),
    ("GET", "taskdata.import_form"): ("/supervisor/projects/{pid}/import", (302, 403, 403, 200, 404, 200), None),
    ("POST", "taskdata.import_upload"): ("/supervisor/projects/{pid}/import", (302, 403, 403, 400, 404, 400), {}),
    ("GET", "taskdata.import_done"): ("/supervisor/projects/{pid}/import/{imp}", (302, 403, 403, 200, 404, 200), None),
    ("GET", "taskdata.export"): ("/supervisor/projects/{pid}/export.csv", (302, 403, 403, 200, 404, 200), None),
    ("GET", "taskdata.reported"): ("/supervisor/projects/{pid}/reported", (302, 403, 403, 200, 404, 200), None),
    ("GET", "taskdata.media"): ("/supervisor/media/{m}", (302, 403, 403, 200, 404, 200), None),
    ("POST", "taskdata.correct"): ("/supervisor/tasks/{t}/text", (302, 403, 403, 303, 404, 303), {"text": "Fixed"}),
    ("POST", "taskdata.release"): ("/supervisor/tasks/{t}/release", (302, 403, 403, 303, 404, 303), {}),
    ("GET", "taskdata.remove_ask"): ("/supervisor/tasks/{t}/remove", (302, 403, 403, 200, 404, 200), None),
    ("POST", "taskdata.remove"): ("/supervisor/tasks/{t}/remove", (302, 403, 403, 303, 404, 303), {}),
    ("GET", "clients.index"): ("/supervisor/clients", SUPERVISOR, None),
    ("POST", "clients.add"): ("/supervisor/clients", (302, 403, 403, 303, 404, 303),
                              {"name": "Agri Co", "centre": "{c}"}),
    ("POST", "clients.watermark"): ("/supervisor/clients/{cl}/watermark", (302, 403, 403, 303, 404, 303),
                                    {"watermark": "1"}),
    ("POST", "clients.rename"): ("/supervisor/clients/{cl}", (302, 403, 403, 303, 404, 303),
                                 {"name": "Renamed Co"}),
    ("POST", "clients.move_project"): ("/supervisor/clients/projects",
                                       (302, 403, 403, 303, 404, 303),
                                       {"project": "{pid}", "client": "{cl}"}),
    ("POST", "clients.limit"): ("/supervisor/clients/supervisors/{lim}",
                                (302, 403, 403, 303, 404, 303), {"clients": "{cl}"}),
    ("GET", "clients.access"): ("/supervisor/access", SUPERVISOR, None),
    ("GET", "clients.access_csv"): ("/supervisor/access.csv", SUPERVISOR, None),
    ("GET", "health.healthz"): ("/healthz", EVERYONE, None),
    ("GET", "pwa.manifest"): ("/manifest.webmanifest", EVERYONE, None),
    ("GET", "pwa.service_worker"): ("/sw.js", EVERYONE, None),
    ("GET", "pwa.offline"): ("/offline", EVERYONE, None),
}


@functools.cache
def _picture():
    from core.demo import leaf_picture
    from core.media import prepare_image
    return prepare_image(leaf_picture("healthy", random.Random(1)))


class World:
    """Two centres; in Karur a project with a picture task held by the annotator."""

    def __init__(self, app, db, make_user, make_project):
        self.app, self.db, self.make_user = app, db, make_user
        self.project = make_project(tasks=0)
        projects.add_tasks(db, self.project["id"], [
            {"image": _picture()},
            {"text": "Sentence 1"}, {"text": "Sentence 2"}])
        self.other_project = make_project(centre="STP", slug="p-stp")
        self.users = {
            "annotator": make_user(), "trainee": make_user(),
            "supervisor": make_user(role="supervisor"),
            "other_supervisor": make_user(role="supervisor", centre="STP"),
            "admin": make_user(role="admin"),
            "neighbour": make_user(),  # another annotator of the same centre
            "stranger": make_user(centre="STP"),  # an annotator of the other centre
        }
        qualifications.set_status(db, self.users["trainee"]["id"], self.project["id"],
                                  "trainee")
        self.assignment = tasks.claim_next(db, self.users["annotator"]["id"], self.project)
        self.media = self.assignment["media_id"]
        assert self.media
        self._more_rows(db)
        self._other_client(db)

    def _other_client(self, db):
        """A second client of Karur with its own project, and a supervisor limited to it:
        she must see nothing of the first client's project (#19)."""
        admin = self.users["admin"]
        self.client = self.project["client_id"]
        other = clients.add_client(db, admin, self.project["centre_id"], "Other Co")
        self.other_client_project = projects.create_project(
            db, centre_id=self.project["centre_id"], slug="p-crop", task_type="yes_no",
            name={"en": "Crop survey"}, pay_paise=50, client_id=other["id"])
        projects.add_tasks(db, self.other_client_project["id"], [{"text": "Crop sentence"}])
        self.users["limited"] = self.make_user(role="supervisor")
        clients.limit_supervisor(db, admin, self.users["limited"]["id"], [other["id"]])

    def _more_rows(self, db):
        """The rows the supervisor's and trainee's screens act on, all in Karur."""
        admin, boss = self.users["admin"], self.users["supervisor"]
        neighbour, annotator = self.users["neighbour"], self.users["annotator"]
        project = self.project
        # a quiz with a question that has a picture; the trainee's open attempt
        quiz = add_quiz(db, project, questions=2, supervisor_id=boss["id"])
        self.users["payee"] = self.make_user()
        for who in ("annotator", "neighbour", "payee"):
            qualifications.qualify_for(db, self.users[who]["id"], [quiz], boss["id"])
        question = quiz_bank.save_question(db, quiz, {
            "prompt": {"en": "Look", "ta": "பார்", "hi": "देखो"},
            "explanation": {"en": "So", "ta": "அதனால்", "hi": "इसलिए"}, "answers": "pos"},
            image=_picture(), actor_id=boss["id"])
        self.question = question["id"]
        self.quiz_media = question["media_id"]
        self.attempt = quiz_attempts.start_attempt(db, self.users["trainee"], quiz,
                                             rng=random.Random(1))["id"]
        # an answer waiting for review, and one rejected then appealed (the neighbour's)
        self.task = tasks.claim_next(db, neighbour["id"], project)
        tasks.record_answer(db, self.task["id"], neighbour["id"], "pos")
        self.review = self.task["id"]
        appealed = tasks.claim_next(db, neighbour["id"], project)
        tasks.record_answer(db, appealed["id"], neighbour["id"], "neg")
        deputy = self.make_user(role="supervisor")  # rejects, so the others may decide
        review.reject(db, appealed["id"], deputy, "wrong_answer", note="Look again")
        self.appeal = review.appeal(db, appealed["id"], neighbour["id"],
                                    "It was right")["appeal_id"]
        # one of the annotator's answers rejected, for her to appeal
        [rejected] = payout_helpers.answers(db, annotator, project, 1, review="pending",
                                            at=utcnow())
        review.reject(db, rejected, boss, "wrong_answer")
        self.rejected = rejected
        # an approved payout (the neighbour's pay) and a draft (a payee's)
        payout_helpers.paid_to(db, neighbour, deputy)  # not the drafter: her details are new
        payout_helpers.answers(db, neighbour, project, 2)
        self.approved = payouts.draft(db, boss, *payout_helpers.PERIOD,
                                      now=payout_helpers.NOW)
        payouts.approve(db, self.approved, admin, now=payout_helpers.NOW)
        self.approved_line = payouts.lines(db, self.approved)[0][0]["id"]
        payee = self.users["payee"]
        payout_helpers.paid_to(db, payee, deputy)
        payout_helpers.answers(db, payee, project, 2)
        self.draft = payouts.draft(db, boss, *payout_helpers.PERIOD, now=payout_helpers.NOW)
        self.draft_line = payouts.lines(db, self.draft)[0][0]["id"]
        # a bulk decision: the payee's one answer waiting, accepted with "accept all"
        payout_helpers.answers(db, payee, project, 1, review="pending", at=utcnow())
        every = {"annotator": payee["id"], "reason": "any"}
        plan = review_bulk.preview(db, boss, every)
        self.bulk = review_bulk.accept(db, boss, every, plan["upto"], plan)["id"]
        # her new payment details, waiting for a supervisor's confirmation
        self.details = payment_details.change(db, annotator, "vpa", upi_id="me@okaxis",
                                              account_name="MEENA R")["id"]
        # an import that left its report
        self.imported = importing.import_tasks(db, project, b"text\nImported one\n",
                                               "tasks.csv", actor_id=boss["id"])["audit_id"]
        self.text_task = one(db, "SELECT id FROM tasks WHERE payload_text = 'Sentence 2'"
                                 " AND project_id = ?", (project["id"],))["id"]

    def path(self, template):
        return template.format(
            slug=self.project["slug"], a=self.assignment["id"], m=self.media,
            pid=self.project["id"], c=self.project["centre_id"], u=self.users["annotator"]["id"],
            login=self.users["annotator"]["login"], tr=self.users["trainee"]["id"],
            sup=self.users["supervisor"]["id"], t=self.text_task, q=self.question,
            qm=self.quiz_media, att=self.attempt, r=self.review, ap=self.appeal,
            rej=self.rejected, po=self.draft, pa=self.approved, dl=self.draft_line,
            al=self.approved_line, pd=self.details, imp=self.imported, cl=self.client,
            lim=self.users["limited"]["id"], bk=self.bulk)

    def body(self, body):
        if isinstance(body, dict):
            return {k: self.path(v) if isinstance(v, str) else v for k, v in body.items()}
        return body

    def visitor(self, role):
        visitor = Visitor(self.app.test_client())
        if role != "anonymous":
            visitor.login(self.users[role])
            # Her first page after login, as a browser would show it: it carries the form
            # token, and an annotator's first /home marks the first-day welcome as seen
            # (users.welcomed_at, once), a write that belongs to that page, not to the
            # request under test.
            visitor.get("/login", follow_redirects=True)
        return visitor


class BuiltWorld:
    """The world built once on a database file; each test works on its own copy of the
    file, so that one test's writes never reach the next. Building costs seconds; a copy
    a millisecond."""

    # The world holds a 15-minute lease; rebuilt well before it could lapse mid-module.
    MAX_AGE_SECONDS = 5 * 60

    def __init__(self, directory, template):
        self.directory, self.template = directory, template
        self.built_at = None

    def _build(self):
        path = self.directory / f"world-{time.monotonic_ns()}.db"
        shutil.copyfile(self.template, path)
        db = coredb.connect(path)
        self.world = World(app_for(path), db, user_maker(db), project_maker(db))
        self.fingerprint = _fingerprint(db)
        settle(db)
        self.path, self.built_at = path, time.monotonic()

    def copy(self, directory):
        """The world on a fresh copy of its database file in `directory`."""
        if self.built_at is None or time.monotonic() - self.built_at > self.MAX_AGE_SECONDS:
            self._build()
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / "velai.db"
        shutil.copyfile(self.path, path)
        world = copy.copy(self.world)
        world.app, world.db, world.make_user = app_for(path), coredb.connect(path), None
        return world


@pytest.fixture(scope="module")
def built_world(tmp_path_factory, migrated_template):
    return BuiltWorld(tmp_path_factory.mktemp("world"), migrated_template)


@pytest.fixture
def world(built_world, tmp_path):
    world = built_world.copy(tmp_path)
    yield world
    world.db.close()


def test_each_test_starts_from_the_world_as_built(built_world, tmp_path):
    first = built_world.copy(tmp_path / "first")
    assert _fingerprint(first.db) == built_world.fingerprint
    visitor = first.visitor("supervisor")
    assert visitor.post(first.path("/supervisor/tasks/{t}/remove")).status_code == 303
    assert _fingerprint(first.db) != built_world.fingerprint
    second = built_world.copy(tmp_path / "second")
    assert _fingerprint(second.db) == built_world.fingerprint
    for each in (first, second):
        each.db.close()


def _send(visitor, method, path, body, csrf=True):
    if method == "GET":
        return visitor.get(path)
    if isinstance(body, tuple):  # JSON, with the header the phone's script sends
        if visitor.token is None:
            visitor.get("/login", follow_redirects=True)
        headers = {"X-CSRFToken": visitor.token} if csrf else {}
        return visitor.client.post(path, data=json.dumps(body[1]), headers={
            "Content-Type": "application/json", **headers})
    return visitor.post(path, body, csrf=csrf)


def _methods(rule):
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def test_every_route_has_an_expectation(app):
    routes = {(method, rule.endpoint) for rule in app.url_map.iter_rules()
              for method in _methods(rule)}
    missing = sorted(routes - set(ROUTES))
    assert not missing, f"add a line to ROUTES in tests/test_access.py for: {missing}"
    stale = sorted(set(ROUTES) - routes)
    assert not stale, f"ROUTES names routes that no longer exist: {stale}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", sorted(ROUTES), ids=lambda r: f"{r[0]} {r[1]}")
def test_each_role_gets_the_expected_status(world, route, role):
    method, _endpoint = route
    template, statuses, body = ROUTES[route]
    response = _send(world.visitor(role), method, world.path(template), world.body(body))
    expected = statuses[ROLES.index(role)]
    assert response.status_code == expected, \
        f"{method} {template} as {role}: {response.status_code}, expected {expected}"
    if expected == 302 and role == "anonymous":
        assert response.headers["Location"].startswith("/login")


def _fingerprint(db):
    """Every row of every table but the per-response traffic count."""
    digest = hashlib.sha256()
    for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                               " AND name NOT IN ('traffic', 'sqlite_sequence')"
                               " ORDER BY name").fetchall():
        for row in db.execute(f"SELECT * FROM [{table}] ORDER BY 1").fetchall():
            digest.update(repr((table, row)).encode())
    return digest.hexdigest()


def _who_may(route):
    """The first role that may use a state-changing route (so CSRF is all that stops it)."""
    statuses = ROUTES[route][1]
    for role, status in zip(ROLES, statuses):
        if status not in (302, 403, 404):
            return role
    return "anonymous"


@pytest.mark.parametrize("route", sorted(r for r in ROUTES if r[0] != "GET"),
                         ids=lambda r: f"{r[0]} {r[1]}")
def test_a_state_changing_request_without_csrf_token_is_refused(world, route):
    method, _endpoint = route
    template, _statuses, body = ROUTES[route]
    visitor = world.visitor(_who_may(route) if route[1] != "auth.logout" else "annotator")
    before = _fingerprint(world.db)
    response = _send(visitor, method, world.path(template), world.body(body), csrf=False)
    assert response.status_code == 400, f"{method} {template}: {response.status_code}"
    assert "This page was open too long" in response.get_data(as_text=True)
    assert _fingerprint(world.db) == before


@pytest.mark.parametrize("route", sorted(r for r in ROUTES if r[0] == "POST"
                                          and ROUTES[r][1][ROLES.index("other_supervisor")] == 404),
                         ids=lambda r: f"{r[0]} {r[1]}")
def test_a_supervisor_of_another_centre_changes_nothing_of_this_one(world, route):
    template, _statuses, body = ROUTES[route]
    visitor = world.visitor("other_supervisor")
    before = _fingerprint(world.db)
    response = _send(visitor, "POST", world.path(template), world.body(body))
    assert response.status_code == 404
    assert _fingerprint(world.db) == before


def test_every_post_route_is_in_the_csrf_walk(app):
    posts = {(m, rule.endpoint) for rule in app.url_map.iter_rules() for m in _methods(rule)
             if m not in ("GET",)}
    assert posts <= set(ROUTES)  # the CSRF test runs over every ROUTES entry but GETs


# Object checks: the right role, someone else's row. More come with each screen.

def test_another_annotator_cannot_see_her_picture(world):
    for role in ("neighbour", "stranger"):
        assert world.visitor(role).get(world.path("/media/{m}")).status_code == 404


@pytest.mark.parametrize("path,body", [("/answers/{a}", {"answer": "pos"}),
                                       ("/assignments/{a}/skip", {"reason": "unsure"})])
def test_another_annotator_cannot_answer_or_skip_her_task(world, path, body):
    others = [world.visitor(role) for role in ("neighbour", "stranger")]
    before = _fingerprint(world.db)
    for visitor in others:
        assert visitor.post(world.path(path), body).status_code == 404
    assert one(world.db, "SELECT state FROM assignments WHERE id = ?",
               (world.assignment["id"],))["state"] == "active"
    assert _fingerprint(world.db) == before


def test_another_annotator_cannot_send_her_answer_by_sync(world):
    visitor = world.visitor("neighbour")
    response = _send(visitor, "POST", "/answers/sync",
                     ("json", {"items": [{"id": world.assignment["id"], "answer": "pos"}]}))
    assert response.get_json()["results"][0]["ok"] is False
    assert one(world.db, "SELECT state FROM assignments WHERE id = ?",
               (world.assignment["id"],))["state"] == "active"


def test_an_annotator_of_another_centre_gets_none_of_its_projects(world):
    visitor = world.visitor("stranger")
    for path in ("/tasks/{slug}/next", "/tasks/{slug}/batch"):
        assert visitor.get(world.path(path)).status_code == 404
    assert world.project["slug"] not in visitor.get("/home").get_data(as_text=True)


def test_a_supervisor_sees_only_her_centres_projects(world):
    mine = world.visitor("supervisor").get("/supervisor/").get_data(as_text=True)
    theirs = world.visitor("other_supervisor").get("/supervisor/").get_data(as_text=True)
    every = world.visitor("admin").get("/supervisor/").get_data(as_text=True)
    name = content.project_texts(world.db, world.project["id"])["name"]["en"]
    assert name in mine and world.other_project["slug"] not in mine
    assert world.project["slug"] not in theirs
    assert name in every


# Sessions: logout ends them on the server, for every role.

@pytest.mark.parametrize("role", ROLES[1:])
def test_a_copied_cookie_stops_working_at_logout(world, role):
    visitor = world.visitor(role)
    home = ROUTES[("GET", "work.home" if role in ("trainee", "annotator")
                   else "supervisor.overview")][0]
    copy = Visitor(world.app.test_client())
    copy.client.set_cookie("session", visitor.client.get_cookie("session").value)
    assert copy.get(home).status_code == 200
    visitor.post("/logout")
    assert copy.get(home).status_code == 302


# A URL with one of these names a row that hangs off a project: its task, answer, appeal,
# picture, quiz question, import or bulk review decision (#19: clients as tenants).
PROJECT_OWNED = ("{pid}", "{m}", "{t}", "{q}", "{qm}", "{r}", "{ap}", "{imp}", "{bk}")


@pytest.mark.parametrize("route", sorted(
    r for r in ROUTES if any(key in ROUTES[r][0] for key in PROJECT_OWNED)
    and ROUTES[r][1][ROLES.index("supervisor")] != 403), ids=lambda r: f"{r[0]} {r[1]}")
def test_a_supervisor_limited_to_another_client_reaches_nothing_of_this_project(world, route):
    """Every page, export, picture and action on the first client's project answers her
    404, as to a supervisor of another centre, and changes nothing."""
    method, _endpoint = route
    template, _statuses, body = ROUTES[route]
    visitor = world.visitor("limited")
    before = _fingerprint(world.db)
    response = _send(visitor, method, world.path(template), world.body(body))
    assert response.status_code == 404, f"{method} {template}: {response.status_code}"
    if method != "GET":
        assert _fingerprint(world.db) == before


# Her lists: every supervisor page without a row in its path, and the person pages.
LISTINGS = sorted({ROUTES[r][0] for r in ROUTES if r[0] == "GET"
                   and ROUTES[r][1][ROLES.index("supervisor")] == 200
                   and ROUTES[r][0].startswith("/supervisor") and "{" not in ROUTES[r][0]}
                  | {"/supervisor/people/{u}", "/supervisor/?client={cl}"})


def test_a_limited_supervisors_lists_never_name_another_clients_project(world):
    visitor = world.visitor("limited")
    secret = [world.project["slug"], "Reviews", "Sentence 1", "Sentence 2", "Imported one",
              f"/supervisor/quality/{world.project['id']}\"",
              f"/supervisor/projects/{world.project['id']}/"]
    shown = {}
    for template in LISTINGS:
        path = world.path(template)
        response = visitor.get(path)
        if template.endswith("{cl}"):  # narrowed to the client she is not given: 404
            assert response.status_code == 404, path
            continue
        assert response.status_code == 200, path
        page = response.get_data(as_text=True)
        shown[path] = page
        leaks = [word for word in secret if word in page]
        assert not leaks, f"{path} shows {leaks}"
    # Her own client's project is there: the lists are narrowed, not empty.
    assert "Crop survey" in shown["/supervisor/"] and "Crop survey" in shown["/supervisor/data"]
    assert "p-crop" in shown["/supervisor/access"]


def test_a_limited_supervisor_accepts_nothing_of_another_clients_project(world):
    every = {"kind": "all", "reason": "any"}
    # Her colleague without a limit is asked about the first client's answers; she, of none.
    plan = review_bulk.preview(world.db, world.users["supervisor"], every)
    assert plan["answers"]
    assert review_bulk.preview(world.db, world.users["limited"], every)["answers"] == 0
    waiting = one(world.db, "SELECT count(*) AS n FROM assignments"
                            " WHERE review_state = 'pending'")["n"]
    assert waiting
    # Sent with the figures her colleague was shown, the bulk accept asks her again.
    response = world.visitor("limited").post("/supervisor/review/accept-all", {
        **every, "answers": plan["answers"], "paise": plan["paise"], "upto": plan["upto"],
        "with_fast": "1"})
    assert response.status_code == 409
    assert review_bulk.history(world.db, world.users["limited"])["rows"] == []
    assert one(world.db, "SELECT count(*) AS n FROM assignments"
                         " WHERE review_state = 'pending'")["n"] == waiting


def test_her_supervisor_without_a_limit_sees_both_clients(world):
    page = world.visitor("supervisor").get("/supervisor/").get_data(as_text=True)
    assert "Crop survey" in page and "Reviews" in page
