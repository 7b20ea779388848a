//! Bad storage through the real binary: a full disk and a read-only one stop
//! the scan with the reason and lose nothing; a second station process and a
//! database locked by another program are named; a TIFF that crashed the
//! decoder is one bad page (helpers in `bad_input.rs`).
// Test code: a panic is how it reports, and the pedantic style lints serve the
// product's code; long scenarios still say why they read better whole.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::pedantic)]
#![warn(clippy::too_many_lines)]

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use kiemphieu_station::station::Station;

use crate::bad_input::*;
use crate::common;
use common::{kp, ok, scan};

/// A small tmpfs mounted for the test, unmounted when dropped (needs root).
struct Tmpfs(std::path::PathBuf);

impl Tmpfs {
    fn mount(at: &Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(at).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        assert!(
            ok,
            "cannot mount a tmpfs at {}: this test needs root, as scripts/test and CI run",
            at.display()
        );
        ok.then(|| Tmpfs(at.to_path_buf()))
    }

    fn remount(&self, mode: &str) {
        let s = Command::new("mount")
            .args(["-o", &format!("remount,{mode}")])
            .arg(&self.0)
            .status()
            .unwrap();
        assert!(s.success());
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

fn scan_sim(d: &Path, db: &str, source: &str) -> Output {
    scan(d, db, source, &["--dpi", "150"])
}

/// After a failed run: every sheet recorded has its whole image, and the audit chain holds.
fn check_nothing_damaged(db: &Path) -> usize {
    let station = Station::open(db).unwrap();
    let sheets = station.sheets().unwrap();
    for s in &sheets {
        station
            .images()
            .get(&s.sheet.image_path, &s.sheet.image_sha256)
            .unwrap();
    }
    assert!(matches!(
        station.store().check_audit_chain().unwrap(),
        kiemphieu_station::store::ChainCheck::Intact { .. }
    ));
    sheets.len()
}

#[test]
fn full_disk_stops_the_scan_with_the_reason_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    election_here(d);
    let Some(vol) = Tmpfs::mount(&d.join("vol"), "32m") else {
        return;
    };
    ok(&open_demo(d, "vol/st.db"));
    // Fill the volume, then free a little: room for a few pages only.
    let mut chunks = Vec::new();
    for i in 0.. {
        let p = d.join(format!("vol/fill-{i}"));
        if std::fs::write(&p, vec![0u8; 256 * 1024]).is_err() {
            let _ = std::fs::remove_file(&p);
            break;
        }
        chunks.push(p);
    }
    for p in chunks.drain(chunks.len() - 4..) {
        std::fs::remove_file(p).unwrap();
    }
    let source = "sim:12,rate=0,seed=3";
    let o = scan_sim(d, "vol/st.db", source);
    let (out, err) = text(&o);
    eprintln!("{err}");
    assert_eq!(o.status.code(), Some(1), "{out}\n{err}");
    assert!(
        err.contains("vol/st.db") && err.contains("disk is full")
            || err.contains("st.db.images") && err.contains("No space left on device"),
        "{err}"
    );
    assert_eq!(
        err.trim()
            .lines()
            .filter(|l| l.starts_with("error:"))
            .count(),
        1
    );
    let stored = check_nothing_damaged(&d.join("vol/st.db"));
    assert!(stored < 12, "the disk filled before the end ({stored})");
    // Room again: the same batch resumes; what was stored is not stored twice.
    for p in chunks {
        std::fs::remove_file(p).unwrap();
    }
    let o = scan_sim(d, "vol/st.db", source);
    ok(&o);
    assert_eq!(check_nothing_damaged(&d.join("vol/st.db")), 12);
    let station = Station::open(&d.join("vol/st.db")).unwrap();
    assert!(
        station
            .sheets()
            .unwrap()
            .iter()
            .all(|s| s.reading.is_some())
    );
    drop(station);
    drop(vol);
}

#[test]
fn read_only_disk_is_named_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    election_here(d);
    let Some(vol) = Tmpfs::mount(&d.join("vol"), "32m") else {
        return;
    };
    ok(&open_demo(d, "vol/st.db"));
    ok(&scan_sim(d, "vol/st.db", "sim:3,rate=0,seed=4"));
    vol.remount("ro");
    let o = scan_sim(d, "vol/st.db", "sim:6,rate=0,seed=4");
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}\n{err}");
    assert!(err.contains("vol/st.db"), "{err}");
    assert!(
        err.contains("Read-only file system") || err.contains("read-only"),
        "{err}"
    );
    // The count can still be read from a read-only medium.
    let o = kp(d, &["tally", "--db", "vol/st.db", "--json"]);
    let (out, err) = text(&o);
    eprintln!("tally on a read-only disk: {:?} {err}", o.status.code());
    if o.status.success() {
        let t: serde_json::Value = serde_json::from_str(&out).unwrap();
        let n: u64 = t["places"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum();
        assert_eq!(n, 3);
    } else {
        assert!(err.contains("vol/st.db"), "{err}");
    }
    vol.remount("rw");
    // Other ballots (a new seed): the refused batch's serials were never stored.
    ok(&scan_sim(d, "vol/st.db", "sim:3,rate=0,seed=5"));
    assert_eq!(check_nothing_damaged(&d.join("vol/st.db")), 6);
    drop(vol);
}

#[test]
fn a_second_station_process_on_the_same_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    election_here(d);
    ok(&open_demo(d, "st.db"));
    // A slow feeder: 8 sheets at 120 a minute keep the first process busy ~4 s.
    let mut first = Command::new(env!("CARGO_BIN_EXE_kiemphieu"))
        .args([
            "scan",
            "--db",
            "st.db",
            "--source",
            "sim:8,rate=120,seed=8",
            "--dpi",
            "150",
            "--until-idle",
        ])
        .current_dir(d)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let lock = d.join("st.db.lock");
    let start = Instant::now();
    while std::fs::read_to_string(&lock).unwrap_or_default() != first.id().to_string() {
        assert!(start.elapsed() < Duration::from_secs(20), "no lock taken");
        std::thread::sleep(Duration::from_millis(20));
    }
    let second = scan_sim(d, "st.db", "sim:2,rate=0,seed=9");
    let (_, err) = text(&second);
    assert_eq!(second.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "st.db: another kiemphieu process (pid {}) is scanning",
            first.id()
        )),
        "{err}"
    );
    let close = kp(
        d,
        &["close", "--db", "st.db", "--issued", "8", "--returned", "8"],
    );
    assert!(!close.status.success());
    let (_, err) = text(&close);
    assert!(err.contains("another kiemphieu process"), "{err}");
    // Reading the count meanwhile is allowed.
    ok(&kp(d, &["tally", "--db", "st.db"]));
    assert!(first.wait().unwrap().success());
    // Once the first has finished, the second runs; the refused one added nothing.
    let sheets = Station::open(&d.join("st.db")).unwrap().sheets().unwrap();
    assert_eq!(sheets.len(), 8);
    ok(&scan_sim(d, "st.db", "sim:2,rate=0,seed=9"));
    assert_eq!(check_nothing_damaged(&d.join("st.db")), 10);
}

#[test]
fn a_database_locked_by_another_program_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    election_here(d);
    ok(&open_demo(d, "st.db"));
    // Another program (a sqlite3 shell, a backup tool) holds the write lock.
    let conn = rusqlite::Connection::open(d.join("st.db")).unwrap();
    conn.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let o = scan_sim(d, "st.db", "sim:2,rate=0,seed=9");
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("st.db: database is in use by another kiemphieu process"),
        "{err}"
    );
    conn.execute_batch("ROLLBACK").unwrap();
    drop(conn);
    // Nothing half-recorded: the same batch goes in whole afterwards.
    ok(&scan_sim(d, "st.db", "sim:2,rate=0,seed=9"));
    assert_eq!(check_nothing_damaged(&d.join("st.db")), 2);
}

#[test]
fn a_tiff_that_crashed_the_decoder_is_one_bad_page_not_a_crash() {
    // Found by tests/fuzz_smoke.rs: tiff 0.10.3 panicked on it.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    election_here(d);
    std::fs::write(
        d.join("crash.tif"),
        include_bytes!("data/fuzz/image-tiff-empty-sample-format.tif"),
    )
    .unwrap();
    let good = Pages::new(d).clean(0x7777);
    std::fs::write(d.join("good.png"), &good.encoded).unwrap();
    let o = kp(
        d,
        &[
            "interpret",
            "--election",
            "e.toml",
            "--json",
            "crash.tif",
            "good.png",
        ],
    );
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("error: crash.tif: page 1: damaged or truncated image: malformed file"),
        "{err}"
    );
    assert_eq!(out.lines().count(), 2, "the good page is still read: {out}");
    assert!(
        out.lines()
            .nth(1)
            .unwrap()
            .contains(&format!("{:016X}", 0x7777))
    );
}
