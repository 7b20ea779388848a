//! `kiemphieu audit`: the hand check at the table (docs/audit.md), through the
//! real binary on a reconciled demo count — the seed and the officials checked,
//! the draw blind until a paper is read, the line on the biên bản, and the
//! bundle's verification recomputing it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::pedantic)]

use crate::common;

use std::path::Path;

use common::{accept_suggestions, confirm_all, decide_by_hand, kp, ok, open_demo_session, scan};

/// Twenty digits, as the witnesses roll them.
const SEED: &str = "3141 5926 5358 9793 2384";

/// A demo count of 40 simulated sheets in a unit of 50 households (close
/// enough to half that the check must draw), every page decided and reconciled.
fn reconciled(d: &Path) {
    let small =
        kiemphieu_core::election::EXAMPLE_ELECTION.replace("households = 412", "households = 50");
    assert_ne!(small, kiemphieu_core::election::EXAMPLE_ELECTION);
    std::fs::write(d.join("e.toml"), small).unwrap();
    common::open_demo(d, 45);
    ok(&scan(d, "st.db", "sim:40,rate=0,seed=21", &[]));
    accept_suggestions(d, "st.db");
    decide_by_hand(d, "st.db");
    let tally = common::tally_json(d, "st.db");
    let returned =
        (tally["valid"].as_u64().unwrap() + tally["invalid"].as_u64().unwrap()).to_string();
    ok(&kp(
        d,
        &[
            "close",
            "--db",
            "st.db",
            "--issued",
            "45",
            "--returned",
            &returned,
        ],
    ));
}

fn audit(d: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["audit"];
    all.extend(args);
    all.extend(["--db", "st.db"]);
    kp(d, &all)
}

fn show(d: &Path) -> serde_json::Value {
    serde_json::from_str(&ok(&audit(d, &["show", "--json"]))).unwrap()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn hand_check_from_the_seed_to_the_signed_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    open_demo_session(d);
    // Before reconciliation there is nothing to check yet.
    let o = audit(d, &["start", "--seed", SEED, "--by", "Trần Văn Hùng"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("after reconciliation"),
        "{}",
        stderr(&o)
    );
    std::fs::remove_file(d.join("st.db")).unwrap();
    reconciled(d);

    // A seed too short to be unguessable, and a stranger, are refused by name.
    let o = audit(d, &["start", "--seed", "12", "--by", "Trần Văn Hùng"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("seed"), "{}", stderr(&o));
    let o = audit(d, &["start", "--seed", SEED, "--by", "Người Lạ"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("Người Lạ"), "{}", stderr(&o));
    let o = audit(d, &["show"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));

    // The witness types the seed: the pull list names box and place.
    let out = ok(&audit(
        d,
        &["start", "--seed", SEED, "--by", "Trần Văn Hùng"],
    ));
    assert!(out.contains("papers to pull ("), "{out}");
    assert!(out.contains("tờ thứ"), "{out}");
    // The seed stands once the draw is made.
    let o = audit(
        d,
        &[
            "start",
            "--seed",
            "9999 9999 9999 9999 9999",
            "--by",
            "Đỗ Thị Mai",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));

    // Blind: nothing of the machine's reading shows before a paper is read.
    let s = show(d);
    let draws = s["draws"].as_array().unwrap().clone();
    assert!(!draws.is_empty(), "{s}");
    for (i, draw) in draws.iter().enumerate() {
        assert_eq!(draw["draw"], i + 1, "{s}");
        assert!(draw["batch"].is_string() && draw["place"].as_u64().unwrap() >= 1);
        assert!(draw["paper"].is_null() && draw["machine"].is_null(), "{s}");
    }

    // A reading that names no candidate is bad input; a good one shows both.
    let o = audit(
        d,
        &[
            "read",
            "--draw",
            "1",
            "--paper",
            "Ai Đó",
            "--by",
            "Lê Văn Ba",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("Ai Đó"), "{}", stderr(&o));
    let out = ok(&audit(
        d,
        &["read", "--draw", "1", "--paper", "c1", "--by", "Lê Văn Ba"],
    ));
    assert!(
        out.contains("draw 1: paper valid for Nguyễn Văn An"),
        "{out}"
    );
    let s = show(d);
    assert_eq!(s["draws"][0]["paper"]["reading"], "vote", "{s}");
    assert_eq!(s["draws"][0]["paper"]["candidate"], "c1", "{s}");
    assert_eq!(s["draws"][0]["read_by"], "Lê Văn Ba");
    assert!(!s["draws"][0]["machine"].is_null(), "{s}");
    // Still blind wherever no paper is read (a page drawn again carries its reading).
    for draw in s["draws"].as_array().unwrap() {
        assert_eq!(draw["paper"].is_null(), draw["machine"].is_null(), "{s}");
    }
    // More draws wait until every drawn paper is read.
    if draws.len() > 1 {
        let o = audit(d, &["more", "--by", "Lê Văn Ba"]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    }
    // The rest are read as invalid (the check then says what it says).
    for i in 2..=draws.len() {
        if !show(d)["draws"][i - 1]["paper"].is_null() {
            continue;
        }
        ok(&audit(
            d,
            &[
                "read",
                "--draw",
                &i.to_string(),
                "--paper",
                "invalid",
                "--by",
                "Phạm Thị Lan",
            ],
        ));
    }
    let s = show(d);
    assert_eq!(s["summary"]["read"], draws.len(), "{s}");
    let line = s["summary"]["line"].as_str().unwrap().to_string();
    assert!(
        line.starts_with(&format!(
            "Kiểm tra xác suất bằng tay: {} phiếu",
            draws.len()
        )),
        "{line}"
    );

    // Closed: the biên bản carries the line and the seed; the bundle verifies it.
    confirm_all(d, "st.db");
    ok(&kp(d, &["report", "--db", "st.db", "--out", "bb.pdf"]));
    let text = common::pdf_words(&d.join("bb.pdf"), true);
    assert!(text.contains(&line), "`{line}` not in {text}");
    assert!(
        text.contains(&SEED.replace(' ', "")),
        "the seed is printed: {text}"
    );
    ok(&kp(d, &["export", "--db", "st.db", "--out", "bundle"]));
    let out = ok(&kp(d, &["verify", "bundle"]));
    assert!(out.to_lowercase().contains("hand check"), "{out}");
    // The hand check is over once the count is closed.
    let o = audit(d, &["more", "--by", "Lê Văn Ba"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}
