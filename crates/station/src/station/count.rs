//! Counting from the records: a pure function over typed records. Each page is
//! placed (rules.md §6) from what its code proved, whether its serial was
//! printed for this round and whether an earlier ballot carries it, then the
//! officials' decision in force; the tally counts what is placed as counted.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::BuildHasher;

use serde::Serialize;

use super::places::{DECISION_NOT_ALLOWED, Destination, NotBallot, NotIssued, Place};
use crate::election::Election;
use crate::interpret::{CodeCheck, Reading, Status};
use crate::rules::{InvalidReason, Outcome, Tally, Verdict, outcome};
use crate::store::{Decision, SheetRecord};

/// The count of a session.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Count {
    /// Unit tally (all batches): the ballots returned and counted.
    pub tally: Tally,
    /// Tally per batch (ballot box or cluster).
    pub by_batch: BTreeMap<String, Tally>,
    /// Pages per place code (`valid`, `invalid`, `awaiting`, `pending`, `blank`,
    /// `second_scan`, `not_a_ballot`): they add up to the pages stored.
    pub places: BTreeMap<String, u32>,
    /// Pages waiting for the officials, in every destination.
    pub awaiting_review: u32,
    /// Pages not interpreted yet.
    pub pending: u32,
    /// Papers counted invalid as not the issued form (art. 74 a), by kind.
    pub not_issued: BTreeMap<NotIssued, u32>,
    /// Pages set aside as not ballots, by kind.
    pub set_aside: BTreeMap<NotBallot, u32>,
    /// Pages counted as the officials decided them.
    pub by_officials: u32,
    /// Who wins, on the unit's H.
    pub outcome: Outcome,
    /// Per sheet id, its place.
    pub sheets: BTreeMap<i64, Place>,
}

/// Counts a session's sheets; `printed`: the serials printed for this round.
pub fn count<S: BuildHasher>(
    election: &Election,
    sheets: &[SheetRecord],
    printed: &HashSet<String, S>,
) -> Count {
    let mut tally = Tally::new(election);
    let mut by_batch: BTreeMap<String, Tally> = BTreeMap::new();
    let mut places: BTreeMap<String, u32> = BTreeMap::new();
    let mut not_issued = BTreeMap::new();
    let mut set_aside = BTreeMap::new();
    let mut taken: HashMap<String, i64> = HashMap::new();
    let (mut awaiting_review, mut pending, mut by_officials) = (0u32, 0u32, 0u32);
    let mut out = BTreeMap::new();
    for s in sheets {
        let mut place = match &s.reading {
            None => Place::Pending,
            Some(reading) => {
                let machine = machine_place(reading, printed, &taken);
                match &s.decision {
                    None => machine,
                    Some(d) => decided(&machine, &d.decision),
                }
            }
        };
        if let Place::Counted { verdict, .. } = &place {
            let batch = by_batch
                .entry(s.sheet.batch.clone())
                .or_insert_with(|| Tally::new(election));
            let mut t = tally.clone();
            let mut b = batch.clone();
            if t.add(verdict).is_ok() && b.add(verdict).is_ok() {
                tally = t;
                *batch = b;
            } else {
                // A decision that cannot be counted (a vote for no candidate of
                // this election) waits to be decided again, never half-counted.
                place = Place::Awaiting {
                    destination: place.destination().unwrap_or(Destination::Ballot),
                    reasons: vec![DECISION_NOT_ALLOWED.into()],
                    first: None,
                };
            }
        }
        // Each serial is a ballot of this round once: the first page that carries it.
        if place.destination() == Some(Destination::Ballot) {
            if let Some(serial) = s.serial() {
                taken.entry(serial.to_string()).or_insert(s.sheet.id);
            }
        }
        match &place {
            Place::Pending => pending += 1,
            Place::Awaiting { .. } => awaiting_review += 1,
            Place::Counted {
                destination,
                by_officials: by,
                ..
            } => {
                by_officials += u32::from(*by);
                if let Destination::NotIssuedForm(k) = destination {
                    *not_issued.entry(*k).or_insert(0) += 1;
                }
            }
            Place::SetAside { kind, .. } => *set_aside.entry(*kind).or_insert(0) += 1,
        }
        *places.entry(place.code().to_string()).or_insert(0) += 1;
        out.insert(s.sheet.id, place);
    }
    let outcome = outcome(election, &tally);
    Count {
        tally,
        by_batch,
        places,
        awaiting_review,
        pending,
        not_issued,
        set_aside,
        by_officials,
        outcome,
        sheets: out,
    }
}

/// Where the machine puts a read page, before any decision.
pub fn machine_place<S: BuildHasher, T: BuildHasher>(
    reading: &Reading,
    printed: &HashSet<String, S>,
    taken: &HashMap<String, i64, T>,
) -> Place {
    let waiting = |destination, reason: &str, first| Place::Awaiting {
        destination,
        reasons: vec![reason.to_string()],
        first,
    };
    let foreign = |k: NotIssued| waiting(Destination::NotIssuedForm(k), k.code(), None);
    match reading.code {
        CodeCheck::Verified => {
            let Some(serial) = reading.serial.as_deref() else {
                return foreign(NotIssued::NoCode);
            };
            if !printed.contains(serial) {
                return foreign(NotIssued::NeverPrinted);
            }
            if let Some(first) = taken.get(serial) {
                return waiting(
                    Destination::NotABallot(NotBallot::SecondScan),
                    NotBallot::SecondScan.code(),
                    Some(*first),
                );
            }
            match (&reading.status, &reading.verdict) {
                (Status::Valid | Status::Invalid, Some(v)) if v.is_decided() => Place::Counted {
                    destination: Destination::Ballot,
                    verdict: v.clone(),
                    by_officials: false,
                },
                _ => Place::Awaiting {
                    destination: Destination::Ballot,
                    reasons: if reading.reasons.is_empty() {
                        vec!["unreadable".into()]
                    } else {
                        reading.reasons.clone()
                    },
                    first: None,
                },
            }
        }
        CodeCheck::OtherElection => foreign(NotIssued::OtherElection),
        CodeCheck::OtherRound => foreign(NotIssued::OtherRound),
        CodeCheck::BadMac => foreign(NotIssued::BadMac),
        CodeCheck::UnsupportedVersion => foreign(NotIssued::UnsupportedVersion),
        CodeCheck::Unreadable if reading.status == Status::Blank => waiting(
            Destination::NotABallot(NotBallot::Blank),
            NotBallot::Blank.code(),
            None,
        ),
        CodeCheck::Unreadable => foreign(NotIssued::NoCode),
    }
}

/// Whether the officials may count a page the machine placed at `destination`
/// as a ballot of this round: never a paper whose code proves it is not the
/// issued form, nor a second paper with a serial already counted.
pub fn ballot_allowed(destination: Destination) -> bool {
    matches!(
        destination,
        Destination::Ballot
            | Destination::NotIssuedForm(NotIssued::NoCode)
            | Destination::NotABallot(NotBallot::Blank | NotBallot::Other)
    )
}

/// The place of a page after the officials' decision.
fn decided(machine: &Place, decision: &Decision) -> Place {
    let destination = machine.destination().unwrap_or(Destination::Ballot);
    let first = match machine {
        Place::Awaiting { first, .. } | Place::SetAside { first, .. } => *first,
        _ => None,
    };
    match decision {
        Decision::Ballot(v) if ballot_allowed(destination) && v.is_decided() => Place::Counted {
            destination: Destination::Ballot,
            verdict: v.clone(),
            by_officials: true,
        },
        Decision::Ballot(_) => Place::Awaiting {
            destination,
            reasons: vec![DECISION_NOT_ALLOWED.into()],
            first,
        },
        Decision::NotIssuedForm => Place::Counted {
            destination: Destination::NotIssuedForm(match destination {
                Destination::NotIssuedForm(k) => k,
                Destination::Ballot | Destination::NotABallot(NotBallot::SecondScan) => {
                    NotIssued::Copy
                }
                Destination::NotABallot(_) => NotIssued::NoCode,
            }),
            verdict: Verdict::invalid([InvalidReason::NotIssuedForm]),
            by_officials: true,
        },
        Decision::NotABallot => Place::SetAside {
            kind: match destination {
                Destination::NotABallot(k) => k,
                _ => NotBallot::Other,
            },
            first,
        },
    }
}

#[cfg(test)]
mod tests;
