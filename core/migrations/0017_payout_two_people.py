"""Money that only two people can move (#16): the rules that keep one person from going
around the drafter <> approver rule, held by the database like those of 0009_payouts.

- A draft has a version, raised by the database whenever a line's amount changes, so an
  approval is bound to the figures the approver saw; a line remembers who last changed
  its amount, and that person may not approve the payout.
- Staff accounts remember who created them and who last set their password: an account
  created or reset by the drafter never approves that drafter's payouts, and one created
  or reset by anyone in the last APPROVER_WAIT_DAYS approves none.
- A manual "failed" needs a second person: one reports it, another confirms; only the
  bank's result file records a failure in one step. A line that carries answers of an
  earlier failed line names it (payout_line_retries).
- A session remembers when its password was last typed (step-up for money).
"""
from importlib import import_module

from sqlite_utils import Database

# Trigger bodies hold semicolons: 0009's splitter keeps each statement whole.
_statements = import_module(f"{__package__}.0009_payouts")._statements

APPROVER_WAIT_DAYS = 7  # core.payouts.APPROVER_WAIT says the same in Python

_AMOUNTS_DIFFER = ("(NEW.items_paise IS NOT OLD.items_paise OR NEW.bonus_paise IS NOT"
                   " OLD.bonus_paise OR NEW.amount_paise IS NOT OLD.amount_paise)")

SCHEMA = f"""
ALTER TABLE payouts ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE payout_lines ADD COLUMN amount_set_by INTEGER REFERENCES users(id);
ALTER TABLE users ADD COLUMN created_by INTEGER REFERENCES users(id);
ALTER TABLE users ADD COLUMN password_set_by INTEGER REFERENCES users(id);
ALTER TABLE users ADD COLUMN password_set_at TEXT;
ALTER TABLE sessions ADD COLUMN authed_at TEXT;
ALTER TABLE payout_results ADD COLUMN source TEXT NOT NULL DEFAULT 'manual'
    CHECK (source IN ('manual', 'bank_file'));
CREATE TABLE payout_failure_reports (
    id INTEGER PRIMARY KEY,
    line_id INTEGER NOT NULL UNIQUE REFERENCES payout_lines(id),
    reason TEXT NOT NULL CHECK (length(reason) > 0),
    reported_by INTEGER NOT NULL REFERENCES users(id),
    reported_at TEXT NOT NULL
);
CREATE TABLE payout_line_retries (
    line_id INTEGER NOT NULL REFERENCES payout_lines(id),
    failed_line_id INTEGER NOT NULL REFERENCES payout_lines(id),
    PRIMARY KEY (line_id, failed_line_id),
    CHECK (failed_line_id < line_id)
) WITHOUT ROWID;
CREATE TRIGGER payout_lines_amount_by BEFORE UPDATE ON payout_lines
WHEN {_AMOUNTS_DIFFER} AND NEW.amount_set_by IS NULL
    -- a line that breaks its CHECKs, or of a final payout, is refused by those rules
    AND NEW.amount_paise = NEW.items_paise + NEW.bonus_paise
    AND (SELECT status FROM payouts WHERE id = OLD.payout_id) = 'draft'
BEGIN SELECT RAISE(ABORT, 'a changed amount names who changed it'); END;
CREATE TRIGGER payout_lines_version AFTER UPDATE ON payout_lines WHEN {_AMOUNTS_DIFFER}
BEGIN UPDATE payouts SET version = version + 1 WHERE id = NEW.payout_id; END;
CREATE TRIGGER payouts_version_only_up BEFORE UPDATE OF version ON payouts
WHEN NEW.version <= OLD.version
BEGIN SELECT RAISE(ABORT, 'a payout version only goes up'); END;
CREATE TRIGGER payouts_approver_changed_nothing BEFORE UPDATE OF status ON payouts
WHEN NEW.status = 'approved' AND EXISTS (SELECT 1 FROM payout_lines l
    WHERE l.payout_id = NEW.id AND l.amount_set_by = NEW.approved_by)
BEGIN SELECT RAISE(ABORT, 'who changed its amounts may not approve it'); END;
CREATE TRIGGER payouts_approver_not_made_by_drafter BEFORE UPDATE OF status ON payouts
WHEN NEW.status = 'approved' AND EXISTS (SELECT 1 FROM users u WHERE u.id = NEW.approved_by
    AND (u.created_by = NEW.drafted_by OR u.password_set_by = NEW.drafted_by
         OR (u.created_by IS NOT NULL
             AND u.created_at > datetime(NEW.approved_at, '-{APPROVER_WAIT_DAYS} days'))
         OR (u.password_set_by IS NOT NULL AND u.password_set_by <> u.id
             AND u.password_set_at > datetime(NEW.approved_at, '-{APPROVER_WAIT_DAYS} days'))))
BEGIN SELECT RAISE(ABORT,
    'an account the drafter made or reset, or a new one, may not approve'); END;
CREATE TRIGGER payout_results_failed_two_people BEFORE INSERT ON payout_results
WHEN NEW.status = 'failed' AND NEW.source <> 'bank_file' AND NOT EXISTS (
    SELECT 1 FROM payout_failure_reports f WHERE f.line_id = NEW.line_id
    AND f.reported_by <> NEW.recorded_by)
BEGIN SELECT RAISE(ABORT, 'a failed payment needs the bank file or a second person'); END;
CREATE TRIGGER payout_failure_reports_approved_only BEFORE INSERT ON payout_failure_reports
WHEN (SELECT p.status FROM payouts p JOIN payout_lines l ON l.payout_id = p.id
      WHERE l.id = NEW.line_id) IS NOT 'approved'
    OR EXISTS (SELECT 1 FROM payout_results r WHERE r.line_id = NEW.line_id)
BEGIN SELECT RAISE(ABORT, 'only an unpaid line of an approved payout is reported failed'); END;
CREATE TRIGGER payout_failure_reports_final BEFORE UPDATE ON payout_failure_reports
BEGIN SELECT RAISE(ABORT, 'a failure report is final'); END;
CREATE TRIGGER payout_failure_reports_keep BEFORE DELETE ON payout_failure_reports
BEGIN SELECT RAISE(ABORT, 'failure reports are never deleted'); END;
CREATE TRIGGER payout_line_retries_keep BEFORE DELETE ON payout_line_retries
BEGIN SELECT RAISE(ABORT, 'a line keeps the failed lines it carries'); END;
UPDATE sessions SET authed_at = created_at;
UPDATE users SET created_by = (SELECT a.actor_id FROM audit_log a
    WHERE a.action = 'user.create' AND a.subject = 'user:' || users.id
    ORDER BY a.id DESC LIMIT 1) WHERE role IN ('supervisor', 'admin');
UPDATE users SET (password_set_by, password_set_at) = (SELECT a.actor_id, a.at FROM audit_log a
    WHERE a.action = 'user.reset_password' AND a.subject = 'user:' || users.id
    ORDER BY a.id DESC LIMIT 1) WHERE role IN ('supervisor', 'admin');
INSERT INTO payout_line_retries (line_id, failed_line_id)
SELECT DISTINCT i.line_id, o.line_id FROM payout_results r
JOIN payout_items o ON o.line_id = r.line_id
JOIN payout_items i ON i.assignment_id = o.assignment_id AND i.live = 1
WHERE r.status = 'failed' AND i.line_id > o.line_id;
"""


def apply(db: Database) -> None:
    for statement in _statements(SCHEMA):
        db.execute(statement)
