//! Where a page goes (rules.md §6): every stored page is in exactly one of
//! three places — a ballot of this round, a paper that is not the issued form,
//! or not a ballot — and is either settled or waiting for the officials, with
//! the reason in plain words.

use serde::{Deserialize, Serialize};

use crate::interpret::Unread;
use crate::rules::{ReviewReason, Verdict};

/// Why a paper from the box is not the issued form of this round (art. 74 a).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotIssued {
    /// Its code belongs to another election.
    OtherElection,
    /// Its code belongs to another round of this election (an earlier ballot).
    OtherRound,
    /// Its code fails its MAC: forged or altered.
    BadMac,
    /// Its code is of a format this station does not know.
    UnsupportedVersion,
    /// Its code verifies, but its serial was never printed for this round.
    NeverPrinted,
    /// Ballot-like, but no code can be read.
    NoCode,
    /// A second paper with a serial already counted: a copy.
    Copy,
}

impl NotIssued {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            NotIssued::OtherElection => "other_election",
            NotIssued::OtherRound => "other_round",
            NotIssued::BadMac => "bad_mac",
            NotIssued::UnsupportedVersion => "unsupported_version",
            NotIssued::NeverPrinted => "never_printed",
            NotIssued::NoCode => "no_code",
            NotIssued::Copy => "copy",
        }
    }

    /// Every kind, in the order the biên bản lists them.
    pub const ALL: [NotIssued; 7] = [
        NotIssued::OtherElection,
        NotIssued::OtherRound,
        NotIssued::BadMac,
        NotIssued::NeverPrinted,
        NotIssued::UnsupportedVersion,
        NotIssued::NoCode,
        NotIssued::Copy,
    ];

    /// Vietnamese wording (what the sheet and the officials read).
    pub fn label_vi(self) -> &'static str {
        match self {
            NotIssued::OtherElection => "phiếu của cuộc bầu cử khác",
            NotIssued::OtherRound => "phiếu của lần bầu khác",
            NotIssued::BadMac => "phiếu có mã xác thực sai (phiếu giả hoặc bị sửa)",
            NotIssued::UnsupportedVersion => "phiếu có mã không đúng mẫu",
            NotIssued::NeverPrinted => "phiếu có số sê-ri không có trong các đợt in phiếu",
            NotIssued::NoCode => "giấy giống phiếu bầu nhưng không đọc được mã",
            NotIssued::Copy => "bản sao của phiếu đã kiểm",
        }
    }

    /// English wording.
    pub fn label_en(self) -> &'static str {
        match self {
            NotIssued::OtherElection => "a ballot of another election",
            NotIssued::OtherRound => "a ballot of another round",
            NotIssued::BadMac => "a ballot whose code fails authentication (forged or altered)",
            NotIssued::UnsupportedVersion => "a ballot with a code of an unknown format",
            NotIssued::NeverPrinted => "a ballot whose serial was never printed for this round",
            NotIssued::NoCode => "a ballot-like paper without a readable code",
            NotIssued::Copy => "a copy of a ballot already counted",
        }
    }
}

/// What a page that is not a ballot is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotBallot {
    /// A blank page (a duplex back, an empty sheet).
    Blank,
    /// The same paper scanned a second time.
    SecondScan,
    /// Anything else the officials say is not a ballot (a separator sheet).
    Other,
}

impl NotBallot {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            NotBallot::Blank => "blank",
            NotBallot::SecondScan => "second_scan",
            NotBallot::Other => "not_a_ballot",
        }
    }

    /// Every kind, in the order the biên bản lists them.
    pub const ALL: [NotBallot; 3] = [NotBallot::Blank, NotBallot::SecondScan, NotBallot::Other];

    /// Vietnamese wording.
    pub fn label_vi(self) -> &'static str {
        match self {
            NotBallot::Blank => "trang trắng (mặt sau, tờ trống)",
            NotBallot::SecondScan => "lá phiếu bị quét hai lần",
            NotBallot::Other => "tờ không phải phiếu bầu (tờ ngăn cách, giấy khác)",
        }
    }

    /// English wording.
    pub fn label_en(self) -> &'static str {
        match self {
            NotBallot::Blank => "blank page (a back side, an empty sheet)",
            NotBallot::SecondScan => "the same paper scanned twice",
            NotBallot::Other => "not a ballot (a separator sheet, other paper)",
        }
    }
}

/// The three places of rules.md §6.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Destination {
    /// A ballot of this round.
    Ballot,
    /// A paper from the box that is not the issued form: invalid (art. 74 a) once confirmed.
    NotIssuedForm(NotIssued),
    /// Not a ballot: listed, never counted.
    NotABallot(NotBallot),
}

/// Where one page stands in the count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "place")]
pub enum Place {
    /// Stored, not interpreted yet.
    Pending,
    /// Waiting for the officials: where the machine puts it, and why it cannot
    /// settle it (stable codes; `words` says them).
    Awaiting {
        /// The place the machine proposes.
        destination: Destination,
        /// Why the officials must look (reason codes).
        reasons: Vec<String>,
        /// For a repeated serial, the sheet that carries it first.
        first: Option<i64>,
    },
    /// Counted among the ballots returned, with this verdict.
    Counted {
        /// A ballot of this round, or a paper not the issued form (invalid, art. 74 a).
        destination: Destination,
        /// Valid or invalid.
        verdict: Verdict,
        /// Settled by the officials rather than by the machine.
        by_officials: bool,
    },
    /// Set aside by the officials: not a ballot, never counted.
    SetAside {
        /// What it is.
        kind: NotBallot,
        /// For a second scan, the sheet scanned first.
        first: Option<i64>,
    },
}

impl Place {
    /// The destination the page has (or is proposed), if it is read.
    pub fn destination(&self) -> Option<Destination> {
        match self {
            Place::Pending => None,
            Place::Awaiting { destination, .. } | Place::Counted { destination, .. } => {
                Some(*destination)
            }
            Place::SetAside { kind, .. } => Some(Destination::NotABallot(*kind)),
        }
    }

    /// True while the officials must decide.
    pub fn is_awaiting(&self) -> bool {
        matches!(self, Place::Awaiting { .. })
    }

    /// A short stable code of where the page stands, for summaries: `valid`,
    /// `invalid`, `awaiting`, `pending`, or the kind of page set aside.
    pub fn code(&self) -> &'static str {
        match self {
            Place::Pending => "pending",
            Place::Awaiting { .. } => "awaiting",
            Place::Counted {
                verdict: Verdict::Valid { .. },
                ..
            } => "valid",
            Place::Counted { .. } => "invalid",
            Place::SetAside { kind, .. } => kind.code(),
        }
    }

    /// What the officials are told about a waiting page, in plain words.
    pub fn words(&self, en: bool) -> String {
        let Place::Awaiting {
            destination,
            reasons,
            first,
        } = self
        else {
            return String::new();
        };
        let t = |vi: &str, english: &str| if en { english } else { vi }.to_string();
        match destination {
            Destination::Ballot => {
                let words: Vec<String> = reasons.iter().map(|r| reason_words(r, en)).collect();
                let head = t(
                    "Phiếu của lần bầu này, máy chưa quyết định được",
                    "A ballot of this round the machine cannot settle",
                );
                format!("{head}: {}", words.join("; "))
            }
            Destination::NotIssuedForm(k) => format!(
                "{}: {}. {}",
                t(
                    "Không phải phiếu do Tổ bầu cử phát ra",
                    "Not the issued form"
                ),
                if en { k.label_en() } else { k.label_vi() },
                t(
                    "Xác nhận để tính là phiếu không hợp lệ (điều 74 a); nếu chỉ hỏng mã, Tổ kiểm phiếu đọc phiếu bằng mắt.",
                    "Confirm to count it invalid (art. 74 a); if only its code is damaged, the team reads the ballot by eye."
                )
            ),
            Destination::NotABallot(NotBallot::SecondScan) => format!(
                "{} {}: {}",
                t(
                    "Số sê-ri đã được kiểm ở tờ",
                    "Its serial was already counted on sheet"
                ),
                first.map_or_else(|| "?".into(), |f| f.to_string()),
                t(
                    "cùng một lá phiếu quét hai lần (không tính) hay bản sao (không hợp lệ, điều 74 a)?",
                    "the same paper scanned twice (not counted) or a copy (invalid, art. 74 a)?"
                )
            ),
            Destination::NotABallot(k) => format!(
                "{}: {}",
                t("Không phải phiếu bầu", "Not a ballot"),
                if en { k.label_en() } else { k.label_vi() }
            ),
        }
    }
}

/// A reason code of a waiting ballot, in words.
pub fn reason_words(code: &str, en: bool) -> String {
    if let Some(u) = Unread::from_code(code) {
        return if en { u.label_en() } else { u.label_vi() }.to_string();
    }
    let review = [
        ReviewReason::DoubtfulMark(String::new()),
        ReviewReason::DoubtfulStamp,
        ReviewReason::MissingStamp,
        ReviewReason::ExtraWriting,
        ReviewReason::DoubtfulExtraWriting,
        ReviewReason::DoubtfulBox,
        ReviewReason::Unreadable,
    ];
    if let Some(r) = review.iter().find(|r| r.code() == code) {
        return if en { r.label_en() } else { r.label_vi() }.to_string();
    }
    match code {
        DECISION_NOT_ALLOWED => if en {
            "the decision on record no longer fits this page (its serial is counted on another sheet); decide it again"
        } else {
            "quyết định đã ghi không còn phù hợp (số sê-ri đã được tính ở tờ khác); cần quyết định lại"
        }
        .to_string(),
        other => other.to_string(),
    }
}

/// The reason of a page whose decision on record no longer fits it.
pub const DECISION_NOT_ALLOWED: &str = "decision_not_allowed";
