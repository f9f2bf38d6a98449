"""Payouts (#9). The old `payouts` table of 0001 was never used (no code wrote it): it is
replaced by payout runs, one line per annotator, one item per answer paid. Its name is
kept so that assignments.payout_id (unused, always NULL) still names a real table.
The money rules live here, in the database, so that no route and no later code can
break them; core/payouts.py only ever writes what these rules allow.
"""
import sqlite3

from sqlite_utils import Database

SCHEMA = """
DROP TABLE payouts;
CREATE TABLE payouts (
    id INTEGER PRIMARY KEY,
    centre_id INTEGER NOT NULL REFERENCES centres(id),
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'approved', 'void')),
    total_paise INTEGER NOT NULL DEFAULT 0 CHECK (total_paise >= 0),
    drafted_by INTEGER NOT NULL REFERENCES users(id),
    drafted_at TEXT NOT NULL,
    approved_by INTEGER REFERENCES users(id),
    approved_at TEXT,
    voided_by INTEGER REFERENCES users(id),
    voided_at TEXT,
    CHECK (period_start <= period_end),
    CHECK (approved_by IS NULL OR approved_by <> drafted_by),
    CHECK ((status = 'approved') = (approved_by IS NOT NULL AND approved_at IS NOT NULL))
);
CREATE INDEX payouts_centre ON payouts(centre_id, id);
CREATE TABLE payment_details (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL CHECK (kind IN ('vpa', 'bank_account')),
    upi_id TEXT,
    account_number TEXT,
    ifsc TEXT,
    entered_by INTEGER NOT NULL REFERENCES users(id),
    entered_at TEXT NOT NULL,
    confirmed_by INTEGER REFERENCES users(id),
    confirmed_at TEXT,
    CHECK ((kind = 'vpa') = (upi_id IS NOT NULL AND account_number IS NULL AND ifsc IS NULL)),
    CHECK ((kind = 'bank_account') = (account_number IS NOT NULL AND ifsc IS NOT NULL
                                      AND upi_id IS NULL)),
    CHECK (confirmed_by IS NULL OR confirmed_by <> user_id)
);
CREATE INDEX payment_details_user ON payment_details(user_id, id);
CREATE TABLE payout_lines (
    id INTEGER PRIMARY KEY,
    payout_id INTEGER NOT NULL REFERENCES payouts(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    payment_detail_id INTEGER NOT NULL REFERENCES payment_details(id),
    answers INTEGER NOT NULL CHECK (answers > 0),
    items_paise INTEGER NOT NULL CHECK (items_paise >= 0),
    bonus_paise INTEGER NOT NULL DEFAULT 0 CHECK (bonus_paise >= 0),
    bonus_reason TEXT NOT NULL DEFAULT '',
    amount_paise INTEGER NOT NULL,
    UNIQUE (payout_id, user_id),
    CHECK (amount_paise = items_paise + bonus_paise),
    CHECK (bonus_paise = 0 OR length(bonus_reason) > 0)
);
CREATE INDEX payout_lines_user ON payout_lines(user_id, id);
CREATE TABLE payout_items (
    id INTEGER PRIMARY KEY,
    payout_id INTEGER NOT NULL REFERENCES payouts(id),
    line_id INTEGER NOT NULL REFERENCES payout_lines(id),
    assignment_id INTEGER NOT NULL REFERENCES assignments(id),
    pay_paise INTEGER NOT NULL CHECK (pay_paise >= 0),
    live INTEGER NOT NULL DEFAULT 1 CHECK (live IN (0, 1))
);
CREATE UNIQUE INDEX payout_items_one_live ON payout_items(assignment_id) WHERE live = 1;
CREATE INDEX payout_items_line ON payout_items(line_id);
CREATE TABLE payout_results (
    id INTEGER PRIMARY KEY,
    line_id INTEGER NOT NULL UNIQUE REFERENCES payout_lines(id),
    status TEXT NOT NULL CHECK (status IN ('paid', 'failed')),
    utr TEXT NOT NULL DEFAULT '',
    failure_reason TEXT NOT NULL DEFAULT '',
    recorded_by INTEGER NOT NULL REFERENCES users(id),
    recorded_at TEXT NOT NULL,
    CHECK (status <> 'paid' OR length(utr) > 0),
    CHECK (status <> 'failed' OR length(failure_reason) > 0)
);
CREATE TRIGGER payouts_final BEFORE UPDATE ON payouts WHEN OLD.status <> 'draft'
BEGIN SELECT RAISE(ABORT, 'payout is final: approved or void'); END;
CREATE TRIGGER payouts_keep BEFORE DELETE ON payouts
BEGIN SELECT RAISE(ABORT, 'payouts are never deleted'); END;
CREATE TRIGGER payouts_exact_on_approval BEFORE UPDATE OF status ON payouts
WHEN NEW.status = 'approved' AND (
    NEW.total_paise <> (SELECT coalesce(sum(amount_paise), 0) FROM payout_lines
                        WHERE payout_id = NEW.id)
    OR EXISTS (SELECT 1 FROM payout_lines l WHERE l.payout_id = NEW.id AND l.items_paise <>
               (SELECT coalesce(sum(pay_paise), 0) FROM payout_items i WHERE i.line_id = l.id))
    OR EXISTS (SELECT 1 FROM payout_lines l WHERE l.payout_id = NEW.id AND l.answers <>
               (SELECT count(*) FROM payout_items i WHERE i.line_id = l.id)))
BEGIN SELECT RAISE(ABORT, 'payout totals do not add up'); END;
CREATE TRIGGER payouts_void_frees_answers AFTER UPDATE OF status ON payouts
WHEN NEW.status = 'void'
BEGIN UPDATE payout_items SET live = 0 WHERE payout_id = NEW.id AND live = 1; END;
CREATE TRIGGER payout_lines_draft_only_insert BEFORE INSERT ON payout_lines
WHEN (SELECT status FROM payouts WHERE id = NEW.payout_id) IS NOT 'draft'
BEGIN SELECT RAISE(ABORT, 'lines are added to drafts only'); END;
CREATE TRIGGER payout_lines_final BEFORE UPDATE ON payout_lines
WHEN (SELECT status FROM payouts WHERE id = OLD.payout_id) <> 'draft'
    OR NEW.payout_id <> OLD.payout_id OR NEW.user_id <> OLD.user_id
BEGIN SELECT RAISE(ABORT, 'payout line is final'); END;
CREATE TRIGGER payout_lines_keep BEFORE DELETE ON payout_lines
BEGIN SELECT RAISE(ABORT, 'payout lines are never deleted'); END;
CREATE TRIGGER payout_items_only_accepted BEFORE INSERT ON payout_items
WHEN (SELECT status FROM payouts WHERE id = NEW.payout_id) IS NOT 'draft'
    OR (SELECT payout_id FROM payout_lines WHERE id = NEW.line_id) IS NOT NEW.payout_id
    OR NOT EXISTS (SELECT 1 FROM assignments a JOIN payout_lines l ON l.id = NEW.line_id
                   WHERE a.id = NEW.assignment_id AND a.user_id = l.user_id
                   AND a.state = 'submitted' AND a.review_state = 'accepted'
                   AND a.pay_paise = NEW.pay_paise)
BEGIN SELECT RAISE(ABORT, 'only her accepted answers, at their pay, go into a draft'); END;
CREATE TRIGGER payout_items_final BEFORE UPDATE ON payout_items
WHEN NOT (OLD.live = 1 AND NEW.live = 0 AND NEW.id = OLD.id
          AND NEW.payout_id = OLD.payout_id AND NEW.line_id = OLD.line_id
          AND NEW.assignment_id = OLD.assignment_id AND NEW.pay_paise = OLD.pay_paise
          AND ((SELECT status FROM payouts WHERE id = OLD.payout_id) = 'void'
               OR EXISTS (SELECT 1 FROM payout_results r WHERE r.line_id = OLD.line_id
                          AND r.status = 'failed')))
BEGIN SELECT RAISE(ABORT, 'payout item is final'); END;
CREATE TRIGGER payout_items_keep BEFORE DELETE ON payout_items
BEGIN SELECT RAISE(ABORT, 'payout items are never deleted'); END;
CREATE TRIGGER payout_results_approved_only BEFORE INSERT ON payout_results
WHEN (SELECT p.status FROM payouts p JOIN payout_lines l ON l.payout_id = p.id
      WHERE l.id = NEW.line_id) IS NOT 'approved'
BEGIN SELECT RAISE(ABORT, 'only approved payouts are paid'); END;
CREATE TRIGGER payout_results_failed_frees_answers AFTER INSERT ON payout_results
WHEN NEW.status = 'failed'
BEGIN UPDATE payout_items SET live = 0 WHERE line_id = NEW.line_id AND live = 1; END;
CREATE TRIGGER payout_results_final BEFORE UPDATE ON payout_results
BEGIN SELECT RAISE(ABORT, 'payment result is final'); END;
CREATE TRIGGER payout_results_keep BEFORE DELETE ON payout_results
BEGIN SELECT RAISE(ABORT, 'payment results are never deleted'); END;
CREATE TRIGGER payment_details_keep BEFORE DELETE ON payment_details
BEGIN SELECT RAISE(ABORT, 'payment details are kept: a change adds a row'); END;
CREATE TRIGGER payment_details_confirm_only BEFORE UPDATE ON payment_details
WHEN OLD.confirmed_by IS NOT NULL OR NEW.confirmed_by IS NULL
    OR NEW.kind IS NOT OLD.kind OR NEW.upi_id IS NOT OLD.upi_id
    OR NEW.account_number IS NOT OLD.account_number OR NEW.ifsc IS NOT OLD.ifsc
    OR NEW.user_id <> OLD.user_id OR NEW.entered_by <> OLD.entered_by
    OR NEW.entered_at <> OLD.entered_at
BEGIN SELECT RAISE(ABORT, 'payment details change only by a new row'); END;
CREATE TRIGGER assignments_paid_answer_stands
BEFORE UPDATE OF review_state, pay_paise, user_id ON assignments
WHEN OLD.review_state = 'accepted' AND (NEW.review_state IS NOT OLD.review_state
    OR NEW.pay_paise <> OLD.pay_paise OR NEW.user_id <> OLD.user_id)
    AND EXISTS (SELECT 1 FROM payout_items WHERE assignment_id = OLD.id AND live = 1)
BEGIN SELECT RAISE(ABORT, 'an answer in a payout keeps its review and pay'); END;
CREATE INDEX audit_log_action ON audit_log(action, at);
CREATE INDEX audit_log_actor ON audit_log(actor_id, at)
"""


def apply(db: Database) -> None:
    # Triggers hold semicolons: split on the statement ends we wrote, not inside BEGIN..END.
    for statement in _statements(SCHEMA):
        db.execute(statement)


def _statements(script: str) -> list[str]:
    """The statements of `script`, one each; a trigger's body stays whole."""
    out, current = [], []
    for line in script.strip().splitlines():
        current.append(line)
        text = "\n".join(current).strip()
        if text.endswith(";") and sqlite3.complete_statement(text):
            out.append(text)
            current = []
    if "\n".join(current).strip():
        out.append("\n".join(current))
    return out
