//! The counting session through the real binary: a simulated batch end to end
//! and a hot folder written slowly (kill -9, faults and power cuts:
//! `station_crash.rs`).
// Test code: a panic is how it reports, and the pedantic style lints serve the
// product's code; long scenarios still say why they read better whole.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::pedantic)]
#![warn(clippy::too_many_lines)]

use std::path::Path;
use std::time::Duration;

use kiemphieu_core::ballot::BallotLayout;
use kiemphieu_core::election::{BallotKey, EXAMPLE_ELECTION, parse_election};
use kiemphieu_station::station::Station;
use kiemphieu_synth::{Generator, GeneratorMix};

use crate::common;
use common::{
    accept_suggestions, decide_by_hand, kp, ok, open_demo_session, open_example_session,
    record_printed, scan,
};

/// The session's tally as JSON.
pub(crate) fn tally_json(d: &Path) -> serde_json::Value {
    common::tally_json(d, "st.db")
}

/// Pages per place: they add up to the pages stored.
pub(crate) fn total(t: &serde_json::Value) -> u64 {
    t["places"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum()
}

#[test]
pub(crate) fn simulated_batch_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    open_demo_session(d);
    ok(&scan(d, "st.db", "sim:24,rate=0,seed=5", &[]));
    let tally: serde_json::Value = tally_json(d);
    assert_eq!(total(&tally), 24, "every sheet accounted for: {tally}");
    let votes = tally["candidates"]["c1"]["votes"].as_u64().unwrap()
        + tally["candidates"]["c2"]["votes"].as_u64().unwrap();
    assert_eq!(
        votes,
        tally["valid"].as_u64().unwrap(),
        "one vote per valid ballot (2 candidates)"
    );

    // Scanning the same batch again stores nothing new and counts nothing twice.
    ok(&scan(d, "st.db", "sim:24,rate=0,seed=5", &[]));
    let again: serde_json::Value = tally_json(d);
    assert_eq!(again["places"], tally["places"]);

    // Closing needs every doubtful ballot decided.
    let waiting = tally["awaiting_review"].as_u64().unwrap();
    let o = kp(
        d,
        &[
            "close",
            "--db",
            "st.db",
            "--issued",
            "30",
            "--returned",
            "24",
        ],
    );
    if waiting > 0 {
        assert_eq!(o.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&o.stderr).contains("wait for the officials"));
        accept_suggestions(d, "st.db");
        decide_by_hand(d, "st.db");
    }
    let counted: serde_json::Value = tally_json(d);
    assert_eq!(counted["awaiting_review"], 0);
    let returned = counted["valid"].as_u64().unwrap() + counted["invalid"].as_u64().unwrap();
    // Wrong counts are refused without a note…
    let o = kp(
        d,
        &[
            "close",
            "--db",
            "st.db",
            "--issued",
            "10",
            "--returned",
            &returned.to_string(),
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // … right ones close the session, which then refuses any change.
    ok(&kp(
        d,
        &[
            "close",
            "--db",
            "st.db",
            "--issued",
            &returned.to_string(),
            "--returned",
            &returned.to_string(),
        ],
    ));
    // Each board member confirms; a stranger cannot; the last confirmation closes it.
    let o = kp(d, &["confirm", "--db", "st.db", "--member", "Someone Else"]);
    assert_eq!(o.status.code(), Some(2));
    let first = ok(&kp(
        d,
        &["confirm", "--db", "st.db", "--member", "Nguyễn Thị Hoa"],
    ));
    assert!(
        first.contains("still to confirm: Lê Văn Ba, Phạm Thị Lan"),
        "{first}"
    );
    ok(&kp(
        d,
        &["confirm", "--db", "st.db", "--member", "Lê Văn Ba"],
    ));
    let last = ok(&kp(
        d,
        &["confirm", "--db", "st.db", "--member", "Phạm Thị Lan"],
    ));
    assert!(last.contains("closed"), "{last}");
    let o = scan(d, "st.db", "sim:2,rate=0,seed=9", &[]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("closed"), "{err}");
    let store = kiemphieu_station::store::Store::open(&d.join("st.db")).unwrap();
    assert!(matches!(
        store.check_audit_chain().unwrap(),
        kiemphieu_station::store::ChainCheck::Intact { .. }
    ));
}

/// Writes `n` generated ballot images into `dir` (what a scanner's software would).
/// Generated ballots as a scanner's software writes them; their serials are
/// recorded as printed for the session in `dir/../st.db`.
pub(crate) fn generated_folder(dir: &Path, n: u64) -> Vec<(Vec<u8>, &'static str)> {
    use rayon::prelude::*;
    let election = parse_election(EXAMPLE_ELECTION, Path::new("e.toml")).unwrap();
    let key = BallotKey::load(&dir.join("../e.toml.key")).unwrap();
    let layout = BallotLayout::for_election(&election).unwrap();
    let generator = Generator::new(&election, &layout, &key).unwrap();
    let mix = GeneratorMix::realistic().with_dpi(150);
    let serials: Vec<_> = (0..n)
        .map(|i| generator.sample(1000 + i, &mix).serial)
        .collect();
    record_printed(&dir.join(".."), "st.db", &serials);
    (0..n)
        .into_par_iter()
        .map(|i| {
            let b = generator.generate(1000 + i, &mix).unwrap();
            (b.encoded, b.extension)
        })
        .collect()
}

#[test]
pub(crate) fn hot_folder_written_slowly() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    open_example_session(d);
    let scans = d.join("scans");
    std::fs::create_dir(&scans).unwrap();
    let files = generated_folder(&scans, 6);
    let writer_dir = scans.clone();
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        for (i, (bytes, ext)) in files.iter().enumerate() {
            let mut f =
                std::fs::File::create(writer_dir.join(format!("scan-{i:04}.{ext}"))).unwrap();
            // Scanner software writes in pieces; a half-written file must not be taken.
            for chunk in bytes.chunks(bytes.len() / 3 + 1) {
                f.write_all(chunk).unwrap();
                f.flush().unwrap();
                std::thread::sleep(Duration::from_millis(150));
            }
        }
        files.len()
    });
    ok(&scan(d, "st.db", "folder:scans", &["--batch", "cụm 1"]));
    assert_eq!(writer.join().unwrap(), 6);
    let station = Station::open(&d.join("st.db")).unwrap();
    let sheets = station.sheets().unwrap();
    assert_eq!(sheets.len(), 6, "every file, once");
    assert!(
        sheets
            .iter()
            .all(|s| s.reading.is_some() && s.sheet.batch == "cụm 1")
    );
    for s in &sheets {
        // Stored bytes are the scanner's file, byte for byte.
        let name = s
            .sheet
            .source
            .rsplit('/')
            .next()
            .unwrap()
            .trim_start_matches("folder:");
        let original = std::fs::read(scans.join(name.split(' ').next().unwrap())).unwrap();
        assert_eq!(
            station
                .images()
                .get(&s.sheet.image_path, &s.sheet.image_sha256)
                .unwrap(),
            original
        );
    }
}
