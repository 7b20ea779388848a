//! The counting session through the real binary when things go wrong: kill -9
//! at random moments of a batch and of review, close and confirm; a scanner
//! fault every 50 sheets; a power cut while images and the WAL are written —
//! nothing lost, nothing counted twice (helpers in `station.rs`).
// Test code: a panic is how it reports, and the pedantic style lints serve the
// product's code; long scenarios still say why they read better whole.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::pedantic)]
#![warn(clippy::too_many_lines)]

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use kiemphieu_core::election::BallotKey;
use kiemphieu_interpret::{DEFAULT_PIXEL_BUDGET, Interpreter, Profile, decode_pages};
use kiemphieu_station::station::{ImageStore, Station, count_sheets, images_dir};
use kiemphieu_station::store::SheetRecord;

use crate::common;
use crate::station::*;
use common::{decide_by_hand, kp, ok, open_demo_session, open_example_session, scan};

/// The session's tally as JSON.

#[test]
fn kill_nine_at_random_moments_loses_nothing_and_counts_nothing_twice() {
    let runs: u64 = std::env::var("KIEMPHIEU_CRASH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let sheets: u64 = std::env::var("KIEMPHIEU_CRASH_SHEETS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    open_example_session(d);
    let scans = d.join("scans");
    std::fs::create_dir(&scans).unwrap();
    for (i, (bytes, ext)) in generated_folder(&scans, sheets).iter().enumerate() {
        std::fs::write(scans.join(format!("scan-{i:04}.{ext}")), bytes).unwrap();
    }
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    for _ in 0..runs {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kiemphieu"))
            .args([
                "scan",
                "--db",
                "st.db",
                "--source",
                "folder:scans",
                "--until-idle",
            ])
            .current_dir(d)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // xorshift: a kill time between 50 ms and 2 s.
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        std::thread::sleep(Duration::from_millis(50 + seed % 1950));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
    }
    // Resume to the end.
    ok(&scan(d, "st.db", "folder:scans", &[]));

    let station = Station::open(&d.join("st.db")).unwrap();
    let states = station.sheets().unwrap();
    // Every page received is stored once.
    let shas: HashSet<&str> = states
        .iter()
        .map(|s| s.sheet.image_sha256.as_str())
        .collect();
    assert_eq!(states.len() as u64, sheets, "one sheet per file");
    assert_eq!(shas.len() as u64, sheets);
    assert!(
        states.iter().all(|s| s.reading.is_some()),
        "every sheet interpreted after resume"
    );
    // The count equals a fresh re-interpretation of the stored images.
    let election = station.election().clone();
    let key = BallotKey::load(&d.join("st.db.key")).unwrap();
    let interp = Interpreter::new(&election, key, Profile::default()).unwrap();
    let images = ImageStore::new(images_dir(&d.join("st.db")));
    let fresh: Vec<SheetRecord> = states
        .iter()
        .map(|s| {
            let bytes = images
                .get(&s.sheet.image_path, &s.sheet.image_sha256)
                .unwrap();
            let page = decode_pages(&bytes, DEFAULT_PIXEL_BUDGET)
                .unwrap()
                .remove(0);
            SheetRecord {
                reading: Some(interp.interpret(&page)),
                ..s.clone()
            }
        })
        .collect();
    let recorded = station.count().unwrap();
    let recount = count_sheets(&election, &fresh, &station.printed().unwrap());
    assert_eq!(recorded.tally, recount.tally);
    assert_eq!(recorded.places, recount.places);
    // No serial is counted twice as a ballot.
    let mut counted: HashMap<String, u32> = HashMap::new();
    for s in &states {
        if let Some(kiemphieu_station::station::Place::Counted {
            destination: kiemphieu_station::station::Destination::Ballot,
            ..
        }) = recorded.sheets.get(&s.sheet.id)
        {
            if let Some(serial) = s.serial() {
                *counted.entry(serial.to_string()).or_default() += 1;
            }
        }
    }
    assert!(counted.values().all(|&n| n == 1));
    assert!(matches!(
        station.store().check_audit_chain().unwrap(),
        kiemphieu_station::store::ChainCheck::Intact { .. }
    ));
}

/// Runs a command of the binary and kills it (SIGKILL) after `after`; true when it
/// had already finished by itself.
fn run_and_kill(d: &Path, args: &[&str], after: Duration) -> bool {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kiemphieu"))
        .args(args)
        .current_dir(d)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(after);
    let finished = matches!(child.try_wait(), Ok(Some(_)));
    let _ = child.kill();
    let _ = child.wait();
    finished
}

fn query_i64(d: &Path, sql: &str) -> i64 {
    let store = kiemphieu_station::store::Store::open(&d.join("st.db")).unwrap();
    store.connection().query_row(sql, [], |r| r.get(0)).unwrap()
}

fn xorshift(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

#[allow(clippy::too_many_lines)] // kill -9 at each step of one session; the steps read in order
#[test]
fn kill_nine_during_review_close_and_confirm_loses_nothing_and_doubles_nothing() {
    let sheets: u64 = std::env::var("KIEMPHIEU_CRASH_SHEETS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(160);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    open_demo_session(d);
    let source = format!("sim:{sheets},rate=0,seed=17");
    ok(&scan(d, "st.db", &source, &["--dpi", "150"]));
    let before = tally_json(d);
    let waiting = before["awaiting_review"].as_u64().unwrap();
    assert!(waiting >= 5, "a review queue to interrupt: {before}");
    let mut seed = 0xA076_1D64_78BD_642Fu64;

    // Review: each decision is one transaction; the queue only holds undecided sheets.
    let review = [
        "review",
        "--db",
        "st.db",
        "--official",
        "Lê Văn Ba",
        "--accept-suggestions",
        "--confirm-blank",
    ];
    let mut interrupted = 0;
    for _ in 0..12 {
        let left = tally_json(d)["awaiting_review"].as_u64().unwrap();
        if left == 0 {
            break;
        }
        let after = Duration::from_millis(10 + xorshift(&mut seed) % 100);
        if !run_and_kill(d, &review, after) {
            let now = tally_json(d)["awaiting_review"].as_u64().unwrap();
            interrupted += u64::from(now > 0 && now < left);
        }
    }
    eprintln!("review: {interrupted} kills landed between two decisions");
    ok(&kp(d, &review));
    let by_hand = decide_by_hand(d, "st.db") as u64;
    let decided = tally_json(d);
    assert_eq!(decided["awaiting_review"], 0);
    // One decision per waiting sheet: none lost, none taken twice.
    assert_eq!(
        query_i64(d, "SELECT COUNT(*) FROM decisions WHERE action = 'decided'") as u64,
        waiting
    );
    assert_eq!(
        query_i64(
            d,
            "SELECT COUNT(*) FROM (SELECT sheet_id FROM decisions WHERE action = 'decided' GROUP BY sheet_id HAVING COUNT(*) > 1)"
        ),
        0
    );
    eprintln!("review: {by_hand} ballots read by eye");
    // Nothing else moved: every sheet still there.
    assert_eq!(total(&decided), sheets);
    assert_eq!(total(&before), sheets);
    let set_aside = |t: &serde_json::Value| -> u64 {
        t["set_aside"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum()
    };
    assert_eq!(
        decided["valid"].as_u64().unwrap()
            + decided["invalid"].as_u64().unwrap()
            + set_aside(&decided),
        before["valid"].as_u64().unwrap() + before["invalid"].as_u64().unwrap() + waiting,
        "each decided page counted or set aside once"
    );
    let returned =
        (decided["valid"].as_u64().unwrap() + decided["invalid"].as_u64().unwrap()).to_string();

    // Close: the reconciliation and the state change are one transaction.
    let close = [
        "close",
        "--db",
        "st.db",
        "--issued",
        returned.as_str(),
        "--returned",
        returned.as_str(),
    ];
    for _ in 0..6 {
        let after = Duration::from_millis(5 + xorshift(&mut seed) % 120);
        run_and_kill(d, &close, after);
        let reconciled = query_i64(
            d,
            "SELECT COUNT(*) FROM sessions WHERE state = 'reconciled'",
        );
        let rows = query_i64(d, "SELECT COUNT(*) FROM reconciliations");
        assert_eq!(
            rows, reconciled,
            "a reconciliation on record iff reconciled"
        );
        if reconciled == 1 {
            break;
        }
    }
    if query_i64(d, "SELECT COUNT(*) FROM reconciliations") == 0 {
        ok(&kp(d, &close));
    }
    assert_eq!(query_i64(d, "SELECT COUNT(*) FROM reconciliations"), 1);

    // Confirm: each member once; the last closes the session in one transaction.
    let members = common::BODY;
    for (i, member) in members.iter().enumerate() {
        let confirm = ["confirm", "--db", "st.db", "--member", member];
        for _ in 0..4 {
            let after = Duration::from_millis(5 + xorshift(&mut seed) % 80);
            run_and_kill(d, &confirm, after);
            let state: String = {
                let store = kiemphieu_station::store::Store::open(&d.join("st.db")).unwrap();
                store
                    .connection()
                    .query_row("SELECT state FROM sessions", [], |r| r.get(0))
                    .unwrap()
            };
            assert!(
                ["reconciled", "closed"].contains(&state.as_str()),
                "never left between confirmed and closed: {state}"
            );
        }
        let confirmed = query_i64(
            d,
            &format!(
                "SELECT COUNT(*) FROM confirmations WHERE member = '{}'",
                member
            ),
        );
        if confirmed == 0
            || (i == members.len() - 1
                && query_i64(d, "SELECT COUNT(*) FROM sessions WHERE state = 'closed'") == 0)
        {
            ok(&kp(d, &confirm));
        }
    }
    assert_eq!(
        query_i64(d, "SELECT COUNT(*) FROM sessions WHERE state = 'closed'"),
        1
    );
    assert_eq!(query_i64(d, "SELECT COUNT(*) FROM confirmations"), 3);
    let after = tally_json(d);
    assert_eq!(after["candidates"], decided["candidates"]);
    assert_eq!(after["places"], decided["places"]);
    assert_eq!(after["valid"], decided["valid"]);
    assert_eq!(after["invalid"], decided["invalid"]);
    let store = kiemphieu_station::store::Store::open(&d.join("st.db")).unwrap();
    assert!(matches!(
        store.check_audit_chain().unwrap(),
        kiemphieu_station::store::ChainCheck::Intact { .. }
    ));
}

#[test]
fn long_run_with_a_scanner_fault_every_50_sheets_accounts_for_every_sheet() {
    // 2,000 by hand (KIEMPHIEU_FAULT_SHEETS=2000); 400 in the test run.
    let n: u64 = std::env::var("KIEMPHIEU_FAULT_SHEETS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(400);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    open_demo_session(d);
    let o = scan(
        d,
        "st.db",
        &format!("sim:{n},rate=0,fault-every=50,seed=23"),
        &["--dpi", "150"],
    );
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "{err}");
    // Each fault is shown with its instruction and the sheet it concerns.
    let faults = err.matches("simulated fault:").count() as u64;
    assert!(faults >= n / 50, "{faults} faults for {n} sheets");
    for status in kiemphieu_devices::scanner::ScanStatus::ALL {
        if n / 50 >= kiemphieu_devices::scanner::ScanStatus::ALL.len() as u64 {
            assert!(
                err.contains(&format!("simulated fault: {}", status.code())),
                "{} not shown",
                status.code()
            );
        }
    }
    assert!(
        err.contains(&format!("{faults} scanner faults")),
        "summary counts the faults"
    );
    let station = Station::open(&d.join("st.db")).unwrap();
    let sheets = station.sheets().unwrap();
    // Every ballot in the tray is stored once and read; no ballot twice, none lost.
    assert_eq!(sheets.len() as u64, n);
    assert!(sheets.iter().all(|s| s.reading.is_some()));
    let sources: HashSet<&str> = sheets.iter().map(|s| s.sheet.source.as_str()).collect();
    assert_eq!(sources.len() as u64, n, "one sheet per feeder position");
    let count = station.count().unwrap();
    assert_eq!(count.places.values().sum::<u32>() as u64, n);
    assert_eq!(count.pending, 0);
    let serials: Vec<&str> = sheets.iter().filter_map(|s| s.serial()).collect();
    let distinct: HashSet<&str> = serials.iter().copied().collect();
    assert_eq!(serials.len(), distinct.len(), "no ballot fed twice");
}

/// Sheet ids and image hashes recorded in a database, read from a copy so that the
/// original's write-ahead log stays as the crash left it.
fn sheets_in_copy(d: &Path, tag: &str) -> Vec<(i64, String)> {
    let snap = d.join(format!("snap-{tag}"));
    std::fs::create_dir_all(&snap).unwrap();
    for f in ["st.db", "st.db-wal"] {
        if d.join(f).exists() {
            std::fs::copy(d.join(f), snap.join(f)).unwrap();
        }
    }
    let conn = rusqlite::Connection::open(snap.join("st.db")).unwrap();
    let mut stmt = conn
        .prepare("SELECT id, image_sha256 FROM sheets ORDER BY id")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn power_cut_while_writing_images_and_the_wal_is_noticed_and_recovered() {
    let rounds: u64 = std::env::var("KIEMPHIEU_POWER_CUTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4);
    let n = 16u64;
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let mut damaged_noticed = 0;
    for round in 0..rounds {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        open_demo_session(d);
        let source = format!("sim:{n},rate=0,seed={}", 31 + round);
        let scan = [
            "scan",
            "--db",
            "st.db",
            "--source",
            source.as_str(),
            "--dpi",
            "150",
            "--until-idle",
        ];
        // The power goes while pages are being written.
        let after = Duration::from_millis(600 + xorshift(&mut seed) % 1500);
        run_and_kill(d, &scan, after);
        let before = sheets_in_copy(d, "before");
        // The log is cut short at a random point: what was written after it is gone.
        let wal = d.join("st.db-wal");
        if let Ok(meta) = std::fs::metadata(&wal) {
            let keep = xorshift(&mut seed) % (meta.len() + 1);
            std::fs::OpenOptions::new()
                .write(true)
                .open(&wal)
                .unwrap()
                .set_len(keep)
                .unwrap();
        }
        // The station opens; what it holds is a prefix of what was recorded.
        tally_json(d);
        let after_cut = sheets_in_copy(d, "after");
        assert!(after_cut.len() <= before.len());
        assert_eq!(
            after_cut[..],
            before[..after_cut.len()],
            "a prefix, no change"
        );
        // The last image written is cut short too: in odd rounds the last one whose
        // sheet is still on record (a disk that lied about its fsync).
        let images = images_dir(&d.join("st.db"));
        let recorded = |name: &str| {
            after_cut
                .iter()
                .any(|(_, sha)| name.starts_with(sha.as_str()))
        };
        let newest = std::fs::read_dir(&images)
            .into_iter()
            .flatten()
            .flatten()
            .flat_map(|sub| {
                std::fs::read_dir(sub.path())
                    .into_iter()
                    .flatten()
                    .flatten()
            })
            .filter(|f| !f.file_name().to_string_lossy().starts_with('.'))
            .filter(|f| round % 2 == 0 || recorded(&f.file_name().to_string_lossy()))
            .max_by_key(|f| f.metadata().unwrap().modified().unwrap());
        let mut cut_image = None;
        if let Some(f) = newest {
            let len = f.metadata().unwrap().len();
            let keep = xorshift(&mut seed) % len;
            std::fs::OpenOptions::new()
                .write(true)
                .open(f.path())
                .unwrap()
                .set_len(keep)
                .unwrap();
            cut_image = Some(f.file_name().to_string_lossy().into_owned());
        }
        // A recorded sheet whose image was cut is noticed, never counted unnoticed.
        let station = Station::open(&d.join("st.db")).unwrap();
        let damaged = station.damaged_images().unwrap();
        let cut_recorded = cut_image.as_deref().is_some_and(recorded);
        assert_eq!(damaged.len(), usize::from(cut_recorded), "{damaged:?}");
        damaged_noticed += damaged.len();
        drop(station);
        if cut_recorded {
            // Closing is refused while a stored image is damaged.
            let o = kp(
                d,
                &["close", "--db", "st.db", "--issued", "1", "--returned", "1"],
            );
            assert!(!o.status.success());
        }

        // Scanning the batch again: every ballot stored once, whole, and read.
        ok(&kp(d, &scan));
        let station = Station::open(&d.join("st.db")).unwrap();
        let sheets = station.sheets().unwrap();
        assert_eq!(
            sheets.len() as u64,
            n,
            "round {round}: one sheet per ballot"
        );
        assert!(station.damaged_images().unwrap().is_empty());
        assert!(
            sheets.iter().all(|s| s.reading.is_some()),
            "round {round}: every sheet read"
        );
        assert!(
            sheets.iter().all(|s| !s
                .reading
                .as_ref()
                .is_some_and(|r| r.reasons.iter().any(|x| x.contains("altered")))),
            "no reading of a damaged image kept"
        );
        let shas: HashSet<&str> = sheets
            .iter()
            .map(|s| s.sheet.image_sha256.as_str())
            .collect();
        assert_eq!(shas.len() as u64, n);
        assert!(matches!(
            station.store().check_audit_chain().unwrap(),
            kiemphieu_station::store::ChainCheck::Intact { .. }
        ));
    }
    eprintln!("power cuts: {rounds} rounds, {damaged_noticed} recorded images found damaged");
}
