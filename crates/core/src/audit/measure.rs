//! The measured risk: each drawn paper against the machine's count of it.
//!
//! For an assertion with assorter `A` (upper bound `u`, reported margin `v`),
//! a drawn page whose paper gives `A(paper)` and whose counted reading gave
//! `A(machine)` has overstatement `ω = A(machine) − A(paper)` and comparison
//! value `B = (1 − ω/u) / (2 − v/u)`, in `[0, 2/(2 − v/u)]`. The mean of `B`
//! over the pages is above ½ exactly when the assertion is true (SHANGRLA).
//! With draws made with replacement, `T_n = Π (1 + λ (B_i − ½))` is a
//! nonnegative supermartingale when the assertion is false, for any fixed bet
//! `λ ∈ [0, 2]`; by Ville's inequality the chance that it ever reaches `1/α`
//! is at most `α`. The risk reported is `1 / max T` (at most 1). The bet is
//! `λ = 2/γ` with error inflation `γ` ([`ERROR_INFLATION`]): Kaplan–Markov's
//! choice, so that one overstatement multiplies `T` by `1 − 1/γ`, not by 0.

use serde::{Deserialize, Serialize};

use super::assertion::{Assertion, Contest, assertions};

/// γ: how much an overstatement is forgiven. 1.1 keeps a single misread from
/// ending the audit (it costs ≈ 25 more clean draws at a 10-point margin).
pub const ERROR_INFLATION: f64 = 1.1;

/// Fewest draws after which the audit may recommend a full hand count.
const MIN_DRAWS_BEFORE_FULL_COUNT: u32 = 50;

/// The full hand count is recommended once the draws exceed this many times
/// the first estimate without confirming the outcome.
const FULL_COUNT_FACTOR: u32 = 3;

/// What a sheet gives: as the officials read the paper, or as the count took it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reading", content = "candidate", rename_all = "snake_case")]
pub enum SheetReading {
    /// A valid ballot for (or approving) this candidate id.
    Vote(String),
    /// A valid ballot that gives no candidate a vote (disapproval of a single candidate).
    NoVote,
    /// An invalid ballot.
    Invalid,
    /// Not a ballot (blank back, separator sheet).
    NotABallot,
    /// The paper could not be found in the stack: counted the worst way for the outcome.
    NotFound,
}

impl SheetReading {
    /// The candidate this paper gives a vote to.
    pub fn vote(&self) -> Option<&str> {
        match self {
            SheetReading::Vote(c) => Some(c),
            _ => None,
        }
    }
}

/// One drawn page: the machine's counted vote beside the officials' reading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comparison {
    /// The page's position in the population (1-based).
    pub position: u32,
    /// What the count took the page for (the verdict in force; never `NotFound`).
    pub machine: SheetReading,
    /// What the officials read on the paper.
    pub paper: SheetReading,
}

/// How a drawn paper differs from the count, for the reported outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Discrepancy {
    /// The paper agrees with the count (as far as the outcome goes).
    None,
    /// The count favoured the reported outcome more than the paper does.
    Overstatement,
    /// The count favoured the reported outcome less than the paper does.
    Understatement,
}

/// One drawn page's finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Draw number (1-based).
    pub draw: u32,
    /// Page position (1-based).
    pub position: u32,
    /// Machine and paper differ in any way (another candidate, invalid for valid…).
    pub differs: bool,
    /// What the difference does to the reported outcome's margin.
    pub discrepancy: Discrepancy,
}

/// One assertion's state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssertionRisk {
    /// The assertion.
    pub assertion: Assertion,
    /// Its reported margin `v`.
    pub margin: f64,
    /// Draws a clean sample needs to confirm it, from the start (None: cannot be confirmed by sampling).
    pub estimate: Option<u32>,
    /// The measured risk, `1 / max T` (1 when nothing is drawn yet).
    pub risk: f64,
}

/// What the audit says to do next.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "plan", rename_all = "snake_case")]
pub enum AuditPlan {
    /// The reported outcome is confirmed at the risk limit.
    Confirmed,
    /// Draw this many more pages.
    MoreDraws {
        /// How many more, if the coming papers agree with the count.
        next: u32,
    },
    /// Stop sampling and count the named batches by hand.
    FullHandCount {
        /// Why: the margin is zero, or the draws went past the bound.
        reason: FullCountReason,
    },
}

/// Why a full hand count is recommended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FullCountReason {
    /// A candidate is reported at exactly half of H (or past it the other way):
    /// no sample can confirm such an outcome.
    NoMargin,
    /// The margin is so small that a clean sample would be as large as the box.
    SmallMargin,
    /// The draws went past the bound without confirming the outcome.
    TooManyDraws,
}

/// The audit measured so far.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measure {
    /// The risk limit α.
    pub risk_limit: f64,
    /// Each assertion.
    pub assertions: Vec<AssertionRisk>,
    /// The largest risk of any assertion (0 when there is nothing to check).
    pub risk: f64,
    /// Each drawn page, in draw order.
    pub findings: Vec<Finding>,
    /// The first estimate of the draws needed, with no discrepancy.
    pub estimate: u32,
    /// What to do next.
    pub plan: AuditPlan,
}

impl Measure {
    /// Overstatements found.
    pub fn overstatements(&self) -> usize {
        self.count(Discrepancy::Overstatement)
    }

    /// Understatements found.
    pub fn understatements(&self) -> usize {
        self.count(Discrepancy::Understatement)
    }

    fn count(&self, d: Discrepancy) -> usize {
        self.findings.iter().filter(|f| f.discrepancy == d).count()
    }
}

/// Measures the risk of the reported outcome from the draws read so far.
pub fn measure(contest: &Contest, risk_limit: f64, drawn: &[Comparison]) -> Measure {
    let bet = 2.0 / ERROR_INFLATION;
    let mut risks = Vec::new();
    let mut next = 0u32;
    let mut no_margin = false;
    for a in assertions(contest) {
        let t = Test::new(contest, &a, bet);
        let (risk, now) = t.run(contest, &a, drawn);
        if t.margin <= 0.0 {
            no_margin = true;
        } else if risk > risk_limit {
            next = next.max(t.draws_to(now, risk_limit));
        }
        risks.push(AssertionRisk {
            estimate: (t.margin > 0.0).then(|| t.draws_to(1.0, risk_limit)),
            assertion: a,
            margin: t.margin,
            risk,
        });
    }
    let risk = risks.iter().map(|r| r.risk).fold(0.0, f64::max);
    let estimate = risks.iter().filter_map(|r| r.estimate).max().unwrap_or(0);
    let done = u32::try_from(drawn.len()).unwrap_or(u32::MAX);
    // Drawing as many pages as the box holds is a hand count: say so instead.
    let bound = MIN_DRAWS_BEFORE_FULL_COUNT
        .max(estimate.saturating_mul(FULL_COUNT_FACTOR))
        .min(contest.pages);
    let plan = if no_margin {
        AuditPlan::FullHandCount {
            reason: FullCountReason::NoMargin,
        }
    } else if risk <= risk_limit {
        AuditPlan::Confirmed
    } else if estimate >= contest.pages {
        AuditPlan::FullHandCount {
            reason: FullCountReason::SmallMargin,
        }
    } else if done >= bound {
        AuditPlan::FullHandCount {
            reason: FullCountReason::TooManyDraws,
        }
    } else {
        AuditPlan::MoreDraws {
            next: next.clamp(1, bound - done),
        }
    };
    Measure {
        risk_limit,
        findings: findings(contest, &risks, drawn),
        assertions: risks,
        risk,
        estimate,
        plan,
    }
}

/// The betting test of one assertion.
struct Test {
    upper: f64,
    margin: f64,
    bet: f64,
}

impl Test {
    fn new(contest: &Contest, a: &Assertion, bet: f64) -> Self {
        Test {
            upper: a.upper(contest),
            margin: a.reported_margin(contest),
            bet,
        }
    }

    /// The comparison assorter of one page.
    fn value(&self, overstatement: f64) -> f64 {
        (1.0 - overstatement / self.upper) / (2.0 - self.margin / self.upper)
    }

    /// Risk (1 / running max of T) and T now, over the draws.
    fn run(&self, contest: &Contest, a: &Assertion, drawn: &[Comparison]) -> (f64, f64) {
        if self.margin <= 0.0 {
            return (1.0, 1.0);
        }
        let (mut t, mut best) = (1.0f64, 1.0f64);
        for d in drawn {
            let omega = overstatement(contest, a, d);
            t *= 1.0 + self.bet * (self.value(omega) - 0.5);
            best = best.max(t);
        }
        ((1.0 / best).min(1.0), t)
    }

    /// Draws of pages that agree with the count needed to take T from `now` to 1/α.
    fn draws_to(&self, now: f64, risk_limit: f64) -> u32 {
        let growth = 1.0 + self.bet * (self.value(0.0) - 0.5);
        let need = (1.0 / (risk_limit * now)).ln() / growth.ln();
        if need.is_finite() && need > 0.0 {
            // A count of draws, far below u32::MAX for any real unit.
            need.ceil().min(f64::from(u32::MAX)) as u32
        } else {
            0
        }
    }
}

/// `A(machine) − A(paper)` for one drawn page; a paper not found counts as
/// the worst value for the assertion.
fn overstatement(contest: &Contest, a: &Assertion, d: &Comparison) -> f64 {
    let machine = a.assorter(contest, d.machine.vote());
    let paper = match d.paper {
        SheetReading::NotFound => 0.0,
        ref p => a.assorter(contest, p.vote()),
    };
    machine - paper
}

fn findings(contest: &Contest, risks: &[AssertionRisk], drawn: &[Comparison]) -> Vec<Finding> {
    drawn
        .iter()
        .zip(1u32..)
        .map(|(d, draw)| {
            let omegas: Vec<f64> = risks
                .iter()
                .map(|r| overstatement(contest, &r.assertion, d))
                .collect();
            let discrepancy = if omegas.iter().any(|&w| w > 0.0) {
                Discrepancy::Overstatement
            } else if omegas.iter().any(|&w| w < 0.0) {
                Discrepancy::Understatement
            } else {
                Discrepancy::None
            };
            Finding {
                draw,
                position: d.position,
                differs: d.paper != d.machine,
                discrepancy,
            }
        })
        .collect()
}
