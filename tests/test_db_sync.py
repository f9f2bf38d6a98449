"""A durable commit is synced to disk before write() returns, and after the write lock is
let go (core.db._LogSync); relaxed ones are not; one sync covers the commits before it."""
import os
import sqlite3
import threading

import pytest

from core import db as coredb
from core import migrations


@pytest.fixture
def db(tmp_path):
    database = coredb.connect(tmp_path / "v.db")
    migrations.migrate(database)
    database.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    yield database
    database.conn.close()


@pytest.fixture
def syncs(monkeypatch):
    """Every os.fsync: the file it synced, and whether the write lock was free then."""
    seen, real = [], os.fsync

    def fsync(fd):
        path = os.readlink(f"/proc/self/fd/{fd}")
        seen.append({"path": path})
        real(fd)
    monkeypatch.setattr(coredb.os, "fsync", fsync)
    return seen


def _other_sees(path) -> list:
    conn = sqlite3.connect(path)
    try:
        return [row[0] for row in conn.execute("SELECT text FROM notes ORDER BY id")]
    finally:
        conn.close()


def test_a_durable_commit_syncs_the_log_once_committed_and_after_the_lock(db, syncs,
                                                                          monkeypatch):
    real = coredb.os.fsync
    states = []

    def fsync(fd):
        if not states:
            # At the sync: the commit is made (another connection reads it) and the
            # write lock is free (another writer gets through meanwhile).
            states.append((_other_sees(db.velai_path), _another_writer_passes(db.velai_path)))
        real(fd)
    monkeypatch.setattr(coredb.os, "fsync", fsync)
    with coredb.write(db):
        db.execute("INSERT INTO notes (text) VALUES ('answer')")
    assert states == [(["answer"], True)]
    assert _other_sees(db.velai_path) == ["answer", "other"]


def _another_writer_passes(path) -> bool:
    """Whether a write from another thread gets through within two seconds."""
    done = threading.Event()

    def other():
        other_db = coredb.connect(path)
        try:
            with coredb.write(other_db, durable=False):
                other_db.execute("INSERT INTO notes (text) VALUES ('other')")
            done.set()
        finally:
            other_db.conn.close()
    thread = threading.Thread(target=other, daemon=True)
    thread.start()
    return done.wait(2)


def test_the_log_synced_is_the_database_s_own(db, syncs):
    with coredb.write(db):
        db.execute("INSERT INTO notes (text) VALUES ('answer')")
    assert [s["path"] for s in syncs] == [db.velai_path + "-wal"]
    # The connection is back to SQLite's own sync for writes outside write().
    assert coredb.one(db, "PRAGMA synchronous")["synchronous"] == 2  # FULL


def test_a_relaxed_commit_is_not_synced_and_the_next_durable_one_covers_it(db, syncs):
    with coredb.write(db, durable=False):
        db.execute("INSERT INTO notes (text) VALUES ('lease')")
    assert syncs == []
    with coredb.write(db):
        db.execute("INSERT INTO notes (text) VALUES ('answer')")
    assert len(syncs) == 1
    assert _other_sees(db.velai_path) == ["lease", "answer"]


def test_a_failed_write_is_rolled_back_and_not_synced(db, syncs):
    with pytest.raises(ValueError):
        with coredb.write(db):
            db.execute("INSERT INTO notes (text) VALUES ('half')")
            raise ValueError("refused")
    assert syncs == [] and _other_sees(db.velai_path) == []
    with coredb.write(db):  # and the connection writes again, outside any transaction
        db.execute("INSERT INTO notes (text) VALUES ('next')")
    assert _other_sees(db.velai_path) == ["next"]


def test_one_sync_covers_every_commit_made_before_it_started(tmp_path, syncs):
    log = coredb._LogSync(str(tmp_path / "v.db"))
    (tmp_path / "v.db-wal").write_bytes(b"log")
    first, second = log.commit_made(), log.commit_made()
    log.sync(first)  # syncs both: the second was committed before this sync began
    log.sync(second)
    assert len(syncs) == 1
    third = log.commit_made()
    log.sync(third)
    assert len(syncs) == 2


def test_a_sync_that_fails_is_a_database_fault_not_a_saved_answer(db, monkeypatch):
    def fsync(fd):
        raise OSError(5, "Input/output error")
    monkeypatch.setattr(coredb.os, "fsync", fsync)
    with pytest.raises(sqlite3.OperationalError, match="disk I/O error"):
        with coredb.write(db):
            db.execute("INSERT INTO notes (text) VALUES ('answer')")
