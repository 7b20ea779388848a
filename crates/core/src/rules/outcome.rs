//! Who wins (rules.md §5): more than half of ALL households, integers only.

use serde::{Deserialize, Serialize};

use crate::election::Election;

use super::tally::Tally;

/// The result of a counting session.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// This candidate id passed `votes * 2 > H`.
    Elected {
        /// Candidate id.
        candidate: String,
        /// Their votes (approvals for a single candidate).
        votes: u32,
    },
    /// Nobody elected: the sheet must say why, and UBND cấp xã decides a re-election.
    NoneElected {
        /// The reason printed on the sheet.
        reason: NoWinnerReason,
    },
}

impl Outcome {
    /// The elected candidate's id, if any.
    pub fn winner(&self) -> Option<&str> {
        match self {
            Outcome::Elected { candidate, .. } => Some(candidate),
            Outcome::NoneElected { .. } => None,
        }
    }
}

/// Outcome line when nobody is elected (Decree 59 art. 3(5)(d)).
pub const NONE_ELECTED_VI: &str = "Không có người trúng cử";

/// English outcome line when nobody is elected.
pub const NONE_ELECTED_EN: &str = "No candidate elected";

/// What the sheet must add when nobody is elected: UBND cấp xã decides a re-election (Decree 59 art. 3(5)(d), art. 8).
pub const RE_ELECTION_NOTE_VI: &str =
    "Báo cáo Ủy ban nhân dân cấp xã xem xét, quyết định việc tổ chức bầu lại";

/// English note: the commune People's Committee decides a re-election.
pub const RE_ELECTION_NOTE_EN: &str =
    "Reported to the commune People's Committee, which decides whether to hold a re-election";

/// Why nobody was elected (Decree 59 art. 3(5)(d): the minutes must state it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoWinnerReason {
    /// No candidate has more than half of all households.
    BelowThreshold,
    /// The leading candidates are tied (necessarily below the threshold; no age tiebreak).
    Tie,
    /// Not one valid ballot was counted.
    NoValidVotes,
}

impl NoWinnerReason {
    /// Stable machine code, equal to the serde name.
    pub fn code(&self) -> &'static str {
        match self {
            NoWinnerReason::BelowThreshold => "below_threshold",
            NoWinnerReason::Tie => "tie",
            NoWinnerReason::NoValidVotes => "no_valid_votes",
        }
    }

    /// The reason with this code.
    pub fn from_code(code: &str) -> Option<NoWinnerReason> {
        [
            NoWinnerReason::BelowThreshold,
            NoWinnerReason::Tie,
            NoWinnerReason::NoValidVotes,
        ]
        .into_iter()
        .find(|r| r.code() == code)
    }

    /// Vietnamese reason for the tally sheet.
    pub fn label_vi(&self) -> &'static str {
        match self {
            NoWinnerReason::BelowThreshold => {
                "Không có người ứng cử nào đạt trên 50% tổng số đại diện hộ gia đình"
            }
            NoWinnerReason::Tie => {
                "Các người ứng cử có số phiếu cao nhất bằng nhau, không có người nào đạt trên 50% tổng số đại diện hộ gia đình"
            }
            NoWinnerReason::NoValidVotes => "Không có phiếu bầu hợp lệ",
        }
    }

    /// English reason.
    pub fn label_en(&self) -> &'static str {
        match self {
            NoWinnerReason::BelowThreshold => {
                "No candidate obtained more than 50% of all household representatives"
            }
            NoWinnerReason::Tie => {
                "The leading candidates are tied and none obtained more than 50% of all household representatives"
            }
            NoWinnerReason::NoValidVotes => "There is no valid ballot",
        }
    }
}

/// Least number of votes that wins with `households` households: floor(H/2) + 1.
pub fn votes_needed(households: u32) -> u32 {
    households / 2 + 1
}

/// True when `votes` is more than half of `households` (u64 maths, never rounded).
pub fn passes(votes: u32, households: u32) -> bool {
    u64::from(votes) * 2 > u64::from(households)
}

/// True when attendance is not more than half the households: warn, never block (rules.md §1).
pub fn quorum_warning(households: u32, attendance: u32) -> bool {
    u64::from(attendance) * 2 <= u64::from(households)
}

/// The outcome, judged on the election's H (the unit's, also for clusters).
pub fn outcome(election: &Election, tally: &Tally) -> Outcome {
    let h = election.election.households;
    // Highest vote first; ties keep ballot order so the result is stable.
    let mut ranked: Vec<(&str, u32)> = election
        .candidates
        .iter()
        .map(|c| (c.id.as_str(), tally.votes_for(&c.id)))
        .collect();
    ranked.sort_by_key(|&(_, votes)| std::cmp::Reverse(votes));
    let top = ranked.first().map_or(0, |&(_, v)| v);
    let tied = ranked.get(1).is_some_and(|&(_, v)| v == top);
    match ranked.first() {
        // With consistent counts (Σ votes ≤ returned ≤ H) at most one can pass;
        // when two could (inconsistent input) a tie elects nobody and
        // reconciliation blocks the sheet anyway.
        Some(&(id, votes)) if passes(votes, h) && !tied => Outcome::Elected {
            candidate: id.to_string(),
            votes,
        },
        _ => Outcome::NoneElected {
            reason: if tally.valid == 0 {
                NoWinnerReason::NoValidVotes
            } else if tied && top > 0 {
                NoWinnerReason::Tie
            } else {
                NoWinnerReason::BelowThreshold
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::election::Marking;
    use crate::rules::test_util::election_with;

    #[test]
    fn votes_needed_is_strict_majority_of_households() {
        for h in 0..2000u32 {
            let n = votes_needed(h);
            assert!(passes(n, h), "{h}");
            assert!(!passes(n - 1, h), "{h}");
        }
        assert_eq!(votes_needed(u32::MAX), u32::MAX / 2 + 1);
        assert!(passes(u32::MAX, u32::MAX));
    }

    #[test]
    fn no_valid_votes() {
        let e = election_with(&["An", "Bình"], Marking::Strike, 10);
        let t = Tally::new(&e);
        assert_eq!(
            outcome(&e, &t),
            Outcome::NoneElected {
                reason: NoWinnerReason::NoValidVotes
            }
        );
    }

    #[test]
    fn inconsistent_counts_never_elect_two() {
        let e = election_with(&["An", "Bình"], Marking::Strike, 10);
        let mut t = Tally::new(&e);
        t.valid = 20;
        t.votes.insert("c1".into(), 10);
        t.votes.insert("c2".into(), 10);
        assert_eq!(outcome(&e, &t).winner(), None);
        t.votes.insert("c2".into(), 7);
        assert_eq!(outcome(&e, &t).winner(), Some("c1"));
    }
}
