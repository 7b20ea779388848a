//! Legal rules (rules.md §3–§7): pure functions, no I/O.
//!
//! `judge` turns what was seen on a ballot into a verdict; `Tally` counts
//! decided verdicts only; `outcome` applies `votes * 2 > H`; `reconcile`
//! checks the identities of §6; `numbers` prints percentages and dates.
//! Everything is re-exported here: `use crate::rules::{judge, Tally, …}`.

mod judge;
mod names;
pub mod numbers;
pub mod outcome;
pub mod reading;
pub mod reconcile;
pub mod standing;
pub mod tally;
pub mod verdict;

#[cfg(test)]
mod edge_cases;
#[cfg(test)]
mod exhaustive;
#[cfg(test)]
mod properties;
// Elections made in code, for the tests of this crate and of the crates after it.
#[doc(hidden)]
pub mod test_util;

pub use judge::judge;
pub use names::{
    VietnameseSortKey, person_key, same_name, same_person, vietnamese_cmp, vietnamese_sort_key,
};
pub use numbers::{
    SEND_WITHIN_WORKING_DAYS, basis_points_vi, date_vi, is_working_day, percent, send_by_date,
    shares, time_vi,
};
pub use outcome::{
    NONE_ELECTED_EN, NONE_ELECTED_VI, NoWinnerReason, Outcome, RE_ELECTION_NOTE_EN,
    RE_ELECTION_NOTE_VI, outcome, passes, quorum_warning, votes_needed,
};
pub use reading::{BallotReading, MarkState, Presence, QrStatus};
pub use reconcile::{Check, Counts, Identity, reconcile};
pub use standing::{Standing, standing};
pub use tally::{Tally, TallyError, tally};
pub use verdict::{InvalidReason, ReviewReason, Verdict, Vote};
