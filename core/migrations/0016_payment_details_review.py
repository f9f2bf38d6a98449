"""Payment details: the name on the account, a refusal with its reason, and the rules that
keep one person from redirecting an annotator's pay alone (#16).

The fraud: a supervisor resets her PIN (or changes her phone), logs in as her, types his
own UPI ID, then confirms it or drafts the payout that first pays there. The database
refuses a confirmation by whoever reset her PIN or changed her phone in the last 7 days
(read from the audit log, which every such change writes in the same transaction) or who
entered the details, and a draft line paying to new details that the drafter confirmed.
"""
from sqlite_utils import Database

# Who may not confirm: the audit log's PIN resets and phone changes of her, by him, within
# 7 days before the confirmation (or before now, whichever is later: a forged old stamp
# does not slip past).
RECENT_RESET = """EXISTS (SELECT 1 FROM audit_log a WHERE a.actor_id = NEW.confirmed_by
    AND a.subject = 'user:' || OLD.user_id
    AND (a.action = 'user.reset_pin'
         OR (a.action = 'user.edit' AND json_extract(a.detail, '$.phone') IS NOT NULL))
    AND (a.at >= datetime(NEW.confirmed_at, '-7 days') OR a.at >= datetime('now', '-7 days')))"""

# Details are new until a payout that used them was approved.
FIRST_USE = """NOT EXISTS (SELECT 1 FROM payout_lines o JOIN payouts op ON op.id = o.payout_id
    WHERE o.payment_detail_id = {detail} AND op.status = 'approved')"""


def apply(db: Database) -> None:
    db.execute("ALTER TABLE payment_details ADD COLUMN account_name TEXT")
    db.execute("ALTER TABLE payment_details ADD COLUMN refused_by INTEGER REFERENCES users(id)")
    db.execute("ALTER TABLE payment_details ADD COLUMN refused_at TEXT")
    db.execute("ALTER TABLE payment_details ADD COLUMN refusal_reason TEXT")
    db.execute("DROP TRIGGER payment_details_confirm_only")
    # One decision per row, confirm or refuse, and nothing else ever changes.
    db.execute("""
        CREATE TRIGGER payment_details_decide_once BEFORE UPDATE ON payment_details
        WHEN OLD.confirmed_by IS NOT NULL OR OLD.refused_by IS NOT NULL
            OR (NEW.confirmed_by IS NULL) = (NEW.refused_by IS NULL)
            OR (NEW.refused_by IS NOT NULL AND (NEW.refused_at IS NULL
                OR trim(coalesce(NEW.refusal_reason, '')) = ''))
            OR (NEW.confirmed_by IS NOT NULL AND NEW.confirmed_at IS NULL)
            OR NEW.kind IS NOT OLD.kind OR NEW.upi_id IS NOT OLD.upi_id
            OR NEW.account_number IS NOT OLD.account_number OR NEW.ifsc IS NOT OLD.ifsc
            OR NEW.account_name IS NOT OLD.account_name
            OR NEW.user_id <> OLD.user_id OR NEW.entered_by <> OLD.entered_by
            OR NEW.entered_at <> OLD.entered_at
        BEGIN SELECT RAISE(ABORT, 'payment details change only by a new row'); END""")
    db.execute(f"""
        CREATE TRIGGER payment_details_confirm_by_another BEFORE UPDATE OF confirmed_by
        ON payment_details
        WHEN NEW.confirmed_by IS NOT NULL AND (NEW.confirmed_by = OLD.entered_by
            OR {RECENT_RESET})
        BEGIN SELECT RAISE(ABORT, 'details_reset_by_you: another person confirms these
 payment details'); END""")
    db.execute(f"""
        CREATE TRIGGER payout_lines_new_details_not_by_confirmer BEFORE INSERT ON payout_lines
        WHEN (SELECT confirmed_by FROM payment_details WHERE id = NEW.payment_detail_id)
             = (SELECT drafted_by FROM payouts WHERE id = NEW.payout_id)
            AND {FIRST_USE.format(detail="NEW.payment_detail_id")}
        BEGIN SELECT RAISE(ABORT, 'details_confirmed_by_drafter: the first payout to new
 details is drafted by another person than their confirmer'); END""")
    # The same rule at approval, for a draft made before it was a rule.
    db.execute(f"""
        CREATE TRIGGER payouts_new_details_not_by_confirmer BEFORE UPDATE OF status ON payouts
        WHEN NEW.status = 'approved' AND EXISTS (
            SELECT 1 FROM payout_lines l JOIN payment_details d ON d.id = l.payment_detail_id
            WHERE l.payout_id = NEW.id AND d.confirmed_by = OLD.drafted_by
              AND {FIRST_USE.format(detail="l.payment_detail_id")})
        BEGIN SELECT RAISE(ABORT, 'details_confirmed_by_drafter: the first payout to new
 details is drafted by another person than their confirmer'); END""")
    # The confirmer's screen asks who last reset her PIN: by subject, not by actor.
    db.execute("CREATE INDEX audit_log_subject ON audit_log(subject, action, at)")
