//! The hand check at the table (kiểm tra xác suất bằng tay): a ballot-level
//! comparison risk-limiting audit of the reported outcome. Pure logic.
//!
//! The witnesses make a public seed (twenty rolls of a ten-sided die); [`draw`]
//! turns it into sheet positions anyone can recompute; the officials read each
//! drawn paper blind; [`measure`] compares every paper with what the machine
//! counted and says whether the reported outcome — the winner's votes × 2 > H,
//! or that nobody reached it — is confirmed at the risk limit, needs more
//! draws, or calls for a full hand count.
//!
//! Method: SHANGRLA assertions (Stark 2020) for the rule of rules.md §5, each
//! an assorter whose mean over the pages is above ½ exactly when the assertion
//! holds; the ballot-level comparison assorter of the same paper; and the
//! Kaplan–Markov test (Stark 2009) in its betting-martingale form (Waudby-Smith,
//! Stark & Ramdas 2021) with a fixed bet, on draws made with replacement.
//! References are in docs/audit.md.

mod assertion;
mod draw;
mod measure;
mod record;
pub mod simulate;

#[cfg(test)]
mod record_tests;
#[cfg(test)]
mod tests;

pub use assertion::{Assertion, Contest, assertions};
pub use draw::{DrawError, Seed, draw};
pub use measure::{
    AssertionRisk, AuditPlan, Comparison, Discrepancy, ERROR_INFLATION, Finding, FullCountReason,
    Measure, SheetReading, measure,
};
pub use record::{
    Audit, AuditError, AuditPage, AuditRecord, DEFAULT_RISK_LIMIT, DrawnPage, HandReading, percent,
    recompute, sheet_line,
};
