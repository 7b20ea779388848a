//! The end of the biên bản, kept together on one page: the outcome, the
//! board's note, complaints, the copies and where they go, whether the count
//! is confirmed, and the signatures.

use super::super::flow::{Align, Block, para, styled};
use super::super::text::Weight;
use super::{BODY, pct, when_vi};
use crate::election::Election;
use crate::result::ResultDoc;
use crate::rules::{
    NONE_ELECTED_VI, NoWinnerReason, RE_ELECTION_NOTE_VI, date_vi, send_by_date, votes_needed,
};

/// The blocks that stay together on the last page, in the order of the form.
pub(super) fn closing(doc: &ResultDoc, election: &Election, office_unit: &str) -> Vec<Block> {
    let e = &election.election;
    let mut tail = vec![
        styled(
            outcome(doc, e.term.as_str(), office_unit),
            Weight::Bold,
            11.0,
            Align::Left,
        ),
        Block::Space(1.5),
    ];
    if let Some(note) = doc.note.as_deref().filter(|n| !n.trim().is_empty()) {
        tail.push(para(
            format!("Ghi chú của Tổ bầu cử khi đối chiếu số liệu: {note}"),
            BODY,
        ));
    }
    tail.extend(
        complaint_lines(&doc.complaints)
            .into_iter()
            .map(|l| para(l, BODY)),
    );
    tail.push(para(
        format!(
            "Biên bản lập thành 03 bản: 01 bản gửi Ủy ban nhân dân cấp xã ({}), 01 bản gửi Ủy ban Mặt trận Tổ quốc Việt Nam cấp xã, 01 bản lưu tại {}.",
            e.commune, e.unit
        ),
        BODY,
    ));
    tail.push(para(
        format!(
            "Gửi biên bản về Ủy ban nhân dân cấp xã chậm nhất ngày {} (05 ngày làm việc kể từ ngày bầu cử).",
            date_vi(send_by_date(e.date, &election.settings.holidays))
        ),
        BODY,
    ));
    tail.push(confirmation(doc));
    tail.push(Block::Space(3.0));
    tail.extend(signature_rows(doc));
    tail
}

/// Who was elected, or why nobody was and the highest vote.
fn outcome(doc: &ResultDoc, term: &str, office_unit: &str) -> String {
    let h = doc.households;
    let prefix = if doc.is_final {
        "Kết quả"
    } else {
        "Kết quả tạm tính (chưa xác nhận)"
    };
    if let Some(id) = &doc.outcome.winner {
        let c = doc.candidates.iter().find(|c| &c.id == id);
        let (name, votes) = c.map_or((id.clone(), 0), |c| (c.name.clone(), c.votes));
        return format!(
            "{prefix}: Ông/Bà {name} trúng cử {office_unit}, nhiệm kỳ {term}, với {votes} phiếu, đạt {} tổng số đại diện hộ gia đình (trên 50%: {votes} × 2 > {h}).",
            pct(votes, h)
        );
    }
    let reason = doc
        .outcome
        .reason
        .as_deref()
        .and_then(|code| {
            [
                NoWinnerReason::BelowThreshold,
                NoWinnerReason::Tie,
                NoWinnerReason::NoValidVotes,
            ]
            .into_iter()
            .find(|r| r.code() == code)
        })
        .map_or("", |r| r.label_vi());
    let best = doc
        .candidates
        .iter()
        .max_by_key(|c| c.votes)
        .map(|c| (c.name.clone(), c.votes))
        .filter(|(_, v)| *v > 0)
        .map(|(name, v)| {
            format!(
                " (số phiếu cao nhất: Ông/Bà {name}, {v} phiếu, đạt {}; cần ít nhất {} phiếu)",
                pct(v, h),
                votes_needed(h)
            )
        })
        .unwrap_or_default();
    format!("{prefix}: {NONE_ELECTED_VI}. Lý do: {reason}{best}. {RE_ELECTION_NOTE_VI}.")
}

/// When the board confirmed the count, or the draft warning.
fn confirmation(doc: &ResultDoc) -> Block {
    if let (Some(t), true) = (&doc.closed_at, doc.is_final) {
        return para(
            format!(
                "Kiểm phiếu kết thúc và được Tổ bầu cử xác nhận lúc {}.",
                when_vi(t)
            ),
            BODY,
        );
    }
    let waiting = if doc.awaiting_review > 0 {
        format!(
            " Còn {} phiếu chờ Tổ bầu cử quyết định, chưa được tính.",
            doc.awaiting_review
        )
    } else {
        String::new()
    };
    styled(
        format!(
            "BẢN NHÁP — CHƯA XÁC NHẬN: phiên kiểm phiếu chưa được Tổ bầu cử xác nhận và khóa sổ.{waiting}"
        ),
        Weight::Bold,
        BODY,
        Align::Left,
    )
}

/// The biên bản's lines on complaints received at the count and how each was handled.
pub fn complaint_lines(complaints: &[crate::store::Complaint]) -> Vec<String> {
    const HEAD: &str = "Khiếu nại, tố cáo nhận được trong quá trình kiểm phiếu";
    if complaints.is_empty() {
        return vec![format!("{HEAD}: không có.")];
    }
    // Entered text may or may not end a sentence; print each part as one.
    let sentence = |t: &str| {
        let t = t.trim();
        if t.ends_with(['.', '!', '?', '…']) {
            t.to_string()
        } else {
            format!("{t}.")
        }
    };
    std::iter::once(format!("{HEAD}: {}.", complaints.len()))
        .chain(complaints.iter().enumerate().map(|(i, c)| {
            format!(
                "{}. Người khiếu nại, tố cáo: {}. Nội dung: {} Cách giải quyết: {}",
                i + 1,
                c.lodged_by.trim().trim_end_matches('.'),
                sentence(&c.content),
                sentence(&c.handling)
            )
        }))
        .collect()
}

/// The signature grid: the board on the first row(s), the witnesses after.
fn signature_rows(doc: &ResultDoc) -> Vec<Block> {
    let mut people: Vec<(String, String)> =
        vec![("TỔ TRƯỞNG".to_string(), doc.board.leader.clone())];
    people.extend(
        doc.board
            .members
            .iter()
            .map(|m| ("THÀNH VIÊN".to_string(), m.clone())),
    );
    let witnesses: Vec<(String, String)> = doc
        .board
        .witnesses
        .iter()
        .map(|w| ("ĐẠI DIỆN HỘ GIA ĐÌNH".to_string(), w.clone()))
        .collect();
    people.extend(witnesses);
    // Up to five on one row (the usual board of three and two witnesses), else rows of four.
    let per_row = if people.len() <= 5 {
        people.len().max(4)
    } else {
        4
    };
    let mut rows = Vec::new();
    {
        for chunk in people.chunks(per_row) {
            let frac = 1.0 / per_row as f32;
            let cols = chunk
                .iter()
                .map(|(role, name)| {
                    (
                        frac,
                        vec![
                            styled(role.clone(), Weight::Bold, 9.5, Align::Center),
                            styled("(Ký, ghi rõ họ tên)", Weight::Regular, 8.5, Align::Center),
                            Block::Space(10.0),
                            styled(name.clone(), Weight::Bold, 10.0, Align::Center),
                        ],
                    )
                })
                .collect();
            rows.push(Block::Columns(cols));
            rows.push(Block::Space(2.0));
        }
    }
    rows
}
