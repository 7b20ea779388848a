//! The top of the biên bản: issuing body and national motto, the title, and
//! the opening paragraphs (time and place, the board, the witnesses).

use std::fmt::Write;

use chrono::Datelike;

use super::super::flow::{Align, Block, para, styled};
use super::super::text::Weight;
use super::{BODY, when_vi};
use crate::election::ElectionInfo;
use crate::result::ResultDoc;

/// Issuing body left, national motto and the place and date right.
pub(super) fn header(e: &ElectionInfo) -> Block {
    let meeting = e.date;
    let left = vec![
        styled(
            format!("UBND {}", e.commune.to_uppercase()),
            Weight::Regular,
            10.0,
            Align::Center,
        ),
        styled(e.unit.to_uppercase(), Weight::Bold, 10.0, Align::Center),
        Block::Rule(25.0),
    ];
    let right = vec![
        styled(
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            Weight::Bold,
            10.0,
            Align::Center,
        ),
        styled(
            "Độc lập – Tự do – Hạnh phúc",
            Weight::Bold,
            10.5,
            Align::Center,
        ),
        Block::Rule(45.0),
        styled(
            format!(
                "{}, ngày {:02} tháng {:02} năm {}",
                e.unit,
                meeting.day(),
                meeting.month(),
                meeting.year()
            ),
            Weight::Regular,
            10.0,
            Align::Center,
        ),
    ];
    Block::Columns(vec![(0.4, left), (0.6, right)])
}

/// The title, what the count is about, and which form of Decree 59 this is.
pub(super) fn title(e: &ElectionInfo, office_unit: &str, household: bool) -> Vec<Block> {
    let form = if household {
        "Mẫu số 04"
    } else {
        "Mẫu số 02"
    };
    let how = if household {
        "bầu bằng phiếu phát đến hộ gia đình"
    } else {
        "bầu tại hội nghị đại diện hộ gia đình"
    };
    vec![
        styled("BIÊN BẢN KIỂM PHIẾU", Weight::Bold, 14.0, Align::Center),
        styled(
            format!("Về việc bầu {office_unit}, nhiệm kỳ {}", e.term),
            Weight::Bold,
            11.0,
            Align::Center,
        ),
        styled(
            format!("({form} — Nghị định 59/2023/NĐ-CP; {how})"),
            Weight::Regular,
            9.0,
            Align::Center,
        ),
    ]
}

/// When and where the count began, who counted and who witnessed it.
pub(super) fn opening(doc: &ResultDoc, e: &ElectionInfo, office_unit: &str) -> Vec<Block> {
    let place = [
        Some(e.unit.as_str()),
        Some(e.commune.as_str()),
        e.district.as_deref(),
        Some(e.province.as_str()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ");
    let mut board = format!(
        "Tổ bầu cử (Ban kiểm phiếu) gồm: Ông/Bà {} – Tổ trưởng",
        doc.board.leader
    );
    for m in &doc.board.members {
        // Writing to a String cannot fail.
        let _ = write!(board, "; Ông/Bà {m} – Thành viên");
    }
    board.push('.');
    let witnesses = doc
        .board
        .witnesses
        .iter()
        .map(|w| format!("Ông/Bà {w}"))
        .collect::<Vec<_>>()
        .join("; ");
    let mut out = vec![para(
        format!(
            "Hồi {}, tại {place}, Tổ bầu cử tiến hành kiểm phiếu bầu {office_unit}, nhiệm kỳ {}.",
            when_vi(&doc.opened_at),
            e.term
        ),
        BODY,
    )];
    if let Some(p) = re_election(doc) {
        out.push(para(p, BODY));
    }
    out.extend([
        para(board, BODY),
        para(
            format!(
                "Với sự chứng kiến của {:02} đại diện hộ gia đình: {witnesses}. Kết quả kiểm phiếu như sau:",
                doc.board.witnesses.len()
            ),
            BODY,
        ),
    ]);
    out
}

/// A re-election says so and cites the count it follows (rules.md §10).
fn re_election(doc: &ResultDoc) -> Option<String> {
    let n = doc.round.checked_sub(1).filter(|n| *n > 0)?;
    let mut text = format!("Đây là cuộc bầu lại lần {n}");
    if let Some(p) = &doc.previous_count {
        let date = chrono::NaiveDate::parse_from_str(&p.date, "%Y-%m-%d")
            .map_or_else(|_| p.date.clone(), crate::rules::date_vi);
        let reason = p
            .reason
            .as_deref()
            .and_then(|code| {
                [
                    crate::rules::NoWinnerReason::BelowThreshold,
                    crate::rules::NoWinnerReason::Tie,
                    crate::rules::NoWinnerReason::NoValidVotes,
                ]
                .into_iter()
                .find(|r| r.code() == code)
            })
            .map_or(String::new(), |r| format!(" ({})", r.label_vi()));
        // Writing to a String cannot fail.
        let _ = write!(
            text,
            ", sau cuộc bầu ngày {date} (phiên kiểm phiếu {}) không có người trúng cử{reason}",
            p.session
        );
    }
    text.push('.');
    Some(text)
}
