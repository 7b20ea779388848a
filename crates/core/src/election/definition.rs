//! Types of a validated election definition.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A validated election: what the unit elects, who stands, and how ballots are marked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Election {
    /// The `[election]` table.
    pub election: ElectionInfo,
    /// Candidates in ballot order (at least one).
    pub candidates: Vec<Candidate>,
    /// Counting settings where the law leaves a choice (rules.md).
    pub settings: Settings,
}

/// The `[election]` table: the unit, the office and the electorate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElectionInfo {
    /// Title of the election, e.g. "Bầu cử Trưởng khu phố".
    pub title: String,
    /// The office elected: Trưởng thôn / Trưởng ấp / Trưởng khu phố / Tổ trưởng tổ dân phố.
    pub office: String,
    /// The unit (thôn, ấp, khu phố, tổ dân phố).
    pub unit: String,
    /// The commune-level unit (xã / phường / thị trấn).
    pub commune: String,
    /// District-level unit, where the province still has one.
    pub district: Option<String>,
    /// Province or centrally-run city.
    pub province: String,
    /// Term, e.g. "2024-2027".
    pub term: String,
    /// Date of the meeting (or of the end of collection in household mode).
    pub date: NaiveDate,
    /// H: total households (household representatives) of the unit.
    pub households: u32,
    /// Meeting secret ballot (Mẫu 02) or ballots delivered to households (Mẫu 04).
    pub mode: Mode,
    /// How a ballot is marked.
    pub marking: Marking,
    /// Paper size of the printed ballots.
    pub paper: Paper,
    /// Round of the election: 1 for the first count, 2 for the first re-election
    /// ("Bầu lại lần 1", rules.md §10), and so on. Printed on the ballot from 2.
    pub round: u32,
}

/// Voting mode (rules.md §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Secret ballot at the community meeting; tally sheet Mẫu số 02.
    Meeting,
    /// Ballots delivered to each household; tally sheet Mẫu số 04.
    Household,
}

/// How the voter marks the ballot (rules.md §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Marking {
    /// Keep the chosen name, strike through the others.
    Strike,
    /// One candidate only: boxes "Đồng ý" / "Không đồng ý".
    ApproveBoxes,
}

/// Paper size of the ballot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Paper {
    /// 148 × 210 mm (default).
    #[default]
    A5,
    /// 105 × 148 mm.
    A6,
    /// 210 × 297 mm.
    A4,
}

impl Paper {
    /// Page size in millimetres, portrait: (width, height).
    pub fn size_mm(self) -> (f64, f64) {
        match self {
            Paper::A4 => (210.0, 297.0),
            Paper::A5 => (148.0, 210.0),
            Paper::A6 => (105.0, 148.0),
        }
    }

    /// Name as written in the election file.
    pub fn as_str(self) -> &'static str {
        match self {
            Paper::A4 => "A4",
            Paper::A5 => "A5",
            Paper::A6 => "A6",
        }
    }
}

/// A candidate (ứng cử viên).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    /// Stable identifier used in readings and exports, e.g. "c1".
    pub id: String,
    /// Full name (họ và tên), NFC-normalised, printed exactly.
    pub name: String,
}

/// What a ballot with its single name struck means (rules.md §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SingleStruck {
    /// Valid ballot, "Không đồng ý" (default).
    #[default]
    Disapprove,
    /// Invalid ballot: all names struck (art. 74 d read literally).
    Invalid,
}

/// Counting settings; each defaults to rules.md.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// A ballot without the stamp of the Tổ bầu cử is invalid (art. 74 b).
    pub require_stamp: bool,
    /// Meaning of a struck single name.
    pub single_struck: SingleStruck,
    /// Invalidate flagged ballots (extra writing, missing stamp) without asking the officials.
    pub auto_invalidate_flags: bool,
    /// Public holidays skipped when computing the send-by date.
    pub holidays: Vec<NaiveDate>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            require_stamp: true,
            single_struck: SingleStruck::Disapprove,
            auto_invalidate_flags: false,
            holidays: Vec::new(),
        }
    }
}

impl Election {
    /// True for the common one-candidate unit (approve / disapprove).
    pub fn is_single_candidate(&self) -> bool {
        self.candidates.len() == 1
    }

    /// The re-election number printed on the ballot ("Bầu lại lần N"), from round 2.
    pub fn re_election(&self) -> Option<u32> {
        self.election.round.checked_sub(1).filter(|n| *n > 0)
    }

    /// The candidate with this id.
    pub fn candidate(&self, id: &str) -> Option<&Candidate> {
        self.candidates.iter().find(|c| c.id == id)
    }
}
