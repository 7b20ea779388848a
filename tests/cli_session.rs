//! The real binary opening and running a session: complaints need a board
//! member and every field; the demo counts a small batch to a closed session;
//! the counting body and witnesses follow the rules; a date mismatch is
//! asked about; review at the end of its input decides nothing.
// Test code: a panic is how it reports, and the pedantic style lints serve the
// product's code; long scenarios still say why they read better whole.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::pedantic)]
#![warn(clippy::too_many_lines)]

use std::path::Path;
use std::process::{Command, Output};

use crate::cli::*;
use crate::common;
use common::{kp, ok, open_example_session};

#[test]
fn complaints_need_a_board_member_and_every_field() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    open_example_session(d);
    let complaint = |by: &str, text: &str| {
        kp(
            d,
            &[
                "complaint",
                "--db",
                "st.db",
                "--from",
                "Ông Phạm Văn Tư",
                "--text",
                text,
                "--handling",
                "Đã giải thích, người khiếu nại đồng ý",
                "--by",
                by,
            ],
        )
    };
    let o = complaint("Người Lạ", "Đề nghị kiểm lại phiếu số 12");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o)
            .1
            .contains("`Người Lạ` is not on the counting board"),
        "{:?}",
        text(&o)
    );
    let o = complaint("Lê Văn Ba", "   ");
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("needs its content"), "{:?}", text(&o));
    let o = complaint("Lê Văn Ba", &"x".repeat(501));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).1.contains("at most 500 characters"),
        "{:?}",
        text(&o)
    );
    // Missing --handling: the usage error names it.
    let o = kp(
        d,
        &[
            "complaint",
            "--db",
            "st.db",
            "--from",
            "A",
            "--text",
            "B",
            "--by",
            "Lê Văn Ba",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("--handling"), "{:?}", text(&o));
    // Nothing refused was recorded; the accepted one is listed and counted once.
    assert!(ok(&kp(d, &["complaint", "--db", "st.db", "--list"])).contains("no complaints"));
    ok(&complaint("Lê Văn Ba", "Đề nghị kiểm lại phiếu số 12"));
    let list = ok(&kp(d, &["complaint", "--db", "st.db", "--list"]));
    assert!(
        list.contains("from Ông Phạm Văn Tư: Đề nghị kiểm lại phiếu số 12")
            && list.contains("(recorded by Lê Văn Ba)"),
        "{list}"
    );
    let tally: serde_json::Value =
        serde_json::from_str(&ok(&kp(d, &["tally", "--db", "st.db", "--json"]))).unwrap();
    assert_eq!(tally["complaints"].as_array().unwrap().len(), 1);
    assert_eq!(tally["complaints"][0]["recorded_by"], "Lê Văn Ba");
}

/// The README's main command, `demo`, on a small batch: the whole count from the
/// simulated scanner to a closed session, with every reconciliation check holding.
#[test]
fn demo_counts_a_small_batch_to_a_closed_session() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("demo");
    let out = ok(&kp(
        d.path(),
        &[
            "demo",
            "--dir",
            dir.to_str().unwrap(),
            "--sheets",
            "24",
            "--terminal",
        ],
    ));
    assert!(out.contains("result (session closed)"), "{out}");
    assert!(!out.contains("[FAIL]"), "{out}");
    assert!(out.contains("DEMO — KHÔNG CÓ GIÁ TRỊ PHÁP LÝ"), "{out}");
    // The demo's tray feeds one paper twice: every kind of place is shown.
    assert!(
        out.contains("set aside, the same paper scanned twice: 1"),
        "{out}"
    );
    assert!(dir.join("station.db").exists());
    // A second demo in the same folder is refused: it would mix two counts.
    let again = kp(
        d.path(),
        &["demo", "--dir", dir.to_str().unwrap(), "--terminal"],
    );
    assert!(!again.status.success());
}

/// `session open` with the example election and `args` (board, witnesses, …), on its day.
fn open_with(d: &Path, args: &[&str]) -> Output {
    let mut all = vec![
        "session",
        "open",
        "--db",
        "st.db",
        "--election",
        "e.toml",
        "--attendance",
        "300",
        "--count-date",
        "2024-10-13",
    ];
    all.extend(args);
    kp(d, &all)
}

/// Each counting body and witness set rules.md §11 forbids exits 2, names the
/// person, and opens nothing.
#[test]
fn session_open_refuses_a_counting_body_or_witnesses_outside_the_rules() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("e.toml"), kiemphieu_core::election::EXAMPLE_ELECTION).unwrap();
    let w = ["--witness", "Trần Văn Hùng", "--witness", "Đỗ Thị Mai"];
    let body3 = [
        "--leader",
        "Nguyễn Thị Hoa",
        "--member",
        "Lê Văn Ba",
        "--member",
        "Phạm Thị Lan",
    ];
    let refused: Vec<(Vec<&str>, &str)> = vec![
        (
            [&["--leader", "Nguyễn Thị Hoa"][..], &w].concat(),
            "Ban kiểm phiếu has 1 people (Nguyễn Thị Hoa); it has 3 to 5",
        ),
        (
            [
                &["--leader", "A Một", "--member", "B Hai", "--member", "C Ba"][..],
                &[
                    "--member", "D Bốn", "--member", "E Năm", "--member", "G Sáu",
                ],
                &w,
            ]
            .concat(),
            "Ban kiểm phiếu has 6 people (A Một, B Hai, C Ba, D Bốn, E Năm, G Sáu)",
        ),
        (
            [
                &["--leader", "Nguyễn Văn An", "--member", "Lê Văn Ba"][..],
                &["--member", "Phạm Thị Lan"],
                &w,
            ]
            .concat(),
            "Nguyễn Văn An is a candidate and may not be Trưởng ban of the Ban kiểm phiếu",
        ),
        (
            [
                &["--leader", "Nguyễn Thị Hoa", "--member", "Bà Trần Thị Bình"][..],
                &["--member", "Phạm Thị Lan"],
                &w,
            ]
            .concat(),
            "Bà Trần Thị Bình is a candidate and may not be a member of the Ban kiểm phiếu",
        ),
        (
            [
                &body3[..],
                &["--witness", "Trần Thị Bình", "--witness", "Trần Thị Bình"],
            ]
            .concat(),
            "Trần Thị Bình is a candidate and may not be a witness of the count",
        ),
        (
            [&body3[..], &["--witness", "Đỗ Thị Mai"]].concat(),
            "exactly 2 household representatives witness the count (Decree 59 art. 3(5)(c)); 1 entered: Đỗ Thị Mai",
        ),
        (
            [&body3[..], &w, &["--witness", "Lò Thị Sen"]].concat(),
            "3 entered: Trần Văn Hùng, Đỗ Thị Mai, Lò Thị Sen",
        ),
        (
            [
                &body3[..],
                &["--witness", "Lê Văn Ba", "--witness", "Đỗ Thị Mai"],
            ]
            .concat(),
            "Lê Văn Ba is on the Ban kiểm phiếu and may not also witness the count",
        ),
        (
            [
                &body3[..],
                &["--witness", "Đỗ Thị Mai", "--witness", "đỗ thị  mai"],
            ]
            .concat(),
            "the two witnesses are the same person: đỗ thị  mai",
        ),
        (
            [
                &["--counting-body", "to_bau_cu", "--leader", "Nguyễn Thị Hoa"][..],
                &["--member", "Lê Văn Ba"],
                &w,
            ]
            .concat(),
            "Tổ bầu cử has 2 people (Nguyễn Thị Hoa, Lê Văn Ba); it has 3 to 9",
        ),
        (
            [&["--counting-body", "to_phat_phieu"][..], &body3, &w].concat(),
            "to_phat_phieu does not count in meeting mode",
        ),
        (
            [&body3[..], &w, &["--chair", "Nguyễn Văn An"]].concat(),
            "Nguyễn Văn An is a candidate and may not be the chair of the meeting",
        ),
    ];
    for (args, want) in &refused {
        let o = open_with(d, args);
        let (_, err) = text(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: `{want}` not in {err}");
        assert!(err.contains("e.toml: "), "names the file: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(!d.join("st.db").exists(), "{args:?} opened a session");
    }
    // The Tổ bầu cử may count where the commune says so; the sheet then names it alone.
    let out = ok(&open_with(
        d,
        &[&["--counting-body", "to_bau_cu"][..], &body3, &w].concat(),
    ));
    assert!(
        out.contains("counting body: Tổ bầu cử (3 people); day of the count: 13/10/2024"),
        "{out}"
    );
}

/// `session open` of `e.toml` into `st.db` with the standard board, without
/// --count-date unless `more` gives it.
fn open_args<'a>(more: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "session",
        "open",
        "--db",
        "st.db",
        "--election",
        "e.toml",
        "--attendance",
        "300",
    ];
    args.extend(more);
    args.extend(common::BOARD);
    args
}

/// `session open` with stdin `answer`, without --count-date.
fn open_asking(d: &Path, answer: &str) -> Output {
    use std::io::Write;
    let args = open_args(&[]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_kiemphieu"))
        .args(&args)
        .current_dir(d)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(answer.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// The election file's date against the clock (rules.md §12): a mismatch is asked
/// about, the answer is the sheet's date, and no answer opens nothing.
#[test]
fn a_date_mismatch_is_asked_about() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("e.toml"), kiemphieu_core::election::EXAMPLE_ELECTION).unwrap();
    let today = kiemphieu_station::station::today_in_vietnam();
    let today_vi = kiemphieu_core::rules::date_vi(today);
    assert_ne!(
        today.to_string(),
        "2024-10-13",
        "the test needs another day"
    );
    // No answer: nothing opens, and the error says how to answer.
    let o = open_asking(d, "");
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!(
            "The election file's date is 13/10/2024 but the station's clock says {today_vi}."
        )) && err.contains("Which is the day of the count?"),
        "{err}"
    );
    assert!(
        err.contains("--count-date 2024-10-13 or --count-date"),
        "{err}"
    );
    assert!(!d.join("st.db").exists());
    // "1": the election file is right (the clock is not).
    let out = ok(&open_asking(d, "1\n"));
    assert!(out.contains("day of the count: 13/10/2024"), "{out}");
    // A date that is neither is refused.
    std::fs::remove_file(d.join("st.db")).unwrap();
    let o = kp(d, &open_args(&["--count-date", "2024-10-14"]));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).1.contains(
            "--count-date 2024-10-14: neither the election file's date (13/10/2024) nor the station's clock"
        ),
        "{:?}",
        text(&o)
    );
    // "2": the clock is right; the sheet is dated today. An election dated today asks nothing.
    for (answer, file) in [
        (
            "2\n",
            kiemphieu_core::election::EXAMPLE_ELECTION.to_string(),
        ),
        (
            "",
            kiemphieu_core::election::EXAMPLE_ELECTION
                .replace("2024-10-13", &today.format("%Y-%m-%d").to_string()),
        ),
    ] {
        let e = tempfile::tempdir().unwrap();
        std::fs::write(e.path().join("e.toml"), file).unwrap();
        let o = open_asking(e.path(), answer);
        let out = ok(&o);
        assert!(
            out.contains(&format!("day of the count: {today_vi}")),
            "{out}"
        );
        assert_eq!(
            text(&o).1.contains("Which is the day"),
            !answer.is_empty(),
            "{:?}",
            text(&o)
        );
    }
}

/// `review` never decides at the end of its input; only `--accept-suggestions`
/// takes the machine's suggestions in bulk, and each decision records that it did.
#[test]
fn review_at_end_of_input_decides_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    common::open_demo_session(d);
    ok(&common::scan(d, "st.db", "sim:20,rate=0,seed=11", &[]));
    let waiting = |d: &Path| -> u64 {
        let t: serde_json::Value =
            serde_json::from_str(&ok(&kp(d, &["tally", "--db", "st.db", "--json"]))).unwrap();
        t["awaiting_review"].as_u64().unwrap()
    };
    let before = waiting(d);
    assert!(before > 0, "the simulated batch has doubtful ballots");
    // No input at all: nothing is decided.
    let out = ok(&kp(
        d,
        &["review", "--db", "st.db", "--official", "Lê Văn Ba"],
    ));
    assert!(
        out.contains("end of input: nothing more is decided")
            && out.contains(&format!("{before} pages still wait for the officials")),
        "{out}"
    );
    assert_eq!(waiting(d), before);
    // In bulk, with the separately worded option: every page the machine has a
    // proposal for is decided and says so; a page without one stays for the
    // officials to read on its image.
    let out = common::accept_suggestions(d, "st.db");
    assert!(out.contains("decided in bulk"), "{out}");
    let unproposed = out.matches("no proposal: left for the officials").count() as u64;
    assert_eq!(waiting(d), unproposed, "{out}");
    if unproposed > 0 {
        assert!(
            out.contains(&format!("{unproposed} pages still wait for the officials")),
            "{out}"
        );
    }
    let store = kiemphieu_station::store::Store::open(&d.join("st.db")).unwrap();
    let reasons: Vec<String> = store
        .connection()
        .prepare("SELECT reason FROM decisions WHERE action = 'decided'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(reasons.len() as u64, before - unproposed);
    assert!(
        reasons
            .iter()
            .all(|r| r.contains("accepted in bulk (review --accept-suggestions)")),
        "{reasons:?}"
    );
}
