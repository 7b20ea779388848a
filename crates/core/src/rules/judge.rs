//! `judge`: from a reading to a verdict (rules.md §3–§4).
//!
//! One pass collects every invalid reason (art. 74 lists several at once) and
//! every point the officials must decide. The suggestion is the verdict with
//! doubts resolved the legally sound way and flags taken as confirmed; it
//! becomes the verdict only when nothing is left for the officials.

use crate::election::{Candidate, Election, Marking, SingleStruck};

use super::reading::{BallotReading, MarkState, Presence, QrStatus};
use super::verdict::{InvalidReason, ReviewReason, Verdict, Vote};

/// What the marks (or boxes) say, before stamp, writing and form are considered.
enum Choice {
    Vote(Vote),
    Invalid(InvalidReason),
    /// The reading does not fit the election: nothing can be said about the choice.
    Unreadable,
}

/// Judges one ballot: `Review` whenever a relevant input is doubtful or a flag needs the officials.
pub fn judge(election: &Election, reading: &BallotReading) -> Verdict {
    let settings = &election.settings;
    let mut review = Vec::new();
    let mut invalid = Vec::new();

    // Art. 74 a: the QR proves the issued form; anything else is not it.
    if reading.qr != QrStatus::Valid {
        invalid.push(InvalidReason::NotIssuedForm);
    }

    let choice = match election.election.marking {
        Marking::Strike => strike_choice(election, &reading.marks, &mut review),
        Marking::ApproveBoxes => box_choice(election, reading.boxes, &mut review),
    };
    let vote = match choice {
        Choice::Vote(vote) => Some(vote),
        Choice::Invalid(reason) => {
            invalid.push(reason);
            None
        }
        Choice::Unreadable => {
            // Never count a vote the machine could not read; the page does not
            // match the issued form as far as the machine can tell.
            review.push(ReviewReason::Unreadable);
            invalid.push(InvalidReason::NotIssuedForm);
            None
        }
    };

    // Art. 74 b. A doubtful stamp is suggested as present: the team, not the
    // machine, may declare a ballot unstamped. Ignored when not required.
    if settings.require_stamp {
        match reading.stamp {
            Presence::Present => {}
            Presence::Absent => {
                invalid.push(InvalidReason::NoStamp);
                if !settings.auto_invalidate_flags {
                    review.push(ReviewReason::MissingStamp);
                }
            }
            Presence::Doubtful => review.push(ReviewReason::DoubtfulStamp),
        }
    }

    // Art. 74 đ. Doubtful writing is suggested as absent (a smudge is not a note).
    match reading.extra_writing {
        Presence::Absent => {}
        Presence::Present => {
            invalid.push(InvalidReason::ExtraWriting);
            if !settings.auto_invalidate_flags {
                review.push(ReviewReason::ExtraWriting);
            }
        }
        Presence::Doubtful => review.push(ReviewReason::DoubtfulExtraWriting),
    }

    let decided = match vote {
        Some(vote) if invalid.is_empty() => Verdict::Valid { vote },
        _ => Verdict::invalid(invalid),
    };
    if review.is_empty() {
        decided
    } else {
        Verdict::Review {
            reasons: review,
            suggestion: Box::new(decided),
        }
    }
}

/// `strike` marking: the kept names decide (rules.md §4 table).
fn strike_choice(
    election: &Election,
    marks: &[MarkState],
    review: &mut Vec<ReviewReason>,
) -> Choice {
    let candidates = &election.candidates;
    if candidates.is_empty() || marks.len() != candidates.len() {
        return Choice::Unreadable;
    }
    // A doubtful stroke is suggested as kept: only a stroke across the whole
    // name strikes it (§3), so a partial one leaves the name standing.
    let kept: Vec<&Candidate> = candidates
        .iter()
        .zip(marks)
        .filter(|(candidate, mark)| match mark {
            MarkState::Kept => true,
            MarkState::Struck => false,
            MarkState::Doubtful => {
                review.push(ReviewReason::DoubtfulMark(candidate.id.clone()));
                true
            }
        })
        .map(|(candidate, _)| candidate)
        .collect();

    if let [single] = candidates.as_slice() {
        return match (kept.is_empty(), election.settings.single_struck) {
            (false, _) => Choice::Vote(Vote::Approve(single.id.clone())),
            (true, SingleStruck::Disapprove) => Choice::Vote(Vote::Disapprove),
            (true, SingleStruck::Invalid) => Choice::Invalid(InvalidReason::AllStruck),
        };
    }
    match kept.as_slice() {
        [] => Choice::Invalid(InvalidReason::AllStruck),
        [one] => Choice::Vote(Vote::For(one.id.clone())),
        _ => Choice::Invalid(InvalidReason::TooManyKept),
    }
}

/// `approve_boxes` marking: exactly one marked box is valid (rules.md §3).
fn box_choice(
    election: &Election,
    boxes: Option<(Presence, Presence)>,
    review: &mut Vec<ReviewReason>,
) -> Choice {
    let (Some((agree, disagree)), [single]) = (boxes, election.candidates.as_slice()) else {
        return Choice::Unreadable;
    };
    if agree == Presence::Doubtful || disagree == Presence::Doubtful {
        review.push(ReviewReason::DoubtfulBox);
    }
    // A doubtful box is suggested as unmarked: a faint trace is not a choice.
    match (agree == Presence::Present, disagree == Presence::Present) {
        (true, false) => Choice::Vote(Vote::Approve(single.id.clone())),
        (false, true) => Choice::Vote(Vote::Disapprove),
        (false, false) => Choice::Invalid(InvalidReason::NoBoxMarked),
        (true, true) => Choice::Invalid(InvalidReason::BothBoxesMarked),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_util::{election, election_boxes};
    use MarkState::{Doubtful as D, Kept as K, Struck as S};

    fn valid(vote: Vote) -> Verdict {
        Verdict::Valid { vote }
    }

    #[test]
    fn clean_two_candidate_ballots() {
        // rules.md §4, first column.
        let e = election(&["An", "Bình"]);
        let j = |m: Vec<MarkState>| judge(&e, &BallotReading::strike(m));
        assert_eq!(j(vec![K, S]), valid(Vote::For("c1".into())));
        assert_eq!(j(vec![S, K]), valid(Vote::For("c2".into())));
        assert_eq!(
            j(vec![K, K]),
            Verdict::invalid([InvalidReason::TooManyKept])
        );
        assert_eq!(j(vec![S, S]), Verdict::invalid([InvalidReason::AllStruck]));
    }

    #[test]
    fn every_invalid_reason_is_listed_in_legal_order() {
        // rules.md §4: all reasons that apply, art. 74 a–đ order.
        let mut e = election(&["An", "Bình"]);
        e.settings.auto_invalidate_flags = true;
        let reading = BallotReading {
            marks: vec![K, K],
            boxes: None,
            stamp: Presence::Absent,
            extra_writing: Presence::Present,
            qr: QrStatus::Forged,
        };
        assert_eq!(
            judge(&e, &reading),
            Verdict::Invalid {
                reasons: vec![
                    InvalidReason::NotIssuedForm,
                    InvalidReason::NoStamp,
                    InvalidReason::TooManyKept,
                    InvalidReason::ExtraWriting,
                ]
            }
        );
    }

    #[test]
    fn doubtful_marks_are_named_in_ballot_order() {
        let e = election(&["An", "Bình", "Chi"]);
        let v = judge(&e, &BallotReading::strike(vec![D, S, D]));
        assert_eq!(
            v,
            Verdict::Review {
                reasons: vec![
                    ReviewReason::DoubtfulMark("c1".into()),
                    ReviewReason::DoubtfulMark("c3".into()),
                ],
                suggestion: Box::new(Verdict::invalid([InvalidReason::TooManyKept])),
            }
        );
    }

    #[test]
    fn wrong_number_of_marks_is_reviewed_not_a_panic() {
        let e = election(&["An", "Bình"]);
        for marks in [vec![], vec![K], vec![K, S, S]] {
            let v = judge(&e, &BallotReading::strike(marks));
            assert_eq!(
                v,
                Verdict::Review {
                    reasons: vec![ReviewReason::Unreadable],
                    suggestion: Box::new(Verdict::invalid([InvalidReason::NotIssuedForm])),
                }
            );
        }
    }

    #[test]
    fn boxes_missing_or_election_not_single_is_reviewed() {
        let e = election_boxes();
        let mut reading = BallotReading::boxes(Presence::Present, Presence::Absent);
        reading.boxes = None;
        assert!(matches!(
            judge(&e, &reading),
            Verdict::Review { ref reasons, .. } if reasons == &[ReviewReason::Unreadable]
        ));
        let mut two = election(&["An", "Bình"]);
        two.election.marking = Marking::ApproveBoxes;
        let v = judge(
            &two,
            &BallotReading::boxes(Presence::Present, Presence::Absent),
        );
        assert!(matches!(v, Verdict::Review { .. }));
        let mut none = election(&["An"]);
        none.candidates.clear();
        assert!(matches!(
            judge(&none, &BallotReading::strike(vec![])),
            Verdict::Review { .. }
        ));
    }

    #[test]
    fn boxes() {
        // rules.md §3: exactly one marked box is valid; none or both invalid.
        use Presence::{Absent as A, Doubtful as Q, Present as P};
        let e = election_boxes();
        let j = |a, d| judge(&e, &BallotReading::boxes(a, d));
        assert_eq!(j(P, A), valid(Vote::Approve("c1".into())));
        assert_eq!(j(A, P), valid(Vote::Disapprove));
        assert_eq!(j(A, A), Verdict::invalid([InvalidReason::NoBoxMarked]));
        assert_eq!(j(P, P), Verdict::invalid([InvalidReason::BothBoxesMarked]));
        assert_eq!(
            j(Q, P),
            Verdict::Review {
                reasons: vec![ReviewReason::DoubtfulBox],
                suggestion: Box::new(valid(Vote::Disapprove)),
            }
        );
    }

    #[test]
    fn stamp_ignored_when_not_required() {
        let mut e = election(&["An", "Bình"]);
        e.settings.require_stamp = false;
        for stamp in [Presence::Absent, Presence::Doubtful] {
            let mut r = BallotReading::strike(vec![K, S]);
            r.stamp = stamp;
            assert_eq!(judge(&e, &r), valid(Vote::For("c1".into())));
        }
    }
}
