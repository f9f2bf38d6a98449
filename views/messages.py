"""Every sentence a refusal becomes, in one declaration, and where a refusal leads her.

Core names what went wrong with a code (core.errors); here each code is one sentence,
translated when it is shown. A code means one thing on every screen: a test fails on a
key written twice (a dict literal silently keeps the last one).
"""
from flask import flash, url_for
from flask_babel import gettext as _, lazy_gettext as _l, ngettext

from core.errors import Invalid, Refused

MESSAGES = {
    # Every screen: missing pages, roles, the task card, the database.
    "no_project": _l("This project is not open to you."),
    "no_task": _l("This task was not found."),
    "no_media": _l("This picture is only for the person doing the task."),
    "not_found": _l("This page does not exist."),
    "forbidden": _l("This page is not for your role."),
    "unknown_label": _l("Please choose one of the answers shown."),
    "empty_text": _l("Please type your answer first."),
    "text_too_long": _l("Your answer is too long. Keep it under %(limit)s characters."),
    # A free-text project's letters (core/scripts.py), one sentence each: the phone's
    # queue sends codes alone, with no detail to fill in a script's name.
    "script_taml": _l("Please write in Tamil letters."),
    "script_deva": _l("Please write in Hindi (Devanagari) letters."),
    "script_knda": _l("Please write in Kannada letters."),
    "script_telu": _l("Please write in Telugu letters."),
    "script_latn": _l("Please write in English letters."),
    # A photo task (core/photos.py): what she sent, said to her.
    "no_photo": _l("Please take a photo first."),
    "not_a_photo": _l("This file is not a photo. Please take a photo with the camera."),
    "photo_too_large": _l("This photo is too large: at most %(limit)s megapixels."),
    "photo_too_big": _l("This photo is too big to send: at most %(limit_mb)s MB."),
    "expired": _l("Time for this task ran out and it went back to the pool. "
                  "Your answer was not saved."),
    "already_skipped": _l("You already skipped this task."),
    "already_answered": _l("You already answered this task."),
    "bad_reason": _l("Please choose why you are skipping this task."),
    "bad_lang": _l("Please choose one of the languages shown."),
    "csrf": _l("This page was open too long. Please try again."),
    "bad_request": _l("Something went wrong. Please try again."),
    "db_busy": _l("Velai is very busy right now. Nothing was saved. Please try again "
                  "in a minute."),
    "db_unwritable": _l("Velai cannot save right now. Nothing was saved. "
                        "Please try again later and tell your supervisor."),
    # Recording speech (core/audio.py, core/uploads.py).
    "needs_recording": _l("Please record the sentence and send the recording."),
    "recording_too_short": _l("Your recording is too short. Please read the whole sentence."),
    "recording_silent": _l("We could not hear a voice in your recording. Please record again"
                           " in a quiet place, with the phone near your mouth."),
    "recording_clipped": _l("Your recording is too loud and sounds broken. Please record again"
                            " with the phone a little further away."),
    "not_audio": _l("This file is not a recording we can play. Please record again."),
    "recording_too_big": _l("This recording is too big to send. Please record a shorter one."),
    "upload_incomplete": _l("Your recording did not arrive completely. It will be sent again."),
    "no_upload": _l("This recording was not found. Please record again."),
    "bad_verifier": _l("Choose a listening project of the same centre, for a recording"
                       " project only."),
    "disk_low": _l("No new tasks for now: the server is almost out of storage space. Your"
                   " saved answers are safe. Please try again later."),
    # Logging in, and her own PIN or password.
    "needs_unlock": _l("This login had too many wrong tries from other phones. Log in on "
                       "your own phone, or ask your supervisor to unlock it."),
    "pin_common": _l("This PIN is too easy to guess. Choose another one."),
    "pin_too_short": _l("A PIN has 4 to 8 digits."),
    "pin_same": _l("The new PIN is the same as the old one."),
    "pins_differ": _l("The two new PINs are not the same. Please type them again."),
    "password_too_short": _l("A password needs at least 10 characters."),
    "password_common": _l("This password is too easy to guess. Choose another one."),
    # The quiz.
    "needs_quiz": _l("This project's paid tasks open when you pass its quiz."),
    "no_attempt": _l("This quiz attempt was not found."),
    "no_question": _l("This question was not found."),
    "quiz_open": _l("This quiz is not finished yet."),
    # Appeals.
    "appeal_note_required": _l("Please write in a few words why your answer was right."),
    "appeal_note_too_long": _l("Your note is too long. Keep it under %(limit)s characters."),
    "appealed_already": _l("You already appealed this answer."),
    "appeal_window_over": _l("The time to appeal this answer is over."),
    # Review.
    "already_reviewed": _l("This answer was reviewed already."),
    "bad_reject_reason": _l("Please choose why you are rejecting this answer."),
    "note_too_long": _l("The note is too long. Keep it under %(limit)s characters."),
    "in_payout": _l("This answer is in a payout already and cannot change."),
    "bulk_changed": _l("Someone decided some of these answers meanwhile. Look again before"
                       " you accept."),
    "bulk_nothing": _l("Nothing was accepted: every answer left was given too fast, and the"
                       " box was not ticked."),
    "bulk_undone": _l("This was undone already."),
    "bulk_in_payout": _l("Some of these answers are in a payout: this cannot be undone."),
    "bad_outcome": _l("Please choose: keep the rejection, or accept the answer."),
    "appeal_decided": _l("This appeal was decided already."),
    "not_a_supervisor_here": _l("Choose one of this centre's active supervisors."),
    # Check tasks.
    "no_user": _l("This person was not found."),  # also the quiz's trainees
    # People, centres and staff accounts.
    "name_required": _l("Please type a name."),
    "name_too_long": _l("This name is too long."),
    "bad_phone": _l("Please type a 10-digit mobile number."),
    "phone_taken": _l("Someone already logs in with this number."),
    "phone_twice": _l("This number is on an earlier line too."),
    "bad_pin": _l("A PIN is 4 to 8 digits."),
    "weak_pin": _l("This PIN is too easy to guess. Choose another or leave it empty."),
    "bad_code": _l("A centre code is 2 to 8 capital letters or digits."),
    "code_taken": _l("This centre code is taken."),
    # Clients (core/clients.py).
    "client_name": _l("A client's name is 1 to %(limit)s characters."),
    "client_taken": _l("This centre already has a client by that name."),
    "bad_login": _l("A login is 3 to 32 small letters, digits, dots or dashes, "
                    "starting with a letter."),
    "login_taken": _l("This login is taken."),
    "bad_role": _l("Please choose a role."),
    "bad_centre": _l("Please choose a centre."),
    "bad_status": _l("Please choose a status."),
    "password_too_long": _l("A password may have at most 128 characters."),
    "own_account": _l("You cannot deactivate your own account."),
    "last_admin": _l("This is the last active admin. Add another admin first."),
    # A list of people uploaded as a file.
    "people_bad_encoding": _l("This file is not UTF-8 text. Save it as “CSV UTF-8” and try again."),
    "no_people": _l("This file has no people in it."),
    "too_big": _l("This file is too big."),
    "too_many_people": _l("At most %(limit)s people in one file."),
    "bad_header": _l("The first line must name the columns name, phone, lang. "
                     "Missing: %(columns)s."),
    "bad_lang_code": _l("The language must be ta, hi or en."),
    "no_file": _l("Please choose a file."),  # also task imports
    "people_bad_line": _l("This line cannot be read as CSV. Check its quote marks."),
    "people_line_too_long": _l("This line is too long: at most %(limit)s characters."),
    # A project's settings.
    "unknown_field": _l("This field is not known."),
    "bad_slug": _l("A short name is 3 to 60 small letters, digits and dashes."),
    "slug_taken": _l("Another project has this short name."),
    "bad_task_type": _l("Please choose a task type."),
    "type_fixed": _l("The task type cannot change once the project has tasks."),
    "bad_texts": _l("Please type text here."),
    "first_language_required": _l("Please type it in %(language)s at least: the project's"
                                  " first language."),
    "bad_languages": _l("Tick at least one language."),
    "incomplete_for_live": _l("Not live yet: write the name and every answer in %(languages)s"
                              " first. The centre works in them."),
    "too_long": _l("Too long: at most %(limit)s characters."),
    "bad_labels": _l("Please give the answers to choose from."),
    "labels_required": _l("Give at least two answers to choose from."),
    "bad_label_value": _l("The code “%(value)s” may have only letters, digits, _ and -."),
    "label_twice": _l("The code “%(value)s” is given twice."),
    "label_first_language_required": _l("The answer “%(value)s” needs its text in"
                                        " %(language)s."),
    "label_in_use": _l("The answer “%(value)s” is in use and cannot be removed."),
    "bad_redundancy": _l("A number from 1 to 10."),
    "bad_pay": _l("An amount in rupees, like 0.50, up to 100."),
    "bad_pay_paise": _l("Whole paise from 0 to 10000 (50 is ₹0.50)."),
    "unknown_centre": _l("There is no such centre."),
    "centre_fixed": _l("A project cannot move to another centre."),
    "bad_lease": _l("Minutes from 1 to 240."),
    "bad_batch_size": _l("A number of tasks from 1 to 100."),
    "bad_batch_lease": _l("Minutes from 10 to 720."),
    "bad_batch_percent": _l("A percentage from 1 to 100."),
    "bad_gold": _l("A percentage from 0 to 100."),
    "bad_photo_px": _l("Pixels from 320 to 4096."),
    "bad_keep_location": _l("Please choose whether the location is kept."),
    "bad_cer": _l("A percentage from 0 to 50."),
    "bad_record_seconds": _l("Seconds from 2 to 120."),
    "bad_transcriber": _l("Choose a transcription project of the same centre, for a recording"
                          " project only."),
    # A project's review plan (core/review_plan.py).
    "plan_invalid": _l("Not saved. Please correct what is marked below."),
    "bad_review_share": _l("A percentage from 0 to 100, such as 10 or 2.5."),
    "bad_review_first": _l("A whole number from 0 to 1000."),
    "bad_watch_above": _l("A percentage from 1 to 99."),
    "bad_script": _l("Please choose one of the letters shown."),
    "script_needs_typed": _l("Only a project with typed answers can ask for letters."),
    # Task imports.
    "no_import": _l("This import was not found."),
    "duplicate_race": _l("Another import added some of these ids just now. Nothing was "
                         "imported. Please try again."),
    "empty_task_text": _l("Please type the task's text."),
    # One problem of an import (views show the line beside it).
    "empty_file": _l("The file is empty."),
    "same_file": _l("This same file was imported into this project already."),
    "no_rows": _l("The file has a header row but no tasks."),
    "bad_encoding": _l("This line is not UTF-8 text. In Excel, save as “CSV UTF-8”."),
    "line_too_long": _l("This line is too long: at most %(limit)s characters."),
    "unknown_column": _l("Unknown column “%(name)s”. Columns can be id, text, image, file, "
                         "gold."),
    "repeated_column": _l("The column “%(name)s” is there twice."),
    "missing_column": _l("A column named text, image or file is needed."),
    "extra_cells": _l("This row has %(cells)s cells, but the header has %(columns)s."),
    "bad_csv": _l("This line cannot be read. Check its quote marks."),
    "bad_json": _l("This line is not a JSON object."),
    "task_text_too_long": _l("The text is too long: at most %(limit)s characters."),
    "id_too_long": _l("The id is too long: at most %(limit)s characters."),
    "empty_task": _l("This row has no text and no picture."),
    "unknown_gold": _l("The check answer “%(gold)s” is not an answer of this project. "
                        "Answers: %(allowed)s."),
    "picture_needs_zip": _l("Put the pictures and this list in one zip file, "
                            "and import the zip."),
    "missing_picture": _l("The picture “%(name)s” is not in the zip."),
    "bad_picture": _l("The picture “%(name)s” cannot be opened."),
    "picture_too_big": _l("A picture is too big: at most %(limit_mb)s MB."),
    "image_too_large": _l("The picture “%(name)s” is too large: at most %(limit)s megapixels."),
    "duplicate_id": _l("The id “%(id)s” is also on line %(first)s."),
    "existing_id": _l("The id “%(id)s” is already in this project."),
    "too_many_rows": _l("Too many rows: at most %(limit)s in one file."),
    "file_too_big": _l("The file is too big: at most %(limit_mb)s MB."),
    "zip_too_big": _l("The zip opens to more than %(limit_mb)s MB."),
    "bad_zip": _l("This zip file cannot be opened."),
    "unsafe_path": _l("The zip has a path that leads outside it: “%(name)s”."),
    "no_manifest": _l("The zip needs one list of tasks: a .csv or .jsonl file."),
    "many_manifests": _l("The zip has more than one .csv or .jsonl file. Keep only one."),
    # Personal data found in a task's text (core/personal_data.py).
    "pii_phone": _l("A phone number is in the text. Remove it, or let the project hide it."),
    "pii_aadhaar": _l("An Aadhaar number is in the text. Remove it, or let the project hide"
                      " it."),
    "pii_pan": _l("A PAN is in the text. Remove it, or let the project hide it."),
    "pii_email": _l("An e-mail address is in the text. Remove it, or let the project hide"
                    " it."),
    "pii_upi": _l("A UPI ID is in the text. Remove it, or let the project hide it."),
    "zip_too_many_files": _l("The zip has too many files: at most %(limit)s."),
    # Sound clips for a transcription project (core/clips.py), one problem by line.
    "clip_needed": _l("This row needs a sound clip in its file column."),
    "no_clips_here": _l("This project does not take sound clips: “%(name)s”."),
    "clip_needs_zip": _l("Put the sound clips and this list in one zip file, "
                         "and import the zip."),
    "missing_clip": _l("The sound clip “%(name)s” is not in the zip."),
    "bad_clip": _l("The sound clip “%(name)s” cannot be played."),
    "clip_too_big": _l("The sound clip “%(name)s” is too big: at most %(limit_mb)s MB."),
    "clip_too_long": _l("The sound clip “%(name)s” is too long: at most %(limit)s seconds."),
    # Payouts and payment details.
    "nothing_to_pay": _l("No accepted answers are waiting for a payout in this period."),
    "bad_period": _l("Please give a period that has begun, first day before last, at most"
                     " 62 days."),
    "not_draft": _l("This payout is no longer a draft."),
    "already_approved": _l("This payout was approved already."),
    "own_draft": _l("You drafted this payout. Another supervisor or an admin must approve it."),
    "details_changed": _l("Someone's payment details changed after this draft. Void it and"
                          " draft again."),
    "totals": _l("The totals of this payout do not add up. It was not approved."),
    "not_approved": _l("Only an approved payout can be paid."),
    "has_result": _l("This line is marked already."),
    "bad_utr": _l("Please type the bank reference (UTR): 6 to 30 letters or digits."),
    "failure_reason": _l("Please say why the payment failed."),
    "bonus_reason": _l("Please give a reason for the bonus."),
    "bonus_too_big": _l("A bonus can be at most ₹10,000."),
    "bad_amount": _l("Please type an amount in rupees, such as 120 or 120.50."),
    "bad_results_header": _l("The file must be a CSV with the columns reference, status, utr,"
                             " failure_reason."),
    "bad_results_line": _l("Line %(line)s of the file is not right. Nothing was saved."),
    "bad_upi": _l("Please type a UPI ID such as name@okaxis."),
    "bad_account": _l("Please type the account number: 9 to 18 digits."),
    "bad_ifsc": _l("Please type the IFSC: 11 letters and digits, such as SBIN0001234."),
    "bad_kind": _l("Please choose UPI or bank account."),
    "bad_details": _l("Please check what you typed."),
    "bad_account_name": _l("Please type the name on the account as your bank or UPI app"
                           " shows it, in English letters."),
    "details_decided": _l("These payment details were confirmed or refused already."),
    "details_reset_by_you": _l("You entered these details, or reset her PIN or changed her"
                               " phone number in the last 7 days. Another supervisor or an"
                               " admin must confirm them."),
    "details_confirmed_by_drafter": _l("You confirmed new payment details in this payout."
                                       " Another supervisor or an admin must draft it."),
    "refusal_reason": _l("Please say why, in at most 200 characters. She reads it."),
    "no_account_name": _l("No name on the account for: %(names)s. Ask them to enter their"
                          " payment details again with the name; the file cannot be"
                          " made until then."),
    "changed": _l("This payout changed since you opened it. Please check the new figures"
                  " below, then approve again."),
    "own_amounts": _l("You changed an amount in this payout. Another supervisor or an admin"
                      " must approve it."),
    "approver_account_new": _l("Your account was created or its password reset by the one"
                               " who drafted this payout, or in the last 7 days. Another"
                               " supervisor or an admin must approve it."),
    # Purges (core/purge.py).
    "bad_retention": _l("Whole days from 0 to %(limit)s, or empty to keep."),
    "bad_personal_data": _l("Please choose what to do with personal data."),
    "purge_not_closed": _l("Close the project before deleting its content."),
    "purge_done": _l("This deletion was already carried out or cancelled."),
    "purge_asked": _l("A deletion of this project is already waiting for approval."),
    "purge_same_person": _l("You asked for this deletion. Another supervisor or an admin"
                            " must approve it."),
    "purge_not_approved": _l("This deletion is not approved."),
    "failure_needs_second": _l("You reported this payment failed. Another supervisor or an"
                               " admin must confirm it, or import the bank's result file."),
    # Staff second factor (core/second_factor.py).
    "second_factor_needed": _l("This centre asks for a second factor before money moves or"
                               " data is deleted. Turn on your authenticator code first."),
    "no_pending_code": _l("Start again: add the key to your authenticator app first."),
}

# code -> function(detail) giving (url, button text): where a refusal leads her
# (a trainee refused paid work goes to the quiz).
REFUSAL_LINKS = {
    "needs_quiz": lambda detail: (url_for("quiz.overview", slug=detail["slug"]),
                                  _("Go to the quiz")),
    "second_factor_needed": lambda detail: (url_for("account.second_factor"),
                                            _("Turn on the authenticator code")),
}

# What a finished action says on the next page, in her language (flashed after the 303):
# every save and every irreversible step says that it was done.
DONE = {
    "lang_saved": _l("Your language is now %(language)s."),
    "pin_saved": _l("Your PIN is changed. Use the new one from now on."),
    "password_saved": _l("Your password is changed. Use the new one from now on."),
    "saved": _l("Saved."),
    "person_deactivated": _l("%(name)s is deactivated. She can no longer log in."),
    "person_reactivated": _l("%(name)s is active again. She can log in."),
    "payout_approved": _l("Payout approved: %(amount)s to %(people)s. It can no longer change."),
    "payout_voided": _l("Draft voided. Its answers will go into the next payout."),
    "payout_paid": _l("Marked paid: %(amount)s, UTR %(utr)s."),
    "task_removed": _l("Task %(task)s is removed for good. Its answers stay."),
}

# What SQLite says when it cannot write (sqlite3.OperationalError), by the sentence
# she is given: locked for longer than the busy timeout, or read-only, full or failing.
DB_FAULTS = (("locked", "db_busy"), ("readonly", "db_unwritable"),
             ("disk is full", "db_unwritable"), ("disk i/o", "db_unwritable"),
             ("unable to open", "db_unwritable"))


def message(refusal: Refused) -> str:
    """The refusal as a sentence in the user's language."""
    detail = refusal.detail
    if refusal.code == "bad_credentials":
        return ngettext("Wrong phone number or PIN. %(num)d try left.",
                        "Wrong phone number or PIN. %(num)d tries left.", detail["tries_left"])
    if refusal.code == "locked":
        return ngettext("Too many wrong tries. Try again in %(num)d minute.",
                        "Too many wrong tries. Try again in %(num)d minutes.", detail["minutes"])
    if refusal.code == "bad_code":
        return ngettext("Wrong code. %(num)d try left.", "Wrong code. %(num)d tries left.",
                        detail["tries_left"])
    if refusal.code == "code_used":
        return ngettext("This code was used already. Wait for the next one. %(num)d try left.",
                        "This code was used already. Wait for the next one."
                        " %(num)d tries left.", detail["tries_left"])
    if refusal.code == "recording_too_long":
        return ngettext("Your recording is too long. Keep it under %(num)d second.",
                        "Your recording is too long. Keep it under %(num)d seconds.",
                        detail.get("limit", 0))
    text = MESSAGES.get(refusal.code, MESSAGES["bad_request"])
    return str(text) % detail if detail else str(text)


def said(key: str, **values) -> None:
    """Tell her on the next page that what she asked for is done (DONE[key], her language)."""
    flash(str(DONE[key]) % values if values else str(DONE[key]))


def field_errors(refusal: Refused) -> dict:
    """A form's refusal ({field: code or Invalid}) as {field: sentence in her language}."""
    return {field: message(code if isinstance(code, Refused) else Invalid(code))
            for field, code in refusal.detail.get("errors", {}).items()}
