//! The papers of a count as A4 PDFs, filled from the signed result: the biên
//! bản kiểm phiếu of Decree 59 (Mẫu số 02, or Mẫu số 04 in household-ballot
//! mode) and the community's decision (Mẫu số 03), each with a machine part at
//! the foot holding the signed compact result as a QR code; and the commune's summary.

mod flow;
mod pdf;
mod sheet;
mod summary;
mod text;
mod ward;

pub use flow::{Align, Block, Cell, Item, paginate, render, stack};
pub use pdf::{A4_MM, render_pages};
pub use sheet::{
    MachinePart, blocks, decision_blocks, initials_names, local_time, machine_blocks,
    office_of_unit, when_vi,
};
pub use summary::{Refusal, Summary, SummaryRow, Totals, assemble};
pub use text::{Weight, width_mm, wrap};
pub use ward::{SUMMARY_QR_PREFIX, SummarySignature, sign_summary, ward_pdf, ward_row};

use crate::election::Election;
use crate::result::ResultDoc;

/// The diagonal mark on a sheet of a session not yet confirmed.
pub const DRAFT_WATERMARK: &str = "BẢN NHÁP — CHƯA XÁC NHẬN";

/// Why the sheet could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The PDF writer rejected a bundled font.
    #[error("the PDF writer rejected the bundled serif font")]
    Font,
    /// The PDF writer failed.
    #[error("PDF writer: {0}")]
    Pdf(String),
    /// Bad argument.
    #[error("{0}")]
    Input(String),
}

/// Page margins in millimetres: left, right, top, bottom.
const MARGINS: (f32, f32, f32, f32) = (20.0, 15.0, 10.0, 8.0);

/// Lays the biên bản kiểm phiếu out (Mẫu 02, or 04 in household mode): one set of pages per copy.
pub fn layout(
    doc: &ResultDoc,
    election: &Election,
    machine: &MachinePart,
    copies: u32,
) -> Result<Vec<Vec<Item>>, ReportError> {
    lay_out(&blocks(doc, election), doc, election, machine, copies)
}

/// Lays the community's decision (Mẫu 03) out: the same machine part, one set of pages per copy.
pub fn layout_decision(
    doc: &ResultDoc,
    election: &Election,
    machine: &MachinePart,
    copies: u32,
) -> Result<Vec<Vec<Item>>, ReportError> {
    lay_out(
        &decision_blocks(doc, election),
        doc,
        election,
        machine,
        copies,
    )
}

/// The initials lines a multi-page paper carries on every page (rules.md §12):
/// one line a member of the counting body, with the name under it.
fn initials_block(doc: &ResultDoc, election: &Election) -> Block {
    let body = doc
        .board
        .body
        .unwrap_or(election.election.counting_body)
        .name_vi();
    let names = initials_names(doc);
    let frac = 0.78 / names.len().max(1) as f32;
    let mut cols = vec![(
        0.22,
        vec![
            Block::Space(4.0),
            flow::styled(format!("{body} ký tắt:"), Weight::Bold, 8.0, Align::Left),
        ],
    )];
    cols.extend(names.into_iter().map(|n| {
        (
            frac,
            vec![
                Block::Space(6.0),
                Block::Rule(24.0),
                flow::styled(n, Weight::Regular, 7.0, Align::Center),
            ],
        )
    }));
    Block::Columns(cols)
}

/// Paginates a paper above the machine foot, numbers its pages, adds the
/// initials lines to every page when it takes more than one, and repeats it per copy.
fn lay_out(
    content: &[Block],
    doc: &ResultDoc,
    election: &Election,
    machine: &MachinePart,
    copies: u32,
) -> Result<Vec<Vec<Item>>, ReportError> {
    if copies == 0 || copies > 20 {
        return Err(ReportError::Input(format!(
            "--copies {copies}: between 1 and 20 copies"
        )));
    }
    let (left, right, top, bottom) = MARGINS;
    let width = A4_MM.0 - left - right;
    let (foot, foot_h) = stack(&machine_blocks(machine), width);
    let foot_top = A4_MM.1 - bottom - foot_h;
    let mut body = paginate(content, width, top, foot_top - 3.0);
    let mut initials = Vec::new();
    if body.len() > 1 {
        let (items, h) = render(&initials_block(doc, election), width);
        let at = foot_top - 2.0 - h;
        initials = items.into_iter().map(|i| shift(i, 0.0, at)).collect();
        body = paginate(content, width, top, at - 1.0);
    }
    let total = body.len();
    let mut pages = Vec::new();
    for copy in 1..=copies {
        for (p, items) in body.iter().enumerate() {
            let mut page: Vec<Item> = items.iter().cloned().map(|i| shift(i, left, 0.0)).collect();
            page.extend(initials.iter().cloned().map(|i| shift(i, left, 0.0)));
            page.extend(foot.iter().cloned().map(|i| shift(i, left, foot_top)));
            let mut label = Vec::new();
            if copies > 1 {
                label.push(format!("Bản số {copy}/{copies}"));
            }
            if total > 1 {
                label.push(format!("Trang {}/{total}", p + 1));
            }
            if !label.is_empty() {
                let text = label.join(" · ");
                let size = 8.0 * flow::MM_PER_PT;
                page.push(Item::Text {
                    x: A4_MM.0 - right - width_mm(Weight::Regular, &text, size),
                    y: 7.5,
                    size,
                    weight: Weight::Regular,
                    text,
                    gray: 0,
                });
            }
            pages.push(page);
        }
    }
    Ok(pages)
}

pub(crate) fn shift(item: Item, dx: f32, dy: f32) -> Item {
    match item {
        Item::Text {
            x,
            y,
            size,
            weight,
            text,
            gray,
        } => Item::Text {
            x: x + dx,
            y: y + dy,
            size,
            weight,
            text,
            gray,
        },
        Item::Rect { x, y, w, h } => Item::Rect {
            x: x + dx,
            y: y + dy,
            w,
            h,
        },
        Item::Qr { x, y, size, text } => Item::Qr {
            x: x + dx,
            y: y + dy,
            size,
            text,
        },
    }
}

/// The biên bản as PDF bytes; a session not yet confirmed gets the draft watermark.
pub fn render_report(
    doc: &ResultDoc,
    election: &Election,
    machine: &MachinePart,
    copies: u32,
) -> Result<Vec<u8>, ReportError> {
    let pages = layout(doc, election, machine, copies)?;
    render_pages(&pages, (!doc.is_final).then_some(DRAFT_WATERMARK))
}

/// The community's decision (Mẫu 03) as PDF bytes, watermarked like the biên bản.
pub fn render_decision(
    doc: &ResultDoc,
    election: &Election,
    machine: &MachinePart,
    copies: u32,
) -> Result<Vec<u8>, ReportError> {
    let pages = layout_decision(doc, election, machine, copies)?;
    render_pages(&pages, (!doc.is_final).then_some(DRAFT_WATERMARK))
}

impl MachinePart {
    /// The machine part of a signed result.
    pub fn of(signed: &crate::result::SignedResult, qr_text: &str) -> MachinePart {
        let doc = &signed.doc;
        MachinePart {
            station: doc.station.clone(),
            session: doc.session,
            closed: match &doc.closed_at {
                Some(t) if doc.is_final => when_vi(t),
                _ => "chưa xác nhận (bản nháp)".to_string(),
            },
            result_fingerprint: doc.fingerprint(),
            root: doc.root.clone(),
            public_key: signed.public_key.clone(),
            signature: signed.signature.clone(),
            qr_text: qr_text.to_string(),
            demo: doc.demo,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::election::{Candidate, EXAMPLE_ELECTION, parse_election};
    use crate::result::{CandidateResult, sample_doc};

    pub(super) fn machine() -> MachinePart {
        MachinePart {
            station: "0011223344556677".into(),
            session: 1,
            closed: "10 giờ 00 phút, ngày 13/10/2024".into(),
            result_fingerprint: "ab".repeat(32),
            root: "cd".repeat(32),
            public_key: "ef".repeat(32),
            signature: "12".repeat(64),
            qr_text: format!("KPR1{}", "A".repeat(230)),
            demo: false,
        }
    }

    fn texts(page: &[Item]) -> Vec<String> {
        page.iter()
            .filter_map(|i| match i {
                Item::Text { text, .. } => Some(text.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn five_candidates_two_members_three_reasons_fit_one_page() {
        let mut election =
            parse_election(EXAMPLE_ELECTION, std::path::Path::new("e.toml")).unwrap();
        let mut doc = sample_doc();
        let names = [
            "Nguyễn Văn An",
            "Trần Thị Bình",
            "Lê Hoàng Cường",
            "Phạm Thị Dung",
            "Hoàng Văn Em",
        ];
        election.candidates = names
            .iter()
            .enumerate()
            .map(|(i, n)| Candidate {
                id: format!("c{}", i + 1),
                name: n.to_string(),
                honorific: None,
            })
            .collect();
        doc.candidates = names
            .iter()
            .enumerate()
            .map(|(i, n)| CandidateResult {
                id: format!("c{}", i + 1),
                name: n.to_string(),
                votes: 50,
            })
            .collect();
        doc.board.members = vec!["Lê Văn Ba".into(), "Vũ Thị Tư".into()];
        for r in crate::rules::InvalidReason::ALL.iter().take(3) {
            doc.invalid_by_reason.insert(r.code().to_string(), 1);
        }
        let pages = layout(&doc, &election, &machine(), 1).unwrap();
        assert_eq!(
            pages.len(),
            1,
            "{:?}",
            pages.iter().map(|p| texts(p)).collect::<Vec<_>>()
        );
        let all = texts(&pages[0]).join("\n");
        for name in names {
            assert!(all.contains(name));
        }
        assert!(all.contains("Vũ Thị Tư") && all.contains("Đỗ Thị Mai"));
        // Every item inside the page.
        for item in &pages[0] {
            if let Item::Text { x, y, .. } = item {
                assert!(*x >= 0.0 && *x < A4_MM.0 && *y > 0.0 && *y < A4_MM.1);
            }
        }
        let three = layout(&doc, &election, &machine(), 3).unwrap();
        assert_eq!(three.len(), 3);
        assert!(texts(&three[2]).contains(&"Bản số 3/3".to_string()));
        assert!(layout(&doc, &election, &machine(), 0).is_err());
    }

    #[test]
    fn a_long_sheet_keeps_the_outcome_with_the_signatures() {
        let election = parse_election(EXAMPLE_ELECTION, std::path::Path::new("e.toml")).unwrap();
        let mut doc = sample_doc();
        doc.board.members = vec![
            "Lê Văn Ba".into(),
            "Vũ Thị Tư".into(),
            "Đặng Văn Năm".into(),
            "Bùi Thị Sáu".into(),
        ];
        for r in crate::rules::InvalidReason::ALL.iter().take(5) {
            doc.invalid_by_reason.insert(r.code().to_string(), 1);
        }
        doc.note = Some("Một phiếu bị rách khi mở hòm, đã lập biên bản riêng. ".repeat(6));
        for i in 0..8 {
            doc.batches.insert(
                format!("cụm {i}"),
                crate::result::BatchResult {
                    counted: 1,
                    valid: 1,
                    invalid: 0,
                    votes: std::collections::BTreeMap::default(),
                    disapprove: 0,
                },
            );
        }
        let pages = layout(&doc, &election, &machine(), 1).unwrap();
        assert_eq!(pages.len(), 2);
        let first = texts(&pages[0]);
        let second = texts(&pages[1]).join("\n");
        assert!(
            texts(&pages[1])
                .iter()
                .any(|t| t.starts_with("Kết quả: Nguyễn Văn An trúng cử")),
            "{second}"
        );
        assert!(second.contains("Bùi Thị Sáu") && second.contains("Đỗ Thị Mai"));
        // Every page: its number and the initials lines of the whole counting body.
        for (page, n) in [(&first, 1), (&texts(&pages[1]), 2)] {
            assert!(page.contains(&format!("Trang {n}/2")), "{page:?}");
            assert!(
                page.contains(&"Ban kiểm phiếu ký tắt:".to_string()),
                "{page:?}"
            );
            for member in ["Nguyễn Thị Hoa", "Lê Văn Ba", "Bùi Thị Sáu"] {
                assert!(page.contains(&member.to_string()), "{member} on page {n}");
            }
        }
        // The figures stay on page 1, nothing of the outcome is left behind.
        assert!(
            !first.iter().any(|t| t.starts_with("Kết quả:")),
            "{first:?}"
        );
        // A one-page sheet needs no initials.
        let mut short = sample_doc();
        short.board.members = vec!["Lê Văn Ba".into(), "Vũ Thị Tư".into()];
        let one = layout(&short, &election, &machine(), 1).unwrap();
        assert_eq!(one.len(), 1);
        assert!(!texts(&one[0]).contains(&"Ban kiểm phiếu ký tắt:".to_string()));
    }
}
