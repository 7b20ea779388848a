//! The hand-check audit judged over many synthetic elections (docs/audit.md):
//! the expected number of draws for a correct count, and how often a wrong
//! reported outcome is confirmed (it must be at most the risk limit α). The
//! table is printed once; criterion then times one measure of the risk.
//! `cargo bench --bench audit` (trials per row: KIEMPHIEU_AUDIT_TRIALS, 300).
// Test code: a panic is how it reports, and the pedantic style lints serve the
// product's code; long scenarios still say why they read better whole.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::pedantic)]
#![warn(clippy::too_many_lines)]
// criterion's macros generate undocumented functions.
#![allow(missing_docs)]

use criterion::{Criterion, criterion_group, criterion_main};
use kiemphieu_core::audit::simulate::figures;
use kiemphieu_core::audit::{Comparison, Contest, SheetReading, measure};

const ALPHA: f64 = 0.05;
const H: u32 = 500;

fn trials() -> u64 {
    std::env::var("KIEMPHIEU_AUDIT_TRIALS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300)
}

fn bench(c: &mut Criterion) {
    println!("{}", figures(trials(), ALPHA));
    let contest = Contest {
        households: H,
        pages: H,
        votes: vec![("a".into(), 300), ("b".into(), 200)],
        winner: Some("a".into()),
    };
    let drawn: Vec<Comparison> = (1..=40)
        .map(|i| Comparison {
            position: i,
            machine: SheetReading::Vote("a".into()),
            paper: SheetReading::Vote("a".into()),
        })
        .collect();
    c.bench_function("audit_measure_40_draws", |b| {
        b.iter(|| measure(&contest, ALPHA, &drawn))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
