//! Schema migrations, tracked in SQLite's `user_version`.
//!
//! Each entry upgrades from version `i` to `i + 1`; a migration runs in one
//! transaction with the version bump, so a crash leaves the old or new schema,
//! never half of one.

use rusqlite::Connection;

/// Migrations in order; `MIGRATIONS[i]` takes the schema from version i to i + 1.
const MIGRATIONS: &[&str] = &[
    // 1: the counting core.
    r"
    CREATE TABLE election (
        id          INTEGER PRIMARY KEY CHECK (id = 1),
        fingerprint TEXT NOT NULL,
        definition  TEXT NOT NULL,          -- the election TOML as loaded
        bound_at    TEXT NOT NULL
    );
    CREATE TABLE print_runs (
        id          INTEGER PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        count       INTEGER NOT NULL CHECK (count >= 0),
        seeded      INTEGER NOT NULL CHECK (seeded IN (0, 1)),  -- 1: reproducible serials (tests, demos)
        created_at  TEXT NOT NULL
    );
    CREATE TABLE printed_serials (
        serial      TEXT PRIMARY KEY,       -- 16 hex digits
        print_run   INTEGER NOT NULL REFERENCES print_runs(id)
    );
    CREATE TABLE sessions (
        id          INTEGER PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        state       TEXT NOT NULL,
        previous    INTEGER REFERENCES sessions(id),   -- a re-election links to the first count
        setup       TEXT NOT NULL DEFAULT '{}',        -- board, witnesses, attendance (JSON)
        created_at  TEXT NOT NULL
    );
    CREATE TABLE sheets (
        id          INTEGER PRIMARY KEY,
        session_id  INTEGER NOT NULL REFERENCES sessions(id),
        batch       TEXT NOT NULL,
        image_sha256 TEXT NOT NULL,
        image_path  TEXT NOT NULL,
        source      TEXT NOT NULL,          -- e.g. sane:test:0 page 3, folder file name
        received_at TEXT NOT NULL
    );
    CREATE INDEX sheets_session ON sheets(session_id);
    CREATE TABLE readings (
        id          INTEGER PRIMARY KEY,
        sheet_id    INTEGER NOT NULL REFERENCES sheets(id),
        serial      TEXT,
        status      TEXT NOT NULL,          -- valid | invalid | review | blank | rejected | duplicate
        reading     TEXT NOT NULL,          -- interpreter output, raw scores per candidate (JSON)
        created_at  TEXT NOT NULL
    );
    CREATE INDEX readings_sheet ON readings(sheet_id);
    CREATE INDEX readings_serial ON readings(serial);
    CREATE TABLE decisions (
        id          INTEGER PRIMARY KEY,
        sheet_id    INTEGER NOT NULL REFERENCES sheets(id),
        reading_id  INTEGER REFERENCES readings(id),
        machine_verdict TEXT NOT NULL,      -- JSON, as the rules judged the reading
        human_verdict   TEXT,               -- JSON, the officials' decision (NULL: none)
        reason      TEXT,
        official    TEXT,
        decided_at  TEXT NOT NULL,
        supersedes  INTEGER REFERENCES decisions(id)
    );
    CREATE INDEX decisions_sheet ON decisions(sheet_id);
    CREATE TABLE audit_log (
        seq         INTEGER PRIMARY KEY,
        at          TEXT NOT NULL,
        actor       TEXT NOT NULL,
        action      TEXT NOT NULL,
        detail      TEXT NOT NULL,          -- JSON
        prev_hash   TEXT NOT NULL,
        hash        TEXT NOT NULL
    );
    -- Append-only: history is never rewritten.
    CREATE TRIGGER readings_no_update BEFORE UPDATE ON readings
        BEGIN SELECT RAISE(ABORT, 'readings are append-only'); END;
    CREATE TRIGGER readings_no_delete BEFORE DELETE ON readings
        BEGIN SELECT RAISE(ABORT, 'readings are append-only'); END;
    CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
        BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;
    CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions
        BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER printed_no_delete BEFORE DELETE ON printed_serials
        BEGIN SELECT RAISE(ABORT, 'printed serials are never removed'); END;
    ",
    // 2: the counting session.
    r"
    ALTER TABLE readings ADD COLUMN duplicate_of INTEGER REFERENCES sheets(id);
    ALTER TABLE readings ADD COLUMN certainty REAL NOT NULL DEFAULT 0;
    -- The same image twice in one session is one sheet (a replayed folder, a resumed batch).
    CREATE UNIQUE INDEX sheets_session_image ON sheets(session_id, image_sha256);
    CREATE TABLE reconciliations (
        id          INTEGER PRIMARY KEY,
        session_id  INTEGER NOT NULL REFERENCES sessions(id),
        issued      INTEGER NOT NULL,
        returned    INTEGER NOT NULL,
        spoiled     INTEGER NOT NULL DEFAULT 0,
        note        TEXT,
        at          TEXT NOT NULL
    );
    CREATE TABLE confirmations (
        id          INTEGER PRIMARY KEY,
        session_id  INTEGER NOT NULL REFERENCES sessions(id),
        member      TEXT NOT NULL,
        at          TEXT NOT NULL,
        UNIQUE (session_id, member)
    );
    CREATE TRIGGER sheets_no_delete BEFORE DELETE ON sheets
        BEGIN SELECT RAISE(ABORT, 'scanned sheets are never removed'); END;
    ",
    // 3: complaints received at the count (listed in the biên bản).
    r"
    CREATE TABLE complaints (
        id          INTEGER PRIMARY KEY,
        session_id  INTEGER NOT NULL REFERENCES sessions(id),
        lodged_by   TEXT NOT NULL,
        content     TEXT NOT NULL,
        handling    TEXT NOT NULL,
        recorded_by TEXT NOT NULL,
        at          TEXT NOT NULL
    );
    CREATE TRIGGER complaints_no_update BEFORE UPDATE ON complaints
        BEGIN SELECT RAISE(ABORT, 'complaints are append-only'); END;
    CREATE TRIGGER complaints_no_delete BEFORE DELETE ON complaints
        BEGIN SELECT RAISE(ABORT, 'complaints are append-only'); END;
    ",
    // 4: real or demo for good, each sheet's source kind, rounds with their own
    // election and print runs, and typed decisions (made or withdrawn).
    r#"
    CREATE TABLE station (
        id          INTEGER PRIMARY KEY CHECK (id = 1),
        mode        TEXT NOT NULL CHECK (mode IN ('real', 'demo')),
        created_at  TEXT NOT NULL
    );
    CREATE TRIGGER station_no_update BEFORE UPDATE ON station
        BEGIN SELECT RAISE(ABORT, 'a station database is real or demo for good'); END;
    CREATE TRIGGER station_no_delete BEFORE DELETE ON station
        BEGIN SELECT RAISE(ABORT, 'a station database is real or demo for good'); END;
    -- A database that already holds an election is a real one.
    INSERT INTO station (id, mode, created_at)
        SELECT 1, 'real', bound_at FROM election WHERE id = 1;
    ALTER TABLE sheets ADD COLUMN source_kind TEXT NOT NULL DEFAULT 'device'
        CHECK (source_kind IN ('device', 'folder', 'simulator'));
    UPDATE sheets SET source_kind = CASE
        WHEN source LIKE 'sim:%' THEN 'simulator'
        WHEN source LIKE 'folder:%' THEN 'folder'
        ELSE 'device' END;
    CREATE TRIGGER sheets_no_update BEFORE UPDATE ON sheets
        BEGIN SELECT RAISE(ABORT, 'scanned sheets are never changed'); END;
    ALTER TABLE sessions ADD COLUMN round INTEGER NOT NULL DEFAULT 1 CHECK (round >= 1);
    ALTER TABLE sessions ADD COLUMN definition TEXT;   -- the election file of this round
    UPDATE sessions SET definition = (SELECT definition FROM election WHERE id = 1);
    ALTER TABLE print_runs ADD COLUMN round INTEGER NOT NULL DEFAULT 1 CHECK (round >= 1);
    ALTER TABLE print_runs ADD COLUMN origin TEXT NOT NULL DEFAULT 'printed'
        CHECK (origin IN ('printed', 'imported', 'simulated'));
    ALTER TABLE print_runs ADD COLUMN serials_sha256 TEXT;
    -- Decisions: 'machine' rows carry the machine verdict, 'decided' rows an
    -- official's decision (JSON), 'withdrawn' rows undo the one before.
    DROP TRIGGER decisions_no_update;
    ALTER TABLE decisions ADD COLUMN action TEXT NOT NULL DEFAULT 'machine'
        CHECK (action IN ('machine', 'decided', 'withdrawn'));
    ALTER TABLE decisions ADD COLUMN decision TEXT;
    UPDATE decisions SET action = 'withdrawn' WHERE human_verdict = '"withdrawn"';
    UPDATE decisions SET action = 'decided', decision = json_object('ballot', json(human_verdict))
        WHERE human_verdict IS NOT NULL AND human_verdict <> '"withdrawn"';
    CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
        BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;
    "#,
];

/// Schema version this program writes.
#[allow(clippy::as_conversions)] // a const (no try_from there) of a handful of migrations
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// Brings the schema up to [`SCHEMA_VERSION`].
pub(crate) fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    loop {
        let version: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version >= SCHEMA_VERSION {
            if version > SCHEMA_VERSION {
                return Err(rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_MISMATCH),
                    Some(format!(
                        "database schema version {version} is newer than this kiemphieu ({SCHEMA_VERSION})"
                    )),
                ));
            }
            return Ok(());
        }
        let tx = conn.transaction()?;
        // In range: `version` < SCHEMA_VERSION, the number of migrations (checked above).
        tx.execute_batch(MIGRATIONS[usize::try_from(version).unwrap_or(usize::MAX)])?;
        tx.pragma_update(None, "user_version", version + 1)?;
        tx.commit()?;
    }
}
