"""Clients as tenants inside a centre (#19): a client owns projects; a supervisor may be
limited to some clients (user_clients; none: every client of her centre). Every project
has a client: existing ones get their centre's first client here, and triggers give a new
centre its first client and a project made without one its centre's first, so that no
project is ever outside every client."""
from sqlite_utils import Database

DEFAULT_NAME = "Centre's own work"  # what a centre's first client is called until renamed


def apply(db: Database) -> None:
    db.execute("""CREATE TABLE clients (
        id INTEGER PRIMARY KEY,
        centre_id INTEGER NOT NULL REFERENCES centres(id),
        name TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 80),
        created_at TEXT NOT NULL,
        UNIQUE (centre_id, name)
    )""")
    db.execute("""CREATE TABLE user_clients (
        user_id INTEGER NOT NULL REFERENCES users(id),
        client_id INTEGER NOT NULL REFERENCES clients(id),
        PRIMARY KEY (user_id, client_id)
    ) WITHOUT ROWID""")
    db.execute("ALTER TABLE projects ADD COLUMN client_id INTEGER REFERENCES clients(id)")
    db.execute("CREATE INDEX projects_client ON projects(client_id)")
    now = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
    db.execute(f"INSERT INTO clients (centre_id, name, created_at)"
               f" SELECT id, ?, {now} FROM centres ORDER BY id", (DEFAULT_NAME,))
    db.execute("UPDATE projects SET client_id = (SELECT min(c.id) FROM clients c"
               " WHERE c.centre_id = projects.centre_id)")
    # A new centre starts with its own client, so a project of it always has one.
    db.execute(f"""CREATE TRIGGER centres_first_client AFTER INSERT ON centres BEGIN
        INSERT INTO clients (centre_id, name, created_at) VALUES (NEW.id, '{DEFAULT_NAME.replace("'", "''")}',
            {now});
    END""")
    db.execute("""CREATE TRIGGER projects_default_client AFTER INSERT ON projects
        WHEN NEW.client_id IS NULL BEGIN
        UPDATE projects SET client_id = (SELECT min(id) FROM clients
            WHERE centre_id = NEW.centre_id) WHERE id = NEW.id;
    END""")
    # A project's client is one of its own centre's, and never none once it had one.
    for event in ("INSERT", "UPDATE OF client_id, centre_id"):
        name = "insert" if event == "INSERT" else "update"
        db.execute(f"""CREATE TRIGGER projects_client_of_centre_{name} BEFORE {event} ON projects
            WHEN NEW.client_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM clients
                WHERE id = NEW.client_id AND centre_id = NEW.centre_id)
                OR (NEW.client_id IS NULL AND {'0' if name == 'insert' else 'OLD.client_id IS NOT NULL'})
            BEGIN SELECT RAISE(ABORT, 'a project belongs to a client of its own centre'); END""")
    db.execute("""CREATE TRIGGER user_clients_same_centre BEFORE INSERT ON user_clients
        WHEN NOT EXISTS (SELECT 1 FROM users u JOIN clients c ON c.centre_id = u.centre_id
            WHERE u.id = NEW.user_id AND c.id = NEW.client_id AND u.role = 'supervisor')
        BEGIN SELECT RAISE(ABORT, 'only a supervisor of the client''s centre'); END""")
