//! The hand check replayed from log rows: what was logged is what replays,
//! and a changed row is caught.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::audit::{AuditPage, Contest, DEFAULT_RISK_LIMIT};

const SEED: &str = "2718 2818 2845 9045 2353 6028";

fn pages() -> Vec<AuditPage> {
    (0..120u32)
        .map(|i| AuditPage {
            sheet: i64::from(i) + 1,
            batch: if i < 60 { "Hòm 1" } else { "Hòm 2" }.into(),
            place: i % 60 + 1,
            machine: if i < 90 {
                SheetReading::Vote("c1".into())
            } else {
                SheetReading::Vote("c2".into())
            },
        })
        .collect()
}

fn contest() -> Contest {
    Contest {
        households: 130,
        pages: 120,
        votes: vec![("c1".into(), 90), ("c2".into(), 30)],
        winner: Some("c1".into()),
    }
}

fn row(seq: i64, action: &str, step: &Step) -> AuditEntry {
    AuditEntry {
        seq,
        at: "2026-12-03T09:00:00Z".into(),
        actor: "Nguyễn Thị Hoa".into(),
        action: action.into(),
        detail: serde_json::to_string(step).unwrap(),
        prev_hash: String::new(),
        hash: String::new(),
    }
}

/// A check logged as the station logs it: start, each paper read as the count says.
fn logged(session: i64) -> (Vec<AuditEntry>, Audit) {
    let pages = pages();
    let mut audit = Audit::start(SEED, DEFAULT_RISK_LIMIT, contest(), pages.clone()).unwrap();
    let mut log = vec![row(1, STARTED, &started_step(session, &audit))];
    while let Some(d) = audit.next_unread().cloned() {
        let reading = pages[usize::try_from(d.position).unwrap() - 1]
            .machine
            .clone();
        let step = read_step(session, d.draw, reading.clone());
        log.push(row(i64::try_from(log.len()).unwrap() + 1, READ, &step));
        audit
            .enter(
                d.draw,
                &HandReading {
                    reading,
                    official: "Nguyễn Thị Hoa".into(),
                    at: "2026-12-03T09:00:00Z".into(),
                },
            )
            .unwrap();
    }
    (log, audit)
}

#[test]
fn the_log_replays_to_the_same_check() {
    let (log, audit) = logged(3);
    let replayed = replay(&log, 3, &pages()).unwrap().unwrap();
    assert_eq!(summary(&replayed), summary(&audit));
    assert_eq!(summary(&audit).plan, AuditPlan::Confirmed);
    assert!(summary(&audit).line.contains("0 sai lệch"));
    // Another session's rows are not this session's check.
    assert!(replay(&log, 4, &pages()).unwrap().is_none());
}

#[test]
fn a_changed_reading_or_draw_is_caught() {
    let (log, audit) = logged(3);
    let signed = summary(&audit);
    let count_stub = |log: &[AuditEntry]| replay(log, 3, &pages()).map(|a| a.map(|a| summary(&a)));
    // A reading changed to another candidate: the replayed risk and line differ.
    let mut changed = log.clone();
    let last = changed.len() - 1;
    changed[last].detail = serde_json::to_string(&read_step(
        3,
        serde_json::from_str::<Step>(&changed[last].detail)
            .unwrap()
            .draw
            .unwrap(),
        SheetReading::Vote("c2".into()),
    ))
    .unwrap();
    let replayed = count_stub(&changed).unwrap();
    assert_ne!(replayed.as_ref(), Some(&signed));
    // A draw moved to another page: the seed does not pick it.
    let mut moved = log.clone();
    let mut start: Step = serde_json::from_str(&moved[0].detail).unwrap();
    start.draws[0].position = start.draws[0].position % 120 + 1;
    moved[0].detail = serde_json::to_string(&start).unwrap();
    assert!(count_stub(&moved).is_err());
    // A second start (a new seed rolled to fish for a better sample) is refused.
    let mut twice = log.clone();
    twice.push(row(99, STARTED, &started_step(3, &audit)));
    assert!(matches!(
        count_stub(&twice),
        Err(HandCheckError::Log { seq: 99, .. })
    ));
}

#[test]
fn a_reading_before_the_start_or_of_bad_json_names_its_row() {
    let (log, _) = logged(3);
    let mut early = log[1..].to_vec();
    early.truncate(1);
    assert!(matches!(
        replay(&early, 3, &pages()),
        Err(HandCheckError::Log { seq: 2, .. })
    ));
    let mut garbled = log.clone();
    garbled[1].detail = "{\"session\": 3, \"draw\": \"one\"}".into();
    let e = replay(&garbled, 3, &pages()).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("audit log row 2: hand_check.read"),
        "{e}"
    );
}
