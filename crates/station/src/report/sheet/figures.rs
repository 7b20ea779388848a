//! The figures of the biên bản: the counting table (H, A, ballots issued,
//! spoiled, returned, valid, invalid by reason), what makes the figures
//! irregular, the votes, and the sub-counts per cluster or ballot box.

use std::fmt::Write as _;

use super::super::flow::{Align, Block, Cell, para, styled};
use super::super::text::Weight;
use super::{BODY, Paper, TABLE, num, pct, pcts};
use crate::rules::{InvalidReason, Standing};
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

/// The wording of the counting table for the mode: meeting (Mẫu 02) or
/// delivered / collected (Mẫu 04).
struct Labels {
    total: &'static str,
    present: &'static str,
    absent: &'static str,
    issued: &'static str,
    spoiled: &'static str,
    returned: &'static str,
    of_returned: &'static str,
}

impl Labels {
    fn of(household: bool) -> Labels {
        if household {
            Labels {
                total: "Tổng số hộ gia đình của",
                present: "Số hộ gia đình được phát phiếu (A), so với H",
                absent: "Số hộ gia đình không được phát phiếu (H – A), so với H",
                issued: "Số phiếu phát ra (phát đến hộ gia đình)",
                spoiled: "Số phiếu hỏng đã đổi cho hộ gia đình (không tính vào số phiếu phát ra)",
                returned: "Số phiếu thu về, so với số phiếu phát ra",
                of_returned: "so với số phiếu thu về",
            }
        } else {
            Labels {
                total: "Tổng số đại diện hộ gia đình của",
                present: "Số đại diện hộ gia đình có mặt (A), so với H",
                absent: "Số hộ gia đình không có người đại diện tham dự (H – A), so với H",
                issued: "Số phiếu phát ra",
                spoiled: "Số phiếu viết hỏng đã đổi (không tính vào số phiếu phát ra)",
                returned: "Số phiếu thu vào, so với số phiếu phát ra",
                of_returned: "so với số phiếu thu vào",
            }
        }
    }
}

/// The counting table, rows 1–8, with a row per invalid reason met.
pub(super) fn counts_table(p: &Paper<'_>) -> Block {
    let doc = p.doc;
    let l = Labels::of(p.household());
    let h = doc.households;
    let a = doc.attendance;
    let returned = doc.returned.unwrap_or(doc.counted);
    let present = pcts(&[a, h.saturating_sub(a)], h);
    let valid_invalid = pcts(&[doc.valid, doc.invalid], returned);
    let mut rows = vec![vec![
        Cell::bold("STT", Align::Center),
        Cell::bold("Nội dung", Align::Center),
        Cell::bold("Số lượng", Align::Center),
        Cell::bold("Tỷ lệ", Align::Center),
    ]];
    rows.push(count_row(
        "1",
        format!("{} {} (H)", l.total, p.election.election.unit),
        h.to_string(),
        String::new(),
    ));
    rows.push(count_row(
        "2",
        l.present.to_string(),
        a.to_string(),
        present[0].clone(),
    ));
    rows.push(count_row(
        "3",
        l.absent.to_string(),
        h.saturating_sub(a).to_string(),
        present[1].clone(),
    ));
    rows.push(count_row(
        "4",
        l.issued.to_string(),
        num(doc.issued),
        String::new(),
    ));
    rows.push(count_row(
        "5",
        l.spoiled.to_string(),
        num(doc.spoiled),
        String::new(),
    ));
    rows.push(count_row(
        "6",
        l.returned.to_string(),
        num(doc.returned.or(Some(doc.counted))),
        doc.issued.map_or_else(String::new, |i| pct(returned, i)),
    ));
    rows.push(count_row(
        "7",
        format!("Số phiếu hợp lệ, {}", l.of_returned),
        doc.valid.to_string(),
        valid_invalid[0].clone(),
    ));
    rows.push(count_row(
        "8",
        format!("Số phiếu không hợp lệ, {}", l.of_returned),
        doc.invalid.to_string(),
        valid_invalid[1].clone(),
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
            &format!("8.{}", i + 1),
            format!("– {}", reason.label_vi()),
            n.to_string(),
            String::new(),
        ));
    }
    Block::Table {
        widths: vec![0.06, 0.73, 0.1, 0.11],
        rows,
        pt: TABLE,
    }
}

/// Figures that cannot be right, and a meeting without its quorum, stated in words
/// under the table (rules.md §6, §11).
pub(super) fn irregular(p: &Paper<'_>) -> Vec<Block> {
    let doc = p.doc;
    let mut out = Vec::new();
    let (h, a) = (doc.households, doc.attendance);
    if let (Some(issued), Some(returned)) = (doc.issued, doc.returned) {
        if returned > issued {
            let (got, word) = if p.household() {
                ("thu về", "phát ra")
            } else {
                ("thu vào", "phát ra")
            };
            out.push(Block::Space(1.0));
            out.push(styled(
                format!(
                    "Số phiếu {got} ({returned}) nhiều hơn số phiếu {word} ({issued}), thừa {} phiếu: số liệu không khớp, {} không công bố người trúng cử; kết quả kiểm phiếu được trình Ủy ban nhân dân {} xem xét, quyết định.",
                    returned - issued,
                    p.body.name_vi(),
                    p.commune()
                ),
                Weight::Bold,
                BODY,
                Align::Left,
            ));
        }
    }
    if matches!(p.standing, Standing::NoQuorum) {
        out.push(Block::Space(1.0));
        out.push(styled(
            format!(
                "Số đại diện hộ gia đình có mặt ({a}) không vượt quá một nửa tổng số đại diện hộ gia đình ({h}): {a} × 2 không quá {h}. Cuộc họp không đủ số đại diện hộ gia đình tham dự để có thể đạt tỷ lệ biểu quyết tán thành trên 50% tổng số hộ gia đình (Luật Thực hiện dân chủ ở cơ sở, điều 19 khoản 1 điểm b), nên không thể bầu được {} tại cuộc họp này.",
                p.office_unit
            ),
            Weight::Bold,
            BODY,
            Align::Left,
        ));
    }
    out
}

/// The small print under the table: the pages set aside by kind (scanned, not
/// counted), the papers counted invalid as not the issued form by kind, and how
/// many the officials decided.
pub(super) fn scan_note(p: &Paper<'_>) -> Block {
    let doc = p.doc;
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
    // Mẫu 04 says the papers were collected ("thu về"), Mẫu 02 returned ("thu vào").
    let returned = if p.household() {
        "thu về"
    } else {
        "thu vào"
    };
    let mut text = if aside.is_empty() {
        "Không có tờ quét nào phải để riêng.".to_string()
    } else {
        format!(
            "Tờ quét được để riêng, không tính vào số phiếu {returned}: {}.",
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
        " {} đã quyết định {} tờ.",
        p.body.name_vi(),
        doc.decided_by_officials
    );
    styled(text, Weight::Regular, 8.0, Align::Left)
}

/// How the percentages are rounded (rules.md §7), under the votes.
pub(super) fn rounding_note(p: &Paper<'_>) -> Block {
    let parts = if p.household() {
        "được phát phiếu và không được phát phiếu"
    } else {
        "có mặt và vắng mặt"
    };
    styled(
        format!(
            "Tỷ lệ: hai chữ số thập phân, chữ số thứ ba từ 5 trở lên thì làm tròn lên; các phần của một tổng ({parts}; hợp lệ, không hợp lệ; phiếu từng người so với phiếu hợp lệ) cộng lại đúng 100%, 0,01% còn thiếu cộng cho phần có số bị bỏ lớn nhất; người trúng cử xét bằng số phiếu."
        ),
        Weight::Regular,
        7.0,
        Align::Left,
    )
}

/// The votes per candidate; a single candidate has an agree and a disagree row.
pub(super) fn votes_table(p: &Paper<'_>) -> Block {
    let doc = p.doc;
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
    let row = |stt: String, label: String, votes: u32, of_valid: String| {
        vec![
            Cell::new(stt, Align::Center),
            Cell::new(label, Align::Left),
            Cell::new(votes.to_string(), Align::Right),
            Cell::new(pct(votes, h), Align::Right),
            Cell::new(of_valid, Align::Right),
        ]
    };
    if let Some(c) = doc.candidates.first().filter(|_| single) {
        let shares = pcts(&[c.votes, doc.disapprove], doc.valid);
        vrows.push(row(
            "1".into(),
            format!("{} — Đồng ý", c.name),
            c.votes,
            shares[0].clone(),
        ));
        vrows.push(row(
            "2".into(),
            format!("{} — Không đồng ý", c.name),
            doc.disapprove,
            shares[1].clone(),
        ));
    } else {
        let votes: Vec<u32> = doc.candidates.iter().map(|c| c.votes).collect();
        let shares = pcts(&votes, doc.valid);
        for (i, (c, share)) in doc.candidates.iter().zip(shares).enumerate() {
            vrows.push(row((i + 1).to_string(), c.name.clone(), c.votes, share));
        }
    }
    Block::Table {
        widths: vec![0.07, 0.41, 0.1, 0.16, 0.26],
        rows: vrows,
        pt: TABLE,
    }
}

/// Clusters / ballot boxes: sub-counts that add up to the unit's result, with
/// the candidates' names and a totals row (none for one batch).
pub(super) fn batch_blocks(p: &Paper<'_>) -> Vec<Block> {
    let doc = p.doc;
    if doc.batches.len() <= 1 {
        return Vec::new();
    }
    let single = doc.candidates.len() == 1;
    let n = doc.candidates.len();
    let mut widths = vec![0.19, 0.1, 0.1, 0.11];
    let rest = 0.5 / (n as f32 + f32::from(u8::from(single)));
    let mut header = vec![
        Cell::bold("Cụm / hòm phiếu", Align::Center),
        Cell::bold("Phiếu kiểm", Align::Center),
        Cell::bold("Hợp lệ", Align::Center),
        Cell::bold("Không hợp lệ", Align::Center),
    ];
    for c in &doc.candidates {
        widths.push(rest);
        let label = if single {
            format!("{} — Đồng ý", c.name)
        } else {
            c.name.clone()
        };
        header.push(Cell::bold(label, Align::Center));
    }
    if single {
        widths.push(rest);
        header.push(Cell::bold("Không đồng ý", Align::Center));
    }
    let mut brows = vec![header];
    let mut totals = vec![0u32; 3 + n + usize::from(single)];
    for (name, b) in &doc.batches {
        let mut figures = vec![b.counted, b.valid, b.invalid];
        figures.extend(
            doc.candidates
                .iter()
                .map(|c| b.votes.get(&c.id).copied().unwrap_or(0)),
        );
        if single {
            figures.push(b.disapprove);
        }
        for (t, f) in totals.iter_mut().zip(&figures) {
            *t += f;
        }
        let mut r = vec![Cell::new(name.clone(), Align::Left)];
        r.extend(
            figures
                .into_iter()
                .map(|f| Cell::new(f.to_string(), Align::Right)),
        );
        brows.push(r);
    }
    let mut total_row = vec![Cell::bold("Cộng", Align::Left)];
    total_row.extend(
        totals
            .into_iter()
            .map(|t| Cell::bold(t.to_string(), Align::Right)),
    );
    brows.push(total_row);
    // The heading stays with its table.
    vec![
        Block::Space(2.0),
        Block::Keep(vec![
            para(
                "Kết quả theo từng cụm dân cư / hòm phiếu (cộng lại thành kết quả của đơn vị, xét trên H):",
                BODY,
            ),
            Block::Space(0.8),
            Block::Table {
                widths,
                rows: brows,
                pt: 9.0,
            },
        ]),
    ]
}
