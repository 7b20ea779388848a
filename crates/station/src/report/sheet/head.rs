//! The top of the papers: issuing body and national motto, the title, and the
//! opening paragraphs (date, place and time, the counting body, the witnesses).

use std::fmt::Write as _;

use super::super::flow::{Align, Block, para, styled};
use super::super::text::Weight;
use super::{BODY, Paper, date_long};
use crate::election::CountingBody;
use crate::result::ResultDoc;

/// Issuing body left, national motto and the place and the day of the count right.
pub(super) fn header(p: &Paper<'_>) -> Block {
    let e = &p.election.election;
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
            format!("{}, {}", e.unit, date_long(p.date)),
            Weight::Regular,
            10.0,
            Align::Center,
        ),
    ];
    Block::Columns(vec![(0.4, left), (0.6, right)])
}

/// The title of the biên bản, what the count is about, and which form of Decree 59 it is.
pub(super) fn title(p: &Paper<'_>) -> Vec<Block> {
    let e = &p.election.election;
    let mut out = vec![styled(
        "BIÊN BẢN KIỂM PHIẾU",
        Weight::Bold,
        14.0,
        Align::Center,
    )];
    if p.household() {
        out.push(styled(
            "(Phát phiếu lấy ý kiến hộ gia đình)",
            Weight::Bold,
            11.0,
            Align::Center,
        ));
    }
    out.push(styled(
        format!("Về việc bầu {}, nhiệm kỳ {}", p.office_unit, e.term),
        Weight::Bold,
        11.0,
        Align::Center,
    ));
    out.push(styled(
        format!(
            "(Mẫu số {} — Nghị định 59/2023/NĐ-CP)",
            if p.household() { "04" } else { "02" }
        ),
        Weight::Regular,
        9.0,
        Align::Center,
    ));
    out
}

/// Where it happened: the venue (or the unit, when the election file names no
/// venue) and its full address — commune, district where there is one, province.
pub(super) fn place(p: &Paper<'_>) -> String {
    let e = &p.election.election;
    [
        Some(e.venue.as_deref().unwrap_or(e.unit.as_str())),
        Some(e.commune.as_str()),
        e.district.as_deref(),
        Some(e.province.as_str()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ")
}

/// The day, place and time, who counted and who witnessed.
pub(super) fn opening(p: &Paper<'_>) -> Vec<Block> {
    let e = &p.election.election;
    let body = p.body.name_vi();
    let start = super::time_of_day(&p.doc.opened_at);
    let first = if p.household() {
        let delivered = crate::rules::date_vi(e.date);
        let deadline = e
            .collection_deadline
            .map_or_else(|| "…".to_string(), |d| d.vi());
        format!(
            "Hôm nay, {}, tại {}, {body} {} tiến hành kiểm phiếu lấy ý kiến hộ gia đình về việc bầu {}, nhiệm kỳ {}, bắt đầu lúc {start}. Phiếu lấy ý kiến được phát đến các hộ gia đình ngày {delivered}; thời hạn thu phiếu: {deadline}.",
            date_long(p.date),
            place(p),
            e.unit,
            p.office_unit,
            e.term
        )
    } else {
        format!(
            "Hôm nay, {}, tại {}, {} tổ chức cuộc họp của cộng đồng dân cư về việc bầu {}, nhiệm kỳ {}, bằng hình thức bỏ phiếu kín. {body} bắt đầu kiểm phiếu lúc {start}.",
            date_long(p.date),
            place(p),
            e.unit,
            p.office_unit,
            e.term
        )
    };
    let mut counted = vec![para(format!("{body} gồm các ông (bà) có tên sau:"), BODY)];
    counted.extend(people_list(&body_lines(p.body, p)));
    let mut witnessed = vec![para(
        "Đại diện hộ gia đình chứng kiến việc kiểm phiếu gồm:",
        BODY,
    )];
    witnessed.extend(people_list(&p.doc.board.witnesses));
    // The two lists side by side: each name on its own numbered line, aligned.
    let mut out = vec![para(first, BODY)];
    if let Some(again) = re_election(p.doc) {
        out.push(para(again, BODY));
    }
    out.extend([
        Block::Columns(vec![(0.5, counted), (0.5, witnessed)]),
        para("Kết quả kiểm phiếu như sau:", BODY),
    ]);
    out
}

/// "Nguyễn Thị Hoa – Trưởng ban", then each member "– Thành viên".
fn body_lines(body: CountingBody, p: &Paper<'_>) -> Vec<String> {
    std::iter::once(format!("{} – {}", p.doc.board.leader, body.leader_vi()))
        .chain(
            p.doc
                .board
                .members
                .iter()
                .map(|m| format!("{m} – Thành viên")),
        )
        .collect()
}

/// A numbered list, one person a line, indented so the names align.
pub(super) fn people_list(lines: &[String]) -> Vec<Block> {
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| Block::Para {
            text: format!("{}. {l}", i + 1),
            weight: Weight::Regular,
            pt: BODY,
            align: Align::Left,
            indent: 6.0,
        })
        .collect()
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
            .map_or(String::new(), |r| {
                format!(" ({})", super::in_sentence(r.label_vi()))
            });
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
