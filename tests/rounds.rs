//! Rounds (rules.md §10) and demos through the real binary: a first count with
//! no winner, a re-election with a changed candidate list whose box holds
//! first-round ballots (invalid, never votes), both rounds reported and
//! verified, no bundle that mints ballots of an open round; and a demo bundle
//! that says it is one, while a real bundle with a simulated sheet fails.
// Test code: a panic is how it reports, and the pedantic style lints serve the
// product's code; long scenarios still say why they read better whole.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::pedantic)]
#![warn(clippy::too_many_lines)]

use std::path::Path;

use kiemphieu_core::election::{BallotKey, EXAMPLE_ELECTION};

use crate::common;
use common::pages::Maker;
use common::{BOARD, accept_suggestions, kp, ok, tally_json};

/// The serials of a print-run file.
fn serials(d: &Path, run: &str) -> Vec<u64> {
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join(run)).unwrap()).unwrap();
    v["serials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| u64::from_str_radix(s.as_str().unwrap(), 16).unwrap())
        .collect()
}

fn open(d: &Path, election: &str, attendance: &str) -> String {
    let mut args = vec!["session", "open", "--db", "st.db", "--election", election];
    args.extend(BOARD);
    args.extend(common::COUNT_DATE);
    args.extend(["--attendance", attendance]);
    ok(&kp(d, &args))
}

fn close_and_confirm(d: &Path, n: &str) {
    ok(&kp(
        d,
        &["close", "--db", "st.db", "--issued", n, "--returned", n],
    ));
    common::confirm_all(d, "st.db");
}

fn write_scans(d: &Path, folder: &str, pages: &[Vec<u8>]) {
    let dir = d.join(folder);
    std::fs::create_dir_all(&dir).unwrap();
    for (i, p) in pages.iter().enumerate() {
        std::fs::write(dir.join(format!("{i:02}.png")), p).unwrap();
    }
}

#[allow(clippy::too_many_lines)] // two rounds of one election, in the order they happen
#[test]
fn a_re_election_never_counts_first_round_ballots_and_both_rounds_verify() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let first = EXAMPLE_ELECTION.replace("households = 412", "households = 10");
    std::fs::write(d.join("e1.toml"), &first).unwrap();
    // Round 1: six ballots printed into the station, three each: nobody passes half of H.
    ok(&kp(
        d,
        &[
            "ballots",
            "--election",
            "e1.toml",
            "--count",
            "6",
            "--out",
            "print1",
            "--db",
            "st.db",
            "--seed",
            "1",
        ],
    ));
    let printed1 = serials(d, "print1/print-run.json");
    let m1 = Maker::new(d, "e1.toml");
    let round1: Vec<Vec<u8>> = printed1
        .iter()
        .enumerate()
        .map(|(i, s)| m1.render(&m1.spec(100 + i as u64, *s, i % 2)).encoded)
        .collect();
    open(d, "e1.toml", "8");
    write_scans(d, "scans1", &round1);
    ok(&common::scan(d, "st.db", "folder:scans1", &[]));
    common::decide_by_hand(d, "st.db");
    let t1 = tally_json(d, "st.db");
    assert_eq!(
        (t1["valid"].as_u64(), t1["outcome"]["elected"].is_null()),
        (Some(6), true),
        "{t1}"
    );
    close_and_confirm(d, "6");
    ok(&kp(d, &["export", "--db", "st.db", "--out", "b1"]));
    let key1 = BallotKey::load(&d.join("b1/election.key")).unwrap();
    // A closed round prints no more ballots.
    let o = kp(
        d,
        &[
            "ballots",
            "--election",
            "e1.toml",
            "--count",
            "1",
            "--out",
            "x",
            "--db",
            "st.db",
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // Re-counting round 1 is refused: a re-election is a new round.
    let mut args = vec![
        "session",
        "open",
        "--db",
        "st.db",
        "--election",
        "e1.toml",
        "--previous",
        "1",
    ];
    args.extend(BOARD);
    args.extend(common::COUNT_DATE);
    args.extend(["--attendance", "8"]);
    let o = kp(d, &args);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("round = 2"));

    // Round 2: Bình withdrew, Cường stands; its own key and serials.
    let second = first.replace("# round = 2", "round = 2").replace(
        "id = \"c2\"\nname = \"Trần Thị Bình\"",
        "id = \"c3\"\nname = \"Lê Văn Cường\"",
    );
    std::fs::write(d.join("e2.toml"), &second).unwrap();
    ok(&kp(
        d,
        &[
            "ballots",
            "--election",
            "e2.toml",
            "--count",
            "10",
            "--out",
            "print2",
            "--db",
            "st.db",
            "--seed",
            "2",
        ],
    ));
    assert!(
        d.join("e2.toml.round-2.key").exists(),
        "a new key for the new round"
    );
    let out = open(d, "e2.toml", "10");
    assert!(out.contains("re-election 1 (round 2)"), "{out}");
    let printed2 = serials(d, "print2/print-run.json");
    let m2 = Maker::new(d, "e2.toml");
    assert_ne!(m2.key, key1);
    // Six votes for Cường (keep index 1), then three first-round ballots found in
    // the box, and one minted for round 2 with the first round's disclosed key.
    let mut box2: Vec<Vec<u8>> = printed2[..6]
        .iter()
        .enumerate()
        .map(|(i, s)| m2.render(&m2.spec(200 + i as u64, *s, 1)).encoded)
        .collect();
    box2.extend(round1[..3].iter().cloned());
    let mut minted = m2.spec(300, printed2[6], 0);
    minted.seed = 301;
    box2.push(m2.with_key(&key1).render(&minted).unwrap().encoded);
    write_scans(d, "scans2", &box2);
    ok(&common::scan(d, "st.db", "folder:scans2", &[]));
    let t = tally_json(d, "st.db");
    assert_eq!(t["round"], 2);
    assert_eq!(t["candidates"]["c3"]["votes"], 6, "{t}");
    assert_eq!(
        t["candidates"]["c1"]["votes"], 0,
        "first-round ballots are never votes: {t}"
    );
    assert_eq!(t["awaiting_review"], 4, "{t}");
    // A draft bundle of the open round withholds its key, and still verifies.
    ok(&kp(d, &["export", "--db", "st.db", "--out", "b2-draft"]));
    assert!(!d.join("b2-draft/election.key").exists());
    let v = ok(&kp(d, &["verify", "b2-draft"]));
    assert!(v.contains("OK:") && v.contains("key is withheld"), "{v}");

    accept_suggestions(d, "st.db");
    let t = tally_json(d, "st.db");
    assert_eq!(t["not_issued"]["other_round"], 3, "{t}");
    assert_eq!(t["not_issued"]["bad_mac"], 1, "{t}");
    assert_eq!(
        (t["valid"].as_u64(), t["invalid"].as_u64()),
        (Some(6), Some(4)),
        "{t}"
    );
    assert_eq!(t["outcome"]["elected"]["candidate"], "c3", "{t}");
    close_and_confirm(d, "10");
    ok(&kp(d, &["export", "--db", "st.db", "--out", "b2"]));
    let key2 = BallotKey::load(&d.join("b2/election.key")).unwrap();
    assert_ne!(key1, key2, "each round its own key");
    let o = kp(
        d,
        &[
            "ballots",
            "--election",
            "e2.toml",
            "--count",
            "1",
            "--out",
            "y",
            "--db",
            "st.db",
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(2),
        "round 2 is closed: no more ballots"
    );

    // Both rounds verify, and both sheets can be made; the later one cites the first.
    for b in ["b1", "b2"] {
        let v = ok(&kp(d, &["verify", b]));
        assert!(v.contains("OK:"), "{b}: {v}");
    }
    ok(&kp(d, &["report", "--db", "st.db", "--out", "bb2.pdf"]));
    ok(&kp(
        d,
        &[
            "report",
            "--db",
            "st.db",
            "--session",
            "1",
            "--out",
            "bb1.pdf",
        ],
    ));
    let text2 = common::pdf_words(&d.join("bb2.pdf"), false);
    assert!(
        text2.contains("Đây là cuộc bầu lại lần 1, sau cuộc bầu ngày 13/10/2024 (phiên kiểm phiếu 1) không có người trúng cử"),
        "{text2}"
    );
    assert!(
        text2.contains("Lê Văn Cường") && !text2.contains("Trần Thị Bình"),
        "{text2}"
    );
    assert!(text2.contains("3 phiếu của lần bầu khác"), "{text2}");
    let text1 = common::pdf_words(&d.join("bb1.pdf"), false);
    assert!(
        text1.contains("Trần Thị Bình") && !text1.contains("Đây là cuộc bầu lại"),
        "{text1}"
    );
}

#[test]
fn a_demo_bundle_says_so_and_a_real_bundle_with_a_simulated_sheet_fails() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    common::open_demo_session(d);
    ok(&common::scan(
        d,
        "st.db",
        "sim:4,rate=0,seed=3",
        &["--dpi", "150"],
    ));
    accept_suggestions(d, "st.db");
    common::decide_by_hand(d, "st.db");
    let t = tally_json(d, "st.db");
    assert_eq!(t["demo"], true);
    let n = t["returned"].as_u64().unwrap().to_string();
    close_and_confirm(d, &n);
    ok(&kp(d, &["report", "--db", "st.db", "--out", "bb.pdf"]));
    assert!(
        common::pdf_words(&d.join("bb.pdf"), false).contains("DEMO — KHÔNG CÓ GIÁ TRỊ PHÁP LÝ")
    );
    ok(&kp(d, &["export", "--db", "st.db", "--out", "demo"]));
    assert!(
        std::fs::read_to_string(d.join("demo/DEMO.txt"))
            .unwrap()
            .contains("KHÔNG CÓ GIÁ TRỊ PHÁP LÝ")
    );
    let v = ok(&kp(d, &["verify", "demo"]));
    assert!(
        v.contains("OK:") && v.contains("DEMO — KHÔNG CÓ GIÁ TRỊ PHÁP LÝ"),
        "{v}"
    );

    // Someone turns the database into a "real" one behind the station's back:
    // its bundle is signed, but a real count with simulated sheets fails.
    let conn = rusqlite::Connection::open(d.join("st.db")).unwrap();
    conn.execute_batch("DROP TRIGGER station_no_update; UPDATE station SET mode = 'real';")
        .unwrap();
    drop(conn);
    ok(&kp(d, &["export", "--db", "st.db", "--out", "fake"]));
    let o = kp(d, &["verify", "fake"]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("comes from the simulator, but the result is of a real count"),
        "{out}"
    );
}
