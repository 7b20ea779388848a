//! End to end: 1,000 sheets from a hot folder to the final tally — storage,
//! fsyncs, SQLite and interpretation included (target ≤ 15 s on 2 cores).
//!
//! With `KIEMPHIEU_BENCH_LARGE=1`, also once each (too long for criterion's ten
//! samples), through the real binary: 10,000 sheets from a hot folder to the final
//! tally (pages/s, peak RSS of `kiemphieu scan`), and the whole session of a
//! 2,000-household unit (open, scan, review, tally, close, confirm).
// Test code: a panic is how it reports, and the pedantic style lints serve the
// product's code; long scenarios still say why they read better whole.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::pedantic)]
#![warn(clippy::too_many_lines)]
// criterion's macros generate undocumented functions.
#![allow(missing_docs)]

use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use kiemphieu::source::open_source;
use kiemphieu_core::ballot::BallotLayout;
use kiemphieu_core::election::{BallotKey, EXAMPLE_ELECTION, parse_election};
use kiemphieu_devices::scanner::ScanSettings;
use kiemphieu_station::station::{Setup, Station};
use kiemphieu_synth::{FileFormat, Generator, GeneratorMix};
use rayon::prelude::*;

#[path = "../tests/common/mod.rs"]
mod common;

const SHEETS: u64 = 1000;
/// Each timed run gets a fresh database.
static RUNS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

fn bench(c: &mut Criterion) {
    let work = tempfile::tempdir().expect("temp dir");
    let election_file = work.path().join("e.toml");
    std::fs::write(&election_file, EXAMPLE_ELECTION).expect("write election");
    let election = parse_election(EXAMPLE_ELECTION, Path::new("e.toml")).expect("parses");
    let key = BallotKey::load_or_create(&election_file).expect("key");
    let layout = BallotLayout::for_election(&election).expect("layout");
    let generator = Generator::new(&election, &layout, &key).expect("generator");
    let scans = work.path().join("scans");
    std::fs::create_dir(&scans).expect("scans dir");
    // What an office sheet-fed scanner writes for ballots: 200 dpi colour or grey JPEG.
    let mix = GeneratorMix::realistic()
        .with_dpi(200)
        .with_format(FileFormat::Jpeg { quality: 85 });
    (0..SHEETS).into_par_iter().for_each(|i| {
        let b = generator.generate(i, &mix).expect("generate");
        std::fs::write(
            scans.join(format!("scan-{i:05}.{}", b.extension)),
            &b.encoded,
        )
        .expect("write scan");
    });
    let setup = Setup {
        leader: "A".into(),
        members: vec!["D".into(), "E".into()],
        witnesses: vec!["B".into(), "C".into()],
        attendance: 400,
        // The benchmark's election is dated 2024: that is the day of the count.
        count_date: chrono::NaiveDate::from_ymd_opt(2024, 10, 13),
        ..Setup::default()
    };
    let settings = ScanSettings {
        folder_idle: Duration::from_millis(300),
        ..ScanSettings::default()
    };
    let mut group = c.benchmark_group("station");
    group.sample_size(10);
    group.bench_function("1000_sheets_folder_to_tally", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for run in 0..iters {
                let n = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let db = work.path().join(format!("run-{n}-{run}.db"));
                let start = Instant::now();
                let opening = kiemphieu_station::station::Opening {
                    setup: setup.clone(),
                    ..Default::default()
                };
                let mut station = Station::create(&db, &election_file, &opening).expect("session");
                let scanner = open_source(&format!("folder:{}", scans.display()), &settings, None)
                    .expect("folder");
                station.run(scanner, "1").expect("run");
                let count = station.count().expect("count");
                total += start.elapsed();
                assert_eq!(count.pending, 0);
                assert_eq!(station.sheets().expect("sheets").len() as u64, SHEETS);
            }
            total
        })
    });
    group.finish();
}

/// Runs the binary in `dir`; returns wall time and the process's peak RSS (MB), as
/// measured by GNU time (a child forked from this large process would inherit its
/// resident size as the floor of its own peak), or 0 without /usr/bin/time.
fn timed(dir: &Path, args: &[&str]) -> (Duration, f64) {
    let report = dir.join(".maxrss");
    let gnu_time = Path::new("/usr/bin/time").exists();
    let mut cmd = if gnu_time {
        let mut c = std::process::Command::new("/usr/bin/time");
        c.args(["-f", "%M", "-o"])
            .arg(&report)
            .arg(env!("CARGO_BIN_EXE_kiemphieu"));
        c
    } else {
        std::process::Command::new(env!("CARGO_BIN_EXE_kiemphieu"))
    };
    let start = Instant::now();
    let status = cmd
        .args(args)
        .current_dir(dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("run kiemphieu");
    let wall = start.elapsed();
    assert!(status.success(), "{args:?} failed");
    let kb: f64 = std::fs::read_to_string(&report)
        .ok()
        .and_then(|t| t.trim().lines().last()?.trim().parse().ok())
        .unwrap_or(0.0);
    (wall, kb / 1024.0)
}

/// Writes `n` generated ballots of `election_text` (key beside `dir/e.toml`) into `dir/scans`.
fn ballots_in_folder(dir: &Path, election_text: &str, n: u64) {
    let election_file = dir.join("e.toml");
    std::fs::write(&election_file, election_text).expect("write election");
    let election = parse_election(election_text, Path::new("e.toml")).expect("parses");
    let key = BallotKey::load_or_create(&election_file).expect("key");
    let layout = BallotLayout::for_election(&election).expect("layout");
    let generator = Generator::new(&election, &layout, &key).expect("generator");
    let scans = dir.join("scans");
    std::fs::create_dir_all(&scans).expect("scans dir");
    let mix = GeneratorMix::realistic()
        .with_dpi(200)
        .with_format(FileFormat::Jpeg { quality: 85 });
    (0..n).into_par_iter().for_each(|i| {
        let b = generator.generate(i, &mix).expect("generate");
        std::fs::write(
            scans.join(format!("scan-{i:05}.{}", b.extension)),
            &b.encoded,
        )
        .expect("write scan");
    });
}

/// `session open` of `e.toml` into `st.db` with the tests' board and `attendance`.
fn open_args(attendance: &str) -> Vec<&str> {
    let mut args = vec!["session", "open", "--db", "st.db", "--election", "e.toml"];
    args.extend(common::BOARD);
    args.extend(common::COUNT_DATE);
    args.extend(["--attendance", attendance]);
    args
}

fn large(_c: &mut Criterion) {
    if std::env::var_os("KIEMPHIEU_BENCH_LARGE").is_none() {
        eprintln!("(set KIEMPHIEU_BENCH_LARGE=1 for the 10,000-sheet and 2,000-household runs)");
        return;
    }
    let scan = [
        "scan",
        "--db",
        "st.db",
        "--source",
        "folder:scans",
        "--until-idle",
    ];
    // The whole session of a 2,000-household unit, 1,800 present.
    {
        let work = tempfile::tempdir().expect("temp dir");
        let d = work.path();
        let returned = 1_790u64;
        ballots_in_folder(
            d,
            &EXAMPLE_ELECTION.replace("households = 412", "households = 2000"),
            returned,
        );
        let mut steps = Vec::new();
        let open = open_args("1800");
        steps.push(("session open", timed(d, &open)));
        steps.push(("scan 1,790 sheets", timed(d, &scan)));
        steps.push((
            "review (accept suggestions)",
            timed(
                d,
                &[
                    "review",
                    "--db",
                    "st.db",
                    "--official",
                    "Lê Văn Ba",
                    "--accept-suggestions",
                ],
            ),
        ));
        steps.push(("tally", timed(d, &["tally", "--db", "st.db"])));
        let station = Station::open(&d.join("st.db")).expect("station");
        let count = station.count().expect("count");
        drop(station);
        let counted = (count.tally.valid + count.tally.invalid).to_string();
        steps.push((
            "close",
            timed(
                d,
                &[
                    "close",
                    "--db",
                    "st.db",
                    "--issued",
                    "1800",
                    "--returned",
                    &counted,
                    "--note",
                    "ballots the machine could not read are counted by hand",
                ],
            ),
        ));
        for member in common::BODY {
            steps.push((
                "confirm",
                timed(d, &["confirm", "--db", "st.db", "--member", member]),
            ));
        }
        let total: f64 = steps.iter().map(|(_, (t, _))| t.as_secs_f64()).sum();
        for (what, (t, rss)) in &steps {
            eprintln!(
                "2,000-household session: {what}: {:.2} s, peak RSS {rss:.0} MB",
                t.as_secs_f64()
            );
        }
        eprintln!("2,000-household session: total {total:.1} s (scan includes the 5 s idle wait)");
    }
    // 10,000 sheets, folder to final tally.
    {
        let n = 10_000u64;
        let work = tempfile::tempdir().expect("temp dir");
        let d = work.path();
        let t = Instant::now();
        ballots_in_folder(
            d,
            &EXAMPLE_ELECTION.replace("households = 412", "households = 12000"),
            n,
        );
        eprintln!(
            "10,000 sheets: generated in {:.0} s",
            t.elapsed().as_secs_f64()
        );
        let open = open_args("11000");
        timed(d, &open);
        let (wall, rss) = timed(d, &scan);
        let (tally, _) = timed(d, &["tally", "--db", "st.db"]);
        let station = Station::open(&d.join("st.db")).expect("station");
        assert_eq!(station.sheets().expect("sheets").len() as u64, n);
        // `--until-idle` waits 5 s for a next file before it ends.
        let busy = wall.as_secs_f64() - 5.0;
        eprintln!(
            "10,000 sheets folder → tally: scan {:.1} s ({:.1} s without the 5 s idle wait), {:.0} pages/s, peak RSS {rss:.0} MB; tally {:.2} s",
            wall.as_secs_f64(),
            busy,
            n as f64 / busy,
            tally.as_secs_f64()
        );
    }
}

criterion_group!(benches, bench, large);
criterion_main!(benches);
