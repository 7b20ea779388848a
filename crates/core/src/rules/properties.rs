//! Property tests over random ballots and elections (rules.md §4–§6).

use proptest::prelude::*;

use crate::election::{Election, Marking, SingleStruck};

use super::judge;
use super::outcome::outcome;
use super::reading::{BallotReading, MarkState, Presence, QrStatus};
use super::tally::{Tally, TallyError, tally};
use super::test_util::election_with;
use super::verdict::Verdict;

fn mark() -> impl Strategy<Value = MarkState> {
    prop_oneof![
        4 => Just(MarkState::Struck),
        3 => Just(MarkState::Kept),
        1 => Just(MarkState::Doubtful),
    ]
}

fn presence(usual: Presence) -> impl Strategy<Value = Presence> {
    prop_oneof![
        8 => Just(usual),
        1 => Just(Presence::Present),
        1 => Just(Presence::Absent),
        1 => Just(Presence::Doubtful),
    ]
}

fn qr() -> impl Strategy<Value = QrStatus> {
    prop_oneof![
        12 => Just(QrStatus::Valid),
        1 => Just(QrStatus::Missing),
        1 => Just(QrStatus::WrongElection),
        1 => Just(QrStatus::Forged),
    ]
}

/// A reading of a `strike` ballot with `n` names, mostly clean.
fn reading(n: usize) -> impl Strategy<Value = BallotReading> {
    (
        proptest::collection::vec(mark(), n),
        presence(Presence::Present),
        presence(Presence::Absent),
        qr(),
    )
        .prop_map(|(marks, stamp, extra_writing, qr)| BallotReading {
            marks,
            boxes: None,
            stamp,
            extra_writing,
            qr,
        })
}

/// A `strike` election with 1–4 candidates and random settings, and ballots for it.
fn election_and_readings() -> impl Strategy<Value = (Election, Vec<BallotReading>)> {
    (1usize..=4, 1u32..600, any::<(bool, bool, bool)>()).prop_flat_map(
        |(n, households, (stamp, invalid, auto))| {
            let mut e = election_with(
                &["An", "Bình", "Chi", "Dũng"][..n],
                Marking::Strike,
                households,
            );
            e.settings.require_stamp = stamp;
            e.settings.auto_invalidate_flags = auto;
            e.settings.single_struck = if invalid {
                SingleStruck::Invalid
            } else {
                SingleStruck::Disapprove
            };
            (Just(e), proptest::collection::vec(reading(n), 0..300))
        },
    )
}

/// The verdicts as the officials leave them when they accept every suggestion.
fn decided(e: &Election, readings: &[BallotReading]) -> Vec<Verdict> {
    readings
        .iter()
        .map(|r| judge(e, r).decided_or_suggestion().clone())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn no_ballot_is_counted_twice_or_lost((e, readings) in election_and_readings()) {
        // rules.md §6: returned = valid + invalid; Σ votes (+ disapprove) = valid.
        let mut t = Tally::new(&e);
        let mut decided_added = 0u32;
        for r in &readings {
            let v = judge(&e, r);
            match t.add(&v) {
                Ok(()) => {
                    prop_assert!(v.is_decided());
                    decided_added += 1;
                }
                Err(err) => {
                    // Undecided ballots are refused, and only they.
                    prop_assert_eq!(err, TallyError::Undecided);
                    prop_assert!(!v.is_decided());
                }
            }
        }
        prop_assert_eq!(t.returned, decided_added);
        prop_assert_eq!(t.valid + t.invalid, t.returned);
        prop_assert_eq!(t.invalid_by_reason.values().sum::<u32>(), t.invalid);
        let votes = t.total_votes() + u64::from(t.disapprove);
        prop_assert_eq!(votes, u64::from(t.valid));
        if !e.is_single_candidate() {
            prop_assert_eq!(t.disapprove, 0);
        }
        prop_assert_eq!(t.votes.len(), e.candidates.len());
    }

    #[test]
    fn merged_cluster_tallies_equal_one_tally(
        (e, readings) in election_and_readings(),
        cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..5),
    ) {
        // rules.md §1: cluster sub-counts add up to the unit's count.
        let verdicts = decided(&e, &readings);
        let mut bounds: Vec<usize> = cuts.iter().map(|i| i.index(verdicts.len() + 1)).collect();
        bounds.push(0);
        bounds.push(verdicts.len());
        bounds.sort_unstable();
        let mut merged = Tally::new(&e);
        for w in bounds.windows(2) {
            merged.merge(&tally(&e, &verdicts[w[0]..w[1]]).unwrap());
        }
        let whole = tally(&e, &verdicts).unwrap();
        prop_assert_eq!(&merged, &whole);
        prop_assert_eq!(outcome(&e, &merged), outcome(&e, &whole));
    }

    #[test]
    fn single_struck_setting_never_changes_the_winner(
        households in 1u32..400,
        readings in proptest::collection::vec(reading(1), 0..400),
    ) {
        // rules.md §4 (`single_struck`) and §5; research-notes §4 "key point".
        let mut winners = Vec::new();
        let mut approvals = Vec::new();
        for setting in [SingleStruck::Disapprove, SingleStruck::Invalid] {
            let mut e = election_with(&["Nguyễn Văn An"], Marking::Strike, households);
            e.settings.single_struck = setting;
            let t = tally(&e, &decided(&e, &readings)).unwrap();
            approvals.push(t.votes_for("c1"));
            winners.push(outcome(&e, &t).winner().map(str::to_string));
        }
        prop_assert_eq!(approvals[0], approvals[1]);
        prop_assert_eq!(&winners[0], &winners[1]);
    }

    #[test]
    fn at_most_one_winner_and_only_above_half_of_households((e, readings) in election_and_readings()) {
        // rules.md §5: votes * 2 > H; with one seat at most one passes.
        let t = tally(&e, &decided(&e, &readings)).unwrap();
        let h = u64::from(e.election.households);
        let passing = t.votes.values().filter(|&&v| u64::from(v) * 2 > h).count();
        // Consistent counts need returned ≤ H; random ballots may exceed it.
        if u64::from(t.returned) <= h {
            prop_assert!(passing <= 1);
        }
        if let Some(id) = outcome(&e, &t).winner() {
            prop_assert!(u64::from(t.votes_for(id)) * 2 > h);
        } else if u64::from(t.returned) <= h {
            prop_assert_eq!(passing, 0);
        }
    }

    #[test]
    fn judge_never_panics_on_any_reading(
        n in 0usize..5,
        marks in proptest::collection::vec(mark(), 0..6),
        boxes in proptest::option::of((presence(Presence::Absent), presence(Presence::Absent))),
        boxes_marking in any::<bool>(),
    ) {
        let names = ["An", "Bình", "Chi", "Dũng"];
        let marking = if boxes_marking { Marking::ApproveBoxes } else { Marking::Strike };
        let e = election_with(&names[..n.min(4)], marking, 100);
        let r = BallotReading { marks, boxes, ..BallotReading::strike(Vec::new()) };
        let v = judge(&e, &r);
        prop_assert!(v.decided_or_suggestion().is_decided());
    }
}
