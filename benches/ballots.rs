//! Printing ballots: 1,000 ballots to PDF (names are added on the day, then
//! ballots are printed, so this must take seconds).
// Test code: a panic is how it reports, and the pedantic style lints serve the
// product's code; long scenarios still say why they read better whole.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::pedantic)]
#![warn(clippy::too_many_lines)]
// criterion's macros generate undocumented functions.
#![allow(missing_docs)]

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use kiemphieu_core::ballot::{BallotLayout, Payload, Serial, render_ballots_pdf};
use kiemphieu_core::election::{BallotKey, EXAMPLE_ELECTION, Fingerprint, parse_election};

fn bench(c: &mut Criterion) {
    let election =
        parse_election(EXAMPLE_ELECTION, Path::new("example.toml")).expect("example parses");
    let key = BallotKey::from_bytes([3; 32]);
    let fp = Fingerprint::of(&election);
    let texts: Vec<String> = (0..1000u64)
        .map(|i| Payload::sign(&fp, Serial(i * 7919 + 1), &key).encode())
        .collect();
    let mut group = c.benchmark_group("ballots");
    group.sample_size(10);
    group.bench_function("1000_ballots_to_pdf", |b| {
        b.iter(|| {
            let layout = BallotLayout::for_election(&election).expect("layout");
            render_ballots_pdf(&layout, &texts).expect("pdf")
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
