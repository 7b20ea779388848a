//! `kiemphieu report` through the real binary: the biên bản of a real scanned
//! session (draft, then final with three copies, its QR code read back from a
//! rendered page and verified), and text snapshots of the sheet for a winner,
//! no winner at exactly 50 %, one candidate, household-ballot mode and clusters
//! (sessions filled through the library API so the counts are exact).
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

mod common;
use common::{accept_suggestions, decide_by_hand, kp, ok, open_demo_session, scan};

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

fn invalid(r: InvalidReason, batch: &'static str, n: u32) -> Ballots {
    Ballots {
        batch,
        verdict: Verdict::invalid([r]),
        n,
    }
}

/// A closed session filled through the library: exact counts, confirmed by the board.
fn session(dir: &Path, toml: &str, attendance: u32, issued: u32, ballots: &[Ballots]) -> PathBuf {
    session_with_complaints(dir, toml, attendance, issued, ballots, &[])
}

/// As [`session`], with complaints (lodged by, content, handling) recorded before the board confirms.
fn session_with_complaints(
    dir: &Path,
    toml: &str,
    attendance: u32,
    issued: u32,
    ballots: &[Ballots],
    complaints: &[(&str, &str, &str)],
) -> PathBuf {
    let db = dir.join("st.db");
    let mut store = Store::open(&db).unwrap();
    let election = store.bind_election(toml, Path::new("e.toml")).unwrap();
    let fingerprint = Fingerprint::of(&election);
    let s = store.create_session(&fingerprint, 1, toml, None).unwrap();
    store
        .set_session_setup(
            s,
            &serde_json::json!({"leader": "Nguyễn Thị Hoa", "members": ["Lê Văn Ba"],
                "witnesses": ["Trần Văn Hùng", "Đỗ Thị Mai"], "attendance": attendance}),
        )
        .unwrap();
    store
        .set_session_state(s, SessionState::Counting, "station")
        .unwrap();
    let total: u32 = ballots.iter().map(|b| b.n).sum();
    let serials: Vec<Serial> = (1..=u64::from(total)).map(Serial).collect();
    store
        .record_print_run(&fingerprint, 1, &serials, true, RunOrigin::Printed)
        .unwrap();
    let mut i = 0u32;
    for b in ballots {
        for _ in 0..b.n {
            i += 1;
            let sha = format!("{:064x}", i);
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
                "reasons": [], "serial": format!("{:016X}", i), "code": "verified", "round": 1,
                "verdict": b.verdict, "scores": {}, "extra_writing": [], "rotation": 0,
                "dpi": 300.0, "scale": 1.0, "registration_mm": 0.0, "certainty": 1.0
            }))
            .unwrap();
            store.add_reading(id, &reading).unwrap();
        }
    }
    store.add_reconciliation(s, issued, i, 0, None).unwrap();
    for (from, content, handling) in complaints {
        store
            .add_complaint(s, from, content, handling, "Nguyễn Thị Hoa")
            .unwrap();
    }
    store
        .set_session_state(s, SessionState::Reconciled, "station")
        .unwrap();
    for m in ["Nguyễn Thị Hoa", "Lê Văn Ba"] {
        store.add_confirmation(s, m).unwrap();
    }
    store
        .set_session_state(s, SessionState::Confirmed, "Lê Văn Ba")
        .unwrap();
    store
        .set_session_state(s, SessionState::Closed, "station")
        .unwrap();
    db
}

/// The sheet text (spaces collapsed: -layout spacing follows the widest line, a
/// hash) without what changes from run to run (times, keys, hashes).
fn stable(text: &str) -> String {
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

fn election_toml(households: u32, mode: &str, candidates: &[&str]) -> String {
    let head = EXAMPLE_ELECTION
        .split("[[candidates]]")
        .next()
        .unwrap()
        .replace("households = 412", &format!("households = {households}"))
        .replace("mode = \"meeting\"", &format!("mode = \"{mode}\""));
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

fn report(dir: &Path, db: &Path) -> (String, String) {
    let out = dir.join("bien-ban.pdf");
    ok(&kp(
        dir,
        &[
            "report",
            "--db",
            db.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    ));
    assert_eq!(pages(&out), 1);
    pdf_text(&out)
}

const COMMON: &[&str] = &[
    "UBND PHƯỜNG ĐỒNG KỴ",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập – Tự do – Hạnh phúc",
    "Khu phố Đông Sơn, ngày 13 tháng 10 năm 2024",
    "BIÊN BẢN KIỂM PHIẾU",
    "Về việc bầu Trưởng khu phố Đông Sơn, nhiệm kỳ 2024-2027",
    "Tổ bầu cử (Ban kiểm phiếu) gồm: Ông/Bà Nguyễn Thị Hoa – Tổ trưởng; Ông/Bà Lê Văn Ba – Thành viên.",
    "Ông/Bà Trần Văn Hùng; Ông/Bà Đỗ Thị Mai.",
    "Khiếu nại, tố cáo nhận được trong quá trình kiểm phiếu: không có.",
    "Biên bản lập thành 03 bản: 01 bản gửi Ủy ban nhân dân cấp xã (Phường Đồng Kỵ), 01 bản gửi Ủy ban",
    "Gửi biên bản về Ủy ban nhân dân cấp xã chậm nhất ngày 18/10/2024",
    "Kiểm phiếu kết thúc và được Tổ bầu cử xác nhận lúc",
    "TỔ TRƯỞNG THÀNH VIÊN ĐẠI DIỆN HỘ GIA ĐÌNH ĐẠI DIỆN HỘ GIA ĐÌNH",
    "Nguyễn Thị Hoa Lê Văn Ba Trần Văn Hùng Đỗ Thị Mai",
    "Phần dành cho máy đọc (kiemphieu verify)",
    "Phiên kiểm phiếu: 1",
];

#[test]
fn sheet_with_a_winner() {
    let dir = tempfile::tempdir().unwrap();
    let toml = election_toml(60, "meeting", &["Nguyễn Văn An", "Trần Thị Bình"]);
    let db = session(
        dir.path(),
        &toml,
        50,
        50,
        &[
            valid("c1", "1", 32),
            valid("c2", "1", 12),
            invalid(InvalidReason::AllStruck, "1", 2),
            invalid(InvalidReason::NoStamp, "1", 1),
        ],
    );
    let (_, text) = report(dir.path(), &db);
    must_have(&text, COMMON);
    must_have(
        &text,
        &[
            "(Mẫu số 02 — Nghị định 59/2023/NĐ-CP; bầu tại hội nghị đại diện hộ gia đình)",
            "1 Tổng số đại diện hộ gia đình của Khu phố Đông Sơn (H) 60",
            "2 Số đại diện hộ gia đình có mặt (A), so với H 50 83,33%",
            "3 Số đại diện hộ gia đình vắng mặt (H – A), so với H 10 16,67%",
            "4 Số phiếu phát ra 50",
            "5 Số phiếu thu vào, so với số phiếu phát ra 47 94,00%",
            "6 Số phiếu hợp lệ, so với số phiếu thu vào 44 93,62%",
            "7 Số phiếu không hợp lệ, so với số phiếu thu vào 3 6,38%",
            "7.1 – Phiếu không có dấu của Tổ bầu cử 1",
            "7.2 – Phiếu gạch xóa hết tên người ứng cử 2",
            "1 Nguyễn Văn An 32 53,33% 72,73%",
            "2 Trần Thị Bình 12 20,00% 27,27%",
            "Kết quả: Ông/Bà Nguyễn Văn An trúng cử Trưởng khu phố Đông Sơn, nhiệm kỳ 2024-2027,",
            "với 32 phiếu, đạt 53,33% tổng số đại diện hộ gia đình (trên 50%: 32 × 2 > 60).",
        ],
    );
    assert!(!text.contains("BẢN NHÁP"));
    snapshot("report_winner", &stable(&text));
}

#[test]
fn sheet_lists_the_complaints_and_how_they_were_handled() {
    let dir = tempfile::tempdir().unwrap();
    let toml = election_toml(60, "meeting", &["Nguyễn Văn An", "Trần Thị Bình"]);
    let db = session_with_complaints(
        dir.path(),
        &toml,
        50,
        50,
        &[valid("c1", "1", 32), valid("c2", "1", 15)],
        &[
            (
                "Ông Phạm Văn Tư",
                "Đề nghị kiểm lại phiếu số 12",
                "Đã kiểm lại, giữ nguyên kết quả.",
            ),
            ("Bà Lò Thị Sen", "Hòm phiếu mở muộn 5 phút.", "Ghi nhận"),
        ],
    );
    let (_, text) = report(dir.path(), &db);
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
    let db = session(
        dir.path(),
        &toml,
        48,
        48,
        &[
            valid("c1", "1", 30),
            valid("c2", "1", 14),
            invalid(InvalidReason::TooManyKept, "1", 2),
        ],
    );
    let (_, text) = report(dir.path(), &db);
    must_have(&text, COMMON);
    must_have(
        &text,
        &[
            "1 Nguyễn Văn An 30 50,00% 68,18%",
            "2 Trần Thị Bình 14 23,33% 31,82%",
            "Kết quả: Không có người trúng cử. Lý do: Không có người ứng cử nào đạt trên 50% tổng",
            "số đại diện hộ gia đình (số phiếu cao nhất: Ông/Bà Nguyễn Văn An, 30 phiếu, đạt 50,00%;",
            "cần ít nhất 31 phiếu). Báo cáo Ủy ban nhân dân cấp xã xem xét, quyết định việc tổ chức",
            "bầu lại.",
        ],
    );
    snapshot("report_no_winner_half", &stable(&text));
}

#[test]
fn sheet_for_one_candidate() {
    let dir = tempfile::tempdir().unwrap();
    let toml = election_toml(40, "meeting", &["Nguyễn Văn An"]);
    let mut ballots = vec![Ballots {
        batch: "1",
        verdict: Verdict::Valid {
            vote: Vote::Approve("c1".into()),
        },
        n: 25,
    }];
    ballots.push(Ballots {
        batch: "1",
        verdict: Verdict::Valid {
            vote: Vote::Disapprove,
        },
        n: 8,
    });
    ballots.push(invalid(InvalidReason::ExtraWriting, "1", 1));
    let db = session(dir.path(), &toml, 36, 35, &ballots);
    let (_, text) = report(dir.path(), &db);
    must_have(&text, COMMON);
    must_have(
        &text,
        &[
            "1 Nguyễn Văn An — Đồng ý 25 62,50% 75,76%",
            "2 Nguyễn Văn An — Không đồng ý 8 20,00% 24,24%",
            "6 Số phiếu hợp lệ, so với số phiếu thu vào 33 97,06%",
            "với 25 phiếu, đạt 62,50% tổng số đại diện hộ gia đình (trên 50%: 25 × 2 > 40).",
        ],
    );
    snapshot("report_one_candidate", &stable(&text));
}

#[test]
fn sheet_in_household_ballot_mode() {
    let dir = tempfile::tempdir().unwrap();
    let toml = election_toml(60, "household", &["Nguyễn Văn An", "Trần Thị Bình"]);
    let db = session(
        dir.path(),
        &toml,
        55,
        55,
        &[
            valid("c1", "1", 35),
            valid("c2", "1", 10),
            invalid(InvalidReason::AllStruck, "1", 2),
        ],
    );
    let (_, text) = report(dir.path(), &db);
    must_have(&text, COMMON);
    must_have(
        &text,
        &[
            "(Mẫu số 04 — Nghị định 59/2023/NĐ-CP; bầu bằng phiếu phát đến hộ gia đình)",
            "2 Số hộ gia đình được phát phiếu (A), so với H 55 91,67%",
            "3 Số hộ gia đình không nhận phiếu (H – A), so với H 5 8,33%",
            "4 Số phiếu phát đến hộ gia đình 55",
            "5 Số phiếu thu về, so với số phiếu phát ra 47 85,45%",
            "1 Nguyễn Văn An 35 58,33% 77,78%",
        ],
    );
    snapshot("report_household", &stable(&text));
}

#[test]
fn sheet_with_clusters() {
    let dir = tempfile::tempdir().unwrap();
    let toml = election_toml(80, "meeting", &["Nguyễn Văn An", "Trần Thị Bình"]);
    let db = session(
        dir.path(),
        &toml,
        62,
        62,
        &[
            valid("c1", "cụm 1", 15),
            valid("c2", "cụm 1", 5),
            valid("c1", "cụm 2", 12),
            valid("c2", "cụm 2", 8),
            invalid(InvalidReason::NoStamp, "cụm 2", 1),
            valid("c1", "cụm 3", 14),
            valid("c2", "cụm 3", 3),
        ],
    );
    let (_, text) = report(dir.path(), &db);
    must_have(&text, COMMON);
    must_have(
        &text,
        &[
            "Kết quả theo từng cụm dân cư / hòm phiếu (cộng lại thành kết quả của đơn vị, xét trên H):",
            "cụm 1 20 20 0 15 5",
            "cụm 2 21 20 1 12 8",
            "cụm 3 17 17 0 14 3",
            "1 Nguyễn Văn An 41 51,25% 71,93%",
            "với 41 phiếu, đạt 51,25% tổng số đại diện hộ gia đình (trên 50%: 41 × 2 > 80).",
        ],
    );
    snapshot("report_clusters", &stable(&text));
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
            "BẢN NHÁP — CHƯA XÁC NHẬN: phiên kiểm phiếu chưa được Tổ bầu cử xác nhận và khóa sổ.",
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
    ok(&kp(
        d,
        &["confirm", "--db", "st.db", "--member", "Nguyễn Thị Hoa"],
    ));
    ok(&kp(
        d,
        &["confirm", "--db", "st.db", "--member", "Lê Văn Ba"],
    ));
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
                "5 Số phiếu thu vào, so với số phiếu phát ra {returned} {}",
                pct(valid + invalid, 30)
            ),
            &format!(
                "6 Số phiếu hợp lệ, so với số phiếu thu vào {valid} {}",
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
