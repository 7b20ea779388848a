//! Helpers shared by the integration tests that run the real binary.
// Test code: a panic is how it reports, and the pedantic style lints serve the
// product's code; long scenarios still say why they read better whole.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::pedantic)]
#![warn(clippy::too_many_lines)]
// Each test crate uses only some of them.
#![allow(dead_code)]

pub mod pages;

use std::path::Path;
use std::process::{Command, Output};

use kiemphieu_core::election::EXAMPLE_ELECTION;

/// Runs `kiemphieu ARGS` in `dir`.
pub fn kp(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kiemphieu"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run kiemphieu")
}

/// Asserts the command succeeded; returns its standard output.
pub fn ok(o: &Output) -> String {
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        o.status.success(),
        "{out}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

/// Writes the example election to `d/e.toml` and opens a session in `d/st.db`
/// with the standard board and 300 attending.
pub fn open_example_session(d: &Path) {
    std::fs::write(d.join("e.toml"), EXAMPLE_ELECTION).unwrap();
    ok(&open_session(d, "st.db", "e.toml", 300));
}

/// Writes the example election to `d/e.toml` and opens a demo session in
/// `d/st.db` (the simulated scanner runs only in a demo database).
pub fn open_demo_session(d: &Path) {
    std::fs::write(d.join("e.toml"), EXAMPLE_ELECTION).unwrap();
    open_demo(d, 300);
}

/// Opens a demo session of `e.toml` (already in `d`) into `st.db` with the
/// standard board, the file's count date and `attendance`.
pub fn open_demo(d: &Path, attendance: u32) {
    let attendance = attendance.to_string();
    let mut args = vec![
        "session",
        "open",
        "--db",
        "st.db",
        "--election",
        "e.toml",
        "--demo",
    ];
    args.extend(BOARD);
    args.extend(COUNT_DATE);
    args.extend(["--attendance", &attendance]);
    ok(&kp(d, &args));
}

/// Records `serials` as printed for the latest session's round of `db` (the
/// ballots a test generates stand for ballots printed for the count).
pub fn record_printed(d: &Path, db: &str, serials: &[kiemphieu_core::ballot::Serial]) {
    let mut store = kiemphieu_station::store::Store::open(&d.join(db)).unwrap();
    let info = store.sessions().unwrap().last().cloned().unwrap();
    let fp = kiemphieu_core::election::Fingerprint::from_hex(&info.fingerprint).unwrap();
    store
        .record_print_run(
            &fp,
            info.round,
            serials,
            true,
            kiemphieu_station::store::RunOrigin::Printed,
        )
        .unwrap();
}

/// The standard Ban kiểm phiếu of the tests (head first): three people, the least it has.
pub const BODY: [&str; 3] = ["Nguyễn Thị Hoa", "Lê Văn Ba", "Phạm Thị Lan"];

/// The standard counting board and witnesses of the tests, as `session open` options.
pub const BOARD: [&str; 10] = [
    "--leader",
    "Nguyễn Thị Hoa",
    "--member",
    "Lê Văn Ba",
    "--member",
    "Phạm Thị Lan",
    "--witness",
    "Trần Văn Hùng",
    "--witness",
    "Đỗ Thị Mai",
];

/// The example election's day, given as the day of the count (the clock says otherwise).
pub const COUNT_DATE: [&str; 2] = ["--count-date", "2024-10-13"];

/// `session open` of `election` into `db` with the standard board and `attendance`,
/// counting on the example election's day.
pub fn open_session(d: &Path, db: &str, election: &str, attendance: u32) -> Output {
    let attendance = attendance.to_string();
    let mut args = vec!["session", "open", "--db", db, "--election", election];
    args.extend(BOARD);
    args.extend(COUNT_DATE);
    args.extend(["--attendance", &attendance]);
    kp(d, &args)
}

/// Every member of the standard board confirms `db`; the last one closes it.
pub fn confirm_all(d: &Path, db: &str) {
    for member in BODY {
        ok(&kp(d, &["confirm", "--db", db, "--member", member]));
    }
}

/// `scan --until-idle` of `source` into `db`, with any further options.
pub fn scan(d: &Path, db: &str, source: &str, more: &[&str]) -> Output {
    let mut args = vec!["scan", "--db", db, "--source", source, "--until-idle"];
    args.extend(more);
    kp(d, &args)
}

/// Decides every waiting page as the machine proposes, blank pages together,
/// as Lê Văn Ba.
pub fn accept_suggestions(d: &Path, db: &str) -> String {
    ok(&kp(
        d,
        &[
            "review",
            "--db",
            db,
            "--official",
            "Lê Văn Ba",
            "--accept-suggestions",
            "--confirm-blank",
        ],
    ))
}

/// The session's tally as JSON.
pub fn tally_json(d: &Path, db: &str) -> serde_json::Value {
    serde_json::from_str(&ok(&kp(d, &["tally", "--db", db, "--json"]))).unwrap()
}

/// Decides, through the station library, every page still waiting as the
/// officials would after reading it by eye: a ballot of this round as a vote for
/// the first candidate, anything else as not the issued form.
pub fn decide_by_hand(d: &Path, db: &str) -> usize {
    use kiemphieu_station::station::{Destination, Station, ballot_allowed};
    use kiemphieu_station::store::Decision;
    let mut station = Station::open(&d.join(db)).unwrap();
    let first = station.election().candidates[0].id.clone();
    let states = station.sheets().unwrap();
    let count = station.count_of(&states).unwrap();
    let mut n = 0;
    for (id, place) in &count.sheets {
        if !place.is_awaiting() {
            continue;
        }
        let decision = match place.destination() {
            Some(Destination::Ballot) => {
                Decision::Ballot(kiemphieu_core::rules::Vote::For(first.clone()).into())
            }
            Some(dest) if ballot_allowed(dest) => Decision::NotABallot,
            _ => Decision::NotIssuedForm,
        };
        station
            .decide(*id, &decision, "read by eye at the table", "Lê Văn Ba")
            .unwrap();
        n += 1;
    }
    n
}

/// The words of a PDF on one line (pdftotext, whitespace collapsed); `layout`
/// keeps the page's columns side by side (`-layout`).
pub fn pdf_words(pdf: &Path, layout: bool) -> String {
    let mut cmd = Command::new("pdftotext");
    if layout {
        cmd.arg("-layout");
    }
    let o = cmd
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils; scripts/test installs it)");
    String::from_utf8_lossy(&o.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
