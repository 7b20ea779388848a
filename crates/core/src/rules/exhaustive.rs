//! Exhaustive checks of `judge`: every reading × every setting, for 1–3 candidates
//! and for `approve_boxes` (rules.md §3–§4).
//!
//! Each verdict is checked against invariants and against an oracle written
//! straight from the table of rules.md §4, independently of `judge`'s code.

use crate::election::{Election, Marking, Settings, SingleStruck};

use super::judge;
use super::reading::{BallotReading, MarkState, Presence, QrStatus};
use super::test_util::{election, election_boxes};
use super::verdict::{InvalidReason, ReviewReason, Verdict, Vote};

const MARKS: [MarkState; 3] = [MarkState::Struck, MarkState::Kept, MarkState::Doubtful];
const PRESENCE: [Presence; 3] = [Presence::Present, Presence::Absent, Presence::Doubtful];
const QR: [QrStatus; 4] = [
    QrStatus::Valid,
    QrStatus::Missing,
    QrStatus::WrongElection,
    QrStatus::Forged,
];

/// The 8 combinations of the three settings that affect judging.
fn all_settings() -> Vec<Settings> {
    let mut out = Vec::new();
    for require_stamp in [true, false] {
        for single_struck in [SingleStruck::Disapprove, SingleStruck::Invalid] {
            for auto_invalidate_flags in [true, false] {
                out.push(Settings {
                    require_stamp,
                    single_struck,
                    auto_invalidate_flags,
                    holidays: Vec::new(),
                });
            }
        }
    }
    out
}

/// Every vector of `n` mark states.
fn mark_vectors(n: usize) -> Vec<Vec<MarkState>> {
    let mut out = vec![Vec::new()];
    for _ in 0..n {
        out = out
            .into_iter()
            .flat_map(|v| {
                MARKS.iter().map(move |&m| {
                    let mut v = v.clone();
                    v.push(m);
                    v
                })
            })
            .collect();
    }
    out
}

/// The decided verdict rules.md §4 gives once doubts are resolved (mark → kept,
/// stamp → present, writing → absent, box → unmarked) and flags confirmed.
fn oracle(e: &Election, r: &BallotReading) -> Verdict {
    let s = &e.settings;
    let mut reasons = Vec::new();
    if r.qr != QrStatus::Valid {
        reasons.push(InvalidReason::NotIssuedForm);
    }
    if s.require_stamp && r.stamp == Presence::Absent {
        reasons.push(InvalidReason::NoStamp);
    }
    if r.extra_writing == Presence::Present {
        reasons.push(InvalidReason::ExtraWriting);
    }
    let vote = match e.election.marking {
        Marking::Strike => {
            let kept: Vec<&str> = e
                .candidates
                .iter()
                .zip(&r.marks)
                .filter(|(_, m)| **m != MarkState::Struck)
                .map(|(c, _)| c.id.as_str())
                .collect();
            match (e.candidates.len(), kept.len()) {
                (1, 1) => Some(Vote::Approve("c1".into())),
                (1, _) if s.single_struck == SingleStruck::Disapprove => Some(Vote::Disapprove),
                (_, 0) => {
                    reasons.push(InvalidReason::AllStruck);
                    None
                }
                (_, 1) => Some(Vote::For(kept[0].to_string())),
                _ => {
                    reasons.push(InvalidReason::TooManyKept);
                    None
                }
            }
        }
        Marking::ApproveBoxes => match r.boxes.expect("oracle only for read boxes") {
            (Presence::Present, Presence::Present) => {
                reasons.push(InvalidReason::BothBoxesMarked);
                None
            }
            (Presence::Present, _) => Some(Vote::Approve("c1".into())),
            (_, Presence::Present) => Some(Vote::Disapprove),
            _ => {
                reasons.push(InvalidReason::NoBoxMarked);
                None
            }
        },
    };
    match vote {
        Some(vote) if reasons.is_empty() => Verdict::Valid { vote },
        _ => Verdict::invalid(reasons),
    }
}

/// Invariants that hold for every ballot under every setting.
fn check(e: &Election, r: &BallotReading, v: &Verdict) {
    let s = &e.settings;
    let ctx = || format!("{r:?} {s:?} → {v:?}");
    let doubtful = r.marks.contains(&MarkState::Doubtful)
        || (s.require_stamp && r.stamp == Presence::Doubtful)
        || r.extra_writing == Presence::Doubtful
        || r.boxes
            .is_some_and(|(a, d)| a == Presence::Doubtful || d == Presence::Doubtful);
    let flag_pending = !s.auto_invalidate_flags
        && ((s.require_stamp && r.stamp == Presence::Absent)
            || r.extra_writing == Presence::Present);

    // Never Valid/Invalid with a doubt or an unconfirmed flag; always decided otherwise.
    assert_eq!(!v.is_decided(), doubtful || flag_pending, "{}", ctx());

    let decided = v.decided_or_suggestion();
    assert!(
        decided.is_decided(),
        "suggestion is never Review: {}",
        ctx()
    );
    assert_eq!(decided, &oracle(e, r), "{}", ctx());

    if let Verdict::Review {
        reasons,
        suggestion,
    } = v
    {
        assert!(!reasons.is_empty(), "{}", ctx());
        // The suggestion is exactly what the officials would get by confirming the machine.
        let mut confirmed = e.clone();
        confirmed.settings.auto_invalidate_flags = true;
        assert_eq!(**suggestion, judge(&confirmed, &resolved(r)), "{}", ctx());
        // Each doubtful name is named once, in ballot order.
        let named: Vec<String> = reasons
            .iter()
            .filter_map(|x| match x {
                ReviewReason::DoubtfulMark(id) => Some(id.clone()),
                _ => None,
            })
            .collect();
        let expected: Vec<String> = e
            .candidates
            .iter()
            .zip(&r.marks)
            .filter(|(_, m)| **m == MarkState::Doubtful)
            .map(|(c, _)| c.id.clone())
            .collect();
        assert_eq!(named, expected, "{}", ctx());
        assert_eq!(
            reasons.contains(&ReviewReason::ExtraWriting),
            !s.auto_invalidate_flags && r.extra_writing == Presence::Present,
            "{}",
            ctx()
        );
        assert_eq!(
            reasons.contains(&ReviewReason::MissingStamp),
            !s.auto_invalidate_flags && s.require_stamp && r.stamp == Presence::Absent,
            "{}",
            ctx()
        );
    }

    match decided {
        Verdict::Invalid { reasons } => {
            assert!(!reasons.is_empty(), "{}", ctx());
            assert!(
                reasons.windows(2).all(|w| w[0] < w[1]),
                "sorted, deduplicated: {}",
                ctx()
            );
            assert_eq!(
                reasons.contains(&InvalidReason::NotIssuedForm),
                r.qr != QrStatus::Valid,
                "{}",
                ctx()
            );
        }
        Verdict::Valid { vote } => {
            assert_eq!(r.qr, QrStatus::Valid, "{}", ctx());
            assert_ne!(r.extra_writing, Presence::Present, "{}", ctx());
            assert!(!s.require_stamp || r.stamp != Presence::Absent, "{}", ctx());
            match vote {
                Vote::For(id) => {
                    // Exactly one name kept (a doubtful one counts as kept), and it is this one.
                    assert!(e.candidates.len() >= 2, "{}", ctx());
                    let kept: Vec<&str> = e
                        .candidates
                        .iter()
                        .zip(&r.marks)
                        .filter(|(_, m)| **m != MarkState::Struck)
                        .map(|(c, _)| c.id.as_str())
                        .collect();
                    assert_eq!(kept, [id.as_str()], "{}", ctx());
                }
                Vote::Approve(id) => {
                    assert!(e.is_single_candidate(), "{}", ctx());
                    assert_eq!(id, "c1");
                }
                Vote::Disapprove => assert!(e.is_single_candidate(), "{}", ctx()),
            }
        }
        Verdict::Review { .. } => unreachable!(),
    }

    // A verdict survives JSON unchanged (it is stored).
    let json = serde_json::to_string(v).unwrap();
    assert_eq!(&serde_json::from_str::<Verdict>(&json).unwrap(), v);
}

/// The reading with every doubt resolved the legally sound way (rules.md §3–§4).
fn resolved(r: &BallotReading) -> BallotReading {
    let firm = |p: Presence, doubt_means: Presence| {
        if p == Presence::Doubtful {
            doubt_means
        } else {
            p
        }
    };
    BallotReading {
        marks: r
            .marks
            .iter()
            .map(|&m| {
                if m == MarkState::Doubtful {
                    MarkState::Kept
                } else {
                    m
                }
            })
            .collect(),
        boxes: r
            .boxes
            .map(|(a, d)| (firm(a, Presence::Absent), firm(d, Presence::Absent))),
        stamp: firm(r.stamp, Presence::Present),
        extra_writing: firm(r.extra_writing, Presence::Absent),
        qr: r.qr,
    }
}

#[test]
fn every_strike_ballot_for_one_two_three_candidates() {
    let names = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Chi"];
    for n in 1..=3 {
        let mut seen = 0usize;
        for settings in all_settings() {
            let mut e = election(&names[..n]);
            e.settings = settings;
            for marks in mark_vectors(n) {
                for stamp in PRESENCE {
                    for extra_writing in PRESENCE {
                        for qr in QR {
                            let r = BallotReading {
                                marks: marks.clone(),
                                boxes: None,
                                stamp,
                                extra_writing,
                                qr,
                            };
                            let v = judge(&e, &r);
                            check(&e, &r, &v);
                            // Boxes mean nothing on a strike ballot.
                            let with_boxes = BallotReading {
                                boxes: Some((Presence::Present, Presence::Present)),
                                ..r.clone()
                            };
                            assert_eq!(judge(&e, &with_boxes), v);
                            seen += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(seen, 3usize.pow(n as u32) * 3 * 3 * 4 * 8);
    }
}

#[test]
fn every_approve_boxes_ballot() {
    let mut seen = 0usize;
    for settings in all_settings() {
        let mut e = election_boxes();
        e.settings = settings;
        for agree in PRESENCE {
            for disagree in PRESENCE {
                for stamp in PRESENCE {
                    for extra_writing in PRESENCE {
                        for qr in QR {
                            let r = BallotReading {
                                marks: Vec::new(),
                                boxes: Some((agree, disagree)),
                                stamp,
                                extra_writing,
                                qr,
                            };
                            let v = judge(&e, &r);
                            check(&e, &r, &v);
                            // Name marks mean nothing on a box ballot.
                            let with_marks = BallotReading {
                                marks: vec![MarkState::Doubtful],
                                ..r.clone()
                            };
                            assert_eq!(judge(&e, &with_marks), v);
                            seen += 1;
                        }
                    }
                }
            }
        }
    }
    assert_eq!(seen, 9 * 3 * 3 * 4 * 8);
}

#[test]
fn every_unreadable_ballot_is_reviewed_and_never_counted_as_a_vote() {
    // A reading that does not fit the election must not panic (rules.md §6:
    // pages that are not ballots of this election are never counted).
    for n in 1..=3 {
        for settings in all_settings() {
            let mut e = election(&["An", "Bình", "Chi"][..n]);
            e.settings = settings;
            for len in (0..=4).filter(|&l| l != n) {
                for marks in mark_vectors(len) {
                    let v = judge(&e, &BallotReading::strike(marks));
                    let Verdict::Review {
                        reasons,
                        suggestion,
                    } = &v
                    else {
                        panic!("{v:?}");
                    };
                    assert_eq!(reasons[0], ReviewReason::Unreadable);
                    assert!(
                        matches!(**suggestion, Verdict::Invalid { ref reasons } if reasons[0] == InvalidReason::NotIssuedForm)
                    );
                }
            }
        }
    }
    let mut e = election_boxes();
    for settings in all_settings() {
        e.settings = settings;
        let mut r = BallotReading::boxes(Presence::Present, Presence::Absent);
        r.boxes = None;
        assert!(
            matches!(judge(&e, &r), Verdict::Review { ref reasons, .. } if reasons[0] == ReviewReason::Unreadable)
        );
    }
}
