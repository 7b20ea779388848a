//! The kiosk binary in a real X server with no window manager (Xvfb), driven
//! with xdotool as a counting table would be: it opens covering the screen, a
//! simulated batch runs, the window is closed from outside (`xdotool
//! windowclose`) and the process ends within seconds with every sheet stored
//! read; a second start opens the same station (the lock was released),
//! scans on into the same batch, and ends on SIGTERM the same way.
// Test code: a panic is how it reports, and the pedantic style lints serve the
// product's code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::pedantic)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use kiemphieu_station::station::{Setup, Station};

const SCREEN: (u32, u32) = (1280, 800);
/// How long a closed kiosk may take to store its sheet in flight and end.
const EXIT_WITHIN: Duration = Duration::from_secs(6);

/// An X server of our own, killed at the end.
struct Xvfb {
    child: Child,
    display: String,
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn xvfb() -> Xvfb {
    let n = 40 + std::process::id() % 400;
    let display = format!(":{n}");
    let child = Command::new("Xvfb")
        .args([
            &display,
            "-screen",
            "0",
            &format!("{}x{}x24", SCREEN.0, SCREEN.1),
            "-nolisten",
            "tcp",
            // Without it the server resets when its last client leaves, and the
            // restarted kiosk finds no X server for a moment.
            "-noreset",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("Xvfb (package xvfb; scripts/test installs it)");
    let socket = PathBuf::from(format!("/tmp/.X11-unix/X{n}"));
    let end = Instant::now() + Duration::from_secs(20);
    while !socket.exists() {
        assert!(Instant::now() < end, "Xvfb did not start on {display}");
        std::thread::sleep(Duration::from_millis(50));
    }
    Xvfb { child, display }
}

fn xdotool(x: &Xvfb, args: &[&str]) -> String {
    let out = Command::new("xdotool")
        .args(args)
        .env("DISPLAY", &x.display)
        .output()
        .expect("xdotool (package xdotool; scripts/test installs it)");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// The kiosk's window, once it is mapped.
fn kiosk_window(x: &Xvfb, kiosk: &mut Child) -> String {
    let end = Instant::now() + Duration::from_secs(60);
    loop {
        if kiosk.try_wait().unwrap().is_some() {
            let mut err = String::new();
            if let Some(mut e) = kiosk.stderr.take() {
                std::io::Read::read_to_string(&mut e, &mut err).unwrap();
            }
            panic!("the kiosk ended at start: {err}");
        }
        let found = xdotool(x, &["search", "--onlyvisible", "--name", "^kiemphieu$"]);
        if let Some(id) = found.lines().next() {
            return id.to_string();
        }
        assert!(Instant::now() < end, "no kiosk window appeared");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Waits for the window to cover the screen (no window manager to do it).
fn assert_covers_screen(x: &Xvfb, window: &str) {
    let want = format!("{}x{}", SCREEN.0, SCREEN.1);
    let end = Instant::now() + Duration::from_secs(10);
    loop {
        let geometry = xdotool(x, &["getwindowgeometry", window]);
        if geometry.contains("Position: 0,0") && geometry.contains(&want) {
            return;
        }
        assert!(
            Instant::now() < end,
            "the kiosk does not cover the {want} screen: {geometry}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn start_kiosk(x: &Xvfb, db: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_kiemphieu"))
        .args(["kiosk", "--db"])
        .arg(db)
        .args(["--scanner", "sim:80,rate=240"])
        .env("DISPLAY", &x.display)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Sheets stored, and how many of them have no reading.
fn sheets(db: &Path) -> (i64, i64, Vec<String>) {
    let c = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .unwrap();
    c.busy_timeout(Duration::from_secs(5)).unwrap();
    let n: i64 = c
        .query_row("SELECT COUNT(*) FROM sheets", [], |r| r.get(0))
        .unwrap();
    let unread: i64 = c
        .query_row(
            "SELECT COUNT(*) FROM sheets WHERE id NOT IN (SELECT sheet_id FROM readings)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let mut q = c.prepare("SELECT DISTINCT batch FROM sheets").unwrap();
    let batches = q
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    (n, unread, batches)
}

fn wait_for_sheets(db: &Path, more_than: i64, kiosk: &mut Child) {
    let end = Instant::now() + Duration::from_secs(90);
    while sheets(db).0 <= more_than {
        assert!(
            kiosk.try_wait().unwrap().is_none(),
            "the kiosk ended while scanning"
        );
        assert!(Instant::now() < end, "no sheet past {more_than} was stored");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Waits for the kiosk to end; returns how long it took.
fn wait_exit(kiosk: &mut Child) -> Duration {
    let start = Instant::now();
    loop {
        if let Some(status) = kiosk.try_wait().unwrap() {
            let mut err = String::new();
            if let Some(mut e) = kiosk.stderr.take() {
                use std::io::Read;
                let _ = e.read_to_string(&mut err);
            }
            assert!(status.success(), "the kiosk ended with {status}: {err}");
            return start.elapsed();
        }
        if start.elapsed() > EXIT_WITHIN {
            let _ = kiosk.kill();
            panic!("the kiosk did not end within {EXIT_WITHIN:?} of being closed");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Starts the scan the way an operator at the keyboard would: F6.
fn press_start(x: &Xvfb) {
    xdotool(x, &["mousemove", "640", "400"]);
    xdotool(x, &["key", "F6"]);
}

#[test]
fn closed_kiosk_stops_the_scan_and_a_restart_resumes() {
    let x = xvfb();
    let dir = tempfile::tempdir().unwrap();
    let election = dir.path().join("bau-cu.toml");
    std::fs::write(&election, kiemphieu_core::election::EXAMPLE_ELECTION).unwrap();
    let db = dir.path().join("station.db");
    let parsed = kiemphieu_core::election::parse_election(
        kiemphieu_core::election::EXAMPLE_ELECTION,
        &election,
    )
    .unwrap();
    let setup = Setup {
        leader: "Nguyễn Thị Hoa".into(),
        members: vec!["Lê Văn Ba".into(), "Phạm Thị Lan".into()],
        witnesses: vec!["Trần Văn Hùng".into(), "Đỗ Thị Mai".into()],
        attendance: 400,
        // The day the election file names, so the clock's day is not asked about.
        count_date: Some(kiemphieu_station::station::expected_count_date(&parsed)),
        ..Setup::default()
    };
    let opening = kiemphieu_station::station::Opening {
        setup,
        previous: None,
        print_runs: Vec::new(),
        demo: true,
    };
    drop(Station::create(&db, &election, &opening).unwrap());

    // First run: full screen, a batch runs, the window is closed from outside.
    let mut kiosk = start_kiosk(&x, &db);
    let window = kiosk_window(&x, &mut kiosk);
    assert_covers_screen(&x, &window);
    press_start(&x);
    wait_for_sheets(&db, 3, &mut kiosk);
    xdotool(&x, &["windowclose", &window]);
    let took = wait_exit(&mut kiosk);
    let (stored, unread, batches) = sheets(&db);
    assert!(
        stored < 80,
        "the scan went on after the close: {stored} sheets"
    );
    assert_eq!(unread, 0, "a sheet was stored without its reading");
    assert_eq!(batches.len(), 1);
    eprintln!("closed after {stored} sheets; ended in {took:?}");
    let view = std::fs::read_to_string(format!("{}.kiosk.json", db.display())).unwrap();
    assert!(
        view.contains("\"scanning\":true"),
        "the kiosk should remember the batch was cut short: {view}"
    );

    // Second run: the station opens (the lock was released), scanning goes on
    // in the same batch, and SIGTERM ends it as a close does.
    let mut kiosk = start_kiosk(&x, &db);
    let window = kiosk_window(&x, &mut kiosk);
    assert_covers_screen(&x, &window);
    press_start(&x);
    wait_for_sheets(&db, stored, &mut kiosk);
    let status = Command::new("kill")
        .args(["-TERM", &kiosk.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let took = wait_exit(&mut kiosk);
    let (after, unread, resumed) = sheets(&db);
    assert!(after > stored);
    assert_eq!(unread, 0, "a sheet was stored without its reading");
    assert_eq!(resumed, batches, "the restart scans on into the same batch");
    eprintln!("SIGTERM after {after} sheets; ended in {took:?}");
}
