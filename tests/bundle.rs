//! `kiemphieu export`, `verify` and `aggregate` through the real binary on
//! real scanned sessions: an untouched bundle verifies; each kind of tampering
//! (an image byte, a record, the result, the signature, the audit log) fails,
//! naming what changed; aggregate checks each bundle against the commune's roster,
//! refuses tampered bundles, drafts, duplicates and other communes, and lists the
//! units still missing.
// Test code: a panic is how it reports, and the pedantic style lints serve the
// product's code; long scenarios still say why they read better whole.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::pedantic)]
#![warn(clippy::too_many_lines)]

use std::path::{Path, PathBuf};
use std::process::Command;

use kiemphieu_core::election::EXAMPLE_ELECTION;

use crate::common;
use common::{
    BOARD, COUNT_DATE, accept_suggestions, confirm_all, decide_by_hand, kp, ok, open_session, scan,
};

/// A scanned, reviewed, reconciled and confirmed session of the simulated
/// scanner in the demo database `d/NAME.db`.
fn closed_session(d: &Path, name: &str, unit: &str, sheets: u32, seed: u32) -> PathBuf {
    let toml = EXAMPLE_ELECTION.replace("Khu phố Đông Sơn", unit);
    closed_session_of(d, name, &toml, sheets, seed)
}

/// As [`closed_session`], for the election file `toml`.
fn closed_session_of(d: &Path, name: &str, toml: &str, sheets: u32, seed: u32) -> PathBuf {
    let election = format!("{name}.toml");
    let db = format!("{name}.db");
    std::fs::write(d.join(&election), toml).unwrap();
    let mut args = vec![
        "session",
        "open",
        "--db",
        &db,
        "--election",
        &election,
        "--demo",
    ];
    args.extend(BOARD);
    args.extend(COUNT_DATE);
    args.extend(["--attendance", "300"]);
    ok(&kp(d, &args));
    ok(&scan(
        d,
        &db,
        &format!("sim:{sheets},rate=0,seed={seed}"),
        &[],
    ));
    accept_suggestions(d, &db);
    decide_by_hand(d, &db);
    ok(&kp(
        d,
        &[
            "complaint",
            "--db",
            &db,
            "--from",
            "Ông Phạm Văn Tư",
            "--text",
            "Đề nghị kiểm lại phiếu số 12",
            "--handling",
            "Đã kiểm lại, giữ nguyên kết quả",
            "--by",
            "Nguyễn Thị Hoa",
        ],
    ));
    let tally: serde_json::Value =
        serde_json::from_str(&ok(&kp(d, &["tally", "--db", &db, "--json"]))).unwrap();
    let returned =
        (tally["valid"].as_u64().unwrap() + tally["invalid"].as_u64().unwrap()).to_string();
    ok(&kp(
        d,
        &[
            "close",
            "--db",
            &db,
            "--issued",
            "300",
            "--returned",
            &returned,
        ],
    ));
    confirm_all(d, &db);
    d.join(db)
}

fn copy_dir(from: &Path, to: &Path) {
    let o = Command::new("cp")
        .arg("-r")
        .arg(from)
        .arg(to)
        .output()
        .unwrap();
    assert!(o.status.success());
}

/// Runs verify on a copy of `bundle` changed by `tamper`; returns (exit code, stdout + stderr).
fn verify_tampered(
    d: &Path,
    bundle: &Path,
    name: &str,
    tamper: impl FnOnce(&Path),
) -> (i32, String) {
    let copy = d.join(name);
    copy_dir(bundle, &copy);
    tamper(&copy);
    let o = kp(d, &["verify", copy.to_str().unwrap()]);
    (
        o.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    )
}

#[allow(clippy::too_many_lines)] // one bundle, then each kind of tampering in turn; the list reads best whole
#[test]
fn verify_passes_untouched_and_names_each_kind_of_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = closed_session(d, "st", "Khu phố Đông Sơn", 20, 21);
    let out = ok(&kp(
        d,
        &["export", "--db", db.to_str().unwrap(), "--out", "bundle"],
    ));
    assert!(out.contains("20 records"), "{out}");
    let bundle = d.join("bundle");
    for f in [
        "election.toml",
        "election.key",
        "print-runs.json",
        "DEMO.txt",
        "result.json",
        "result.sig",
        "station.pub",
        "result-qr.txt",
        "cvr.json",
        "audit.jsonl",
    ] {
        assert!(bundle.join(f).is_file(), "{f}");
    }
    let images: Vec<PathBuf> = std::fs::read_dir(bundle.join("images"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(images.len(), 20);
    // The records have the Cast Vote Record shape.
    let cvr: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(bundle.join("cvr.json")).unwrap()).unwrap();
    assert_eq!(cvr["@type"], "CVR.CastVoteRecordReport");
    assert_eq!(cvr["CVR"].as_array().unwrap().len(), 20);
    let first = &cvr["CVR"][0];
    assert_eq!(first["BallotImage"][0]["Hash"]["Type"], "sha-256");
    assert_eq!(first["CVRSnapshot"][0]["Type"], "original");

    let out = ok(&kp(d, &["verify", "bundle"]));
    assert!(out.contains("20 re-interpreted"), "{out}");
    assert!(out.contains("final, 1 complaint(s) recorded)"), "{out}");
    // The same bundle as one zip file verifies the same way.
    ok(&kp(
        d,
        &[
            "export",
            "--db",
            db.to_str().unwrap(),
            "--out",
            "bundle.zip",
        ],
    ));
    assert!(!d.join("bundle.zip.partial").exists());
    let out = ok(&kp(d, &["verify", "bundle.zip"]));
    assert!(out.contains("20 re-interpreted"), "{out}");
    assert!(out.contains("OK: signature"), "{out}");
    assert!(
        out.contains("OK: signature, audit chain, images, records and re-count agree"),
        "{out}"
    );
    // Exporting into a folder that is not empty is refused.
    assert!(
        !kp(
            d,
            &["export", "--db", db.to_str().unwrap(), "--out", "bundle"]
        )
        .status
        .success()
    );
    // An existing zip is never overwritten.
    assert_eq!(
        kp(
            d,
            &[
                "export",
                "--db",
                db.to_str().unwrap(),
                "--out",
                "bundle.zip"
            ]
        )
        .status
        .code(),
        Some(2)
    );

    // The complaint is part of the signed result; none can be added once confirmed.
    let result: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(bundle.join("result.json")).unwrap())
            .unwrap();
    assert_eq!(result["complaints"][0]["lodged_by"], "Ông Phạm Văn Tư");
    let late = kp(
        d,
        &[
            "complaint",
            "--db",
            db.to_str().unwrap(),
            "--from",
            "X",
            "--text",
            "Y",
            "--handling",
            "Z",
            "--by",
            "Lê Văn Ba",
        ],
    );
    assert_eq!(late.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&late.stderr).contains("can no longer be added"));

    // A complaint's text changed in the result.
    let (code, text) = verify_tampered(d, &bundle, "t-complaint", |b| {
        let p = b.join("result.json");
        let t = std::fs::read_to_string(&p).unwrap();
        assert!(t.contains("giữ nguyên kết quả"));
        std::fs::write(&p, t.replace("giữ nguyên kết quả", "hủy phiếu số 12")).unwrap();
    });
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("the signature does not match")
            && text.contains(
                "result.json: the complaints differ from those recorded in the audit log"
            ),
        "{text}"
    );

    // One byte of an image.
    let image_name = images[3].file_name().unwrap().to_str().unwrap().to_string();
    let (code, text) = verify_tampered(d, &bundle, "t-image", |b| {
        let p = b.join("images").join(&image_name);
        let mut bytes = std::fs::read(&p).unwrap();
        let i = bytes.len() / 2;
        bytes[i] ^= 0x01;
        std::fs::write(&p, bytes).unwrap();
    });
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains(&format!("images/{image_name}: SHA-256 differs")),
        "{text}"
    );

    // A record: the machine's vote of a valid ballot changed to the other candidate.
    let (code, text) = verify_tampered(d, &bundle, "t-record", |b| {
        let p = b.join("cvr.json");
        let mut v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        let rec = v["CVR"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|r| r["kiemphieu"]["reading"]["verdict"]["valid"]["vote"]["for"] == "c1")
            .expect("a valid vote for c1");
        rec["kiemphieu"]["reading"]["verdict"]["valid"]["vote"]["for"] = serde_json::json!("c2");
        std::fs::write(&p, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    });
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("reads as") && text.contains("but the record says"),
        "{text}"
    );

    // A record: an official's decision added where there was none.
    let (code, text) = verify_tampered(d, &bundle, "t-decision", |b| {
        let p = b.join("cvr.json");
        let mut v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        let rec = &mut v["CVR"][0]["kiemphieu"];
        rec["decision"] = serde_json::json!({
            "id": 1, "decision": {"ballot": {"invalid": {"reasons": ["no_stamp"]}}},
            "official": "Lê Văn Ba", "reason": "", "at": ""
        });
        std::fs::write(&p, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    });
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("sheet 1: the officials' decision differs from the audit log"),
        "{text}"
    );

    // The result: one count changed.
    let (code, text) = verify_tampered(d, &bundle, "t-result", |b| {
        let p = b.join("result.json");
        let t = std::fs::read_to_string(&p).unwrap();
        let v: serde_json::Value = serde_json::from_str(&t).unwrap();
        let valid = v["valid"].as_u64().unwrap();
        // The top-level count is the last key of the canonical JSON.
        let end = format!("\"valid\":{valid}}}");
        assert!(t.ends_with(&end), "{t}");
        let t = format!("{}\"valid\":{}}}", &t[..t.len() - end.len()], valid + 1);
        std::fs::write(&p, t).unwrap();
    });
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("result.json / result.sig: the signature does not match the result"),
        "{text}"
    );
    assert!(text.contains("result.json: valid is"), "{text}");

    // The signature: one hex digit.
    let (code, text) = verify_tampered(d, &bundle, "t-sig", |b| {
        let p = b.join("result.sig");
        let t = std::fs::read_to_string(&p).unwrap();
        let c = if t.starts_with('0') { "1" } else { "0" };
        std::fs::write(&p, format!("{c}{}", &t[1..])).unwrap();
    });
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("the signature does not match"), "{text}");

    // The printed QR result with a changed vote (its signature no longer holds).
    let (code, text) = verify_tampered(d, &bundle, "t-qr", |b| {
        let p = b.join("result-qr.txt");
        let t = std::fs::read_to_string(&p).unwrap();
        let mut signed = kiemphieu_station::result::SignedCompact::decode(&t).unwrap();
        signed.compact.votes[0] += 1;
        std::fs::write(&p, signed.encode()).unwrap();
    });
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("result-qr.txt: the printed QR result does not match"),
        "{text}"
    );

    // The audit log: one row's actor changed.
    let (code, text) = verify_tampered(d, &bundle, "t-audit", |b| {
        let p = b.join("audit.jsonl");
        let t = std::fs::read_to_string(&p).unwrap();
        let mut lines: Vec<String> = t.lines().map(str::to_string).collect();
        lines[4] = lines[4].replace("\"actor\":\"station\"", "\"actor\":\"someone\"");
        std::fs::write(&p, lines.join("\n") + "\n").unwrap();
    });
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("audit.jsonl: the hash chain is broken at row 5"),
        "{text}"
    );
}

/// pdftotext -layout of `pdf` in `d`, spaces collapsed.
fn pdf_text(d: &Path, pdf: &str) -> String {
    let o = Command::new("pdftotext")
        .args(["-layout", pdf, "-"])
        .current_dir(d)
        .output()
        .unwrap();
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n")
}

const ROSTER: &str = r#"
[commune]
name = "Phường Đồng Kỵ"
term = "2024-2027"

[[units]]
name = "Khu phố Đông Sơn"
households = 412

[[units]]
name = "Khu phố Tây Sơn"
households = 412

[[units]]
name = "Khu phố Bắc Sơn"
households = 380
"#;

#[allow(clippy::too_many_lines)] // one commune's summary, every refusal in turn
#[test]
fn aggregate_checks_the_roster_and_refuses_duplicates_drafts_and_strangers() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let a = closed_session(d, "dong", "Khu phố Đông Sơn", 8, 3);
    let b = closed_session(d, "tay", "Khu phố Tây Sơn", 8, 4);
    let again = closed_session(d, "dong2", "Khu phố Đông Sơn", 6, 5);
    let foreign = closed_session_of(
        d,
        "la",
        &EXAMPLE_ELECTION.replace("Phường Đồng Kỵ", "Phường Tân Hồng"),
        4,
        6,
    );
    // A draft: scanned, never closed.
    std::fs::write(
        d.join("draft.toml"),
        EXAMPLE_ELECTION.replace("Khu phố Đông Sơn", "Khu phố Bắc Sơn"),
    )
    .unwrap();
    ok(&open_session(d, "draft.db", "draft.toml", 300));
    for (db, out) in [
        (a.to_str().unwrap(), "ba"),
        (b.to_str().unwrap(), "bb"),
        (again.to_str().unwrap(), "bd"),
        (foreign.to_str().unwrap(), "bf"),
        ("draft.db", "bn"),
    ] {
        ok(&kp(d, &["export", "--db", db, "--out", out]));
    }
    std::fs::write(d.join("phuong.toml"), ROSTER).unwrap();
    let aggregate = |bundles: &[&str], out: &str| {
        let mut args = vec!["aggregate", "--roster", "phuong.toml", "--out", out];
        args.extend(bundles);
        kp(d, &args)
    };
    let said = ok(&aggregate(&["ba", "bb"], "phuong.pdf"));
    assert!(
        said.contains("missing: Khu phố Bắc Sơn (H = 380)"),
        "{said}"
    );
    assert!(
        said.contains("2 of 3 units, 0 with a winner, 1 missing"),
        "{said}"
    );
    let text = pdf_text(d, "phuong.pdf");
    assert!(text.contains("TỔNG HỢP KẾT QUẢ KIỂM PHIẾU"), "{text}");
    for (bundle, unit) in [("ba", "Khu phố Đông Sơn"), ("bb", "Khu phố Tây Sơn")] {
        let r: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(d.join(bundle).join("result.json")).unwrap(),
        )
        .unwrap();
        // The unit's name and the outcome wrap in their narrow columns; the
        // figures (round, H, A, returned, valid, invalid) stay on one line.
        let row = format!(
            "1 412 300 {} {} {}\n",
            r["returned"], r["valid"], r["invalid"]
        );
        let head = unit.rsplit_once(' ').unwrap().0;
        assert!(text.contains(head), "missing `{head}` in\n{text}");
        assert!(text.contains(&row), "missing `{row}` in\n{text}");
    }
    // Flags: each unit had a complaint recorded.
    assert_eq!(text.matches("1 khiếu nại").count(), 2, "{text}");
    // The total row wraps in its column too.
    assert!(text.contains("0/2 đơn vị có người trúng"), "{text}");
    assert!(
        text.contains("Đơn vị chưa có kết quả (1): Khu phố Bắc Sơn (H = 380)."),
        "{text}"
    );
    assert!(text.contains("NGƯỜI TỔNG HỢP") && text.contains("Mã bản tổng hợp (SHA-256):"));
    // Signed like a unit result: the summary JSON verifies with the printed key.
    let signed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("phuong.json")).unwrap()).unwrap();
    let canonical = kiemphieu_station::result::canonical_json(&signed["summary"]);
    let key =
        kiemphieu_station::result::PublicKey::from_hex(signed["public_key"].as_str().unwrap())
            .unwrap();
    let sig: [u8; 64] = hex_bytes(signed["signature"].as_str().unwrap())
        .try_into()
        .unwrap();
    assert!(key.verify(canonical.as_bytes(), &sig));
    assert!(text.contains(signed["public_key"].as_str().unwrap()));
    assert_eq!(signed["summary"]["missing"][0]["unit"], "Khu phố Bắc Sơn");

    // Refused, each with its reason, and nothing written.
    let cases: [(&[&str], &str); 5] = [
        (
            &["ba", "bb", "ba"],
            "ba: refused: the same result as ba (given twice)",
        ),
        (
            &["ba", "bd"],
            "bd: refused: Khu phố Đông Sơn round 1 is already given by ba (the same unit counted twice)",
        ),
        (
            &["ba", "bn"],
            "bn: refused: Khu phố Bắc Sơn: a draft (session 1 is counting",
        ),
        (
            &["bf", "ba"],
            "bf: refused: Khu phố Đông Sơn belongs to Phường Tân Hồng, not to Phường Đồng Kỵ of the roster",
        ),
        (
            &["ba", "bb"],
            "bb: refused: Khu phố Tây Sơn: H = 412 in the result, 400 on the roster",
        ),
    ];
    for (i, (bundles, want)) in cases.iter().enumerate() {
        if i == 4 {
            std::fs::write(
                d.join("phuong.toml"),
                ROSTER.replace(
                    "name = \"Khu phố Tây Sơn\"\nhouseholds = 412",
                    "name = \"Khu phố Tây Sơn\"\nhouseholds = 400",
                ),
            )
            .unwrap();
        }
        let out = format!("refused{i}.pdf");
        let o = aggregate(bundles, &out);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{bundles:?}: {err}");
        assert!(err.contains(want), "{bundles:?}: `{want}` not in {err}");
        assert!(!d.join(&out).exists());
    }
    std::fs::write(d.join("phuong.toml"), ROSTER).unwrap();

    // A bundle whose audit chain was changed is refused (a failure), and nothing is written.
    let p = d.join("bb").join("audit.jsonl");
    let t = std::fs::read_to_string(&p).unwrap();
    std::fs::write(
        &p,
        t.replacen("\"actor\":\"station\"", "\"actor\":\"x\"", 1),
    )
    .unwrap();
    let o = aggregate(&["ba", "bb"], "ward2.pdf");
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("bb: refused") && err.contains("hash chain is broken"),
        "{err}"
    );
    assert!(!d.join("ward2.pdf").exists());
}

fn hex_bytes(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// kill -9 at random moments of an export: the station database is untouched, a
/// cut-short bundle never verifies as good, and a fresh export verifies.
#[test]
fn kill_nine_during_export_loses_nothing_and_never_passes_a_partial_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = closed_session(d, "st", "Khu phố Đông Sơn", 12, 33);
    let before = ok(&kp(d, &["tally", "--db", db.to_str().unwrap(), "--json"]));
    for (run, delay_ms) in [5u64, 40, 120].into_iter().enumerate() {
        let out = format!("cut-{run}");
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kiemphieu"))
            .args(["export", "--db", db.to_str().unwrap(), "--out", &out])
            .current_dir(d)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let finished = child.wait().unwrap().success();
        if !finished && d.join(&out).exists() {
            // What was written before the kill passes only if it is whole.
            let v = kp(d, &["verify", &out]);
            let text = String::from_utf8_lossy(&v.stdout);
            if v.status.success() {
                assert!(
                    text.contains("12 records"),
                    "a cut-short export verified: {text}"
                );
            }
        }
        let after = ok(&kp(d, &["tally", "--db", db.to_str().unwrap(), "--json"]));
        assert_eq!(before, after, "the export changed the count");
    }
    ok(&kp(
        d,
        &["export", "--db", db.to_str().unwrap(), "--out", "fresh"],
    ));
    let v = ok(&kp(d, &["verify", "fresh"]));
    assert!(v.contains("OK: signature"), "{v}");
}
