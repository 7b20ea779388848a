//! Tests of the station database on real SQLite files.

use std::path::Path;

use super::*;
use crate::ballot::Serial;
use crate::election::{EXAMPLE_ELECTION, parse_election};

fn example() -> (Election, String) {
    let e = parse_election(EXAMPLE_ELECTION, Path::new("example.toml")).unwrap();
    (e, EXAMPLE_ELECTION.to_string())
}

fn bind(store: &mut Store, source: &str) -> Election {
    store.bind_election(source, Path::new("e.toml")).unwrap()
}

/// The example with a third candidate nominated from the floor.
fn with_floor_nomination() -> String {
    EXAMPLE_ELECTION.replace(
        "[settings]",
        "[[candidates]]\nid = \"c3\"\nname = \"Lê Văn Cường\"\n\n[settings]",
    )
}

#[test]
fn migrates_an_empty_file_and_reopens() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("station.db");
    std::fs::write(&path, b"").unwrap();
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let journal: String = store
        .connection()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(journal, "wal");
    let fk: i64 = store
        .connection()
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(fk, 1);
    let sync: i64 = store
        .connection()
        .query_row("PRAGMA synchronous", [], |r| r.get(0))
        .unwrap();
    assert_eq!(sync, 2, "synchronous=FULL");
    drop(store);
    let again = Store::open(&path).unwrap();
    assert_eq!(again.schema_version().unwrap(), SCHEMA_VERSION);
}

#[test]
fn refuses_a_newer_schema_and_non_databases() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("station.db");
    {
        let store = Store::open(&path).unwrap();
        store
            .connection()
            .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
    }
    let err = Store::open(&path).err().unwrap().to_string();
    assert!(err.contains("newer"), "{err}");

    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, vec![b'x'; 4096]).unwrap();
    let err = Store::open(&junk).err().unwrap().to_string();
    assert!(
        err.contains("junk.db") && err.contains("not a kiemphieu database"),
        "{err}"
    );
}

#[test]
fn election_is_frozen_once_ballots_are_printed() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db")).unwrap();
    let (election, source) = example();
    bind(&mut store, &source);
    let fp = Fingerprint::of(&election);

    // Before printing, a name added at the meeting is accepted (rules.md §2).
    let floor = with_floor_nomination();
    assert_eq!(bind(&mut store, &floor).candidates.len(), 3);
    bind(&mut store, &source);

    store
        .record_print_run(&fp, 1, &[Serial(1), Serial(2)], true, RunOrigin::Printed)
        .unwrap();
    // The same run recorded again (an imported file read twice) is the same run.
    store
        .record_print_run(&fp, 1, &[Serial(1), Serial(2)], true, RunOrigin::Imported)
        .unwrap();
    assert_eq!(store.printed_count().unwrap(), 2);
    assert!(store.is_printed(Serial(2)).unwrap());
    assert!(!store.is_printed(Serial(3)).unwrap());
    let err = store
        .bind_election(&floor, Path::new("e.toml"))
        .unwrap_err();
    assert!(matches!(err, StoreError::ElectionFrozen { printed: 2, .. }));
    // The same election (or one differing only in unprinted fields) still binds.
    bind(&mut store, &source);

    // A serial is never printed twice; the failed run leaves nothing behind.
    let err = store
        .record_print_run(&fp, 1, &[Serial(3), Serial(1)], true, RunOrigin::Printed)
        .unwrap_err();
    assert!(err.to_string().contains("0000000000000001"), "{err}");
    assert_eq!(store.printed_count().unwrap(), 2);
    assert_eq!(store.printed_serials(&fp, 1).unwrap().len(), 2);
    assert!(
        store.printed_serials(&fp, 2).unwrap().is_empty(),
        "per round"
    );
    let runs = store.print_runs(&fp, 1).unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].serials, ["0000000000000001", "0000000000000002"]);
}

#[test]
fn stored_election_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db")).unwrap();
    assert!(store.election().unwrap().is_none());
    let (election, source) = example();
    bind(&mut store, &source);
    let (back, fp) = store.election().unwrap().unwrap();
    assert_eq!(back, election);
    assert_eq!(fp, Fingerprint::of(&election));
}

#[test]
fn audit_chain_is_intact_and_detects_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let mut store = Store::open(&path).unwrap();
    let (_, source) = example();
    bind(&mut store, &source);
    store
        .audit("Nguyễn Thị Hoa", "test.event", &serde_json::json!({"n": 1}))
        .unwrap();
    store
        .audit("station", "test.event", &serde_json::json!({"n": 2}))
        .unwrap();
    let ChainCheck::Intact { rows, .. } = store.check_audit_chain().unwrap() else {
        panic!("chain broken");
    };
    assert_eq!(rows, 3);

    // Triggers refuse rewriting history through SQL.
    let err = store
        .connection()
        .execute("UPDATE audit_log SET actor = 'x' WHERE seq = 2", [])
        .unwrap_err();
    assert!(err.to_string().contains("append-only"));
    assert!(
        store
            .connection()
            .execute("DELETE FROM audit_log", [])
            .is_err()
    );

    // Someone who drops the trigger and edits a row is still caught by the hashes.
    store
        .connection()
        .execute_batch(
            "DROP TRIGGER audit_no_update; UPDATE audit_log SET detail = '{\"n\":9}' WHERE seq = 2;",
        )
        .unwrap();
    assert_eq!(
        store.check_audit_chain().unwrap(),
        ChainCheck::Broken { seq: 2 }
    );
}

#[test]
fn re_election_session_links_to_the_closed_first_count() {
    // research-notes §13.3 case 16 (store part): both counts kept, linked.
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db")).unwrap();
    let (election, source) = example();
    bind(&mut store, &source);
    let fp = Fingerprint::of(&election);
    let first = store.create_session(&fp, 1, &source, None).unwrap();
    let err = store
        .create_session(&fp, 2, &source, Some(first))
        .unwrap_err();
    assert!(err.to_string().contains("closed"), "{err}");
    store
        .set_session_state(first, SessionState::Closed, "station")
        .unwrap();
    let err = store
        .set_session_state(first, SessionState::Counting, "station")
        .unwrap_err();
    assert!(err.to_string().contains("closed"), "{err}");
    let second = store.create_session(&fp, 2, &source, Some(first)).unwrap();
    let sessions = store.sessions().unwrap();
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions[0].state, SessionState::Closed);
    assert_eq!(sessions[1].id, second);
    assert_eq!(sessions[1].previous, Some(first));
    assert_eq!(sessions[1].state, SessionState::Setup);
    assert_eq!((sessions[0].round, sessions[1].round), (1, 2));
    assert_eq!(store.session_election(second).unwrap().0, election);
}

#[test]
fn a_second_writer_gets_a_clear_lock_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let mut first = Store::open(&path).unwrap();
    let (_, source) = example();
    bind(&mut first, &source);
    first
        .connection()
        .execute_batch("BEGIN IMMEDIATE; INSERT INTO print_runs (fingerprint, count, seeded, created_at) VALUES ('x', 0, 0, 'now');")
        .unwrap();
    let mut second = Store::open(&path).unwrap();
    let err = second
        .audit("station", "x", &serde_json::json!({}))
        .unwrap_err()
        .to_string();
    assert!(err.contains("in use by another kiemphieu process"), "{err}");
}

#[test]
fn complaints_are_kept_in_order_append_only_and_in_the_audit_log() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db")).unwrap();
    let (election, source) = example();
    bind(&mut store, &source);
    let s = store
        .create_session(&Fingerprint::of(&election), 1, &source, None)
        .unwrap();
    assert!(store.complaints(s).unwrap().is_empty());
    let first = store
        .add_complaint(
            s,
            "Ông Tư",
            "Kiểm lại phiếu 12",
            "Đã kiểm lại",
            "Nguyễn Thị Hoa",
        )
        .unwrap();
    store
        .add_complaint(s, "Bà Sen", "Mở hòm muộn", "Ghi nhận", "Lê Văn Ba")
        .unwrap();
    let all = store.complaints(s).unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0], first);
    assert_eq!(all[1].lodged_by, "Bà Sen");
    assert!(store.complaints(s + 1).unwrap().is_empty());
    let entries = store.audit_entries().unwrap();
    let logged: Vec<_> = entries
        .iter()
        .filter(|e| e.action == "session.complaint")
        .collect();
    assert_eq!(logged.len(), 2);
    assert_eq!(logged[0].actor, "Nguyễn Thị Hoa");
    let detail: serde_json::Value = serde_json::from_str(&logged[0].detail).unwrap();
    assert_eq!(detail["content"], "Kiểm lại phiếu 12");
    assert_eq!(detail["at"], first.at.as_str());
    for sql in [
        "UPDATE complaints SET handling = 'x'",
        "DELETE FROM complaints",
    ] {
        let err = store.connection().execute_batch(sql).unwrap_err();
        assert!(err.to_string().contains("append-only"), "{err}");
    }
    assert_eq!(store.complaints(s).unwrap().len(), 2);
}

#[test]
fn a_database_is_real_or_demo_for_good() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db")).unwrap();
    assert_eq!(
        store.mode().unwrap(),
        StationMode::Real,
        "real until made otherwise"
    );
    store.set_mode(StationMode::Demo).unwrap();
    store.set_mode(StationMode::Demo).unwrap();
    assert_eq!(store.mode().unwrap(), StationMode::Demo);
    let err = store.set_mode(StationMode::Real).unwrap_err().to_string();
    assert!(err.contains("demo station database"), "{err}");
    let err = store
        .connection()
        .execute("UPDATE station SET mode = 'real'", [])
        .unwrap_err();
    assert!(err.to_string().contains("for good"));
    // A database with a real count in it never becomes a demo.
    let mut real = Store::open(&dir.path().join("r.db")).unwrap();
    let (election, source) = example();
    bind(&mut real, &source);
    real.record_print_run(
        &Fingerprint::of(&election),
        1,
        &[Serial(7)],
        false,
        RunOrigin::Printed,
    )
    .unwrap();
    assert!(real.set_mode(StationMode::Demo).is_err());
}

#[test]
fn a_row_that_does_not_decode_names_the_sheet_and_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let mut store = Store::open(&path).unwrap();
    let (election, source) = example();
    bind(&mut store, &source);
    let s = store
        .create_session(&Fingerprint::of(&election), 1, &source, None)
        .unwrap();
    let (sheet, _) = store
        .add_sheet(
            s,
            "1",
            &"a".repeat(64),
            "aa/x.png",
            "folder:x.png",
            crate::scan::SourceKind::Folder,
        )
        .unwrap();
    let reading: crate::interpret::Reading = serde_json::from_value(serde_json::json!({
        "status": "review", "vote": null, "struck": [], "kept": [], "doubtful": [],
        "reasons": ["scale"], "serial": "00000000000000AA", "code": "verified", "round": 1,
        "scores": {}, "extra_writing": [], "rotation": 0, "dpi": 300.0, "scale": 1.2,
        "registration_mm": 0.0, "certainty": 0.0
    }))
    .unwrap();
    store.add_reading(sheet, &reading).unwrap();
    let verdict = crate::rules::Verdict::Valid {
        vote: crate::rules::Vote::For("c1".into()),
    };
    store
        .add_decisions(
            &[(sheet, Decision::Ballot(verdict.clone()))],
            "read by hand",
            "Lê Văn Ba",
        )
        .unwrap();
    let records = store.sheet_records(s).unwrap();
    assert_eq!(records[0].reading.as_ref(), Some(&reading));
    assert_eq!(
        records[0].decision.as_ref().unwrap().decision,
        Decision::Ballot(verdict)
    );
    // Undo is a typed row, not a magic string.
    store.withdraw_decision(sheet, "Lê Văn Ba").unwrap();
    assert!(store.sheet_records(s).unwrap()[0].decision.is_none());
    assert!(store.last_decision(s).unwrap().is_none());
    store
        .add_decisions(&[(sheet, Decision::NotABallot)], "", "Lê Văn Ba")
        .unwrap();
    // Someone edits the decision row behind the station's back.
    store
        .connection()
        .execute_batch(
            "DROP TRIGGER decisions_no_update; UPDATE decisions SET decision = '{\"ballot\": {\"valid\": 3}}' WHERE action = 'decided';",
        )
        .unwrap();
    let err = store.sheet_records(s).unwrap_err().to_string();
    assert!(
        err.contains("s.db") && err.contains(&format!("sheet {sheet}")),
        "{err}"
    );
    assert!(err.contains("decision"), "{err}");
}
