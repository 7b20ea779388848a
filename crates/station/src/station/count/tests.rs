//! The count's laws, on any sheets and decisions (property tests), and the
//! places of rules.md §6 case by case.

use std::collections::{HashMap, HashSet};

use proptest::prelude::*;

use super::*;
use crate::rules::test_util::election;
use crate::rules::{ReviewReason, Vote};
use crate::scan::SourceKind;
use crate::store::{DecisionRecord, SheetRow};

fn reading(
    code: CodeCheck,
    status: Status,
    serial: Option<u64>,
    verdict: Option<Verdict>,
) -> Reading {
    let mut v = serde_json::json!({
        "status": status, "vote": null, "struck": [], "kept": [], "doubtful": [],
        "reasons": [], "serial": serial.map(|s| format!("{s:016X}")), "code": code,
        "scores": {}, "extra_writing": [], "rotation": 0, "dpi": 300.0, "scale": 1.0,
        "registration_mm": 0.0, "certainty": 0.5
    });
    if let Some(verdict) = verdict {
        v["verdict"] = serde_json::to_value(verdict).unwrap();
    }
    serde_json::from_value(v).unwrap()
}

fn record(id: i64, reading: Option<Reading>, decision: Option<Decision>) -> SheetRecord {
    SheetRecord {
        sheet: SheetRow {
            id,
            batch: if id % 2 == 0 { "a" } else { "b" }.into(),
            image_sha256: format!("{id:064}"),
            image_path: String::new(),
            source: String::new(),
            source_kind: SourceKind::Folder,
            received_at: String::new(),
        },
        reading,
        decision: decision.map(|decision| DecisionRecord {
            id,
            decision,
            official: "Lê Văn Ba".into(),
            reason: String::new(),
            at: String::new(),
        }),
    }
}

fn serial(s: u64) -> String {
    format!("{s:016X}")
}

fn valid(c: &str) -> Verdict {
    Vote::For(c.into()).into()
}

fn review() -> Verdict {
    Verdict::Review {
        reasons: vec![ReviewReason::DoubtfulStamp],
        suggestion: Box::new(valid("c1")),
    }
}

#[test]
#[allow(clippy::too_many_lines)] // one walk through every kind of page, kept together to read as §6
fn every_kind_of_page_lands_where_rules_6_puts_it() {
    let e = election(&["An", "Bình"]);
    let printed: HashSet<String> = [1, 2, 3, 4].map(serial).into();
    let v = |s| {
        Some(reading(
            CodeCheck::Verified,
            Status::Valid,
            Some(s),
            Some(valid("c1")),
        ))
    };
    let sheets = vec![
        record(1, v(1), None),
        // A genuine ballot the machine could not read waits, never rejected.
        record(
            2,
            Some(reading(CodeCheck::Verified, Status::Review, Some(2), None)),
            None,
        ),
        record(
            3,
            Some(reading(CodeCheck::Unreadable, Status::Blank, None, None)),
            None,
        ),
        record(
            4,
            Some(reading(
                CodeCheck::OtherElection,
                Status::Rejected,
                Some(9),
                None,
            )),
            None,
        ),
        record(
            5,
            Some(reading(
                CodeCheck::OtherRound,
                Status::Rejected,
                Some(8),
                None,
            )),
            None,
        ),
        record(
            6,
            Some(reading(CodeCheck::BadMac, Status::Rejected, Some(3), None)),
            None,
        ),
        record(
            7,
            Some(reading(
                CodeCheck::Verified,
                Status::Valid,
                Some(77),
                Some(valid("c2")),
            )),
            None,
        ),
        record(8, v(1), None),
        record(
            9,
            Some(reading(CodeCheck::Unreadable, Status::Rejected, None, None)),
            None,
        ),
        record(10, None, None),
    ];
    let c = count(&e, &sheets, &printed);
    let dest = |id| c.sheets[&id].destination();
    assert_eq!(c.sheets[&1].code(), "valid");
    assert_eq!(dest(2), Some(Destination::Ballot));
    assert!(c.sheets[&2].is_awaiting());
    assert_eq!(dest(3), Some(Destination::NotABallot(NotBallot::Blank)));
    assert_eq!(
        dest(4),
        Some(Destination::NotIssuedForm(NotIssued::OtherElection))
    );
    assert_eq!(
        dest(5),
        Some(Destination::NotIssuedForm(NotIssued::OtherRound))
    );
    assert_eq!(dest(6), Some(Destination::NotIssuedForm(NotIssued::BadMac)));
    assert_eq!(
        dest(7),
        Some(Destination::NotIssuedForm(NotIssued::NeverPrinted))
    );
    assert_eq!(
        dest(8),
        Some(Destination::NotABallot(NotBallot::SecondScan))
    );
    assert!(matches!(
        c.sheets[&8],
        Place::Awaiting { first: Some(1), .. }
    ));
    assert_eq!(dest(9), Some(Destination::NotIssuedForm(NotIssued::NoCode)));
    assert_eq!(c.sheets[&10], Place::Pending);
    assert_eq!((c.tally.returned, c.awaiting_review, c.pending), (1, 8, 1));
    for p in c.sheets.values() {
        if p.is_awaiting() {
            assert!(!p.words(false).is_empty() && !p.words(true).is_empty());
        }
    }

    // The officials' decisions close every page.
    let decide = |id: i64, d: Decision| {
        let mut s = sheets[usize::try_from(id - 1).unwrap()].clone();
        s.decision = Some(DecisionRecord {
            id,
            decision: d,
            official: "x".into(),
            reason: String::new(),
            at: String::new(),
        });
        s
    };
    let decided = vec![
        sheets[0].clone(),
        decide(2, Decision::Ballot(valid("c2"))),
        decide(3, Decision::NotABallot),
        decide(4, Decision::NotIssuedForm),
        decide(5, Decision::NotIssuedForm),
        decide(6, Decision::NotIssuedForm),
        decide(7, Decision::NotIssuedForm),
        decide(8, Decision::NotIssuedForm),
        decide(9, Decision::Ballot(valid("c1"))),
    ];
    let c = count(&e, &decided, &printed);
    assert_eq!(c.awaiting_review, 0);
    assert_eq!((c.tally.valid, c.tally.invalid), (3, 5));
    assert_eq!(c.tally.returned, c.tally.valid + c.tally.invalid);
    assert_eq!(c.tally.invalid_for(InvalidReason::NotIssuedForm), 5);
    assert_eq!(c.not_issued[&NotIssued::Copy], 1);
    assert_eq!(c.set_aside[&NotBallot::Blank], 1);
    assert_eq!(c.by_officials, 7);

    // A foreign ballot can never be counted as a vote, whatever is on record.
    let forced = vec![decide(4, Decision::Ballot(valid("c1")))];
    let c = count(&e, &forced, &printed);
    assert!(c.sheets[&4].is_awaiting());
    assert_eq!(c.tally.returned, 0);
}

#[test]
fn the_first_sheet_set_aside_as_a_copy_lets_the_second_count() {
    let e = election(&["An", "Bình"]);
    let printed: HashSet<String> = [serial(5)].into();
    let v = || {
        Some(reading(
            CodeCheck::Verified,
            Status::Valid,
            Some(5),
            Some(valid("c1")),
        ))
    };
    let sheets = vec![
        record(1, v(), Some(Decision::NotIssuedForm)),
        record(2, v(), None),
    ];
    let c = count(&e, &sheets, &printed);
    assert_eq!(c.sheets[&2].code(), "valid");
    assert_eq!((c.tally.valid, c.tally.invalid), (1, 1));
}

fn arb_code() -> impl Strategy<Value = CodeCheck> {
    prop_oneof![
        4 => Just(CodeCheck::Verified),
        1 => Just(CodeCheck::OtherElection),
        1 => Just(CodeCheck::OtherRound),
        1 => Just(CodeCheck::BadMac),
        1 => Just(CodeCheck::UnsupportedVersion),
        2 => Just(CodeCheck::Unreadable),
    ]
}

fn arb_verdict() -> impl Strategy<Value = Verdict> {
    prop_oneof![
        Just(valid("c1")),
        Just(valid("c2")),
        Just(Verdict::invalid([InvalidReason::AllStruck])),
        Just(Verdict::invalid([InvalidReason::NoStamp])),
    ]
}

fn arb_decision() -> impl Strategy<Value = Option<Decision>> {
    prop_oneof![
        3 => Just(None),
        1 => arb_verdict().prop_map(|v| Some(Decision::Ballot(v))),
        1 => Just(Some(Decision::NotIssuedForm)),
        1 => Just(Some(Decision::NotABallot)),
    ]
}

/// One sheet: read or not, what its code proved, its status, serial (from a small
/// pool, so serials repeat), verdict and decision.
fn arb_sheet()
-> impl Strategy<Value = (bool, CodeCheck, u8, u64, Option<Verdict>, Option<Decision>)> {
    (
        prop::bool::weighted(0.9),
        arb_code(),
        0u8..4,
        0u64..6,
        prop::option::of(prop_oneof![arb_verdict(), Just(review())]),
        arb_decision(),
    )
}

proptest! {
    #[test]
    fn every_page_one_place_returned_is_valid_plus_invalid_no_serial_twice_nothing_foreign(
        pages in prop::collection::vec(arb_sheet(), 0..40),
        printed in prop::collection::hash_set(0u64..6, 0..6),
    ) {
        let e = election(&["An", "Bình"]);
        let printed: HashSet<String> = printed.into_iter().map(serial).collect();
        let mut codes = HashMap::new();
        let sheets: Vec<SheetRecord> = pages
            .into_iter()
            .enumerate()
            .map(|(i, (read, code, st, s, verdict, decision))| {
                let id = i64::try_from(i).unwrap() + 1;
                let status = match (code, st) {
                    (CodeCheck::Verified, 0) => Status::Valid,
                    (CodeCheck::Verified, 1) => Status::Invalid,
                    (CodeCheck::Verified, _) => Status::Review,
                    (CodeCheck::Unreadable, 0) => Status::Blank,
                    _ => Status::Rejected,
                };
                let serial = (code != CodeCheck::Unreadable && code != CodeCheck::UnsupportedVersion).then_some(s);
                let verdict = verdict.filter(|_| code == CodeCheck::Verified);
                codes.insert(id, (code, serial.map(self::serial)));
                record(id, read.then(|| reading(code, status, serial, verdict)), decision)
            })
            .collect();
        let c = count(&e, &sheets, &printed);
        // Every page in exactly one place.
        prop_assert_eq!(c.sheets.len(), sheets.len());
        prop_assert_eq!(c.places.values().sum::<u32>() as usize, sheets.len());
        // returned = valid + invalid, and it is the pages counted.
        let counted = c.sheets.values().filter(|p| matches!(p, Place::Counted { .. })).count();
        prop_assert_eq!(c.tally.returned, c.tally.valid + c.tally.invalid);
        prop_assert_eq!(c.tally.returned as usize, counted);
        let mut per_serial: HashMap<String, u32> = HashMap::new();
        for (id, p) in &c.sheets {
            let (code, serial) = &codes[id];
            if let Place::Counted { destination: Destination::Ballot, verdict, .. } = p {
                // Only a genuine printed ballot of this round, or one read by hand.
                prop_assert!(
                    (*code == CodeCheck::Verified && serial.as_ref().is_some_and(|s| printed.contains(s)))
                        || *code == CodeCheck::Unreadable,
                    "sheet {id} ({code:?}) counted as a ballot: {verdict:?}"
                );
                if let Some(s) = serial {
                    *per_serial.entry(s.clone()).or_insert(0) += 1;
                }
            }
            // Nothing from another election or round is ever a vote.
            if matches!(code, CodeCheck::OtherRound | CodeCheck::OtherElection | CodeCheck::BadMac) {
                let is_vote = matches!(
                    p,
                    Place::Counted { verdict: Verdict::Valid { .. }, .. }
                );
                prop_assert!(!is_vote, "sheet {id}: {code:?} counted valid");
            }
        }
        prop_assert!(per_serial.values().all(|&n| n == 1), "a serial counted twice: {per_serial:?}");
        // Batches add up to the unit.
        let sum: u32 = c.by_batch.values().map(|t| t.returned).sum();
        prop_assert_eq!(sum, c.tally.returned);
    }
}
