"""Her consent (#19, India's DPDP Act): every "I agree" she gives, with the version of
the text she read, append-only; users.consent_version, kept by a trigger, is what the
session row already read says about it, so no task pays a query for it.

Staff second factor (#19): a TOTP secret per supervisor or admin, on only once a code
confirmed it, and the last time step used (a code works once); a centre setting that
asks for it before money moves or data is purged."""
from sqlite_utils import Database


def apply(db: Database) -> None:
    db.execute("""CREATE TABLE consents (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id),
        version INTEGER NOT NULL CHECK (version >= 1),
        at TEXT NOT NULL,
        session TEXT  -- a digest of the session id, as the access log keeps it
    )""")
    db.execute("CREATE INDEX consents_user ON consents(user_id, id)")
    db.execute("""CREATE TRIGGER consents_no_update BEFORE UPDATE ON consents
        BEGIN SELECT RAISE(ABORT, 'consents are append-only'); END""")
    db.execute("""CREATE TRIGGER consents_no_delete BEFORE DELETE ON consents
        BEGIN SELECT RAISE(ABORT, 'consents are append-only'); END""")
    db.execute("ALTER TABLE users ADD COLUMN consent_version INTEGER")
    db.execute("""CREATE TRIGGER consents_mark_user AFTER INSERT ON consents
        BEGIN UPDATE users SET consent_version = NEW.version WHERE id = NEW.user_id; END""")
    # Her logins, as her own data shows them: a coarse hint (browser and system), never
    # the whole user-agent string.
    db.execute("ALTER TABLE sessions ADD COLUMN device TEXT")
    db.execute("ALTER TABLE users ADD COLUMN totp_secret TEXT")
    db.execute("ALTER TABLE users ADD COLUMN totp_on_at TEXT")  # confirmed with a code
    db.execute("ALTER TABLE users ADD COLUMN totp_last_step INTEGER")
    db.execute("ALTER TABLE centres ADD COLUMN second_factor_for_money INTEGER NOT NULL"
               " DEFAULT 0 CHECK (second_factor_for_money IN (0, 1))")
    # The centre's rule, held by the database too: with it on, a payout is approved
    # only by someone whose second factor is on.
    db.execute("""CREATE TRIGGER payouts_approver_second_factor
        BEFORE UPDATE OF status ON payouts
        WHEN NEW.status = 'approved'
          AND (SELECT second_factor_for_money FROM centres WHERE id = NEW.centre_id) = 1
          AND (SELECT totp_on_at FROM users WHERE id = NEW.approved_by) IS NULL
        BEGIN SELECT RAISE(ABORT, 'approving needs a second factor'); END""")
