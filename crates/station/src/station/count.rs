//! Counting from the records: the verdict in force for each sheet (the
//! officials' decision, else the machine's), each serial once, per batch.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

use crate::election::Election;
use crate::rules::{Outcome, Tally, Verdict, outcome};
use crate::store::SheetState;

/// How one sheet ended up in the count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SheetOutcome {
    /// Counted with this verdict.
    Counted,
    /// Waiting for the officials.
    AwaitingReview,
    /// Not interpreted yet.
    Pending,
    /// A serial counted on an earlier sheet.
    Duplicate,
    /// Listed, never counted (blank, rejected).
    Listed,
}

/// The count of a session.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Count {
    /// Unit tally (all batches).
    pub tally: Tally,
    /// Tally per batch (ballot box or cluster).
    pub by_batch: BTreeMap<String, Tally>,
    /// Sheets per status code of their reading, plus "duplicate" and "pending".
    pub by_status: BTreeMap<String, u32>,
    /// Ballots waiting for the officials.
    pub awaiting_review: u32,
    /// Sheets not interpreted yet.
    pub pending: u32,
    /// Who wins, on the unit's H.
    pub outcome: Outcome,
    /// Per sheet id, its outcome.
    pub sheets: BTreeMap<i64, SheetOutcome>,
}

/// Counts a session's sheets.
pub fn count(election: &Election, sheets: &[SheetState]) -> Count {
    let mut tally = Tally::new(election);
    let mut by_batch: BTreeMap<String, Tally> = BTreeMap::new();
    let mut by_status: BTreeMap<String, u32> = BTreeMap::new();
    let mut seen: HashSet<String> = HashSet::new();
    let (mut awaiting_review, mut pending) = (0u32, 0u32);
    let mut outcomes = BTreeMap::new();
    for s in sheets {
        let human: Option<Verdict> = s
            .human_verdict
            .as_deref()
            .and_then(|v| serde_json::from_str(v).ok());
        let machine: Option<Verdict> = s
            .machine_verdict
            .as_deref()
            .and_then(|v| serde_json::from_str(v).ok());
        let Some(status) = s.status.as_deref() else {
            pending += 1;
            *by_status.entry("pending".into()).or_default() += 1;
            outcomes.insert(s.sheet.id, SheetOutcome::Pending);
            continue;
        };
        // The verdict in force: the officials' decision, else a decided machine verdict.
        let verdict = human.or_else(|| {
            machine
                .filter(|v| v.is_decided() && matches!(status, "valid" | "invalid" | "duplicate"))
        });
        let is_ballot = matches!(status, "valid" | "invalid" | "review" | "duplicate")
            || s.human_verdict.is_some();
        // Each serial counts once: the first sheet that carries it.
        if is_ballot {
            if let Some(serial) = &s.serial {
                if !seen.insert(serial.clone()) {
                    *by_status.entry("duplicate".into()).or_default() += 1;
                    outcomes.insert(s.sheet.id, SheetOutcome::Duplicate);
                    continue;
                }
            }
        }
        let shown = if status == "duplicate" {
            "valid_or_invalid"
        } else {
            status
        };
        match verdict {
            Some(v) if v.is_decided() => {
                if tally.add(&v).is_ok() {
                    let _ = by_batch
                        .entry(s.sheet.batch.clone())
                        .or_insert_with(|| Tally::new(election))
                        .add(&v);
                    let key = match v {
                        Verdict::Valid { .. } => "valid",
                        _ => "invalid",
                    };
                    *by_status.entry(key.into()).or_default() += 1;
                    outcomes.insert(s.sheet.id, SheetOutcome::Counted);
                }
            }
            _ if status == "review" => {
                awaiting_review += 1;
                *by_status.entry("review".into()).or_default() += 1;
                outcomes.insert(s.sheet.id, SheetOutcome::AwaitingReview);
            }
            _ => {
                *by_status.entry(shown.to_string()).or_default() += 1;
                outcomes.insert(s.sheet.id, SheetOutcome::Listed);
            }
        }
    }
    let outcome = outcome(election, &tally);
    Count {
        tally,
        by_batch,
        by_status,
        awaiting_review,
        pending,
        outcome,
        sheets: outcomes,
    }
}
