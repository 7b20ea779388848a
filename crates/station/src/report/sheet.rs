//! The content of the biên bản kiểm phiếu (Decree 59 Mẫu số 02; Mẫu số 04 in
//! household-ballot mode), as blocks, from a signed result.

use chrono::{DateTime, FixedOffset, NaiveDate};

use super::flow::{Align, Block, Cell, para, styled};
use super::text::Weight;
use crate::election::{Election, Mode};
use crate::result::ResultDoc;
use crate::rules::{
    InvalidReason, NONE_ELECTED_VI, NoWinnerReason, RE_ELECTION_NOTE_VI, date_vi, percent,
    send_by_date, time_vi, votes_needed,
};

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

/// The sheet's blocks (without the machine foot).
pub fn blocks(doc: &ResultDoc, election: &Election) -> Vec<Block> {
    let e = &election.election;
    let household = e.mode == Mode::Household;
    let office_unit = office_of_unit(&e.office, &e.unit);
    let mut out = Vec::new();
    let meeting: NaiveDate = e.date;

    // Header: issuing body left, national motto right.
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
                chrono::Datelike::day(&meeting),
                chrono::Datelike::month(&meeting),
                chrono::Datelike::year(&meeting)
            ),
            Weight::Regular,
            10.0,
            Align::Center,
        ),
    ];
    out.push(Block::Columns(vec![(0.4, left), (0.6, right)]));
    out.push(Block::Space(2.5));
    let form = if household {
        "Mẫu số 04"
    } else {
        "Mẫu số 02"
    };
    out.push(styled(
        "BIÊN BẢN KIỂM PHIẾU",
        Weight::Bold,
        14.0,
        Align::Center,
    ));
    out.push(styled(
        format!("Về việc bầu {office_unit}, nhiệm kỳ {}", e.term),
        Weight::Bold,
        11.0,
        Align::Center,
    ));
    let how = if household {
        "bầu bằng phiếu phát đến hộ gia đình"
    } else {
        "bầu tại hội nghị đại diện hộ gia đình"
    };
    out.push(styled(
        format!("({form} — Nghị định 59/2023/NĐ-CP; {how})"),
        Weight::Regular,
        9.0,
        Align::Center,
    ));
    out.push(Block::Space(2.5));

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
    out.push(para(
        format!(
            "Hồi {}, tại {place}, Tổ bầu cử tiến hành kiểm phiếu bầu {office_unit}, nhiệm kỳ {}.",
            when_vi(&doc.opened_at),
            e.term
        ),
        BODY,
    ));
    let mut board = format!(
        "Tổ bầu cử (Ban kiểm phiếu) gồm: Ông/Bà {} – Tổ trưởng",
        doc.board.leader
    );
    for m in &doc.board.members {
        board.push_str(&format!("; Ông/Bà {m} – Thành viên"));
    }
    board.push('.');
    out.push(para(board, BODY));
    let witnesses = doc
        .board
        .witnesses
        .iter()
        .map(|w| format!("Ông/Bà {w}"))
        .collect::<Vec<_>>()
        .join("; ");
    out.push(para(
        format!(
            "Với sự chứng kiến của {:02} đại diện hộ gia đình: {witnesses}. Kết quả kiểm phiếu như sau:",
            doc.board.witnesses.len()
        ),
        BODY,
    ));
    out.push(Block::Space(1.0));

    // Counts.
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
    let row = |stt: &str, label: String, n: String, p: String| {
        vec![
            Cell::new(stt, Align::Center),
            Cell::new(label, Align::Left),
            Cell::new(n, Align::Right),
            Cell::new(p, Align::Right),
        ]
    };
    let mut rows = vec![vec![
        Cell::bold("STT", Align::Center),
        Cell::bold("Nội dung", Align::Center),
        Cell::bold("Số lượng", Align::Center),
        Cell::bold("Tỷ lệ", Align::Center),
    ]];
    rows.push(row(
        "1",
        format!("Tổng số đại diện hộ gia đình của {} (H)", e.unit),
        h.to_string(),
        String::new(),
    ));
    rows.push(row(
        "2",
        format!("{a_label} (A), so với H"),
        a.to_string(),
        pct(a, h),
    ));
    rows.push(row(
        "3",
        format!("{absent_label} (H – A), so với H"),
        h.saturating_sub(a).to_string(),
        pct(h.saturating_sub(a), h),
    ));
    rows.push(row(
        "4",
        issued_label.to_string(),
        num(doc.issued),
        String::new(),
    ));
    rows.push(row(
        "5",
        format!("{returned_label}, so với số phiếu phát ra"),
        num(doc.returned.or(Some(doc.counted))),
        doc.issued.map_or_else(String::new, |i| pct(returned, i)),
    ));
    rows.push(row(
        "6",
        "Số phiếu hợp lệ, so với số phiếu thu vào".to_string(),
        doc.valid.to_string(),
        pct(doc.valid, returned),
    ));
    rows.push(row(
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
        rows.push(row(
            &format!("7.{}", i + 1),
            format!("– {}", reason.label_vi()),
            n.to_string(),
            String::new(),
        ));
    }
    out.push(Block::Table {
        widths: vec![0.07, 0.69, 0.11, 0.13],
        rows,
        pt: TABLE,
    });
    out.push(Block::Space(1.0));
    out.push(styled(
        format!(
            "Tờ quét không tính: {} trang trắng, {} tờ không phải phiếu của cuộc bầu cử này, {} phiếu trùng số sê-ri. Tổ bầu cử đã quyết định {} phiếu.",
            doc.blank, doc.rejected, doc.duplicates, doc.decided_by_officials
        ),
        Weight::Regular,
        8.0,
        Align::Left,
    ));
    out.push(Block::Space(1.5));

    // Votes.
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
    if let Some(c) = doc.candidates.first().filter(|_| single) {
        vrows.push(vec![
            Cell::new("1", Align::Center),
            Cell::new(format!("{} — Đồng ý", c.name), Align::Left),
            Cell::new(c.votes.to_string(), Align::Right),
            Cell::new(pct(c.votes, h), Align::Right),
            Cell::new(pct(c.votes, doc.valid), Align::Right),
        ]);
        vrows.push(vec![
            Cell::new("2", Align::Center),
            Cell::new(format!("{} — Không đồng ý", c.name), Align::Left),
            Cell::new(doc.disapprove.to_string(), Align::Right),
            Cell::new(pct(doc.disapprove, h), Align::Right),
            Cell::new(pct(doc.disapprove, doc.valid), Align::Right),
        ]);
    } else {
        for (i, c) in doc.candidates.iter().enumerate() {
            vrows.push(vec![
                Cell::new((i + 1).to_string(), Align::Center),
                Cell::new(c.name.clone(), Align::Left),
                Cell::new(c.votes.to_string(), Align::Right),
                Cell::new(pct(c.votes, h), Align::Right),
                Cell::new(pct(c.votes, doc.valid), Align::Right),
            ]);
        }
    }
    out.push(Block::Table {
        widths: vec![0.08, 0.47, 0.13, 0.15, 0.17],
        rows: vrows,
        pt: TABLE,
    });

    // Clusters / ballot boxes: sub-counts that add up to the unit's result.
    if doc.batches.len() > 1 {
        out.push(Block::Space(2.0));
        out.push(para(
            "Kết quả theo từng cụm dân cư / hòm phiếu (cộng lại thành kết quả của đơn vị, xét trên H):",
            BODY,
        ));
        out.push(Block::Space(0.8));
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
        out.push(Block::Table {
            widths,
            rows: brows,
            pt: 9.5,
        });
    }
    out.push(Block::Space(2.0));

    // Outcome, notes, copies and signatures stay together on one page.
    let mut tail = Vec::new();
    let leader = doc
        .candidates
        .iter()
        .max_by_key(|c| c.votes)
        .map(|c| (c.name.clone(), c.votes));
    let prefix = if doc.is_final {
        "Kết quả"
    } else {
        "Kết quả tạm tính (chưa xác nhận)"
    };
    let outcome = match &doc.outcome.winner {
        Some(id) => {
            let c = doc.candidates.iter().find(|c| &c.id == id);
            let (name, votes) = c.map_or((id.clone(), 0), |c| (c.name.clone(), c.votes));
            format!(
                "{prefix}: Ông/Bà {name} trúng cử {office_unit}, nhiệm kỳ {}, với {votes} phiếu, đạt {} tổng số đại diện hộ gia đình (trên 50%: {votes} × 2 > {h}).",
                e.term,
                pct(votes, h)
            )
        }
        None => {
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
            let best = leader
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
    };
    tail.push(styled(outcome, Weight::Bold, 11.0, Align::Left));
    tail.push(Block::Space(1.5));
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
            date_vi(send_by_date(meeting, &election.settings.holidays))
        ),
        BODY,
    ));
    match &doc.closed_at {
        Some(t) if doc.is_final => tail.push(para(
            format!(
                "Kiểm phiếu kết thúc và được Tổ bầu cử xác nhận lúc {}.",
                when_vi(t)
            ),
            BODY,
        )),
        _ => {
            let waiting = if doc.awaiting_review > 0 {
                format!(
                    " Còn {} phiếu chờ Tổ bầu cử quyết định, chưa được tính.",
                    doc.awaiting_review
                )
            } else {
                String::new()
            };
            tail.push(styled(
                format!(
                    "BẢN NHÁP — CHƯA XÁC NHẬN: phiên kiểm phiếu chưa được Tổ bầu cử xác nhận và khóa sổ.{waiting}"
                ),
                Weight::Bold,
                BODY,
                Align::Left,
            ))
        }
    }
    tail.push(Block::Space(3.0));
    tail.extend(signature_rows(doc));
    out.push(Block::Keep(tail));
    out
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

/// The machine part: ids and hashes beside the QR code of the signed compact result.
pub fn machine_blocks(m: &MachinePart) -> Vec<Block> {
    let small = |t: String| styled(t, Weight::Regular, 7.0, Align::Left);
    let (sig1, sig2) = m.signature.split_at(m.signature.len().min(64));
    let lines = vec![
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
    ];
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
