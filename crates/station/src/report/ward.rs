//! The commune's summary as an A4 PDF: one row per unit and round with its
//! flags, the units still missing, totals over each unit's latest round, the
//! signatures, and the summary's own signed fingerprint with a QR code.

use super::flow::{Align, Block, Cell, paginate, para, stack, styled};
use super::pdf::{A4_MM, render_pages};
use super::summary::{Summary, SummaryRow};
use super::text::Weight;
use super::{ReportError, office_of_unit};
use crate::result::ResultDoc;
use crate::rules::{NONE_ELECTED_VI, Standing, percent};
use crate::signing::StationKey;

/// Prefix of the summary's QR text: `KPS1` + base32 of its SHA-256 and signature.
pub const SUMMARY_QR_PREFIX: &str = "KPS1";

/// The summary's signature, as printed at its foot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummarySignature {
    /// When it was made, as printed.
    pub made_at: String,
    /// SHA-256 of the canonical summary, hex.
    pub fingerprint: String,
    /// The signer's public key, hex.
    pub public_key: String,
    /// Ed25519 signature of the canonical summary, hex.
    pub signature: String,
    /// QR text: [`SUMMARY_QR_PREFIX`] + base32 (fingerprint ‖ signature).
    pub qr_text: String,
}

/// Signs the canonical summary with `key`: its fingerprint, signature and QR text.
pub fn sign_summary(summary: &Summary, key: &StationKey, made_at: &str) -> SummarySignature {
    use sha2::Digest;
    let canonical = summary.canonical(made_at);
    let digest: [u8; 32] = sha2::Sha256::digest(canonical.as_bytes()).into();
    let signature = key.sign(canonical.as_bytes());
    let mut both = digest.to_vec();
    both.extend_from_slice(&signature);
    SummarySignature {
        made_at: made_at.to_string(),
        fingerprint: hex::encode(digest),
        public_key: key.public().to_hex(),
        signature: hex::encode(signature),
        qr_text: format!(
            "{SUMMARY_QR_PREFIX}{}",
            data_encoding::BASE32_NOPAD.encode(&both)
        ),
    }
}

/// What a result declares, in a few words for the summary's table.
fn declared(doc: &ResultDoc) -> String {
    match doc.standing() {
        Standing::Elected { candidate, votes } => {
            let name = doc
                .candidates
                .iter()
                .find(|c| c.id == candidate)
                .map_or(candidate.clone(), |c| c.name.clone());
            format!(
                "{name} ({votes} phiếu, {}%)",
                percent(u64::from(votes), u64::from(doc.households))
            )
        }
        Standing::NoneElected { reason } => format!("{NONE_ELECTED_VI}: {}", reason.label_vi()),
        Standing::NoQuorum => {
            format!("{NONE_ELECTED_VI}: cuộc họp không đủ số đại diện hộ gia đình")
        }
        Standing::Submitted { .. } => {
            "Chưa xác định: trình Ủy ban nhân dân cấp xã quyết định".into()
        }
    }
}

/// One row's cells as text: unit, round, H, A, returned, valid, invalid, declared, flags.
pub fn ward_row(row: &SummaryRow) -> Vec<String> {
    let d = &row.doc;
    vec![
        d.election.unit.clone(),
        row.round.to_string(),
        d.households.to_string(),
        d.attendance.to_string(),
        d.returned.unwrap_or(d.counted).to_string(),
        d.valid.to_string(),
        d.invalid.to_string(),
        declared(d),
        row.flags.join("; "),
    ]
}

/// The table of rows and the totals row.
fn table(summary: &Summary) -> Block {
    let head = [
        "STT",
        "Đơn vị",
        "Lần",
        "H",
        "A",
        "Thu vào",
        "Hợp lệ",
        "Không hợp lệ",
        "Kết quả",
        "Cần lưu ý",
    ];
    let mut rows = vec![
        head.iter()
            .map(|h| Cell::bold(*h, Align::Center))
            .collect::<Vec<_>>(),
    ];
    for (n, row) in summary.rows.iter().enumerate() {
        let mut cells = vec![Cell::new((n + 1).to_string(), Align::Center)];
        for (k, text) in ward_row(row).into_iter().enumerate() {
            let align = if (1..=6).contains(&k) {
                Align::Right
            } else {
                Align::Left
            };
            cells.push(Cell::new(text, align));
        }
        rows.push(cells);
    }
    let t = summary.totals();
    rows.push(vec![
        Cell::new("", Align::Center),
        Cell::bold(format!("Tổng cộng ({} đơn vị)", t.units), Align::Left),
        Cell::new("", Align::Center),
        Cell::bold(t.households.to_string(), Align::Right),
        Cell::bold(t.attendance.to_string(), Align::Right),
        Cell::bold(t.returned.to_string(), Align::Right),
        Cell::bold(t.valid.to_string(), Align::Right),
        Cell::bold(t.invalid.to_string(), Align::Right),
        Cell::bold(
            format!("{}/{} đơn vị có người trúng cử", t.elected, t.units),
            Align::Left,
        ),
        Cell::new("", Align::Left),
    ]);
    Block::Table {
        widths: vec![
            0.045, 0.15, 0.045, 0.065, 0.065, 0.07, 0.07, 0.08, 0.22, 0.19,
        ],
        rows,
        pt: 8.0,
    }
}

/// The summary's machine part: fingerprint, key, signature and QR code.
fn machine(sig: &SummarySignature) -> Vec<Block> {
    let small = |t: String| styled(t, Weight::Regular, 7.0, Align::Left);
    let (s1, s2) = sig.signature.split_at(sig.signature.len().min(64));
    vec![
        Block::Rule(1000.0),
        Block::Space(1.0),
        Block::Columns(vec![
            (
                0.8,
                vec![
                    styled(
                        "Phần dành cho máy đọc (bản tổng hợp đã ký số)",
                        Weight::Bold,
                        8.0,
                        Align::Left,
                    ),
                    small(format!("Lập lúc: {}", sig.made_at)),
                    small(format!("Mã bản tổng hợp (SHA-256): {}", sig.fingerprint)),
                    small(format!("Khóa công khai: {}", sig.public_key)),
                    small(format!("Chữ ký: {s1}")),
                    small(s2.to_string()),
                ],
            ),
            (
                0.2,
                vec![Block::Qr {
                    size: 30.0,
                    text: sig.qr_text.clone(),
                }],
            ),
        ]),
    ]
}

/// The summary PDF (A4).
pub fn ward_pdf(summary: &Summary, sig: &SummarySignature) -> Result<Vec<u8>, ReportError> {
    let r = &summary.roster;
    let office = r.office.as_deref().map_or_else(
        || {
            summary.rows.first().map_or(String::new(), |row| {
                office_of_unit(&row.doc.election.office, "")
            })
        },
        ToString::to_string,
    );
    let mut blocks = Vec::new();
    if summary.rows.iter().any(|r| r.doc.demo) {
        blocks.push(styled(
            format!("{} (đơn vị ghi DEMO)", crate::store::DEMO_MARK),
            Weight::Bold,
            11.0,
            Align::Center,
        ));
    }
    blocks.extend([
        styled(
            format!("UBND {}", r.commune.to_uppercase()),
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
            format!("bầu {}, nhiệm kỳ {}", office.trim(), r.term),
            Weight::Bold,
            11.0,
            Align::Center,
        ),
        styled(
            format!(
                "(từ các biên bản kiểm phiếu đã ký số, đã kiểm tra chữ ký và chuỗi nhật ký; {} đơn vị theo danh sách)",
                r.units.len()
            ),
            Weight::Regular,
            9.0,
            Align::Center,
        ),
        Block::Space(4.0),
        table(summary),
        Block::Space(2.0),
        styled(
            "Tổng cộng tính trên lần bầu sau cùng của mỗi đơn vị (H của mỗi đơn vị tính một lần).",
            Weight::Regular,
            8.0,
            Align::Left,
        ),
        Block::Space(2.0),
    ]);
    if summary.missing.is_empty() {
        blocks.push(para(
            "Đơn vị chưa có kết quả: không có (đủ các đơn vị theo danh sách).",
            10.0,
        ));
    } else {
        let list = summary
            .missing
            .iter()
            .map(|u| format!("{} (H = {})", u.name, u.households))
            .collect::<Vec<_>>()
            .join("; ");
        blocks.push(styled(
            format!(
                "Đơn vị chưa có kết quả ({}): {list}.",
                summary.missing.len()
            ),
            Weight::Bold,
            10.0,
            Align::Left,
        ));
    }
    blocks.push(Block::Space(6.0));
    let signer = |role: &str| {
        vec![
            styled(role, Weight::Bold, 9.5, Align::Center),
            styled("(Ký, ghi rõ họ tên)", Weight::Regular, 8.5, Align::Center),
            Block::Space(16.0),
        ]
    };
    blocks.push(Block::Keep(vec![Block::Columns(vec![
        (0.5, signer("NGƯỜI TỔNG HỢP")),
        (0.5, signer("TM. ỦY BAN NHÂN DÂN")),
    ])]));
    let (left, right, bottom) = (15.0, 15.0, 8.0);
    let width = A4_MM.0 - left - right;
    let (foot, foot_h) = stack(&machine(sig), width);
    let foot_top = A4_MM.1 - bottom - foot_h;
    let pages: Vec<_> = paginate(&blocks, width, 15.0, foot_top - 3.0)
        .into_iter()
        .map(|p| {
            p.into_iter()
                .map(|i| super::shift(i, left, 0.0))
                .chain(
                    foot.iter()
                        .cloned()
                        .map(|i| super::shift(i, left, foot_top)),
                )
                .collect()
        })
        .collect();
    render_pages(&pages, None)
}
