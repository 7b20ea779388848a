//! `kiemphieu report` on a real scanned session (draft, then final with three
//! copies, its QR code read back from a rendered page and verified), and its
//! bad input (helpers in `report.rs`).
// Test code: a panic is how it reports, and the pedantic style lints serve the
// product's code; long scenarios still say why they read better whole.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::pedantic)]
#![warn(clippy::too_many_lines)]

use std::path::Path;
use std::process::Command;

use kiemphieu_station::result::{PublicKey, SignedCompact};
use kiemphieu_station::store::Store;

use crate::common;
use crate::report::*;
use common::{accept_suggestions, confirm_all, decide_by_hand, kp, ok, open_demo_session, scan};

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
