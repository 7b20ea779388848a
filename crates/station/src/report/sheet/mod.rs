//! The content of the biên bản kiểm phiếu (Decree 59 Mẫu số 02; Mẫu số 04 in
//! household-ballot mode), as blocks, from a signed result.

mod closing;
mod figures;
mod hand_check;
mod head;

use chrono::{DateTime, FixedOffset};

use super::flow::{Align, Block, styled};
use super::text::Weight;
use crate::election::{Election, Mode};
use crate::result::ResultDoc;
use crate::rules::{date_vi, percent, time_vi};

/// Body size in points.
const BODY: f32 = 10.0;
/// Table text size in points.
const TABLE: f32 = 9.5;

/// The machine-readable foot of the sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MachinePart {
    /// Station id.
    pub station: String,
    /// Session id.
    pub session: i64,
    /// Closing time as printed, or a draft note.
    pub closed: String,
    /// SHA-256 of the canonical result.
    pub result_fingerprint: String,
    /// Root hash over images and records.
    pub root: String,
    /// Station public key.
    pub public_key: String,
    /// Signature of the canonical result.
    pub signature: String,
    /// The signed compact result (QR content).
    pub qr_text: String,
    /// A demo count: the machine part says it has no legal value too.
    pub demo: bool,
}

/// Vietnam time (UTC+7) of a stored RFC 3339 time.
pub fn local_time(rfc3339: &str) -> Option<DateTime<FixedOffset>> {
    let ict = FixedOffset::east_opt(7 * 3600)?;
    DateTime::parse_from_rfc3339(rfc3339)
        .ok()
        .map(|t| t.with_timezone(&ict))
}

/// "08 giờ 05 phút, ngày 13/10/2024" in Vietnam time.
pub fn when_vi(rfc3339: &str) -> String {
    use chrono::Timelike;
    match local_time(rfc3339) {
        Some(t) => format!(
            "{}, ngày {}",
            time_vi(t.hour(), t.minute()),
            date_vi(t.date_naive())
        ),
        None => rfc3339.to_string(),
    }
}

/// "Trưởng khu phố Đông Sơn" from office "Trưởng khu phố" and unit "Khu phố Đông Sơn".
pub fn office_of_unit(office: &str, unit: &str) -> String {
    let lower_unit = unit.to_lowercase();
    for prefix in ["tổ trưởng ", "trưởng "] {
        if let Some(kind) = office.to_lowercase().strip_prefix(prefix) {
            if lower_unit.starts_with(&format!("{kind} ")) {
                let rest = unit.chars().skip(kind.chars().count()).collect::<String>();
                return format!("{office}{rest}");
            }
        }
    }
    format!("{office} {unit}")
}

fn pct(n: u32, d: u32) -> String {
    if d == 0 {
        "—".to_string()
    } else {
        format!("{}%", percent(u64::from(n), u64::from(d)))
    }
}

fn num(n: Option<u32>) -> String {
    n.map_or_else(|| "—".to_string(), |n| n.to_string())
}

/// The sheet's blocks (without the machine foot), part by part in the order of the form.
pub fn blocks(doc: &ResultDoc, election: &Election) -> Vec<Block> {
    let e = &election.election;
    let household = e.mode == Mode::Household;
    let office_unit = office_of_unit(&e.office, &e.unit);
    let mut out = Vec::new();
    if doc.demo {
        out.push(styled(
            crate::store::DEMO_MARK,
            Weight::Bold,
            12.0,
            Align::Center,
        ));
        out.push(Block::Space(1.5));
    }
    out.extend([head::header(e), Block::Space(2.5)]);
    out.extend(head::title(e, &office_unit, household));
    out.push(Block::Space(2.5));
    out.extend(head::opening(doc, e, &office_unit));
    out.push(Block::Space(1.0));
    out.push(figures::counts_table(doc, e, household));
    out.push(Block::Space(1.0));
    out.push(figures::scan_note(doc));
    out.push(Block::Space(1.5));
    out.push(figures::votes_table(doc));
    out.extend(figures::batch_blocks(doc));
    out.push(Block::Space(1.0));
    out.push(hand_check::hand_check_note(doc));
    out.push(Block::Space(2.0));
    // Outcome, notes, copies and signatures stay together on one page.
    out.push(Block::Keep(closing::closing(doc, election, &office_unit)));
    out
}

/// The machine part: ids and hashes beside the QR code of the signed compact result.
pub fn machine_blocks(m: &MachinePart) -> Vec<Block> {
    let small = |t: String| styled(t, Weight::Regular, 7.0, Align::Left);
    let (sig1, sig2) = m.signature.split_at(m.signature.len().min(64));
    let mut lines = Vec::new();
    if m.demo {
        lines.push(styled(
            crate::store::DEMO_MARK,
            Weight::Bold,
            8.0,
            Align::Left,
        ));
    }
    lines.extend([
        styled(
            "Phần dành cho máy đọc (kiemphieu verify)",
            Weight::Bold,
            8.0,
            Align::Left,
        ),
        small(format!("Trạm kiểm phiếu: {}", m.station)),
        small(format!("Phiên kiểm phiếu: {}", m.session)),
        small(format!("Kết thúc: {}", m.closed)),
        small(format!("Mã kết quả (SHA-256): {}", m.result_fingerprint)),
        small(format!("Gốc dữ liệu: {}", m.root)),
        small(format!("Khóa công khai: {}", m.public_key)),
        small(format!("Chữ ký: {sig1}")),
        small(sig2.to_string()),
    ]);
    vec![
        Block::Rule(1000.0),
        Block::Space(1.0),
        Block::Columns(vec![
            (0.78, lines),
            (
                0.22,
                vec![Block::Qr {
                    size: 33.0,
                    text: m.qr_text.clone(),
                }],
            ),
        ]),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn office_and_unit_are_not_repeated() {
        assert_eq!(
            office_of_unit("Trưởng khu phố", "Khu phố Đông Sơn"),
            "Trưởng khu phố Đông Sơn"
        );
        assert_eq!(
            office_of_unit("Tổ trưởng tổ dân phố", "Tổ dân phố số 5"),
            "Tổ trưởng tổ dân phố số 5"
        );
        assert_eq!(
            office_of_unit("Trưởng thôn", "Làng Vân"),
            "Trưởng thôn Làng Vân"
        );
    }

    #[test]
    fn times_are_vietnam_time() {
        assert_eq!(
            when_vi("2024-10-13T01:05:00.000Z"),
            "08 giờ 05 phút, ngày 13/10/2024"
        );
    }
}
