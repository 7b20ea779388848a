//! The figures of the biên bản: the counting table (H, A, ballots issued,
//! returned, valid, invalid by reason), the votes, and the sub-counts per
//! cluster or ballot box.

use std::fmt::Write as _;

use super::super::flow::{Align, Block, Cell, para, styled};
use super::super::text::Weight;
use super::{BODY, TABLE, num, pct};
use crate::election::ElectionInfo;
use crate::result::ResultDoc;
use crate::rules::InvalidReason;
use crate::station::{NotBallot, NotIssued};

/// One row of the counting table: number, label, count, share.
fn count_row(stt: &str, label: String, n: String, p: String) -> Vec<Cell> {
    vec![
        Cell::new(stt, Align::Center),
        Cell::new(label, Align::Left),
        Cell::new(n, Align::Right),
        Cell::new(p, Align::Right),
    ]
}

/// The counting table, rows 1–7 of the form, with a row per invalid reason met.
pub(super) fn counts_table(doc: &ResultDoc, e: &ElectionInfo, household: bool) -> Block {
    let h = doc.households;
    let a = doc.attendance;
    let returned = doc.returned.unwrap_or(doc.counted);
    let (a_label, absent_label, issued_label, returned_label) = if household {
        (
            "Số hộ gia đình được phát phiếu",
            "Số hộ gia đình không nhận phiếu",
            "Số phiếu phát đến hộ gia đình",
            "Số phiếu thu về",
        )
    } else {
        (
            "Số đại diện hộ gia đình có mặt",
            "Số đại diện hộ gia đình vắng mặt",
            "Số phiếu phát ra",
            "Số phiếu thu vào",
        )
    };
    let mut rows = vec![vec![
        Cell::bold("STT", Align::Center),
        Cell::bold("Nội dung", Align::Center),
        Cell::bold("Số lượng", Align::Center),
        Cell::bold("Tỷ lệ", Align::Center),
    ]];
    rows.push(count_row(
        "1",
        format!("Tổng số đại diện hộ gia đình của {} (H)", e.unit),
        h.to_string(),
        String::new(),
    ));
    rows.push(count_row(
        "2",
        format!("{a_label} (A), so với H"),
        a.to_string(),
        pct(a, h),
    ));
    rows.push(count_row(
        "3",
        format!("{absent_label} (H – A), so với H"),
        h.saturating_sub(a).to_string(),
        pct(h.saturating_sub(a), h),
    ));
    rows.push(count_row(
        "4",
        issued_label.to_string(),
        num(doc.issued),
        String::new(),
    ));
    rows.push(count_row(
        "5",
        format!("{returned_label}, so với số phiếu phát ra"),
        num(doc.returned.or(Some(doc.counted))),
        doc.issued.map_or_else(String::new, |i| pct(returned, i)),
    ));
    rows.push(count_row(
        "6",
        "Số phiếu hợp lệ, so với số phiếu thu vào".to_string(),
        doc.valid.to_string(),
        pct(doc.valid, returned),
    ));
    rows.push(count_row(
        "7",
        "Số phiếu không hợp lệ, so với số phiếu thu vào".to_string(),
        doc.invalid.to_string(),
        pct(doc.invalid, returned),
    ));
    for (i, reason) in InvalidReason::ALL
        .iter()
        .filter(|r| doc.invalid_by_reason.get(r.code()).copied().unwrap_or(0) > 0)
        .enumerate()
    {
        let n = doc
            .invalid_by_reason
            .get(reason.code())
            .copied()
            .unwrap_or(0);
        rows.push(count_row(
            &format!("7.{}", i + 1),
            format!("– {}", reason.label_vi()),
            n.to_string(),
            String::new(),
        ));
    }
    Block::Table {
        widths: vec![0.07, 0.69, 0.11, 0.13],
        rows,
        pt: TABLE,
    }
}

/// The small print under the table: the pages set aside by kind (scanned, not
/// counted), the papers counted invalid as not the issued form by kind, and how
/// many the officials decided.
pub(super) fn scan_note(doc: &ResultDoc) -> Block {
    let kinds = |map: &std::collections::BTreeMap<String, u32>, labels: &[(&str, &str)]| {
        labels
            .iter()
            .filter_map(|(code, label)| {
                map.get(*code)
                    .filter(|n| **n > 0)
                    .map(|n| format!("{n} {label}"))
            })
            .collect::<Vec<_>>()
    };
    let set_aside: Vec<(&str, &str)> = NotBallot::ALL
        .iter()
        .map(|k| (k.code(), k.label_vi()))
        .collect();
    let aside = kinds(&doc.set_aside, &set_aside);
    let mut text = if aside.is_empty() {
        "Tờ quét được để riêng, không tính vào số phiếu thu vào: không có.".to_string()
    } else {
        format!(
            "Tờ quét được để riêng, không tính vào số phiếu thu vào: {}.",
            aside.join(", ")
        )
    };
    let not_issued: Vec<(&str, &str)> = NotIssued::ALL
        .iter()
        .map(|k| (k.code(), k.label_vi()))
        .collect();
    let foreign = kinds(&doc.not_issued, &not_issued);
    if !foreign.is_empty() {
        let _ = write!(
            text,
            " Phiếu không hợp lệ vì không theo mẫu do Tổ bầu cử phát ra gồm: {}.",
            foreign.join(", ")
        );
    }
    let _ = write!(
        text,
        " Tổ bầu cử đã quyết định {} tờ.",
        doc.decided_by_officials
    );
    styled(text, Weight::Regular, 8.0, Align::Left)
}

/// The votes per candidate; a single candidate has an agree and a disagree row.
pub(super) fn votes_table(doc: &ResultDoc) -> Block {
    let h = doc.households;
    let single = doc.candidates.len() == 1;
    let mut vrows = vec![vec![
        Cell::bold("STT", Align::Center),
        Cell::bold(
            if single {
                "Người ứng cử / ý kiến"
            } else {
                "Họ và tên người ứng cử"
            },
            Align::Center,
        ),
        Cell::bold("Số phiếu", Align::Center),
        Cell::bold("Tỷ lệ so với H", Align::Center),
        Cell::bold("Tỷ lệ so với phiếu hợp lệ", Align::Center),
    ]];
    // A row: number, name or opinion, votes, share of H, share of the valid ballots.
    let row = |stt: String, label: String, votes: u32| {
        vec![
            Cell::new(stt, Align::Center),
            Cell::new(label, Align::Left),
            Cell::new(votes.to_string(), Align::Right),
            Cell::new(pct(votes, h), Align::Right),
            Cell::new(pct(votes, doc.valid), Align::Right),
        ]
    };
    if let Some(c) = doc.candidates.first().filter(|_| single) {
        vrows.push(row("1".into(), format!("{} — Đồng ý", c.name), c.votes));
        vrows.push(row(
            "2".into(),
            format!("{} — Không đồng ý", c.name),
            doc.disapprove,
        ));
    } else {
        for (i, c) in doc.candidates.iter().enumerate() {
            vrows.push(row((i + 1).to_string(), c.name.clone(), c.votes));
        }
    }
    Block::Table {
        widths: vec![0.08, 0.47, 0.13, 0.15, 0.17],
        rows: vrows,
        pt: TABLE,
    }
}

/// Clusters / ballot boxes: sub-counts that add up to the unit's result (none for one batch).
pub(super) fn batch_blocks(doc: &ResultDoc) -> Vec<Block> {
    if doc.batches.len() <= 1 {
        return Vec::new();
    }
    let single = doc.candidates.len() == 1;
    let n = doc.candidates.len();
    let mut widths = vec![0.25, 0.12, 0.12, 0.12];
    let rest = 0.39 / (n as f32 + f32::from(u8::from(single)));
    let mut header = vec![
        Cell::bold("Cụm / hòm phiếu", Align::Center),
        Cell::bold("Phiếu kiểm", Align::Center),
        Cell::bold("Hợp lệ", Align::Center),
        Cell::bold("Không hợp lệ", Align::Center),
    ];
    for i in 0..n {
        widths.push(rest);
        header.push(Cell::bold(format!("Phiếu ƯCV {}", i + 1), Align::Center));
    }
    if single {
        widths.push(rest);
        header.push(Cell::bold("Không đồng ý", Align::Center));
    }
    let mut brows = vec![header];
    for (name, b) in &doc.batches {
        let mut r = vec![
            Cell::new(name.clone(), Align::Left),
            Cell::new(b.counted.to_string(), Align::Right),
            Cell::new(b.valid.to_string(), Align::Right),
            Cell::new(b.invalid.to_string(), Align::Right),
        ];
        for c in &doc.candidates {
            r.push(Cell::new(
                b.votes.get(&c.id).copied().unwrap_or(0).to_string(),
                Align::Right,
            ));
        }
        if single {
            r.push(Cell::new(b.disapprove.to_string(), Align::Right));
        }
        brows.push(r);
    }
    vec![
        Block::Space(2.0),
        para(
            "Kết quả theo từng cụm dân cư / hòm phiếu (cộng lại thành kết quả của đơn vị, xét trên H):",
            BODY,
        ),
        Block::Space(0.8),
        Block::Table {
            widths,
            rows: brows,
            pt: 9.5,
        },
    ]
}
