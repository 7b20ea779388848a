//! The legal judgement of one ballot (rules.md §4).

use serde::{Deserialize, Serialize};

pub use super::judge::judge;

/// What a valid ballot gives.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Vote {
    /// One vote for this candidate id (≥ 2 candidates, exactly one name kept).
    For(String),
    /// Approval of the single candidate (name kept, or "Đồng ý" marked).
    Approve(String),
    /// Disapproval of the single candidate (name struck, or "Không đồng ý" marked).
    Disapprove,
}

impl Vote {
    /// The candidate this vote counts for, if any: both `For` and `Approve` count toward `votes * 2 > H`.
    pub fn candidate(&self) -> Option<&str> {
        match self {
            Vote::For(id) | Vote::Approve(id) => Some(id),
            Vote::Disapprove => None,
        }
    }
}

/// Why a ballot is invalid; the declaration order is the legal order (art. 74 a–đ, then boxes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvalidReason {
    /// Not the issued form: QR missing, other election or bad MAC (art. 74 a).
    NotIssuedForm,
    /// No stamp, when `require_stamp` is on (art. 74 b; the stamp is the UBND cấp xã's dấu treo,
    /// as a Tổ bầu cử has no seal).
    NoStamp,
    /// More names kept than the one seat (art. 74 c).
    TooManyKept,
    /// Every name struck (art. 74 d).
    AllStruck,
    /// Added name or any other writing (art. 74 đ).
    ExtraWriting,
    /// `approve_boxes`: neither box marked (referendum law art. 41(1)(d) by analogy).
    NoBoxMarked,
    /// `approve_boxes`: both boxes marked (referendum law art. 41(1)(c) by analogy).
    BothBoxesMarked,
}

impl InvalidReason {
    /// Every reason, in legal order, so a tally sheet can print zero lines too.
    pub const ALL: [InvalidReason; 7] = [
        InvalidReason::NotIssuedForm,
        InvalidReason::NoStamp,
        InvalidReason::TooManyKept,
        InvalidReason::AllStruck,
        InvalidReason::ExtraWriting,
        InvalidReason::NoBoxMarked,
        InvalidReason::BothBoxesMarked,
    ];

    /// Stable machine code, equal to the serde name.
    pub fn code(&self) -> &'static str {
        match self {
            InvalidReason::NotIssuedForm => "not_issued_form",
            InvalidReason::NoStamp => "no_stamp",
            InvalidReason::TooManyKept => "too_many_kept",
            InvalidReason::AllStruck => "all_struck",
            InvalidReason::ExtraWriting => "extra_writing",
            InvalidReason::NoBoxMarked => "no_box_marked",
            InvalidReason::BothBoxesMarked => "both_boxes_marked",
        }
    }

    /// Vietnamese wording for the tally sheet, following art. 74(1) (and the referendum law for boxes).
    pub fn label_vi(&self) -> &'static str {
        match self {
            InvalidReason::NotIssuedForm => "Phiếu không phải phiếu đã phát ra theo mẫu quy định",
            InvalidReason::NoStamp => "Phiếu không có dấu treo của Ủy ban nhân dân cấp xã",
            InvalidReason::TooManyKept => {
                "Phiếu để số người được bầu nhiều hơn số lượng người được bầu đã ấn định"
            }
            InvalidReason::AllStruck => "Phiếu gạch xóa hết tên người ứng cử",
            InvalidReason::ExtraWriting => {
                "Phiếu ghi thêm tên người ngoài danh sách người ứng cử hoặc có ghi thêm nội dung khác"
            }
            InvalidReason::NoBoxMarked => "Phiếu bỏ trống tất cả các phương án",
            InvalidReason::BothBoxesMarked => "Phiếu đánh dấu nhiều hơn một phương án",
        }
    }

    /// English wording of the same reason.
    pub fn label_en(&self) -> &'static str {
        match self {
            InvalidReason::NotIssuedForm => "Ballot not of the form issued for this count",
            InvalidReason::NoStamp => "Ballot without the commune People's Committee's stamp",
            InvalidReason::TooManyKept => "Ballot keeping more names than the number of seats",
            InvalidReason::AllStruck => "Ballot with every candidate's name struck out",
            InvalidReason::ExtraWriting => {
                "Ballot with a name added from outside the list or any other added content"
            }
            InvalidReason::NoBoxMarked => "Ballot with no option marked",
            InvalidReason::BothBoxesMarked => "Ballot with more than one option marked",
        }
    }
}

/// Why the officials must look at a ballot before it can be counted (art. 74(2)).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewReason {
    /// The stroke on this candidate's name (id) may not cross the whole name.
    DoubtfulMark(String),
    /// The stamp may be missing or illegible.
    DoubtfulStamp,
    /// No stamp: invalid by art. 74 b, but only the whole team may decide that.
    MissingStamp,
    /// Extra writing: invalid by art. 74 đ, but only the whole team may decide that.
    ExtraWriting,
    /// Something may be written on the ballot.
    DoubtfulExtraWriting,
    /// A "Đồng ý" / "Không đồng ý" box may or may not be marked.
    DoubtfulBox,
    /// The reading does not fit the election (wrong number of names, boxes not read).
    Unreadable,
}

impl ReviewReason {
    /// Stable machine code, equal to the serde variant name.
    pub fn code(&self) -> &'static str {
        match self {
            ReviewReason::DoubtfulMark(_) => "doubtful_mark",
            ReviewReason::DoubtfulStamp => "doubtful_stamp",
            ReviewReason::MissingStamp => "missing_stamp",
            ReviewReason::ExtraWriting => "extra_writing",
            ReviewReason::DoubtfulExtraWriting => "doubtful_extra_writing",
            ReviewReason::DoubtfulBox => "doubtful_box",
            ReviewReason::Unreadable => "unreadable",
        }
    }

    /// Vietnamese question put to the counting team.
    pub fn label_vi(&self) -> &'static str {
        match self {
            ReviewReason::DoubtfulMark(_) => "Không rõ tên người ứng cử đã bị gạch hết hay chưa",
            ReviewReason::DoubtfulStamp => "Không rõ phiếu có dấu hay không",
            ReviewReason::MissingStamp => "Phiếu không có dấu",
            ReviewReason::ExtraWriting => "Phiếu có ghi thêm tên hoặc nội dung khác",
            ReviewReason::DoubtfulExtraWriting => "Không rõ phiếu có ghi thêm nội dung hay không",
            ReviewReason::DoubtfulBox => {
                "Không rõ ô Đồng ý / Không đồng ý đã được đánh dấu hay chưa"
            }
            ReviewReason::Unreadable => "Máy không đọc được phiếu, cần Tổ kiểm phiếu xem trực tiếp",
        }
    }

    /// English question put to the counting team.
    pub fn label_en(&self) -> &'static str {
        match self {
            ReviewReason::DoubtfulMark(_) => "Unclear whether the candidate's name is fully struck",
            ReviewReason::DoubtfulStamp => "Unclear whether the ballot is stamped",
            ReviewReason::MissingStamp => "Ballot has no stamp",
            ReviewReason::ExtraWriting => "Ballot has an added name or other writing",
            ReviewReason::DoubtfulExtraWriting => {
                "Unclear whether anything is written on the ballot"
            }
            ReviewReason::DoubtfulBox => "Unclear whether an approve / disapprove box is marked",
            ReviewReason::Unreadable => {
                "The machine could not read the ballot; the team must look at it"
            }
        }
    }
}

/// The judgement of one ballot.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Counted as a valid ballot with this vote.
    Valid {
        /// What the ballot gives.
        vote: Vote,
    },
    /// Counted as invalid.
    Invalid {
        /// Every reason that applies, sorted in legal order, without duplicates.
        reasons: Vec<InvalidReason>,
    },
    /// Not countable until the officials decide (art. 74(2)).
    Review {
        /// What the officials must look at, in ballot order.
        reasons: Vec<ReviewReason>,
        /// The machine's suggestion, never itself `Review`.
        suggestion: Box<Verdict>,
    },
}

impl Verdict {
    /// An invalid verdict with its reasons put in legal order once each, as `Tally` expects.
    pub fn invalid(reasons: impl IntoIterator<Item = InvalidReason>) -> Self {
        let mut reasons: Vec<InvalidReason> = reasons.into_iter().collect();
        reasons.sort();
        reasons.dedup();
        Verdict::Invalid { reasons }
    }

    /// True for `Valid` and `Invalid`: only decided ballots may be counted.
    pub fn is_decided(&self) -> bool {
        !matches!(self, Verdict::Review { .. })
    }

    /// The verdict itself when decided, else the machine's suggestion (e.g. to prefill a review form).
    pub fn decided_or_suggestion(&self) -> &Verdict {
        match self {
            Verdict::Review { suggestion, .. } => suggestion,
            other => other,
        }
    }
}

/// A valid ballot with this vote.
impl From<Vote> for Verdict {
    fn from(vote: Vote) -> Self {
        Verdict::Valid { vote }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_serde_names_and_order_is_legal() {
        for (i, reason) in InvalidReason::ALL.iter().enumerate() {
            let json = serde_json::to_string(reason).unwrap();
            assert_eq!(json, format!("\"{}\"", reason.code()));
            assert!(!reason.label_vi().is_empty() && !reason.label_en().is_empty());
            // ALL is in declaration order, which is the legal order a, b, c, d, đ.
            assert!(InvalidReason::ALL[..i].iter().all(|r| r < reason));
        }
        let review = [
            ReviewReason::DoubtfulMark("c1".into()),
            ReviewReason::DoubtfulStamp,
            ReviewReason::MissingStamp,
            ReviewReason::ExtraWriting,
            ReviewReason::DoubtfulExtraWriting,
            ReviewReason::DoubtfulBox,
            ReviewReason::Unreadable,
        ];
        for reason in &review {
            let json = serde_json::to_string(reason).unwrap();
            assert!(json.contains(reason.code()), "{json}");
        }
    }

    #[test]
    fn invalid_sorts_and_deduplicates() {
        assert_eq!(
            Verdict::invalid([
                InvalidReason::ExtraWriting,
                InvalidReason::NotIssuedForm,
                InvalidReason::ExtraWriting
            ]),
            Verdict::Invalid {
                reasons: vec![InvalidReason::NotIssuedForm, InvalidReason::ExtraWriting]
            }
        );
    }

    #[test]
    fn json_shape_is_stable() {
        let v = Verdict::Review {
            reasons: vec![ReviewReason::DoubtfulMark("c2".into())],
            suggestion: Box::new(Vote::For("c2".into()).into()),
        };
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            r#"{"review":{"reasons":[{"doubtful_mark":"c2"}],"suggestion":{"valid":{"vote":{"for":"c2"}}}}}"#
        );
    }
}
