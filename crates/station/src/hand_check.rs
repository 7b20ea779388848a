//! The hand check at the table (kiểm tra xác suất bằng tay), as the station
//! records it: every step is a row of the audit log — the seed and the first
//! draws, each further draw, each hand reading — so the check is covered by
//! the signed result's records head, travels in the bundle, and `verify`
//! replays it from the log and the count alone.
//!
//! The method is `kiemphieu_core::audit`'s; this module maps the count's pages
//! onto it and the log onto its record.

use serde::{Deserialize, Serialize};

use crate::audit::{
    Audit, AuditError, AuditPage, AuditPlan, AuditRecord, Contest, DrawnPage, HandReading,
    SheetReading,
};
use crate::election::Election;
use crate::rules::Verdict;
use crate::station::{Count, Place};
use crate::store::{AuditEntry, SheetRecord};

/// Audit-log action: the hand check started (seed, risk limit, contest, first draws).
pub const STARTED: &str = "hand_check.started";
/// Audit-log action: more pages drawn.
pub const DRAWN: &str = "hand_check.drawn";
/// Audit-log action: the officials' reading of a drawn paper.
pub const READ: &str = "hand_check.read";

/// Why the hand check cannot be done or does not replay.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HandCheckError {
    /// A page has not reached its place yet.
    #[error(
        "sheet {0} has not reached its place yet: every page must be decided before the hand check"
    )]
    Undecided(i64),
    /// The method refused (seed, draw number, a reading entered twice…).
    #[error("{0}")]
    Audit(#[from] AuditError),
    /// A row of the audit log does not decode or does not follow the check.
    #[error("audit log row {seq}: {message}")]
    Log {
        /// The row.
        seq: i64,
        /// What is wrong.
        message: String,
    },
}

/// One step of the hand check, as logged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct Step {
    /// The session checked.
    pub session: i64,
    /// The seed (started only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<String>,
    /// The risk limit (started only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk_limit: Option<f64>,
    /// The reported outcome checked (started only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contest: Option<Contest>,
    /// Pages drawn in this step (started, drawn).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub draws: Vec<DrawnPage>,
    /// The draw read (read only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draw: Option<u32>,
    /// What the paper says (read only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reading: Option<SheetReading>,
}

/// The hand check in the signed result and on the biên bản. Percentages are
/// written as printed (Vietnamese decimal comma, risk rounded up), so the
/// signed document holds no floating-point number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandCheckSummary {
    /// The witnesses' seed.
    pub seed: String,
    /// The risk limit α, in per cent.
    pub risk_limit_percent: String,
    /// Pages drawn.
    pub drawn: u32,
    /// Papers read.
    pub read: u32,
    /// Papers that differ from the count in any way.
    pub differences: u32,
    /// Differences that favoured the reported outcome.
    pub overstatements: u32,
    /// Differences against the reported outcome.
    pub understatements: u32,
    /// The measured risk in per cent, rounded up (an upper bound on the chance
    /// that a wrong outcome would have passed this far).
    pub risk_percent: String,
    /// What the check says.
    pub plan: AuditPlan,
    /// Batches to count by hand, when that is the recommendation.
    pub batches_to_count: Vec<String>,
    /// The biên bản's line.
    pub line: String,
}

/// The outcome the count reports, for the check.
pub fn contest_of(election: &Election, count: &Count) -> Contest {
    Contest {
        households: election.election.households,
        pages: u32::try_from(count.sheets.len()).unwrap_or(u32::MAX),
        votes: election
            .candidates
            .iter()
            .map(|c| (c.id.clone(), count.tally.votes_for(&c.id)))
            .collect(),
        winner: count.outcome.winner().map(str::to_string),
    }
}

/// Every page of the count in sheet order, named by batch and place in its
/// stack, with what the count took it for.
pub fn pages_of(sheets: &[SheetRecord], count: &Count) -> Result<Vec<AuditPage>, HandCheckError> {
    let mut in_batch: std::collections::HashMap<&str, u32> = std::collections::HashMap::new();
    let mut pages = Vec::with_capacity(sheets.len());
    let mut ordered: Vec<&SheetRecord> = sheets.iter().collect();
    ordered.sort_by_key(|s| s.sheet.id);
    for s in ordered {
        let place = in_batch.entry(s.sheet.batch.as_str()).or_insert(0);
        *place += 1;
        let machine = match count.sheets.get(&s.sheet.id) {
            Some(Place::Counted { verdict, .. }) => match verdict {
                Verdict::Valid { vote } => vote
                    .candidate()
                    .map_or(SheetReading::NoVote, |c| SheetReading::Vote(c.to_string())),
                _ => SheetReading::Invalid,
            },
            Some(Place::SetAside { .. }) => SheetReading::NotABallot,
            _ => return Err(HandCheckError::Undecided(s.sheet.id)),
        };
        pages.push(AuditPage {
            sheet: s.sheet.id,
            batch: s.sheet.batch.clone(),
            place: *place,
            machine,
        });
    }
    Ok(pages)
}

/// The log row's detail for the start of a check.
pub fn started_step(session: i64, audit: &Audit) -> Step {
    let r = audit.record();
    Step {
        session,
        seed: Some(r.seed.clone()),
        risk_limit: Some(r.risk_limit),
        contest: Some(r.contest.clone()),
        draws: r.draws.clone(),
        draw: None,
        reading: None,
    }
}

/// The log row's detail for draws added after the first `before`.
pub fn drawn_step(session: i64, audit: &Audit, before: usize) -> Step {
    Step {
        draws: audit.record().draws[before..].to_vec(),
        ..empty(session)
    }
}

/// The log row's detail for a hand reading.
pub fn read_step(session: i64, draw: u32, reading: SheetReading) -> Step {
    Step {
        draw: Some(draw),
        reading: Some(reading),
        ..empty(session)
    }
}

fn empty(session: i64) -> Step {
    Step {
        session,
        seed: None,
        risk_limit: None,
        contest: None,
        draws: Vec::new(),
        draw: None,
        reading: None,
    }
}

/// Replays a session's hand check from the audit log over the count's pages;
/// None when no check was started. Each logged draw must be the seed's.
pub fn replay(
    log: &[AuditEntry],
    session: i64,
    pages: &[AuditPage],
) -> Result<Option<Audit>, HandCheckError> {
    let mut audit: Option<Audit> = None;
    for e in log
        .iter()
        .filter(|e| [STARTED, DRAWN, READ].contains(&e.action.as_str()))
    {
        let bad = |message: String| HandCheckError::Log {
            seq: e.seq,
            message,
        };
        let step: Step = serde_json::from_str(&e.detail)
            .map_err(|err| bad(format!("{}: the detail does not decode ({err})", e.action)))?;
        if step.session != session {
            continue;
        }
        match (e.action.as_str(), audit.as_mut()) {
            (STARTED, None) => {
                let (Some(seed), Some(risk_limit), Some(contest)) =
                    (step.seed, step.risk_limit, step.contest)
                else {
                    return Err(bad("the start names no seed, risk limit or contest".into()));
                };
                let record = AuditRecord {
                    seed,
                    risk_limit,
                    contest,
                    draws: step.draws,
                };
                audit = Some(Audit::resume(record, pages.to_vec())?);
            }
            (STARTED, Some(_)) => return Err(bad("a second start of the same hand check".into())),
            (DRAWN, Some(a)) => {
                let before = a.record().draws.len();
                a.extend(u32::try_from(step.draws.len()).unwrap_or(u32::MAX))?;
                if a.record().draws[before..] != step.draws[..] {
                    return Err(bad("the draws logged are not the seed's".into()));
                }
            }
            (READ, Some(a)) => {
                let (Some(draw), Some(reading)) = (step.draw, step.reading) else {
                    return Err(bad("a reading without its draw".into()));
                };
                a.enter(
                    draw,
                    &HandReading {
                        reading,
                        official: e.actor.clone(),
                        at: e.at.clone(),
                    },
                )?;
            }
            _ => return Err(bad(format!("{} before the hand check started", e.action))),
        }
    }
    Ok(audit)
}

/// The summary of a check as it stands.
pub fn summary(audit: &Audit) -> HandCheckSummary {
    let m = audit.measure();
    let r = audit.record();
    let n = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
    HandCheckSummary {
        seed: r.seed.clone(),
        risk_limit_percent: crate::audit::percent(r.risk_limit),
        drawn: n(r.draws.len()),
        read: n(r.draws.iter().filter(|d| d.paper.is_some()).count()),
        differences: n(m.findings.iter().filter(|f| f.differs).count()),
        overstatements: n(m.overstatements()),
        understatements: n(m.understatements()),
        risk_percent: crate::audit::percent(m.risk),
        batches_to_count: if matches!(m.plan, AuditPlan::FullHandCount { .. }) {
            audit.batches_to_count()
        } else {
            Vec::new()
        },
        line: crate::audit::sheet_line(Some((r, &m))),
        plan: m.plan,
    }
}

/// `verify`'s check: the hand check replayed from the covered log rows over
/// the re-counted pages must be the one the signed result states. Returns the
/// problems, one sentence each.
pub fn check_signed(
    signed: Option<&HandCheckSummary>,
    covered: &[AuditEntry],
    session: i64,
    sheets: &[SheetRecord],
    count: &Count,
) -> Vec<String> {
    let logged = covered.iter().any(|e| {
        e.action == STARTED
            && serde_json::from_str::<Step>(&e.detail).is_ok_and(|s| s.session == session)
    });
    let replayed = if logged {
        match pages_of(sheets, count).and_then(|pages| replay(covered, session, &pages)) {
            Ok(a) => a.map(|a| summary(&a)),
            Err(e) => return vec![format!("audit.jsonl: the hand check does not replay: {e}")],
        }
    } else {
        None
    };
    if replayed.as_ref() == signed {
        Vec::new()
    } else {
        vec![format!(
            "result.json: the hand check is {} but the draw from its seed and the recorded readings give {}",
            describe(signed),
            describe(replayed.as_ref())
        )]
    }
}

fn describe(s: Option<&HandCheckSummary>) -> String {
    s.map_or_else(|| "absent".to_string(), |s| format!("“{}”", s.line))
}

#[cfg(test)]
#[path = "hand_check_tests.rs"]
mod tests;
