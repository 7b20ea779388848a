//! What a ballot says under rules.md §3–§4, and the record written beside each scan.

use crate::encode::Format;
use crate::gesture::Mark;
use crate::paper::{PaperVariant, Seal};
use crate::pen::InkKind;
use crate::scanner::{Crop, Mode};
use serde::{Deserialize, Serialize};

/// Why a ballot is invalid (rules.md §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// More names kept than seats, e.g. nothing struck (art. 74 c).
    TooManyKept,
    /// Every name struck (art. 74 d).
    AllStruck,
    /// Added name, note or other writing (art. 74 đ).
    ExtraWriting,
    /// No stamp (art. 74 b).
    NoStamp,
}

/// The right reading of a ballot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Outcome {
    /// Valid: one vote for `candidate` (≥ 2 candidates), or approve/disapprove (one candidate).
    Valid {
        /// The candidate kept (≥ 2 candidates).
        candidate: Option<String>,
        /// One-candidate units: true = approve.
        approve: Option<bool>,
    },
    /// Invalid for these reasons (any of them is a right reason).
    Invalid {
        /// Applicable reasons.
        reasons: Vec<Reason>,
    },
}

/// How sure a reading must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Expect {
    /// A clear ballot: the machine should decide it, and rightly.
    Clear,
    /// Doubtful: the right reading or the officials are both fine; a wrong automatic reading is not.
    DoubtfulAcceptable,
}

/// One candidate on a simulated ballot.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CandidateTruth {
    /// Candidate id.
    pub id: String,
    /// Printed name.
    pub name: String,
    /// What the voter did to it.
    pub mark: Mark,
    /// Whether it counts as struck (rules.md §3).
    pub struck: bool,
}

/// The scanner and file variant of a page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Variant {
    /// Paper damage.
    pub paper: PaperVariant,
    /// Colour mode.
    pub mode: Mode,
    /// File format.
    pub format: Format,
    /// True resolution.
    pub dpi: u32,
    /// Skew (degrees).
    pub skew_deg: f64,
    /// Scale error.
    pub scale: f64,
    /// ADF crop.
    pub crop: Crop,
    /// JPEG quality, if JPEG.
    pub quality: Option<u8>,
    /// Whether the file holds several pages.
    pub multipage: bool,
    /// Whether the seal survives the scan (red dropout and many 1-bit thresholds lose it).
    pub seal_visible: bool,
}

/// Everything known about one scanned page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PageTruth {
    /// Scan file name (relative to the election's scans folder).
    pub file: String,
    /// 1-based page within the file.
    pub page: u32,
    /// Election folder name.
    pub election: String,
    /// Paper size.
    pub paper_size: String,
    /// Candidates with their marks.
    pub candidates: Vec<CandidateTruth>,
    /// Pen used.
    pub ink: InkKind,
    /// The seal.
    pub seal: Seal,
    /// Scenario family (clear, hard, odd_strike, writing, seal).
    pub scenario: String,
    /// The right reading.
    pub outcome: Outcome,
    /// Clear or doubtful-acceptable.
    pub expect: Expect,
    /// Scanner and file variant.
    pub variant: Variant,
}

/// The right reading of a ballot under rules.md §4 with default settings
/// (`single_struck = disapprove`, `require_stamp = true`).
pub fn judge(cands: &[CandidateTruth], seal: Seal) -> Outcome {
    let mut reasons = Vec::new();
    if cands.iter().any(|c| c.mark.is_writing()) {
        reasons.push(Reason::ExtraWriting);
    }
    if seal == Seal::Missing {
        reasons.push(Reason::NoStamp);
    }
    let kept: Vec<&CandidateTruth> = cands.iter().filter(|c| !c.struck).collect();
    if cands.len() == 1 {
        if reasons.is_empty() {
            return Outcome::Valid {
                candidate: None,
                approve: Some(kept.len() == 1),
            };
        }
        return Outcome::Invalid { reasons };
    }
    match kept.len() {
        0 => reasons.push(Reason::AllStruck),
        1 if reasons.is_empty() => {
            return Outcome::Valid {
                candidate: Some(kept[0].id.clone()),
                approve: None,
            };
        }
        1 => {}
        _ => reasons.push(Reason::TooManyKept),
    }
    Outcome::Invalid { reasons }
}

/// Whether a ballot is clear: plain marks only, a good stamp that the scan shows, no writing, a
/// clean or merely folded or torn sheet, and an ink that is not faint.
pub fn is_clear(
    cands: &[CandidateTruth],
    seal: Seal,
    ink: InkKind,
    paper: PaperVariant,
    seal_visible: bool,
) -> bool {
    cands.iter().all(|c| c.mark.plain())
        && seal == Seal::Full
        && seal_visible
        && ink != InkKind::DryBallpoint
        && !matches!(paper, PaperVariant::Stain | PaperVariant::Highlighter)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(id: &str, mark: Mark) -> CandidateTruth {
        CandidateTruth {
            id: id.into(),
            name: id.into(),
            mark,
            struck: mark.strikes(),
        }
    }

    #[test]
    fn one_kept_is_a_vote_and_hard_cases_keep_the_name() {
        let v = judge(
            &[c("a", Mark::Straight), c("b", Mark::Untouched)],
            Seal::Full,
        );
        assert_eq!(
            v,
            Outcome::Valid {
                candidate: Some("b".into()),
                approve: None
            }
        );
        let two = judge(
            &[c("a", Mark::Partial), c("b", Mark::Untouched)],
            Seal::Full,
        );
        assert_eq!(
            two,
            Outcome::Invalid {
                reasons: vec![Reason::TooManyKept]
            }
        );
        let circ = judge(&[c("a", Mark::Wavy), c("b", Mark::Circle)], Seal::Full);
        assert_eq!(
            circ,
            Outcome::Valid {
                candidate: Some("b".into()),
                approve: None
            }
        );
    }

    #[test]
    fn all_struck_writing_and_stamp() {
        let all = judge(&[c("a", Mark::Cross), c("b", Mark::Scribble)], Seal::Full);
        assert_eq!(
            all,
            Outcome::Invalid {
                reasons: vec![Reason::AllStruck]
            }
        );
        let w = judge(
            &[c("a", Mark::Straight), c("b", Mark::WordBeside)],
            Seal::Missing,
        );
        assert_eq!(
            w,
            Outcome::Invalid {
                reasons: vec![Reason::ExtraWriting, Reason::NoStamp]
            }
        );
        assert_eq!(
            judge(&[c("a", Mark::Straight)], Seal::Full),
            Outcome::Valid {
                candidate: None,
                approve: Some(false)
            }
        );
        assert_eq!(
            judge(&[c("a", Mark::Underline)], Seal::Faint),
            Outcome::Valid {
                candidate: None,
                approve: Some(true)
            }
        );
    }

    #[test]
    fn clearness() {
        let lost = [c("a", Mark::Straight)];
        assert!(!is_clear(
            &lost,
            Seal::Full,
            InkKind::Gel,
            PaperVariant::Clean,
            false
        ));
        let plain = [c("a", Mark::Straight), c("b", Mark::Untouched)];
        assert!(is_clear(
            &plain,
            Seal::Full,
            InkKind::Gel,
            PaperVariant::Fold,
            true
        ));
        assert!(!is_clear(
            &plain,
            Seal::Faint,
            InkKind::Gel,
            PaperVariant::Clean,
            true
        ));
        assert!(!is_clear(
            &[c("a", Mark::Tick)],
            Seal::Full,
            InkKind::Gel,
            PaperVariant::Clean,
            true
        ));
    }
}
