//! `kiemphieu report` through the real binary: the papers of a count — Mẫu 02
//! (Mẫu 04 in household mode) and Mẫu 03 — for a winner, no winner at exactly
//! 50 %, a tie, one candidate under both `single_struck` settings, household
//! mode, a meeting below its quorum, more ballots returned than issued, clusters
//! and a re-election round (sessions filled through the library so the counts
//! are exact), each checked line by line against rules.md and against its text
//! snapshot; and the biên bản of a real scanned session (draft, then final with
//! three copies, its QR code read back from a rendered page and verified).
//! `KIEMPHIEU_DOC_PAGES=1` also writes the first page of each as docs/papers/*.png.
// Over 600 lines on purpose: each file under tests/ is one binary to build and
// link, so the scenarios of one entry point stay together.
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
use kiemphieu_station::result::{PublicKey, SignedCompact};
use kiemphieu_station::scan::SourceKind;
use kiemphieu_station::store::{RunOrigin, SessionState, Store};

use crate::common;
use common::{accept_suggestions, confirm_all, decide_by_hand, kp, ok, open_demo_session, scan};

/// pdftotext -layout of a PDF, with runs of spaces collapsed per line.
fn pdf_text(pdf: &Path) -> (String, String) {
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

fn pages(pdf: &Path) -> usize {
    let o = Command::new("pdfinfo").arg(pdf).output().unwrap();
    let info = String::from_utf8_lossy(&o.stdout).into_owned();
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap()
}

fn must_have(text: &str, lines: &[&str]) {
    for l in lines {
        assert!(text.contains(l), "missing `{l}` in:\n{text}");
    }
}

/// A sheet of the session as the library records it.
struct Ballots {
    batch: &'static str,
    verdict: Verdict,
    n: u32,
}

fn valid(c: &str, batch: &'static str, n: u32) -> Ballots {
    Ballots {
        batch,
        verdict: Verdict::Valid {
            vote: Vote::For(c.into()),
        },
        n,
    }
}

fn approve(n: u32) -> Ballots {
    Ballots {
        batch: "1",
        verdict: Verdict::Valid {
            vote: Vote::Approve("c1".into()),
        },
        n,
    }
}

fn disapprove(n: u32) -> Ballots {
    Ballots {
        batch: "1",
        verdict: Verdict::Valid {
            vote: Vote::Disapprove,
        },
        n,
    }
}

fn invalid(r: InvalidReason, batch: &'static str, n: u32) -> Ballots {
    Ballots {
        batch,
        verdict: Verdict::invalid([r]),
        n,
    }
}

/// The standard counting body of the tests.
const BODY: [&str; 3] = ["Nguyễn Thị Hoa", "Lê Văn Ba", "Phạm Thị Lan"];

/// A count filled through the library: exact figures, confirmed by the whole body.
struct Count<'a> {
    toml: String,
    attendance: u32,
    issued: u32,
    /// Ballots returned as entered; the number of ballots when None.
    returned: Option<u32>,
    spoiled: u32,
    note: Option<&'a str>,
    ballots: Vec<Ballots>,
    complaints: Vec<(&'a str, &'a str, &'a str)>,
    /// The day of the count (the example election's by default).
    count_date: &'a str,
}

impl<'a> Count<'a> {
    fn new(toml: String, attendance: u32, issued: u32, ballots: Vec<Ballots>) -> Count<'a> {
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
    fn record(&self, db: &Path, previous: Option<i64>) -> i64 {
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
    fn session(&self, dir: &Path) -> PathBuf {
        let db = dir.join("st.db");
        self.record(&db, None);
        db
    }
}

/// `text` with the digits of every "HH giờ MM phút" masked, also where the
/// line wraps between them.
fn mask_times(text: &str) -> String {
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
fn stable(text: &str) -> String {
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
fn snapshot(name: &str, text: &str) {
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
fn doc_page(pdf: &Path, name: &str) {
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

fn election_toml(households: u32, mode: &str, candidates: &[&str]) -> String {
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
fn report(dir: &Path, db: &Path) -> (String, String) {
    report_on(dir, db, 1)
}

/// As [`report`], the biên bản on `sheet_pages` pages.
fn report_on(dir: &Path, db: &Path, sheet_pages: usize) -> (String, String) {
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
fn snapshots(dir: &Path, name: &str, sheet: &str, decision: &str) {
    snapshot(name, &stable(sheet));
    snapshot(&format!("{name}_mau03"), &stable(decision));
    doc_page(&dir.join("bien-ban.pdf"), name);
    doc_page(&dir.join("quyet-dinh.pdf"), &format!("{name}_mau03"));
}

/// Lines every Mẫu 02 of the tests carries (rules.md §8, §11, §12).
const COMMON: &[&str] = &[
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
const COMMON_03: &[&str] = &[
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
fn check(sheet: &str, decision: &str, sheet_lines: &[&str], decision_lines: &[&str]) {
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
const SENT: &str = "đến Ủy ban nhân dân phường Đồng Kỵ, Ủy ban Mặt trận Tổ quốc Việt Nam phường Đồng Kỵ và lưu tại Khu phố Đông Sơn.";

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

#[test]
fn a_tie_names_every_tied_candidate() {
    let dir = tempfile::tempdir().unwrap();
    let toml = election_toml(
        90,
        "meeting",
        &["Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường"],
    );
    let db = Count::new(
        toml,
        70,
        70,
        vec![
            valid("c1", "1", 30),
            valid("c2", "1", 30),
            valid("c3", "1", 9),
        ],
    )
    .session(dir.path());
    let (sheet, decision) = report(dir.path(), &db);
    check(
        &sheet,
        &decision,
        &[
            // 30 + 30 + 9 of 69 valid: 43,48 + 43,48 + 13,04 = 100,00.
            "1 Nguyễn Văn An 30 33,33% 43,48%",
            "2 Trần Thị Bình 30 33,33% 43,48%",
            "3 Lê Hoàng Cường 9 10,00% 13,04%",
            "Lý do: Các người ứng cử có số phiếu cao nhất bằng nhau, không có người nào đạt trên 50% tổng số đại diện hộ gia đình (số phiếu cao nhất bằng nhau: Nguyễn Văn An và Trần Thị Bình, mỗi người 30 phiếu, đạt 33,33%; cần ít nhất 46 phiếu).",
        ],
        &["Nguyễn Văn An và Trần Thị Bình, mỗi người 30 phiếu"],
    );
    snapshots(dir.path(), "report_tie", &sheet, &decision);
}

/// One candidate, 25 approve, 8 disapprove (or struck), 1 with extra writing.
fn one_candidate(single_struck: &str) -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let toml = election_toml(40, "meeting", &["Nguyễn Văn An"]).replace(
        "single_struck = \"disapprove\"",
        &format!("single_struck = \"{single_struck}\""),
    );
    let struck = if single_struck == "invalid" {
        invalid(InvalidReason::AllStruck, "1", 8)
    } else {
        disapprove(8)
    };
    let db = Count::new(
        toml,
        36,
        35,
        vec![
            approve(25),
            struck,
            invalid(InvalidReason::ExtraWriting, "1", 1),
        ],
    )
    .session(dir.path());
    let (sheet, decision) = report(dir.path(), &db);
    (dir, sheet, decision)
}

#[test]
fn sheet_for_one_candidate_when_a_struck_name_disagrees() {
    let (dir, sheet, decision) = one_candidate("disapprove");
    check(
        &sheet,
        &decision,
        &[
            "1 Nguyễn Văn An — Đồng ý 25 62,50% 75,76%",
            "2 Nguyễn Văn An — Không đồng ý 8 20,00% 24,24%",
            "7 Số phiếu hợp lệ, so với số phiếu thu vào 33 97,06%",
            "8 Số phiếu không hợp lệ, so với số phiếu thu vào 1 2,94%",
            "với 25 phiếu, đạt 62,50% tổng số đại diện hộ gia đình (trên 50%: 25 × 2 > 40).",
        ],
        &[
            "1. Nguyễn Văn An — Đồng ý: 25 phiếu, đạt 62,50% tổng số hộ gia đình",
            "2. Nguyễn Văn An — Không đồng ý: 8 phiếu, đạt 20,00% tổng số hộ gia đình",
        ],
    );
    snapshots(dir.path(), "report_one_candidate", &sheet, &decision);
}

#[test]
fn sheet_for_one_candidate_when_a_struck_name_is_invalid() {
    let (dir, sheet, decision) = one_candidate("invalid");
    check(
        &sheet,
        &decision,
        &[
            "1 Nguyễn Văn An — Đồng ý 25 62,50% 100,00%",
            "2 Nguyễn Văn An — Không đồng ý 0 0,00% 0,00%",
            "7 Số phiếu hợp lệ, so với số phiếu thu vào 25 73,53%",
            "8 Số phiếu không hợp lệ, so với số phiếu thu vào 9 26,47%",
            "8.1 – Phiếu gạch xóa hết tên người ứng cử 8",
            "với 25 phiếu, đạt 62,50% tổng số đại diện hộ gia đình (trên 50%: 25 × 2 > 40).",
        ],
        &["số phiếu hợp lệ 25 (73,53%); số phiếu không hợp lệ 9 (26,47%)"],
    );
    snapshots(
        dir.path(),
        "report_one_candidate_struck_invalid",
        &sheet,
        &decision,
    );
}

#[test]
fn sheet_in_household_ballot_mode() {
    let dir = tempfile::tempdir().unwrap();
    let toml = election_toml(60, "household", &["Nguyễn Văn An", "Trần Thị Bình"]);
    let mut count = Count::new(
        toml,
        55,
        55,
        vec![
            valid("c1", "1", 35),
            valid("c2", "1", 10),
            invalid(InvalidReason::AllStruck, "1", 2),
        ],
    );
    // Counted the day the collection ends.
    count.count_date = "2024-10-20";
    let db = count.session(dir.path());
    let (sheet, decision) = report(dir.path(), &db);
    let common: Vec<String> = COMMON
        .iter()
        .map(|l| {
            l.replace("Ban kiểm phiếu gồm", "Tổ phát phiếu lấy ý kiến gồm")
                .replace("Trưởng ban", "Tổ trưởng")
                .replace("BAN KIỂM PHIẾU", "TỔ PHÁT PHIẾU LẤY Ý KIẾN")
                .replace("TRƯỞNG BAN", "TỔ TRƯỞNG")
                .replace("được Ban kiểm phiếu", "được Tổ phát phiếu lấy ý kiến")
                .replace("ngày 13 tháng 10", "ngày 20 tháng 10")
        })
        .collect();
    must_have(
        &sheet,
        &common.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let joined = sheet.replace('\n', " ");
    must_have(
        &joined,
        &[
            "(Phát phiếu lấy ý kiến hộ gia đình)",
            "(Mẫu số 04 — Nghị định 59/2023/NĐ-CP)",
            "Hôm nay, ngày 20 tháng 10 năm 2024, tại Nhà văn hóa khu phố Đông Sơn, Phường Đồng Kỵ, Thành phố Từ Sơn, Tỉnh Bắc Ninh, Tổ phát phiếu lấy ý kiến Khu phố Đông Sơn tiến hành kiểm phiếu lấy ý kiến hộ gia đình về việc bầu Trưởng khu phố Đông Sơn, nhiệm kỳ 2024-2027",
            "Phiếu lấy ý kiến được phát đến các hộ gia đình ngày 13/10/2024; thời hạn thu phiếu: 17 giờ 00 phút, ngày 20/10/2024.",
            "1 Tổng số hộ gia đình của Khu phố Đông Sơn (H) 60",
            "2 Số hộ gia đình được phát phiếu (A), so với H 55 91,67%",
            "3 Số hộ gia đình không được phát phiếu (H – A), so với H 5 8,33%",
            "4 Số phiếu phát ra (phát đến hộ gia đình) 55",
            "6 Số phiếu thu về, so với số phiếu phát ra 47 85,45%",
            "7 Số phiếu hợp lệ, so với số phiếu thu về 45 95,74%",
            "8 Số phiếu không hợp lệ, so với số phiếu thu về 2 4,26%",
            "1 Nguyễn Văn An 35 58,33% 77,78%",
            "đạt 58,33% tổng số hộ gia đình (trên 50%: 35 × 2 > 60).",
            "chậm nhất ngày 25/10/2024 (05 ngày làm việc kể từ ngày kết thúc thời hạn thu phiếu).",
        ],
    );
    for never in ["thu vào", "có mặt", "cuộc họp", "Ban kiểm phiếu"] {
        assert!(!sheet.contains(never), "`{never}` in Mẫu 04:\n{sheet}");
    }
    let decision_joined = decision.replace('\n', " ");
    must_have(
        &decision_joined,
        &[
            "BIÊN BẢN TỔNG HỢP KẾT QUẢ LẤY Ý KIẾN HỘ GIA ĐÌNH",
            "phiếu lấy ý kiến được phát đến các hộ gia đình ngày 13/10/2024, thời hạn thu phiếu 17 giờ 00 phút, ngày 20/10/2024",
            "số hộ gia đình được phát phiếu: 55 (91,67%)",
            "(Mẫu số 04) kèm theo",
            "TRƯỞNG KHU PHỐ",
        ],
    );
    snapshots(dir.path(), "report_household", &sheet, &decision);
}

#[test]
fn below_quorum_the_meeting_elects_nobody() {
    let dir = tempfile::tempdir().unwrap();
    let toml = election_toml(100, "meeting", &["Nguyễn Văn An", "Trần Thị Bình"]);
    let db = Count::new(
        toml,
        40,
        40,
        vec![valid("c1", "1", 30), valid("c2", "1", 10)],
    )
    .session(dir.path());
    let (sheet, decision) = report(dir.path(), &db);
    check(
        &sheet,
        &decision,
        &[
            "Số đại diện hộ gia đình có mặt (40) không vượt quá một nửa tổng số đại diện hộ gia đình (100): 40 × 2 không quá 100. Cuộc họp không đủ số đại diện hộ gia đình tham dự",
            "Kết quả: Không có người trúng cử. Lý do: cuộc họp không đủ số đại diện hộ gia đình tham dự (40 × 2 không quá 100), nên không thể bầu được Trưởng khu phố Đông Sơn tại cuộc họp. Báo cáo Ủy ban nhân dân phường Đồng Kỵ xem xét, quyết định việc tổ chức phát phiếu lấy ý kiến hộ gia đình (Mẫu số 04) hoặc bầu lại.",
        ],
        &["6. Không có người trúng cử. Lý do: cuộc họp không đủ số đại diện hộ gia đình tham dự"],
    );
    assert!(!sheet.contains("Không có người ứng cử nào đạt"), "{sheet}");
    snapshots(dir.path(), "report_below_quorum", &sheet, &decision);
}

#[test]
fn more_returned_than_issued_declares_no_winner() {
    let dir = tempfile::tempdir().unwrap();
    let toml = election_toml(40, "meeting", &["Nguyễn Văn An", "Trần Thị Bình"]);
    let mut count = Count::new(
        toml,
        30,
        20,
        vec![valid("c1", "1", 24), valid("c2", "1", 6)],
    );
    count.note =
        Some("Hòm phiếu có 30 phiếu trong khi chỉ phát 20 phiếu; đã niêm phong để báo cáo.");
    let db = count.session(dir.path());
    let (sheet, decision) = report(dir.path(), &db);
    check(
        &sheet,
        &decision,
        &[
            "Số phiếu thu vào (30) nhiều hơn số phiếu phát ra (20), thừa 10 phiếu: số liệu không khớp, Ban kiểm phiếu không công bố người trúng cử; kết quả kiểm phiếu được trình Ủy ban nhân dân phường Đồng Kỵ xem xét, quyết định.",
            "Kết quả: chưa xác định người trúng cử. Số phiếu thu vào nhiều hơn số phiếu phát ra (30 > 20); Ban kiểm phiếu trình Ủy ban nhân dân phường Đồng Kỵ xem xét, quyết định kết quả kiểm phiếu.",
            "Ghi chú của Ban kiểm phiếu khi đối chiếu số liệu: Hòm phiếu có 30 phiếu",
        ],
        &["6. Chưa xác định người trúng cử. Số phiếu thu vào nhiều hơn số phiếu phát ra (30 > 20)"],
    );
    assert!(!sheet.contains("trúng cử Trưởng"), "{sheet}");
    assert!(!decision.contains("trúng cử Trưởng"), "{decision}");
    snapshots(
        dir.path(),
        "report_more_returned_than_issued",
        &sheet,
        &decision,
    );
}

#[test]
fn sheet_with_clusters() {
    let dir = tempfile::tempdir().unwrap();
    let toml = election_toml(80, "meeting", &["Nguyễn Văn An", "Trần Thị Bình"]);
    let db = Count::new(
        toml,
        62,
        62,
        vec![
            valid("c1", "cụm 1", 15),
            valid("c2", "cụm 1", 5),
            valid("c1", "cụm 2", 12),
            valid("c2", "cụm 2", 8),
            invalid(InvalidReason::NoStamp, "cụm 2", 1),
            valid("c1", "cụm 3", 14),
            valid("c2", "cụm 3", 3),
        ],
    )
    .session(dir.path());
    // The table by cluster takes the sheet onto a second page (its initials
    // lines on both, rules.md §12).
    let (sheet, decision) = report_on(dir.path(), &db, 2);
    check(
        &sheet,
        &decision,
        &[
            "Kết quả theo từng cụm dân cư / hòm phiếu (cộng lại thành kết quả của đơn vị, xét trên H):",
            "cụm 1 20 20 0 15 5",
            "cụm 2 21 20 1 12 8",
            "cụm 3 17 17 0 14 3",
            "Cộng 58 57 1 41 16",
            "1 Nguyễn Văn An 41 51,25% 71,93%",
            "với 41 phiếu, đạt 51,25% tổng số đại diện hộ gia đình (trên 50%: 41 × 2 > 80).",
        ],
        &["1. Nguyễn Văn An: 41 phiếu, đạt 51,25% tổng số hộ gia đình"],
    );
    // The cluster table names the candidates.
    must_have(&sheet, &["Nguyễn Văn An", "Trần Thị Bình"]);
    assert!(!sheet.contains("ƯCV"), "{sheet}");
    snapshots(dir.path(), "report_clusters", &sheet, &decision);
}

#[test]
fn a_re_election_round_has_its_own_papers() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("st.db");
    let toml = election_toml(60, "meeting", &["Nguyễn Văn An", "Trần Thị Bình"]);
    let first = Count::new(
        toml.clone(),
        50,
        50,
        vec![valid("c1", "1", 25), valid("c2", "1", 25)],
    )
    .record(&db, None);
    // A re-election is its own round (rules.md §10), its ballots printed as such.
    let mut again = Count::new(
        toml.replacen("[election]\n", "[election]\nround = 2\n", 1),
        52,
        52,
        vec![valid("c1", "1", 34), valid("c2", "1", 18)],
    );
    again.count_date = "2024-10-27";
    let second = again.record(&db, Some(first));
    assert_eq!(second, first + 1);
    let (sheet, decision) = report(dir.path(), &db);
    let common: Vec<String> = COMMON
        .iter()
        .map(|l| l.replace("ngày 13 tháng 10", "ngày 27 tháng 10"))
        .collect();
    must_have(
        &sheet,
        &common.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    must_have(
        &sheet.replace('\n', " "),
        &[
            "Hôm nay, ngày 27 tháng 10 năm 2024",
            "Kết quả: Nguyễn Văn An trúng cử Trưởng khu phố Đông Sơn",
            "chậm nhất ngày 01/11/2024",
            "Phiên kiểm phiếu: 2",
        ],
    );
    must_have(&decision, &["Khu phố Đông Sơn, ngày 27 tháng 10 năm 2024"]);
    snapshots(dir.path(), "report_re_election", &sheet, &decision);
}

/// Finds and decodes every QR code on a rendered page.
fn qr_texts(png: &Path) -> Vec<String> {
    let img = image::open(png).unwrap().to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(img);
    prepared
        .detect_grids()
        .into_iter()
        .filter_map(|g| g.decode().ok().map(|(_, s)| s))
        .collect()
}

#[allow(clippy::too_many_lines)] // one session from draft to final sheet, checked line by line
#[test]
fn scanned_session_draft_then_final_with_a_verified_qr_code() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    open_demo_session(d);
    // The station key is made when the station first starts, private.
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(d.join("st.db.station-key")).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    }
    ok(&scan(d, "st.db", "sim:20,rate=0,seed=11", &[]));
    accept_suggestions(d, "st.db");
    decide_by_hand(d, "st.db");
    // Open session: a draft.
    let out = ok(&kp(d, &["report", "--db", "st.db", "--out", "draft.pdf"]));
    assert!(out.contains("DRAFT"), "{out}");
    let (_, draft) = pdf_text(&d.join("draft.pdf"));
    must_have(
        &draft,
        &[
            "Kết quả tạm tính (chưa xác nhận)",
            "BẢN NHÁP — CHƯA XÁC NHẬN: phiên kiểm phiếu chưa được Ban kiểm phiếu xác nhận và khóa sổ.",
            "Kết thúc: chưa xác nhận (bản nháp)",
        ],
    );
    // The watermark is drawn (outlines under the text), not mixed into the text.
    let drawn = std::fs::read(d.join("draft.pdf")).unwrap();
    assert!(drawn.len() > 10_000);

    let tally: serde_json::Value =
        serde_json::from_str(&ok(&kp(d, &["tally", "--db", "st.db", "--json"]))).unwrap();
    let valid = tally["valid"].as_u64().unwrap();
    let invalid = tally["invalid"].as_u64().unwrap();
    let returned = (valid + invalid).to_string();
    ok(&kp(
        d,
        &[
            "close",
            "--db",
            "st.db",
            "--issued",
            "30",
            "--returned",
            &returned,
        ],
    ));
    confirm_all(d, "st.db");
    let out = ok(&kp(
        d,
        &[
            "report",
            "--db",
            "st.db",
            "--out",
            "final.pdf",
            "--copies",
            "3",
        ],
    ));
    assert!(out.contains("final"), "{out}");
    let fingerprint = out.split("result ").nth(1).unwrap().trim().to_string();
    let pdf = d.join("final.pdf");
    assert_eq!(pages(&pdf), 3);
    let (_, text) = pdf_text(&pdf);
    assert!(!text.contains("BẢN NHÁP"));
    for copy in 1..=3 {
        must_have(&text, &[&format!("Bản số {copy}/3")]);
    }
    let c1 = tally["candidates"]["c1"]["votes"].as_u64().unwrap();
    let c2 = tally["candidates"]["c2"]["votes"].as_u64().unwrap();
    let pct = |n: u64, d: u64| format!("{}%", kiemphieu_core::rules::percent(n, d));
    must_have(
        &text,
        &[
            "4 Số phiếu phát ra 30",
            &format!(
                "6 Số phiếu thu vào, so với số phiếu phát ra {returned} {}",
                pct(valid + invalid, 30)
            ),
            &format!(
                "7 Số phiếu hợp lệ, so với số phiếu thu vào {valid} {}",
                pct(valid, valid + invalid)
            ),
            &format!("1 Nguyễn Văn An {c1} {} {}", pct(c1, 412), pct(c1, valid)),
            &format!("2 Trần Thị Bình {c2} {} {}", pct(c2, 412), pct(c2, valid)),
            "Kết quả: Không có người trúng cử.",
            &format!("Mã kết quả (SHA-256): {fingerprint}"),
        ],
    );
    // The QR code read from a 150 dpi rendering carries the signed compact result.
    let png = d.join("page");
    let o = Command::new("pdftoppm")
        .args(["-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&pdf)
        .arg(&png)
        .output()
        .unwrap();
    assert!(o.status.success());
    let codes = qr_texts(&d.join("page.png"));
    assert_eq!(codes.len(), 1, "{codes:?}");
    let signed = SignedCompact::decode(&codes[0]).unwrap();
    let key_line = text
        .lines()
        .find_map(|l| l.strip_prefix("Khóa công khai: "))
        .unwrap();
    let key = PublicKey::from_hex(key_line).unwrap();
    assert!(signed.verify(&key));
    let c = &signed.compact;
    assert!(c.is_final);
    assert_eq!(c.households, 412);
    assert_eq!(c.attendance, 300);
    assert_eq!(c.issued, 30);
    assert_eq!(u64::from(c.valid), valid);
    assert_eq!(u64::from(c.invalid), invalid);
    assert_eq!(c.votes, vec![c1 as u32, c2 as u32]);
    assert_eq!(c.winner, None);
    // A changed count no longer verifies.
    let mut forged = signed.clone();
    forged.compact.votes[0] += 1;
    assert!(!forged.verify(&key));
    // Reporting again gives the same signed result (deterministic signature).
    let again = ok(&kp(d, &["report", "--db", "st.db", "--out", "again.pdf"]));
    assert!(again.contains(&fingerprint));
}

#[test]
fn report_names_bad_input_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let o = kp(d, &["report", "--db", "missing.db", "--out", "x.pdf"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("missing.db: no such station database"));
    drop(Store::open(&d.join("empty.db")).unwrap());
    let o = kp(d, &["report", "--db", "empty.db", "--out", "x.pdf"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no election bound"));
    let o = kp(
        d,
        &[
            "report", "--db", "empty.db", "--out", "x.pdf", "--copies", "0",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(!d.join("x.pdf").exists());
}
