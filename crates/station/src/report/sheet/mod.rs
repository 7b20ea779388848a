//! The content of the papers a count sends to the commune, as blocks, from a
//! signed result: the biên bản kiểm phiếu (Decree 59 Mẫu số 02; Mẫu số 04 in
//! household-ballot mode) and the community's decision (Mẫu số 03).

mod closing;
mod decision;
mod figures;
mod hand_check;
mod head;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};

use super::flow::{Align, Block, styled};
use super::text::Weight;
use crate::election::{CountingBody, Election};
use crate::result::ResultDoc;
use crate::rules::{Standing, date_vi, percent, time_vi};

/// Body size in points.
const BODY: f32 = 9.5;
/// Table text size in points.
const TABLE: f32 = 9.0;

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
    when_shifted(rfc3339, 0)
}

/// As [`when_vi`], the date moved by `days` (the station's clock was that many days off).
fn when_shifted(rfc3339: &str, days: i64) -> String {
    use chrono::Timelike;
    match local_time(rfc3339) {
        Some(t) => {
            let day = t.date_naive() + chrono::Duration::days(days);
            format!("{}, ngày {}", time_vi(t.hour(), t.minute()), date_vi(day))
        }
        None => rfc3339.to_string(),
    }
}

/// "ngày 13 tháng 10 năm 2024".
fn date_long(d: NaiveDate) -> String {
    format!(
        "ngày {:02} tháng {:02} năm {}",
        d.day(),
        d.month(),
        d.year()
    )
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

/// "phường Đồng Kỵ" from "Phường Đồng Kỵ": an administrative name inside a sentence.
fn in_sentence(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A share as printed: "83,33%", or "—" without a denominator.
fn pct(n: u32, d: u32) -> String {
    if d == 0 {
        "—".to_string()
    } else {
        format!("{}%", percent(u64::from(n), u64::from(d)))
    }
}

/// Shares of one whole that add up to exactly 100% (rules.md §7), as printed.
fn pcts(parts: &[u32], total: u32) -> Vec<String> {
    if total == 0 {
        return parts.iter().map(|_| "—".to_string()).collect();
    }
    let parts: Vec<u64> = parts.iter().map(|&p| u64::from(p)).collect();
    crate::rules::shares(&parts, u64::from(total))
        .into_iter()
        .map(|bp| format!("{}%", crate::rules::basis_points_vi(bp)))
        .collect()
}

fn num(n: Option<u32>) -> String {
    n.map_or_else(|| "—".to_string(), |n| n.to_string())
}

/// Everything the forms read besides the blocks: who counted, the day, the wording of the mode.
pub(super) struct Paper<'a> {
    doc: &'a ResultDoc,
    election: &'a Election,
    /// The body that counted.
    body: CountingBody,
    /// The day of the count (the sheet's date).
    date: NaiveDate,
    /// Days the printed times are moved by: the clock was off when the board said so.
    clock_shift: i64,
    /// "Trưởng khu phố Đông Sơn".
    office_unit: String,
    /// What the papers declare.
    standing: Standing,
}

impl<'a> Paper<'a> {
    fn of(doc: &'a ResultDoc, election: &'a Election) -> Paper<'a> {
        let e = &election.election;
        let body = doc.board.body.unwrap_or(e.counting_body);
        let count_date = doc
            .count_date
            .as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        // The clock's day of opening against the day the board confirmed.
        let clock_shift = match (count_date, local_time(&doc.opened_at)) {
            (Some(d), Some(t)) => (d - t.date_naive()).num_days(),
            _ => 0,
        };
        Paper {
            doc,
            election,
            body,
            date: count_date.unwrap_or(e.date),
            clock_shift,
            office_unit: office_of_unit(&e.office, &e.unit),
            standing: doc.standing(),
        }
    }

    fn household(&self) -> bool {
        self.election.is_household()
    }

    /// A stored time as printed: Vietnam time, on the day the board confirmed.
    fn when(&self, rfc3339: &str) -> String {
        when_shifted(rfc3339, self.clock_shift)
    }

    /// A candidate's name as the sheets write it (with Ông / Bà when the election file gives it).
    fn addressed(&self, id: &str, fallback: &str) -> String {
        self.election.candidate(id).map_or_else(
            || fallback.to_string(),
            crate::election::Candidate::addressed,
        )
    }

    /// "Phường Đồng Kỵ" as written inside a sentence: "phường Đồng Kỵ".
    fn commune(&self) -> String {
        in_sentence(&self.election.election.commune)
    }
}

/// The time of day alone ("08 giờ 05 phút") of a stored time, in Vietnam time.
fn time_of_day(rfc3339: &str) -> String {
    use chrono::Timelike;
    local_time(rfc3339).map_or_else(|| rfc3339.to_string(), |t| time_vi(t.hour(), t.minute()))
}

/// The biên bản kiểm phiếu's blocks (without the machine foot), part by part
/// in the order of the form: Mẫu 02, or Mẫu 04 in household mode.
pub fn blocks(doc: &ResultDoc, election: &Election) -> Vec<Block> {
    let p = Paper::of(doc, election);
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
    out.extend([head::header(&p), Block::Space(2.0)]);
    out.extend(head::title(&p));
    out.push(Block::Space(2.0));
    // The opening says when a count is a re-election, citing the earlier count.
    out.extend(head::opening(&p));
    out.push(Block::Space(1.0));
    out.push(figures::counts_table(&p));
    out.extend(figures::irregular(&p));
    out.push(Block::Space(1.0));
    // The pages set aside, by kind, with the wording of each kind.
    out.push(figures::scan_note(&p));
    out.push(Block::Space(1.5));
    out.push(figures::votes_table(&p));
    out.push(figures::rounding_note(&p));
    out.extend(figures::batch_blocks(&p));
    out.push(Block::Space(1.0));
    out.push(hand_check::hand_check_note(doc));
    out.push(Block::Space(2.0));
    // Outcome, notes, copies and signatures stay together on one page.
    out.push(Block::Keep(closing::closing(&p)));
    out
}

/// The community's decision (Mẫu số 03): the same numbers, the decision, and the
/// four signatures of Law art. 20(2)(g).
pub fn decision_blocks(doc: &ResultDoc, election: &Election) -> Vec<Block> {
    decision::blocks(&Paper::of(doc, election))
}

/// Who initials every page of a multi-page sheet: the counting body.
pub fn initials_names(doc: &ResultDoc) -> Vec<String> {
    std::iter::once(doc.board.leader.clone())
        .chain(doc.board.members.iter().cloned())
        .collect()
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
        assert_eq!(in_sentence("Phường Đồng Kỵ"), "phường Đồng Kỵ");
        assert_eq!(in_sentence("Xã Phú Cát"), "xã Phú Cát");
    }

    #[test]
    fn times_are_vietnam_time() {
        assert_eq!(
            when_vi("2024-10-13T01:05:00.000Z"),
            "08 giờ 05 phút, ngày 13/10/2024"
        );
        assert_eq!(
            when_shifted("2026-11-29T17:03:00.000Z", -778),
            "00 giờ 03 phút, ngày 13/10/2024"
        );
        assert_eq!(
            date_long(NaiveDate::from_ymd_opt(2024, 6, 2).unwrap()),
            "ngày 02 tháng 06 năm 2024"
        );
    }

    #[test]
    fn shares_of_one_whole_add_up() {
        assert_eq!(pcts(&[1, 19_999], 20_000), vec!["0,01%", "99,99%"]);
        assert_eq!(pcts(&[1, 1, 1], 3), vec!["33,34%", "33,33%", "33,33%"]);
        assert_eq!(pcts(&[0, 0], 0), vec!["—", "—"]);
    }
}
