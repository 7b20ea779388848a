//! The assertions that imply the reported outcome (SHANGRLA, rules.md §5).
//!
//! An assertion is an assorter `A` — a number per page — whose mean over all
//! `N` pages is above ½ exactly when the assertion holds. With `T_c` the true
//! votes of candidate `c` and `H` the households:
//! - "c wins" (`T_c × 2 > H`): `A = N/H` on a page with a vote for `c`, else 0;
//!   the mean is `T_c / H`.
//! - "c does not win" (`T_c × 2 < H`, a little stronger than the rule's
//!   `≤`): `A = 0` on a page with a vote for `c`, else `hi = N / (2N − H)`; the
//!   mean is above ½ exactly when `T_c < H/2`. It is needed only when
//!   `2N > H` (with fewer pages nobody could have won).

use serde::{Deserialize, Serialize};

/// What the audit checks: the unit's households, the pages drawn from, and
/// the reported votes and outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contest {
    /// H: all household representatives of the unit.
    pub households: u32,
    /// N: every page the draw picks from (all scanned pages of the count).
    pub pages: u32,
    /// Reported votes per candidate id (approvals for a single candidate).
    pub votes: Vec<(String, u32)>,
    /// The reported winner, if any.
    pub winner: Option<String>,
}

/// One assertion about a candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "candidate", rename_all = "snake_case")]
pub enum Assertion {
    /// The candidate's true votes × 2 > H.
    Wins(String),
    /// The candidate's true votes × 2 < H.
    DoesNotWin(String),
}

impl Assertion {
    /// The candidate it is about.
    pub fn candidate(&self) -> &str {
        match self {
            Assertion::Wins(c) | Assertion::DoesNotWin(c) => c,
        }
    }

    /// The assorter's value on a page that gives a vote to `vote` (None: no vote).
    pub fn assorter(&self, contest: &Contest, vote: Option<&str>) -> f64 {
        let for_it = vote == Some(self.candidate());
        match self {
            Assertion::Wins(_) if for_it => self.upper(contest),
            Assertion::DoesNotWin(_) if !for_it => self.upper(contest),
            _ => 0.0,
        }
    }

    /// The assorter's largest value `u`.
    pub fn upper(&self, contest: &Contest) -> f64 {
        let (n, h) = (f64::from(contest.pages), f64::from(contest.households));
        match self {
            Assertion::Wins(_) => n / h,
            Assertion::DoesNotWin(_) => n / (2.0 * n - h),
        }
    }

    /// The assorter's mean over the pages as reported.
    pub fn reported_mean(&self, contest: &Contest) -> f64 {
        f64::midpoint(1.0, self.reported_margin(contest))
    }

    /// The reported assorter margin `v = 2Ā − 1`: above 0 when the assertion
    /// holds as reported; 0 or below cannot be confirmed by sampling. Its sign
    /// comes from integers, so exactly half of H is never above or below ½.
    pub fn reported_margin(&self, contest: &Contest) -> f64 {
        let votes = contest
            .votes
            .iter()
            .find(|(c, _)| c == self.candidate())
            .map_or(0, |(_, v)| *v);
        let (n, h, t) = (
            i64::from(contest.pages),
            i64::from(contest.households),
            i64::from(votes),
        );
        // Wins: 2T/H − 1 = (2T − H)/H. Does not win: 2·hi·(N − T)/N − 1 = (H − 2T)/(2N − H).
        let (num, den) = match self {
            Assertion::Wins(_) => (2 * t - h, h),
            Assertion::DoesNotWin(_) => (h - 2 * t, 2 * n - h),
        };
        if num == 0 {
            0.0
        } else {
            num as f64 / den as f64
        }
    }
}

/// The assertions whose truth implies the reported outcome: "the winner wins",
/// or "each candidate does not win" when nobody was elected. An assertion that
/// no page could break (fewer pages than half of H) is left out.
pub fn assertions(contest: &Contest) -> Vec<Assertion> {
    if contest.households == 0 || contest.pages == 0 {
        return Vec::new();
    }
    if let Some(w) = &contest.winner {
        return vec![Assertion::Wins(w.clone())];
    }
    if u64::from(contest.pages) * 2 <= u64::from(contest.households) {
        // Even every page for one candidate would not pass the threshold.
        return Vec::new();
    }
    contest
        .votes
        .iter()
        .map(|(c, _)| Assertion::DoesNotWin(c.clone()))
        .collect()
}
