//! Types of a validated election definition.

use chrono::{NaiveDate, NaiveTime};
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
    /// Date of the meeting; in household mode, the day the ballots are delivered.
    pub date: NaiveDate,
    /// Where the meeting (or, in household mode, the count) takes place, e.g.
    /// "Nhà văn hóa khu phố Đông Sơn"; the sheets name the unit when absent.
    pub venue: Option<String>,
    /// Household mode only (required there): when the ballots must be back
    /// (Decree 59 art. 4(5)(b)); printed on the ballot, and the send-by date counts from it.
    pub collection_deadline: Option<CollectionDeadline>,
    /// Which body counts and signs the tally sheet (rules.md §11).
    pub counting_body: CountingBody,
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

/// The collection deadline of household mode: a day, and the hour when the commune sets one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectionDeadline {
    /// Last day of collection.
    pub date: NaiveDate,
    /// Hour on that day; the end of the day when absent.
    pub time: Option<NaiveTime>,
}

impl CollectionDeadline {
    /// As printed on the ballot and the sheets: "17 giờ 00 phút, ngày 20/10/2024" or "hết ngày 20/10/2024".
    pub fn vi(&self) -> String {
        use chrono::Timelike;
        let day = crate::rules::date_vi(self.date);
        match self.time {
            Some(t) => format!(
                "{}, ngày {day}",
                crate::rules::time_vi(t.hour(), t.minute())
            ),
            None => format!("hết ngày {day}"),
        }
    }

    /// Canonical text for the fingerprint: "2024-10-20" or "2024-10-20T17:00".
    pub fn canonical(&self) -> String {
        match self.time {
            Some(t) => format!("{}T{}", self.date.format("%Y-%m-%d"), t.format("%H:%M")),
            None => self.date.format("%Y-%m-%d").to_string(),
        }
    }
}

/// The body that counts the ballots and signs the tally sheet (rules.md §11, §13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CountingBody {
    /// Ban kiểm phiếu chosen by the meeting, 3–5 people (Decree 59 art. 3(5)(c)); the meeting default.
    BanKiemPhieu,
    /// The Tổ bầu cử, where the commune's guidance has it count.
    ToBauCu,
    /// Tổ phát phiếu lấy ý kiến, 3–5 people (Decree 59 art. 4): household mode, always.
    ToPhatPhieu,
}

impl CountingBody {
    /// Name as written in the election file.
    pub fn code(self) -> &'static str {
        match self {
            CountingBody::BanKiemPhieu => "ban_kiem_phieu",
            CountingBody::ToBauCu => "to_bau_cu",
            CountingBody::ToPhatPhieu => "to_phat_phieu",
        }
    }

    /// The default body of a mode.
    pub fn default_for(mode: Mode) -> CountingBody {
        match mode {
            Mode::Meeting => CountingBody::BanKiemPhieu,
            Mode::Household => CountingBody::ToPhatPhieu,
        }
    }

    /// True when this body may count in `mode` (the Tổ phát phiếu counts household ballots only, and only it).
    pub fn fits(self, mode: Mode) -> bool {
        (self == CountingBody::ToPhatPhieu) == (mode == Mode::Household)
    }

    /// Its name on the sheets: "Ban kiểm phiếu", "Tổ bầu cử", "Tổ phát phiếu lấy ý kiến".
    pub fn name_vi(self) -> &'static str {
        match self {
            CountingBody::BanKiemPhieu => "Ban kiểm phiếu",
            CountingBody::ToBauCu => "Tổ bầu cử",
            CountingBody::ToPhatPhieu => "Tổ phát phiếu lấy ý kiến",
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            CountingBody::BanKiemPhieu => "vote-counting board (Ban kiểm phiếu)",
            CountingBody::ToBauCu => "election team (Tổ bầu cử)",
            CountingBody::ToPhatPhieu => "household-ballot team (Tổ phát phiếu lấy ý kiến)",
        }
    }

    /// Title of its head: "Trưởng ban" or "Tổ trưởng".
    pub fn leader_vi(self) -> &'static str {
        match self {
            CountingBody::BanKiemPhieu => "Trưởng ban",
            CountingBody::ToBauCu | CountingBody::ToPhatPhieu => "Tổ trưởng",
        }
    }

    /// How many people it has, head included: 3–5 for the Ban kiểm phiếu and the
    /// Tổ phát phiếu (Decree 59 arts. 3(5)(c), 4); the law fixes no size for a Tổ
    /// bầu cử, the station asks for 3–9 (a head and two members at least; nine
    /// still sign on one page).
    pub fn size(self) -> std::ops::RangeInclusive<usize> {
        match self {
            CountingBody::BanKiemPhieu | CountingBody::ToPhatPhieu => 3..=5,
            CountingBody::ToBauCu => 3..=9,
        }
    }
}

/// How a person is addressed on the sheets (Ông / Bà), when known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Honorific {
    /// Ông.
    #[serde(rename = "Ông", alias = "ông", alias = "ong")]
    Ong,
    /// Bà.
    #[serde(rename = "Bà", alias = "bà", alias = "ba")]
    Ba,
}

impl Honorific {
    /// "Ông" or "Bà".
    pub fn vi(self) -> &'static str {
        match self {
            Honorific::Ong => "Ông",
            Honorific::Ba => "Bà",
        }
    }
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
    /// Ông / Bà on the sheets (never on the ballot, which prints the name alone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub honorific: Option<Honorific>,
}

impl Candidate {
    /// The name as the sheets write it: "Bà Trần Thị Bình", or the bare name when no honorific is given.
    pub fn addressed(&self) -> String {
        match self.honorific {
            Some(h) => format!("{} {}", h.vi(), self.name),
            None => self.name.clone(),
        }
    }
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
    /// A ballot without the stamp (the UBND cấp xã's dấu treo) is invalid (art. 74 b).
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

    /// True in household-ballot mode (Mẫu 04).
    pub fn is_household(&self) -> bool {
        self.election.mode == Mode::Household
    }

    /// The candidate with this id.
    pub fn candidate(&self, id: &str) -> Option<&Candidate> {
        self.candidates.iter().find(|c| c.id == id)
    }
}
