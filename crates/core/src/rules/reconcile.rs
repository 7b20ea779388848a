//! Reconciliation of the counts (rules.md §6).
//!
//! Every identity is reported, holding or not, with both sides, so the sheet
//! and the screen can show exactly what disagrees. A broken identity blocks
//! finalisation unless the team writes a note; that decision is not made here.

use serde::{Deserialize, Serialize};

use crate::election::{Election, Mode};

use super::tally::Tally;

/// Numbers the counting team enters from paper (not derived from ballot images).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Counts {
    /// H: households of the unit (or of the cluster being reconciled).
    pub households: u32,
    /// A: representatives present, or ballots delivered in household mode.
    pub attendance: u32,
    /// Ballots issued to voters, not counting exchanges of spoiled ones twice.
    pub issued: u32,
    /// Ballots found in the box.
    pub returned: u32,
    /// Spoiled ballots exchanged at the table, kept apart for the sheet.
    pub spoiled: u32,
}

/// One identity of rules.md §6.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Identity {
    /// Ballots in the box = valid + invalid.
    ReturnedIsValidPlusInvalid,
    /// Σ votes = valid (one candidate: approve + disapprove = valid).
    VotesSumToValid,
    /// Ballots in the box ≤ ballots issued.
    ReturnedAtMostIssued,
    /// Ballots issued ≤ attendance.
    IssuedAtMostAttendance,
    /// Attendance ≤ households.
    AttendanceAtMostHouseholds,
}

/// The result of one identity, with both sides and a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// Which identity.
    pub identity: Identity,
    /// Whether it holds.
    pub holds: bool,
    /// Left-hand side.
    pub left: u64,
    /// Right-hand side.
    pub right: u64,
    /// The identity with its figures, in Vietnamese.
    pub text_vi: String,
    /// The identity with its figures, in English.
    pub text_en: String,
}

/// All identities of rules.md §6, in the order of `Identity`.
pub fn reconcile(election: &Election, counts: &Counts, tally: &Tally) -> Vec<Check> {
    let returned = u64::from(counts.returned);
    let valid = u64::from(tally.valid);
    let invalid = u64::from(tally.invalid);
    let issued = u64::from(counts.issued);
    let attendance = u64::from(counts.attendance);
    let households = u64::from(counts.households);
    let approve = tally.total_votes();
    let disapprove = u64::from(tally.disapprove);

    let mut checks = Vec::with_capacity(5);

    let holds = returned == valid + invalid;
    checks.push(Check {
        identity: Identity::ReturnedIsValidPlusInvalid,
        holds,
        left: returned,
        right: valid + invalid,
        text_vi: format!(
            "Số phiếu thu vào {op} số phiếu hợp lệ + số phiếu không hợp lệ: {returned} {op} {valid} + {invalid}",
            op = eq(holds)
        ),
        text_en: format!(
            "Ballots returned {op} valid + invalid: {returned} {op} {valid} + {invalid}",
            op = eq(holds)
        ),
    });

    checks.push(votes_sum_to_valid(election, approve, disapprove, valid));

    let holds = returned <= issued;
    checks.push(Check {
        identity: Identity::ReturnedAtMostIssued,
        holds,
        left: returned,
        right: issued,
        text_vi: format!(
            "Số phiếu thu vào {op} số phiếu phát ra: {returned} {op} {issued}",
            op = le(holds)
        ),
        text_en: format!(
            "Ballots returned {op} ballots issued: {returned} {op} {issued}",
            op = le(holds)
        ),
    });

    // In household mode A is the number of households that received a ballot.
    let (attendance_vi, attendance_en) = match election.election.mode {
        Mode::Meeting => ("số đại diện hộ gia đình có mặt", "representatives present"),
        Mode::Household => (
            "số hộ gia đình được phát phiếu",
            "households given a ballot",
        ),
    };
    let (attendance_vi_cap, attendance_en_cap) =
        (capitalise(attendance_vi), capitalise(attendance_en));
    let holds = issued <= attendance;
    checks.push(Check {
        identity: Identity::IssuedAtMostAttendance,
        holds,
        left: issued,
        right: attendance,
        text_vi: format!(
            "Số phiếu phát ra {op} {attendance_vi}: {issued} {op} {attendance}",
            op = le(holds)
        ),
        text_en: format!(
            "Ballots issued {op} {attendance_en}: {issued} {op} {attendance}",
            op = le(holds)
        ),
    });

    let holds = attendance <= households;
    checks.push(Check {
        identity: Identity::AttendanceAtMostHouseholds,
        holds,
        left: attendance,
        right: households,
        text_vi: format!(
            "{attendance_vi_cap} {op} tổng số đại diện hộ gia đình: {attendance} {op} {households}",
            op = le(holds)
        ),
        text_en: format!(
            "{attendance_en_cap} {op} all household representatives: {attendance} {op} {households}",
            op = le(holds)
        ),
    });

    checks
}

// The relation as it actually stands, so a failing line reads "314 ≠ 308 + 5".
fn eq(holds: bool) -> &'static str {
    if holds { "=" } else { "≠" }
}

fn le(holds: bool) -> &'static str {
    if holds { "≤" } else { ">" }
}

/// One candidate: every valid ballot approves or disapproves. Several: every
/// valid ballot is exactly one vote, so a disapproval there breaks the sum.
fn votes_sum_to_valid(election: &Election, approve: u64, disapprove: u64, valid: u64) -> Check {
    let (left, text_vi, text_en) = if election.is_single_candidate() {
        let holds = approve + disapprove == valid;
        (
            approve + disapprove,
            format!(
                "Số phiếu đồng ý + số phiếu không đồng ý {op} số phiếu hợp lệ: {approve} + {disapprove} {op} {valid}",
                op = eq(holds)
            ),
            format!(
                "Approve + disapprove {op} valid ballots: {approve} + {disapprove} {op} {valid}",
                op = eq(holds)
            ),
        )
    } else {
        let holds = approve == valid;
        (
            approve,
            format!(
                "Tổng số phiếu bầu cho các người ứng cử {op} số phiếu hợp lệ: {approve} {op} {valid}",
                op = eq(holds)
            ),
            format!(
                "Sum of the candidates' votes {op} valid ballots: {approve} {op} {valid}",
                op = eq(holds)
            ),
        )
    };
    Check {
        identity: Identity::VotesSumToValid,
        holds: left == valid,
        left,
        right: valid,
        text_vi,
        text_en,
    }
}

/// The text with its first letter in upper case, to start a sentence.
fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::election::Marking;
    use crate::rules::test_util::election_with;
    use crate::rules::verdict::{InvalidReason, Verdict, Vote};

    fn two_candidate_tally(e: &Election, a: u32, b: u32, invalid: u32) -> Tally {
        let mut t = Tally::new(e);
        for _ in 0..a {
            t.add(&Vote::For("c1".into()).into()).unwrap();
        }
        for _ in 0..b {
            t.add(&Vote::For("c2".into()).into()).unwrap();
        }
        for _ in 0..invalid {
            t.add(&Verdict::invalid([InvalidReason::TooManyKept]))
                .unwrap();
        }
        t
    }

    #[test]
    fn consistent_counts_hold() {
        let e = election_with(&["An", "Bình"], Marking::Strike, 361);
        let t = two_candidate_tally(&e, 159, 149, 6);
        let counts = Counts {
            households: 361,
            attendance: 320,
            issued: 318,
            returned: 314,
            spoiled: 2,
        };
        let checks = reconcile(&e, &counts, &t);
        assert_eq!(checks.len(), 5);
        assert!(checks.iter().all(|c| c.holds), "{checks:#?}");
        assert_eq!(
            checks[0].text_vi,
            "Số phiếu thu vào = số phiếu hợp lệ + số phiếu không hợp lệ: 314 = 308 + 6"
        );
        assert_eq!(checks[1].left, 308);
    }

    #[test]
    fn single_candidate_counts_disapprovals() {
        let e = election_with(&["An"], Marking::Strike, 10);
        let mut t = Tally::new(&e);
        t.add(&Vote::Approve("c1".into()).into()).unwrap();
        t.add(&Vote::Disapprove.into()).unwrap();
        let counts = Counts {
            households: 10,
            attendance: 2,
            issued: 2,
            returned: 2,
            spoiled: 0,
        };
        let checks = reconcile(&e, &counts, &t);
        assert!(checks.iter().all(|c| c.holds), "{checks:#?}");
        assert_eq!(
            checks[1].text_en,
            "Approve + disapprove = valid ballots: 1 + 1 = 2"
        );
    }

    #[test]
    fn disapproval_in_multi_candidate_tally_breaks_the_sum() {
        let e = election_with(&["An", "Bình"], Marking::Strike, 10);
        let mut t = Tally::new(&e);
        t.add(&Vote::Disapprove.into()).unwrap();
        let counts = Counts {
            households: 10,
            attendance: 1,
            issued: 1,
            returned: 1,
            spoiled: 0,
        };
        let checks = reconcile(&e, &counts, &t);
        assert!(!checks[1].holds);
        assert!(checks[1].text_vi.contains("0 ≠ 1"));
    }

    #[test]
    fn household_mode_names_attendance_as_households_given_a_ballot() {
        let mut e = election_with(&["An"], Marking::ApproveBoxes, 10);
        e.election.mode = Mode::Household;
        let counts = Counts {
            households: 10,
            attendance: 11,
            issued: 11,
            returned: 0,
            spoiled: 0,
        };
        let checks = reconcile(&e, &counts, &Tally::new(&e));
        assert_eq!(
            checks[4].text_vi,
            "Số hộ gia đình được phát phiếu > tổng số đại diện hộ gia đình: 11 > 10"
        );
        assert!(!checks[4].holds);
        assert!(checks[3].holds);
    }
}
