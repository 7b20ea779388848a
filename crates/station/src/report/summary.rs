//! The commune's summary of a term, assembled from the units' verified results
//! against the commune's roster: one row per unit and round, flags per row, the
//! units still missing, totals. Pure: the CLI reads the bundles and the roster.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::result::ResultDoc;
use crate::roster::{Roster, RosterUnit};
use crate::rules::{Standing, person_key};

/// A bundle the summary refuses, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The bundle as given.
    pub bundle: String,
    /// Why, in plain words.
    pub reason: String,
}

/// One unit and round of the summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryRow {
    /// The bundle it came from.
    pub bundle: String,
    /// Round: 1, or 2, 3 … for re-elections.
    pub round: u32,
    /// The verified result.
    pub doc: ResultDoc,
    /// What the commune must look at: quorum, re-election, complaints, a reconciliation note.
    pub flags: Vec<String>,
}

/// The summary of a commune's term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// The roster it was checked against.
    pub roster: Roster,
    /// Rows in roster order, each unit's rounds in order.
    pub rows: Vec<SummaryRow>,
    /// Units of the roster with no result yet.
    pub missing: Vec<RosterUnit>,
}

/// Totals over each unit's latest round (H counted once a unit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Totals {
    /// Units with a result.
    pub units: u32,
    /// Their H.
    pub households: u64,
    /// Their A.
    pub attendance: u64,
    /// Ballots returned.
    pub returned: u64,
    /// Valid.
    pub valid: u64,
    /// Invalid.
    pub invalid: u64,
    /// Units whose latest round declares a winner.
    pub elected: u32,
}

/// Checks each result against the roster (commune, term, office, unit, H), refuses
/// drafts and duplicates, and orders the rest by unit and round. Every refusal is
/// returned, none silently dropped; `docs` are (bundle name, signature-checked result).
pub fn assemble(roster: &Roster, docs: Vec<(String, ResultDoc)>) -> Result<Summary, Vec<Refusal>> {
    let mut refusals = Vec::new();
    let mut kept: Vec<(String, ResultDoc)> = Vec::new();
    for (bundle, doc) in docs {
        match refusal(roster, &doc, &kept) {
            Some(reason) => refusals.push(Refusal { bundle, reason }),
            None => kept.push((bundle, doc)),
        }
    }
    let mut rows: Vec<SummaryRow> = Vec::new();
    for (bundle, doc) in &kept {
        // The round is part of the signed result (rules.md §10).
        let round = doc.round.max(1);
        let unit = person_key(&doc.election.unit);
        if let Some(first) = rows
            .iter()
            .find(|r| person_key(&r.doc.election.unit) == unit && r.round == round)
        {
            refusals.push(Refusal {
                bundle: bundle.clone(),
                reason: format!(
                    "{} round {round} is already given by {} (the same unit counted twice)",
                    doc.election.unit, first.bundle
                ),
            });
            continue;
        }
        rows.push(SummaryRow {
            bundle: bundle.clone(),
            round,
            flags: flags(doc, round),
            doc: doc.clone(),
        });
    }
    if !refusals.is_empty() {
        return Err(refusals);
    }
    let order = |r: &SummaryRow| {
        roster
            .units
            .iter()
            .position(|u| person_key(&u.name) == person_key(&r.doc.election.unit))
            .unwrap_or(usize::MAX)
    };
    rows.sort_by_key(|r| (order(r), r.round));
    let missing = roster
        .units
        .iter()
        .filter(|u| {
            !rows
                .iter()
                .any(|r| person_key(&r.doc.election.unit) == person_key(&u.name))
        })
        .cloned()
        .collect();
    Ok(Summary {
        roster: roster.clone(),
        rows,
        missing,
    })
}

/// Why a result does not belong in this summary, if it does not.
fn refusal(roster: &Roster, doc: &ResultDoc, kept: &[(String, ResultDoc)]) -> Option<String> {
    let e = &doc.election;
    if person_key(&e.commune) != person_key(&roster.commune) {
        return Some(format!(
            "{} belongs to {}, not to {} of the roster",
            e.unit, e.commune, roster.commune
        ));
    }
    if e.term.trim() != roster.term {
        return Some(format!(
            "{}: term {}, the roster's is {}",
            e.unit, e.term, roster.term
        ));
    }
    if let Some(office) = roster.office.as_deref() {
        if person_key(&e.office) != person_key(office) {
            return Some(format!(
                "{} elects {}, the roster's office is {office}",
                e.unit, e.office
            ));
        }
    }
    if !doc.is_final {
        return Some(format!(
            "{}: a draft (session {} is {}, not confirmed and closed)",
            e.unit, doc.session, doc.state
        ));
    }
    let Some(unit) = roster.unit(&e.unit) else {
        return Some(format!("{} is not on the roster", e.unit));
    };
    if unit.households != doc.households {
        return Some(format!(
            "{}: H = {} in the result, {} on the roster",
            e.unit, doc.households, unit.households
        ));
    }
    let fingerprint = doc.fingerprint();
    kept.iter()
        .find(|(_, d)| d.fingerprint() == fingerprint)
        .map(|(b, _)| format!("the same result as {b} (given twice)"))
}

/// What the commune must look at in one row.
fn flags(doc: &ResultDoc, round: u32) -> Vec<String> {
    let mut out = Vec::new();
    if doc.demo {
        out.push("DEMO: không có giá trị pháp lý".into());
    }
    if !doc.is_final {
        out.push("bản nháp, chưa kết thúc".into());
    }
    match doc.standing() {
        Standing::NoQuorum => out.push(format!(
            "không đủ đại diện hộ dự họp ({} × 2 không quá {})",
            doc.attendance, doc.households
        )),
        Standing::Submitted { returned, issued } => out.push(format!(
            "phiếu thu vào nhiều hơn phát ra ({returned} > {issued})"
        )),
        _ => {}
    }
    if round > 1 {
        out.push(format!("bầu lại lần {}", round - 1));
    }
    if !doc.complaints.is_empty() {
        out.push(format!("{} khiếu nại", doc.complaints.len()));
    }
    if doc.note.as_deref().is_some_and(|n| !n.trim().is_empty()) {
        out.push("có ghi chú đối chiếu số liệu".into());
    }
    out
}

impl Summary {
    /// Each unit's latest round.
    pub fn latest(&self) -> Vec<&SummaryRow> {
        let mut by_unit: BTreeMap<String, &SummaryRow> = BTreeMap::new();
        for r in &self.rows {
            let key = person_key(&r.doc.election.unit);
            if by_unit.get(&key).is_none_or(|old| old.round < r.round) {
                by_unit.insert(key, r);
            }
        }
        self.rows
            .iter()
            .filter(|r| {
                by_unit
                    .get(&person_key(&r.doc.election.unit))
                    .is_some_and(|l| std::ptr::eq(*l, *r))
            })
            .collect()
    }

    /// Totals over each unit's latest round.
    pub fn totals(&self) -> Totals {
        let mut t = Totals::default();
        for r in self.latest() {
            let d = &r.doc;
            t.units += 1;
            t.households += u64::from(d.households);
            t.attendance += u64::from(d.attendance);
            t.returned += u64::from(d.returned.unwrap_or(d.counted));
            t.valid += u64::from(d.valid);
            t.invalid += u64::from(d.invalid);
            t.elected += u32::from(d.standing().winner().is_some());
        }
        t
    }

    /// The summary as signed: canonical JSON of every row's identity and figures,
    /// the missing units and the totals.
    pub fn canonical(&self, made_at: &str) -> String {
        let rows: Vec<serde_json::Value> = self
            .rows
            .iter()
            .map(|r| {
                let d = &r.doc;
                let standing = d.standing();
                serde_json::json!({
                    "unit": d.election.unit,
                    "round": r.round,
                    "station": d.station,
                    "session": d.session,
                    "result": d.fingerprint(),
                    "households": d.households,
                    "attendance": d.attendance,
                    "issued": d.issued,
                    "returned": d.returned,
                    "valid": d.valid,
                    "invalid": d.invalid,
                    "declared": standing.code(),
                    "winner": standing.winner(),
                    "flags": r.flags,
                })
            })
            .collect();
        let value = serde_json::json!({
            "format": "kiemphieu-commune-summary-1",
            "commune": self.roster.commune,
            "term": self.roster.term,
            "made_at": made_at,
            "rows": rows,
            "missing": self.missing.iter().map(|u| serde_json::json!({"unit": u.name, "households": u.households})).collect::<Vec<_>>(),
            "totals": self.totals(),
        });
        crate::result::canonical_json(&value)
    }
}
