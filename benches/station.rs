//! End to end: 1,000 sheets from a hot folder to the final tally — storage,
//! fsyncs, SQLite and interpretation included (target ≤ 15 s on 2 cores).

use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use kiemphieu::ballot::BallotLayout;
use kiemphieu::election::{BallotKey, EXAMPLE_ELECTION, parse_election};
use kiemphieu::scanner::{ScanSettings, open_source};
use kiemphieu::station::{Setup, Station};
use kiemphieu::synth::{FileFormat, Generator, GeneratorMix};
use rayon::prelude::*;

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
        members: vec![],
        witnesses: vec!["B".into(), "C".into()],
        attendance: 400,
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
                let mut station =
                    Station::create(&db, &election_file, &setup, None).expect("session");
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

criterion_group!(benches, bench);
criterion_main!(benches);
