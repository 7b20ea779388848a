//! What the papers declare once the board has entered its figures (rules.md §6,
//! §11): the count's outcome, unless the meeting lacked its quorum or more
//! ballots came back than were issued. Pure: the sheet, Mẫu 03, the compact QR
//! result and the commune's summary all read it from here, so they never disagree.

use serde::{Deserialize, Serialize};

use crate::election::Mode;

use super::outcome::{NoWinnerReason, Outcome, quorum_warning};

/// The declaration of a count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// This candidate is elected (`votes * 2 > H`, quorum met, figures possible).
    Elected {
        /// Candidate id.
        candidate: String,
        /// Their votes.
        votes: u32,
    },
    /// Nobody is elected, for the count's reason (below the threshold, a tie, no valid vote).
    NoneElected {
        /// The reason printed on the sheet.
        reason: NoWinnerReason,
    },
    /// Meeting mode, `A * 2 <= H`: the meeting did not reach its quorum, so nobody
    /// can be elected at it; the count goes on only as the commune directs (Mẫu 04).
    NoQuorum,
    /// More ballots returned than issued: stated in words, no winner declared, the
    /// result submitted for the UBND cấp xã's decision.
    Submitted {
        /// Ballots returned.
        returned: u32,
        /// Ballots issued.
        issued: u32,
    },
}

impl Standing {
    /// The declared winner's id, if any.
    pub fn winner(&self) -> Option<&str> {
        match self {
            Standing::Elected { candidate, .. } => Some(candidate),
            _ => None,
        }
    }

    /// Stable code of a declaration without a winner (for results and summaries).
    pub fn code(&self) -> &'static str {
        match self {
            Standing::Elected { .. } => "elected",
            Standing::NoneElected { reason } => reason.code(),
            Standing::NoQuorum => "no_quorum",
            Standing::Submitted { .. } => "returned_exceeds_issued",
        }
    }
}

/// The declaration: `Submitted` when `returned > issued` (whatever else holds),
/// then `NoQuorum` in meeting mode when `attendance * 2 <= households`, else the
/// count's outcome. `issued` / `returned` are absent until the board enters them.
pub fn standing(
    outcome: &Outcome,
    mode: Mode,
    households: u32,
    attendance: u32,
    issued_returned: Option<(u32, u32)>,
) -> Standing {
    if let Some((issued, returned)) = issued_returned.filter(|(i, r)| r > i) {
        return Standing::Submitted { returned, issued };
    }
    if mode == Mode::Meeting && quorum_warning(households, attendance) {
        return Standing::NoQuorum;
    }
    match outcome {
        Outcome::Elected { candidate, votes } => Standing::Elected {
            candidate: candidate.clone(),
            votes: *votes,
        },
        Outcome::NoneElected { reason } => Standing::NoneElected { reason: *reason },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn elected() -> Outcome {
        Outcome::Elected {
            candidate: "c1".into(),
            votes: 60,
        }
    }

    #[test]
    fn the_figures_come_before_the_count() {
        let m = Mode::Meeting;
        assert_eq!(
            standing(&elected(), m, 100, 80, Some((80, 80))).winner(),
            Some("c1")
        );
        // More returned than issued: never a winner, even with a note.
        assert_eq!(
            standing(&elected(), m, 100, 80, Some((20, 30))),
            Standing::Submitted {
                returned: 30,
                issued: 20
            }
        );
        // 50 of 100 present: no quorum, whatever the votes say.
        assert_eq!(
            standing(&elected(), m, 100, 50, Some((50, 50))),
            Standing::NoQuorum
        );
        assert_eq!(standing(&elected(), m, 100, 51, None).winner(), Some("c1"));
        // Household mode has no meeting quorum: A is the ballots delivered.
        assert_eq!(
            standing(&elected(), Mode::Household, 100, 40, Some((40, 40))).winner(),
            Some("c1")
        );
        let none = Outcome::NoneElected {
            reason: NoWinnerReason::Tie,
        };
        assert_eq!(standing(&none, m, 100, 90, None).code(), "tie");
        assert_eq!(
            standing(&none, m, 100, 90, Some((1, 2))).code(),
            "returned_exceeds_issued"
        );
        assert_eq!(standing(&none, m, 100, 40, None).code(), "no_quorum");
    }
}
