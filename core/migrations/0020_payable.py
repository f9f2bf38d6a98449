"""Accepted answers not yet in a live payout, kept by triggers (#15): drafting a week's
payout read every accepted answer ever given and looked each one up in payout_items
(10 million lookups, 277 s on a centre's quarter); it now reads the week's pile."""
from sqlite_utils import Database

# An answer enters when it is accepted (and leaves if that changes), and comes back when
# the payout item that carried it stops being live (its payout voided, its payment
# failed). The draft takes out the answers it puts in a payout, all at once after its
# items (core.payouts.draft): a trigger doing it item by item made a week's draft of 450
# people take twice as long; readers skip an answer with a live item all the same.
_PAYABLE = "{row}.state IS 'submitted' AND {row}.review_state IS 'accepted'"
_ADD = """INSERT OR REPLACE INTO payable (assignment_id, user_id, submitted_at, pay_paise)
    SELECT a.id, a.user_id, a.submitted_at, a.pay_paise FROM assignments a
    WHERE a.id = {id} AND a.state = 'submitted' AND a.review_state = 'accepted'
      AND NOT EXISTS (SELECT 1 FROM payout_items i WHERE i.assignment_id = a.id
                      AND i.live = 1);"""
_NEW = """INSERT OR REPLACE INTO payable (assignment_id, user_id, submitted_at, pay_paise)
    VALUES (NEW.id, NEW.user_id, NEW.submitted_at, NEW.pay_paise);"""


def apply(db: Database) -> None:
    # Keyed by the answer: the draft takes each one out as it writes its payout item
    # (one delete by row id); a draft reads a person's range of payable_user.
    db.execute("""
        CREATE TABLE payable (
            assignment_id INTEGER PRIMARY KEY,  -- assignments(id), taken out with it
            user_id INTEGER NOT NULL,
            submitted_at TEXT NOT NULL,
            pay_paise INTEGER NOT NULL
        )""")
    db.execute("CREATE INDEX payable_user ON payable(user_id, submitted_at, pay_paise)")
    db.execute("""
        INSERT INTO payable (assignment_id, user_id, submitted_at, pay_paise)
        SELECT a.id, a.user_id, a.submitted_at, a.pay_paise FROM assignments a
        WHERE a.review_state = 'accepted' AND a.state = 'submitted'
          AND NOT EXISTS (SELECT 1 FROM payout_items i WHERE i.assignment_id = a.id
                          AND i.live = 1)""")
    # On the task cycle an answer becomes accepted (by its check task or its task's
    # majority): one row written from the answer itself. A new or newly accepted answer
    # is in no payout (an item takes accepted answers only, and an accepted answer in a
    # live payout keeps its review: assignments_paid_answer_stands).
    db.execute(f"""
        CREATE TRIGGER payable_insert AFTER INSERT ON assignments
        WHEN {_PAYABLE.format(row="NEW")} BEGIN {_NEW} END""")
    db.execute(f"""
        CREATE TRIGGER payable_accepted
        AFTER UPDATE OF state, review_state ON assignments
        WHEN {_PAYABLE.format(row="NEW")} AND NOT ({_PAYABLE.format(row="OLD")})
        BEGIN {_NEW} END""")
    db.execute(f"""
        CREATE TRIGGER payable_unaccepted
        AFTER UPDATE OF state, review_state ON assignments
        WHEN {_PAYABLE.format(row="OLD")} AND NOT ({_PAYABLE.format(row="NEW")})
        BEGIN DELETE FROM payable WHERE assignment_id = OLD.id; END""")
    # Pay, person and time are copied here: a change of any of them writes the row again.
    db.execute(f"""
        CREATE TRIGGER payable_changed
        AFTER UPDATE OF pay_paise, user_id, submitted_at ON assignments
        WHEN {_PAYABLE.format(row="OLD")} AND {_PAYABLE.format(row="NEW")}
        BEGIN DELETE FROM payable WHERE assignment_id = OLD.id;
              {_ADD.format(id="NEW.id")} END""")
    db.execute("""
        CREATE TRIGGER payable_delete AFTER DELETE ON assignments
        WHEN OLD.review_state = 'accepted'
        BEGIN DELETE FROM payable WHERE assignment_id = OLD.id; END""")
    db.execute(f"""
        CREATE TRIGGER payable_freed AFTER UPDATE OF live ON payout_items
        WHEN OLD.live = 1 AND NEW.live = 0
        BEGIN {_ADD.format(id="NEW.assignment_id")} END""")
