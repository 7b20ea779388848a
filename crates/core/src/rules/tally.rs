//! Counting decided verdicts (rules.md §4–§6).
//!
//! Only `Valid` and `Invalid` verdicts are counted; a `Review` is refused so
//! an undecided ballot can never slip into the result. A failed `add`
//! leaves the tally unchanged, so no ballot is ever half-counted.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::election::Election;

use super::verdict::{InvalidReason, Verdict};

/// Why a verdict cannot be counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum TallyError {
    /// A `Review` verdict: the officials have not decided this ballot yet.
    #[error("ballot awaits the counting team's decision; undecided ballots are never counted")]
    Undecided,
    /// A vote for an id that is not a candidate of this election.
    #[error("vote for unknown candidate id {0:?}")]
    UnknownCandidate(String),
    /// An `Invalid` verdict without any reason: it could not be put on the sheet.
    #[error("invalid ballot without a reason")]
    NoReason,
    /// A count would exceed `u32::MAX`.
    #[error("count overflow")]
    Overflow,
    /// The error of one verdict in a batch, with its 0-based position.
    #[error("verdict at position {index}: {error}")]
    At {
        /// 0-based position in the batch.
        index: usize,
        /// What was wrong with it.
        error: Box<TallyError>,
    },
}

/// Counts of one counting session (or one cluster of it).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Tally {
    /// Ballots counted (valid + invalid).
    pub returned: u32,
    /// Valid ballots.
    pub valid: u32,
    /// Invalid ballots.
    pub invalid: u32,
    /// Invalid ballots by reason; each ballot once, under its first reason in legal order.
    pub invalid_by_reason: BTreeMap<InvalidReason, u32>,
    /// Candidate id → votes; an approval counts as a vote for the single candidate.
    pub votes: BTreeMap<String, u32>,
    /// Disapprovals of the single candidate.
    pub disapprove: u32,
}

impl Tally {
    /// An empty tally listing every candidate with 0 votes (a candidate with no vote still appears on the sheet).
    pub fn new(election: &Election) -> Self {
        Tally {
            votes: election
                .candidates
                .iter()
                .map(|c| (c.id.clone(), 0))
                .collect(),
            ..Tally::default()
        }
    }

    /// Counts one decided verdict; on error nothing is changed.
    pub fn add(&mut self, verdict: &Verdict) -> Result<(), TallyError> {
        if !verdict.is_decided() {
            return Err(TallyError::Undecided);
        }
        let returned = bump(self.returned)?;
        match verdict {
            Verdict::Review { .. } => Err(TallyError::Undecided),
            Verdict::Valid { vote } => {
                let valid = bump(self.valid)?;
                match vote.candidate() {
                    Some(id) => {
                        let slot = self
                            .votes
                            .get_mut(id)
                            .ok_or_else(|| TallyError::UnknownCandidate(id.to_string()))?;
                        *slot = bump(*slot)?;
                    }
                    None => self.disapprove = bump(self.disapprove)?,
                }
                self.valid = valid;
                self.returned = returned;
                Ok(())
            }
            Verdict::Invalid { reasons } => {
                let first = *reasons.iter().min().ok_or(TallyError::NoReason)?;
                let invalid = bump(self.invalid)?;
                let slot = self.invalid_by_reason.entry(first).or_insert(0);
                *slot = bump(*slot)?;
                self.invalid = invalid;
                self.returned = returned;
                Ok(())
            }
        }
    }

    /// Adds another tally of the same election (clusters, rules.md §1).
    pub fn merge(&mut self, other: &Tally) {
        self.returned = self.returned.saturating_add(other.returned);
        self.valid = self.valid.saturating_add(other.valid);
        self.invalid = self.invalid.saturating_add(other.invalid);
        self.disapprove = self.disapprove.saturating_add(other.disapprove);
        for (reason, n) in &other.invalid_by_reason {
            let slot = self.invalid_by_reason.entry(*reason).or_insert(0);
            *slot = slot.saturating_add(*n);
        }
        for (id, n) in &other.votes {
            let slot = self.votes.entry(id.clone()).or_insert(0);
            *slot = slot.saturating_add(*n);
        }
    }

    /// Invalid ballots counted under this reason (0 when none).
    pub fn invalid_for(&self, reason: InvalidReason) -> u32 {
        self.invalid_by_reason.get(&reason).copied().unwrap_or(0)
    }

    /// Votes for this candidate id (0 when unknown).
    pub fn votes_for(&self, id: &str) -> u32 {
        self.votes.get(id).copied().unwrap_or(0)
    }

    /// Sum of all candidates' votes, in u64 so it cannot overflow.
    pub fn total_votes(&self) -> u64 {
        self.votes.values().map(|&n| u64::from(n)).sum()
    }
}

/// One more, or `Overflow`.
fn bump(n: u32) -> Result<u32, TallyError> {
    n.checked_add(1).ok_or(TallyError::Overflow)
}

/// Tallies a batch of decided verdicts; the first undecided or bad one is reported with its position.
pub fn tally<'a>(
    election: &Election,
    verdicts: impl IntoIterator<Item = &'a Verdict>,
) -> Result<Tally, TallyError> {
    let mut t = Tally::new(election);
    for (index, verdict) in verdicts.into_iter().enumerate() {
        t.add(verdict).map_err(|error| TallyError::At {
            index,
            error: Box::new(error),
        })?;
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_util::election;
    use crate::rules::verdict::{ReviewReason, Vote};

    #[test]
    fn new_lists_every_candidate() {
        let t = Tally::new(&election(&["An", "Bình", "Chi"]));
        assert_eq!(t.votes.len(), 3);
        assert!(t.votes.values().all(|&n| n == 0));
        assert_eq!(t.returned, 0);
    }

    #[test]
    fn invalid_counted_once_under_first_reason() {
        let mut t = Tally::new(&election(&["An", "Bình"]));
        // Deliberately unsorted: the tally must still use the legal order.
        let v = Verdict::Invalid {
            reasons: vec![InvalidReason::ExtraWriting, InvalidReason::NoStamp],
        };
        t.add(&v).unwrap();
        assert_eq!(t.invalid, 1);
        assert_eq!(t.returned, 1);
        assert_eq!(t.invalid_for(InvalidReason::NoStamp), 1);
        assert_eq!(t.invalid_for(InvalidReason::ExtraWriting), 0);
    }

    #[test]
    fn errors_leave_the_tally_unchanged() {
        let mut t = Tally::new(&election(&["An", "Bình"]));
        t.add(&Vote::For("c1".into()).into()).unwrap();
        let before = t.clone();
        let review = Verdict::Review {
            reasons: vec![ReviewReason::DoubtfulStamp],
            suggestion: Box::new(Vote::For("c1".into()).into()),
        };
        assert_eq!(t.add(&review), Err(TallyError::Undecided));
        assert_eq!(
            t.add(&Vote::For("zz".into()).into()),
            Err(TallyError::UnknownCandidate("zz".into()))
        );
        assert_eq!(
            t.add(&Verdict::Invalid { reasons: vec![] }),
            Err(TallyError::NoReason)
        );
        assert_eq!(t, before);
        t.returned = u32::MAX;
        assert_eq!(
            t.add(&Vote::For("c1".into()).into()),
            Err(TallyError::Overflow)
        );
        assert_eq!(t.votes_for("c1"), 1);
    }

    #[test]
    fn batch_error_names_the_position() {
        let e = election(&["An", "Bình"]);
        let vs = [
            Vote::For("c1".into()).into(),
            Verdict::Review {
                reasons: vec![ReviewReason::DoubtfulStamp],
                suggestion: Box::new(Vote::For("c1".into()).into()),
            },
        ];
        let err = tally(&e, &vs).unwrap_err();
        assert_eq!(
            err,
            TallyError::At {
                index: 1,
                error: Box::new(TallyError::Undecided)
            }
        );
        assert!(err.to_string().contains("position 1"));
    }

    #[test]
    fn serialises_reasons_as_snake_case_keys() {
        let mut t = Tally::new(&election(&["An", "Bình"]));
        t.add(&Verdict::invalid([InvalidReason::AllStruck]))
            .unwrap();
        let json = serde_json::to_string(&t).unwrap();
        assert!(json.contains("\"all_struck\":1"), "{json}");
        let back: Tally = serde_json::from_str(&json).unwrap();
        assert_eq!(back, t);
    }
}
