//! The commune's summary of many units: one row per unit from its verified result.

use std::fmt::Write as _;

use super::flow::{Align, Block, Cell, paginate, styled};
use super::pdf::{A4_MM, render_pages};
use super::text::Weight;
use super::{ReportError, office_of_unit};
use crate::result::ResultDoc;
use crate::rules::{NONE_ELECTED_VI, percent};

/// One unit's row, from its signed result.
pub fn ward_row(doc: &ResultDoc) -> Vec<String> {
    let returned = doc.returned.unwrap_or(doc.counted);
    let winner = match &doc.outcome.winner {
        Some(id) => {
            let c = doc.candidates.iter().find(|c| &c.id == id);
            c.map_or(id.clone(), |c| {
                format!(
                    "{} ({} phiếu, {}%)",
                    c.name,
                    c.votes,
                    percent(u64::from(c.votes), u64::from(doc.households))
                )
            })
        }
        None => NONE_ELECTED_VI.to_string(),
    };
    let mut unit = if doc.is_final {
        doc.election.unit.clone()
    } else {
        format!("{} (bản nháp)", doc.election.unit)
    };
    if doc.round > 1 {
        let _ = write!(unit, " — bầu lại lần {}", doc.round - 1);
    }
    if doc.demo {
        unit.push_str(" (DEMO)");
    }
    vec![
        unit,
        doc.households.to_string(),
        returned.to_string(),
        doc.valid.to_string(),
        doc.invalid.to_string(),
        winner,
    ]
}

/// The ward summary PDF (A4), rows in the order given.
pub fn ward_pdf(docs: &[ResultDoc]) -> Result<Vec<u8>, ReportError> {
    let first = docs
        .first()
        .ok_or_else(|| ReportError::Input("no bundle to aggregate".into()))?;
    let commune = &first.election.commune;
    let mut rows = vec![
        [
            "STT",
            "Đơn vị",
            "Số hộ (H)",
            "Phiếu thu vào",
            "Hợp lệ",
            "Không hợp lệ",
            "Người trúng cử",
        ]
        .iter()
        .map(|h| Cell::bold(*h, Align::Center))
        .collect::<Vec<_>>(),
    ];
    let (mut h, mut r, mut v, mut i) = (0u64, 0u64, 0u64, 0u64);
    for (n, doc) in docs.iter().enumerate() {
        let row = ward_row(doc);
        h += u64::from(doc.households);
        r += u64::from(doc.returned.unwrap_or(doc.counted));
        v += u64::from(doc.valid);
        i += u64::from(doc.invalid);
        let mut cells = vec![Cell::new((n + 1).to_string(), Align::Center)];
        for (k, text) in row.into_iter().enumerate() {
            let align = if (1..=4).contains(&k) {
                Align::Right
            } else {
                Align::Left
            };
            cells.push(Cell::new(text, align));
        }
        rows.push(cells);
    }
    let elected = docs.iter().filter(|d| d.outcome.winner.is_some()).count();
    rows.push(vec![
        Cell::new("", Align::Center),
        Cell::bold("Tổng cộng", Align::Left),
        Cell::bold(h.to_string(), Align::Right),
        Cell::bold(r.to_string(), Align::Right),
        Cell::bold(v.to_string(), Align::Right),
        Cell::bold(i.to_string(), Align::Right),
        Cell::bold(
            format!("{elected}/{} đơn vị có người trúng cử", docs.len()),
            Align::Left,
        ),
    ]);
    let office = office_of_unit(&first.election.office, "");
    let mut blocks = Vec::new();
    if docs.iter().any(|d| d.demo) {
        blocks.push(styled(
            format!("{} (đơn vị ghi DEMO)", crate::store::DEMO_MARK),
            Weight::Bold,
            11.0,
            Align::Center,
        ));
    }
    blocks.extend([
        styled(
            format!("UBND {}", commune.to_uppercase()),
            Weight::Bold,
            11.0,
            Align::Left,
        ),
        Block::Space(4.0),
        styled(
            "TỔNG HỢP KẾT QUẢ KIỂM PHIẾU",
            Weight::Bold,
            14.0,
            Align::Center,
        ),
        styled(
            format!("bầu {}, nhiệm kỳ {}", office.trim(), first.election.term),
            Weight::Bold,
            11.0,
            Align::Center,
        ),
        styled(
            "(từ các biên bản kiểm phiếu đã ký số, đã kiểm tra chữ ký và chuỗi nhật ký)",
            Weight::Regular,
            9.0,
            Align::Center,
        ),
        Block::Space(4.0),
        Block::Table {
            widths: vec![0.06, 0.22, 0.1, 0.11, 0.1, 0.11, 0.3],
            rows,
            pt: 9.5,
        },
    ]);
    let (left, right) = (15.0, 15.0);
    let pages: Vec<_> = paginate(&blocks, A4_MM.0 - left - right, 15.0, A4_MM.1 - 15.0)
        .into_iter()
        .map(|p| p.into_iter().map(|i| super::shift(i, left, 0.0)).collect())
        .collect();
    render_pages(&pages, None)
}
