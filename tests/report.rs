//! `kiemphieu report` through the real binary: the papers of a count — Mẫu 02
//! (Mẫu 04 in household mode) and Mẫu 03 — for a winner, no winner at exactly
//! 50 %, a tie, one candidate under both `single_struck` settings, household
//! mode, a meeting below its quorum, more ballots returned than issued, clusters
//! and a re-election round (sessions filled through the library so the counts
//! are exact), each checked line by line against rules.md and against its text
//! snapshot; and the biên bản of a real scanned session (draft, then final with
//! three copies, its QR code read back from a rendered page and verified).
//! `KIEMPHIEU_DOC_PAGES=1` also writes the first page of each as docs/papers/*.png.
//! This file holds the helpers and the common cases; `report_cases.rs` the
//! special ones (one candidate, household mode, quorum, clusters, rounds) and
//! `report_scanned.rs` the scanned session and bad input.
// Test code: a panic is how it reports, and the pedantic style lints serve the
// product's code; long scenarios still say why they read better whole.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::pedantic)]
#![warn(clippy::too_many_lines)]

use std::path::{Path, PathBuf};
use std::process::Command;

use kiemphieu_core::ballot::Serial;
use kiemphieu_core::election::{EXAMPLE_ELECTION, Fingerprint};
use kiemphieu_core::rules::{InvalidReason, Verdict, Vote};
use kiemphieu_interpret::Reading;
use kiemphieu_station::scan::SourceKind;
use kiemphieu_station::store::{RunOrigin, SessionState, Store};

use crate::common;
use common::{kp, ok};

/// pdftotext -layout of a PDF, with runs of spaces collapsed per line.
pub(crate) fn pdf_text(pdf: &Path) -> (String, String) {
    let o = Command::new("pdftotext")
        .args(["-layout"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(o.status.success());
    let raw = String::from_utf8(o.stdout).unwrap();
    let collapsed = raw
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    (raw, collapsed)
}

pub(crate) fn pages(pdf: &Path) -> usize {
    let o = Command::new("pdfinfo").arg(pdf).output().unwrap();
    let info = String::from_utf8_lossy(&o.stdout).into_owned();
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap()
}

pub(crate) fn must_have(text: &str, lines: &[&str]) {
    for l in lines {
        assert!(text.contains(l), "missing `{l}` in:\n{text}");
    }
}

/// A sheet of the session as the library records it.
pub(crate) struct Ballots {
    pub(crate) batch: &'static str,
    pub(crate) verdict: Verdict,
    pub(crate) n: u32,
}

pub(crate) fn valid(c: &str, batch: &'static str, n: u32) -> Ballots {
    Ballots {
        batch,
        verdict: Verdict::Valid {
            vote: Vote::For(c.into()),
        },
        n,
    }
}

pub(crate) fn approve(n: u32) -> Ballots {
    Ballots {
        batch: "1",
        verdict: Verdict::Valid {
            vote: Vote::Approve("c1".into()),
        },
        n,
    }
}

pub(crate) fn disapprove(n: u32) -> Ballots {
    Ballots {
        batch: "1",
        verdict: Verdict::Valid {
            vote: Vote::Disapprove,
        },
        n,
    }
}

pub(crate) fn invalid(r: InvalidReason, batch: &'static str, n: u32) -> Ballots {
    Ballots {
        batch,
        verdict: Verdict::invalid([r]),
        n,
    }
}

/// The standard counting body of the tests.
pub(crate) const BODY: [&str; 3] = ["Nguyễn Thị Hoa", "Lê Văn Ba", "Phạm Thị Lan"];

/// A count filled through the library: exact figures, confirmed by the whole body.
pub(crate) struct Count<'a> {
    pub(crate) toml: String,
    pub(crate) attendance: u32,
    pub(crate) issued: u32,
    /// Ballots returned as entered; the number of ballots when None.
    pub(crate) returned: Option<u32>,
    pub(crate) spoiled: u32,
    pub(crate) note: Option<&'a str>,
    pub(crate) ballots: Vec<Ballots>,
    pub(crate) complaints: Vec<(&'a str, &'a str, &'a str)>,
    /// The day of the count (the example election's by default).
    pub(crate) count_date: &'a str,
}

impl<'a> Count<'a> {
    pub(crate) fn new(
        toml: String,
        attendance: u32,
        issued: u32,
        ballots: Vec<Ballots>,
    ) -> Count<'a> {
        Count {
            toml,
            attendance,
            issued,
            returned: None,
            spoiled: 0,
            note: None,
            ballots,
            complaints: Vec::new(),
            count_date: "2024-10-13",
        }
    }

    /// Records the count as a closed session of `db` (after `previous`, for a re-election).
    pub(crate) fn record(&self, db: &Path, previous: Option<i64>) -> i64 {
        let mut store = Store::open(db).unwrap();
        let election = store
            .bind_election(&self.toml, Path::new("e.toml"))
            .unwrap();
        let fingerprint = Fingerprint::of(&election);
        let round = election.election.round;
        let s = store
            .create_session(&fingerprint, round, &self.toml, previous)
            .unwrap();
        store
            .set_session_setup(
                s,
                &serde_json::json!({"leader": BODY[0], "members": [BODY[1], BODY[2]],
                    "witnesses": ["Trần Văn Hùng", "Đỗ Thị Mai"], "attendance": self.attendance,
                    "count_date": self.count_date, "chair": "Vũ Văn Chính",
                    "front_head": "Đặng Thị Mặt"}),
            )
            .unwrap();
        store
            .set_session_state(s, SessionState::Counting, "station")
            .unwrap();
        // Every ballot of the count is of this round's print run.
        let serial = |i: u32| Serial((u64::try_from(s).unwrap() << 32) | u64::from(i));
        let total: u32 = self.ballots.iter().map(|b| b.n).sum();
        let serials: Vec<Serial> = (1..=total).map(serial).collect();
        store
            .record_print_run(&fingerprint, round, &serials, true, RunOrigin::Printed)
            .unwrap();
        let mut i = 0u32;
        for b in &self.ballots {
            for _ in 0..b.n {
                i += 1;
                let sha = format!("{:048x}{:016x}", s, i);
                let (id, _) = store
                    .add_sheet(
                        s,
                        b.batch,
                        &sha,
                        &format!("{sha}.png"),
                        "test",
                        SourceKind::Device,
                    )
                    .unwrap();
                let status = match b.verdict {
                    Verdict::Valid { .. } => "valid",
                    _ => "invalid",
                };
                let reading: Reading = serde_json::from_value(serde_json::json!({
                    "status": status, "vote": null, "struck": [], "kept": [], "doubtful": [],
                    "reasons": [], "serial": format!("{:016X}", serial(i).0), "code": "verified",
                    "round": round, "verdict": b.verdict, "scores": {}, "extra_writing": [],
                    "rotation": 0, "dpi": 300.0, "scale": 1.0, "registration_mm": 0.0,
                    "certainty": 1.0
                }))
                .unwrap();
                store.add_reading(id, &reading).unwrap();
            }
        }
        store
            .add_reconciliation(
                s,
                self.issued,
                self.returned.unwrap_or(i),
                self.spoiled,
                self.note,
            )
            .unwrap();
        for (from, content, handling) in &self.complaints {
            store
                .add_complaint(s, from, content, handling, BODY[0])
                .unwrap();
        }
        store
            .set_session_state(s, SessionState::Reconciled, "station")
            .unwrap();
        for m in BODY {
            store.add_confirmation(s, m).unwrap();
        }
        store
            .set_session_state(s, SessionState::Confirmed, BODY[2])
            .unwrap();
        store
            .set_session_state(s, SessionState::Closed, "station")
            .unwrap();
        s
    }

    /// A closed session in `dir/st.db`.
    pub(crate) fn session(&self, dir: &Path) -> PathBuf {
        let db = dir.join("st.db");
        self.record(&db, None);
        db
    }
}

/// `text` with the digits of every "HH giờ MM phút" masked, also where the
/// line wraps between them.
pub(crate) fn mask_times(text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for unit in ["giờ", "phút"] {
        let unit: Vec<char> = unit.chars().collect();
        for at in 0..chars.len() {
            if chars[at..].starts_with(&unit) {
                let mut i = at;
                while i > 0 && chars[i - 1].is_whitespace() {
                    i -= 1;
                }
                while i > 0 && chars[i - 1].is_ascii_digit() {
                    chars[i - 1] = '#';
                    i -= 1;
                }
            }
        }
    }
    chars.into_iter().collect()
}

/// The sheet text (spaces collapsed: -layout spacing follows the widest line, a
/// hash) without what changes from run to run (times, keys, hashes).
pub(crate) fn stable(text: &str) -> String {
    let text = &mask_times(text);
    let mut out = Vec::new();
    let mut skip_next = false;
    for line in text.lines() {
        if skip_next {
            skip_next = false;
            continue;
        }
        let volatile = [
            "Trạm kiểm phiếu:",
            "Mã kết quả",
            "Gốc dữ liệu:",
            "Khóa công khai:",
        ];
        if volatile.iter().any(|v| line.starts_with(v)) {
            out.push(format!("{} …", line.split(':').next().unwrap_or("")));
            continue;
        }
        if line.starts_with("Chữ ký:") {
            out.push("Chữ ký: …".into());
            skip_next = true;
            continue;
        }
        if line.contains(" giờ ") {
            out.push(
                line.chars()
                    .map(|c| if c.is_ascii_digit() { '#' } else { c })
                    .collect(),
            );
            continue;
        }
        out.push(line.to_string());
    }
    out.join("\n") + "\n"
}

/// Compares with tests/snapshots/NAME.txt (written when missing or with UPDATE_SNAPSHOTS=1).
pub(crate) fn snapshot(name: &str, text: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("{name}.txt"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() || !path.exists() {
        std::fs::write(&path, text).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text, want, "snapshot {} differs", path.display());
}

/// With KIEMPHIEU_DOC_PAGES=1, the first page of `pdf` as docs/papers/NAME.png (100 dpi).
pub(crate) fn doc_page(pdf: &Path, name: &str) {
    if std::env::var_os("KIEMPHIEU_DOC_PAGES").is_none() {
        return;
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/papers");
    std::fs::create_dir_all(&dir).unwrap();
    let o = Command::new("pdftoppm")
        .args([
            "-r",
            "100",
            "-gray",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
        ])
        .arg(pdf)
        .arg(dir.join(name))
        .output()
        .unwrap();
    assert!(o.status.success());
}

pub(crate) fn election_toml(households: u32, mode: &str, candidates: &[&str]) -> String {
    let mut head = EXAMPLE_ELECTION
        .split("[[candidates]]")
        .next()
        .unwrap()
        .replace("households = 412", &format!("households = {households}"))
        .replace("mode = \"meeting\"", &format!("mode = \"{mode}\""));
    if mode == "household" {
        head = head
            .replace("counting_body = \"ban_kiem_phieu\"", "")
            .replace(
                "# collection_deadline = 2024-10-20T17:00:00",
                "collection_deadline = 2024-10-20T17:00:00",
            );
    }
    let settings = EXAMPLE_ELECTION
        .split("[settings]")
        .nth(1)
        .map(|s| format!("[settings]{s}"))
        .unwrap();
    let cands: String = candidates
        .iter()
        .enumerate()
        .map(|(i, n)| format!("[[candidates]]\nid = \"c{}\"\nname = \"{n}\"\n\n", i + 1))
        .collect();
    format!("{head}{cands}{settings}")
}

/// Mẫu 02 (or 04) and Mẫu 03 of `db`: their texts, each one page.
pub(crate) fn report(dir: &Path, db: &Path) -> (String, String) {
    report_on(dir, db, 1)
}

/// As [`report`], the biên bản on `sheet_pages` pages.
pub(crate) fn report_on(dir: &Path, db: &Path, sheet_pages: usize) -> (String, String) {
    let out = dir.join("bien-ban.pdf");
    let decision = dir.join("quyet-dinh.pdf");
    let said = ok(&kp(
        dir,
        &[
            "report",
            "--db",
            db.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--decision",
            decision.to_str().unwrap(),
        ],
    ));
    assert!(said.contains("Mẫu 03"), "{said}");
    assert_eq!(pages(&out), sheet_pages, "{}", pdf_text(&out).1);
    assert_eq!(pages(&decision), 1, "{}", pdf_text(&decision).1);
    (pdf_text(&out).1, pdf_text(&decision).1)
}

/// Writes both papers' snapshots (NAME and NAME_mau03) and, on request, their pictures.
pub(crate) fn snapshots(dir: &Path, name: &str, sheet: &str, decision: &str) {
    snapshot(name, &stable(sheet));
    snapshot(&format!("{name}_mau03"), &stable(decision));
    doc_page(&dir.join("bien-ban.pdf"), name);
    doc_page(&dir.join("quyet-dinh.pdf"), &format!("{name}_mau03"));
}

/// Lines every Mẫu 02 of the tests carries (rules.md §8, §11, §12).
pub(crate) const COMMON: &[&str] = &[
    "UBND PHƯỜNG ĐỒNG KỴ",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập – Tự do – Hạnh phúc",
    "Khu phố Đông Sơn, ngày 13 tháng 10 năm 2024",
    "BIÊN BẢN KIỂM PHIẾU",
    "Về việc bầu Trưởng khu phố Đông Sơn, nhiệm kỳ 2024-2027",
    "Ban kiểm phiếu gồm các ông (bà) có tên sau:",
    "1. Nguyễn Thị Hoa – Trưởng ban",
    "2. Lê Văn Ba – Thành viên",
    "3. Phạm Thị Lan – Thành viên",
    "Đại diện hộ gia đình chứng kiến việc kiểm phiếu gồm:",
    "1. Trần Văn Hùng",
    "2. Đỗ Thị Mai",
    "Kết quả kiểm phiếu như sau:",
    "Khiếu nại, tố cáo nhận được trong quá trình kiểm phiếu: không có.",
    "Biên bản lập thành 03 bản, gửi kèm theo Quyết định của cộng đồng dân cư (Mẫu số 03) đến Ủy ban",
    "Kiểm phiếu kết thúc và được Ban kiểm phiếu xác nhận lúc",
    // The five signers side by side, each group under its heading.
    "BAN KIỂM PHIẾU CHỨNG KIẾN VIỆC KIỂM PHIẾU",
    "TRƯỞNG BAN THÀNH VIÊN THÀNH VIÊN ĐẠI DIỆN HỘ GIA ĐÌNH ĐẠI DIỆN HỘ GIA ĐÌNH",
    "Nguyễn Thị Hoa Lê Văn Ba Phạm Thị Lan Trần Văn Hùng Đỗ Thị Mai",
    "Phần dành cho máy đọc (kiemphieu verify)",
];

/// Lines every Mẫu 03 of the tests carries (Law art. 20(2)).
pub(crate) const COMMON_03: &[&str] = &[
    "UBND PHƯỜNG ĐỒNG KỴ",
    "Khu phố Đông Sơn, ngày 13 tháng 10 năm 2024",
    "(Quyết định của cộng đồng dân cư)",
    "Về việc bầu Trưởng khu phố Đông Sơn, nhiệm kỳ 2024-2027",
    "(Mẫu số 03 — Nghị định 59/2023/NĐ-CP)",
    "TRƯỞNG BAN CÔNG TÁC MẶT TRẬN ĐẠI DIỆN HỘ GIA ĐÌNH ĐẠI DIỆN HỘ GIA ĐÌNH",
    "Vũ Văn Chính Đặng Thị Mặt Trần Văn Hùng Đỗ Thị Mai",
    "Phần dành cho máy đọc (kiemphieu verify)",
];

/// Both papers with their common lines, each paragraph also checked on one line.
pub(crate) fn check(sheet: &str, decision: &str, sheet_lines: &[&str], decision_lines: &[&str]) {
    must_have(sheet, COMMON);
    must_have(decision, COMMON_03);
    must_have(&sheet.replace('\n', " "), sheet_lines);
    must_have(&decision.replace('\n', " "), decision_lines);
    // Never the old regime's wording, a slash left open, or a seal the Tổ bầu cử does not have.
    for text in [sheet, decision] {
        for never in [
            "hội nghị đại diện hộ gia đình",
            "Ông/Bà",
            "Dấu của Tổ bầu cử",
            "Tổ bầu cử (Ban kiểm phiếu)",
        ] {
            assert!(!text.contains(never), "`{never}` in:\n{text}");
        }
    }
}

/// Both papers, read on one line (paragraphs wrap).
pub(crate) const SENT: &str = "đến Ủy ban nhân dân phường Đồng Kỵ, Ủy ban Mặt trận Tổ quốc Việt Nam phường Đồng Kỵ và lưu tại Khu phố Đông Sơn.";
#[test]
fn sheet_with_a_winner() {
    let dir = tempfile::tempdir().unwrap();
    let toml = election_toml(60, "meeting", &["Nguyễn Văn An", "Trần Thị Bình"]);
    let mut count = Count::new(
        toml,
        50,
        50,
        vec![
            valid("c1", "1", 32),
            valid("c2", "1", 12),
            invalid(InvalidReason::AllStruck, "1", 2),
            invalid(InvalidReason::NoStamp, "1", 1),
        ],
    );
    count.spoiled = 2;
    let db = count.session(dir.path());
    let (sheet, decision) = report(dir.path(), &db);
    check(
        &sheet,
        &decision,
        &[
            "(Mẫu số 02 — Nghị định 59/2023/NĐ-CP)",
            "Hôm nay, ngày 13 tháng 10 năm 2024, tại Nhà văn hóa khu phố Đông Sơn, Phường Đồng Kỵ, Thành phố Từ Sơn, Tỉnh Bắc Ninh, Khu phố Đông Sơn tổ chức cuộc họp của cộng đồng dân cư về việc bầu Trưởng khu phố Đông Sơn, nhiệm kỳ 2024-2027, bằng hình thức bỏ phiếu kín.",
            "1 Tổng số đại diện hộ gia đình của Khu phố Đông Sơn (H) 60",
            "2 Số đại diện hộ gia đình có mặt (A), so với H 50 83,33%",
            "3 Số hộ gia đình không có người đại diện tham dự (H – A), so với H 10 16,67%",
            "4 Số phiếu phát ra 50",
            "5 Số phiếu viết hỏng đã đổi (không tính vào số phiếu phát ra) 2",
            "6 Số phiếu thu vào, so với số phiếu phát ra 47 94,00%",
            "7 Số phiếu hợp lệ, so với số phiếu thu vào 44 93,62%",
            "8 Số phiếu không hợp lệ, so với số phiếu thu vào 3 6,38%",
            "8.1 – Phiếu không có dấu treo của Ủy ban nhân dân cấp xã 1",
            "8.2 – Phiếu gạch xóa hết tên người ứng cử 2",
            "1 Nguyễn Văn An 32 53,33% 72,73%",
            "2 Trần Thị Bình 12 20,00% 27,27%",
            "Kết quả: Nguyễn Văn An trúng cử Trưởng khu phố Đông Sơn, nhiệm kỳ 2024-2027, với 32 phiếu, đạt 53,33% tổng số đại diện hộ gia đình (trên 50%: 32 × 2 > 60).",
            SENT,
            "chậm nhất ngày 18/10/2024 (05 ngày làm việc kể từ ngày kết thúc cuộc họp).",
            "0,01% còn thiếu cộng cho phần có số bị bỏ lớn nhất",
        ],
        &[
            "BIÊN BẢN CUỘC HỌP CỦA CỘNG ĐỒNG DÂN CƯ",
            "1. Thời gian, địa điểm: ngày 13 tháng 10 năm 2024, tại Nhà văn hóa khu phố Đông Sơn",
            "2. Tổng số hộ gia đình thuộc cộng đồng dân cư: 60; số người đại diện hộ gia đình có mặt: 50 (83,33%); số hộ gia đình không có người đại diện tham dự: 10 (16,67%).",
            "3. Người chủ trì cuộc họp: Vũ Văn Chính.",
            "Ban kiểm phiếu gồm 3 người do Nguyễn Thị Hoa làm Trưởng ban, có 02 đại diện hộ gia đình chứng kiến, đã kiểm phiếu và lập Biên bản kiểm phiếu (Mẫu số 02) kèm theo.",
            "5. Kết quả biểu quyết: số phiếu phát ra 50; số phiếu thu vào 47; số phiếu hợp lệ 44 (93,62%); số phiếu không hợp lệ 3 (6,38%).",
            "1. Nguyễn Văn An: 32 phiếu, đạt 53,33% tổng số hộ gia đình",
            "2. Trần Thị Bình: 12 phiếu, đạt 20,00% tổng số hộ gia đình",
            "6. Cộng đồng dân cư Khu phố Đông Sơn quyết định: Nguyễn Văn An trúng cử Trưởng khu phố Đông Sơn, nhiệm kỳ 2024-2027, với trên 50% tổng số đại diện hộ gia đình tán thành.",
            "Quyết định này lập thành 03 bản, gửi kèm theo Biên bản kiểm phiếu (Mẫu số 02)",
            SENT,
            "CHỦ TRÌ CUỘC HỌP",
        ],
    );
    assert!(!sheet.contains("BẢN NHÁP"));
    snapshots(dir.path(), "report_winner", &sheet, &decision);
}

#[test]
fn sheet_lists_the_complaints_and_how_they_were_handled() {
    let dir = tempfile::tempdir().unwrap();
    let toml = election_toml(60, "meeting", &["Nguyễn Văn An", "Trần Thị Bình"]);
    let mut count = Count::new(
        toml,
        50,
        50,
        vec![valid("c1", "1", 32), valid("c2", "1", 15)],
    );
    count.complaints = vec![
        (
            "Ông Phạm Văn Tư",
            "Đề nghị kiểm lại phiếu số 12",
            "Đã kiểm lại, giữ nguyên kết quả.",
        ),
        ("Bà Lò Thị Sen", "Hòm phiếu mở muộn 5 phút.", "Ghi nhận"),
    ];
    let db = count.session(dir.path());
    let (text, _) = report(dir.path(), &db);
    let common: Vec<&str> = COMMON
        .iter()
        .copied()
        .filter(|l| !l.starts_with("Khiếu nại"))
        .collect();
    must_have(&text, &common);
    // Each complaint as one paragraph; compare with line breaks removed.
    let joined = text.replace('\n', " ");
    must_have(
        &joined,
        &[
            "Khiếu nại, tố cáo nhận được trong quá trình kiểm phiếu: 2.",
            "1. Người khiếu nại, tố cáo: Ông Phạm Văn Tư. Nội dung: Đề nghị kiểm lại phiếu số 12. Cách giải quyết: Đã kiểm lại, giữ nguyên kết quả.",
            "2. Người khiếu nại, tố cáo: Bà Lò Thị Sen. Nội dung: Hòm phiếu mở muộn 5 phút. Cách giải quyết: Ghi nhận.",
        ],
    );
    assert!(!text.contains("không có."));
    snapshot("report_complaints", &stable(&text));
}

#[test]
fn sheet_without_a_winner_at_exactly_half() {
    let dir = tempfile::tempdir().unwrap();
    let toml = election_toml(60, "meeting", &["Nguyễn Văn An", "Trần Thị Bình"]);
    let db = Count::new(
        toml,
        48,
        48,
        vec![
            valid("c1", "1", 30),
            valid("c2", "1", 14),
            invalid(InvalidReason::TooManyKept, "1", 2),
        ],
    )
    .session(dir.path());
    let (sheet, decision) = report(dir.path(), &db);
    check(
        &sheet,
        &decision,
        &[
            "1 Nguyễn Văn An 30 50,00% 68,18%",
            "2 Trần Thị Bình 14 23,33% 31,82%",
            "Kết quả: Không có người trúng cử. Lý do: Không có người ứng cử nào đạt trên 50% tổng số đại diện hộ gia đình (số phiếu cao nhất: Nguyễn Văn An, 30 phiếu, đạt 50,00%; cần ít nhất 31 phiếu). Báo cáo Ủy ban nhân dân phường Đồng Kỵ xem xét, quyết định việc tổ chức bầu lại.",
        ],
        &[
            "6. Không có người trúng cử. Lý do: Không có người ứng cử nào đạt trên 50% tổng số đại diện hộ gia đình",
        ],
    );
    snapshots(dir.path(), "report_no_winner_half", &sheet, &decision);
}
