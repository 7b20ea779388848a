//! The 16 edge cases of research-notes §13.3, one named test each.

use chrono::NaiveDate;

use crate::election::{Election, Marking, SingleStruck};

use super::judge;
use super::names::{same_name, vietnamese_cmp};
use super::numbers::{percent, send_by_date};
use super::outcome::{NoWinnerReason, Outcome, outcome, passes, quorum_warning, votes_needed};
use super::reading::{BallotReading, MarkState, Presence, QrStatus};
use super::reconcile::{Counts, Identity, reconcile};
use super::tally::{Tally, tally};
use super::test_util::{election, election_with};
use super::verdict::{InvalidReason, ReviewReason, Verdict, Vote};

use MarkState::{Doubtful as D, Kept as K, Struck as S};

/// `count` copies of the verdict `judge` gives for `marks`, which must be decided.
fn ballots(e: &Election, marks: &[MarkState], count: usize) -> Vec<Verdict> {
    let v = judge(e, &BallotReading::strike(marks.to_vec()));
    assert!(v.is_decided(), "{v:?}");
    vec![v; count]
}

fn none(reason: NoWinnerReason) -> Outcome {
    Outcome::NoneElected { reason }
}

#[test]
fn edge_01_exactly_half_attending_warns() {
    // rules.md §1 quorum: A * 2 <= H warns (research-notes §1, §13.1 #2).
    // Household-ballot mode being offered is the UI's part, tested elsewhere.
    assert!(quorum_warning(400, 200));
    assert!(!quorum_warning(400, 201));
    assert!(quorum_warning(400, 0));
    assert!(quorum_warning(u32::MAX, u32::MAX / 2));
    assert!(!quorum_warning(u32::MAX, u32::MAX / 2 + 1));
}

#[test]
fn edge_02_one_candidate_201_of_400_wins_200_does_not() {
    // rules.md §5: votes * 2 > H, H = all households (research-notes §5.1).
    let e = election_with(&["Nguyễn Văn An"], Marking::Strike, 400);
    assert_eq!(votes_needed(400), 201);
    let t = tally(&e, &ballots(&e, &[K], 201)).unwrap();
    assert_eq!(
        outcome(&e, &t),
        Outcome::Elected {
            candidate: "c1".into(),
            votes: 201
        }
    );
    let mut v = ballots(&e, &[K], 200);
    v.extend(ballots(&e, &[S], 1));
    let t = tally(&e, &v).unwrap();
    assert_eq!(t.disapprove, 1);
    assert_eq!(outcome(&e, &t), none(NoWinnerReason::BelowThreshold));
}

#[test]
fn edge_03_odd_households_2013_case_no_winner() {
    // rules.md §5: the denominator is H, never valid ballots (research-notes §5.1,
    // the 361-household example).
    let e = election_with(&["A", "B"], Marking::Strike, 361);
    assert_eq!(votes_needed(361), 181);
    let mut v = ballots(&e, &[K, S], 159);
    v.extend(ballots(&e, &[S, K], 149));
    v.extend(ballots(&e, &[K, K], 6));
    let t = tally(&e, &v).unwrap();
    assert_eq!((t.returned, t.valid, t.invalid), (314, 308, 6));
    // A has more than half of the valid ballots, yet is not elected.
    assert_eq!(percent(159, 308), "51,62");
    assert!(u64::from(t.votes_for("c1")) * 2 > u64::from(t.valid));
    assert_eq!(outcome(&e, &t), none(NoWinnerReason::BelowThreshold));
    assert_eq!(percent(159, 361), "44,04");
    assert_eq!(percent(149, 361), "41,27");
}

#[test]
fn edge_04_tie_180_each_of_361_no_winner_no_age_tiebreak() {
    // rules.md §5: a tie is below the threshold; nobody wins (research-notes §5.2).
    let e = election_with(&["A", "B"], Marking::Strike, 361);
    let mut v = ballots(&e, &[K, S], 180);
    v.extend(ballots(&e, &[S, K], 180));
    let t = tally(&e, &v).unwrap();
    assert!(!passes(180, 361));
    assert_eq!(outcome(&e, &t), none(NoWinnerReason::Tie));
    // Ballot order does not break ties either.
    let mut swapped = e.clone();
    swapped.candidates.reverse();
    assert_eq!(outcome(&swapped, &t), none(NoWinnerReason::Tie));
}

#[test]
fn edge_05_two_candidates_both_kept_both_struck_one_struck() {
    // rules.md §4 table, ≥ 2 candidates: art. 74 c and d (research-notes §4).
    let e = election(&["A", "B"]);
    let j = |m: &[MarkState]| judge(&e, &BallotReading::strike(m.to_vec()));
    assert_eq!(j(&[K, K]), Verdict::invalid([InvalidReason::TooManyKept]));
    assert_eq!(j(&[S, S]), Verdict::invalid([InvalidReason::AllStruck]));
    assert_eq!(j(&[S, K]), Vote::For("c2".into()).into());
    assert_eq!(j(&[K, S]), Vote::For("c1".into()).into());
}

#[test]
fn edge_06_single_struck_per_setting_winner_unchanged() {
    // rules.md §4 setting `single_struck`; research-notes §4 "key point": the
    // setting moves ballots between valid and invalid, never changes the winner.
    for (kept, struck) in [(250u32, 100u32), (150, 200), (0, 10), (201, 0)] {
        let mut results = Vec::new();
        for setting in [SingleStruck::Disapprove, SingleStruck::Invalid] {
            let mut e = election_with(&["Nguyễn Văn An"], Marking::Strike, 400);
            e.settings.single_struck = setting;
            let struck_verdict = judge(&e, &BallotReading::strike(vec![S]));
            match setting {
                SingleStruck::Disapprove => {
                    assert_eq!(struck_verdict, Vote::Disapprove.into());
                }
                SingleStruck::Invalid => {
                    assert_eq!(struck_verdict, Verdict::invalid([InvalidReason::AllStruck]));
                }
            }
            let mut v = ballots(&e, &[K], kept as usize);
            v.extend(ballots(&e, &[S], struck as usize));
            let t = tally(&e, &v).unwrap();
            assert_eq!(t.returned, kept + struck);
            results.push(outcome(&e, &t).winner().map(str::to_string));
        }
        assert_eq!(results[0], results[1], "{kept} kept, {struck} struck");
        assert_eq!(results[0].is_some(), passes(kept, 400));
    }
}

#[test]
fn edge_07_partial_strike_is_a_vote_for_that_person() {
    // rules.md §3: only a stroke across the whole name strikes it (research-notes
    // §2.4, S9). The interpreter reports a partial stroke as doubtful; the
    // suggestion counts the name as kept.
    let e = election(&["Nguyễn Văn An", "Trần Thị Bình"]);
    let v = judge(&e, &BallotReading::strike(vec![D, S]));
    assert_eq!(
        v,
        Verdict::Review {
            reasons: vec![ReviewReason::DoubtfulMark("c1".into())],
            suggestion: Box::new(Vote::For("c1".into()).into()),
        }
    );
    // Once the officials (or a confident interpreter) say "kept", it is a vote.
    assert_eq!(
        judge(&e, &BallotReading::strike(vec![K, S])),
        Vote::For("c1".into()).into()
    );
    // Partly striking the other name too leaves two names: art. 74 c.
    let both = judge(&e, &BallotReading::strike(vec![D, D]));
    assert_eq!(
        both.decided_or_suggestion(),
        &Verdict::invalid([InvalidReason::TooManyKept])
    );
}

#[test]
fn edge_08_write_in_or_signature_is_invalid() {
    // rules.md §4 art. 74 đ; flagged for the whole team (art. 74(2)) unless
    // `auto_invalidate_flags`.
    for names in [&["A"][..], &["A", "B"][..]] {
        let mut e = election(names);
        let mut r = BallotReading::strike(vec![S; names.len()]);
        r.marks[0] = K;
        r.extra_writing = Presence::Present;
        assert_eq!(
            judge(&e, &r),
            Verdict::Review {
                reasons: vec![ReviewReason::ExtraWriting],
                suggestion: Box::new(Verdict::invalid([InvalidReason::ExtraWriting])),
            }
        );
        e.settings.auto_invalidate_flags = true;
        assert_eq!(
            judge(&e, &r),
            Verdict::invalid([InvalidReason::ExtraWriting])
        );
    }
}

#[test]
fn edge_09_no_stamp_is_invalid() {
    // rules.md §4 art. 74 b with `require_stamp` (default on); flagged, not silent.
    let mut e = election(&["A", "B"]);
    let mut r = BallotReading::strike(vec![K, S]);
    r.stamp = Presence::Absent;
    assert_eq!(
        judge(&e, &r),
        Verdict::Review {
            reasons: vec![ReviewReason::MissingStamp],
            suggestion: Box::new(Verdict::invalid([InvalidReason::NoStamp])),
        }
    );
    e.settings.auto_invalidate_flags = true;
    assert_eq!(judge(&e, &r), Verdict::invalid([InvalidReason::NoStamp]));
    e.settings.require_stamp = false;
    assert_eq!(judge(&e, &r), Vote::For("c1".into()).into());
    // A forged or foreign page is invalid outright (art. 74 a).
    e.settings.require_stamp = true;
    r.stamp = Presence::Present;
    r.qr = QrStatus::Forged;
    assert_eq!(
        judge(&e, &r),
        Verdict::invalid([InvalidReason::NotIssuedForm])
    );
}

#[test]
fn edge_10_returned_above_issued_or_unbalanced_is_reported() {
    // rules.md §6 reconciliation (research-notes §13.1 #5). Blocking the sheet
    // until corrected or explained is the workflow's part, tested elsewhere.
    let e = election_with(&["A", "B"], Marking::Strike, 400);
    let mut v = ballots(&e, &[K, S], 100);
    v.extend(ballots(&e, &[S, K], 90));
    v.extend(ballots(&e, &[S, S], 10));
    let t = tally(&e, &v).unwrap();
    let good = Counts {
        households: 400,
        attendance: 210,
        issued: 205,
        returned: 200,
        spoiled: 3,
    };
    assert!(reconcile(&e, &good, &t).iter().all(|c| c.holds));

    let failing = |counts: &Counts| -> Vec<Identity> {
        reconcile(&e, counts, &t)
            .into_iter()
            .filter(|c| !c.holds)
            .map(|c| c.identity)
            .collect()
    };
    let too_many_returned = Counts {
        issued: 199,
        ..good.clone()
    };
    assert_eq!(
        failing(&too_many_returned),
        [Identity::ReturnedAtMostIssued]
    );
    let unbalanced = Counts {
        returned: 201,
        ..good.clone()
    };
    assert_eq!(failing(&unbalanced), [Identity::ReturnedIsValidPlusInvalid]);
    let check = &reconcile(&e, &unbalanced, &t)[0];
    assert_eq!((check.left, check.right), (201, 200));
    assert!(
        check.text_vi.contains("201 ≠ 190 + 10"),
        "{}",
        check.text_vi
    );
    let over = Counts {
        attendance: 401,
        issued: 402,
        ..good.clone()
    };
    assert_eq!(
        failing(&over),
        [
            Identity::IssuedAtMostAttendance,
            Identity::AttendanceAtMostHouseholds
        ]
    );
}

#[test]
fn edge_11_floor_nomination_third_candidate_is_judged_and_tallied() {
    // rules.md §2: names can be added at the meeting. Rules-level part only: a
    // third candidate is judged, tallied and can win. Freezing the list and
    // printing the ballot and minutes are tested in the election/ballot modules.
    let mut e = election_with(&["A", "B"], Marking::Strike, 300);
    e.candidates.push(crate::election::Candidate {
        id: "c3".into(),
        name: "Phạm Thị Cúc".into(),
        honorific: None,
    });
    assert_eq!(Tally::new(&e).votes.len(), 3);
    assert_eq!(
        judge(&e, &BallotReading::strike(vec![S, S, K])),
        Vote::For("c3".into()).into()
    );
    assert_eq!(
        judge(&e, &BallotReading::strike(vec![S, K, K])),
        Verdict::invalid([InvalidReason::TooManyKept])
    );
    let mut v = ballots(&e, &[S, S, K], 151);
    v.extend(ballots(&e, &[K, S, S], 100));
    let t = tally(&e, &v).unwrap();
    assert_eq!(t.votes_for("c3"), 151);
    assert_eq!(outcome(&e, &t).winner(), Some("c3"));
}

#[test]
fn edge_12_three_clusters_add_up_winner_on_unit_households() {
    // rules.md §1: cluster sub-counts add up to one unit result judged on the
    // unit's H (research-notes §13.1 #7).
    let e = election_with(&["A", "B"], Marking::Strike, 600);
    let clusters = [(120, 60, 5), (110, 70, 3), (75, 100, 2)];
    let mut all = Vec::new();
    let mut merged = Tally::new(&e);
    for &(a, b, bad) in &clusters {
        let mut v = ballots(&e, &[K, S], a);
        v.extend(ballots(&e, &[S, K], b));
        v.extend(ballots(&e, &[S, S], bad));
        let t = tally(&e, &v).unwrap();
        // A cluster's own majority means nothing: it is judged on the unit's H.
        assert_eq!(outcome(&e, &t).winner(), None);
        merged.merge(&t);
        all.extend(v);
    }
    assert_eq!(merged, tally(&e, &all).unwrap());
    assert_eq!(
        (merged.returned, merged.valid, merged.invalid),
        (545, 535, 10)
    );
    assert_eq!(
        outcome(&e, &merged),
        Outcome::Elected {
            candidate: "c1".into(),
            votes: 305
        }
    );
}

#[test]
fn edge_13_percent_rounding() {
    // rules.md §7: two decimals, round half up, decimal comma, from integers
    // (research-notes §5.5). The national habit of nudging valid % + invalid %
    // to total 100 % is not in rules.md and is not applied.
    assert_eq!(percent(8, 390), "2,05");
    assert_eq!(percent(382, 390), "97,95");
    assert_eq!(percent(2, 3), "66,67");
    assert_eq!(percent(22_566, 100_000), "22,57");
}

#[test]
fn edge_14_unicode_names_compare_nfc_and_sort_vietnamese() {
    // rules.md §2: compared and sorted as NFC; printing exactly is the report's part.
    let precomposed = "Trần Thị Thủy";
    // The same name typed with combining marks: a + circumflex + grave, i + dot below, u + hook.
    let combining = "Tra\u{0302}\u{0300}n Thi\u{0323} Thu\u{0309}y";
    assert_ne!(precomposed, combining);
    assert!(same_name(precomposed, combining));
    assert_eq!(
        vietnamese_cmp(precomposed, combining),
        std::cmp::Ordering::Equal
    );
    // A different tone or vowel is a different name.
    assert!(!same_name(precomposed, "Trần Thị Thùy"));
    assert!(!same_name(precomposed, "Trần Thị Thửy"));
    let mut names = vec![
        "Đặng Văn Bảo",
        "Dương Thị Ánh",
        "Âu Minh",
        "Ân Đức",
        "An Khang",
        "Ăn Lộc",
    ];
    names.sort_by(|a, b| vietnamese_cmp(a, b));
    assert_eq!(
        names,
        [
            "An Khang",
            "Ăn Lộc",
            "Ân Đức",
            "Âu Minh",
            "Dương Thị Ánh",
            "Đặng Văn Bảo"
        ]
    );
}

#[test]
fn edge_15_friday_meeting_sends_by_next_friday() {
    // rules.md §7: meeting date + 5 working days; holidays are a setting.
    let friday = NaiveDate::from_ymd_opt(2024, 10, 11).unwrap();
    assert_eq!(
        send_by_date(friday, &[]),
        NaiveDate::from_ymd_opt(2024, 10, 18).unwrap()
    );
    let holiday = [NaiveDate::from_ymd_opt(2024, 10, 16).unwrap()];
    assert_eq!(
        send_by_date(friday, &holiday),
        NaiveDate::from_ymd_opt(2024, 10, 21).unwrap()
    );
}

#[test]
fn edge_16_re_election_is_a_separate_count_with_its_own_outcome() {
    // rules.md §5: a re-election is a new counting session; both sheets kept.
    // Rules-level part: two independent tallies of the same election give
    // their own outcomes and do not affect each other. Linking the sessions
    // and keeping both minutes is the store's part, tested elsewhere.
    let first_election = election_with(&["A", "B"], Marking::Strike, 361);
    let mut first = ballots(&first_election, &[K, S], 159);
    first.extend(ballots(&first_election, &[S, K], 149));
    let first_tally = tally(&first_election, &first).unwrap();

    let mut second_election = first_election.clone();
    second_election.election.date = NaiveDate::from_ymd_opt(2024, 10, 27).unwrap();
    let mut second = ballots(&second_election, &[K, S], 190);
    second.extend(ballots(&second_election, &[S, K], 150));
    let second_tally = tally(&second_election, &second).unwrap();

    assert_eq!(
        outcome(&first_election, &first_tally),
        none(NoWinnerReason::BelowThreshold)
    );
    assert_eq!(
        outcome(&second_election, &second_tally).winner(),
        Some("c1")
    );
    // The first result is untouched by the second count.
    assert_eq!(first_tally.votes_for("c1"), 159);
    assert_eq!(first_tally.returned, 308);
}
