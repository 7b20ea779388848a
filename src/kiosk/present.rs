//! What the kiosk says, in Vietnamese or English: pure functions from the
//! station's data to text, so they are tested without a window.

use kiemphieu_core::election::{Election, Marking};
use kiemphieu_core::rules::{self, InvalidReason, Outcome, Verdict, Vote};
use kiemphieu_station::station::{Count, Destination, NotBallot, Place, ballot_allowed};
use kiemphieu_station::store::Decision;

/// One line of the live tally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TallyLine {
    /// Candidate (or Đồng ý / Không đồng ý).
    pub label: String,
    /// Votes.
    pub votes: u32,
    /// Share of all households H.
    pub share: String,
    /// Votes still needed to pass, or that the candidate has passed.
    pub needed: String,
    /// Already more than half of H.
    pub passing: bool,
}

/// Picks the language.
pub fn tr<'a>(en: bool, vi: &'a str, english: &'a str) -> &'a str {
    if en { english } else { vi }
}

/// The live tally: each candidate's votes, share of H and what is still needed.
pub fn tally_lines(election: &Election, count: &Count, en: bool) -> Vec<TallyLine> {
    let h = election.election.households;
    let line = |label: String, votes: u32, counts_to_win: bool| {
        let passing = counts_to_win && rules::passes(votes, h);
        let needed = if !counts_to_win {
            String::new()
        } else if passing {
            tr(en, "Đã quá nửa số hộ", "More than half of H").to_string()
        } else {
            let more = rules::votes_needed(h).saturating_sub(votes);
            if en {
                format!("needs {more} more")
            } else {
                format!("cần thêm {more} phiếu")
            }
        };
        TallyLine {
            label,
            votes,
            share: format!("{}%", rules::percent(u64::from(votes), u64::from(h))),
            needed,
            passing,
        }
    };
    let mut lines: Vec<TallyLine> = Vec::new();
    if election.is_single_candidate() {
        if let Some(c) = election.candidates.first() {
            let prefix = tr(en, "Đồng ý", "Approve");
            lines.push(line(
                format!("{prefix}: {}", c.name),
                count.tally.votes_for(&c.id),
                true,
            ));
            lines.push(line(
                tr(en, "Không đồng ý", "Disapprove").to_string(),
                count.tally.disapprove,
                false,
            ));
        }
    } else {
        for c in &election.candidates {
            lines.push(line(c.name.clone(), count.tally.votes_for(&c.id), true));
        }
    }
    lines
}

/// "To be elected: more than half of H = N votes".
pub fn needed_text(election: &Election, en: bool) -> String {
    let h = election.election.households;
    let n = rules::votes_needed(h);
    if en {
        format!("To be elected: more than half of all {h} households, at least {n} votes.")
    } else {
        format!("Trúng cử khi được quá nửa tổng số {h} hộ, tức ít nhất {n} phiếu.")
    }
}

/// The result in one sentence (rules.md §5).
pub fn outcome_sentence(election: &Election, outcome: &Outcome, en: bool) -> String {
    let h = election.election.households;
    match outcome {
        Outcome::Elected { candidate, votes } => {
            let name = election
                .candidate(candidate)
                .map_or(candidate.as_str(), |c| c.name.as_str());
            let pct = rules::percent(u64::from(*votes), u64::from(h));
            if en {
                format!("{name} is elected with {votes} of {h} households ({pct}%).")
            } else {
                format!("Ông/bà {name} trúng cử với {votes} trên tổng số {h} hộ ({pct}%).")
            }
        }
        Outcome::NoneElected { reason } => {
            if en {
                format!(
                    "{}: {}. {}",
                    rules::NONE_ELECTED_EN,
                    reason.label_en(),
                    rules::RE_ELECTION_NOTE_EN
                )
            } else {
                format!(
                    "{}: {}. {}",
                    rules::NONE_ELECTED_VI,
                    reason.label_vi(),
                    rules::RE_ELECTION_NOTE_VI
                )
            }
        }
    }
}

/// The verdicts the officials can choose for a doubtful ballot of this election,
/// valid ones first, each with its label.
pub fn verdict_options(election: &Election, en: bool) -> Vec<(Verdict, String)> {
    let mut v: Vec<(Verdict, String)> = Vec::new();
    if election.is_single_candidate() {
        if let Some(c) = election.candidates.first() {
            v.push((
                Vote::Approve(c.id.clone()).into(),
                format!(
                    "{}: {}",
                    tr(en, "Hợp lệ — Đồng ý", "Valid — approve"),
                    c.name
                ),
            ));
            v.push((
                Vote::Disapprove.into(),
                tr(en, "Hợp lệ — Không đồng ý", "Valid — disapprove").to_string(),
            ));
        }
    } else {
        for c in &election.candidates {
            v.push((
                Vote::For(c.id.clone()).into(),
                format!("{}: {}", tr(en, "Hợp lệ — bầu", "Valid — for"), c.name),
            ));
        }
    }
    for reason in InvalidReason::ALL {
        let applies = match reason {
            InvalidReason::NoBoxMarked | InvalidReason::BothBoxesMarked => {
                election.election.marking == Marking::ApproveBoxes
            }
            InvalidReason::TooManyKept | InvalidReason::AllStruck => {
                election.election.marking == Marking::Strike
            }
            InvalidReason::NoStamp => election.settings.require_stamp,
            _ => true,
        };
        if applies {
            let label = short_reason(reason, en);
            v.push((
                Verdict::invalid([reason]),
                format!("{}: {label}", tr(en, "Không hợp lệ", "Invalid")),
            ));
        }
    }
    v
}

/// A choice the officials have for a page waiting for them.
#[derive(Debug, Clone, PartialEq)]
pub enum ReviewChoice {
    /// Decide this page so.
    Decide(Decision),
    /// Confirm every blank page waiting, together.
    ConfirmBlankPages,
}

/// The choices for a waiting page, each with its label, the valid votes first
/// (the screen shows them green); returns them and how many are valid votes.
pub fn review_choices(
    election: &Election,
    place: &Place,
    en: bool,
) -> (Vec<(ReviewChoice, String)>, usize) {
    let Some(destination) = place.destination() else {
        return (Vec::new(), 0);
    };
    let mut out = Vec::new();
    let mut valid = 0;
    if ballot_allowed(destination) {
        for (v, label) in verdict_options(election, en) {
            if v == Verdict::invalid([InvalidReason::NotIssuedForm]) {
                continue;
            }
            valid += usize::from(matches!(v, Verdict::Valid { .. }));
            out.push((ReviewChoice::Decide(Decision::Ballot(v)), label));
        }
    }
    let not_issued = (
        ReviewChoice::Decide(Decision::NotIssuedForm),
        tr(
            en,
            "Không theo mẫu do Tổ bầu cử phát ra — không hợp lệ (điều 74 a)",
            "Not the issued form — invalid (art. 74 a)",
        )
        .to_string(),
    );
    let not_ballot = (
        ReviewChoice::Decide(Decision::NotABallot),
        tr(
            en,
            "Không phải phiếu bầu — không tính",
            "Not a ballot — not counted",
        )
        .to_string(),
    );
    match destination {
        Destination::NotABallot(NotBallot::SecondScan) => {
            out.push((
                ReviewChoice::Decide(Decision::NotABallot),
                tr(
                    en,
                    "Cùng một lá phiếu quét hai lần — không tính",
                    "The same paper scanned twice — not counted",
                )
                .to_string(),
            ));
            out.push((
                ReviewChoice::Decide(Decision::NotIssuedForm),
                tr(
                    en,
                    "Bản sao của phiếu — không hợp lệ (điều 74 a)",
                    "A copy — invalid (art. 74 a)",
                )
                .to_string(),
            ));
        }
        Destination::NotABallot(NotBallot::Blank) => {
            out.push((
                ReviewChoice::ConfirmBlankPages,
                tr(
                    en,
                    "Xác nhận mọi trang trắng — không tính",
                    "Confirm every blank page — not counted",
                )
                .to_string(),
            ));
            out.push(not_ballot);
        }
        _ => {
            out.push(not_issued);
            out.push(not_ballot);
        }
    }
    (out, valid)
}

/// A decision in words.
pub fn decision_text(election: &Election, decision: &Decision, en: bool) -> String {
    match decision {
        Decision::Ballot(v) => verdict_text(election, v, en),
        Decision::NotIssuedForm => tr(
            en,
            "Không theo mẫu phát ra — không hợp lệ (điều 74 a)",
            "Not the issued form — invalid (art. 74 a)",
        )
        .to_string(),
        Decision::NotABallot => tr(en, "Không phải phiếu bầu", "Not a ballot").to_string(),
    }
}

/// A reason short enough for a button (the tally sheet prints the legal wording).
pub fn short_reason(reason: InvalidReason, en: bool) -> &'static str {
    match reason {
        InvalidReason::NotIssuedForm => tr(en, "không đúng mẫu phát ra", "not the issued form"),
        InvalidReason::NoStamp => tr(en, "không có dấu", "no stamp"),
        InvalidReason::TooManyKept => tr(en, "để lại nhiều hơn một tên", "more than one name kept"),
        InvalidReason::AllStruck => tr(en, "gạch hết tên", "every name struck"),
        InvalidReason::ExtraWriting => {
            tr(en, "ghi thêm tên hoặc nội dung", "added name or writing")
        }
        InvalidReason::NoBoxMarked => tr(en, "không đánh dấu ô nào", "no box marked"),
        InvalidReason::BothBoxesMarked => tr(en, "đánh dấu cả hai ô", "both boxes marked"),
    }
}

/// A verdict in words.
pub fn verdict_text(election: &Election, verdict: &Verdict, en: bool) -> String {
    let name = |id: &str| {
        election
            .candidate(id)
            .map_or(id.to_string(), |c| c.name.clone())
    };
    match verdict {
        Verdict::Valid { vote } => match vote {
            Vote::For(id) => format!("{} {}", tr(en, "Hợp lệ, bầu", "Valid, for"), name(id)),
            Vote::Approve(id) => format!(
                "{} {}",
                tr(en, "Hợp lệ, đồng ý", "Valid, approve"),
                name(id)
            ),
            Vote::Disapprove => tr(en, "Hợp lệ, không đồng ý", "Valid, disapprove").to_string(),
        },
        Verdict::Invalid { reasons } => {
            let r: Vec<&str> = reasons
                .iter()
                .map(|r| if en { r.label_en() } else { r.label_vi() })
                .collect();
            format!("{}: {}", tr(en, "Không hợp lệ", "Invalid"), r.join("; "))
        }
        Verdict::Review { suggestion, .. } => format!(
            "{} {}",
            tr(
                en,
                "Cần xem xét; máy đề xuất:",
                "Needs review; the machine suggests:"
            ),
            verdict_text(election, suggestion, en)
        ),
    }
}

/// The machine's reading of a doubtful ballot in words.
pub fn reading_text(
    election: &Election,
    reading: &kiemphieu_interpret::Reading,
    certainty: f64,
    en: bool,
) -> String {
    let names = |ids: &[String]| -> String {
        if ids.is_empty() {
            return "—".into();
        }
        ids.iter()
            .map(|id| {
                election
                    .candidate(id)
                    .map_or(id.clone(), |c| c.name.clone())
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let stamp = match reading.stamp.as_ref().map(|s| s.state) {
        Some(rules::Presence::Present) => tr(en, "có dấu", "stamped"),
        Some(rules::Presence::Absent) => tr(en, "không thấy dấu", "no stamp seen"),
        Some(rules::Presence::Doubtful) => tr(en, "dấu chưa rõ", "stamp doubtful"),
        None => "—",
    };
    let mut parts = vec![
        format!("{} {}", tr(en, "Gạch:", "Struck:"), names(&reading.struck)),
        format!("{} {}", tr(en, "Giữ:", "Kept:"), names(&reading.kept)),
        format!(
            "{} {}",
            tr(en, "Chưa rõ:", "Doubtful:"),
            names(&reading.doubtful)
        ),
        stamp.to_string(),
    ];
    if !reading.reasons.is_empty() {
        let why: Vec<&str> = reading
            .reasons
            .iter()
            .map(|r| reason_words(r, en))
            .collect();
        parts.push(format!("{} {}", tr(en, "Lý do:", "Why:"), why.join(", ")));
    }
    parts.push(format!(
        "{} {:.0}%",
        tr(en, "độ chắc chắn", "certainty"),
        certainty * 100.0
    ));
    parts.join(" · ")
}

/// A reading's reason code (review or rejection, as the interpreter records it)
/// in words: the screen never shows a code.
pub fn reason_words(code: &str, en: bool) -> &'static str {
    match code {
        "doubtful_mark" => tr(en, "nét gạch chưa rõ", "a stroke in doubt"),
        "doubtful_stamp" => tr(en, "dấu chưa rõ", "the stamp in doubt"),
        "missing_stamp" => tr(en, "không thấy dấu", "no stamp seen"),
        "extra_writing" => tr(en, "có viết thêm", "extra writing"),
        "doubtful_extra_writing" => tr(en, "có thể có viết thêm", "perhaps extra writing"),
        "doubtful_box" => tr(en, "ô đánh dấu chưa rõ", "a box in doubt"),
        "unreadable" => tr(en, "không đọc được", "unreadable"),
        "no_qr" => tr(en, "không đọc được mã QR", "no readable QR code"),
        "wrong_election" => tr(
            en,
            "phiếu của cuộc bầu khác",
            "a ballot of another election",
        ),
        "forged" => tr(
            en,
            "mã QR không đúng (giả?)",
            "QR code fails its check (forged?)",
        ),
        "unsupported_version" => tr(en, "mã QR phiên bản mới hơn", "QR code of a newer version"),
        "scale" => tr(en, "in sai tỷ lệ", "printed at the wrong scale"),
        "registration" => tr(en, "giấy gấp hoặc cong", "sheet folded or curled"),
        "streaks" => tr(
            en,
            "vệt bẩn trên kính máy quét",
            "streaks from dirty scanner glass",
        ),
        _ => tr(en, "lý do khác", "another reason"),
    }
}

/// Instructions on a sheet status code for the last-ballot caption.
pub fn status_label(status: &str, en: bool) -> &'static str {
    match status {
        "valid" => tr(en, "hợp lệ", "valid"),
        "invalid" => tr(en, "không hợp lệ", "invalid"),
        "review" => tr(en, "chờ xem xét", "waiting for review"),
        "blank" => tr(en, "trang trắng (chờ xác nhận)", "blank page (to confirm)"),
        "duplicate" => tr(
            en,
            "trùng số sê-ri (chờ xem xét)",
            "repeated serial (waiting for review)",
        ),
        "rejected" => tr(
            en,
            "không phải phiếu do Tổ bầu cử phát ra (chờ xác nhận)",
            "not the issued form (to confirm)",
        ),
        _ => tr(en, "chưa đọc", "not read yet"),
    }
}

/// Most complaints the reconcile screen lists; the biên bản prints them all.
const COMPLAINTS_SHOWN: usize = 3;

/// The complaints as the reconcile screen lists them: the latest few, and how many more.
pub fn complaint_lines(
    complaints: &[kiemphieu_station::store::Complaint],
    en: bool,
) -> Vec<String> {
    let skip = complaints.len().saturating_sub(COMPLAINTS_SHOWN);
    let more = (skip > 0).then(|| {
        if en {
            format!("… {skip} earlier (all are on the tally sheet)")
        } else {
            format!("… {skip} khiếu nại trước (biên bản ghi đủ)")
        }
    });
    more.into_iter()
        .chain(complaints.iter().enumerate().skip(skip).map(|(i, c)| {
            format!(
                "{}. {}: {} — {} {}",
                i + 1,
                c.lodged_by,
                c.content,
                tr(en, "giải quyết:", "handled:"),
                c.handling
            )
        }))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use kiemphieu_core::election::{EXAMPLE_ELECTION, parse_election};
    use kiemphieu_station::station::count_sheets;

    fn example() -> Election {
        parse_election(EXAMPLE_ELECTION, std::path::Path::new("example.toml")).unwrap()
    }

    #[test]
    fn empty_count_needs_more_than_half_of_h() {
        let e = example();
        let count = count_sheets(&e, &[], &std::collections::HashSet::new());
        let lines = tally_lines(&e, &count, false);
        assert_eq!(lines.len(), e.candidates.len());
        let need = rules::votes_needed(e.election.households);
        for l in &lines {
            assert_eq!(l.votes, 0);
            assert_eq!(l.share, "0,00%");
            assert_eq!(l.needed, format!("cần thêm {need} phiếu"));
            assert!(!l.passing);
        }
        assert!(needed_text(&e, true).contains(&format!("at least {need} votes")));
    }

    #[test]
    fn verdict_options_cover_each_candidate_and_reason() {
        let e = example();
        let opts = verdict_options(&e, false);
        let valid = opts
            .iter()
            .filter(|(v, _)| matches!(v, Verdict::Valid { .. }))
            .count();
        assert_eq!(valid, e.candidates.len());
        assert!(opts.iter().all(|(v, _)| v.is_decided()));
        assert!(opts.iter().any(|(_, l)| l == "Không hợp lệ: gạch hết tên"));
        // Box reasons belong to the approve-boxes marking only.
        assert!(
            !opts
                .iter()
                .any(|(v, _)| *v == Verdict::invalid([InvalidReason::NoBoxMarked]))
        );
    }

    #[test]
    fn outcome_sentence_names_winner_or_reason() {
        let e = example();
        let c = &e.candidates[0];
        let s = outcome_sentence(
            &e,
            &Outcome::Elected {
                candidate: c.id.clone(),
                votes: 300,
            },
            false,
        );
        assert!(s.contains(&c.name) && s.contains("300") && s.contains("trúng cử"));
        let s = outcome_sentence(
            &e,
            &Outcome::NoneElected {
                reason: rules::NoWinnerReason::Tie,
            },
            true,
        );
        assert!(s.starts_with(rules::NONE_ELECTED_EN));
    }

    #[test]
    fn complaint_lines_show_the_latest_three_and_count_the_rest() {
        let c = |n: usize| kiemphieu_station::store::Complaint {
            lodged_by: format!("Ông {n}"),
            content: "Nội dung".into(),
            handling: "Ghi nhận".into(),
            recorded_by: "Nguyễn Thị Hoa".into(),
            at: String::new(),
        };
        assert!(complaint_lines(&[], false).is_empty());
        let two = complaint_lines(&[c(1), c(2)], false);
        assert_eq!(
            two,
            [
                "1. Ông 1: Nội dung — giải quyết: Ghi nhận",
                "2. Ông 2: Nội dung — giải quyết: Ghi nhận"
            ]
        );
        let five: Vec<_> = (1..=5).map(c).collect();
        let lines = complaint_lines(&five, true);
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[0], "… 2 earlier (all are on the tally sheet)");
        assert!(lines[1].starts_with("3. Ông 3:") && lines[3].starts_with("5. Ông 5:"));
    }
}
